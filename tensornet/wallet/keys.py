"""Building sr25519 (and, for reading, ed25519) keypairs through substrate-interface.

substrate-interface takes ~0.25 s to import, so it is imported inside each function: commands that
only read public keys (``tnet wallet list``) never pay for it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from tensornet.wallet.errors import InvalidMnemonic, InvalidSeed, InvalidUri, KeyfileFormatError

if TYPE_CHECKING:
    from substrateinterface import Keypair

SS58_FORMAT = 42
# Crypto type numbers as bittensor-wallet writes them in ``cryptoType`` (same as substrate-interface).
ED25519 = 0
SR25519 = 1
MNEMONIC_WORD_COUNTS = (12, 15, 18, 21, 24)


def normalize_mnemonic(phrase: str) -> str:
    """Collapse whitespace so a phrase pasted across lines derives the same key."""
    return " ".join(phrase.split())


def generate_mnemonic(n_words: int = 12) -> str:
    from substrateinterface import Keypair

    if n_words not in MNEMONIC_WORD_COUNTS:
        raise InvalidMnemonic(f"a mnemonic has {', '.join(map(str, MNEMONIC_WORD_COUNTS))} words, not {n_words}")
    return Keypair.generate_mnemonic(n_words)


def from_mnemonic(phrase: str, crypto_type: int = SR25519) -> Keypair:
    from bip39 import bip39_validate
    from substrateinterface import Keypair

    phrase = normalize_mnemonic(phrase)
    if not bip39_validate(phrase):
        raise InvalidMnemonic("invalid mnemonic: check the words and their order (12-24 BIP-39 words)")
    return Keypair.create_from_mnemonic(phrase, ss58_format=SS58_FORMAT, crypto_type=crypto_type)


def parse_seed(seed_hex: str) -> bytes:
    """A 32-byte mini-secret seed from hex with or without ``0x``."""
    text = seed_hex.strip()
    text = text[2:] if text[:2].lower() == "0x" else text
    try:
        seed = bytes.fromhex(text)
    except ValueError:
        raise InvalidSeed("invalid seed: expected 64 hex digits (32 bytes), optionally 0x-prefixed") from None
    if len(seed) != 32:
        raise InvalidSeed(f"invalid seed: expected 32 bytes of hex, got {len(seed)} bytes")
    return seed


def from_seed(seed_hex: str, crypto_type: int = SR25519) -> Keypair:
    from substrateinterface import Keypair

    return Keypair.create_from_seed(parse_seed(seed_hex), ss58_format=SS58_FORMAT, crypto_type=crypto_type)


def from_uri(uri: str) -> Keypair:
    """A dev account such as ``//Alice`` or any secret URI (phrase plus ``//hard/soft`` path)."""
    from substrateinterface import Keypair

    text = uri.strip()
    if not text:
        raise InvalidUri("empty secret URI: dev accounts are written //Alice, //Bob, …")
    if text[:2].lower() == "0x" and len(text) == 66:  # a raw seed, as sp-core accepts
        return from_seed(text)
    try:
        return Keypair.create_from_uri(text, ss58_format=SS58_FORMAT)
    except Exception as exc:  # the parser fails in many ways on user text; all mean "not a URI"
        raise InvalidUri(
            f"invalid secret URI {text!r} ({exc}): dev accounts are written //Alice, //Bob, …"
        ) from None


def from_private_key(private_key: bytes, crypto_type: int, public_key: bytes | None = None) -> Keypair:
    """From a keyfile's ``privateKey``: 64 bytes (key ‖ nonce) for sr25519, the 32-byte seed for ed25519."""
    from substrateinterface import Keypair

    if crypto_type == ED25519:
        if len(private_key) != 32:
            raise KeyfileFormatError("ed25519 privateKey must be 32 bytes")
        return Keypair.create_from_seed(private_key, ss58_format=SS58_FORMAT, crypto_type=ED25519)
    if len(private_key) != 64:
        raise KeyfileFormatError("sr25519 privateKey must be 64 bytes")
    return Keypair.create_from_private_key(
        private_key, public_key=public_key, ss58_format=SS58_FORMAT, crypto_type=SR25519
    )


def seed_of(keypair: Keypair) -> bytes | None:
    """The mini-secret seed a keypair was made from, if any (substrate-interface stores bytes or hex)."""
    seed = keypair.seed_hex
    if seed is None:
        return None
    if isinstance(seed, str):
        return bytes.fromhex(seed[2:] if seed.startswith("0x") else seed)
    return bytes(seed)
