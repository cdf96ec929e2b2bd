"""The block builder: one block from the head state, the inherents and pool transactions."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from tensornet.runtime.executive import ApplyOutcome, Executive
from tensornet.runtime.extrinsic import MalformedExtrinsic
from tensornet.runtime.validity import TransactionValidityError
from tensornet.storage.overlay import Overlay

from tensornet.primitives.hashing import blake2_256

from . import dev_digest
from .block import Block, Header, extrinsics_root
from .shield_proposer import ShieldProposer
from .store import ChainStore

#: sc-basic-authorship's DEFAULT_BLOCK_SIZE_LIMIT, which subtensor's node keeps: the proposer passes over
#: a transaction whose bytes would take the block past it (the runtime's own BlockLength, 7.5 MiB for
#: the Normal class, is larger). Counted on the extrinsics' bytes; Substrate's estimate also counts the
#: header, a difference of about a hundred bytes in a 4 MiB block.
BLOCK_SIZE_LIMIT = 4 * 1024 * 1024 + 512

#: consecutive transactions that did not fit before the block counts as full (sc-basic-authorship's
#: MAX_SKIPPED_TRANSACTIONS); the rest wait in the pool for the next block
MAX_SKIPPED_WHEN_FULL = 8


@dataclass
class BuiltBlock:
    block: Block
    changes: dict[bytes, bytes | None]
    trie_nodes: dict[bytes, bytes]
    applied: list[tuple[bytes, ApplyOutcome]] = field(default_factory=list)
    #: pool transactions that turned out invalid at inclusion time: (hash, error)
    rejected: list[tuple[bytes, Exception]] = field(default_factory=list)
    #: pool transactions left out because the block was full (or a dependency was rejected)
    deferred: int = 0
    #: position in the block -> hash of each signed extrinsic (the store indexes them by hash)
    tx_hashes: dict[int, bytes] = field(default_factory=dict)

    @property
    def hash(self) -> bytes:
        return self.block.hash


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cyclic garbage collector off while a block is built.

    Applying a transaction allocates dozens of short-lived dicts; with the pool's thousands of
    decoded extrinsics alive, the collector's young-generation passes (and the full passes they
    trigger) cost about a tenth of block time. A block is bounded work, so its cyclic garbage can
    wait for the collector's next turn; reference counting frees everything else as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class BlockBuilder:
    def __init__(self, store: ChainStore, executive: Executive, shield: ShieldProposer | None = None) -> None:
        self.store = store
        self.executive = executive
        #: the author's MEV-shield steps: its key inherent and the unshielding of submit_encrypted
        self.shield = shield

    def build(self, candidates: Iterable, timestamp_ms: int, max_extrinsics: int | None = None) -> BuiltBlock:
        """Build on the current head. ``candidates`` yields pool entries (``.hash``, ``.data``) best-first;
        if it has ``report_invalid`` it is told about rejected ones so their dependents are skipped."""
        with paused_gc():
            return self._build(candidates, timestamp_ms, max_extrinsics)

    def _build(self, candidates: Iterable, timestamp_ms: int, max_extrinsics: int | None) -> BuiltBlock:
        executive = self.executive
        run = BlockRun(self.store, executive)
        state, env = run.state, executive.runtime.env
        built = BuiltBlock(None, {}, {})  # type: ignore[arg-type]
        shield = self.shield
        inherents = [executive.timestamp_inherent(timestamp_ms)]
        shield_inherent = shield.inherent(executive) if shield is not None else None
        if shield_inherent is not None:
            inherents.append(shield_inherent)
        extrinsics: list[bytes] = list(inherents)
        # submit_encrypted's two index bytes: a transaction without them is no shielded one (the test
        # ``shielded`` starts with, done here inline: it is one C-level scan per transaction)
        marker = shield.call_marker(executive.runtime) if shield is not None else None
        with run.execute(*inherents):
            length = sum(map(len, inherents))
            exhausted = 0
            for tx in candidates:
                if max_extrinsics is not None and len(extrinsics) > max_extrinsics:
                    built.deferred += 1
                    continue
                if length + len(tx.data) > BLOCK_SIZE_LIMIT:
                    built.deferred += 1
                    continue
                shielded = shield.shielded(executive, tx.data) if marker is not None and marker in tx.data else None
                if shielded is not None and not shield.can_open(executive, shielded):  # type: ignore[union-attr]
                    continue  # another author's key (or a stale one): it stays in the pool
                # no storage layer per extrinsic: apply_extrinsic turns a transaction away only before
                # its first write, so a refused one leaves nothing but its events to forget
                mark = env.event_mark()
                try:
                    outcome = executive.apply_extrinsic(tx.data)
                except (TransactionValidityError, MalformedExtrinsic) as exc:
                    env.truncate_events(mark)
                    if getattr(exc, "kind", "") == "ExhaustsResources":
                        built.deferred += 1
                        exhausted += 1
                        if exhausted >= MAX_SKIPPED_WHEN_FULL:  # the block is full, as Substrate's
                            break                              # proposer concludes after 8 misses
                    elif getattr(exc, "kind", "") != "Future":
                        built.rejected.append((tx.hash, exc))
                    if hasattr(candidates, "report_invalid"):
                        candidates.report_invalid(tx)
                    continue
                exhausted = 0
                built.tx_hashes[len(extrinsics)] = tx.hash
                extrinsics.append(tx.data)
                length += len(tx.data)
                built.applied.append((tx.hash, outcome))
                if shielded is not None:  # the wrapper is in: its inner extrinsic follows it
                    inner = shield.apply_inner(executive, state, shielded)  # type: ignore[union-attr]
                    if inner is not None:
                        inner_hash = blake2_256(inner.raw)
                        built.tx_hashes[len(extrinsics)] = inner_hash
                        extrinsics.append(inner.raw)
                        length += len(inner.raw)
                        built.applied.append((inner_hash, inner.outcome))
        built.block = run.seal(extrinsics)
        built.changes = run.changes
        built.trie_nodes = run.trie_nodes
        return built


class BlockRun:
    """One block's execution on an overlay of the head state, the steps shared by the builder (which
    chooses the extrinsics) and the importer (which replays a block's): initialise, the timestamp
    inherent, the caller's extrinsics, finalise, then the state and extrinsics roots."""

    def __init__(self, store: ChainStore, executive: Executive,
                 replay_edits: tuple[list, list[bytes]] | None = None) -> None:
        """``replay_edits``: devnet edits recorded in an imported block's digest (see dev_digest)."""
        self.store = store
        self.executive = executive
        self.replay_edits = replay_edits
        self.digest_logs: tuple = ()
        self.parent = store.head
        self.parent_hash: bytes = store.head_hash  # type: ignore[assignment]
        self.number = self.parent.number + 1
        self.state = Overlay(store.state_at(None))
        self.changes: dict[bytes, bytes | None] = {}
        self.trie_nodes: dict[bytes, bytes] = {}

    @contextmanager
    def execute(self, *inherents: bytes) -> Iterator["BlockRun"]:
        """Initialise the block and apply the ``inherents`` (Timestamp.set, MevShield.announce_next_key);
        the body applies extrinsics; finalise on exit (not when the body raised: the overlay is then
        simply dropped)."""
        executive = self.executive
        with executive.runtime.at(self.state, self.number):
            executive.initialize_block(self.number, self.parent_hash)
            self._devnet_edits()
            for inherent in inherents:
                executive.apply_inherent(inherent)
            yield self
            executive.finalize_block()

    def _devnet_edits(self) -> None:
        """Apply queued devnet edits (recording their writes and events in the digest), or replay
        the ones an imported block recorded: either way the block stays reproducible."""
        env = self.executive.runtime.env
        state = self.state
        if self.replay_edits is not None:
            writes, events = self.replay_edits
            for key, value in writes:
                if value is None:
                    state.delete(key)
                else:
                    state.put(key, value)
            env.append_encoded_events(events)
        else:
            take = getattr(self.executive, "take_pending_edits", None)
            edits = take() if take is not None else []
            if not edits:
                return
            mark = env.event_mark()
            state.begin()
            for edit in edits:
                edit(self.executive.runtime)
            writes = [(key, state.get(key)) for key in sorted(state.layer_keys())]
            state.commit()
            events = env.encoded_events_since(mark)
            self.replay_edits = (writes, events)
        log = dev_digest.encode(*self.replay_edits)
        self.executive.runtime.pallets["System"].Digest.set({"logs": [log]})
        self.digest_logs = (log,)

    def seal(self, extrinsics: list[bytes] | tuple[bytes, ...]) -> Block:
        """The block: the header over the overlay's changes (its new trie nodes kept for the commit)."""
        self.changes = self.state.changes()
        root, self.trie_nodes = self.store.compute_root(self.parent.state_root, self.changes)
        header = Header(self.parent_hash, self.number, root, extrinsics_root(extrinsics), self.digest_logs)
        return Block(header, tuple(extrinsics))
