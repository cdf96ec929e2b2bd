"""Devnet powers stay replayable: their writes and events are recorded in the block's digest and an
importer reproduces the block exactly."""
from __future__ import annotations

import pytest

from tensornet.chain import dev_digest
from tensornet.chain.importer import BadBlock, import_block
from tensornet.node.devtools import enable
from tensornet.primitives.keys import dev_keypair, keypair_from_uri

TAO = 10**9
BOB = dev_keypair("Bob").public
FRESH = keypair_from_uri("//dev_digest_fresh").public


@pytest.fixture()
def chain_with_powers(tn):
    node = tn.make_node()
    tools = enable(node)
    tools.set_balance(FRESH, 123 * TAO)                                   # a power: writes + events
    node.submit(tn.transfer(node, "Alice", BOB, TAO))
    node.seal_block()                                                     # an ordinary block
    tools.set_storage([(b"\x01tnet-test-key", b"\x2a")])
    tools.dispatch([("Balances", "force_set_balance", {"who": {"Id": BOB}, "new_free": 7 * TAO}, None)])
    yield node
    node.store.close()


def test_power_blocks_carry_their_record_in_the_digest(chain_with_powers):
    node = chain_with_powers
    logs = node.store.header(node.store.hash_of(1)).digest_logs
    writes, events = dev_digest.decode(logs)
    assert any(v is not None for _, v in writes) and events            # balance written, BalanceSet recorded
    assert dev_digest.decode(node.store.header(node.store.hash_of(2)).digest_logs) is None


def test_a_chain_built_with_powers_imports_with_identical_hashes(chain_with_powers, tn):
    source = chain_with_powers
    target = tn.make_node()
    for n in range(1, source.head.number + 1):
        import_block(target.store, target.executive, source.store.block(source.store.hash_of(n)))
    for n in range(source.head.number + 1):
        assert target.store.hash_of(n) == source.store.hash_of(n)
    assert tn.free(target, FRESH) == 123 * TAO and tn.free(target, BOB) == 7 * TAO
    assert tn.events(target, source.store.hash_of(1)) == tn.events(source, source.store.hash_of(1))


def test_a_tampered_record_is_refused(chain_with_powers, tn):
    import dataclasses

    source = chain_with_powers
    block = source.store.block(source.store.hash_of(1))
    writes, events = dev_digest.decode(block.header.digest_logs)
    forged = [(k, (v[:-1] + b"\x00") if v else v) for k, v in writes]
    header = dataclasses.replace(block.header, digest_logs=(dev_digest.encode(forged, events),))
    target = tn.make_node()
    with pytest.raises(BadBlock):
        import_block(target.store, target.executive, dataclasses.replace(block, header=header))
    assert target.head.number == 0
