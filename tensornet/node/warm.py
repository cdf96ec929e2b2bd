"""The Yuma kernels loaded off the block path, shortly before the first epoch that needs them.

Loading the kernels means importing numba and reading (or, the first time, compiling) every
specialisation the epoch uses: about half a second and 100 MB from numba's on-disk cache, seconds
without it. Left to the first epoch, that time is a stalled block; done at boot, it slows the boot
and weighs on every devnet whose subnets stay small. So a serving node watches its
head and loads them in a background thread once a subnet too large for the pure-Python epoch
(``SMALL_EPOCH_NEURONS``) is a few blocks from its epoch.
"""
from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from tensornet.consensus.yuma import SMALL_EPOCH_NEURONS

if TYPE_CHECKING:
    from tensornet.node.node import Node

log = logging.getLogger(__name__)

#: how far ahead of an epoch the loading starts, in wall time at the chain's block time
WARM_AHEAD_MS = 20_000
#: and at least this many blocks ahead (a slow chain, or one sealed on demand)
MIN_WARM_AHEAD_BLOCKS = 16


class KernelWarmUp:
    """A block listener that starts loading the kernels once, when an epoch that needs them is near."""

    def __init__(self, node: Node) -> None:
        self._node = node
        self.ahead = max(MIN_WARM_AHEAD_BLOCKS, WARM_AHEAD_MS // max(node.spec.block_time_ms, 1))
        self.thread: threading.Thread | None = None

    def __call__(self, _built=None) -> None:
        if self.thread is None and self._epoch_near():
            self.thread = threading.Thread(target=_load_kernels, name="yuma-warm-up", daemon=True)
            self.thread.start()

    def _epoch_near(self) -> bool:
        node = self._node
        head = node.head.number
        with node.query_runtime.at(node.store.state_at(None), head) as rt:
            sm = rt.pallets["SubtensorModule"]
            for (netuid,), added in sm.NetworksAdded.iter():
                if not added or netuid == 0 or sm.SubnetworkN.get(netuid) <= SMALL_EPOCH_NEURONS:
                    continue
                start = sm.next_epoch_start_block(netuid)
                if start is not None and start - head <= self.ahead:
                    return True
        return False


def _load_kernels() -> None:
    try:
        from tensornet.consensus.yuma import warm_up
        warm_up()
    except Exception:  # the first epoch then loads what it needs itself
        log.exception("loading the Yuma kernels ahead of the first epoch failed")
