"""sr25519 keys: dev accounts, signing and verification.

Key derivation (mnemonics, ``//Alice`` style URIs and derivation paths) goes through
substrate-interface's ``Keypair`` so it matches every Substrate wallet; verification calls
py-sr25519-bindings directly because it sits on the transaction hot path.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sr25519

from .ss58 import SS58_PREFIX, ss58_encode

DEV_ACCOUNT_NAMES = ("Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie")
DEV_MNEMONIC = "bottom drive obey lake curtain smoke basket hold race lonely fit walk"


@dataclass(frozen=True)
class KeyPair:
    """An sr25519 key pair; ``public`` is the 32-byte account id."""

    public: bytes
    secret: bytes  # 64-byte sr25519 secret key (ed25519-expanded form used by schnorrkel bindings)
    uri: str = ""

    @property
    def ss58(self) -> str:
        return ss58_encode(self.public, SS58_PREFIX)

    def sign(self, message: bytes) -> bytes:
        return sr25519.sign((self.public, self.secret), message)


@lru_cache(maxsize=256)
def keypair_from_uri(uri: str) -> KeyPair:
    """A key pair from a secret URI: ``//Alice``, ``<mnemonic>//hard/soft``, or ``0x<seed>``."""
    from substrateinterface import Keypair  # imported lazily: heavy

    kp = Keypair.create_from_uri(uri, ss58_format=SS58_PREFIX)
    return KeyPair(bytes(kp.public_key), bytes(kp.private_key), uri)


def keypair_from_seed(seed: bytes) -> KeyPair:
    public, secret = sr25519.pair_from_seed(seed)
    return KeyPair(bytes(public), bytes(secret))


def dev_keypair(name: str) -> KeyPair:
    """One of Substrate's well-known dev accounts (``Alice`` … ``Ferdie``)."""
    return keypair_from_uri("//" + name.capitalize())


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """Check an sr25519 signature; never raises on malformed input."""
    try:
        return bool(sr25519.verify(signature, message, public))
    except (ValueError, TypeError):
        return False
