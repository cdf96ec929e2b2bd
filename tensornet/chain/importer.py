"""Importing a block from elsewhere (a file, a peer): replay it, compare, and only then persist.

The block is re-executed on an overlay of the head state with the builder's own steps
(:class:`~tensornet.chain.builder.BlockRun`): the inherents first (the timestamp, the MEV-shield key),
then each signed extrinsic, then finalisation. Because a block's author chose its extrinsics, every one of them must
be valid here; an extrinsic the builder would have left out makes the block bad. The recomputed
header must equal the block's header (parent, number, state root, extrinsics root, digest) before
``commit_block`` runs, so a refused block leaves the database exactly as it was.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tensornet.primitives.hashing import blake2_256
from tensornet.primitives.scale import ScaleError, decode_compact
from tensornet.runtime.executive import Executive
from tensornet.runtime.extrinsic import EXTRINSIC_VERSION, MalformedExtrinsic
from tensornet.runtime.validity import TransactionValidityError

from .block import Block, extrinsics_root
from . import dev_digest
from .builder import BlockRun, BuiltBlock
from .export import ExportHeader
from .store import ChainStore

_BAD_EXTRINSIC = (TransactionValidityError, MalformedExtrinsic, ScaleError)


class BadBlock(ValueError):
    """A block that does not follow from the head: names the block and what differed."""

    def __init__(self, number: int, block_hash: bytes, reason: str) -> None:
        super().__init__(f"block #{number} (0x{block_hash.hex()}) refused: {reason}")
        self.number = number
        self.block_hash = block_hash
        self.reason = reason


def _hex(b: bytes) -> str:
    return "0x" + b.hex()


def import_block(store: ChainStore, executive: Executive, block: Block) -> BuiltBlock:
    """Replay ``block`` on the head and commit it if it reproduces; raises :class:`BadBlock` otherwise."""
    header = block.header
    bad = lambda reason: BadBlock(header.number, block.hash, reason)
    head = store.head
    if header.number != head.number + 1:
        raise bad(f"its number is not the head's (#{head.number}) plus one")
    if header.parent_hash != store.head_hash:
        raise bad(f"its parent {_hex(header.parent_hash)} is not the head {_hex(store.head_hash or b'')}")
    if not block.extrinsics:
        raise bad("it has no timestamp inherent")
    if extrinsics_root(block.extrinsics) != header.extrinsics_root:
        raise bad(f"extrinsics root differs (header {_hex(header.extrinsics_root)}, body "
                  f"{_hex(extrinsics_root(block.extrinsics))})")
    try:
        recorded = dev_digest.decode(header.digest_logs)
    except ValueError as exc:
        raise bad(str(exc)) from None
    run = BlockRun(store, executive, replay_edits=recorded)
    applied = []
    n_inherents = leading_inherents(block.extrinsics)
    try:
        with run.execute(*block.extrinsics[:n_inherents]):
            for index, raw in enumerate(block.extrinsics[n_inherents:], start=n_inherents):
                try:
                    outcome = executive.apply_extrinsic(raw)
                except _BAD_EXTRINSIC as exc:
                    raise bad(f"extrinsic {index} is invalid: {_describe(exc)}") from None
                applied.append((blake2_256(raw), outcome))
    except _BAD_EXTRINSIC as exc:  # from the inherents, applied on entering the block
        raise bad(f"an inherent (extrinsics 0..{n_inherents - 1}: the timestamp, the MEV-shield key) is "
                  f"invalid: {_describe(exc)}") from None
    rebuilt = run.seal(block.extrinsics)
    if rebuilt.header.state_root != header.state_root:
        raise bad(f"state root differs (header {_hex(header.state_root)}, replayed "
                  f"{_hex(rebuilt.header.state_root)})")
    if rebuilt.header != header:
        raise bad("its header digest differs from the one this node seals")
    store.commit_block(block, run.changes, run.trie_nodes)
    return BuiltBlock(block, run.changes, run.trie_nodes, applied)


def leading_inherents(extrinsics: tuple[bytes, ...] | list[bytes]) -> int:
    """How many extrinsics open the block as inherents: the unsigned ones before the first signed one
    (at least one, the timestamp; blocks sealed before the MEV shield have no key inherent)."""
    count = 1
    for raw in extrinsics[1:]:
        if not _is_bare(raw):
            break
        count += 1
    return count


def _is_bare(raw: bytes) -> bool:
    try:
        _, offset = decode_compact(raw, 0)
        return raw[offset] == EXTRINSIC_VERSION
    except (ScaleError, IndexError):
        return False


def _describe(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    kind = getattr(exc, "kind", None)
    return f"{kind}: {text}" if kind and kind not in text else text


class ChainMismatch(ValueError):
    """The file's blocks cannot extend this database: another chain, a fork of it, or a gap."""


@dataclass
class ImportSummary:
    imported: int = 0
    #: blocks the database already had (same hash): importing a file twice is harmless
    skipped: int = 0


def import_chain(target, header: ExportHeader, blocks: Iterable[Block],
                 progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Import an export's ``blocks`` into ``target`` (a node: ``store``, ``genesis_hash``, ``import_block``).

    All or nothing for bad data: if any block is refused, the blocks this call imported are reverted,
    so the database is left at the head it had. An interrupt (Ctrl-C) keeps the blocks already
    imported, which are valid; importing the same file again skips them and carries on."""
    store = target.store
    if header.genesis_hash != target.genesis_hash:
        raise ChainMismatch(f"the file holds chain {_hex(header.genesis_hash)}, this database chain "
                            f"{_hex(target.genesis_hash)} (genesis differs); import into a fresh --base-path")
    start = store.head.number
    summary = ImportSummary()
    try:
        for block in blocks:
            number = block.header.number
            head = store.head.number
            if number <= head:
                if store.hash_of(number) != block.hash:
                    raise ChainMismatch(f"block #{number} differs from this database's (a fork of it); "
                                        "import into a fresh --base-path")
                summary.skipped += 1
            elif number > head + 1:
                raise ChainMismatch(f"the file starts at block #{number} but this database's head is #{head}; "
                                    f"export from #{head + 1} or earlier")
            else:
                target.import_block(block)
                summary.imported += 1
            if progress is not None:
                progress(1)
    except Exception:
        store.revert_to(start)
        raise
    return summary
