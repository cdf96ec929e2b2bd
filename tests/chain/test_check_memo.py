"""The executive memoises a transaction's state-independent check on its decoded form (pool admission,
revalidation and inclusion check the same bytes); a memo must give exactly what a fresh check gives,
and must never let through what a fresh check would refuse."""
from __future__ import annotations

import pytest

from tensornet.primitives.era import Era
from tensornet.primitives.keys import dev_keypair
from tensornet.runtime.validity import InvalidTransaction

BOB = dev_keypair("Bob").public


def _same(a, b) -> None:
    assert (a.info, a.fee, a.extra) == (b.info, b.fee, b.extra)
    assert a.resolved[1:] == b.resolved[1:]


def test_memoised_check_equals_a_fresh_one_and_resolves_against_the_checking_runtime(node, tn):
    raw = tn.transfer(node, "Alice", BOB, 10**9, tip=7)
    current = node.head.number + 1
    xt = node.query_executive.decode(raw)
    first = node.query_executive.check(xt, current)
    assert xt.checked is not None
    again = node.executive.check(xt, current)            # the block runtime reuses the pool's memo
    fresh = node.executive.check(node.executive.decode(raw), current)
    _same(again, fresh)
    _same(first, fresh)
    # the dispatch target belongs to the runtime that checks, never to the one that memoised
    assert again.resolved[0] is node.runtime.pallets["Balances"]
    assert first.resolved[0] is node.query_runtime.pallets["Balances"]


def test_a_bad_signature_is_never_memoised(node, tn):
    raw = bytearray(tn.transfer(node, "Alice", BOB, 10**9))
    raw[40] ^= 0xFF  # inside the signature
    xt = node.executive.decode(bytes(raw))
    for _ in range(2):
        with pytest.raises(InvalidTransaction) as info:
            node.executive.check(xt, node.head.number + 1)
        assert info.value.kind == "BadProof"
        assert xt.checked is None


def test_a_memo_for_one_birth_block_does_not_cover_another(node, tn):
    node.seal_blocks(3)
    signed_at = node.head.number
    era = Era.mortal(4, signed_at)
    raw = tn.transfer(node, "Alice", BOB, 10**9, era=era, birth_hash=node.store.hash_of(era.birth(signed_at + 1)))
    xt = node.executive.decode(raw)
    node.executive.check(xt, signed_at + 1)
    assert xt.checked is not None
    node.seal_blocks(8)
    with pytest.raises(InvalidTransaction) as info:    # its period is over: another birth block's hash
        node.executive.check(xt, node.head.number + 1)
    assert info.value.kind == "BadProof"


def test_an_immortal_transactions_remembered_payload_follows_the_runtime_versions(node, tn):
    raw = tn.transfer(node, "Alice", BOB, 10**9)
    xt = node.executive.decode(raw)
    current = node.head.number + 1
    node.executive.check(xt, current)
    assert xt.prepared is not None
    node.executive.runtime.spec_version += 1            # an upgrade: the signed payload no longer matches
    try:
        with pytest.raises(InvalidTransaction) as info:
            node.executive.check(xt, current)
        assert info.value.kind == "BadProof"
    finally:
        node.executive.runtime.spec_version -= 1
    assert node.executive.check(xt, current).fee > 0
