"""The node process's heap: its start-up objects taken out of the cyclic collector's passes, and a
collector paced for a node's burst allocation.

A node builds thousands of long-lived objects before its first block (pallets, storage item
declarations, SCALE types, metadata). Left in the collector's oldest generation, every full pass
walks them again, and a busy block path triggers full passes often (tens of milliseconds each
with a funded genesis). ``gc.freeze`` moves them to the permanent generation: they are still freed
by reference counting, only the cycle detector stops visiting them.

Then a block, or a batch of submissions, allocates tens of thousands of container objects that live
as long as the block or the pool entry: the default young-generation threshold (700) makes the
collector walk each of them once or twice before it dies, and promote many into the middle
generation, whose passes cost tens of milliseconds. A threshold of ``YOUNG_GENERATION_THRESHOLD``
lets most of them die by reference counting first; the cyclic garbage it allows to wait is a few
megabytes at most. Measured with ``scripts/bench_transfers.py --tx 60000``: collector time in the
timed window 340–610 ms at 700, 75–90 ms at 50,000.
"""
from __future__ import annotations

import gc

#: container allocations (net of deallocations) between two young-generation passes
YOUNG_GENERATION_THRESHOLD = 50_000


def settle_startup_heap() -> None:
    """Collect the start-up garbage once, freeze what is left and pace the collector for the node;
    call once per process, when the node is built and before it serves (a process that builds node
    after node, such as a test run, should not: each node it drops would stay frozen)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
