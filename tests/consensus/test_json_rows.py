"""The JSON face's fast conversion of sparse rows (``marshal`` writes the rows,
``kernels.parse_pair_rows`` reads the bytes) against the plain row-by-row conversion, and the
parser against ``marshal.loads`` on corrupted bytes."""
from __future__ import annotations

import enum
import marshal
import struct

import numpy as np
import pytest

from tensornet.consensus.kernels import parse_pair_rows
from tensornet.consensus.types import Csr
from tensornet.consensus.validate import _sparse_rows_fast, _sparse_rows_plain

I64_MAX = (1 << 63) - 1
I64_MIN = -(1 << 63)
#: int32 edges (marshal's fixed-size integer code; wider integers take the plain path)
EDGES = [0, 1, 2, 9, 10, 255, 256, 65535, 65536, -1, (1 << 31) - 1, -(1 << 31), 1 << 24]


def _random_rows(rng: np.random.Generator, n: int) -> list:
    """Rows of mixed lengths (empty ones included), repeated uids, u16 values and int32 edges,
    pairs as lists or tuples."""
    rows = []
    for _ in range(n):
        length = int(rng.choice([0, 0, 1, 2, rng.integers(0, 3 * n + 2)]))
        row = []
        for _ in range(length):
            u, v = int(rng.integers(0, n + 2)), int(rng.integers(0, 65536))
            if rng.random() < 0.1:
                u = int(rng.choice(EDGES))
            if rng.random() < 0.1:
                v = int(rng.choice(EDGES))
            row.append((u, v) if rng.random() < 0.2 else [u, v])
        rows.append(row)
    return rows


def _same(a: Csr, b: Csr) -> bool:
    return all(x.dtype == np.int64 and np.array_equal(x, y)
               for x, y in ((a.indptr, b.indptr), (a.indices, b.indices), (a.values, b.values)))


@pytest.mark.parametrize("seed", range(40))
def test_fast_rows_equal_plain_rows(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.choice([0, 1, 2, 3, rng.integers(4, 80)]))
    rows = _random_rows(rng, n)
    fast = _sparse_rows_fast(rows, n)
    assert fast is not None
    assert _same(fast, _sparse_rows_plain("weights", rows, n))


def test_fast_rows_dense_ties() -> None:
    """Every row full, every value equal (ties), and the one-uid network."""
    n = 64
    rows = [[[j, 65535] for j in range(n)] for _ in range(n)]
    assert _same(_sparse_rows_fast(rows, n), _sparse_rows_plain("w", rows, n))
    for rows in ([[]], [[[0, 0]]], [[(0, 7)]]):
        assert _same(_sparse_rows_fast(rows, 1), _sparse_rows_plain("w", rows, 1))


class _Uid(enum.IntEnum):
    TWO = 2


BAD_ENTRIES = [True, False, 1.0, 0.0, float("nan"), "1", None, 1 << 63, I64_MIN - 1, 10**30,
               np.int64(3), [1], {"a": 1}, _Uid.TWO]


@pytest.mark.parametrize("bad", BAD_ENTRIES, ids=repr)
@pytest.mark.parametrize("where", ["uid", "value"])
def test_fast_rows_leave_bad_entries_to_the_plain_path(bad, where) -> None:
    """Anything but a plain int in a pair sends the rows to the plain path, which names it
    (or, for an int subclass or numpy integer, reads it)."""
    rows = [[[j, 1] for j in range(5)] for _ in range(5)]
    rows[3][2] = [bad, 1] if where == "uid" else [2, bad]
    assert _sparse_rows_fast(rows, 5) is None


@pytest.mark.parametrize("pair", [[1, 2, 3], [1], [], {1: 2, 3: 4}, {1, 2}, b"\x01\x02", "12",
                                  np.array([1, 2]), range(2)], ids=repr)
def test_fast_rows_leave_bad_pairs_to_the_plain_path(pair) -> None:
    rows = [[[0, 1], pair], []]
    assert _sparse_rows_fast(rows, 2) is None


def test_fast_rows_refuse_non_list_rows_and_circular_rows() -> None:
    assert _sparse_rows_fast([((0, 1),), []], 2) is None
    rows: list = [[], []]
    rows[1].append(rows)
    assert _sparse_rows_fast(rows, 2) is None


def test_fast_rows_take_wide_integers_through_the_plain_path() -> None:
    """marshal writes integers beyond int32 with another type code: the plain path reads them,
    and the result is the one the fast path would give."""
    rows = [[[0, 1 << 31], [1, -(1 << 31) - 1]], [[0, I64_MAX], [1, I64_MIN]]]
    assert _sparse_rows_fast(rows, 2) is None
    plain = _sparse_rows_plain("w", rows, 2)
    assert plain.values.tolist() == [1 << 31, -(1 << 31) - 1, I64_MAX, I64_MIN]


def _parse(data: bytes, n: int) -> tuple | None:
    ok, ip, ix, vs = parse_pair_rows(np.frombuffer(data, np.uint8), np.int64(n))
    return (ip.tolist(), ix.tolist(), vs.tolist()) if ok else None


def _marshal_rows(data: bytes, n: int) -> tuple | None:
    """What ``parse_pair_rows`` must return for ``data``: a plain reading of version-2 marshal
    (list ``[``/tuple ``(`` + int32 length, int ``i`` + int32), checked against
    ``marshal.loads`` wherever it accepts (``loads`` itself is not run on arbitrary bytes: a
    corrupted length makes it allocate gigabytes).  None where the bytes are no list of n lists
    of two-int pairs."""
    def i32(p: int) -> int:
        if p + 4 > len(data):
            raise IndexError(p)
        return struct.unpack_from("<i", data, p)[0]

    try:
        if data[:1] != b"[" or i32(1) != n:
            return None
        p, ip, ix, vs = 5, [0], [], []
        for _ in range(n):
            if data[p:p + 1] != b"[" or i32(p + 1) < 0:
                return None
            length, p = i32(p + 1), p + 5
            for _ in range(length):
                if (data[p:p + 1] not in (b"[", b"(") or i32(p + 1) != 2
                        or data[p + 5:p + 6] != b"i" or data[p + 10:p + 11] != b"i"):
                    return None
                ix.append(i32(p + 6))
                vs.append(i32(p + 11))
                p += 15
            ip.append(len(ix))
    except IndexError:
        return None
    if p != len(data):
        return None
    rows = marshal.loads(data)
    assert [[list(pair) for pair in row] for row in rows] == \
        [[[ix[e], vs[e]] for e in range(ip[i], ip[i + 1])] for i in range(n)]
    return ip, ix, vs


def test_parse_pair_rows_edges() -> None:
    def dump(rows: list) -> bytes:
        return marshal.dumps(rows, 2)

    assert _parse(dump([]), 0) == ([0], [], [])
    assert _parse(dump([[]]), 1) == ([0, 0], [], [])
    lo, hi = -(1 << 31), (1 << 31) - 1
    assert _parse(dump([[(lo, hi)], [], [[-1, 0]]]), 3) == ([0, 1, 1, 2], [lo, -1], [hi, 0])
    good = dump([[[1, 2]], [[3, 4], [5, 6]]])
    shared = [1, 2]
    with_refs = marshal.dumps([[shared, shared]], 4)  # version 4 refers back to a repeat
    for data, n in [(b"", 0), (dump([]), 1), (dump([[]]), 0), (dump([[]]), 2),
                    (good, 1), (good, 3), (good[:-1], 2), (good + b"i", 2),
                    (dump([[[1, 2, 3]]]), 1), (dump([[[1]]]), 1), (dump([[[True, 2]]]), 1),
                    (dump([[[1, 1 << 31]]]), 1), (dump([[[1.0, 2]]]), 1), (dump([[{1, 2}]]), 1),
                    (dump([([1, 2],)]), 1), (dump([[[1, 2]]])[:-4], 1), (with_refs, 1)]:
        assert _parse(data, n) is None, (data, n)


@pytest.mark.parametrize("seed", range(8))
def test_parse_pair_rows_agrees_with_marshal_loads_on_corrupted_bytes(seed: int) -> None:
    """Random cuts, insertions and replacements of valid bytes (from marshal's list, tuple,
    int, long, bool and None codes and small numbers): the parser accepts exactly the version-2
    marshal of n rows of int32 pairs, and reads past no end."""
    rng = np.random.default_rng(100 + seed)
    alphabet = [ord(c) for c in "[(ilTFN"] + [0, 1, 2, 3, 15, 0xFF]
    for _ in range(400):
        n = int(rng.integers(0, 5))
        rows = [[[int(rng.integers(-3, 99)), int(rng.integers(0, 65536))]
                 for _ in range(int(rng.integers(0, 4)))] for _ in range(n)]
        data = marshal.dumps(rows, 2)
        assert _parse(data, n) == _marshal_rows(data, n)
        for _ in range(int(rng.integers(1, 4))):
            k = int(rng.integers(0, len(data) + 1))
            op = rng.integers(0, 3)
            c = bytes([int(rng.choice(alphabet))])
            data = (data[:k] + c + data[k:] if op == 0 else data[:k] + data[k + 1:] if op == 1
                    else data[:k] + c + data[k + 1:])
        assert _parse(data, n) == _marshal_rows(data, n), data


@pytest.mark.parametrize("pair", [{1, 2}, {1: 2, 3: 4}, b"\x01\x02"], ids=repr)
def test_json_face_names_non_pair_containers(pair) -> None:
    """Through the face: a container that is no list or tuple is refused under its row's key
    (the former C-level flattening read sets, dict keys and bytes as pairs)."""
    from tensornet.consensus.errors import ScenarioError
    from tensornet.consensus.validate import inputs_from_json
    doc = {"n": 3, "stake": [1, 1, 1], "weights": [[[0, 1]], [[1, 5], pair], []]}
    with pytest.raises(ScenarioError) as e:
        inputs_from_json(doc)
    assert e.value.key.startswith("weights[1]")


def test_json_face_reads_int_subclasses_and_numpy_integers_as_their_values() -> None:
    from tensornet.consensus.validate import inputs_from_json
    plain = {"n": 3, "stake": [1, 1, 1], "weights": [[[2, 7]], [[1, 5]], []]}
    odd = {**plain, "weights": [[[_Uid.TWO, np.int64(7)]], [(np.int32(1), 5)], []]}
    a, b = inputs_from_json(plain).weights, inputs_from_json(odd).weights
    assert _same(a, b)
