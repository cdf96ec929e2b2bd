"""The node process's heap: its start-up objects taken out of the cyclic collector's passes.

A node builds thousands of long-lived objects before its first block (pallets, storage item
declarations, SCALE types, metadata). Left in the collector's oldest generation, every full pass
walks them again, and a busy block path triggers full passes often (tens of milliseconds each
with a funded genesis). ``gc.freeze`` moves them to the permanent generation: they are still freed
by reference counting, only the cycle detector stops visiting them.
"""
from __future__ import annotations

import gc


def settle_startup_heap() -> None:
    """Collect the start-up garbage once, then freeze what is left; call once per process, when the
    node is built and before it serves (a process that builds node after node, such as a test run,
    should not: each node it drops would stay frozen)."""
    gc.collect()
    gc.freeze()
