"""sr25519 verification spread over worker processes, for batches of submitted transactions.

Verification is the dominant cost of admitting a signed transaction and it is embarrassingly
parallel, while the rest of the node runs on one event loop. Workers receive (public key, payload,
signature) triples in chunks and answer with booleans; the node records the verified ones.
"""
from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor
import multiprocessing

Job = tuple[bytes, bytes, bytes]


def _verify_chunk(jobs: list[Job]) -> list[bool]:
    from tensornet.primitives.keys import verify

    return [verify(pub, msg, sig) for pub, msg, sig in jobs]


class SignatureVerifier:
    def __init__(self, workers: int) -> None:
        self.workers = workers
        # fork is cheap and the worker needs nothing but the keys module; spawn would re-import the node
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))

    def start(self, jobs: list[Job]) -> "Future[list[bool]]":
        """Verify one chunk in a worker; the caller collects the answer when it needs it, so it can
        go on with other work (decoding the next chunk, admitting the previous one) meanwhile."""
        return self._pool.submit(_verify_chunk, jobs)

    def verify_all(self, jobs: list[Job]) -> list[bool]:
        if not jobs:
            return []
        size = max(-(-len(jobs) // (self.workers * 4)), 1)
        chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
        out: list[bool] = []
        for part in self._pool.map(_verify_chunk, chunks):
            out.extend(part)
        return out

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
