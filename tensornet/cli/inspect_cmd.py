"""`tnet block`, `tnet events`, `tnet extrinsic`: look inside blocks, decoded with the node's metadata.

A block is named by number, by 0x hash, or omitted for the head; an extrinsic by ``BLOCK-INDEX``
(polkadot.js style, e.g. ``12-1``) or by its 0x hash (searched in the last ``--depth`` blocks, since
Substrate has no RPC to look a transaction up by hash).
"""
from __future__ import annotations

import json

import click

from tensornet.cli.rpc_client import json_option, url_option


def _block_hash(substrate, block: str | None) -> str:
    if block is None:
        return substrate.get_chain_head()
    text = block.strip()
    if text.startswith("0x"):
        if len(text) != 66:
            raise click.BadParameter(f"{text} is not a 32-byte block hash", param_hint="BLOCK")
        return text
    try:
        number = int(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is neither a block number nor a 0x hash", param_hint="BLOCK") from None
    if number < 0:
        raise click.BadParameter("block numbers start at 0", param_hint="BLOCK")
    h = substrate.get_block_hash(number)
    if h is None:
        raise click.ClickException(f"the node has no block #{number} (head is #{substrate.get_block_number(None)})")
    return h


def _load_block(substrate, block_hash: str) -> dict:
    block = substrate.get_block(block_hash=block_hash)
    if block is None:
        raise click.ClickException(f"the node has no block {block_hash}")
    return block


def _events_of(substrate, block_hash: str) -> list[dict]:
    out = []
    for record in substrate.get_events(block_hash):
        v = record.value
        phase = v.get("phase")
        out.append({"phase": phase, "extrinsic_index": v.get("extrinsic_idx"), "pallet": v["module_id"],
                    "name": v["event_id"], "attributes": v.get("attributes")})
    return out


def _extrinsic_json(xt, index: int) -> dict:
    v = xt.value
    call = v.get("call", {})
    return {"index": index, "hash": v.get("extrinsic_hash"), "signer": v.get("address"),
            "nonce": v.get("nonce"), "tip": v.get("tip"),
            "call": f"{call.get('call_module')}.{call.get('call_function')}",
            "args": {a["name"]: a["value"] for a in call.get("call_args", [])}}


def _print(obj) -> None:
    click.echo(json.dumps(obj, indent=2, default=str))


@click.command("block")
@click.argument("block", required=False, metavar="[NUMBER|HASH]")
@url_option
@json_option
def block(block, url, as_json):
    """Header and extrinsics of a block (default: the head)."""
    from tensornet.cli.tx import connect

    substrate = connect(url)
    h = _block_hash(substrate, block)
    data = _load_block(substrate, h)
    header = data["header"]
    xts = [_extrinsic_json(x, i) for i, x in enumerate(data["extrinsics"])]
    out = {"number": header["number"], "hash": h, "parent_hash": header["parentHash"],
           "state_root": header["stateRoot"], "extrinsics_root": header["extrinsicsRoot"], "extrinsics": xts}
    if as_json:
        _print(out)
        return
    from rich.table import Table

    from tensornet.cli.output import console as make_console

    console = make_console()
    console.print(f"[bold]Block #{out['number']}[/] {h}\n  parent {out['parent_hash']}\n"
                  f"  state root {out['state_root']}\n  extrinsics root {out['extrinsics_root']}")
    table = Table(title=f"{len(xts)} extrinsics")
    for col in ("#", "call", "signer", "nonce", "hash"):
        table.add_column(col)
    for x in xts:
        table.add_row(str(x["index"]), x["call"], x["signer"] or "(inherent)", str(x["nonce"] or ""),
                      x["hash"] or "")
    console.print(table)


@click.command("events")
@click.argument("block", required=False, metavar="[NUMBER|HASH]")
@url_option
@json_option
def events(block, url, as_json):
    """The events a block emitted (default: the head)."""
    from tensornet.cli.tx import connect

    substrate = connect(url)
    h = _block_hash(substrate, block)
    evs = _events_of(substrate, h)
    if as_json:
        _print({"block_hash": h, "events": evs})
        return
    from rich.table import Table

    from tensornet.cli.output import console as make_console

    table = Table(title=f"Events of {h}")
    for col in ("phase", "event", "attributes"):
        table.add_column(col, overflow="fold")
    for e in evs:
        phase = f"extrinsic {e['extrinsic_index']}" if e["extrinsic_index"] is not None else str(e["phase"])
        table.add_row(phase, f"{e['pallet']}.{e['name']}", json.dumps(e["attributes"], default=str))
    make_console().print(table)


@click.command("extrinsic")
@click.argument("ident", metavar="BLOCK-INDEX|0xHASH")
@click.option("--depth", type=click.IntRange(1, 100_000), default=256, show_default=True,
              help="How many recent blocks to search for a hash.")
@url_option
@json_option
def extrinsic(ident, depth, url, as_json):
    """One extrinsic with its call, signer, fee and events."""
    from tensornet.cli.tx import connect

    substrate = connect(url)
    text = ident.strip()
    if "-" in text and not text.startswith("0x"):
        num, _, idx = text.partition("-")
        try:
            index = int(idx)
        except ValueError:
            raise click.BadParameter(f"{text!r}: write BLOCK-INDEX such as 12-1", param_hint="IDENT") from None
        h = _block_hash(substrate, num)
        data = _load_block(substrate, h)
        if not 0 <= index < len(data["extrinsics"]):
            raise click.ClickException(f"block {num} has {len(data['extrinsics'])} extrinsics; no index {index}")
    elif text.startswith("0x") and len(text) == 66:
        found = _find_by_hash(substrate, text.lower(), depth)
        if found is None:
            raise click.ClickException(f"no extrinsic {text} in the last {depth} blocks (try --depth)")
        h, data, index = found
    else:
        raise click.BadParameter(f"{text!r}: give BLOCK-INDEX (e.g. 12-1) or an 0x extrinsic hash", param_hint="IDENT")
    xt = _extrinsic_json(data["extrinsics"][index], index)
    evs = [e for e in _events_of(substrate, h) if e["extrinsic_index"] == index]
    fee = next((e["attributes"]["actual_fee"] for e in evs
                if e["pallet"] == "TransactionPayment" and e["name"] == "TransactionFeePaid"), 0)
    success = any(e["pallet"] == "System" and e["name"] == "ExtrinsicSuccess" for e in evs)
    out = {**xt, "block_hash": h, "block_number": data["header"]["number"], "success": success,
           "fee_rao": fee, "events": evs}
    if as_json:
        _print(out)
        return
    from tensornet.cli.amounts import format_tao

    click.echo(f"{out['block_number']}-{index} {xt['call']} {'succeeded' if success else 'FAILED'} · "
               f"fee {format_tao(fee)} TAO · signer {xt['signer'] or '(inherent)'}")
    click.echo(f"  args {json.dumps(xt['args'], default=str)}")
    for e in evs:
        click.echo(f"  {e['pallet']}.{e['name']} {json.dumps(e['attributes'], default=str)}")


def _find_by_hash(substrate, wanted: str, depth: int):
    head = substrate.get_block_number(None)
    for number in range(head, max(head - depth, -1), -1):
        h = substrate.get_block_hash(number)
        data = _load_block(substrate, h)
        for i, x in enumerate(data["extrinsics"]):
            if (x.value.get("extrinsic_hash") or "").lower() == wanted:
                return h, data, i
    return None
