"""Transaction pool: Substrate's ready/future graph semantics through the public interface."""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tensornet.chain.txpool import (
    InvalidTransaction,
    PoolError,
    TxPool,
    UnknownTransaction,
    ValidTransaction,
    validity_rpc_error,
)

FOREVER = 2**64 - 1
ALICE, BOB, CHARLIE = (bytes([i]) * 32 for i in (1, 2, 3))


def tag(who: bytes, nonce: int) -> bytes:
    """The node's provides tag: SCALE(AccountId32, u32 nonce)."""
    return who + nonce.to_bytes(4, "little")


class Tx:
    """A signed transfer as the node would hand it to the pool."""

    def __init__(self, who: bytes, nonce: int, *, state_nonce: int = 0, tip: int = 0,
                 longevity: int = FOREVER, size: int = 0) -> None:
        self.who, self.nonce, self.tip = who, nonce, tip
        self.xt = who + nonce.to_bytes(4, "little") + tip.to_bytes(8, "little") + bytes(size)
        self.hash = hashlib.blake2b(self.xt, digest_size=32).digest()
        requires = (tag(who, nonce - 1),) if nonce > state_nonce else ()
        self.validity = ValidTransaction(tip, requires, (tag(who, nonce),), longevity)

    def submit(self, pool: TxPool, at_block: int = 0) -> str:
        return pool.submit(self.hash, self.xt, self.validity, at_block)


def order(pool: TxPool, txs: list[Tx]) -> list[tuple[bytes, int]]:
    by_hash = {t.hash: (t.who, t.nonce) for t in txs}
    return [by_hash[p.hash] for p in pool.ready()]


def recorder(pool: TxPool, tx: Tx) -> list:
    events: list = []
    pool.watch(tx.hash, events.append)
    return events


def check_graph(pool: TxPool) -> None:
    """Internal consistency: every index agrees with the queues."""
    ready, future = pool._ready, pool._future
    assert not set(ready) & set(future)
    for t, h in pool._provided.items():
        assert t in ready[h].provides
    for h, tx in ready.items():
        for t in tx.provides:
            assert pool._provided[t] == h
        linked = sum(1 for t in tx.requires if t in pool._provided)
        assert tx._offset == len(tx.requires) - linked
        assert (h in pool._best) == (linked == 0)
        for child in tx._unlocks:
            assert child in ready
    for t, hashes in pool._wanted.items():
        for h in hashes:
            assert t in future[h]._missing
    for h, tx in future.items():
        assert tx._missing
    assert pool._ready_bytes == sum(t.length for t in ready.values())
    assert pool._future_bytes == sum(t.length for t in future.values())
    assert sum(1 for _ in pool.ready()) == len(ready)


# ---- ordering ------------------------------------------------------------------------------------


def test_nonce_chains_across_senders_follow_dependencies_then_priority() -> None:
    pool = TxPool()
    alice = [Tx(ALICE, n, tip=10) for n in range(3)]
    bob = [Tx(BOB, n, tip=20) for n in range(2)]
    for tx in (alice[2], bob[1], alice[0], bob[0], alice[1]):
        tx.submit(pool)
    assert order(pool, alice + bob) == [(BOB, 0), (BOB, 1), (ALICE, 0), (ALICE, 1), (ALICE, 2)]
    assert len(pool) == 5
    check_graph(pool)


def test_a_higher_priority_dependent_waits_for_its_parent() -> None:
    pool = TxPool()
    alice = [Tx(ALICE, 0, tip=1), Tx(ALICE, 1, tip=100)]
    bob = Tx(BOB, 0, tip=50)
    for tx in (*alice, bob):
        tx.submit(pool)
    assert order(pool, [*alice, bob]) == [(BOB, 0), (ALICE, 0), (ALICE, 1)]


def test_equal_priority_goes_shorter_longevity_first_then_first_come() -> None:
    pool = TxPool()
    first, second = Tx(ALICE, 0), Tx(BOB, 0)
    short = Tx(CHARLIE, 0, longevity=64)
    for tx in (first, second, short):
        tx.submit(pool, at_block=10)
    assert order(pool, [first, second, short]) == [(CHARLIE, 0), (ALICE, 0), (BOB, 0)]
    assert pool.get(short.hash).valid_till == 74


def raw_submit(pool: TxPool, name: int, requires: tuple, provides: tuple, *, priority: int = 1,
               longevity: int = FOREVER) -> str:
    """Submit a tx with hand-made tags (the graph cases of Substrate's own pool tests)."""
    validity = ValidTransaction(priority, requires, provides or (b"own%d" % name,), longevity)
    return pool.submit(bytes([name]) * 32, bytes([name]), validity, 0)


def test_best_order_on_substrates_dependency_graph() -> None:
    """ready.rs `should_return_best_transactions_in_correct_order`: tx1 unlocks 2, 3, 4 and 7."""
    pool = TxPool()
    raw_submit(pool, 1, (), (b"3", b"4"), longevity=2)
    raw_submit(pool, 2, (b"3", b"4"), (b"106",), longevity=2)
    raw_submit(pool, 3, (b"3", b"106"), (), longevity=2)
    raw_submit(pool, 7, (b"3",), ())
    raw_submit(pool, 4, (b"3",), (b"107",), longevity=2)
    raw_submit(pool, 5, (b"107",), (b"108",), longevity=2)
    raw_submit(pool, 6, (b"108",), (), longevity=2)
    assert [tx.data[0] for tx in pool.ready()] == [1, 2, 3, 4, 5, 6, 7]
    check_graph(pool)


def test_a_subgraph_is_promoted_by_its_root() -> None:
    """base_pool.rs `should_promote_a_subgraph`."""
    pool = TxPool()
    assert raw_submit(pool, 1, (b"0",), (b"1",)) == "future"
    assert raw_submit(pool, 3, (b"2",), ()) == "future"
    assert raw_submit(pool, 2, (b"1",), (b"3", b"2")) == "future"
    assert raw_submit(pool, 4, (b"3", b"4"), (), priority=1000) == "future"
    events = recorder(pool, Tx(ALICE, 0))
    watched = [[] for _ in range(4)]
    for name, sink in zip((1, 2, 3, 4), watched):
        pool.watch(bytes([name]) * 32, sink.append)
    assert raw_submit(pool, 5, (), (b"0", b"4")) == "ready"
    assert [tx.data[0] for tx in pool.ready()] == [5, 1, 2, 4, 3]
    assert watched == [["ready"]] * 4 and events == []
    check_graph(pool)


def test_report_invalid_skips_everything_depending_on_the_transaction() -> None:
    pool = TxPool()
    alice = [Tx(ALICE, n, tip=9) for n in range(3)]
    bob = Tx(BOB, 0, tip=1)
    for tx in (*alice, bob):
        tx.submit(pool)
    walk = pool.ready()
    head = next(walk)
    assert head.hash == alice[0].hash
    walk.report_invalid(head)
    assert [tx.hash for tx in walk] == [bob.hash]


def test_pending_lists_ready_best_first_then_futures() -> None:
    pool = TxPool()
    gap = Tx(ALICE, 5)
    first, second = Tx(BOB, 0, tip=1), Tx(CHARLIE, 0, tip=2)
    for tx in (gap, first, second):
        tx.submit(pool)
    assert pool.pending() == [second.xt, first.xt, gap.xt]
    assert pool.status() == {"ready": 2, "ready_bytes": 88, "future": 1, "future_bytes": 44}


# ---- future queue -----------------------------------------------------------------------------


def test_a_gap_parks_in_future_until_the_parent_arrives() -> None:
    pool = TxPool()
    child, parent = Tx(ALICE, 1), Tx(ALICE, 0)
    events = recorder(pool, child)
    assert child.submit(pool) == "future"
    assert [tx.hash for tx in pool.ready()] == []
    assert parent.submit(pool) == "ready"
    assert [tx.hash for tx in pool.ready()] == [parent.hash, child.hash]
    assert events == ["future", "ready"]
    check_graph(pool)


def test_prune_removes_included_and_promotes_futures() -> None:
    pool = TxPool()
    alice = [Tx(ALICE, n) for n in range(4)]
    for tx in (alice[0], alice[1], alice[3]):
        tx.submit(pool)
    waiting = recorder(pool, alice[3])
    assert not pool.is_ready(alice[3].hash)
    # the block carries nonces 0..2; nonce 2 came from elsewhere, only its tag is known
    removed = pool.prune([alice[0].hash, alice[1].hash], [tag(ALICE, 2)])
    assert {tx.hash for tx in removed} == {alice[0].hash, alice[1].hash}
    assert [tx.hash for tx in pool.ready()] == [alice[3].hash]
    assert waiting == ["ready"]
    with pytest.raises(PoolError) as banned:
        alice[0].submit(pool)
    assert banned.value.kind == "TemporarilyBanned"
    assert banned.value.rpc_error() == {"code": 1012, "message": "Transaction is temporarily banned"}
    check_graph(pool)


def test_bans_expire_and_stay_bounded() -> None:
    now = [100.0]
    pool = TxPool(max_ready=1, max_future=1, ban_seconds=60, clock=lambda: now[0])
    tx = Tx(ALICE, 0)
    tx.submit(pool)
    pool.prune([tx.hash], [])
    now[0] += 59
    with pytest.raises(PoolError):
        pool.check_known(tx.hash)
    now[0] += 2
    pool.check_known(tx.hash)
    pool.ban(bytes([i % 256, i // 256]) * 16 for i in range(5000))
    assert len(pool._banned) == pool._max_banned


def test_prune_by_parent_tag_unblocks_the_next_nonce() -> None:
    pool = TxPool()
    alice = [Tx(ALICE, n) for n in range(3)]
    for tx in alice:
        tx.submit(pool)
    pool.prune([alice[0].hash], [])
    assert [tx.hash for tx in pool.ready()] == [alice[1].hash, alice[2].hash]
    check_graph(pool)


def test_a_conflicting_transaction_is_invalid_once_its_tag_is_on_chain() -> None:
    pool = TxPool()
    ours = Tx(ALICE, 0, tip=1)
    ours.submit(pool)
    events = recorder(pool, ours)
    other_block_tx = Tx(ALICE, 0, tip=2)  # same (sender, nonce), included by someone else
    removed = pool.prune([other_block_tx.hash], [tag(ALICE, 0)])
    assert [tx.hash for tx in removed] == [ours.hash]
    assert events == ["invalid"]
    assert len(pool) == 0


def test_a_future_providing_an_included_tag_is_removed() -> None:
    pool = TxPool()
    stuck = Tx(ALICE, 1)
    stuck.submit(pool)
    removed = pool.prune([], [tag(ALICE, 1)])
    assert [tx.hash for tx in removed] == [stuck.hash]
    assert len(pool) == 0


def test_recently_pruned_tags_count_as_provided() -> None:
    """A tx validated against the parent state must not be parked behind an included nonce."""
    pool = TxPool()
    parent = Tx(ALICE, 0)
    parent.submit(pool)
    pool.prune([parent.hash], [])
    late = Tx(ALICE, 1)  # validated before the block: still requires nonce 0
    assert late.submit(pool) == "ready"
    pool.prune([], [])
    pool.prune([], [])
    later = Tx(ALICE, 2, state_nonce=1)
    other = Tx(BOB, 1)  # requires bob/0, which no recent block provided
    assert later.submit(pool) == "ready"
    assert other.submit(pool) == "future"


# ---- replacement and dedupe -------------------------------------------------------------------


def test_a_higher_tip_replaces_the_same_nonce_and_keeps_the_chain() -> None:
    pool = TxPool()
    old, child = Tx(ALICE, 0, tip=1), Tx(ALICE, 1, tip=1)
    old.submit(pool)
    child.submit(pool)
    events = recorder(pool, old)
    new = Tx(ALICE, 0, tip=5)
    assert new.submit(pool) == "ready"
    assert events == [{"usurped": "0x" + new.hash.hex()}]
    assert old.hash not in pool
    assert [tx.hash for tx in pool.ready()] == [new.hash, child.hash]
    check_graph(pool)


def test_replacement_needs_strictly_higher_priority() -> None:
    pool = TxPool()
    Tx(ALICE, 0, tip=5).submit(pool)
    same = Tx(ALICE, 0, tip=5, size=1)
    with pytest.raises(PoolError) as refused:
        same.submit(pool)
    assert refused.value.kind == "TooLowPriority"
    assert refused.value.rpc_error() == {
        "code": 1014,
        "message": "Priority is too low: (5 vs 5)",
        "data": "The transaction has too low priority to replace another transaction already in the pool.",
    }
    assert "use the next nonce" in str(refused.value)
    assert len(pool) == 1


def test_duplicates_are_refused_in_both_queues() -> None:
    pool = TxPool()
    ready, future = Tx(ALICE, 0), Tx(BOB, 3)
    ready.submit(pool)
    future.submit(pool)
    for tx in (ready, future):
        with pytest.raises(PoolError) as duplicate:
            tx.submit(pool)
        assert duplicate.value.rpc_error() == {
            "code": 1013, "message": "Transaction Already Imported", "data": "0x" + tx.hash.hex(),
        }
    assert len(pool) == 2


def test_a_transaction_without_tags_is_refused() -> None:
    pool = TxPool()
    with pytest.raises(PoolError) as refused:
        pool.submit(b"h" * 32, b"xt", ValidTransaction(0, (), (), FOREVER), 0)
    assert refused.value.code == 1018


def test_a_cycle_closed_with_lower_priority_is_refused() -> None:
    """Substrate's base_pool cycle case: tx2 (priority 5) would replace the tx that unlocked it."""
    pool = TxPool()

    def submit(name: bytes, requires: tuple, provides: tuple, priority: int = 5) -> str:
        return pool.submit(name * 32, name, ValidTransaction(priority, requires, provides, FOREVER), 0)

    assert submit(b"1", (b"t0",), (b"t1",)) == "future"
    assert submit(b"3", (b"t1",), (b"t2",)) == "future"
    assert submit(b"2", (b"t2",), (b"t0",)) == "future"
    with pytest.raises(PoolError) as cycle:
        submit(b"4", (), (b"t0",), priority=1)
    assert cycle.value.code == 1015
    assert len(pool) == 0
    check_graph(pool)


def test_a_cycle_closed_with_higher_priority_wins() -> None:
    pool = TxPool()

    def submit(name: bytes, requires: tuple, provides: tuple, priority: int = 5) -> str:
        return pool.submit(name * 32, name, ValidTransaction(priority, requires, provides, FOREVER), 0)

    submit(b"1", (b"t0",), (b"t1",))
    submit(b"3", (b"t1",), (b"t2",))
    submit(b"2", (b"t2",), (b"t0",))
    events = recorder(pool, Tx(ALICE, 0))  # an unrelated watcher sees nothing
    assert submit(b"4", (), (b"t0",), priority=50) == "ready"
    assert [tx.data for tx in pool.ready()] == [b"4", b"1", b"3"]
    assert b"2" * 32 not in pool
    assert events == []
    check_graph(pool)


# ---- limits -----------------------------------------------------------------------------------


def test_a_full_ready_queue_refuses_an_equal_priority_newcomer() -> None:
    pool = TxPool(max_ready=2)
    residents = [Tx(ALICE, 0, tip=3), Tx(BOB, 0, tip=3)]
    for tx in residents:
        tx.submit(pool)
    newcomer = Tx(CHARLIE, 0, tip=3)
    with pytest.raises(PoolError) as full:
        newcomer.submit(pool)
    assert full.value.kind == "PoolFull"
    assert full.value.rpc_error() == {
        "code": 1016,
        "message": "Immediately Dropped",
        "data": "The transaction couldn't enter the pool because of the limit",
    }
    assert "pool is full" in str(full.value) and "2/2" in str(full.value)
    assert newcomer.hash not in pool and len(pool) == 2
    # nothing was banned: the same bytes are welcome once there is room
    pool.prune([residents[0].hash], [])
    assert newcomer.submit(pool) == "ready"


def test_a_higher_priority_newcomer_evicts_the_newest_lowest() -> None:
    pool = TxPool(max_ready=3)
    low_old, low_new, high = Tx(ALICE, 0, tip=1), Tx(BOB, 0, tip=1), Tx(CHARLIE, 0, tip=9)
    for tx in (low_old, low_new, high):
        tx.submit(pool)
    evicted = recorder(pool, low_new)
    newcomer = Tx(CHARLIE, 1, tip=5)
    assert newcomer.submit(pool) == "ready"
    assert evicted == ["dropped"]
    assert low_new.hash not in pool and low_old.hash in pool
    with pytest.raises(PoolError) as banned:
        low_new.submit(pool)
    assert banned.value.code == 1012
    check_graph(pool)


def test_a_newcomer_never_evicts_its_own_parent() -> None:
    """The worst resident is the newcomer's parent: the next worst goes instead."""
    pool = TxPool(max_ready=3)
    bob, parent = Tx(BOB, 0, tip=2), Tx(ALICE, 0, tip=1)
    charlie = Tx(CHARLIE, 0, tip=3)
    for tx in (bob, parent, charlie):
        tx.submit(pool)
    child = Tx(ALICE, 1, tip=9)
    assert child.submit(pool) == "ready"
    assert parent.hash in pool and bob.hash not in pool
    assert [tx.hash for tx in pool.ready()] == [charlie.hash, parent.hash, child.hash]
    check_graph(pool)


def test_a_newcomer_behind_only_its_own_ancestors_is_refused() -> None:
    pool = TxPool(max_ready=2)
    chain = [Tx(ALICE, 0, tip=1), Tx(ALICE, 1, tip=1)]
    for tx in chain:
        tx.submit(pool)
    with pytest.raises(PoolError) as full:
        Tx(ALICE, 2, tip=50).submit(pool)
    assert full.value.kind == "PoolFull"
    assert [tx.hash for tx in pool.ready()] == [t.hash for t in chain]


def test_the_byte_limit_counts_ready_bytes() -> None:
    pool = TxPool(max_bytes=100)
    resident = Tx(ALICE, 0, size=40)  # 84 bytes
    resident.submit(pool)
    with pytest.raises(PoolError) as full:
        Tx(BOB, 0, size=40).submit(pool)
    assert full.value.kind == "PoolFull"
    with pytest.raises(PoolError):
        Tx(BOB, 0, tip=1, size=100).submit(pool)  # larger than the whole queue
    outranking = Tx(BOB, 0, tip=1, size=10)  # 54 bytes: evicts the resident
    assert outranking.submit(pool) == "ready"
    assert resident.hash not in pool
    assert pool.status()["ready_bytes"] == 54


def test_a_full_future_queue_drops_its_oldest() -> None:
    pool = TxPool(max_future=2)
    gaps = [Tx(ALICE, 5), Tx(BOB, 5), Tx(CHARLIE, 5)]
    oldest = recorder(pool, gaps[0])
    for tx in gaps:
        assert tx.submit(pool) == "future"
    assert oldest == ["future", "dropped"]
    assert [tx.hash for tx in pool.futures()] == [gaps[1].hash, gaps[2].hash]
    check_graph(pool)


def test_promotion_beyond_the_ready_limit_evicts_the_worst() -> None:
    pool = TxPool(max_ready=2)
    Tx(BOB, 0, tip=1).submit(pool)
    child = Tx(ALICE, 1, tip=9)
    child.submit(pool)
    parent = Tx(ALICE, 0, tip=9)
    assert parent.submit(pool) == "ready"
    assert [tx.hash for tx in pool.ready()] == [parent.hash, child.hash]
    check_graph(pool)


# ---- revalidation -----------------------------------------------------------------------------


def test_revalidation_drops_invalid_and_reparks_their_dependents() -> None:
    pool = TxPool()
    alice = [Tx(ALICE, n) for n in range(2)]
    bob = Tx(BOB, 0)
    for tx in (*alice, bob):
        tx.submit(pool)
    alice_events, child_events = recorder(pool, alice[0]), recorder(pool, alice[1])
    bob_events = recorder(pool, bob)
    validity = {tx.xt: tx.validity for tx in (*alice, bob)}

    def validate(xt: bytes) -> ValidTransaction:
        if xt == alice[0].xt:
            raise InvalidTransaction("Payment")
        return validity[xt]

    dropped = pool.revalidate(validate, at_block=1)
    assert dropped == [(alice[0].hash, "invalid")]
    assert alice_events == ["invalid"]
    assert child_events == ["future"]
    assert bob_events == []
    assert pool.is_ready(bob.hash) and not pool.is_ready(alice[1].hash)
    with pytest.raises(PoolError):
        alice[0].submit(pool)
    check_graph(pool)


def test_revalidation_after_a_block_updates_in_place() -> None:
    pool = TxPool()
    alice = [Tx(ALICE, n, tip=1) for n in range(3)]
    for tx in alice:
        tx.submit(pool)
    pool.prune([alice[0].hash], [])
    events = recorder(pool, alice[1])
    # state nonce is now 1: nonce 1 requires nothing, and it got a higher priority
    fresh = {tx.xt: Tx(ALICE, tx.nonce, state_nonce=1, tip=tx.tip).validity for tx in alice[1:]}
    fresh[alice[2].xt] = ValidTransaction(7, fresh[alice[2].xt].requires, fresh[alice[2].xt].provides, FOREVER)
    assert pool.revalidate(fresh.__getitem__, at_block=1) == []
    assert events == []
    assert pool.get(alice[2].hash).priority == 7
    assert pool.get(alice[1].hash).requires == ()
    assert [tx.hash for tx in pool.ready()] == [alice[1].hash, alice[2].hash]
    check_graph(pool)


def test_revalidation_reimports_a_changed_shape() -> None:
    pool = TxPool()
    parked = Tx(ALICE, 2)
    parked.submit(pool)
    # the account's nonce jumped to 2 on chain: the parked tx is ready now
    now_ready = Tx(ALICE, 2, state_nonce=2)
    events = recorder(pool, parked)
    assert pool.revalidate(lambda xt: now_ready.validity, at_block=3) == []
    assert events == ["ready"]
    assert pool.is_ready(parked.hash)
    check_graph(pool)


def test_revalidation_drops_expired_longevity_and_keeps_unknown() -> None:
    pool = TxPool()
    mortal, unknown = Tx(ALICE, 0, longevity=4), Tx(BOB, 0)
    mortal.submit(pool, at_block=1)
    unknown.submit(pool, at_block=1)

    def validate(xt: bytes) -> ValidTransaction:
        if xt == unknown.xt:
            raise UnknownTransaction("CannotLookup")
        return ValidTransaction(0, (), (tag(ALICE, 0),), 0)  # the era ends now

    assert pool.revalidate(validate, at_block=5) == [(mortal.hash, "stale")]
    assert unknown.hash in pool and mortal.hash not in pool


def test_clear_stale_uses_the_longevity_given_at_submission() -> None:
    pool = TxPool()
    mortal = Tx(ALICE, 0, longevity=4)
    mortal.submit(pool, at_block=1)
    assert pool.clear_stale(4) == []
    assert pool.clear_stale(5) == [(mortal.hash, "stale")]
    assert len(pool) == 0


def test_remove_takes_the_dependents_as_invalid() -> None:
    pool = TxPool()
    alice = [Tx(ALICE, n) for n in range(3)]
    for tx in alice:
        tx.submit(pool)
    events = recorder(pool, alice[2])
    removed = pool.remove([alice[1].hash])
    assert {tx.hash for tx in removed} == {alice[1].hash, alice[2].hash}
    assert events == ["invalid"]
    assert [tx.hash for tx in pool.ready()] == [alice[0].hash]
    check_graph(pool)


# ---- next nonce -------------------------------------------------------------------------------


def test_next_nonce_counts_consecutive_ready_transactions_only() -> None:
    pool = TxPool()
    for nonce in (3, 4, 6):
        Tx(ALICE, nonce, state_nonce=3).submit(pool)
    assert pool.next_nonce(ALICE, 3, tag) == 5  # 6 waits behind the gap at 5
    assert pool.next_nonce(BOB, 7, tag) == 7
    Tx(ALICE, 5, state_nonce=3).submit(pool)
    assert pool.next_nonce(ALICE, 3, tag) == 7


# ---- watchers and errors ----------------------------------------------------------------------


def test_watch_lifecycle_ends_at_finalized() -> None:
    pool = TxPool()
    tx = Tx(ALICE, 0)
    events = recorder(pool, tx)
    tx.submit(pool)
    pool.prune([tx.hash], [])
    block = b"\xbb" * 32
    pool.notify_in_block([tx.hash], block)
    pool.notify_finalized(block)
    assert events == ["ready", {"inBlock": "0x" + "bb" * 32}, {"finalized": "0x" + "bb" * 32}]
    assert pool._watchers == {}


def test_a_failing_watcher_does_not_break_the_pool() -> None:
    pool = TxPool()
    tx = Tx(ALICE, 0)

    def broken(event: object) -> None:
        raise RuntimeError("subscriber went away")

    seen: list = []
    pool.watch(tx.hash, broken)
    pool.watch(tx.hash, seen.append)
    assert tx.submit(pool) == "ready"
    assert seen == ["ready"]
    pool.unwatch(tx.hash, seen.append)
    pool.unwatch(tx.hash)
    assert pool._watchers == {}


def test_a_refused_submission_sends_no_events() -> None:
    pool = TxPool(max_ready=1)
    Tx(ALICE, 0).submit(pool)
    newcomer = Tx(BOB, 0)
    events = recorder(pool, newcomer)
    with pytest.raises(PoolError):
        newcomer.submit(pool)
    assert events == []


def test_validity_errors_map_to_substrate_rpc_errors() -> None:
    assert validity_rpc_error(InvalidTransaction("Stale")) == {
        "code": 1010, "message": "Invalid Transaction", "data": "Transaction is outdated",
    }
    assert validity_rpc_error(InvalidTransaction("Payment", "free 3 < fee 9"))["data"] == (
        "Inability to pay some fees (e.g. account balance too low)"
    )
    assert validity_rpc_error(InvalidTransaction("Custom(6)"))["data"] == "Custom error: 6"
    assert validity_rpc_error(UnknownTransaction("CannotLookup")) == {
        "code": 1011, "message": "Unknown Transaction Validity", "data": "CannotLookup",
    }


# ---- properties -------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    chains=st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=6),
    tips=st.lists(st.integers(min_value=0, max_value=3), min_size=36, max_size=36),
    seed=st.integers(min_value=0, max_value=2**16),
    block_size=st.integers(min_value=1, max_value=10),
)
def test_any_arrival_order_yields_contiguous_nonce_chains(
    chains: list[int], tips: list[int], seed: int, block_size: int
) -> None:
    senders = [bytes([10 + i]) * 32 for i in range(len(chains))]
    txs = [
        Tx(who, n, tip=tips[i * 6 + n])
        for i, (who, length) in enumerate(zip(senders, chains))
        for n in range(length)
    ]
    random.Random(seed).shuffle(txs)
    pool = TxPool()
    for tx in txs:
        tx.submit(pool)
    check_graph(pool)
    assert len(pool._future) == 0 and len(pool) == len(txs)
    state = dict.fromkeys(senders, 0)
    while len(pool):
        block = []
        for pooled in pool.ready():
            who, nonce = pooled.data[:32], int.from_bytes(pooled.data[32:36], "little")
            assert nonce == state[who] + sum(1 for w, _ in block if w == who)
            block.append((who, pooled.hash))
            if len(block) == block_size:
                break
        for who, _ in block:
            state[who] += 1
        pool.prune([h for _, h in block], [])
        check_graph(pool)
        for who in senders:
            expected = state[who] + sum(1 for tx in txs if tx.who == who and tx.nonce >= state[who])
            assert pool.next_nonce(who, state[who], tag) == expected


@settings(max_examples=200, deadline=None)
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["submit", "submit", "submit", "block", "foreign", "revalidate", "remove"]),
            st.integers(min_value=0, max_value=2),  # sender
            st.integers(min_value=0, max_value=5),  # nonce offset from the chain's
            st.integers(min_value=0, max_value=3),  # tip
        ),
        max_size=60,
    ),
    limits=st.sampled_from([(8192, 1024), (4, 2), (2, 1)]),
)
def test_random_operations_keep_the_graph_consistent(ops: list, limits: tuple[int, int]) -> None:
    senders = [ALICE, BOB, CHARLIE]
    chain = dict.fromkeys(senders, 0)  # account nonces on chain
    pool = TxPool(max_ready=limits[0], max_future=limits[1])
    statuses: list[list] = []  # one event list per accepted submission
    pool_clock = 0

    def validate(xt: bytes) -> ValidTransaction:
        who, nonce = xt[:32], int.from_bytes(xt[32:36], "little")
        if nonce < chain[who]:
            raise InvalidTransaction("Stale")
        return Tx(who, nonce, state_nonce=chain[who], tip=int.from_bytes(xt[36:44], "little")).validity

    for op, sender, offset, tip in ops:
        who = senders[sender]
        if op == "submit":
            tx = Tx(who, chain[who] + offset, state_nonce=chain[who], tip=tip)
            events: list = []
            pool.unwatch(tx.hash)  # a re-submission starts a fresh subscription
            pool.watch(tx.hash, events.append)
            try:
                tx.submit(pool, at_block=pool_clock)
                statuses.append(events)
            except PoolError:
                pool.unwatch(tx.hash, events.append)
                assert events == []
        elif op == "block":
            included = []
            for pooled in pool.ready():
                included.append(pooled)
                if len(included) > offset:
                    break
            for pooled in included:
                chain[pooled.data[:32]] += 1
            pool_clock += 1
            pool.prune([p.hash for p in included], [p.provides[0] for p in included])
        elif op == "foreign":  # a block from elsewhere used the sender's next nonce
            chain[who] += 1
            pool_clock += 1
            pool.prune([], [tag(who, chain[who] - 1)])
        elif op == "revalidate":
            pool.revalidate(validate, pool_clock)
        else:
            victims = [p.hash for p in pool.ready()][offset : offset + 1]
            pool.remove(victims)
        check_graph(pool)
        assert len(pool._ready) <= limits[0] and len(pool._future) <= limits[1]
        ready_nonces: dict[bytes, list[int]] = {w: [] for w in senders}
        for pooled in pool.ready():
            ready_nonces[pooled.data[:32]].append(int.from_bytes(pooled.data[32:36], "little"))
        for w, nonces in ready_nonces.items():  # each sender's ready txs continue the chain
            assert nonces == list(range(chain[w], chain[w] + len(nonces)))
            assert pool.next_nonce(w, chain[w], tag) == chain[w] + len(nonces)
    for events in statuses:
        assert events[0] in ("ready", "future")
        terminal = [e for e in events if e in ("dropped", "invalid") or (isinstance(e, dict) and "usurped" in e)]
        assert len(terminal) <= 1 and (not terminal or events[-1] == terminal[0])
