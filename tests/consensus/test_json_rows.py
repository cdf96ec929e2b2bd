"""The JSON face's fast conversion of sparse rows (pydantic_core renders the rows as JSON text,
``kernels.parse_pair_rows`` reads it) against the plain row-by-row conversion, and the parser
against ``json.loads`` on mutated text."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tensornet.consensus.kernels import parse_pair_rows
from tensornet.consensus.types import Csr
from tensornet.consensus.validate import _sparse_rows_fast, _sparse_rows_plain

I64_MAX = (1 << 63) - 1
I64_MIN = -(1 << 63)
EDGES = [0, 1, 2, 9, 10, 255, 256, 65535, 65536, -1, I64_MAX, I64_MIN, I64_MAX - 1,
         I64_MIN + 1, 10**18, -(10**18)]


def _random_rows(rng: np.random.Generator, n: int) -> list:
    """Rows of mixed lengths (empty ones included), repeated uids, u16 values and i64 edges,
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


BAD_ENTRIES = [True, False, 1.0, 0.0, float("nan"), "1", None, 1 << 63, I64_MIN - 1, 10**30,
               np.int64(3), [1], {"a": 1}]


@pytest.mark.parametrize("bad", BAD_ENTRIES, ids=repr)
@pytest.mark.parametrize("where", ["uid", "value"])
def test_fast_rows_leave_bad_entries_to_the_plain_path(bad, where) -> None:
    """Anything but an i64 integer in a pair sends the rows to the path that names it."""
    rows = [[[j, 1] for j in range(5)] for _ in range(5)]
    rows[3][2] = [bad, 1] if where == "uid" else [2, bad]
    assert _sparse_rows_fast(rows, 5) is None


@pytest.mark.parametrize("pair", [[1, 2, 3], [1], [], {1: 2, 3: 4}, b"\x01\x02", "12",
                                  np.array([1, 2])], ids=repr)
def test_fast_rows_leave_bad_pairs_to_the_plain_path(pair) -> None:
    rows = [[[0, 1], pair], []]
    assert _sparse_rows_fast(rows, 2) is None


def test_fast_rows_refuse_non_list_rows_and_circular_rows() -> None:
    assert _sparse_rows_fast([((0, 1),), []], 2) is None
    rows: list = [[], []]
    rows[1].append(rows)
    assert _sparse_rows_fast(rows, 2) is None


def _parse(text: str, n: int) -> tuple | None:
    ok, ip, ix, vs = parse_pair_rows(np.frombuffer(text.encode(), np.uint8), np.int64(n))
    return (ip.tolist(), ix.tolist(), vs.tolist()) if ok else None


def _json_rows(text: str, n: int) -> tuple | None:
    """What ``parse_pair_rows`` must return for ``text``, by ``json.loads``; None where the text
    is no list of n rows of [i64, i64] pairs."""
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, list) or len(doc) != n or not all(isinstance(r, list) for r in doc):
        return None
    ip, ix, vs = [0], [], []
    for row in doc:
        for pair in row:
            if (not isinstance(pair, list) or len(pair) != 2
                    or not all(type(x) is int and I64_MIN <= x <= I64_MAX for x in pair)):
                return None
            ix.append(pair[0])
            vs.append(pair[1])
        ip.append(len(ix))
    return ip, ix, vs


def test_parse_pair_rows_edges() -> None:
    assert _parse("[]", 0) == ([0], [], [])
    assert _parse("[[]]", 1) == ([0, 0], [], [])
    assert _parse(f"[[[{I64_MIN},{I64_MAX}]],[]]", 2) == ([0, 1, 1], [I64_MIN], [I64_MAX])
    assert _parse("[[[-0,5],[1,0]]]", 1) == ([0, 2], [0, 1], [5, 0])
    for text, n in [("", 0), ("[", 0), ("]", 0), ("[]", 1), ("[[]]", 0), ("[[]]", 2),
                    ("[[],]", 1), ("[[[1,2]]", 1), ("[[[1,2]]]]", 1), ("[[[1,2]]] ", 1),
                    ("[[[1, 2]]]", 1), ("[[[1,2],]]", 1), ("[[[1,2,3]]]", 1), ("[[[1]]]", 1),
                    ("[[[01,2]]]", 1), ("[[[-,2]]]", 1), ("[[[--1,2]]]", 1), ("[[[1.0,2]]]", 1),
                    ("[[[true,2]]]", 1), (f"[[[{I64_MAX + 1},2]]]", 1),
                    (f"[[[{I64_MIN - 1},2]]]", 1), ("[[[1,2]],[[3,4]]", 2),
                    ("[[[1,2]][[3,4]]]", 2), ("[[[1,2]]]", 2), ("[[[12345678901234567890,1]]]", 1)]:
        assert _parse(text, n) is None, text


@pytest.mark.parametrize("seed", range(8))
def test_parse_pair_rows_agrees_with_json_loads_on_mutated_text(seed: int) -> None:
    """Random cuts, insertions and replacements of valid text: the parser accepts exactly the
    compact JSON of n rows of i64 pairs (and reads past no end)."""
    rng = np.random.default_rng(100 + seed)
    alphabet = "[],-0123456789 .et"
    for _ in range(400):
        n = int(rng.integers(0, 5))
        rows = [[[int(rng.choice(EDGES)) if rng.random() < 0.2 else int(rng.integers(0, 99)),
                  int(rng.integers(0, 65536))] for _ in range(int(rng.integers(0, 4)))]
                for _ in range(n)]
        text = json.dumps(rows, separators=(",", ":"))
        assert _parse(text, n) == _json_rows(text, n)
        for _ in range(int(rng.integers(1, 4))):
            k = int(rng.integers(0, len(text) + 1))
            op = rng.integers(0, 3)
            c = str(rng.choice(list(alphabet)))
            text = (text[:k] + c + text[k:] if op == 0 else text[:k] + text[k + 1:] if op == 1
                    else text[:k] + c + text[k + 1:])
        canonical = _json_rows(text, n) is not None and \
            json.dumps(json.loads(text), separators=(",", ":")) == text
        got = _parse(text, n)
        if got is not None:
            assert got == _json_rows(text, n), text
        elif canonical:
            pytest.fail(f"refused compact JSON {text!r}")
