"""`tnet` entry point.

Subcommands are imported lazily so that `tnet --help` and simple read commands never pay for
numba, numpy or the runtime: each entry in ``SUBCOMMANDS`` names the module and attribute of a
click command, imported only when that command runs.
"""
from __future__ import annotations

import importlib
import sys

import click

# name -> (module, attribute, one-line help shown by `tnet --help`)
SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "node": ("tensornet.cli.node_cmd", "node", "Run a tensornet node."),
    "devnet": ("tensornet.cli.node_cmd", "devnet", "Start a local devnet (dev accounts funded, fast blocks)."),
    "chain": ("tensornet.cli.chain_cmd", "chain", "Chain specs; export/import blocks; devnet time: advance, snapshot, revert."),
    "balance": ("tensornet.cli.balance_cmd", "balance", "Show TAO balances of addresses, dev accounts or wallets."),
    "transfer": ("tensornet.cli.balance_cmd", "transfer", "Send TAO (shows the fee and the result)."),
    "fund": ("tensornet.cli.balance_cmd", "fund", "Give an account TAO on a devnet (no faucet)."),
    "block": ("tensornet.cli.inspect_cmd", "block", "Show a block's header and extrinsics."),
    "events": ("tensornet.cli.inspect_cmd", "events", "Show the events of a block."),
    "extrinsic": ("tensornet.cli.inspect_cmd", "extrinsic", "Show one extrinsic, its fee and events."),
    "subnet": ("tensornet.cli.subnet_cmd", "subnet", "Subnets: create, start, list, show, hyperparams, set, emissions."),
    "register": ("tensornet.cli.neuron_cmd", "register", "Register a hotkey on a subnet (burned)."),
    "stake": ("tensornet.cli.stake_cmd", "stake", "Stake: add, remove, move, transfer, list."),
    "proxy": ("tensornet.cli.proxy_cmd", "proxy", "Let another key sign for a coldkey: add, remove, list."),
    "weights": ("tensornet.cli.neuron_cmd", "weights", "Weights: set, commit, reveal."),
    "axon": ("tensornet.cli.neuron_cmd", "axon", "Serve an axon endpoint."),
    "metagraph": ("tensornet.cli.neuron_cmd", "metagraph", "A subnet's neurons: stake, incentive, dividends…"),
    "wallet": ("tensornet.cli.wallet_cmd", "wallet", "Create and inspect btcli-compatible wallets."),
    "yuma": ("tensornet.cli.yuma_cmd", "yuma", "Run the Yuma consensus engine on a JSON scenario."),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(SUBCOMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in SUBCOMMANDS:
            module, attr, _ = SUBCOMMANDS[name]
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUBCOMMANDS[name][2]) for name in sorted(SUBCOMMANDS)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option(package_name="tensornet")
def cli() -> None:
    """tensornet: a Python node and one-command devnet for a Bittensor-style chain."""


def main() -> None:
    """Run ``tnet``; every user error ends as one ``Error: …`` line on stderr (usage errors exit 2)."""
    try:
        rv = cli.main(standalone_mode=False)
    except click.UsageError as exc:
        hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
        click.echo(f"Error: {exc.format_message()}{hint}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"Error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
