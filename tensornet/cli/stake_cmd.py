"""`tnet stake add | remove | move | transfer | lock | list`: dTAO staking.

Amounts: ``add`` takes TAO; ``remove``, ``move`` and ``transfer`` take alpha of the origin subnet
(both 9 decimals, parsed exactly). ``--limit-price`` (TAO per alpha) with ``--allow-partial``
selects the ``*_limit`` calls, as btcli's ``--safe-staking`` does.
"""
from __future__ import annotations

import json

import click

from tensornet.cli.accounts import resolve_target
from tensornet.cli.amounts import format_tao, parse_tao, tao_str
from tensornet.cli.keys_opts import Keys, signer_options
from tensornet.cli.rpc_client import RpcClient, json_option, url_option, yes_option


@click.group("stake")
def stake() -> None:
    """Add, remove, move, transfer and list stake."""


def _limit_options(func):
    func = click.option("--allow-partial", is_flag=True, help="Fill what the limit price allows instead of failing.")(func)
    func = click.option("--limit-price", default=None, metavar="TAO",
                        help="Worst price accepted, in TAO per alpha (uses the *_limit call).")(func)
    return func


def _hotkey_target(keys: Keys, hotkey: str | None):
    return resolve_target(hotkey, keys.wallet_path) if hotkey else keys.hotkey_account()


def _proxy_option(func):
    return click.option("--proxy", default=None, metavar="ADDRESS|WALLET|//URI",
                        help="Act for this coldkey, signing as its proxy delegate (see `tnet proxy`).")(func)


def _send(url, pallet_call: str, params: dict, keys: Keys, yes: bool, as_json: bool, description: str,
          proxy: str | None = None) -> None:
    from tensornet.cli.subtensor_reads import require_subnet
    from tensornet.cli.tx import compose, connect, submit

    real = resolve_target(proxy, keys.wallet_path) if proxy else None
    signer = keys.coldkey()
    substrate = connect(url)
    for key in ("netuid", "origin_netuid", "destination_netuid"):
        if key in params:
            require_subnet(substrate, params[key])
    call = compose(substrate, "SubtensorModule", pallet_call, params)
    if real is not None:
        call = compose(substrate, "Proxy", "proxy", {"real": real.ss58, "force_proxy_type": None, "call": call})
        description += f", for {real.ss58} (Proxy.proxy)"
    submit(substrate, call, signer, yes=yes, as_json=as_json, description=description)


@stake.command("add")
@click.argument("netuid", type=click.IntRange(0, 65535))
@click.argument("amount", metavar="TAO")
@click.option("--hotkey", default=None, metavar="ADDRESS|//URI", help="Stake to this hotkey (default: the wallet's).")
@signer_options
@_limit_options
@_proxy_option
@url_option
@yes_option
@json_option
def add(netuid, amount, hotkey, limit_price, allow_partial, proxy, url, yes, as_json, **kw):
    """Stake TAO from the coldkey to a hotkey on a subnet (buys alpha from the pool)."""
    keys = Keys.from_kwargs(kw)
    rao = parse_tao(amount, "TAO")
    target = _hotkey_target(keys, hotkey)
    params = {"hotkey": target.ss58, "netuid": netuid, "amount_staked": rao}
    name = "add_stake"
    if limit_price is not None:
        params.update(limit_price=parse_tao(limit_price, "--limit-price"), allow_partial=allow_partial)
        name = "add_stake_limit"
    _send(url, name, params, keys, yes, as_json,
          f"Stake {format_tao(rao)} TAO to {target.ss58} on subnet {netuid}", proxy)


@stake.command("remove")
@click.argument("netuid", type=click.IntRange(0, 65535))
@click.argument("amount", metavar="ALPHA")
@click.option("--hotkey", default=None, metavar="ADDRESS|//URI", help="Unstake from this hotkey (default: the wallet's).")
@signer_options
@_limit_options
@_proxy_option
@url_option
@yes_option
@json_option
def remove(netuid, amount, hotkey, limit_price, allow_partial, proxy, url, yes, as_json, **kw):
    """Unstake alpha from a hotkey on a subnet (sells it to the pool for TAO)."""
    keys = Keys.from_kwargs(kw)
    alpha = parse_tao(amount, "ALPHA")
    target = _hotkey_target(keys, hotkey)
    params = {"hotkey": target.ss58, "netuid": netuid, "amount_unstaked": alpha}
    name = "remove_stake"
    if limit_price is not None:
        params.update(limit_price=parse_tao(limit_price, "--limit-price"), allow_partial=allow_partial)
        name = "remove_stake_limit"
    _send(url, name, params, keys, yes, as_json,
          f"Unstake {format_tao(alpha)} α from {target.ss58} on subnet {netuid}", proxy)


@stake.command("move")
@click.argument("origin_netuid", type=click.IntRange(0, 65535))
@click.argument("destination_netuid", type=click.IntRange(0, 65535))
@click.argument("amount", metavar="ALPHA")
@click.option("--hotkey", default=None, metavar="ADDRESS|//URI", help="Origin hotkey (default: the wallet's).")
@click.option("--to-hotkey", "to_hotkey", required=True, metavar="ADDRESS|//URI", help="Destination hotkey.")
@signer_options
@_proxy_option
@url_option
@yes_option
@json_option
def move(origin_netuid, destination_netuid, amount, hotkey, to_hotkey, proxy, url, yes, as_json, **kw):
    """Move your stake to another hotkey and/or subnet (same coldkey)."""
    keys = Keys.from_kwargs(kw)
    alpha = parse_tao(amount, "ALPHA")
    origin = _hotkey_target(keys, hotkey)
    dest = resolve_target(to_hotkey, keys.wallet_path)
    _send(url, "move_stake", {"origin_hotkey": origin.ss58, "destination_hotkey": dest.ss58,
                              "origin_netuid": origin_netuid, "destination_netuid": destination_netuid,
                              "alpha_amount": alpha}, keys, yes, as_json,
          f"Move {format_tao(alpha)} α from {origin.ss58}@{origin_netuid} to {dest.ss58}@{destination_netuid}", proxy)


@stake.command("transfer")
@click.argument("origin_netuid", type=click.IntRange(0, 65535))
@click.argument("destination_netuid", type=click.IntRange(0, 65535))
@click.argument("amount", metavar="ALPHA")
@click.option("--dest", "dest_coldkey", required=True, metavar="ADDRESS|WALLET|//URI", help="The new owner (coldkey).")
@click.option("--hotkey", default=None, metavar="ADDRESS|//URI", help="The hotkey staked to (default: the wallet's).")
@signer_options
@_proxy_option
@url_option
@yes_option
@json_option
def transfer(origin_netuid, destination_netuid, amount, dest_coldkey, hotkey, proxy, url, yes, as_json, **kw):
    """Give stake to another coldkey (same hotkey), optionally into another subnet."""
    keys = Keys.from_kwargs(kw)
    alpha = parse_tao(amount, "ALPHA")
    hot = _hotkey_target(keys, hotkey)
    dest = resolve_target(dest_coldkey, keys.wallet_path)
    _send(url, "transfer_stake", {"destination_coldkey": dest.ss58, "hotkey": hot.ss58,
                                  "origin_netuid": origin_netuid, "destination_netuid": destination_netuid,
                                  "alpha_amount": alpha}, keys, yes, as_json,
          f"Transfer {format_tao(alpha)} α on {hot.ss58} from subnet {origin_netuid} to {dest.ss58} "
          f"on subnet {destination_netuid}", proxy)


@stake.command("lock")
@click.argument("netuid", type=click.IntRange(0, 65535))
@click.argument("amount", metavar="ALPHA")
@click.option("--hotkey", default=None, metavar="ADDRESS|//URI",
              help="The hotkey the lock's conviction goes to (default: the wallet's).")
@signer_options
@_proxy_option
@url_option
@yes_option
@json_option
def lock(netuid, amount, hotkey, proxy, url, yes, as_json, **kw):
    """Lock alpha of the coldkey on a subnet (it cannot be unstaked until it decays)."""
    keys = Keys.from_kwargs(kw)
    alpha = parse_tao(amount, "ALPHA")
    target = _hotkey_target(keys, hotkey)
    _send(url, "lock_stake", {"hotkey": target.ss58, "netuid": netuid, "amount": alpha}, keys, yes, as_json,
          f"Lock {format_tao(alpha)} α on subnet {netuid}, conviction to {target.ss58}", proxy)


@stake.command("list")
@click.argument("coldkey", required=False, metavar="[ADDRESS|WALLET|//URI]")
@click.option("--wallet.name", "--wallet-name", "-w", "wallet_name", default="default", show_default=True)
@click.option("--wallet.path", "--wallet-path", "-p", "wallet_path", default=None, metavar="DIR")
@url_option
@json_option
def list_cmd(coldkey, wallet_name, wallet_path, url, as_json):
    """A coldkey's stakes per hotkey and subnet (StakeInfoRuntimeApi)."""
    from tensornet.cli.accounts import wallet_coldkey_account
    from tensornet.primitives.scale import Vec
    from tensornet.primitives.ss58 import ss58_encode
    from tensornet.subnet.apis_stake import StakeInfo
    from tensornet.wallet.wallet import DEFAULT_WALLET_PATH

    path = wallet_path or DEFAULT_WALLET_PATH
    acc = resolve_target(coldkey, path) if coldkey else wallet_coldkey_account(wallet_name, path)
    rpc = RpcClient(url)
    raw = rpc.call("state_call", "StakeInfoRuntimeApi_get_stake_info_for_coldkey", "0x" + acc.public.hex())
    infos = Vec(StakeInfo).decode_all(bytes.fromhex(raw[2:]))
    rows = [{"hotkey": ss58_encode(i["hotkey"], 42), "netuid": i["netuid"], "stake_alpha_rao": i["stake"],
             "stake": tao_str(i["stake"]), "emission_rao": i["emission"], "registered": i["is_registered"]}
            for i in infos]
    locks = _locks(rpc, acc.public)
    if as_json:
        click.echo(json.dumps({"coldkey": acc.ss58, "stakes": rows, "locks": locks}, indent=2))
        return
    from rich.table import Table

    from tensornet.cli.output import console

    table = Table(title=f"Stake of {acc.label} ({acc.ss58})")
    for col in ("netuid", "hotkey", "stake (α)", "emission (α)", "registered"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["netuid"]), r["hotkey"], format_tao(r["stake_alpha_rao"]), format_tao(r["emission_rao"]),
                      "yes" if r["registered"] else "no")
    console().print(table)
    for row in locks:
        console().print(f"subnet {row['netuid']}: {format_tao(row['locked_rao'])} α locked, "
                        f"{format_tao(row['available_rao'])} α free to unstake")


def _locks(rpc: RpcClient, coldkey: bytes) -> list[dict]:
    """Per subnet where the coldkey has a lock: locked and free alpha (StakeInfoRuntimeApi)."""
    from tensornet.primitives.scale import U16, AccountId, Option, Vec
    from tensornet.subnet.apis_stake import stake_info_api

    method = next(m for m in stake_info_api().methods if m.name == "get_stake_availability_for_coldkeys")
    args = Vec(AccountId).encode([coldkey]) + Option(Vec(U16)).encode(None)
    raw = rpc.call("state_call", "StakeInfoRuntimeApi_get_stake_availability_for_coldkeys", "0x" + args.hex())
    rows = []
    for _coldkey, per_subnet in method.output.decode_all(bytes.fromhex(raw[2:])):
        for netuid, row in per_subnet:
            if row["locked"]:
                rows.append({"netuid": netuid, "locked_rao": row["locked"], "available_rao": row["available"]})
    return rows
