"""The block author's side of the MEV shield: its ML-KEM key, the ``announce_next_key`` inherent, and
the unshielding of ``MevShield.submit_encrypted`` wrappers while a block is built.

subtensor's proposer (sc-basic-authorship with stp-shield) does, for each pool transaction:

- a wrapper whose ``key_hash`` is not a key this author can open is skipped and left in the pool (for
  the right author; it dies with its ≤ 8-block era);
- otherwise the wrapper is applied, and if it was included (its call may still fail) its ciphertext is
  decrypted and the inner signed extrinsic applied right after it, in the same block, like any pool
  transaction: an inner extrinsic that does not decrypt, decode or validate is simply left out (the
  wrapper stays included and paid for), one whose call fails is included with ``ExtrinsicFailed``.

The devnet has one author, so like subtensor's manual-seal dev node (``DevShieldKeystore``) it keeps
one key pair instead of rolling one per slot: every key the pipeline shows (``NextKey``, ``PendingKey``,
``CurrentKey``) is then the same, and a key a client fetched stays valid for as long as its transaction's
era. The pair is derived from the chain's genesis hash and the author's account, the way the dev
author's own sr25519 key comes from ``//Alice``: public by design (a devnet shields for client
compatibility, not secrecy), and the same on every node of the chain, so blocks stay reproducible (same
inputs, same state roots), a restarted node opens what was encrypted before, and a node that imported
the chain keeps authoring it with the key on chain.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from tensornet.primitives.scale import ScaleError, decode_compact
from tensornet.primitives.shielded_tx import ShieldedTransaction, ShieldKeyPair, ShieldParseError
from tensornet.runtime.executive import ApplyOutcome, Executive
from tensornet.runtime.extrinsic import EXTRINSIC_VERSION, SIGNED_FLAG, MalformedExtrinsic, encode_unsigned
from tensornet.runtime.validity import TransactionValidityError

SHIELD_PALLET = "MevShield"


#: domain separation of the dev author's ML-KEM seed
DEV_SEED_DOMAIN = b"tensornet/mev-shield/dev-author-key"


def dev_author_keypair(genesis_hash: bytes, author: bytes) -> ShieldKeyPair:
    """The author's shield key pair on this chain: its 64-byte FIPS 203 seed is
    blake2b-512(domain ‖ genesis hash ‖ author account)."""
    seed = hashlib.blake2b(DEV_SEED_DOMAIN + bytes(genesis_hash) + bytes(author), digest_size=64).digest()
    return ShieldKeyPair(seed)


@dataclass
class Unshielded:
    """An inner extrinsic the builder applied after its wrapper."""

    raw: bytes
    outcome: ApplyOutcome


class ShieldProposer:
    """The block builder's MEV-shield steps, for a node that authors blocks."""

    def __init__(self, keypair: ShieldKeyPair) -> None:
        self.keypair = keypair
        #: (runtime, its submit_encrypted (pallet index, call index) as bytes, or None without the pallet)
        self._marker: tuple[Any, bytes | None] = (None, None)

    # --- the inherent -------------------------------------------------------------------------------
    def inherent(self, executive: Executive) -> bytes | None:
        """``MevShield.announce_next_key(Some(key))`` for the block being built (None without an author:
        subtensor's pallet cannot rotate keys for a block nobody authored)."""
        if executive.author is None or SHIELD_PALLET not in executive.runtime.pallets:
            return None
        call = executive.runtime.encode_call(SHIELD_PALLET, "announce_next_key", {"enc_key": self.keypair.enc_key})
        return encode_unsigned(call)

    # --- pool transactions ----------------------------------------------------------------------------
    def shielded(self, executive: Executive, raw: bytes) -> ShieldedTransaction | None:
        """The parsed ciphertext if ``raw`` is a signed ``MevShield.submit_encrypted``, else None. Reads
        only the extrinsic's envelope, and only when its bytes contain the call's two index bytes."""
        marker = self.call_marker(executive.runtime)
        if marker is None or marker not in raw:  # one C-level scan rules out nearly every transaction
            return None
        try:
            ciphertext = _submit_encrypted_ciphertext(executive, raw, marker[0], marker[1])
            return None if ciphertext is None else ShieldedTransaction.parse(ciphertext)
        except (ScaleError, IndexError, ShieldParseError):
            return None

    def call_marker(self, runtime: Any) -> bytes | None:
        """``submit_encrypted``'s (pallet index, call index) bytes in ``runtime``, worked out once."""
        if self._marker[0] is not runtime:
            pallet = runtime.pallets.get(SHIELD_PALLET)
            marker = None if pallet is None else bytes((pallet.INDEX, pallet.calls_by_name["submit_encrypted"].index))
            self._marker = (runtime, marker)
        return self._marker[1]

    def can_open(self, executive: Executive, shielded: ShieldedTransaction) -> bool:
        """Whether this author should include the wrapper now: it is encrypted to this author's key and
        that key is one the chain shows as valid for this block (read after the block's inherent)."""
        if shielded.key_hash != self.keypair.key_hash:
            return False
        return self.keypair.enc_key in executive.runtime.pallets[SHIELD_PALLET].decryptable_keys()

    def apply_inner(self, executive: Executive, state, shielded: ShieldedTransaction) -> Unshielded | None:
        """Decrypt the wrapper just included and apply its inner extrinsic in its own storage layer;
        None (and nothing changed) when it does not decrypt or is not valid in this block."""
        raw = self.keypair.unshield(shielded)
        if not raw:
            return None
        env = executive.runtime.env
        mark = env.event_mark()
        state.begin()
        try:
            outcome = executive.apply_extrinsic(raw)
        except (TransactionValidityError, MalformedExtrinsic):
            state.rollback()
            env.truncate_events(mark)
            return None
        state.commit()
        return Unshielded(raw, outcome)


def _submit_encrypted_ciphertext(executive: Executive, raw: bytes, pallet_index: int,
                                 call_index: int) -> bytes | None:
    """The ``ciphertext`` argument of a signed extrinsic calling (pallet_index, call_index), read past
    the address, signature and extensions without decoding the call; None for any other extrinsic."""
    length, offset = decode_compact(raw, 0)
    if raw[offset] != EXTRINSIC_VERSION | SIGNED_FLAG or raw[offset + 1] != 0:  # signed, MultiAddress::Id
        return None
    offset += 2 + 32
    offset += 1 + (65 if raw[offset] == 2 else 64)  # MultiSignature: ecdsa 65 bytes, others 64
    _, offset = executive.codec.decode_extra(raw, offset)
    if raw[offset] != pallet_index or raw[offset + 1] != call_index:
        return None
    n, start = decode_compact(raw, offset + 2)
    if start + n != len(raw):
        return None
    return bytes(raw[start:start + n])
