"""MEV-shield ciphertexts: the wire layout of ``MevShield.submit_encrypted`` and its cryptography.

A client encrypts a whole signed extrinsic to the block author's ML-KEM-768 key (``MevShield.NextKey``)::

    ciphertext = key_hash(16) ‖ kem_len (u16 LE) ‖ kem_ct ‖ nonce(24) ‖ aead_ct

``key_hash`` is twox128 of the encapsulation key; ``aead_ct`` is XChaCha20-Poly1305 under the raw
ML-KEM shared secret with empty associated data (stp-shield's ``ShieldedTransaction`` and
pallet_shield's ``unshield``; bittensor_drand's ``encrypt_mlkem768`` writes the same bytes). Parsing
follows ``ShieldedTransaction::parse`` so a blob the pool accepts here is one the chain accepts.

ML-KEM comes from ``cryptography`` (OpenSSL's FIPS 203 implementation, about 40 µs per
decapsulation), XChaCha20-Poly1305 from PyNaCl (libsodium).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.mlkem import MLKEM768PrivateKey, MLKEM768PublicKey
from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
)
from nacl.exceptions import CryptoError

from .hashing import twox128

KEY_HASH_LEN = 16
NONCE_LEN = 24
#: stp_shield::MLKEM768_ENC_KEY_LEN
MLKEM768_ENC_KEY_LEN = 1184
MLKEM768_CIPHERTEXT_LEN = 1088
#: a decapsulation key is kept as its 64-byte FIPS 203 seed (d ‖ z)
MLKEM768_SEED_LEN = 64


class ShieldParseError(ValueError):
    """A ciphertext that does not have the shielded-transaction layout (stp-shield's ParsingError)."""


@dataclass(frozen=True)
class ShieldedTransaction:
    key_hash: bytes
    kem_ct: bytes
    nonce: bytes
    aead_ct: bytes

    @classmethod
    def parse(cls, ciphertext: bytes) -> "ShieldedTransaction":
        """Split ``ciphertext`` into its parts; raises ShieldParseError naming the part that is missing."""
        data = bytes(ciphertext)
        if len(data) < KEY_HASH_LEN:
            raise ShieldParseError("truncated key hash (needs 16 bytes)")
        cursor = KEY_HASH_LEN
        if len(data) < cursor + 2:
            raise ShieldParseError("truncated ML-KEM ciphertext length (needs a u16)")
        kem_len = int.from_bytes(data[cursor:cursor + 2], "little")
        cursor += 2
        if len(data) < cursor + kem_len:
            raise ShieldParseError(f"ML-KEM ciphertext length {kem_len} exceeds the {len(data) - cursor} bytes left")
        kem_ct = data[cursor:cursor + kem_len]
        cursor += kem_len
        if len(data) < cursor + NONCE_LEN:
            raise ShieldParseError("truncated nonce (needs 24 bytes)")
        nonce = data[cursor:cursor + NONCE_LEN]
        aead_ct = data[cursor + NONCE_LEN:]
        if not aead_ct:
            raise ShieldParseError("missing AEAD ciphertext")
        return cls(data[:KEY_HASH_LEN], kem_ct, nonce, aead_ct)

    def encode(self) -> bytes:
        return (self.key_hash + len(self.kem_ct).to_bytes(2, "little") + self.kem_ct + self.nonce
                + self.aead_ct)


def key_hash(enc_key: bytes) -> bytes:
    """The 16-byte tag a ciphertext carries to say which key it was made for: twox128(enc_key)."""
    return twox128(bytes(enc_key))


class ShieldKeyPair:
    """One ML-KEM-768 key pair: the public encapsulation key announced on chain, the secret kept here."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) != MLKEM768_SEED_LEN:
            raise ValueError(f"an ML-KEM-768 seed is {MLKEM768_SEED_LEN} bytes, got {len(seed)}")
        self.seed = bytes(seed)
        self._secret = MLKEM768PrivateKey.from_seed_bytes(self.seed)
        self.enc_key: bytes = self._secret.public_key().public_bytes_raw()
        self.key_hash = key_hash(self.enc_key)

    @classmethod
    def generate(cls) -> "ShieldKeyPair":
        return cls(os.urandom(MLKEM768_SEED_LEN))

    def decapsulate(self, kem_ct: bytes) -> bytes:
        """The 32-byte shared secret; raises ValueError for a ciphertext of the wrong size."""
        if len(kem_ct) != MLKEM768_CIPHERTEXT_LEN:
            raise ValueError(f"an ML-KEM-768 ciphertext is {MLKEM768_CIPHERTEXT_LEN} bytes, got {len(kem_ct)}")
        return self._secret.decapsulate(bytes(kem_ct))

    def unshield(self, shielded: ShieldedTransaction) -> bytes | None:
        """The plaintext (a signed extrinsic), or None when this key cannot open it: wrong key, wrong
        ML-KEM ciphertext size, or a failed Poly1305 tag (pallet_shield's ``unshield``)."""
        try:
            secret = self.decapsulate(shielded.kem_ct)
            return crypto_aead_xchacha20poly1305_ietf_decrypt(shielded.aead_ct, b"", shielded.nonce, secret)
        except (ValueError, CryptoError):
            return None


def encrypt(enc_key: bytes, plaintext: bytes, nonce: bytes | None = None) -> bytes:
    """A ciphertext for ``enc_key`` in the wire layout (what clients do; used by tests and tools)."""
    if len(enc_key) != MLKEM768_ENC_KEY_LEN:
        raise ValueError(f"an ML-KEM-768 encapsulation key is {MLKEM768_ENC_KEY_LEN} bytes, got {len(enc_key)}")
    secret, kem_ct = MLKEM768PublicKey.from_public_bytes(bytes(enc_key)).encapsulate()
    nonce = os.urandom(NONCE_LEN) if nonce is None else nonce
    aead_ct = crypto_aead_xchacha20poly1305_ietf_encrypt(bytes(plaintext), b"", nonce, secret)
    return ShieldedTransaction(key_hash(enc_key), kem_ct, nonce, aead_ct).encode()
