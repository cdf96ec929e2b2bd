"""Input checking for the epoch faces: every refusal names the key (``ScenarioError``).

Kernels index arrays without bounds checks, so nothing reaches them unchecked: lengths equal
``n``, uids < n and unique within a row, u16/u64 ranges, and block numbers below 2^62 (so that
``last_update + activity_cutoff`` cannot wrap).
"""
from __future__ import annotations

import marshal
import math
from array import array
from typing import Any

import numpy as np

from tensornet.consensus.errors import ScenarioError
from tensornet.consensus.types import NO_COMMIT, Csr, EpochInputs

U16 = 65535
U64 = (1 << 64) - 1
BLOCK_MAX = (1 << 62) - 1
MAX_N = 65535

#: JSON key -> (kind, default); kind: "int", "u16", "bool", "block", "u64", "i16".
SCALARS: dict[str, tuple[str, Any]] = {
    "current_block": ("block", 0),
    "tempo": ("u16", 360),
    "last_mechanism_step_block": ("block", 0),
    "activity_cutoff": ("block", 5000),
    "max_allowed_validators": ("u16", 64),
    "kappa": ("u16", 32767),
    "bonds_penalty": ("u16", 65535),
    "bonds_moving_average": ("bma", 900_000),
    "liquid_alpha_enabled": ("bool", False),
    "alpha_low": ("u16", 45875),
    "alpha_high": ("u16", 58982),
    "alpha_sigmoid_steepness": ("i16", 1000),
    "yuma3_enabled": ("bool", False),
    "stake_threshold": ("u64", 0),
    "commit_reveal_enabled": ("bool", False),
    "rao_emission": ("u64", 1_000_000_000),
}
_RANGES = {"u16": (0, U16), "block": (0, BLOCK_MAX), "u64": (0, U64),
           "i16": (-32768, 32767), "bma": (0, 1_000_000)}
VECTORS = ("stake", "last_update", "block_at_registration", "validator_permit", "commit_blocks")
MATRICES = ("weights", "bonds")
KNOWN = {"n", "owner_uid", "variant", *SCALARS, *VECTORS, *MATRICES}


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def check_int(key: str, x: Any, lo: int, hi: int) -> int:
    if isinstance(x, float) and math.isnan(x):
        raise ScenarioError(key, "is NaN, expected an integer")
    if not _is_int(x):
        raise ScenarioError(key, f"expected an integer, got {type(x).__name__}")
    if not lo <= x <= hi:
        raise ScenarioError(key, f"{x} is out of range [{lo}, {hi}]")
    return x


def _check_scalar(key: str, kind: str, x: Any) -> Any:
    if kind == "bool":
        if not isinstance(x, bool):
            raise ScenarioError(key, f"expected true/false, got {type(x).__name__}")
        return x
    lo, hi = _RANGES[kind]
    return check_int(key, x, lo, hi)


def _int_vector(key: str, xs: Any, n: int, hi: int, allow_null: bool = False) -> np.ndarray:
    if not isinstance(xs, list):
        raise ScenarioError(key, f"expected a list of {n} integers, got {type(xs).__name__}")
    if len(xs) != n:
        raise ScenarioError(key, f"has {len(xs)} entries, expected n = {n}")
    if set(map(type, xs)) <= {int}:
        # plain ints in one C loop; array('Q') refuses negatives and values beyond u64
        try:
            out = np.frombuffer(array("Q", xs), np.uint64) if n else np.zeros(0, np.uint64)
        except OverflowError:
            out = None
        if out is not None and (not n or int(out.max()) <= hi):
            return out
    out = np.empty(n, np.uint64)
    for i, x in enumerate(xs):
        if x is None and allow_null:
            out[i] = NO_COMMIT
            continue
        out[i] = check_int(f"{key}[{i}]", x, 0, hi)
    return out


def _bool_vector(key: str, xs: Any, n: int) -> np.ndarray:
    if not isinstance(xs, list):
        raise ScenarioError(key, f"expected a list of {n} booleans, got {type(xs).__name__}")
    if len(xs) != n:
        raise ScenarioError(key, f"has {len(xs)} entries, expected n = {n}")
    for i, x in enumerate(xs):
        if not isinstance(x, bool):
            raise ScenarioError(f"{key}[{i}]", f"expected true/false, got {type(x).__name__}")
    return np.array(xs, np.bool_)


def _sparse_rows(key: str, rows: Any, n: int) -> Csr:
    if not isinstance(rows, list):
        raise ScenarioError(key, f"expected a list of {n} rows, got {type(rows).__name__}")
    if len(rows) != n:
        raise ScenarioError(key, f"has {len(rows)} rows, expected n = {n}")
    # uid ranges, value ranges and repeats are ``check_csr``'s, which ``check_inputs`` runs on
    # the finished inputs under the same key
    fast = _sparse_rows_fast(rows, n)
    return fast if fast is not None else _sparse_rows_plain(key, rows, n)


def _sparse_rows_plain(key: str, rows: list, n: int) -> Csr:
    """Row by row, naming the first bad row or pair (the fast path's fallback and oracle)."""
    indptr = np.zeros(n + 1, np.int64)
    parts = []
    for i, row in enumerate(rows):
        if not isinstance(row, list):
            raise ScenarioError(f"{key}[{i}]", "expected a list of [uid, value] pairs")
        if row:
            try:
                arr = np.array(row)
            except ValueError:
                arr = None
            if (arr is None or arr.ndim != 2 or arr.shape[1] != 2 or arr.dtype.kind not in "iu"
                    or any(isinstance(x, (bool, np.bool_)) for p in row for x in p)):
                _explain_bad_row(f"{key}[{i}]", row)
            parts.append(arr.astype(np.int64, copy=False))
        indptr[i + 1] = indptr[i] + len(row)
    flat = np.concatenate(parts) if parts else np.zeros((0, 2), np.int64)
    return Csr(indptr, flat[:, 0].copy(), flat[:, 1].copy())


def _sparse_rows_fast(rows: list, n: int) -> Csr | None:
    """Well-formed rows without a Python-level pass over their pairs; None sends the caller to
    the plain path that finds and names the bad entry.

    ``marshal`` writes the rows in one C pass (several times faster than CPython can flatten
    30k pair lists) and ``parse_pair_rows`` reads the bytes back as CSR arrays.  marshal tags
    every object with its exact type, so the parser accepts lists and tuples of plain int32
    integers only: booleans, floats, strings, other containers, int subclasses (which marshal
    refuses) and larger integers all take the plain path.
    """
    if set(map(type, rows)) - {list}:
        return None
    from tensornet.consensus.kernels import parse_pair_rows
    try:
        data = marshal.dumps(rows, 2)  # version 2: no back-references, fixed-size records
    except ValueError:  # an object marshal cannot write, or nesting too deep
        return None
    ok, indptr, indices, values = parse_pair_rows(np.frombuffer(data, np.uint8), np.int64(n))
    return Csr(indptr, indices, values) if ok else None


def _explain_bad_row(key: str, row: list) -> None:
    for k, pair in enumerate(row):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ScenarioError(f"{key}[{k}]", "expected a [uid, value] pair")
        check_int(f"{key}[{k}] uid", pair[0], 0, MAX_N)
        check_int(f"{key}[{k}] value", pair[1], 0, U16)
    raise ScenarioError(key, "expected [uid, value] integer pairs")


def check_csr(key: str, m: Csr, n: int) -> Csr:
    """Shape, ranges and per-row uniqueness of a sparse u16 matrix."""
    if not isinstance(m, Csr):
        raise ScenarioError(key, f"expected a Csr matrix, got {type(m).__name__}")
    ip, ix, vs = (np.asarray(m.indptr), np.asarray(m.indices), np.asarray(m.values))
    for part, arr in (("indptr", ip), ("indices", ix), ("values", vs)):
        if arr.dtype.kind not in "iu":
            raise ScenarioError(key, f"{part} must hold integers, got dtype {arr.dtype}")
    if ip.shape != (n + 1,) or ip[0] != 0 or (n and bool((ip[1:] < ip[:-1]).any())):
        raise ScenarioError(key, f"indptr must have n+1 = {n + 1} non-decreasing entries from 0")
    nnz = int(ip[-1])
    if ix.shape != (nnz,) or vs.shape != (nnz,):
        raise ScenarioError(key, f"indices/values must have {nnz} entries")
    if nnz:
        from tensornet.consensus.kernels import csr_first_problems
        # one pass finds the first out-of-range uid, out-of-range value and repeated uid; wide
        # unsigned values wrap negative in the int64 view and are caught as out of range
        bad_uid, bad_value, dup = csr_first_problems(_i64(ip), _i64(ix), _i64(vs), np.int64(n))
        for e, problem in ((bad_uid, lambda e: f"uid {int(ix[e])} is not below n = {n}"),
                           (bad_value, lambda e: f"value {int(vs[e])} is out of range [0, 65535]"),
                           (dup, lambda e: f"duplicate uid {int(ix[e])} in the row")):
            if e >= 0:
                row = int(np.searchsorted(ip, e, side="right") - 1)
                raise ScenarioError(f"{key}[{row}]", problem(int(e)))
    return Csr(_i64(ip), _i64(ix), _i64(vs))


def _i64(a: np.ndarray) -> np.ndarray:
    """``a`` as contiguous int64, copied only when it is not already (the kernels' layout)."""
    return np.ascontiguousarray(a, np.int64)


def inputs_from_json(doc: Any) -> EpochInputs:
    """Validate one epoch's JSON object and build the typed inputs."""
    if not isinstance(doc, dict):
        raise ScenarioError("scenario", f"expected a JSON object, got {type(doc).__name__}")
    unknown = sorted(set(doc) - KNOWN)
    if unknown:
        raise ScenarioError(unknown[0], "unknown key")
    for key in ("n", "stake", "weights"):
        if key not in doc:
            raise ScenarioError(key, "is required")
    n = check_int("n", doc["n"], 0, MAX_N)
    kw: dict[str, Any] = {"n": n}
    kw["stake"] = _int_vector("stake", doc["stake"], n, U64)
    kw["weights"] = _sparse_rows("weights", doc["weights"], n)
    if "bonds" in doc:
        kw["bonds"] = _sparse_rows("bonds", doc["bonds"], n)
    for key in ("last_update", "block_at_registration"):
        if key in doc:
            kw[key] = _int_vector(key, doc[key], n, BLOCK_MAX)
    if "validator_permit" in doc:
        kw["validator_permit"] = _bool_vector("validator_permit", doc["validator_permit"], n)
    if "commit_blocks" in doc:
        kw["commit_blocks"] = _int_vector("commit_blocks", doc["commit_blocks"], n, BLOCK_MAX,
                                          allow_null=True)
    for key, (kind, default) in SCALARS.items():
        kw[key] = _check_scalar(key, kind, doc[key]) if key in doc else default
    owner = doc.get("owner_uid")
    if owner is not None:
        owner = check_int("owner_uid", owner, 0, max(n - 1, 0))
        if n == 0:
            raise ScenarioError("owner_uid", "no uid exists when n = 0")
    kw["owner_uid"] = owner
    variant = doc.get("variant", "sparse")
    if variant not in ("sparse", "dense"):
        raise ScenarioError("variant", f"expected \"sparse\" or \"dense\", got {variant!r}")
    kw["variant"] = variant
    return check_inputs(EpochInputs(**kw))


def _vec(key: str, x: Any, n: int, dtype: Any, hi: int | None) -> np.ndarray:
    a = np.asarray(x)
    if a.shape != (n,):
        raise ScenarioError(key, f"has shape {a.shape}, expected ({n},)")
    if dtype is np.bool_:
        if a.dtype != np.bool_:
            raise ScenarioError(key, "expected booleans")
        return a
    if a.dtype.kind not in "iu":
        raise ScenarioError(key, f"expected integers, got dtype {a.dtype}")
    if n and ((a.dtype.kind == "i" and a.min() < 0) or (hi is not None and int(a.max()) > hi)):
        raise ScenarioError(key, f"values must lie in [0, {hi}]")
    return np.ascontiguousarray(a, dtype)


def check_inputs(inp: EpochInputs) -> EpochInputs:
    """Validate typed inputs (the runtime's face) and return them with defaults filled."""
    n = inp.n
    if not _is_int(n) and not isinstance(n, np.integer):
        raise ScenarioError("n", "expected an integer")
    n = int(n)
    if not 0 <= n <= MAX_N:
        raise ScenarioError("n", f"{n} is out of range [0, {MAX_N}]")
    f = inp.filled()
    stake = _vec("stake", f.stake, n, np.uint64, U64)
    frac = _vec("stake_fraction", f.stake_fraction, n, np.uint64, U64)
    total = sum(stake.tolist())  # exact (Python ints), and cheaper than an object-dtype sum
    if total >= 1 << 63:
        raise ScenarioError("stake", "total stake does not fit the chain's I64F64 sum")
    out = EpochInputs(**{
        **f.__dict__,
        "n": n,
        "stake": stake,
        "stake_fraction": frac,
        "weights": check_csr("weights", f.weights, n),
        "bonds": check_csr("bonds", f.bonds, n),
        "last_update": _vec("last_update", f.last_update, n, np.uint64, BLOCK_MAX),
        "block_at_registration": _vec("block_at_registration", f.block_at_registration, n,
                                      np.uint64, BLOCK_MAX),
        "validator_permit": _vec("validator_permit", f.validator_permit, n, np.bool_, None),
        "commit_blocks": _vec("commit_blocks", f.commit_blocks, n, np.uint64, None),
    })
    for key, (kind, _) in SCALARS.items():
        v = getattr(out, key)
        if isinstance(v, (np.integer, np.bool_)):
            v = v.item()
        setattr(out, key, _check_scalar(key, kind, v))
    if out.owner_uid is not None:
        owner = out.owner_uid.item() if isinstance(out.owner_uid, np.integer) else out.owner_uid
        out.owner_uid = check_int("owner_uid", owner, 0, max(n - 1, 0))
    if out.variant not in ("sparse", "dense"):
        raise ScenarioError("variant", f"expected \"sparse\" or \"dense\", got {out.variant!r}")
    return out
