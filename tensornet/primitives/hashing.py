"""Substrate's hash functions and storage-key hashers."""
from __future__ import annotations

import hashlib
from typing import Callable

import xxhash


def blake2_128(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def blake2_256(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()


def twox64(data: bytes) -> bytes:
    return xxhash.xxh64_intdigest(data, seed=0).to_bytes(8, "little")


def twox128(data: bytes) -> bytes:
    return (xxhash.xxh64_intdigest(data, seed=0).to_bytes(8, "little")
            + xxhash.xxh64_intdigest(data, seed=1).to_bytes(8, "little"))


def twox256(data: bytes) -> bytes:
    return b"".join(xxhash.xxh64_intdigest(data, seed=s).to_bytes(8, "little") for s in range(4))


def _blake2_128_concat(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest() + data


def _twox64_concat(data: bytes) -> bytes:
    return xxhash.xxh64_intdigest(data, seed=0).to_bytes(8, "little") + data


def _identity(data: bytes) -> bytes:
    return data


#: storage hashers by their metadata name (StorageHasher variant order as in frame-metadata)
STORAGE_HASHERS: dict[str, Callable[[bytes], bytes]] = {
    "Blake2_128": blake2_128,
    "Blake2_256": blake2_256,
    "Blake2_128Concat": _blake2_128_concat,
    "Twox128": twox128,
    "Twox256": twox256,
    "Twox64Concat": _twox64_concat,
    "Identity": _identity,
}
HASHER_INDEX = {name: i for i, name in enumerate(STORAGE_HASHERS)}
#: bytes of hash prepended by each transparent hasher (None = the key cannot be recovered)
HASHER_PREFIX_LEN: dict[str, int | None] = {
    "Blake2_128": None, "Blake2_256": None, "Twox128": None, "Twox256": None,
    "Blake2_128Concat": 16, "Twox64Concat": 8, "Identity": 0,
}
