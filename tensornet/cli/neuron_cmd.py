"""`tnet register`, `tnet axon serve`, `tnet weights set|commit|reveal`, `tnet metagraph`.

Weights are typed as ``--uids 1,2 --weights 0.25,0.75`` (any non-negative numbers); they are
max-upscaled to u16 as the chain stores them (the largest becomes 65535). ``commit`` keeps the
salt and values in ``~/.tensornet/commits/`` so that ``reveal`` can send them later.
"""
from __future__ import annotations

import ipaddress
import json
import os
import secrets
from decimal import Decimal, InvalidOperation

import click

from tensornet.cli.amounts import format_tao, tao_str
from tensornet.cli.keys_opts import Keys, signer_options
from tensornet.cli.rpc_client import json_option, url_option, yes_option

U16_MAX = 65535
COMMITS_DIR = os.path.join(os.path.expanduser("~"), ".tensornet", "commits")


def _connect(url):
    from tensornet.cli.tx import connect

    return connect(url)


@click.command("register")
@click.argument("netuid", type=click.IntRange(1, 65535))
@signer_options
@url_option
@yes_option
@json_option
def register(netuid, url, yes, as_json, **kw):
    """Register the wallet's hotkey on a subnet by burning TAO (burned_register)."""
    from tensornet.cli.subtensor_reads import q, require_subnet
    from tensornet.cli.tx import compose, submit

    keys = Keys.from_kwargs(kw)
    hotkey = keys.hotkey_account()
    signer = keys.coldkey()
    substrate = _connect(url)
    require_subnet(substrate, netuid)
    burn = q(substrate, "Burn", netuid)
    call = compose(substrate, "SubtensorModule", "burned_register", {"netuid": netuid, "hotkey": hotkey.ss58})
    result = submit(substrate, call, signer, yes=yes, as_json=as_json,
                    description=f"Register {hotkey.ss58} on subnet {netuid} (burn ≈ {format_tao(burn)} TAO)")
    if not as_json:
        uid = q(substrate, "Uids", netuid, hotkey.ss58, block_hash=result.block_hash)
        click.echo(f"{hotkey.label} is uid {uid} on subnet {netuid}")


@click.group("axon")
def axon() -> None:
    """Publish where a neuron's axon listens."""


@axon.command("serve")
@click.argument("netuid", type=click.IntRange(0, 65535))
@click.option("--ip", required=True, help="IPv4 or IPv6 address miners are reachable at.")
@click.option("--port", type=click.IntRange(1, 65535), required=True)
@click.option("--protocol", type=click.IntRange(0, 255), default=4, show_default=True)
@click.option("--version", "version", type=click.IntRange(0, 2**32 - 1), default=1, show_default=True)
@signer_options
@url_option
@yes_option
@json_option
def serve(netuid, ip, port, protocol, version, url, yes, as_json, **kw):
    """serve_axon, signed by the hotkey (loopback only on devnets started with --allow-loopback-axons)."""
    from tensornet.cli.tx import compose, submit

    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        raise click.BadParameter(f"{ip!r} is not an IPv4 or IPv6 address", param_hint="--ip") from None
    keys = Keys.from_kwargs(kw)
    signer = keys.hotkey()
    substrate = _connect(url)
    call = compose(substrate, "SubtensorModule", "serve_axon", {
        "netuid": netuid, "version": version, "ip": int(addr), "port": port, "ip_type": addr.version,
        "protocol": protocol, "placeholder1": 0, "placeholder2": 0})
    submit(substrate, call, signer, yes=yes, as_json=as_json,
           description=f"Serve axon {addr}:{port} for {signer.ss58_address} on subnet {netuid}")


# --- weights ---------------------------------------------------------------------------------------

@click.group("weights")
def weights() -> None:
    """Set, commit and reveal weights (signed by the hotkey)."""


def _ints(text: str, what: str) -> list[int]:
    try:
        values = [int(x) for x in text.replace(" ", "").split(",") if x]
    except ValueError:
        raise click.BadParameter(f"{text!r}: a comma-separated list of integers", param_hint=what) from None
    if any(v < 0 or v > U16_MAX for v in values):
        raise click.BadParameter("uids are 0…65535", param_hint=what)
    return values


def _weights(uids_text: str, weights_text: str) -> tuple[list[int], list[int]]:
    uids = _ints(uids_text, "--uids")
    try:
        raw = [Decimal(x) for x in weights_text.replace(" ", "").split(",") if x]
    except InvalidOperation:
        raise click.BadParameter(f"{weights_text!r}: comma-separated numbers", param_hint="--weights") from None
    if len(raw) != len(uids):
        raise click.BadParameter(f"{len(uids)} uids but {len(raw)} weights", param_hint="--weights")
    if any(not w.is_finite() or w < 0 for w in raw):
        raise click.BadParameter("weights must be non-negative numbers", param_hint="--weights")
    top = max(raw, default=Decimal(0))
    if top == 0:
        raise click.BadParameter("at least one weight must be positive", param_hint="--weights")
    values = [int((w * U16_MAX / top).to_integral_value()) for w in raw]
    return uids, values


def _version_key(substrate, netuid: int, given: int | None) -> int:
    if given is not None:
        return given
    from tensornet.cli.subtensor_reads import q

    return q(substrate, "WeightsVersionKey", netuid) or 0


_weight_opts = [
    click.option("--uids", required=True, help="Comma-separated uids, e.g. 1,2,3."),
    click.option("--weights", "weights_text", required=True, help="Comma-separated weights, e.g. 0.2,0.3,0.5."),
    click.option("--version-key", type=click.IntRange(0, 2**64 - 1), default=None,
                 help="Default: the subnet's WeightsVersionKey."),
]


def weight_options(func):
    for opt in reversed(_weight_opts):
        func = opt(func)
    return func


def _weights_request(netuid, uids, weights_text, version_key, url, kw):
    """What set and commit both need: parsed weights, the hotkey signer, a connection to a node on
    which the subnet exists, and the version key. Returns (dests, values, signer, substrate, key)."""
    from tensornet.cli.subtensor_reads import require_subnet

    dests, values = _weights(uids, weights_text)
    signer = Keys.from_kwargs(kw).hotkey()
    substrate = _connect(url)
    require_subnet(substrate, netuid)
    return dests, values, signer, substrate, _version_key(substrate, netuid, version_key)


@weights.command("set")
@click.argument("netuid", type=click.IntRange(0, 65535))
@weight_options
@signer_options
@url_option
@yes_option
@json_option
def set_weights(netuid, uids, weights_text, version_key, url, yes, as_json, **kw):
    """set_weights (subnets with commit-reveal off)."""
    from tensornet.cli.tx import compose, submit

    dests, values, signer, substrate, key = _weights_request(netuid, uids, weights_text, version_key, url, kw)
    call = compose(substrate, "SubtensorModule", "set_weights", {
        "netuid": netuid, "dests": dests, "weights": values, "version_key": key})
    submit(substrate, call, signer, yes=yes, as_json=as_json,
           description=f"Set weights on subnet {netuid}: {dict(zip(dests, values))}")


def _load_pending(path: str) -> list[dict]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _save_pending(path: str, pending: list[dict]) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(pending, fh)


def _commit_file(netuid: int, hotkey: str) -> str:
    return os.path.join(COMMITS_DIR, f"{netuid}-{hotkey}.json")


@weights.command("commit")
@click.argument("netuid", type=click.IntRange(0, 65535))
@weight_options
@signer_options
@url_option
@yes_option
@json_option
def commit(netuid, uids, weights_text, version_key, url, yes, as_json, **kw):
    """commit_weights: publish the hash now, reveal the weights later with `tnet weights reveal`."""
    from tensornet.cli.tx import compose, submit
    from tensornet.subnet.weights_rules import commit_hash

    dests, values, signer, substrate, key = _weights_request(netuid, uids, weights_text, version_key, url, kw)
    salt = [secrets.randbelow(U16_MAX + 1) for _ in range(8)]
    digest = commit_hash(signer.public_key, netuid, dests, values, salt, key)
    call = compose(substrate, "SubtensorModule", "commit_weights", {"netuid": netuid, "commit_hash": "0x" + digest.hex()})
    # saved before sending, so the salt survives whatever happens to this process afterwards
    path = _commit_file(netuid, signer.ss58_address)
    entry = {"uids": dests, "values": values, "salt": salt, "version_key": key, "hash": "0x" + digest.hex()}
    _save_pending(path, [*_load_pending(path), entry])
    try:
        submit(substrate, call, signer, yes=yes, as_json=as_json, description=f"Commit weights on subnet {netuid}")
    except (click.ClickException, SystemExit):
        _save_pending(path, [e for e in _load_pending(path) if e["hash"] != entry["hash"]])
        raise
    if not as_json:
        click.echo(f"saved for reveal in {path}")


@weights.command("reveal")
@click.argument("netuid", type=click.IntRange(0, 65535))
@signer_options
@url_option
@yes_option
@json_option
def reveal(netuid, url, yes, as_json, **kw):
    """reveal_weights: send the oldest weights committed from this machine."""
    from tensornet.cli.tx import compose, submit

    keys = Keys.from_kwargs(kw)
    signer = keys.hotkey()
    path = _commit_file(netuid, signer.ss58_address)
    pending = _load_pending(path)
    if not pending:
        raise click.ClickException(f"nothing to reveal for {signer.ss58_address} on subnet {netuid}: "
                                   "commit first with `tnet weights commit`")
    entry = pending[0]
    substrate = _connect(url)
    call = compose(substrate, "SubtensorModule", "reveal_weights", {
        "netuid": netuid, "uids": entry["uids"], "values": entry["values"], "salt": entry["salt"],
        "version_key": entry["version_key"]})
    submit(substrate, call, signer, yes=yes, as_json=as_json, description=f"Reveal weights on subnet {netuid}")
    _save_pending(path, pending[1:])


# --- metagraph -----------------------------------------------------------------------------------

@click.command("metagraph")
@click.argument("netuid", type=click.IntRange(0, 65535))
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Write a PNG of stake, incentive and dividends per uid.")
@url_option
@json_option
def metagraph(netuid, plot_path, url, as_json):
    """The subnet's neurons: uid, hotkey, stake, incentive, dividends, emission, validator permit, axon."""
    from tensornet.cli.subtensor_reads import metagraph as read_metagraph

    substrate = _connect(url)
    rows = read_metagraph(substrate, netuid)
    block = substrate.get_block_number(None)
    if plot_path:
        from tensornet.cli.plots import plot_metagraph

        plot_metagraph(rows, netuid, plot_path)
    if as_json:
        out = [{**r, "stake": tao_str(r["stake"]), "stake_rao": r["stake"],
                "incentive": _frac(r["incentive_u16"]), "dividends": _frac(r["dividends_u16"]),
                "consensus": _frac(r["consensus_u16"])} for r in rows]
        click.echo(json.dumps({"netuid": netuid, "block": block, "neurons": out}, indent=2))
        return
    from rich.table import Table

    from tensornet.cli.output import console

    table = Table(title=f"Metagraph of subnet {netuid} at block #{block}")
    for col in ("uid", "hotkey", "stake (α)", "incentive", "dividends", "consensus", "emission (α)", "vpermit",
                "axon"):
        table.add_column(col, justify="right" if col not in ("hotkey", "axon") else "left")
    for r in rows:
        table.add_row(str(r["uid"]), r["hotkey"], format_tao(r["stake"]), _frac(r["incentive_u16"]),
                      _frac(r["dividends_u16"]), _frac(r["consensus_u16"]), format_tao(r["emission"]),
                      "✓" if r["validator_permit"] else "", r["axon"] or "")
    console().print(table)
    if plot_path:
        click.echo(f"chart written to {plot_path}")


def _frac(u16: int) -> str:
    """A u16 proportion as a decimal fraction (exact to 6 places, no float)."""
    return str((Decimal(u16) / U16_MAX).quantize(Decimal("0.000001")))
