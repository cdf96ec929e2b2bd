"""`tnet balance`, `tnet transfer`, `tnet fund`: TAO in and out of accounts.

`balance` and `fund` use the light HTTP client (no substrate-interface import: a read returns in a
fraction of a second); `transfer` is a signed transaction through :mod:`tensornet.cli.tx`.
"""
from __future__ import annotations

import json

import click

from tensornet.cli.accounts import Account, resolve_target
from tensornet.cli.amounts import format_tao, parse_tao, tao_str
from tensornet.cli.rpc_client import RpcClient, json_option, url_option, yes_option
from tensornet.cli.wallet_cmd import coldkey_signer, wallet_from_options, wallet_options


def account_info(client: RpcClient, public: bytes) -> dict:
    """``System.Account`` of ``public`` at the head (the default record when absent)."""
    from tensornet.primitives.hashing import blake2_128, twox128
    from tensornet.runtime.types import ACCOUNT_INFO

    key = twox128(b"System") + twox128(b"Account") + blake2_128(public) + public
    raw = client.call("state_getStorage", "0x" + key.hex())
    if raw is None:
        return {"nonce": 0, "consumers": 0, "providers": 0, "sufficients": 0,
                "data": {"free": 0, "reserved": 0, "frozen": 0, "flags": 0}}
    return ACCOUNT_INFO.decode_all(bytes.fromhex(raw[2:]))


def _targets(accounts: tuple[str, ...], wallet_name: str, wallet_path: str, uri: str | None) -> list[Account]:
    if accounts:
        return [resolve_target(a, wallet_path) for a in accounts]
    if uri:
        return [resolve_target(uri, wallet_path)]
    from tensornet.cli.accounts import wallet_coldkey_account

    return [wallet_coldkey_account(wallet_name, wallet_path)]


@click.command("balance")
@click.argument("accounts", nargs=-1, metavar="[ADDRESS|WALLET|WALLET/HOTKEY|//URI]...")
@wallet_options
@click.option("--uri", default=None, metavar="//NAME", help="A dev account, e.g. //Alice.")
@url_option
@json_option
def balance(accounts, wallet_name, wallet_hotkey, wallet_path, uri, url, as_json):
    """Free, reserved and frozen TAO of accounts (default: the wallet's coldkey)."""
    targets = _targets(accounts, wallet_name, wallet_path, uri)
    client = RpcClient(url)
    rows = []
    for acc in targets:
        data = account_info(client, acc.public)["data"]
        rows.append({"account": acc.label, "address": acc.ss58, "free_rao": data["free"],
                     "reserved_rao": data["reserved"], "frozen_rao": data["frozen"],
                     "free": tao_str(data["free"]), "reserved": tao_str(data["reserved"]),
                     "frozen": tao_str(data["frozen"])})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    from tensornet.cli.output import console as make_console

    table = Table(title=f"Balances at {url}")
    for col in ("account", "address", "free (TAO)", "reserved", "frozen"):
        table.add_column(col, justify="right" if col not in ("account", "address") else "left")
    for r in rows:
        table.add_row(r["account"], r["address"], format_tao(r["free_rao"]), format_tao(r["reserved_rao"]),
                      format_tao(r["frozen_rao"]))
    make_console().print(table)


@click.command("transfer", context_settings={"ignore_unknown_options": True})
@click.argument("dest", metavar="DEST")
@click.argument("amount", metavar="TAO")
@wallet_options
@click.option("--uri", default=None, metavar="//NAME", help="Sign with a dev account, e.g. //Alice.")
@click.option("--allow-death", is_flag=True, help="Allow the sender's account to be reaped (transfer_allow_death).")
@url_option
@yes_option
@json_option
def transfer(dest, amount, wallet_name, wallet_hotkey, wallet_path, uri, allow_death, url, yes, as_json):
    """Send TAO from the wallet's coldkey (or --uri) to DEST (address, //Name or wallet name)."""
    from tensornet.wallet.errors import WalletError

    rao = parse_tao(amount, "TAO")
    target = resolve_target(dest, wallet_path)
    try:
        signer = coldkey_signer(wallet_from_options(wallet_name, wallet_hotkey, wallet_path), uri)
    except WalletError as exc:
        raise click.ClickException(str(exc)) from None
    from tensornet.cli.tx import compose, connect, submit

    substrate = connect(url)
    call = compose(substrate, "Balances", "transfer_allow_death" if allow_death else "transfer_keep_alive",
                   {"dest": target.ss58, "value": rao})
    submit(substrate, call, signer, yes=yes, as_json=as_json,
           description=f"Transfer {format_tao(rao)} TAO to {target.label} ({target.ss58})")


@click.command("fund", context_settings={"ignore_unknown_options": True})
@click.argument("target", metavar="ADDRESS|WALLET|WALLET/HOTKEY|//NAME")
@click.argument("amount", metavar="TAO")
@click.option("--set", "set_exact", is_flag=True, help="Set the free balance to TAO instead of adding TAO.")
@click.option("--wallet.path", "--wallet-path", "wallet_path", default=None, metavar="DIR",
              help="Where wallets named as TARGET live (btcli's default).")
@url_option
@json_option
def fund(target, amount, set_exact, wallet_path, url, as_json):
    """Give an account TAO on a devnet (dev_setBalance: no faucet, no transfer, no fee)."""
    from tensornet.wallet.wallet import DEFAULT_WALLET_PATH

    rao = parse_tao(amount, "TAO", allow_zero=set_exact)
    acc = resolve_target(target, wallet_path or DEFAULT_WALLET_PATH)
    client = RpcClient(url)
    before = account_info(client, acc.public)["data"]["free"]
    new_free = rao if set_exact else before + rao
    if new_free > 2**64 - 1:
        raise click.BadParameter("the resulting balance does not fit a u64", param_hint="TAO")
    result = client.call("dev_setBalance", "0x" + acc.public.hex(), str(new_free))
    after = account_info(client, acc.public)["data"]["free"]
    out = {"account": acc.label, "address": acc.ss58, "before_rao": before, "free_rao": after,
           "free": tao_str(after), "block": result["block"], "block_number": result["head"]["number"]}
    if as_json:
        click.echo(json.dumps(out, indent=2))
    else:
        click.echo(f"{acc.label} ({acc.ss58}): {format_tao(before)} → {format_tao(after)} TAO "
                   f"(block #{out['block_number']})")

