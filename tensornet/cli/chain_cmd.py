"""`tnet chain …`: specs, and driving a devnet's time (advance, snapshot, revert).

``advance`` asks the node to seal blocks in chunks so a progress bar can follow long runs without
one RPC call outliving its timeout; ``--epochs N --netuid K`` runs ``dev_advanceToEpoch`` N times.
``export`` and ``import`` work on a stopped node's database: import replays every block and keeps it
only if its state root reproduces (``tensornet.chain.importer``; file format in ``tensornet.chain.export``).
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
    """Chain specs, export/import of a stopped node's blocks, and devnet time: advance, snapshot, revert."""


chain.add_command(build_spec)


def _progress(total: int, label: str, quiet: bool, unit: str = "blocks"):
    """A progress bar on stderr (stdout stays clean for --json) with the rate and time left;
    shown on a terminal (or with FORCE_COLOR set)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    from tensornet.cli.output import console

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.1f} {unit}/s" if speed else f"? {unit}/s", style="progress.data.speed")

    err = console(stderr=True)
    # only on a terminal: piped or logged, a final bar frame would read as a second line of output
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), Rate(), TimeElapsedColumn(),
                    TextColumn("ETA"), TimeRemainingColumn(), console=err,
                    disable=quiet or not err.is_terminal, transient=False)


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
        with _progress(epochs, f"epochs of subnet {netuid}", as_json or epochs == 1, "epochs") as bar:
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


# --- export / import of a stopped node's database ---------------------------------------------------

def _open_error(base_path: str, exc: Exception) -> click.ClickException:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "lock" in text.lower():
        return click.ClickException(f"the database at {base_path} is in use (a running node holds its lock); "
                                    "stop that node first")
    return click.ClickException(text)


def _given_spec(chain_path: str | None, preset_name: str | None):
    from tensornet.cli.node_cmd import _load_spec

    if chain_path is None and preset_name is None:
        return None
    return _load_spec(chain_path, preset_name or "mainnet")


def _spec_options(source: str):
    def wrap(func):
        func = click.option("--preset", "preset_name", type=click.Choice(["mainnet", "fast", "test"]), default=None,
                            help=f"The chain's preset (default: the chain spec {source} records).")(func)
        return click.option("--chain", "chain_path", type=click.Path(dir_okay=False), default=None,
                            help=f"A chain spec JSON file (default: the one {source} records).")(func)
    return wrap


@chain.command("export")
@click.option("--base-path", "-d", required=True, type=click.Path(file_okay=False), help="The stopped node's database.")
@_spec_options("the database")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="The file to write.")
@click.option("--from", "first", type=click.IntRange(0, 0xFFFFFFFF), default=0, show_default=True,
              help="First block.")
@click.option("--to", "last", type=click.IntRange(0, 0xFFFFFFFF), default=None, help="Last block (default: the head).")
@json_option
def export_cmd(base_path, chain_path, preset_name, out_path, first, last, as_json):
    """Write a stopped node's blocks to a file that `tnet chain import` replays and verifies."""
    import os

    from tensornet.chain.export import write_chain
    from tensornet.chain.store import ChainStore, DatabaseError

    if not (os.path.isdir(base_path) and "CURRENT" in os.listdir(base_path)):
        raise click.ClickException(f"no tensornet database at {base_path}")
    try:
        store = ChainStore.open(base_path)
    except DatabaseError as exc:
        raise _open_error(base_path, exc) from None
    try:
        if store.is_empty:
            raise click.ClickException(f"the database at {base_path} holds no chain")
        _check_recorded_spec(store.stored_spec(), _given_spec(chain_path, preset_name), f"the database at {base_path}")
        head = store.head.number
        last = head if last is None else last
        if last > head:
            raise click.BadParameter(f"the chain's head is #{head}", param_hint="--to")
        if first > last:
            raise click.BadParameter(f"--from {first} is after --to {last}", param_hint="--from")
        count = last - first + 1
        tmp = out_path + ".partial"
        try:
            with open(tmp, "wb") as out, _progress(count, "exporting", as_json) as bar:
                task = bar.add_task("export", total=count)
                header = write_chain(store, out, first, last, lambda n: bar.advance(task, n))
            os.replace(tmp, out_path)
        except OSError as exc:
            raise click.ClickException(f"cannot write {out_path}: {exc.strerror or exc}") from None
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    finally:
        store.close()
    size = os.path.getsize(out_path)
    if as_json:
        click.echo(json.dumps({"file": out_path, "first": first, "last": last, "blocks": count, "bytes": size,
                               "genesis": "0x" + header.genesis_hash.hex()}))
    else:
        click.echo(f"exported blocks #{first}..#{last} ({count} block(s), {size:,} bytes) to {out_path}")


def _check_recorded_spec(stored: bytes | None, spec, source: str) -> None:
    """Refuse an explicit --chain/--preset that is not the chain ``source`` (a database, a file) records:
    presets can share a genesis yet execute blocks under different rules."""
    if spec is None or stored is None:
        return
    from tensornet.node.node import Node

    recorded, given = json.loads(stored), json.loads(spec.canonical_bytes())
    differ = [f for f in Node._RULE_FIELDS if recorded.get(f) != given.get(f)]
    if differ:
        raise click.ClickException(f"{source} records chain spec {recorded.get('id')!r} "
                                   f"(preset {recorded.get('preset')!r}); the given one differs in {', '.join(differ)}")


@chain.command("import")
@click.option("--base-path", "-d", required=True, type=click.Path(file_okay=False),
              help="The database to import into (created if missing; its node must be stopped).")
@_spec_options("the file")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@json_option
def import_cmd(base_path, chain_path, preset_name, file, as_json):
    """Replay an exported chain into a stopped node's database, verifying every block's roots."""
    import os
    import shutil

    from tensornet.chain.export import ExportFormatError, read_blocks, read_header
    from tensornet.chain.importer import BadBlock, ChainMismatch, import_chain
    from tensornet.chain.spec import ChainSpec
    from tensornet.chain.store import DatabaseError
    from tensornet.node.node import Node, NodeConfig

    with open(file, "rb") as src:
        try:
            header = read_header(src)
        except ExportFormatError as exc:
            raise click.ClickException(f"{file}: {exc}") from None
        spec = _given_spec(chain_path, preset_name)
        _check_recorded_spec(header.spec_json or None, spec, file)
        if spec is None:
            try:
                spec = ChainSpec.model_validate_json(header.spec_json)
            except ValueError:
                raise click.ClickException(f"{file}: its chain spec cannot be read; pass --chain or --preset") from None
        fresh = not os.path.exists(base_path) or not os.listdir(base_path)
        try:
            node = Node(NodeConfig(spec, base_path=base_path, sealing="manual"))
        except DatabaseError as exc:
            raise _open_error(base_path, exc) from None
        try:
            with _progress(header.count, "importing", as_json) as bar:
                task = bar.add_task("import", total=header.count)
                summary = import_chain(node, header, read_blocks(src, header), lambda n: bar.advance(task, n))
        except (ExportFormatError, BadBlock, ChainMismatch) as exc:
            node.store.close()
            if fresh:  # the database this command created holds nothing but a genesis: leave no trace
                shutil.rmtree(base_path, ignore_errors=True)
            raise click.ClickException(f"{exc}; nothing was imported") from None
        head = node.head
        node.store.close()
    if as_json:
        click.echo(json.dumps({"imported": summary.imported, "skipped": summary.skipped, "head": head.number,
                               "hash": "0x" + head.hash.hex()}))
    else:
        click.echo(f"imported {summary.imported} block(s), {summary.skipped} already present; "
                   f"head #{head.number} 0x{head.hash.hex()}")
