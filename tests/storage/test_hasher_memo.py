"""The memoised Blake2_128Concat hasher returns exactly blake2_128(data) ‖ data, on a first call, on
a remembered input, for inputs too long to remember, for non-bytes buffers and across a reset of
the memo when it is full."""
from __future__ import annotations

import hashlib
import os

from tensornet.primitives import hashing


def _plain(data: bytes) -> bytes:
    return hashlib.blake2b(bytes(data), digest_size=16).digest() + bytes(data)


def test_memoised_hasher_equals_the_plain_one(monkeypatch) -> None:
    h = hashing.STORAGE_HASHERS["Blake2_128Concat"]
    monkeypatch.setattr(hashing, "_B2C_MEMO_SIZE", 8)
    monkeypatch.setattr(hashing, "_B2C_MEMO", {})
    inputs = [os.urandom(32) for _ in range(20)] + [b"", b"\x01", os.urandom(200)]
    for _ in range(3):  # first calls, remembered calls, calls after the memo was reset
        for data in inputs:
            assert h(data) == _plain(data)
        assert len(hashing._B2C_MEMO) <= 8
    assert h(bytearray(b"abc")) == _plain(b"abc")
    assert all(len(k) <= hashing._B2C_MEMO_MAX_INPUT for k in hashing._B2C_MEMO)
