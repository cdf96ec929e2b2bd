"""MevShield: the ciphertext layout and its cryptography, the key pipeline, pool validation, and the
proposer that includes a wrapper's decrypted inner extrinsic right after it in the same block."""
from __future__ import annotations

import pytest

from tensornet.chain.importer import import_block
from tensornet.chain.shield_proposer import dev_author_keypair
from tensornet.primitives.era import Era
from tensornet.primitives.hashing import blake2_256, twox128
from tensornet.primitives.keys import dev_keypair
from tensornet.primitives.shielded_tx import (
    MLKEM768_ENC_KEY_LEN, ShieldedTransaction, ShieldKeyPair, ShieldParseError, encrypt, key_hash,
)
from tensornet.pallets.shield import wrapper_id
from tensornet.runtime.validity import InvalidTransaction

ALICE, BOB, CHARLIE = (dev_keypair(n).public for n in ("Alice", "Bob", "Charlie"))
TAO = 10**9


# --- the ciphertext -------------------------------------------------------------------------------

def test_round_trip_and_layout():
    pair = ShieldKeyPair.generate()
    assert len(pair.enc_key) == MLKEM768_ENC_KEY_LEN and pair.key_hash == twox128(pair.enc_key)
    blob = encrypt(pair.enc_key, b"signed extrinsic bytes", nonce=bytes(range(24)))
    shielded = ShieldedTransaction.parse(blob)
    assert blob[:16] == key_hash(pair.enc_key)
    assert int.from_bytes(blob[16:18], "little") == len(shielded.kem_ct) == 1088
    assert shielded.nonce == bytes(range(24)) and blob[18 + 1088:18 + 1088 + 24] == shielded.nonce
    assert len(shielded.aead_ct) == len(b"signed extrinsic bytes") + 16   # Poly1305 tag
    assert shielded.encode() == blob
    assert pair.unshield(shielded) == b"signed extrinsic bytes"
    # the same seed is the same key pair (what a restarted node relies on)
    assert ShieldKeyPair(pair.seed).enc_key == pair.enc_key


def test_only_the_right_key_and_untampered_bytes_open_it():
    pair = ShieldKeyPair.generate()
    shielded = ShieldedTransaction.parse(encrypt(pair.enc_key, b"payload"))
    assert ShieldKeyPair.generate().unshield(shielded) is None
    flipped = ShieldedTransaction(shielded.key_hash, shielded.kem_ct, shielded.nonce,
                                  shielded.aead_ct[:-1] + bytes([shielded.aead_ct[-1] ^ 1]))
    assert pair.unshield(flipped) is None
    short_kem = ShieldedTransaction(shielded.key_hash, shielded.kem_ct[:4], shielded.nonce, shielded.aead_ct)
    assert pair.unshield(short_kem) is None


def test_interoperates_with_an_independent_ml_kem():
    """kyber-py (a pure-Python FIPS 203) encapsulates to our key; we decapsulate the same secret."""
    ml_kem = pytest.importorskip("kyber_py.ml_kem")
    pair = ShieldKeyPair.generate()
    secret, kem_ct = ml_kem.ML_KEM_768.encaps(pair.enc_key)
    assert pair.decapsulate(kem_ct) == secret


@pytest.mark.parametrize("blob, part", [
    (b"", "key hash"),
    (bytes(15), "key hash"),
    (bytes(17), "length"),
    (bytes(16) + (1088).to_bytes(2, "little") + bytes(10), "exceeds"),
    (bytes(16) + (4).to_bytes(2, "little") + bytes(4) + bytes(20), "nonce"),
    (bytes(16) + (4).to_bytes(2, "little") + bytes(4) + bytes(24), "AEAD"),
])
def test_parse_names_the_missing_part(blob, part):
    with pytest.raises(ShieldParseError, match=part):
        ShieldedTransaction.parse(blob)


def test_parse_accepts_what_the_chain_accepts():
    # stp-shield parses any kem length (even zero); decapsulation is what refuses it later
    parsed = ShieldedTransaction.parse(bytes(16) + b"\x00\x00" + bytes(24) + b"\x01")
    assert parsed.kem_ct == b"" and parsed.aead_ct == b"\x01"


# --- helpers for the chain tests -------------------------------------------------------------------

def _era(node) -> tuple[Era, bytes]:
    era = Era.mortal(8, node.head.number)
    return era, node.store.hash_of(era.birth(node.head.number + 1))


def _wrapper(node, tn, ciphertext: bytes, signer: str = "Alice", nonce: int | None = None,
             era: Era | None = None) -> bytes:
    if era is None:
        era, birth = _era(node)
    else:
        birth = node.store.hash_of(era.birth(node.head.number + 1)) if not era.immortal else None
    return tn.signed(node, "MevShield", "submit_encrypted", {"ciphertext": ciphertext}, signer, nonce,
                     era=era, birth_hash=birth)


def _shielded_transfer(node, tn, signer: str, dest: bytes, value: int) -> tuple[bytes, bytes]:
    """(wrapper at nonce n, inner transfer at nonce n + 1), encrypted to the chain's NextKey."""
    nonce = node.account_nonce(dev_keypair(signer).public)
    era, birth = _era(node)
    inner = tn.transfer(node, signer, dest, value, nonce=nonce + 1, era=era, birth_hash=birth)
    return _wrapper(node, tn, encrypt(_next_key(node, tn), inner), signer, nonce), inner


def _next_key(node, tn) -> bytes:
    with tn.read_state(node) as rt:
        return rt.pallets["MevShield"].NextKey.get()


@pytest.fixture
def shield_node(node):
    node.seal_blocks(2)  # NextKey is there from block 2 on (the proposer opens it from block 3)
    return node


# --- the key pipeline --------------------------------------------------------------------------------

def test_every_block_announces_the_author_key_and_the_pipeline_fills(node, tn):
    enc_key = node.shield.keypair.enc_key
    built = node.seal_block()
    inherent = built.block.extrinsics[1]
    assert node.executive.decode(inherent).call == {"MevShield": {"announce_next_key": {"enc_key": enc_key}}}
    with tn.read_state(node) as rt:
        shield = rt.pallets["MevShield"]
        assert shield.AuthorKeys.get(node.author) == enc_key
        assert shield.NextKey.get() is None  # nobody had announced before block 1
    node.seal_blocks(2)
    with tn.read_state(node) as rt:  # block 3: NextKey from block 2, PendingKey from 3, CurrentKey from 4
        shield = rt.pallets["MevShield"]
        assert shield.PendingKey.get() == shield.NextKey.get() == enc_key and shield.CurrentKey.get() is None
    node.seal_block()
    with tn.read_state(node) as rt:
        shield = rt.pallets["MevShield"]
        assert shield.CurrentKey.get() == shield.PendingKey.get() == shield.NextKey.get() == enc_key
        assert shield.PendingKeyExpiresAt.get() == 6 and shield.NextKeyExpiresAt.get() == 7
    assert [e["name"] for e in tn.events(node) if e["phase"] == {"ApplyExtrinsic": 1}] == ["ExtrinsicSuccess"]


def test_the_author_key_is_the_chains_and_survives_a_restart(tmp_path, tn):
    first = tn.make_node(base_path=str(tmp_path / "db"))
    key = first.shield.keypair.enc_key
    assert key == dev_author_keypair(first.genesis_hash, first.author).enc_key
    assert key != dev_author_keypair(first.genesis_hash, BOB).enc_key
    first.seal_blocks(2)
    first.store.close()
    again = tn.make_node(base_path=str(tmp_path / "db"))
    assert again.shield.keypair.enc_key == key == tn.make_node().shield.keypair.enc_key
    again.store.close()


def test_an_inherent_announce_cannot_be_signed(shield_node, tn):
    node = shield_node
    raw = tn.signed(node, "MevShield", "announce_next_key", {"enc_key": None}, "Alice")
    with pytest.raises(InvalidTransaction) as err:
        node.submit(raw)
    assert err.value.kind == "MandatoryValidation"


# --- the happy path -----------------------------------------------------------------------------------

def test_the_inner_extrinsic_follows_its_wrapper_in_the_same_block(shield_node, tn):
    node = shield_node
    bob_before = tn.free(node, BOB)
    wrapper, inner = _shielded_transfer(node, tn, "Alice", BOB, 3 * TAO)
    node.submit(wrapper)
    assert len(node.pool) == 1  # only the wrapper: the inner transfer is nowhere in the clear
    built = node.seal_block()
    xts = built.block.extrinsics
    assert xts[2:] == (wrapper, inner)
    assert [h for h, _ in built.applied] == [blake2_256(wrapper), blake2_256(inner)]
    assert all(outcome.success for _, outcome in built.applied)
    assert tn.free(node, BOB) == bob_before + 3 * TAO
    assert tn.account(node, ALICE)["nonce"] == 2
    events = tn.events(node)
    wrapper_events = [e for e in events if e["phase"] == {"ApplyExtrinsic": 2}]
    inner_events = [e for e in events if e["phase"] == {"ApplyExtrinsic": 3}]
    submitted, = [e for e in wrapper_events if e["name"] == "EncryptedSubmitted"]
    assert submitted["fields"]["who"] == ALICE and len(submitted["fields"]["id"]) == 32
    assert ("Balances", "Transfer") in [(e["pallet"], e["name"]) for e in inner_events]
    assert inner_events[-1]["name"] == "ExtrinsicSuccess" and wrapper_events[-1]["name"] == "ExtrinsicSuccess"
    assert len(node.pool) == 0
    assert node.store.tx_location(blake2_256(inner)) == (built.hash, 3)


def test_wrapper_id_is_the_hash_of_signer_and_ciphertext():
    assert wrapper_id(ALICE, b"\x01\x02") == blake2_256(ALICE + b"\x08\x01\x02")


def test_two_senders_in_one_block(shield_node, tn):
    node = shield_node
    charlie_before = tn.free(node, CHARLIE)
    for sender in ("Alice", "Bob"):
        wrapper, _ = _shielded_transfer(node, tn, sender, CHARLIE, TAO)
        node.submit(wrapper)
    built = node.seal_block()
    assert len(built.block.extrinsics) == 2 + 4
    assert tn.free(node, CHARLIE) == charlie_before + 2 * TAO


def test_a_block_with_unshielded_extrinsics_imports_on_another_node(shield_node, tn):
    node = shield_node
    wrapper, inner = _shielded_transfer(node, tn, "Alice", BOB, TAO)
    node.submit(wrapper)
    node.seal_block()
    target = tn.make_node()  # replaying needs no decryption: the inner extrinsic is in the block
    for n in range(1, node.head.number + 1):
        block = node.store.block(node.store.hash_of(n))
        built = import_block(target.store, target.executive, block)
        assert built.hash == block.hash
    assert inner in target.store.block(target.store.head_hash).extrinsics
    target.store.close()


# --- what is left out -----------------------------------------------------------------------------

def test_malformed_ciphertext_is_refused_at_submit_and_changes_nothing(shield_node, tn):
    node = shield_node
    nonce, head = tn.account(node, ALICE)["nonce"], node.head.hash
    with pytest.raises(InvalidTransaction) as err:
        node.submit(_wrapper(node, tn, bytes([1, 2, 3, 4, 5])))
    assert err.value.kind == "Custom(23)" and "FailedShieldedTxParsing" in str(err.value)
    assert len(node.pool) == 0 and node.head.hash == head
    node.seal_block()
    assert tn.account(node, ALICE)["nonce"] == nonce


@pytest.mark.parametrize("period", [0, 16])
def test_submit_encrypted_needs_a_short_mortal_era(shield_node, tn, period):
    node = shield_node
    era = Era.mortal(period, node.head.number) if period else Era()
    blob = encrypt(_next_key(node, tn), b"anything")
    with pytest.raises(InvalidTransaction) as err:
        node.submit(_wrapper(node, tn, blob, era=era))
    assert err.value.kind == "Stale" and "8 blocks" in str(err.value)
    assert len(node.pool) == 0


def test_other_calls_keep_long_eras(shield_node, tn):
    node = shield_node
    node.submit(tn.transfer(node, "Alice", BOB, TAO))  # immortal
    assert len(node.seal_block().applied) == 1


def test_a_wrapper_for_another_key_stays_in_the_pool(shield_node, tn):
    node = shield_node
    bob_before = tn.free(node, BOB)
    nonce = node.account_nonce(ALICE)
    era, birth = _era(node)
    inner = tn.transfer(node, "Alice", BOB, TAO, nonce=nonce + 1, era=era, birth_hash=birth)
    stranger = ShieldKeyPair.generate().enc_key
    wrapper = _wrapper(node, tn, encrypt(stranger, inner), nonce=nonce)
    node.submit(wrapper)
    built = node.seal_block()
    assert wrapper not in built.block.extrinsics and len(node.pool) == 1
    assert tn.free(node, BOB) == bob_before
    node.seal_blocks(9)  # its 8-block era ends: the pool drops it
    assert len(node.pool) == 0 and tn.account(node, ALICE)["nonce"] == nonce


def test_undecodable_plaintext_leaves_the_wrapper_included_alone(shield_node, tn):
    node = shield_node
    wrapper = _wrapper(node, tn, encrypt(_next_key(node, tn), bytes((i * 7 + 13) & 0xFF for i in range(64))))
    node.submit(wrapper)
    built = node.seal_block()
    assert built.block.extrinsics[2:] == (wrapper,)
    assert tn.account(node, ALICE)["nonce"] == 1


def test_a_tampered_ciphertext_is_included_but_opens_to_nothing(shield_node, tn):
    node = shield_node
    nonce = node.account_nonce(ALICE)
    era, birth = _era(node)
    inner = tn.transfer(node, "Alice", BOB, TAO, nonce=nonce + 1, era=era, birth_hash=birth)
    blob = bytearray(encrypt(_next_key(node, tn), inner))
    blob[-1] ^= 1
    wrapper = _wrapper(node, tn, bytes(blob), nonce=nonce)
    node.submit(wrapper)
    built = node.seal_block()
    assert built.block.extrinsics[2:] == (wrapper,)


def test_an_inner_call_that_fails_is_included_and_pays(shield_node, tn):
    node = shield_node
    bob_before = tn.free(node, BOB)
    wrapper, inner = _shielded_transfer(node, tn, "Alice", BOB, 10**30 // 10**12)  # more than Alice has
    node.submit(wrapper)
    built = node.seal_block()
    assert built.block.extrinsics[2:] == (wrapper, inner)
    (_, outer), (_, failed) = built.applied
    assert outer.success and not failed.success and failed.fee > 0
    assert tn.free(node, BOB) == bob_before
    assert tn.events(node)[-1]["name"] == "ExtrinsicFailed"


def test_an_inner_extrinsic_with_a_wrong_nonce_is_left_out(shield_node, tn):
    node = shield_node
    nonce = node.account_nonce(ALICE)
    era, birth = _era(node)
    inner = tn.transfer(node, "Alice", BOB, TAO, nonce=nonce + 5, era=era, birth_hash=birth)
    wrapper = _wrapper(node, tn, encrypt(_next_key(node, tn), inner), nonce=nonce)
    node.submit(wrapper)
    built = node.seal_block()
    assert built.block.extrinsics[2:] == (wrapper,)
    assert tn.account(node, ALICE)["nonce"] == nonce + 1
