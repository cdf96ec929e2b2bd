"""Devnet edits recorded in the block they change, so that the block can be replayed.

A devnet power (``dev_setBalance``, ``tnet fund`` …) changes state at a block's initialisation
without an extrinsic. To keep such blocks importable, the storage writes and events the edit made
are recorded in the header as a ``DigestItem::Other`` whose bytes start with ``MAGIC``; the
importer applies the same writes and events at the same point instead of running the edit.
"""
from __future__ import annotations

from tensornet.primitives.scale import Bytes, Option, ScaleError, Tuple, Vec

MAGIC = b"tnetdev1"
_PAYLOAD = Tuple(Vec(Tuple(Bytes, Option(Bytes))), Vec(Bytes))

Writes = list[tuple[bytes, bytes | None]]


def encode(writes: Writes, events: list[bytes]) -> dict:
    """The ``DigestItem`` value recording ``writes`` (key, value or None) and encoded event records."""
    return {"Other": MAGIC + _PAYLOAD.encode((writes, events))}


def decode(logs) -> tuple[Writes, list[bytes]] | None:
    """The recorded edits among a header's digest logs, if any."""
    for log in logs:
        if isinstance(log, dict) and isinstance(log.get("Other"), bytes) and log["Other"].startswith(MAGIC):
            try:
                writes, events = _PAYLOAD.decode_all(log["Other"][len(MAGIC):])
            except ScaleError as exc:
                raise ValueError(f"malformed devnet edit record: {exc}") from None
            return list(writes), list(events)
    return None
