"""Writing queued WebSocket text frames to the transport in one write per batch.

aiohttp's `send_str` makes one `transport.write` per message, and on an idle socket each of those is a
`send` system call that also wakes the client; a pipelining client's answers were a tenth of the node's
time. Server frames are unmasked and, with compression off, trivial to frame, so the outbox's frames
are framed here and written together. Only public transport calls are used: aiohttp still writes its
own control frames (pong, close) to the same transport, always as whole frames.
"""

from __future__ import annotations

import asyncio
import struct

_FIN_TEXT = 0x81
_HEADER_SHORT = struct.Struct("!BB").pack
_HEADER_16 = struct.Struct("!BBH").pack
_HEADER_64 = struct.Struct("!BBQ").pack
#: how often a writer held back by a full transport looks again (only slow readers ever wait)
DRAIN_POLL_S = 0.005


def text_frame_header(size: int) -> bytes:
    """RFC 6455 header of an unmasked, final text frame of `size` payload bytes."""
    if size < 126:
        return _HEADER_SHORT(_FIN_TEXT, size)
    if size < 65536:
        return _HEADER_16(_FIN_TEXT, 126, size)
    return _HEADER_64(_FIN_TEXT, 127, size)


def encode_text_frames(frames: list[str]) -> bytes:
    """The wire bytes of `frames` as consecutive text frames (frames are ASCII JSON)."""
    parts: list[bytes] = []
    for frame in frames:
        payload = frame.encode()
        parts.append(text_frame_header(len(payload)))
        parts.append(payload)
    return b"".join(parts)


async def write_text_frames(transport: asyncio.Transport, frames: list[str]) -> bool:
    """Write `frames` in one call; if that puts the transport over its high-water mark, wait until
    it has drained to its low-water mark.

    The wait keeps the transport's buffer bounded, so a client that stops reading fills the
    connection's `Outbox` (and is dropped by its bound) instead of growing the buffer without end.
    False if the transport is closing (the frames are dropped, as aiohttp would refuse them).
    """
    if transport.is_closing():
        return False
    transport.write(encode_text_frames(frames))
    low, high = transport.get_write_buffer_limits()
    if transport.get_write_buffer_size() > high:
        while transport.get_write_buffer_size() > low and not transport.is_closing():
            await asyncio.sleep(DRAIN_POLL_S)
    return not transport.is_closing()
