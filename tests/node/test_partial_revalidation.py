"""After an ordinary block the node validates again only the pooled transactions whose validity the
block can have changed; the pool must end up exactly as a full revalidation would leave it."""
from __future__ import annotations

import pytest

from tensornet.primitives.keys import dev_keypair, keypair_from_uri

TAO = 10**9
BOB = dev_keypair("Bob").public
SENDERS = [keypair_from_uri(f"//Reval{i}") for i in range(40)]
DOOMED = SENDERS[0]  # reaped by its first transaction, with later nonces waiting in the pool


def _fund(node, tn) -> None:
    fund = [{"Balances": {"transfer_keep_alive": {"dest": {"Id": k.public}, "value": 10 * TAO}}} for k in SENDERS]
    node.submit(tn.signed(node, "Utility", "batch_all", {"calls": fund}, "Alice"))
    node.next_timestamp_ms = 1_799_999_988_000
    node.seal_block()


def _first_wave(node, tn) -> list[bytes]:
    """Nonce 0 and 2..9 of every sender (1 is held back), so each block leaves future nonces behind."""
    txs = [tn.signed(node, "Balances", "transfer_all", {"dest": {"Id": BOB}, "keep_alive": False}, DOOMED, 0)]
    txs += [tn.transfer(node, k, BOB, TAO // 10, nonce=0) for k in SENDERS[1:]]
    txs += [tn.transfer(node, k, BOB, TAO // 10, nonce=n) for k in SENDERS for n in range(2, 10)]
    return txs


def _pool_view(node) -> tuple:
    """(sender, nonce) tags of the ready and the future queue (signatures differ between the nodes)."""
    ready = sorted(tx.provides for tx in node.pool._ready.values())
    future = sorted(tx.provides for tx in node.pool._future.values())
    return ready, future


@pytest.fixture
def nodes(monkeypatch, tn):
    partial, full = tn.make_node(), tn.make_node()
    # the reference validates everything after every block
    monkeypatch.setattr(full, "_unchanged_validity", lambda built, state: (lambda tx: False))
    yield partial, full
    partial.store.close()
    full.store.close()


def test_partial_revalidation_leaves_the_pool_a_full_one_would(nodes, tn):
    partial, full = nodes
    counts, after_first = {}, {}
    for node in (partial, full):
        _fund(node, tn)
        calls = []
        validate = node.query_executive.validate_transaction
        node.query_executive.validate_transaction = lambda *a, _v=validate, _c=calls: (_c.append(1), _v(*a))[1]
        for raw in _first_wave(node, tn):
            node.submit(raw)
        assert len(node.pool) > 300  # what the block leaves is still large enough for the partial rule
        submitted = len(calls)
        node.next_timestamp_ms = 1_800_000_000_000
        node.seal_block()
        counts[node] = len(calls) - submitted
        after_first[node] = _pool_view(node)
        # nonce 1 arrives: the rest of every live sender's queue becomes ready
        for k in SENDERS[1:]:
            node.submit(tn.transfer(node, k, BOB, TAO // 10, nonce=1))
        node.next_timestamp_ms = 1_800_000_012_000
        node.seal_block()
    assert after_first[partial] == after_first[full] and after_first[partial][1]  # future nonces waiting
    assert _pool_view(partial) == _pool_view(full)
    assert [tn.account(partial, k.public) for k in SENDERS] == [tn.account(full, k.public) for k in SENDERS]
    # the reaped sender's queue left the pool after the first block (its account pays for nothing now)
    assert not [tags for tags in after_first[partial][1] if tags[0][:32] == DOOMED.public]
    # the block left 39 senders' future nonces untouched: only what may have changed was validated again
    assert counts[partial] < counts[full] // 4
