"""Staking calls read the pool, the share pool and the stake once and hand them on (stake.py,
staking.py). Here the same random extrinsics run twice, once as written and once with every
hand-over dropped so that each step reads storage afresh (the plain path); the state after every
block, the outcomes and the events must be identical."""
from __future__ import annotations

import hashlib
import random
import time as real_time

import pytest
import reference_stake
import test_staking_invariants as inv
from stake_net import SM

import tensornet.node.node as node_module
from tensornet.amm.pallet import Swap
from tensornet.primitives.hashing import twox128
from tensornet.subnet.pallet import SubtensorModule

# items that hold block hashes (sr25519 signatures, hence extrinsics and blocks, differ per run)
_HASH_ITEMS = [twox128(b"System") + twox128(n) for n in (b"BlockHash", b"ParentHash", b"ExtrinsicData", b"Digest")]


class _Clock:
    """A wall clock for the node module that advances by one block time per reading."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def time(self) -> float:
        self.now += 0.25
        return self.now

    def __getattr__(self, name: str):
        return getattr(real_time, name)


def _dropping(method, *names: str, positional: dict[str, int] | None = None):
    """``method`` with the given keyword (or positional, by index) hand-overs replaced by None."""
    def plain(self, *args, **kwargs):
        args = list(args)
        for name in names:
            index = (positional or {}).get(name)
            if index is not None and len(args) > index:
                args[index] = None
            if name in kwargs:
                kwargs[name] = None
        return method(self, *args, **kwargs)
    return plain


def _plain_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    sm = SubtensorModule
    for name, dropped, positions in [
        ("swap_tao_for_alpha", ("pool",), {"pool": 4}),
        ("swap_alpha_for_tao", ("pool",), {"pool": 4}),
        ("stake_into_subnet", ("pool", "shares"), {"pool": 6, "shares": 7}),
        ("unstake_from_subnet", ("pool", "shares"), {"pool": 7, "shares": 8}),
        ("validate_add_stake", ("pool", "shares"), {"pool": 6, "shares": 7}),
        ("validate_remove_stake", ("pool", "staked"), {"pool": 6, "staked": 7}),
        ("get_max_amount_add", ("pool",), {"pool": 2}),
        ("get_max_amount_remove", ("pool",), {"pool": 2}),
        ("get_stake_for_hotkey_and_coldkey_on_subnet", ("shares",), {"shares": 3}),
        ("try_increase_stake_for_hotkey_and_coldkey_on_subnet", ("shares",), {"shares": 3}),
        ("decrease_stake_for_hotkey_and_coldkey_on_subnet", ("shares",), {"shares": 4}),
    ]:
        monkeypatch.setattr(sm, name, _dropping(getattr(sm, name), *dropped, positional=positions))
    fresh_input_check = sm._ensure_input_within_swap_limit
    monkeypatch.setattr(sm, "_ensure_input_within_swap_limit",
                        lambda self, netuid, amount, buying, pool: fresh_input_check(
                            self, netuid, amount, buying, self.pool_state(netuid)))
    monkeypatch.setattr(Swap, "write_pool", _dropping(Swap.write_pool, "before", positional={"before": 2}))


def _state_digest(node) -> str:
    digest = hashlib.sha256()
    for key, value in node.store.state_at(None).iterate(b""):
        if not any(key.startswith(p) for p in _HASH_ITEMS):
            digest.update(key + b"=" + value + b";")
    return digest.hexdigest()


def _run(ops: int, seed: int, emission: bool) -> list:
    rng = random.Random(seed)
    n, netuids = inv._setup(emission)
    trace, done = [], 0
    while done < ops:
        signers = rng.sample(inv.COLDKEYS, k=min(4, ops - done))
        for signer in signers:
            call, args = inv._random_call(rng, n, netuids, signer)
            n.node.submit(n.ext(signer, SM, call, args))
        built = n.node.seal_block()
        done += len(signers)
        outcomes = [(o.success, o.error and o.error.name, o.fee) for _, o in built.applied]
        trace.append((outcomes, [(e["pallet"], e["name"], repr(e["fields"])) for e in n.events()],
                      _state_digest(n.node)))
    n.close()
    return trace


@pytest.mark.parametrize(("seed", "emission", "ops"), [(5, False, 160), (3, True, 120)])
def test_handed_on_reads_equal_fresh_reads(monkeypatch: pytest.MonkeyPatch, seed: int, emission: bool,
                                          ops: int) -> None:
    monkeypatch.setattr(node_module, "time", _Clock())
    fast = _run(ops, seed, emission)
    assert sum(ok for outcomes, _, _ in fast for ok, _, _ in outcomes) > ops // 5  # trades happened
    monkeypatch.setattr(node_module, "time", _Clock())
    _plain_paths(monkeypatch)
    plain = _run(ops, seed, emission)
    assert len(fast) == len(plain)
    for block, (a, b) in enumerate(zip(fast, plain)):
        assert a == b, f"block {block} differs"


@pytest.mark.parametrize(("seed", "emission", "ops"), [(7, False, 160), (4, True, 120)])
def test_stake_ops_equal_their_step_by_step_reference(monkeypatch: pytest.MonkeyPatch, seed: int, emission: bool,
                                                     ops: int) -> None:
    """A sale and its fee's sale write the pool once, payouts skip the balance pre-reads: the state
    and events equal those of the step-by-step versions (``reference_stake``)."""
    monkeypatch.setattr(node_module, "time", _Clock())
    fast = _run(ops, seed, emission)
    assert sum(ok for outcomes, _, _ in fast for ok, _, _ in outcomes) > ops // 5
    monkeypatch.setattr(node_module, "time", _Clock())
    for step in reference_stake.STEPS:
        monkeypatch.setattr(SubtensorModule, step.__name__, step)
    reference = _run(ops, seed, emission)
    assert len(fast) == len(reference)
    for block, (a, b) in enumerate(zip(fast, reference)):
        assert a == b, f"block {block} differs"
