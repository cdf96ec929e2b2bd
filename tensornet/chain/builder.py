"""The block builder: one block from the head state, the timestamp inherent and pool transactions."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from tensornet.primitives.hashing import blake2_256
from tensornet.runtime.executive import ApplyOutcome, Executive, MAX_NORMAL_LENGTH
from tensornet.runtime.extrinsic import MalformedExtrinsic
from tensornet.runtime.validity import TransactionValidityError
from tensornet.storage.overlay import Overlay

from .block import Block, Header, extrinsics_root
from .store import ChainStore


@dataclass
class BuiltBlock:
    block: Block
    changes: dict[bytes, bytes | None]
    trie_nodes: dict[bytes, bytes]
    events: list
    applied: list[tuple[bytes, ApplyOutcome]] = field(default_factory=list)
    #: pool transactions that turned out invalid at inclusion time: (hash, error)
    rejected: list[tuple[bytes, Exception]] = field(default_factory=list)
    #: pool transactions left out because the block was full (or a dependency was rejected)
    deferred: int = 0

    @property
    def hash(self) -> bytes:
        return self.block.hash


class BlockBuilder:
    def __init__(self, store: ChainStore, executive: Executive) -> None:
        self.store = store
        self.executive = executive

    def build(self, candidates: Iterable, timestamp_ms: int, max_extrinsics: int | None = None) -> BuiltBlock:
        """Build on the current head. ``candidates`` yields pool entries (``.hash``, ``.data``) best-first;
        if it has ``report_invalid`` it is told about rejected ones so their dependents are skipped."""
        store, executive = self.store, self.executive
        runtime = executive.runtime
        parent = store.head
        parent_hash = store.head_hash
        number = parent.number + 1
        state = Overlay(store.state_at(None))
        extrinsics: list[bytes] = []
        built = BuiltBlock(None, {}, {}, [])  # type: ignore[arg-type]
        env = runtime.env
        with runtime.at(state, number):
            executive.initialize_block(number, parent_hash)
            inherent = executive.timestamp_inherent(timestamp_ms)
            executive.apply_inherent(inherent)
            extrinsics.append(inherent)
            length = len(inherent)
            for tx in candidates:
                if max_extrinsics is not None and len(extrinsics) > max_extrinsics:
                    built.deferred += 1
                    continue
                if length + len(tx.data) > MAX_NORMAL_LENGTH:
                    built.deferred += 1
                    continue
                mark = env.event_mark()
                state.begin()
                try:
                    outcome = executive.apply_extrinsic(tx.data)
                except (TransactionValidityError, MalformedExtrinsic) as exc:
                    state.rollback()
                    env.truncate_events(mark)
                    if getattr(exc, "kind", "") == "ExhaustsResources":
                        built.deferred += 1
                    elif getattr(exc, "kind", "") != "Future":
                        built.rejected.append((tx.hash, exc))
                    if hasattr(candidates, "report_invalid"):
                        candidates.report_invalid(tx)
                    continue
                state.commit()
                extrinsics.append(tx.data)
                length += len(tx.data)
                built.applied.append((tx.hash, outcome))
            built.events = executive.finalize_block()
        changes = state.changes()
        root, nodes = store.compute_root(parent.state_root, changes)
        header = Header(parent_hash, number, root, extrinsics_root(extrinsics))
        built.block = Block(header, tuple(extrinsics))
        built.changes = changes
        built.trie_nodes = nodes
        return built
