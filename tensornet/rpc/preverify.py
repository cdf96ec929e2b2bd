"""Signature checks of RPC submissions on a helper process, one batch per event-loop turn.

sr25519 verification is a fifth of what admitting a transfer costs the node's single thread, and it
needs nothing but the bytes. Under a flood of `author_submitExtrinsic`, everything submitted in one
turn of the event loop is decoded here, its (signer, payload, signature) triples go to the helper in
one message, and when the answer is back the verified signatures are recorded in the node's
`VerifiedSignatures` and the transactions are submitted in arrival order: `Node.submit` then finds
them verified. Outside a flood (fewer than `MIN_BATCH` submissions a turn) a submission is answered at
once, in place, exactly as without the batcher. While one batch is out, later submissions wait behind
it, so admission order stays arrival order.

The helper is a spawned process (never forked from the node's threads and loop), started on the
first large batch, talking over a pipe watched by the event loop: no thread in the node.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import pickle
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Job = tuple[bytes, bytes, bytes]  # (public key, signed payload, signature)
Submit = Callable[[bytes], Any]


def _serve(conn: Any) -> None:
    """The helper's loop: a pickled list of jobs in, one byte per job (1 = valid) out."""
    import signal

    from tensornet.primitives.keys import verify

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the node's to handle
    conn.send_bytes(b"ready")
    try:
        while True:
            jobs: list[Job] = pickle.loads(conn.recv_bytes())
            conn.send_bytes(bytes(verify(pub, msg, sig) for pub, msg, sig in jobs))
    except (EOFError, OSError):  # the node closed its end
        pass


class _Pending:
    """One submission waiting for its batch: the raw bytes and the future its RPC call awaits."""

    __slots__ = ("future", "raw")

    def __init__(self, raw: bytes, future: asyncio.Future[Any]) -> None:
        self.raw = raw
        self.future = future


class SubmissionBatcher:
    """Submits extrinsics through `submit`; under a flood, verifies each turn's batch on the helper first.

    `job(raw)` gives the signature to check for `raw` (and may cache its decoding for `submit`);
    it raises when `submit` will refuse `raw` anyway. `record(job)` notes a signature the helper
    found valid.
    """

    #: submissions in one turn that make a flood (below, verifying in place beats the round trip)
    MIN_BATCH = 32
    #: a helper that has not answered a batch by then is given up (its batch is verified in place)
    ANSWER_TIMEOUT_S = 5.0

    def __init__(self, submit: Submit, job: Callable[[bytes], Job], record: Callable[[Job], None],
                 min_batch: int = MIN_BATCH) -> None:
        self._submit = submit
        self._job = job
        self._record = record
        self.min_batch = min_batch
        self._flooding = False
        self._this_turn = 0  # submissions answered at once in the current turn
        self._queue: list[_Pending] = []
        self._flush_scheduled = False
        self._out: tuple[list[_Pending], list[Job | None]] | None = None  # the batch on the helper
        self._conn: Any = None
        self._process: Any = None
        self._ready = False

    def submit(self, raw: bytes) -> Any:
        """What `submit(raw)` returns (or raises), at once while submissions are few, exactly as
        without a batcher; during a flood, a future of it, resolved once the turn's batch is verified."""
        if self._flooding or self._out is not None:
            return self._enqueue(raw)
        self._this_turn += 1
        if self._this_turn == 1:
            asyncio.get_running_loop().call_soon(self._end_turn)
        return self._submit(raw)

    def _end_turn(self) -> None:
        """A turn with `min_batch` submissions starts a flood (and the helper, if not yet running)."""
        if self._this_turn >= self.min_batch:
            self._flooding = True
            self._helper_ready()
        self._this_turn = 0

    def _enqueue(self, raw: bytes) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._queue.append(_Pending(raw, future))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            loop.call_soon(self._flush)
        return future

    # ------------------------------------------------------------------ batches

    def _flush(self) -> None:
        """Send the queued batch to the helper, or admit it in place when it is small (which ends
        the flood) or the helper is not up."""
        self._flush_scheduled = False
        if self._out is not None or not self._queue:
            return  # the answer to the batch out will flush this one
        batch, self._queue = self._queue, []
        if len(batch) < self.min_batch:
            self._flooding = False
        if not self._flooding or not self._helper_ready():
            self._admit(batch)
            return
        jobs = [self._job_or_none(p.raw) for p in batch]
        try:
            self._conn.send_bytes(pickle.dumps([j for j in jobs if j is not None], pickle.HIGHEST_PROTOCOL))
        except OSError:
            log.warning("signature helper is gone; verifying in the node", exc_info=True)
            self.close()
            self._admit(batch)
            return
        self._out = (batch, jobs)
        asyncio.get_running_loop().call_later(self.ANSWER_TIMEOUT_S, self._check_answered, batch)

    def _on_answer(self) -> None:
        """Reader callback of the helper's pipe: the ready signal, or the answer to the batch out."""
        try:
            answer = self._conn.recv_bytes()
        except (EOFError, OSError):
            log.warning("signature helper exited; verifying in the node")
            self._give_up_helper()
            return
        if not self._ready:
            self._ready = answer == b"ready"
            return
        if self._out is None:
            return
        (batch, jobs), self._out = self._out, None
        valid = iter(answer)
        for job in jobs:
            if job is not None and next(valid, 0):
                self._record(job)
        self._admit(batch)
        self._flush()

    def _check_answered(self, batch: list[_Pending]) -> None:
        if self._out is not None and self._out[0] is batch:
            log.warning("signature helper did not answer in %.0f s; verifying in the node",
                        self.ANSWER_TIMEOUT_S)
            self._give_up_helper()

    def _give_up_helper(self) -> None:
        """The helper died or hangs: stop it and verify its batch (and all later ones) in place."""
        self.close()
        self._process = False  # not started again
        self._flush()

    def _admit(self, batch: list[_Pending]) -> None:
        """Submit in arrival order; each future gets the result or the submission's error (a
        transaction whose client went away meanwhile is submitted all the same, as it was sent)."""
        for pending in batch:
            future = pending.future
            try:
                result = self._submit(pending.raw)
            except Exception as exc:  # noqa: BLE001 - whatever it is, it is this call's answer
                if not future.cancelled():
                    future.set_exception(exc)
            else:
                if not future.cancelled():
                    future.set_result(result)

    def _job_or_none(self, raw: bytes) -> Job | None:
        try:
            return self._job(raw)
        except Exception:  # noqa: BLE001 - malformed, unsigned, stale era…: `submit` reports it
            return None

    # ------------------------------------------------------------------ the helper process

    def _helper_ready(self) -> bool:
        """True once the helper is up; the first call starts it (batches go in place meanwhile)."""
        if self._process is None:
            self._start_helper()
        return self._ready

    def _start_helper(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        process = ctx.Process(target=_serve, args=(child,), name="tensornet-sigverify", daemon=True)
        try:
            process.start()
        except OSError:
            log.warning("cannot start the signature helper; verifying in the node", exc_info=True)
            self._process = False  # do not try again
            return
        child.close()
        self._conn, self._process = parent, process
        asyncio.get_running_loop().add_reader(parent.fileno(), self._on_answer)

    def close(self) -> None:
        """Stop the helper (a later flood starts another); a batch it had is verified in place."""
        conn, process = self._conn, self._process
        self._conn, self._process, self._ready = None, None, False
        if self._out is not None:
            batch, self._out = self._out[0], None
            self._admit(batch)
        if conn is not None:
            try:
                asyncio.get_running_loop().remove_reader(conn.fileno())
            except RuntimeError:  # no running loop: it is gone with its readers
                pass
            conn.close()
        if process:
            process.join(1)
            if process.is_alive():
                process.kill()
