"""`tnet node` and `tnet devnet`: run a node (Substrate's flag names) or a ready-to-use devnet.

Both run until Ctrl-C / SIGTERM, then stop sealing, close the RPC server and the database cleanly.
Bad options (unknown preset, malformed --sealing, a foreign --base-path) end as one line on stderr
with exit code 2 (usage) or 1 (runtime), never a traceback.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import tempfile

import click


def _sealing(value: str | None) -> str | None:
    if value is None:
        return None
    from tensornet.node.node import SealingMode

    try:
        SealingMode.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def _load_spec(chain: str | None, preset_name: str):
    from tensornet.chain.spec import ChainSpec, preset

    if chain:
        try:
            return ChainSpec.from_file(chain)
        except FileNotFoundError:
            raise click.BadParameter(f"no such chain spec file: {chain}", param_hint="--chain") from None
        except ValueError as exc:
            raise click.BadParameter(f"invalid chain spec {chain}: {exc}".splitlines()[0], param_hint="--chain") from None
    return preset(preset_name)


def rpc_options(func):
    func = click.option("--rpc-max-connections", type=click.IntRange(1, 100_000), default=100, show_default=True)(func)
    func = click.option("--rpc-methods", type=click.Choice(["auto", "safe", "unsafe"]), default="auto", show_default=True,
                        help="Serve unsafe methods (dev_*, author_removeExtrinsic): auto = only on loopback.")(func)
    func = click.option("--rpc-cors", default=None, metavar="ORIGINS",
                        help="Comma-separated browser origins allowed, or 'all'.")(func)
    func = click.option("--rpc-external", is_flag=True, help="Listen on all interfaces instead of 127.0.0.1.")(func)
    func = click.option("--rpc-port", type=click.IntRange(0, 65535), default=9944, show_default=True)(func)
    return func


def _cors(value: str | None):
    from tensornet.rpc.server import DEFAULT_CORS

    if value is None:
        return DEFAULT_CORS
    if value.strip().lower() == "all":
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def run_node(config, banner=None, setup=None) -> None:
    """Start a node with RPC and serve until interrupted."""
    from tensornet.chain.store import DatabaseError
    from tensornet.node.node import Node

    try:
        node = Node(config)
    except DatabaseError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):  # pragma: no cover - non-unix
                pass
        try:
            await node.start()
        except OSError as exc:
            click.echo(f"Error: cannot listen on {config.rpc_host}:{config.rpc_port}: {exc.strerror or exc}", err=True)
            node.store.close()
            sys.exit(1)
        if setup is not None:
            setup(node)
        if banner is not None:
            banner(node)
        else:
            click.echo(f"tensornet node: RPC ws://{config.rpc_host}:{node.rpc_port} · head #{node.head.number}", err=True)
        await stop.wait()
        click.echo("stopping…", err=True)
        await node.stop()

    asyncio.run(main())


@click.command("node")
@click.option("--base-path", "-d", type=click.Path(file_okay=False), default=None, help="Database directory.")
@click.option("--chain", type=click.Path(dir_okay=False), default=None, help="A chain spec JSON file.")
@click.option("--preset", "preset_name", type=click.Choice(["mainnet", "fast", "test"]), default="mainnet", show_default=True)
@click.option("--sealing", callback=lambda c, p, v: _sealing(v), default=None, help="instant | manual | <ms> (default: the spec's).")
@click.option("--tmp", is_flag=True, help="Keep the chain in memory only.")
@rpc_options
def node(base_path, chain, preset_name, sealing, tmp, rpc_port, rpc_external, rpc_cors, rpc_methods, rpc_max_connections):
    """Run a tensornet node."""
    from tensornet.node.node import NodeConfig

    if not tmp and base_path is None:
        base_path = os.path.join(os.path.expanduser("~"), ".tensornet", "chains", "node")
    spec = _load_spec(chain, preset_name)
    config = NodeConfig(spec, None if tmp else base_path, sealing, "0.0.0.0" if rpc_external else "127.0.0.1",
                        rpc_port, rpc_methods, _cors(rpc_cors), rpc_max_connections)
    run_node(config)


def print_devnet_banner(node) -> None:
    from rich.console import Console
    from rich.table import Table

    from tensornet.chain.spec import TAO
    from tensornet.primitives.keys import DEV_ACCOUNT_NAMES, dev_keypair

    console = Console(stderr=False)
    url = f"ws://{'127.0.0.1' if node.config.rpc_host == '127.0.0.1' else node.config.rpc_host}:{node.rpc_port}"
    console.print(f"[bold green]tensornet devnet[/] ({node.spec.preset} preset, sealing {node.sealing.kind}"
                  f"{'' if node.sealing.kind != 'interval' else f' every {node.sealing.interval_ms} ms'})")
    console.print(f"RPC: [bold]{url}[/]   chain: {node.spec.name}   genesis: 0x{node.genesis_hash.hex()}")
    table = Table(title="Dev accounts (sudo = Alice)", show_lines=False)
    for col in ("name", "uri", "address", "balance (TAO)"):
        table.add_column(col)
    rt = node.query_runtime
    with rt.at(node.store.state_at(None), node.head.number):
        for name in DEV_ACCOUNT_NAMES:
            kp = dev_keypair(name)
            free = rt.pallets["System"].Account.get(kp.public)["data"]["free"]
            table.add_row(name, f"//{name}", kp.ss58, f"{free / TAO:,.9f}".rstrip("0").rstrip("."))
    console.print(table)
    console.print("Try next:\n"
                  f"  tnet balance --uri //Alice --url {url}\n"
                  f"  tnet transfer --uri //Alice <ADDRESS> 10 --url {url}\n"
                  f"  python -c \"from substrateinterface import SubstrateInterface as S; print(S('{url}').get_block_number(None))\"\n"
                  "Ctrl-C stops the devnet.")
    sys.stdout.flush()


@click.command("devnet")
@click.option("--preset", "preset_name", type=click.Choice(["mainnet", "fast", "test"]), default="fast", show_default=True)
@click.option("--chain", type=click.Path(dir_okay=False), default=None, help="A chain spec JSON file.")
@click.option("--base-path", "-d", type=click.Path(file_okay=False), default=None,
              help="Keep the chain on disk here (default: in memory).")
@click.option("--tmp", is_flag=True, help="In memory (the default unless --base-path is given).")
@click.option("--purge", is_flag=True, help="Delete --base-path before starting.")
@click.option("--sealing", callback=lambda c, p, v: _sealing(v), default=None, help="instant | manual | <ms>.")
@rpc_options
def devnet(preset_name, chain, base_path, tmp, purge, sealing, rpc_port, rpc_external, rpc_cors, rpc_methods,
           rpc_max_connections):
    """Start a local devnet: dev accounts funded, blocks every 250 ms (fast preset)."""
    from tensornet.node.node import NodeConfig

    if purge:
        if base_path is None:
            raise click.BadParameter("--purge needs --base-path", param_hint="--purge")
        if os.path.isdir(base_path):
            if os.listdir(base_path) and "CURRENT" not in os.listdir(base_path):
                raise click.BadParameter(f"{base_path} is not a tensornet database; refusing to delete it",
                                         param_hint="--purge")
            shutil.rmtree(base_path)
    spec = _load_spec(chain, preset_name)
    config = NodeConfig(spec, None if (tmp or base_path is None) else base_path, sealing,
                        "0.0.0.0" if rpc_external else "127.0.0.1", rpc_port, rpc_methods, _cors(rpc_cors),
                        rpc_max_connections)
    run_node(config, banner=print_devnet_banner)


@click.group("chain")
def chain() -> None:
    """Chain specs and chain inspection."""


@chain.command("build-spec")
@click.option("--preset", "preset_name", type=click.Choice(["mainnet", "fast", "test"]), default="fast", show_default=True)
@click.option("--out", "-o", type=click.Path(dir_okay=False), default=None, help="Write here instead of stdout.")
def build_spec(preset_name, out):
    """Write a chain spec JSON (edit it and pass it back with --chain)."""
    from tensornet.chain.spec import preset

    text = preset(preset_name).to_json()
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        click.echo(text)
