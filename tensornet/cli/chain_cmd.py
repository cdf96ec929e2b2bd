"""`tnet chain …`: specs, and driving a devnet's time (advance, snapshot, revert).

``advance`` asks the node to seal blocks in chunks so a progress bar can follow long runs without
one RPC call outliving its timeout; ``--epochs N --netuid K`` runs ``dev_advanceToEpoch`` N times.
"""
from __future__ import annotations

import json
from datetime import UTC

import click

from tensornet.cli.node_cmd import build_spec
from tensornet.cli.rpc_client import RpcClient, json_option, url_option

CHUNK = 50


@click.group("chain")
def chain() -> None:
    """Chain specs, and devnet time: advance, snapshot, revert."""


chain.add_command(build_spec)


def _progress(total: int, label: str, quiet: bool):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    disable=quiet, transient=False)


@chain.command("advance")
@click.option("--blocks", type=click.IntRange(1, 10_000_000), default=None, help="Seal this many blocks.")
@click.option("--epochs", type=click.IntRange(1, 10_000), default=None, help="Run this many epochs of --netuid.")
@click.option("--netuid", type=click.IntRange(0, 65535), default=None, help="The subnet whose epochs count.")
@url_option
@json_option
def advance(blocks, epochs, netuid, url, as_json):
    """Seal blocks now (any sealing mode): --blocks N, or --epochs N --netuid K."""
    if (blocks is None) == (epochs is None):
        raise click.UsageError("give exactly one of --blocks N or --epochs N --netuid K")
    if epochs is not None and netuid is None:
        raise click.UsageError("--epochs needs --netuid K (the subnet whose epochs to run)")
    client = RpcClient(url)
    epoch_blocks: list[int] = []
    if blocks is not None:
        with _progress(blocks, "sealing", as_json or blocks <= CHUNK) as bar:
            task = bar.add_task("seal", total=blocks)
            left = blocks
            while left:
                n = min(left, CHUNK)
                result = client.call("dev_newBlock", n)
                left -= n
                bar.advance(task, n)
    else:
        with _progress(epochs, f"epochs of subnet {netuid}", as_json or epochs == 1) as bar:
            task = bar.add_task("epochs", total=epochs)
            for _ in range(epochs):
                result = client.call("dev_advanceToEpoch", netuid)
                epoch_blocks.append(result["epochBlock"])
                bar.advance(task, 1)
    head = result["head"]
    out = {"head": head["number"], "hash": head["hash"]}
    if epoch_blocks:
        out["epoch_blocks"] = epoch_blocks
    if as_json:
        click.echo(json.dumps(out, indent=2))
    elif epoch_blocks:
        click.echo(f"ran {len(epoch_blocks)} epoch(s) of subnet {netuid} at block(s) "
                   f"{', '.join(map(str, epoch_blocks))}; head #{head['number']}")
    else:
        click.echo(f"sealed {blocks} block(s); head #{head['number']} {head['hash']}")


@chain.command("snapshot")
@url_option
@json_option
def snapshot(url, as_json):
    """Remember the current head; `tnet chain revert ID` comes back to it instantly."""
    client = RpcClient(url)
    snap = client.call("dev_snapshot")
    number = client.call("chain_getHeader")["number"]
    if as_json:
        click.echo(json.dumps({"id": snap, "block_number": int(number, 16)}))
    else:
        click.echo(snap)
        click.echo(f"snapshot of block #{int(number, 16)}; revert with: tnet chain revert {snap}", err=True)


@chain.command("revert")
@click.argument("snapshot_id", metavar="ID")
@url_option
@json_option
def revert(snapshot_id, url, as_json):
    """Go back to a snapshot: blocks after it are removed, with their state changes."""
    text = snapshot_id.strip()
    if not (text.startswith("0x") and len(text) == 66):
        raise click.BadParameter("a snapshot id is the 0x… string `tnet chain snapshot` printed", param_hint="ID")
    result = RpcClient(url).call("dev_revert", text)
    if as_json:
        click.echo(json.dumps({"removed": result["removed"], "head": result["head"]["number"],
                               "hash": result["head"]["hash"]}))
    else:
        click.echo(f"reverted {result['removed']} block(s); head #{result['head']['number']}")


@chain.command("set-time")
@click.argument("when", metavar="MS|ISO-8601")
@url_option
@json_option
def set_time(when, url, as_json):
    """Make the next block's timestamp WHEN (ms since the Unix epoch, or e.g. 2030-01-01T00:00:00Z)."""
    text = when.strip()
    if text.isdigit():
        ms = int(text)
    else:
        from datetime import datetime

        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise click.BadParameter(f"{when!r}: milliseconds or an ISO-8601 time such as 2030-01-01T00:00:00Z",
                                     param_hint="WHEN") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        ms = int(moment.timestamp()) * 1000 + moment.microsecond // 1000
    next_ms = RpcClient(url).call("dev_setTime", ms)
    if as_json:
        click.echo(json.dumps({"next_timestamp_ms": next_ms}))
    else:
        click.echo(f"the next block's timestamp will be {next_ms} ms (blocks never go back in time)")
