"""Importing blocks: a replayed chain reproduces every hash and state root; a tampered block, a fork or
another chain's blocks are refused with the database left as it was."""
from __future__ import annotations

import dataclasses
import io

import pytest

from tensornet.chain.block import Block, extrinsics_root
from tensornet.chain.export import (
    ExportFormatError,
    decode_block,
    encode_block,
    read_blocks,
    read_header,
    write_chain,
)
from tensornet.chain.importer import BadBlock, ChainMismatch, import_block, import_chain
from tensornet.node.node import Node, NodeConfig
from tensornet.primitives.era import Era
from tensornet.primitives.hashing import blake2_256
from tensornet.primitives.keys import dev_keypair, keypair_from_uri
from tensornet.runtime.extrinsic import encode_unsigned
from tensornet.storage import schema

TAO = 10**9
ALICE, BOB, EVE = (dev_keypair(n).public for n in ("Alice", "Bob", "Eve"))
HOTKEY = keypair_from_uri("//import_hk").public
SM = "SubtensorModule"


def _seal(node, tn, *xts: bytes):
    for xt in xts:
        node.submit(xt)
    built = node.seal_block()
    assert len(built.applied) == len(xts), built.rejected
    return built


def build_source(tn) -> Node:
    """A chain with transfers, a failed call, sudo, and subnet/staking activity."""
    node = tn.make_node()
    _seal(node, tn, tn.transfer(node, "Alice", BOB, 5 * TAO), tn.transfer(node, "Bob", EVE, TAO))
    failed = _seal(node, tn, tn.transfer(node, "Eve", ALICE, 10**18))          # more than Eve has
    assert not failed.applied[0][1].success
    sudo = {"call": {"Balances": {"force_set_balance": {"who": {"Id": EVE}, "new_free": 50 * TAO}}}}
    _seal(node, tn, tn.signed(node, "Sudo", "sudo", sudo, "Alice"))
    node.seal_blocks(2)                                                          # empty blocks
    birth = node.head.number                                                     # a mortal transaction
    _seal(node, tn, tn.transfer(node, "Charlie", BOB, TAO, era=Era.mortal(64, birth),
                                birth_hash=node.store.hash_of(birth)))
    out = _seal(node, tn, tn.signed(node, SM, "register_network", {"hotkey": HOTKEY}, "Alice"))
    assert out.applied[0][1].success, out.applied[0][1].error
    netuid = _netuid_owned_by(node, tn, HOTKEY)
    _seal(node, tn, tn.signed(node, SM, "start_call", {"netuid": netuid}, "Alice"))
    out = _seal(node, tn, tn.signed(node, SM, "add_stake",
                                    {"hotkey": HOTKEY, "netuid": netuid, "amount_staked": 10 * TAO}, "Bob"))
    assert out.applied[0][1].success, out.applied[0][1].error
    node.seal_blocks(3)
    return node


def _netuid_owned_by(node, tn, hotkey: bytes) -> int:
    with tn.read_state(node) as rt:
        owners = dict(rt.pallets[SM].SubnetOwnerHotkey.iter())
    return max(k[0] if isinstance(k, tuple) else k for k, hk in owners.items() if hk == hotkey)


@pytest.fixture(scope="module")
def source(tn):
    node = build_source(tn)
    yield node
    node.store.close()


def _export(node: Node, first: int = 0, last: int | None = None) -> bytes:
    out = io.BytesIO()
    write_chain(node.store, out, first, node.head.number if last is None else last)
    return out.getvalue()


def _load(data: bytes):
    src = io.BytesIO(data)
    header = read_header(src)
    return header, read_blocks(src, header)


def _everything(node: Node) -> dict[bytes, bytes]:
    return dict(node.store.backend.iterate(b""))


def _without_trie(kv: dict[bytes, bytes]) -> dict[bytes, bytes]:
    return {k: v for k, v in kv.items() if not k.startswith(schema.TRIE)}


def test_a_replayed_chain_has_identical_hashes_and_state_roots(source, tn):
    target = tn.make_node()
    heads = []
    target.block_listeners.append(lambda built: heads.append(built.block.header.number))
    summary = import_chain(target, *_load(_export(source)))
    assert (summary.imported, summary.skipped) == (source.head.number, 1)
    for n in range(source.head.number + 1):
        h = source.store.hash_of(n)
        assert target.store.hash_of(n) == h
        assert target.store.header(h).state_root == source.store.header(h).state_root
        assert target.store.body(h) == source.store.body(h)
    assert heads == list(range(1, source.head.number + 1))           # listeners told, as when sealing
    assert _without_trie(_everything(target)) == _without_trie(_everything(source))
    assert tn.events(target, source.store.hash_of(2)) == tn.events(source, source.store.hash_of(2))
    target.submit(tn.transfer(target, "Alice", BOB, TAO))            # the imported chain carries on
    assert target.seal_block().applied


def test_importing_twice_or_a_later_range_resumes(source, tn):
    target = tn.make_node()
    import_chain(target, *_load(_export(source, 0, 4)))
    assert target.head.number == 4
    summary = import_chain(target, *_load(_export(source, 2)))
    assert (summary.imported, summary.skipped) == (source.head.number - 4, 3)
    assert target.head == source.head


def _block(node: Node, n: int) -> Block:
    return node.store.block(node.store.hash_of(n))


def _refused(target: Node, block: Block, match: str) -> None:
    before = _everything(target)
    with pytest.raises(BadBlock, match=match):
        target.import_block(block)
    assert _everything(target) == before


def test_tampered_blocks_are_refused_and_nothing_is_persisted(source, tn):
    target = tn.make_node()
    good = _block(source, 1)
    header = good.header
    # a changed extrinsic under the original header
    xts = list(good.extrinsics)
    xts[2] = xts[2][:-1] + bytes([xts[2][-1] ^ 1])  # the first transaction, after the two inherents
    _refused(target, Block(header, tuple(xts)), "extrinsics root differs")
    # the same change with a matching extrinsics root: the signature no longer verifies
    _refused(target, Block(dataclasses.replace(header, extrinsics_root=extrinsics_root(xts)), tuple(xts)),
             "extrinsic 2 is invalid")
    # an extrinsic that fails its checks (a nonce from the future) is a bad block, not skipped
    future = tn.transfer(source, "Charlie", BOB, TAO, nonce=7)
    xts = list(good.extrinsics) + [future]
    _refused(target, Block(dataclasses.replace(header, extrinsics_root=extrinsics_root(xts)), tuple(xts)),
             "extrinsic 4 is invalid")
    # a garbled timestamp inherent
    xts = [b"\x04\x00"] + list(good.extrinsics[1:])
    _refused(target, Block(dataclasses.replace(header, extrinsics_root=extrinsics_root(xts)), tuple(xts)),
             "an inherent .*extrinsics 0..1")
    # a shield-key inherent announcing a key of the wrong length
    bad_key = target.executive.decode(good.extrinsics[1]).call
    bad_key["MevShield"]["announce_next_key"]["enc_key"] = bytes(32)
    xts = [good.extrinsics[0], encode_unsigned(target.runtime.call_type.encode(bad_key))] + list(good.extrinsics[2:])
    _refused(target, Block(dataclasses.replace(header, extrinsics_root=extrinsics_root(xts)), tuple(xts)),
             "an inherent .*BadEncKeyLen")
    _refused(target, Block(dataclasses.replace(header, state_root=bytes(32)), good.extrinsics), "state root differs")
    _refused(target, Block(dataclasses.replace(header, parent_hash=blake2_256(b"x")), good.extrinsics),
             "is not the head")
    _refused(target, _block(source, 2), "number is not the head")
    _refused(target, Block(dataclasses.replace(header, digest_logs=({"Other": b"x"},)), good.extrinsics),
             "digest differs")
    target.import_block(good)                                        # the genuine block still imports
    assert target.head == header


def test_a_bad_block_in_a_file_leaves_the_database_at_its_head(source, tn):
    target = tn.make_node()
    import_chain(target, *_load(_export(source, 0, 2)))
    before = _without_trie(_everything(target))
    header, blocks = _load(_export(source))

    def tampered():
        for block in blocks:
            if block.header.number == 8:
                block = Block(dataclasses.replace(block.header, state_root=bytes(32)), block.extrinsics)
            yield block

    with pytest.raises(BadBlock, match="#8 .*state root differs"):
        import_chain(target, header, tampered())
    assert target.head.number == 2
    assert _without_trie(_everything(target)) == before              # unreachable trie nodes aside


def test_another_chain_a_fork_or_a_gap_is_refused(source, tn):
    spec = tn.make_node().spec
    genesis = spec.genesis.model_copy(update={"balances": [*spec.genesis.balances, (dev_keypair("Ferdie").ss58, 1)]})
    other = Node(NodeConfig(spec.model_copy(update={"genesis": genesis}), sealing="manual"))
    with pytest.raises(ChainMismatch, match="genesis differs"):
        import_chain(other, *_load(_export(source)))
    assert other.head.number == 0

    fork = tn.make_node()
    fork.seal_block()                                                # its own block #1
    with pytest.raises(ChainMismatch, match="#1 differs"):
        import_chain(fork, *_load(_export(source)))
    gap = tn.make_node()
    with pytest.raises(ChainMismatch, match="starts at block #3"):
        import_chain(gap, *_load(_export(source, 3)))


def test_the_file_format_round_trips_and_detects_damage(source):
    block = _block(source, 1)
    assert decode_block(encode_block(block)) == block
    data = _export(source, 1, 3)
    header, blocks = _load(data)
    assert (header.first, header.last, header.genesis_hash) == (1, 3, source.genesis_hash)
    assert [b.hash for b in blocks] == [source.store.hash_of(n) for n in (1, 2, 3)]
    with pytest.raises(ExportFormatError, match="truncated"):
        list(_load(data[:-5])[1])
    with pytest.raises(ExportFormatError, match="after the 3 block"):
        list(_load(data + b"\0")[1])
    with pytest.raises(ExportFormatError, match="bad magic"):
        _load(b"PK\x03\x04" + data)
    with pytest.raises(ValueError, match="outside the chain"):
        write_chain(source.store, io.BytesIO(), 0, source.head.number + 1)


def test_import_block_on_parts(source, tn):
    target = tn.make_node()
    built = import_block(target.store, target.executive, _block(source, 1))
    assert target.head.hash == built.hash == source.store.hash_of(1)
    assert [h for h, _ in built.applied] == [blake2_256(x) for x in _block(source, 1).extrinsics[2:]]
