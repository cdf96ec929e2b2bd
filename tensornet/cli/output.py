"""Human output: a rich console that does not wrap addresses and hashes when piped."""
from __future__ import annotations

import sys


def console(stderr: bool = False):
    """A rich Console; when not on a terminal it is wide enough for a full SS58 address per cell."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, width=None if stream.isatty() else 160)
