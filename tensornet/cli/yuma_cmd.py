"""`tnet yuma run SCENARIO.json`: drive the epoch engine from a JSON scenario.

The engine (and numba) is imported inside the command so that `tnet --help` stays instant.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@click.group()
def yuma() -> None:
    """Yuma consensus: run epochs on JSON scenarios (spec/yuma-scenario.md)."""


@yuma.command("run")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the result JSON here instead of stdout.")
@click.option("--plot", "plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Save a PNG of incentive, dividends and bonds per uid over the epochs.")
def run(scenario: Path, out: Path | None, plot: Path | None) -> None:
    """Run one epoch (an object) or a sequence ({"epochs": [...], "carry": true})."""
    try:
        doc = json.loads(scenario.read_text())
    except OSError as e:
        _fail(f"cannot read {scenario}: {e.strerror or e}")
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        _fail(f"{scenario} is not valid JSON: {e}")
    from tensornet.consensus.errors import ScenarioError
    from tensornet.consensus.yuma import run_scenario
    try:
        result = run_scenario(doc)
    except ScenarioError as e:
        _fail(str(e))
    text = json.dumps(result, separators=(",", ":"))
    if out is not None:
        try:
            out.write_text(text + "\n")
        except OSError as e:
            _fail(f"cannot write {out}: {e.strerror or e}")
    else:
        click.echo(text)
    if plot is not None:
        try:
            from tensornet.consensus.plot import plot_epochs
        except ImportError:
            _fail("--plot needs matplotlib (pip install 'tensornet[plot]')")
        try:
            plot_epochs(result.get("epochs", [result]), plot)
        except OSError as e:
            _fail(f"cannot write {plot}: {e.strerror or e}")
