"""Transactions submitted one by one (over RPC), gathered so that a burst is checked by the workers.

A node with transaction workers checks batches of submissions off its own thread (see
``tensornet.node.preparer``), but RPC clients submit one extrinsic per request. The intake keeps the
submissions that arrive within one event-loop turn (every frame already read from every socket),
starts their stateless checks in the workers in small chunks, and admits each chunk into the pool
when the workers answer, while the node's thread goes on serving and sealing. Chunks are admitted in
arrival order, so one sender's consecutive nonces reach the pool in order. A turn with too few
submissions for the workers to be worth it is admitted at once.
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tensornet.primitives.hashing import blake2_256

if TYPE_CHECKING:
    from tensornet.node.node import Node

log = logging.getLogger(__name__)

#: submissions per worker job: a chunk's answer is back after a few milliseconds of checks, so the
#: requests it carries are answered soon (RPC clients wait for them before sending more)
CHUNK = 64
#: a turn with fewer submissions is checked in process (the round trip would cost more than it saves)
LEAST = 16


@dataclass(eq=False)
class _Chunk:
    waiting: list[tuple[bytes, asyncio.Future]]
    answer: Future | None = None  # the workers' job; None: checked in process
    answered: bool = False


class SubmissionIntake:
    def __init__(self, node: Node) -> None:
        self._node = node
        self._turn: list[tuple[bytes, asyncio.Future]] = []
        self._chunks: deque[_Chunk] = deque()  # in arrival order

    def submit(self, raw: bytes) -> asyncio.Future:
        """The extrinsic's hash once it is in the pool; fails with the error ``Node.submit`` raises."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if not self._turn:
            loop.call_soon(self._close_turn)  # runs after every callback already due in this turn
        self._turn.append((raw, future))
        return future

    def _close_turn(self) -> None:
        waiting, self._turn = self._turn, []
        prepared = self._node.prepare([raw for raw, _ in waiting], CHUNK, LEAST)
        if prepared is None:
            self._chunks.append(_Chunk(waiting, answered=True))
            self._admit_answered()
            return
        start = 0
        for end, answer in prepared:
            chunk = _Chunk(waiting[start:end], answer)
            self._chunks.append(chunk)
            asyncio.wrap_future(answer).add_done_callback(lambda _, chunk=chunk: self._answered(chunk))
            start = end

    def _answered(self, chunk: _Chunk) -> None:
        chunk.answered = True
        self._admit_answered()

    def _admit_answered(self) -> None:
        """Admit every answered chunk at the head of the queue (a later one waits for the earlier)."""
        while self._chunks and self._chunks[0].answered:
            chunk = self._chunks.popleft()
            if all(future.done() for _, future in chunk.waiting):
                continue  # every request went away (their connections closed, the node is stopping)
            raws = [raw for raw, _ in chunk.waiting]
            prepared = None if chunk.answer is None else [(len(raws), chunk.answer)]
            try:
                errors = self._node.submit_many(raws, prepared)
            except Exception as exc:  # a bug, not a bad transaction: every request hears of it
                log.exception("admitting %d submitted transactions failed", len(raws))
                errors = [exc] * len(raws)
            for (raw, future), error in zip(chunk.waiting, errors):
                if future.done():  # the request went away (its connection closed)
                    continue
                if error is None:
                    future.set_result(blake2_256(raw))
                else:
                    future.set_exception(error)
