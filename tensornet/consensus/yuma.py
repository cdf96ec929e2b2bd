"""The Yuma epoch's faces: typed ``epoch`` for the runtime (``epoch_many`` for a block's worth
of subnets on all cores), ``epoch_json`` for everyone else.

``epoch`` validates the typed inputs, runs the numba kernel (the live sparse epoch, or the chain's
test-only dense variant) and returns typed outputs.  Kernels compile into
numba's on-disk cache, whose directory numba takes from ``NUMBA_CACHE_DIR`` (the Makefile sets
``.numba_cache``; CI should keep it between runs).  A node calls ``warm_up()`` once at start-up,
off the block path, so that the first real epoch only runs.
"""
from __future__ import annotations

import gc
import itertools
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import numpy as np

from tensornet.consensus import fixed as fx
from tensornet.consensus import reference
from tensornet.consensus.errors import ScenarioError
from tensornet.consensus.types import NO_COMMIT, Csr, EpochInputs, EpochOutputs
from tensornet.consensus.validate import check_inputs, inputs_from_json

__all__ = ["SMALL_EPOCH_NEURONS", "Csr", "EpochInputs", "EpochOutputs", "ScenarioError", "epoch", "epoch_json",
           "epoch_many",
           "keep_freed_memory", "run_scenario", "warm_up", "outputs_to_json"]

_I64_MAX_BLOCK = np.uint64((1 << 63) - 1)


def _last_tempo(inp: EpochInputs) -> int:
    if inp.last_mechanism_step_block == 0:
        return max(inp.current_block - inp.tempo, 0)
    return inp.last_mechanism_step_block + 1


def _normalized_stake(inp: EpochInputs) -> np.ndarray:
    from tensornet.consensus import kernels
    owner = -1 if inp.owner_uid is None else inp.owner_uid
    if inp.stake_fraction is not None and inp.stake_fraction.any():
        return np.array(fx.normalize_stake(inp.stake.tolist(), inp.stake_fraction.tolist(),
                                           inp.stake_threshold, inp.owner_uid), np.int64)
    return kernels.normalize_stake_int(inp.stake, np.int64(min(inp.stake_threshold, (1 << 63) - 1)),
                                       np.int64(owner))


def _densify(m: Csr, n: int) -> Csr:
    """Every row as all n cells in uid order (the dense variant's matrices)."""
    vals = np.zeros((n, n), np.int64)
    rows = np.repeat(np.arange(n), np.diff(m.indptr))
    vals[rows, m.indices] = m.values
    return Csr(np.arange(n + 1, dtype=np.int64) * n, np.tile(np.arange(n, dtype=np.int64), n),
               vals.ravel())


def _sorted_rows(m: Csr) -> Csr:
    """The same matrix with every row in uid order (the dense variant reads cells, not rows)."""
    rows = np.repeat(np.arange(len(m.indptr) - 1), np.diff(m.indptr))
    order = np.lexsort((m.indices, rows))
    return Csr(m.indptr, m.indices[order], m.values[order])


def _dense_bond_rows(inp: EpochInputs, new_permit: np.ndarray, ema: Csr) -> Csr:
    """``epoch_dense`` writes full rows for new permits, clears old-only permits and leaves
    every other row as it was."""
    n = inp.n
    ema_dense = _densify(ema, n).values.reshape(n, n)
    old = inp.bonds.rows()
    rows = []
    for i in range(n):
        if new_permit[i]:
            rows.append(list(zip(range(n), ema_dense[i].tolist())))
        elif inp.validator_permit[i]:
            rows.append([])
        else:
            rows.append(old[i])
    return Csr.from_rows(rows)


def _run_kernel(inp: EpochInputs, parts: int = 1) -> EpochOutputs:
    from tensornet.consensus import kernels
    n = inp.n
    dense = inp.variant == "dense"
    if dense:
        inp = EpochInputs(**{**inp.__dict__, "owner_uid": None, "commit_reveal_enabled": False})
    weights = _densify(inp.weights, n) if dense else inp.weights
    bonds_in = _sorted_rows(inp.bonds) if dense else inp.bonds
    stake = _normalized_stake(inp)
    lu = inp.last_update.astype(np.int64)
    active = ~(lu + inp.activity_cutoff < inp.current_block)
    commit = np.minimum(inp.commit_blocks, _I64_MAX_BLOCK).astype(np.int64)
    (new_permit, u16, emission, server, validator, rp, ri, rv) = kernels.epoch_sparse_kernel(
        np.int64(n), stake, active, weights.indptr, weights.indices,
        weights.values, bonds_in.indptr, bonds_in.indices, bonds_in.values,
        lu, inp.block_at_registration.astype(np.int64), inp.validator_permit, commit,
        np.int64(-1 if inp.owner_uid is None else inp.owner_uid),
        np.int64(inp.max_allowed_validators), np.int64(inp.kappa), np.int64(inp.bonds_penalty),
        np.int64(fx.bonds_moving_average_alpha(inp.bonds_moving_average)),
        bool(inp.liquid_alpha_enabled), np.int64(inp.alpha_low), np.int64(inp.alpha_high),
        np.int64(inp.alpha_sigmoid_steepness), bool(inp.yuma3_enabled),
        bool(inp.commit_reveal_enabled), np.int64(_last_tempo(inp)),
        np.uint64(inp.rao_emission), dense, np.int64(parts))
    bonds = _dense_bond_rows(inp, new_permit, Csr(rp, ri, rv)) if dense else Csr(rp, ri, rv)
    return EpochOutputs(
        active=active, new_validator_permit=new_permit, stake_weight=u16[0], consensus=u16[1],
        incentive=u16[2], dividends=u16[3], validator_trust=u16[4], emission=emission,
        server_emission=server, validator_emission=validator, bonds=bonds)


#: Up to this many neurons the chain's epoch (``engine="auto"``) takes the exact pure-Python path: it
#: costs well under a millisecond there, and a devnet whose subnets are that small never loads numba
#: (about 100 MB of resident memory and half a second). Larger epochs run the kernel.
SMALL_EPOCH_NEURONS = 4


def epoch(inputs: EpochInputs, *, engine: str = "kernel") -> EpochOutputs:
    """Run one epoch; ``engine="reference"`` forces the pure-Python path (tests, comparisons),
    ``"auto"`` takes it only up to ``SMALL_EPOCH_NEURONS`` (the chain's choice).

    Raises ``ScenarioError`` (a ``ValueError``) naming the key of any bad input.
    """
    if engine == "auto":
        engine = "reference" if inputs.n <= SMALL_EPOCH_NEURONS else "kernel"
    return _epoch_checked(check_inputs(inputs), engine)


def _epoch_checked(inp: EpochInputs, engine: str, split: bool = True) -> EpochOutputs:
    """``epoch`` on inputs that already went through ``check_inputs``; ``split=False`` keeps the
    kernel on the calling thread."""
    if inp.n == 0:
        return reference.epoch(inp)
    if engine == "reference":
        return reference.epoch(inp)
    if engine != "kernel":
        raise ValueError(f"unknown engine {engine!r}")
    if not split or _SPLIT_PARTS == 1 or not _SPLIT_LOCK.acquire(blocking=False):
        return _run_kernel(inp)
    try:
        return _run_kernel(inp, _SPLIT_PARTS)
    finally:
        _SPLIT_LOCK.release()


#: How many worker threads one epoch's heaviest steps use (NUMBA_NUM_THREADS=1 keeps an epoch
#: on its caller's thread; more than 4 gains nothing at subnet sizes).  numba's thread pool is
#: driven by one caller at a time (its portable workqueue layer supports nothing else), so a
#: single epoch holds ``_SPLIT_LOCK`` while it uses the pool; a concurrent epoch (or
#: ``epoch_many``, already one subnet per core) runs on its own thread instead of waiting.
#: numba picks the layer (OpenMP where present: its workers wake faster than workqueue's).
_SPLIT_PARTS = max(1, min(int(os.environ.get("NUMBA_NUM_THREADS") or os.cpu_count() or 1), 4))
_SPLIT_LOCK = threading.Lock()

#: After a split step OpenMP's (libgomp's) idle workers spin GOMP_SPINCOUNT times before they
#: sleep; the default, 300,000, keeps a core busy for milliseconds per step.  One 256 × 128
#: epoch every 10 ms on 2 busy cores cost 11–17 ms of CPU that way, 5–7 ms with 60,000, at the
#: same best latency (≈ 2 ms): 60,000 still spans the gap between an epoch's two split steps
#: (at 5,000 the worker sleeps in between and waking it costs more than the split saves).
#: libgomp reads it when it loads (numba's first parallel kernel, after this import); a value
#: already in the environment wins.
os.environ.setdefault("GOMP_SPINCOUNT", "60000")


_POOL: tuple[ThreadPoolExecutor, int] | None = None
_POOL_LOCK = threading.Lock()


def _pool(workers: int) -> ThreadPoolExecutor:
    """One long-lived pool for ``epoch_many`` (threads are not re-created every block)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL[1] < workers:
            _POOL = (ThreadPoolExecutor(max_workers=workers, thread_name_prefix="yuma"), workers)
        return _POOL[0]


def epoch_many(inputs: Sequence[EpochInputs], *, threads: int | None = None
               ) -> list[EpochOutputs]:
    """Epochs of many subnets at once: ``[epoch(x) for x in inputs]``, same outputs and order.

    Every input is checked first (a bad one raises ``ScenarioError`` with its index in the key,
    before any epoch runs).  The kernels release the GIL, so the subnets are shared out to
    ``threads`` workers (default: one per core) that each take the next subnet when done,
    which balances subnets of different sizes.
    """
    checked = []
    for k, x in enumerate(inputs):
        try:
            checked.append(check_inputs(x))
        except ScenarioError as e:
            raise ScenarioError(f"[{k}].{e.key}", e.problem) from None
    workers = max(1, min(threads or os.cpu_count() or 1, len(checked)))
    if workers == 1:
        return [_epoch_checked(x, "kernel") for x in checked]
    results: list[EpochOutputs | None] = [None] * len(checked)
    order = itertools.count()  # next() on a count is atomic under the GIL

    def work() -> None:
        while (k := next(order)) < len(checked):
            results[k] = _epoch_checked(checked[k], "kernel", split=False)

    for f in [_pool(workers).submit(work) for _ in range(workers)]:
        f.result()
    return results  # type: ignore[return-value]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold off the cyclic collector while building many small lists that cannot form cycles.

    Every 700 new lists start a collection of the young ones (and every tenth of those, of the
    older ones too): up to a third of the cost of the bond rows' 30k pair lists.  Nothing is
    lost by waiting; the collector runs at its next trigger after this.  The switch is
    process-wide, so it is left alone when collection is already off on entry.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _bond_rows_json(bonds: Csr) -> list[list[list[int]]]:
    """The rows as ``[[uid, value], ...]`` lists, through one ``tolist`` of all pairs."""
    ip = bonds.indptr.tolist()
    with _gc_paused():
        pairs = np.stack((bonds.indices, bonds.values), axis=1).astype(np.int64).tolist()
        return [pairs[ip[i]:ip[i + 1]] for i in range(len(ip) - 1)]


def outputs_to_json(out: EpochOutputs) -> dict[str, Any]:
    """The JSON face's output object (``spec/yuma-scenario.md``)."""
    return {
        "active": out.active.tolist(),
        "new_validator_permit": out.new_validator_permit.tolist(),
        "stake_weight": out.stake_weight.tolist(),
        "consensus": out.consensus.tolist(),
        "incentive": out.incentive.tolist(),
        "dividends": out.dividends.tolist(),
        "validator_trust": out.validator_trust.tolist(),
        "emission": out.emission.tolist(),
        "server_emission": out.server_emission.tolist(),
        "validator_emission": out.validator_emission.tolist(),
        "bonds": _bond_rows_json(out.bonds),
    }


def epoch_json(inputs: dict, *, engine: str = "kernel") -> dict:
    """One epoch, JSON-able dicts in and out, exactly as ``spec/yuma-scenario.md`` says.

    The kernel stays on the calling thread: two thirds of the time here is JSON conversion on
    one thread, and after a split step numba's OpenMP worker spins for milliseconds, taking
    the second core from that conversion (on 2 busy cores: ~8 ms CPU per call unsplit against
    ~22 ms split, for at best 0.5 ms less kernel time).
    """
    return outputs_to_json(_epoch_checked(inputs_from_json(inputs), engine, split=False))


def run_scenario(doc: Any, *, engine: str = "kernel") -> dict:
    """One epoch (an object) or a sequence ``{"epochs": [...], "carry": bool}``.

    With ``carry`` each epoch after the first inherits the previous epoch's output ``bonds`` and
    ``validator_permit := new_validator_permit`` unless it sets them itself.
    """
    if isinstance(doc, dict) and "epochs" in doc:
        extra = sorted(set(doc) - {"epochs", "carry"})
        if extra:
            raise ScenarioError(extra[0], "unknown key in a sequence scenario")
        epochs = doc["epochs"]
        if not isinstance(epochs, list) or not epochs:
            raise ScenarioError("epochs", "expected a non-empty list of epoch objects")
        carry = doc.get("carry", False)
        if not isinstance(carry, bool):
            raise ScenarioError("carry", "expected true/false")
        results: list[dict] = []
        for k, ep in enumerate(epochs):
            if not isinstance(ep, dict):
                raise ScenarioError(f"epochs[{k}]", "expected a JSON object")
            if carry and results:
                ep = dict(ep)
                ep.setdefault("bonds", results[-1]["bonds"])
                ep.setdefault("validator_permit", results[-1]["new_validator_permit"])
            try:
                results.append(epoch_json(ep, engine=engine))
            except ScenarioError as e:
                raise ScenarioError(f"epochs[{k}].{e.key}", e.problem) from None
        return {"epochs": results}
    return epoch_json(doc, engine=engine)


def keep_freed_memory() -> bool:
    """Ask glibc to keep freed blocks for reuse instead of unmapping them.

    Every epoch allocates a few dozen temporaries of nnz·8 bytes; above glibc's mmap threshold
    each one is a fresh mapping whose pages fault in on first touch, which costs about as much as
    the arithmetic (≈1 ms of a 256 × 128 epoch).  Raising the thresholds makes the allocator
    recycle that memory.  Process-wide, so it is done by ``warm_up`` (the node's start-up call)
    and never implicitly; returns False where the C library is not glibc.
    """
    import ctypes
    import ctypes.util
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    ok_mmap = mallopt(m_mmap_threshold, 32 * 1024 * 1024)
    ok_trim = mallopt(m_trim_threshold, 128 * 1024 * 1024)
    return bool(ok_mmap and ok_trim)


def warm_up() -> None:
    """Load (or compile, the first time) every kernel specialisation the node will use, and
    tune the allocator for the kernels' temporaries (``keep_freed_memory``)."""
    keep_freed_memory()
    n = 4
    w = Csr.from_rows([[(2, 65535), (3, 30000)], [(2, 1000), (3, 65535)], [], []])
    b = Csr.from_rows([[(2, 60000)], [(3, 100)], [], []])
    base = dict(n=n, stake=np.array([10, 20, 0, 0], np.uint64), weights=w, bonds=b,
                validator_permit=np.array([True, True, False, False]), current_block=10,
                last_update=np.full(n, 10, np.uint64), commit_blocks=np.full(n, NO_COMMIT))
    for yuma3, liquid, penalty in ((False, False, 65535), (True, True, 30000), (True, False, 0)):
        epoch(EpochInputs(**base, yuma3_enabled=yuma3, liquid_alpha_enabled=liquid,
                          bonds_penalty=penalty))
    _warm_up_threads()


def _warm_up_threads() -> None:
    """Start numba's worker threads and run the split steps once (a tiny epoch stays on one
    thread, so it would leave them for the first large epoch to load)."""
    from tensornet.consensus import kernels
    if _SPLIT_PARTS == 1:
        return
    with _SPLIT_LOCK:
        one = np.ones(4, np.int64)
        kernels._select_columns_parts(np.zeros(4, np.int64), np.arange(4, dtype=np.int64), one,
                                      one, one, 1, np.int64(1), np.int64(0), _SPLIT_PARTS)
        two = np.array([0, 1, 2], np.int64)
        kernels._liquid_alpha_rows_parts(two, 2, two, np.array([1, 0], np.int64), one[:2],
                                         np.zeros(3, np.int64), one[:0], one[:0],
                                         np.zeros(2, np.int64), np.int64(0), np.int64(1 << 31),
                                         np.int64(-10 << 32), np.empty(2, np.int64))
