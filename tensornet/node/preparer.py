"""Stateless transaction checks spread over worker processes, for batches of submitted transactions.

Admitting a signed transaction starts with work that needs no state at all: decoding it, checking
its signature (the dominant cost) and working out its weight and fee. That part is embarrassingly
parallel, while the rest of the node runs on one thread. Each worker holds its own runtime and
executive and receives raw extrinsics in chunks, with the block they are checked for and the
hashes of the blocks before it (mortal eras sign their birth block's hash). It answers with each
extrinsic decoded and carrying the executive's memos, so the node's own ``check`` finds the
signature verified and the fee known; or with None where the node must look itself (malformed,
invalid, a birth block the worker was not told about) and report the error exactly as it would
alone.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

#: workers yield to the node's own thread, the pipeline's critical path: on a machine with as many
#: workers as cores, the node keeps a core while they use what it leaves
WORKER_NICENESS = 10

_executive: Any = None
_recent_hashes: dict[int, bytes] = {}


def _init_worker(runtime_config: Any, genesis_hash: bytes) -> None:
    global _executive
    os.nice(WORKER_NICENESS)
    from tensornet.chain.runtime_def import build_runtime
    from tensornet.runtime.executive import Executive

    _executive = Executive(build_runtime(runtime_config), genesis_hash, _recent_hashes.get)


def _prepare_chunk(raws: list[bytes], current: int, recent_hashes: dict[int, bytes]) -> list:
    from tensornet.runtime.extrinsic import MalformedExtrinsic
    from tensornet.runtime.validity import TransactionValidityError

    _recent_hashes.clear()
    _recent_hashes.update(recent_hashes)
    out = []
    for raw in raws:
        try:
            xt = _executive.decode(raw)
            _executive.check(xt, current)
        except (TransactionValidityError, MalformedExtrinsic):
            xt = None
        out.append(xt)
    return out


def _ready() -> bool:
    return _executive is not None


class TransactionPreparer:
    def __init__(self, workers: int, runtime_config: Any, genesis_hash: bytes) -> None:
        self.workers = workers
        # fork: the worker inherits the imported modules and builds only its runtime (tens of ms)
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                         initializer=_init_worker, initargs=(runtime_config, genesis_hash))

    def warm(self) -> None:
        """Start every worker now (they start on demand otherwise, in the middle of a batch)."""
        for future in [self._pool.submit(_ready) for _ in range(self.workers)]:
            future.result()

    def start(self, raws: list[bytes], current: int, recent_hashes: dict[int, bytes]) -> "Future[list]":
        """Prepare one chunk in a worker; the caller collects the answer when it needs it, so it can
        go on with other work (admitting the previous chunk) meanwhile."""
        return self._pool.submit(_prepare_chunk, raws, current, recent_hashes)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
