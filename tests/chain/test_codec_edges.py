"""Codec and storage edge cases found in review."""
from __future__ import annotations

import pytest

from tensornet.primitives.scale import ScaleError, U32, Compact, decode_compact, encode_compact
from tensornet.storage.backend import MemoryBackend
from tensornet.storage.items import StorageValue
from tensornet.storage.overlay import Overlay
from tensornet.runtime.types import ACCOUNT_INFO


@pytest.mark.parametrize("raw", [bytes.fromhex("0100"), bytes.fromhex("02000000"), bytes.fromhex("0300000000"),
                                 bytes.fromhex("07ffffff3f00")])
def test_non_canonical_compacts_are_refused(raw):
    with pytest.raises(ScaleError):
        decode_compact(raw)


@pytest.mark.parametrize("n", [0, 63, 64, 2**14 - 1, 2**14, 2**30 - 1, 2**30, 2**32 - 1, 2**64 - 1, 2**128 - 1])
def test_canonical_compacts_round_trip(n):
    assert decode_compact(encode_compact(n)) == (n, len(encode_compact(n)))


def test_compact_overflowing_its_type_is_refused():
    with pytest.raises(ScaleError):
        Compact(U32).decode_all(encode_compact(2**32))


def test_a_mutable_default_is_never_shared():
    item = StorageValue(ACCOUNT_INFO)
    item.bind("Test")
    state = Overlay(MemoryBackend())
    first = item.get(state)
    first["data"]["free"] = 123
    assert item.get(state)["data"]["free"] == 0
