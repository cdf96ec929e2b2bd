"""Invalid transactions are refused at submission with Substrate's error, change nothing, and the node
keeps sealing; a failed *call* is different: it is included and pays."""
from __future__ import annotations

import pytest

from tensornet.primitives.era import Era
from tensornet.primitives.keys import dev_keypair, keypair_from_uri
from tensornet.primitives.scale import encode_compact
from tensornet.runtime.extensions import ExtensionCodec
from tensornet.runtime.extrinsic import MalformedExtrinsic, encode_signed, encode_unsigned, signing_payload
from tensornet.runtime.validity import InvalidTransaction, TransactionValidityError, UnknownTransaction

ALICE, BOB = dev_keypair("Alice").public, dev_keypair("Bob").public


def _snapshot(node, tn):
    return node.store.head_hash, tn.account(node, ALICE), len(node.pool)


def _refused(node, tn, raw, error, kind=None):
    before = _snapshot(node, tn)
    with pytest.raises(error) as info:
        node.submit(raw)
    assert _snapshot(node, tn) == before
    if kind is not None:
        assert info.value.kind == kind
    built = node.seal_block()                     # still sealing, and the refused bytes are nowhere
    assert raw not in built.block.extrinsics
    return info.value


def _sign_with(node, kp, call: bytes, *, nonce=0, spec=None, tx=None, genesis=None, era=Era(), birth=None, tip=0):
    codec = ExtensionCodec()
    extra = codec.encode_extra(era, nonce, tip)
    rt = node.runtime
    additional = codec.encode_additional(rt.spec_version if spec is None else spec,
                                         rt.transaction_version if tx is None else tx,
                                         genesis or node.genesis_hash, birth or genesis or node.genesis_hash)
    return encode_signed(call, kp.public, kp.sign(signing_payload(call, extra, additional)), extra)


def _call(node, value=10**9):
    return node.runtime.encode_call("Balances", "transfer_keep_alive", {"dest": {"Id": BOB}, "value": value})


def test_bad_signature(node, tn):
    raw = bytearray(tn.transfer(node, "Alice", BOB, 10**9))
    raw[40] ^= 0xFF  # inside the signature
    err = _refused(node, tn, bytes(raw), InvalidTransaction, "BadProof")
    assert err.rpc_code == 1010 and err.message == "Transaction has a bad signature"


def test_signer_is_not_the_key_that_signed(node, tn):
    call = _call(node)
    codec = ExtensionCodec()
    extra = codec.encode_extra(Era(), 0, 0)
    additional = codec.encode_additional(node.runtime.spec_version, node.runtime.transaction_version,
                                         node.genesis_hash, node.genesis_hash)
    sig = dev_keypair("Bob").sign(signing_payload(call, extra, additional))
    _refused(node, tn, encode_signed(call, ALICE, sig, extra), InvalidTransaction, "BadProof")


@pytest.mark.parametrize("what", ["genesis", "spec", "tx"])
def test_wrong_genesis_spec_or_tx_version(node, tn, what):
    kw = {"genesis": b"\x11" * 32} if what == "genesis" else {what: (node.runtime.spec_version + 1 if what == "spec"
                                                                     else node.runtime.transaction_version + 1)}
    _refused(node, tn, _sign_with(node, dev_keypair("Alice"), _call(node), **kw), InvalidTransaction, "BadProof")


def test_stale_nonce_and_future_nonce(node, tn):
    node.submit(tn.transfer(node, "Alice", BOB, 10**9, nonce=0))
    node.seal_block()
    err = _refused(node, tn, tn.transfer(node, "Alice", BOB, 10**9, nonce=0), InvalidTransaction, "Stale")
    assert err.message == "Transaction is outdated"
    # a future nonce is *not* invalid: it waits in the pool until the gap is filled
    node.submit(tn.transfer(node, "Alice", BOB, 10**9, nonce=2))
    assert node.seal_block().applied == []
    node.submit(tn.transfer(node, "Alice", BOB, 10**9, nonce=1))
    assert len(node.seal_block().applied) == 2


def test_cannot_pay(node, tn):
    poor = keypair_from_uri("//Poor")
    err = _refused(node, tn, tn.transfer(node, poor, BOB, 10**9, nonce=0), InvalidTransaction, "Payment")
    assert err.message == "Inability to pay some fees (e.g. account balance too low)"
    # enough for ED but not for ED + fee under keep-alive: still refused
    node.submit(tn.signed(node, "Balances", "transfer_allow_death", {"dest": {"Id": poor.public}, "value": 1000},
                          "Bob"))
    node.seal_block()
    _refused(node, tn, tn.transfer(node, poor, BOB, 100, nonce=0), InvalidTransaction, "Payment")


def test_mortal_eras_valid_expired_and_unknown_birth(node, tn):
    node.seal_blocks(5)
    head = node.head.number                                    # 5
    era = Era.mortal(8, head)
    birth = era.birth(head + 1)
    ok = tn.transfer(node, "Alice", BOB, 10**9, era=era, birth_hash=node.store.hash_of(birth))
    node.submit(ok)
    assert len(node.seal_block().applied) == 1
    # signed for a birth block this chain does not have (e.g. another fork): the signature cannot match
    forged = tn.transfer(node, "Alice", BOB, 10**9, era=Era.mortal(8, node.head.number), birth_hash=b"\x22" * 32)
    _refused(node, tn, forged, InvalidTransaction, "BadProof")
    # a birth block in the future of the chain
    future_era = Era(64, 63)
    future = tn.transfer(node, "Alice", BOB, 10**9, era=future_era, birth_hash=b"\x33" * 32)
    _refused(node, tn, future, InvalidTransaction, "AncientBirthBlock")
    # expired: valid when signed, its period has passed by submission time
    signed_at = node.head.number
    old_era = Era.mortal(4, signed_at)
    stale = tn.transfer(node, "Alice", BOB, 10**9, era=old_era,
                        birth_hash=node.store.hash_of(old_era.birth(signed_at + 1)))
    node.seal_blocks(8)
    _refused(node, tn, stale, InvalidTransaction, "BadProof")


@pytest.mark.parametrize("mangle", [
    lambda raw: raw[:-1],                                     # truncated
    lambda raw: raw + b"\x00",                                # trailing byte beyond the length prefix
    lambda raw: b"",                                          # nothing
    lambda raw: b"\x00",                                      # zero-length extrinsic
    lambda raw: encode_compact(3) + b"\x84\x00\x01",          # signed, then cut inside the address
    lambda raw: encode_compact(45) + raw[2:46],              # cut inside an sr25519 signature
    lambda raw: raw[:2] + b"\x85" + raw[3:],                  # extrinsic version 5
    lambda raw: raw[:2] + b"\x84\x07" + raw[4:],              # MultiAddress variant out of range
])
def test_malformed_bytes(node, tn, mangle):
    raw = tn.transfer(node, "Alice", BOB, 10**9)
    _refused(node, tn, mangle(raw), MalformedExtrinsic)


def test_unknown_pallet_or_call_index_and_overflowing_compact(node, tn):
    kp = dev_keypair("Alice")
    good = _call(node)
    assert good[:2] == b"\x05\x03"
    for call in (b"\xee\x00" + good[2:],                           # no pallet 238
                 b"\x05\x63" + good[2:],                           # no Balances call 99
                 good[:35] + encode_compact(2**64)):               # value overflows u64
        _refused(node, tn, _sign_with(node, kp, call), MalformedExtrinsic)


def test_unsigned_non_inherent_and_zero_signer(node, tn):
    call = _call(node)
    _refused(node, tn, encode_unsigned(call), UnknownTransaction, "NoUnsignedValidator")
    inherent = encode_unsigned(node.runtime.encode_call("Timestamp", "set", {"now": 1}))
    _refused(node, tn, inherent, TransactionValidityError)
    codec = ExtensionCodec()
    extra = codec.encode_extra(Era(), 0, 0)
    _refused(node, tn, encode_signed(call, bytes(32), bytes(64), extra), InvalidTransaction)


def test_duplicate_submission_is_refused_by_the_pool(node, tn):
    from tensornet.chain.txpool import PoolError

    raw = tn.transfer(node, "Alice", BOB, 10**9)
    node.submit(raw)
    with pytest.raises(PoolError) as info:
        node.submit(raw)
    assert info.value.rpc_error()["code"] == 1013  # "Transaction Already Imported"


@pytest.mark.slow
def test_birth_block_older_than_block_hash_count_is_ancient(node, tn):
    node.seal_blocks(2405)
    head = node.head.number
    era = Era(4096, 1)                            # born at block 1: 2405+ blocks ago, within its period
    assert era.birth(head + 1) == 1
    raw = tn.transfer(node, "Alice", BOB, 10**9, era=era, birth_hash=node.store.hash_of(1))
    _refused(node, tn, raw, InvalidTransaction, "AncientBirthBlock")


def test_the_sliced_sr25519_envelope_equals_the_generic_decoding(node, tn):
    from tensornet.runtime.types import MULTI_ADDRESS, MULTI_SIGNATURE

    raw = tn.transfer(node, "Alice", BOB, 10**9)
    xt = node.executive.decode(raw)
    address, offset = MULTI_ADDRESS.decode(raw, 3)          # after Compact(len) (2 bytes) and the version
    signature, offset = MULTI_SIGNATURE.decode(raw, offset)
    assert (xt.signer, xt.signature) == (address["Id"], signature)
    assert raw[offset:].startswith(xt.extra_bytes)
