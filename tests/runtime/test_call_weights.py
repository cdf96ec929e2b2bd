"""Every declared call weight and call index equals subtensor's (fees are charged on declared weight).

The expected numbers live in ``subtensor_weights.json``, written by
``scripts/extract_subtensor_weights.py`` from a subtensor checkout, so this test needs no mirror.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tensornet.chain.runtime_def import build_runtime
from tensornet.runtime.dispatch import DB_READ, DB_WRITE, Weight
from tensornet.runtime.outer import call_weight

TABLE = json.loads((Path(__file__).parent / "subtensor_weights.json").read_text())
RUNTIME = build_runtime()
OURS = [(cls.NAME, c) for cls in RUNTIME.pallet_classes for c in cls.calls]
INNER = {"System": {"remark": {"remark": b"\x01" * 10}}}
SIZES = (0, 1, 7)
#: benchmark parameters the runtime fixes to a pallet constant (Proxy weighs at MaxProxies / MaxPending)
CONSTANT_PARAMS = {f"T::{c.name}::get()": c.value for cls in RUNTIME.pallet_classes for c in cls.CONSTANTS}


def _weight(part: dict, n: int | dict = 0, per: dict | None = None) -> Weight:
    """Total ref_time (DB ops priced as RocksDbWeight) and proof size of a table entry at size ``n``
    (one size for every parameter, or a size per parameter name)."""
    def total(p: dict) -> int:
        return p["ref_time"] + p["reads"] * DB_READ + p["writes"] * DB_WRITE
    w = Weight(total(part), part["proof_size"])
    for name, p in (per or {}).items():
        k = n[name] if isinstance(n, dict) else n
        w = w + Weight(total(p) * k, p["proof_size"] * k)
    return w


def _constant_sizes(param_of: dict) -> dict | None:
    """The sizes of parameters that are all runtime constants, else None."""
    if all(expr in CONSTANT_PARAMS for expr in param_of.values()):
        return {name: CONSTANT_PARAMS[expr] for name, expr in param_of.items()}
    return None


def _expected(entry: dict, n: int | dict = 0) -> Weight:
    if "base" in entry:
        return _weight(entry["base"], n, entry["per"])
    return _weight(entry)


#: argument builders for weights linear in one argument: param expression -> (args at size n, n used)
LINEAR_ARGS = {
    "remark.len() as u32": lambda n: ({"remark": b"\x00" * n}, n),
    "items.len() as u32": lambda n: ({"items": [(b"k%d" % i, b"v") for i in range(n)]}, n),
    "keys.len() as u32": lambda n: ({"keys": [b"k%d" % i for i in range(n)]}, n),
    "subkeys.saturating_add(1)": lambda n: ({"prefix": b"", "subkeys": n}, n + 1),
    "calls.len() as u32": lambda n: ({"calls": [INNER] * n}, n),
}


def _inner_weight(n_calls: int) -> Weight:
    total = Weight()
    for _ in range(n_calls):
        total = total + call_weight(INNER)
    return total


def _check_call(pallet: str, c) -> None:
    entry = TABLE[pallet][c.name]
    if entry.get("class") not in ("inner", "dynamic") and "note" not in entry:
        assert c.dispatch_class == entry["class"], f"{pallet}.{c.name} class"
    if entry.get("pays") in ("Yes", "No"):
        assert c.pays_fee == entry["pays"], f"{pallet}.{c.name} pays_fee"
    if entry.get("plus_inner_calls"):
        own = entry["own"]
        extra = entry.get("extra_reads_writes", [0, 0])
        extra_w = Weight(extra[0] * DB_READ + extra[1] * DB_WRITE)
        if "base" in own and _constant_sizes(own["param_of"]) is not None:
            args = {**dict.fromkeys(f.name for f in c.fields), "call": INNER}
            want = _expected(own, _constant_sizes(own["param_of"])) + extra_w + call_weight(INNER)
            assert c.info(args).weight == want, f"{pallet}.{c.name}"
        elif "base" in own:
            for n in SIZES:
                args, k = LINEAR_ARGS[own["param_of"]["c"]](n)
                want = _expected(own, k) + extra_w + _inner_weight(n)
                assert c.info(args).weight == want, f"{pallet}.{c.name} at {n} calls"
        else:
            args = {"call": INNER, **({"who": b"\x00" * 32} if c.name == "sudo_as" else {})}
            want = _expected(own) + extra_w + call_weight(INNER)
            assert c.info(args).weight == want, f"{pallet}.{c.name}"
        return
    if "note" in entry and "base" not in entry and "ref_time" not in entry:
        return  # declared weight is an argument (sudo_unchecked_weight, with_weight) or not modelled
    if "base" in entry and _constant_sizes(entry["param_of"]) is not None:
        assert not callable(c.weight), f"{pallet}.{c.name}: subtensor's weight is constant"
        assert c.weight == _expected(entry, _constant_sizes(entry["param_of"])), f"{pallet}.{c.name}"
        return
    if "base" in entry:
        (param,) = entry["param_of"].values()
        if param not in LINEAR_ARGS:
            pytest.skip(f"{pallet}.{c.name}: weight depends on {param}")
        for n in SIZES:
            args, k = LINEAR_ARGS[param](n)
            assert c.info(args).weight == _expected(entry, k), f"{pallet}.{c.name} at size {n}"
        return
    assert not callable(c.weight), f"{pallet}.{c.name}: subtensor's weight is constant"
    assert c.weight == _expected(entry), f"{pallet}.{c.name}"


@pytest.mark.parametrize("pallet,c", OURS, ids=[f"{p}.{c.name}" for p, c in OURS])
def test_call_index_and_weight_match_subtensor(pallet, c):
    if pallet not in TABLE or c.name not in TABLE[pallet]:
        pytest.skip(f"{pallet}.{c.name} is not a subtensor call")
    assert c.index == TABLE[pallet][c.name]["index"], f"{pallet}.{c.name} call index"
    _check_call(pallet, c)


def test_no_call_index_collides_with_a_subtensor_call_of_another_name():
    for cls in RUNTIME.pallet_classes:
        theirs = {e["index"]: name for name, e in TABLE.get(cls.NAME, {}).items()}
        for c in cls.calls:
            assert theirs.get(c.index, c.name) == c.name, f"{cls.NAME}.{c.name} sits on {theirs[c.index]}'s index"


def undeclared_calls() -> dict[str, list[str]]:
    """Subtensor calls our runtime does not declare (reported, not required)."""
    ours = {cls.NAME: set(cls.calls_by_name) for cls in RUNTIME.pallet_classes}
    return {p: sorted(set(calls) - ours.get(p, set())) for p, calls in TABLE.items()
            if set(calls) - ours.get(p, set())}


def test_undeclared_calls_are_listed():
    missing = undeclared_calls()
    assert all(isinstance(v, list) for v in missing.values())
    print("subtensor calls not declared:", json.dumps(missing, indent=1))


def test_weight_to_fee_rounds_like_perbill_mul():
    """Perbill(500_000) * w rounds to nearest with ties down; whole multiples of 2000 are exact."""
    from tensornet.runtime.dispatch import weight_to_fee
    assert [weight_to_fee(w) for w in (0, 999, 1000, 1001, 1999, 2000, 115_480_000)] == [0, 0, 0, 1, 1, 1, 57_740]


EXTENSIONS = json.loads((Path(__file__).parent / "subtensor_extension_weights.json").read_text())


def test_transaction_extension_weights_match_subtensor():
    """Every signed extrinsic also pays for its transaction extensions' weight (``total_weight()``)."""
    from tensornet.runtime.dispatch import TX_EXTENSION_WEIGHTS, TX_GUARD_WEIGHTS, transaction_extension_weight
    always = Weight()
    for part in EXTENSIONS["always"].values():
        always = always + _weight(part)
    ours = Weight()
    for w in TX_EXTENSION_WEIGHTS.values():
        ours = ours + w
    assert ours == always
    for guard, entry in EXTENSIONS["per_call"].items():
        w, calls = TX_GUARD_WEIGHTS[guard]
        assert w == _weight(entry) and calls == set(entry["calls"]), guard
    register = {"SubtensorModule": {"register_network": {}}}
    assert transaction_extension_weight(register) == always + _weight(EXTENSIONS["per_call"]["check_rate_limits"])
    assert transaction_extension_weight({"Balances": {"transfer_keep_alive": {}}}) == always


def test_fee_charges_the_extension_weight_too():
    from tensornet.runtime.dispatch import DispatchInfo, compute_fee, weight_to_fee
    call_w, ext_w = Weight(163_159_000), Weight(612_226_000)
    info = DispatchInfo(call_w, extension_weight=ext_w)
    assert compute_fee(100, info, 0) == 57_740 + 100 + weight_to_fee(775_385_000)
