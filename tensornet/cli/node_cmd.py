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


def rpc_options(func=None, *, methods_default: str = "auto"):
    if func is None:
        return lambda f: rpc_options(f, methods_default=methods_default)
    func = click.option("--rpc-max-connections", type=click.IntRange(1, 100_000), default=100, show_default=True)(func)
    func = click.option("--rpc-methods", type=click.Choice(["auto", "safe", "unsafe"]), default=methods_default,
                        show_default=True,
                        help="Serve unsafe methods (dev_*, author_removeExtrinsic): auto = only on loopback.")(func)
    func = click.option("--rpc-cors", default=None, metavar="ORIGINS",
                        help="Comma-separated browser origins allowed, or 'all'.")(func)
    func = click.option("--rpc-external", is_flag=True, help="Listen on all interfaces instead of 127.0.0.1.")(func)
    func = click.option("--rpc-port", type=click.IntRange(0, 65535), default=9944, show_default=True)(func)
    return func


tx_workers_option = click.option(
    "--tx-workers", type=click.IntRange(0, 64), default=0, show_default=True,
    help="Processes that check bursts of submitted transactions (decoding, signature, fee) off the node's "
         "thread; 0 checks each in the node's own process.")


def _cors(value: str | None):
    from tensornet.rpc.server import DEFAULT_CORS

    if value is None:
        return DEFAULT_CORS
    if value.strip().lower() == "all":
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def run_node(config, banner=None, setup=None, prepare=None) -> None:
    """Start a node with RPC and serve until interrupted; ``prepare(node)`` runs before the RPC
    server starts (to add RPC namespaces), ``setup(node)`` after (to seal set-up blocks)."""
    from tensornet.chain.store import DatabaseError
    from tensornet.node.heap import settle_startup_heap
    from tensornet.node.node import Node

    try:
        node = Node(config)
    except DatabaseError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    if prepare is not None:
        prepare(node)
    settle_startup_heap()

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
            try:
                setup(node)
            except click.ClickException as exc:
                click.echo(f"Error: {exc.format_message()}", err=True)
                await node.stop()
                sys.exit(1)
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
@tx_workers_option
def node(base_path, chain, preset_name, sealing, tmp, rpc_port, rpc_external, rpc_cors, rpc_methods, rpc_max_connections,
         tx_workers):
    """Run a tensornet node."""
    from tensornet.node.node import NodeConfig

    if not tmp and base_path is None:
        base_path = os.path.join(os.path.expanduser("~"), ".tensornet", "chains", "node")
    spec = _load_spec(chain, preset_name)
    config = NodeConfig(spec, None if tmp else base_path, sealing, "0.0.0.0" if rpc_external else "127.0.0.1",
                        rpc_port, rpc_methods, _cors(rpc_cors), rpc_max_connections, verify_workers=tx_workers)
    run_node(config)


def _parse_fund(values: tuple[str, ...], wallet_path: str) -> list[tuple[object, int]]:
    """``--fund NAME[=TAO]`` → (account, rao); NAME is a btcli wallet, an SS58 address or //Dev."""
    from tensornet.cli.accounts import resolve_target
    from tensornet.cli.amounts import parse_tao

    out = []
    for value in values:
        name, sep, amount = value.partition("=")
        rao = parse_tao(amount, "--fund") if sep else DEFAULT_FUND_TAO * 10**9
        out.append((resolve_target(name, wallet_path), rao))
    return out


DEFAULT_FUND_TAO = 1_000_000  # what subtensor's BT_DEFAULT_TOKEN_WALLET gives
#: SubtensorModule genesis overrides of `tnet devnet` (not of `tnet node`): devnet conveniences
DEVNET_GENESIS = {"AdminFreezeWindow": 0}


def print_devnet_banner(node, funded=(), subnets=()) -> None:
    from rich.table import Table

    from tensornet.cli.accounts import DEV_ADDRESSES
    from tensornet.cli.amounts import format_tao
    from tensornet.cli.output import console as make_console
    from tensornet.primitives.ss58 import ss58_decode

    console = make_console()
    host = node.config.rpc_host
    url = f"ws://{'127.0.0.1' if host in ('127.0.0.1', '0.0.0.0') else host}:{node.rpc_port}"
    console.print(f"[bold green]tensornet devnet[/] ({node.spec.preset} preset, sealing {node.sealing.kind}"
                  f"{'' if node.sealing.kind != 'interval' else f' every {node.sealing.interval_ms} ms'}"
                  f"{', loopback axons allowed' if node.spec.allow_loopback_axons else ''})")
    console.print(f"RPC: [bold]{url}[/]{'  (listening on all interfaces)' if host == '0.0.0.0' else ''}   "
                  f"chain: {node.spec.name}   head: #{node.head.number}   genesis: 0x{node.genesis_hash.hex()}")
    table = Table(title="Dev accounts (sudo = Alice; secret URI = //Name, dev mnemonic)", show_lines=False)
    for col in ("name", "uri", "address", "balance (TAO)"):
        table.add_column(col)
    rt = node.query_runtime
    with rt.at(node.store.state_at(None), node.head.number):
        account = rt.pallets["System"].Account
        for name, address in DEV_ADDRESSES.items():
            table.add_row(name, f"//{name}", address, format_tao(account.get(ss58_decode(address))["data"]["free"]))
        for acc, _ in funded:
            table.add_row(acc.label, "(your wallet)", acc.ss58, format_tao(account.get(acc.public)["data"]["free"]))
    console.print(table)
    if subnets:
        console.print(f"Subnets ready (started, commit-reveal off): {', '.join(map(str, subnets))}")
    u = f" --url {url}" if url != "ws://127.0.0.1:9944" else ""
    console.print("Try next:\n"
                  f"  tnet balance //Alice{u}\n"
                  f"  tnet fund <ADDRESS|WALLET> 1000{u}\n"
                  f"  tnet transfer --uri //Alice //Bob 10 --yes{u}\n"
                  f"  tnet subnet create --uri //Alice --hotkey-uri //Alice_hk --start{u}\n"
                  f"  tnet register 2 --wallet.name <WALLET>{u}\n"
                  f"  tnet chain advance --epochs 1 --netuid 2{u}\n"
                  f"  tnet metagraph 2{u}\n"
                  f"  tnet chain snapshot{u}   # then: tnet chain revert <ID>\n"
                  f"  python -c \"from substrateinterface import SubstrateInterface as S; "
                  f"print(S('{url}').get_block_number(None))\"\n"
                  "Walkthrough: docs/test-your-subnet.md · Ctrl-C stops the devnet.")
    sys.stdout.flush()


@click.command("devnet")
@click.option("--preset", "preset_name", type=click.Choice(["mainnet", "fast", "test"]), default="fast", show_default=True)
@click.option("--chain", type=click.Path(dir_okay=False), default=None, help="A chain spec JSON file.")
@click.option("--base-path", "-d", type=click.Path(file_okay=False), default=None,
              help="Keep the chain on disk here (default: in memory).")
@click.option("--tmp", is_flag=True, help="In memory (the default unless --base-path is given).")
@click.option("--purge", is_flag=True, help="Delete --base-path before starting.")
@click.option("--sealing", callback=lambda c, p, v: _sealing(v), default=None, help="instant | manual | <ms>.")
@click.option("--fund", "fund", multiple=True, metavar="WALLET[=TAO]",
              help=f"Give a btcli wallet's coldkey (or an address) TAO at start; repeatable "
                   f"[default TAO: {DEFAULT_FUND_TAO:,}].")
@click.option("--wallet.path", "--wallet-path", "wallet_path", default=None, metavar="DIR",
              help="Where the wallets named by --fund live (btcli's default).")
@click.option("--subnet", "subnets", type=click.IntRange(1, 1024), default=None, metavar="N",
              help="Create subnets up to netuid N, started, commit-reveal off, owned by Alice.")
@click.option("--allow-loopback-axons", is_flag=True, help="Let serve_axon accept 127.0.0.1 / ::1.")
@rpc_options(methods_default="unsafe")
@tx_workers_option
def devnet(preset_name, chain, base_path, tmp, purge, sealing, fund, wallet_path, subnets, allow_loopback_axons,
           rpc_port, rpc_external, rpc_cors, rpc_methods, rpc_max_connections, tx_workers):
    """Start a local devnet: dev accounts funded, blocks every 250 ms (fast preset), dev_* RPC powers."""
    from tensornet.node.node import NodeConfig
    from tensornet.wallet.wallet import DEFAULT_WALLET_PATH

    funded = _parse_fund(fund, wallet_path or DEFAULT_WALLET_PATH)
    if purge:
        if base_path is None:
            raise click.BadParameter("--purge needs --base-path", param_hint="--purge")
        if os.path.isdir(base_path):
            if os.listdir(base_path) and "CURRENT" not in os.listdir(base_path):
                raise click.BadParameter(f"{base_path} is not a tensornet database; refusing to delete it",
                                         param_hint="--purge")
            shutil.rmtree(base_path)
    spec = _load_spec(chain, preset_name)
    if chain is None:
        # with a 10-block tempo the admin freeze window (blocks before each epoch in which
        # hyperparameters cannot change) covers most of the time: a devnet starts with it closed
        genesis = spec.genesis.model_copy(update={"subtensor": {**DEVNET_GENESIS, **spec.genesis.subtensor}})
        spec = spec.model_copy(update={"genesis": genesis})
    if allow_loopback_axons:
        spec = spec.model_copy(update={"allow_loopback_axons": True})
    config = NodeConfig(spec, None if (tmp or base_path is None) else base_path, sealing,
                        "0.0.0.0" if rpc_external else "127.0.0.1", rpc_port, rpc_methods, _cors(rpc_cors),
                        rpc_max_connections, verify_workers=tx_workers)
    ready: list[int] = []

    def prepare(node) -> None:
        from tensornet.node.devtools import enable

        enable(node)

    def setup(node) -> None:
        from tensornet.node.devtools import DevError

        tools = node.devtools
        try:
            if funded:
                tools.fund_at_least([(acc.public, rao) for acc, rao in funded])
            if subnets:
                ready.extend(tools.ensure_subnets(subnets))
        except DevError as exc:
            raise click.ClickException(str(exc)) from None
        if node.sealing.kind == "instant":  # nothing else would make the blocks the key pipeline needs
            node.prime_shield()  # MEV-protected btcli/SDK calls need MevShield.NextKey from the start

    run_node(config, banner=lambda node: print_devnet_banner(node, funded, ready), setup=setup, prepare=prepare)


@click.command("build-spec")
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
