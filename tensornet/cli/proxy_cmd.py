"""`tnet proxy add | remove | list`: let another key sign for a coldkey (the Proxy pallet).

A delegation has a type (``Staking`` lets the delegate stake and unstake, never transfer) and an
announcement delay in blocks (0: act at once). The coldkey pays a deposit while it delegates. The
delegate then acts with ``tnet stake … --proxy COLDKEY``: it signs ``Proxy.proxy`` and the chain
dispatches the call as the coldkey.
"""
from __future__ import annotations

import click

from tensornet.cli.accounts import resolve_target
from tensornet.cli.keys_opts import Keys, signer_options
from tensornet.cli.rpc_client import json_option, url_option, yes_option
from tensornet.pallets.proxy_filter import PROXY_TYPES

_TYPE = click.option("--type", "proxy_type", type=click.Choice(PROXY_TYPES), default="Staking", show_default=True,
                     help="What the delegate may do (subtensor's ProxyType).")
_DELAY = click.option("--delay", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True,
                      help="Blocks an announced call must wait before the delegate may make it.")


@click.group("proxy")
def proxy() -> None:
    """Delegate signing for a coldkey: add, remove, list."""


def _change(call: str, delegate: str, proxy_type: str, delay: int, url, yes, as_json, kw) -> None:
    from tensornet.cli.tx import compose, connect, submit

    keys = Keys.from_kwargs(kw)
    target = resolve_target(delegate, keys.wallet_path)
    signer = keys.coldkey()
    substrate = connect(url)
    params = {"delegate": target.ss58, "proxy_type": proxy_type, "delay": delay}
    verb = "let" if call == "add_proxy" else "stop letting"
    submit(substrate, compose(substrate, "Proxy", call, params), signer, yes=yes, as_json=as_json,
           description=f"{verb} {target.ss58} sign for {signer.ss58_address} as a {proxy_type} proxy (delay {delay})")


def _delegation_options(func):
    """DELEGATE, its type and delay, the signing coldkey, the node and the confirmations."""
    for option in (json_option, yes_option, url_option, signer_options, _DELAY, _TYPE,
                   click.argument("delegate", metavar="DELEGATE")):
        func = option(func)
    return func


@proxy.command("add")
@_delegation_options
def add(delegate, proxy_type, delay, url, yes, as_json, **kw):
    """Let DELEGATE (address, //URI or wallet) sign for the coldkey; reserves the proxy deposit."""
    _change("add_proxy", delegate, proxy_type, delay, url, yes, as_json, kw)


@proxy.command("remove")
@_delegation_options
def remove(delegate, proxy_type, delay, url, yes, as_json, **kw):
    """Revoke one delegation (type and delay as it was added); the deposit comes back."""
    _change("remove_proxy", delegate, proxy_type, delay, url, yes, as_json, kw)


@proxy.command("list")
@click.argument("account", required=False, metavar="ACCOUNT")
@click.option("--wallet.path", "wallet_path", default="~/.bittensor/wallets", show_default=True,
              help="Where wallets named by ACCOUNT live.")
@url_option
@json_option
def list_(account, wallet_path, url, as_json):
    """The delegates of ACCOUNT (default //Alice) and the deposit it holds for them."""
    import json

    from tensornet.cli.amounts import format_tao
    from tensornet.cli.tx import connect

    target = resolve_target(account or "//Alice", wallet_path)
    substrate = connect(url)
    delegations, deposit = substrate.query("Proxy", "Proxies", [target.ss58]).value
    if as_json:
        click.echo(json.dumps({"account": target.ss58, "deposit_rao": deposit, "proxies": delegations}, indent=2))
        return
    click.echo(f"{target.ss58}: {len(delegations)} delegate(s), deposit {format_tao(deposit)} TAO")
    for d in delegations:
        click.echo(f"  {d['delegate']}  {d['proxy_type']}  delay {d['delay']}")
