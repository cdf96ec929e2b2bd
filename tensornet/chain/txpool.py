"""Transaction pool: Substrate's transaction graph of ready and future transactions.

Why a tag graph: the pool never decodes an extrinsic. Runtime validation (a callback the node owns)
says what a transaction *requires* and *provides*; a transaction is **ready** once every tag it
requires is provided by a ready transaction or by chain state, otherwise it waits in **future**. The
node tags a signed transaction with ``provides=[SCALE(sender, nonce)]`` and, when its nonce is ahead
of the account, ``requires=[SCALE(sender, nonce - 1)]``; per-sender nonce chains, replacement of a
(sender, nonce) by a higher tip, promotion after a block and the pool-aware next nonce all fall out
of that one graph (``graph/{ready,future,base_pool,validated_pool}.rs`` in Substrate's
``sc-transaction-pool``; this is our own implementation of those semantics).

Differences from Substrate, each on purpose:

* A full ready queue rejects a newcomer with ``PoolFull`` (RPC 1016) unless its priority is strictly
  higher than the worst ready transaction (then the worst, newest-first among equals, is evicted).
  Substrate evicts the *oldest* equal-priority transaction to admit a newcomer, which silently drops
  earlier submissions; a devnet user gets a clear error instead. A full future queue evicts its oldest
  transaction, as Substrate does.
* Revalidation re-imports the still-valid dependents of an invalid transaction (they usually move to
  future) instead of dropping them as invalid too.
* A future transaction unlocked by a promotion that then fails is left waiting instead of being
  imported without its dependency.

How the node drives it (not thread-safe: one event loop):

* submission: ``check_known(h)`` (cheap refusal before validating) → validate against the best state
  (``InvalidTransaction`` → ``validity_rpc_error(e)``, code 1010) → for a watched submission
  ``watch(h, cb)`` → ``submit(h, xt, validity, best_number)`` (``unwatch`` if it raises
  ``PoolError``; ``e.rpc_error()`` is the JSON-RPC error);
* block building: iterate ``ready()``; ``report_invalid(tx)`` + ``remove([h])`` for one that fails;
* after each block: ``prune(hashes, provided_tags)``, ``notify_in_block(hashes, block_hash)``,
  ``notify_finalized(block_hash)`` (instant finality), ``revalidate(validate, best_number)``;
* ``account_nextIndex``: ``next_nonce(account, state_nonce, tag)``.
"""

from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from heapq import heapify, heappop, heappush
from typing import Literal

from tensornet.runtime.validity import (
    INVALID_MESSAGES,
    InvalidTransaction,
    TransactionValidityError,
    UnknownTransaction,
    ValidTransaction,
)

log = logging.getLogger(__name__)

U64_MAX = 2**64 - 1
"""``TransactionLongevity::MAX``: valid forever."""
BAN_SECONDS = 30 * 60.0
"""Substrate's default ban time for included, invalid and evicted transactions."""
_IN_BLOCK_MEMORY = 4096
"""Blocks whose watched hashes are remembered until ``notify_finalized``."""

StatusEvent = str | dict[str, str]
Watcher = Callable[[StatusEvent], None]
TagFn = Callable[[bytes, int], bytes]
_TERMINAL = frozenset(("usurped", "dropped", "invalid"))


def _hex(data: bytes) -> str:
    return "0x" + data.hex()


# --------------------------------------------------------------------------------------------------
# What validation returns: the runtime's types (one class hierarchy for the executive, the pool and
# the RPC), re-exported so pool users import them from here.

__all__ = [
    "InvalidTransaction", "PoolError", "PooledTx", "ReadyIterator", "TransactionValidityError",
    "TxPool", "UnknownTransaction", "ValidTransaction", "validity_rpc_error",
]

_CUSTOM_RE = re.compile(r"Custom\((\d+)\)")


def validity_rpc_error(error: TransactionValidityError) -> dict[str, object]:
    """The JSON-RPC error Substrate's author RPC sends when validation refuses a submission.

    1010 ``Invalid Transaction`` with sp_runtime's text for the kind as data (``Custom error: n`` for
    a custom code), or 1011 ``Unknown Transaction Validity`` with the kind's Debug form. Any detail
    the runtime attached stays out of ``data`` so clients matching Substrate's text keep working.
    """
    if isinstance(error, UnknownTransaction):
        return {"code": 1011, "message": "Unknown Transaction Validity", "data": error.kind}
    custom = _CUSTOM_RE.fullmatch(error.kind)
    if custom is not None:
        data = f"Custom error: {custom.group(1)}"
    else:
        data = INVALID_MESSAGES.get(error.kind, error.kind)
    return {"code": 1010, "message": "Invalid Transaction", "data": data}


# --------------------------------------------------------------------------------------------------
# What the pool refuses

# kind -> (JSON-RPC code, message, data) as sc-rpc-api's author errors.
_POOL_ERRORS: dict[str, tuple[int, str, str | None]] = {
    "TemporarilyBanned": (1012, "Transaction is temporarily banned", None),
    "AlreadyImported": (1013, "Transaction Already Imported", None),
    "TooLowPriority": (
        1014,
        "Priority is too low: ({old} vs {new})",
        "The transaction has too low priority to replace another transaction already in the pool.",
    ),
    "CycleDetected": (1015, "Cycle Detected", None),
    "PoolFull": (
        1016,
        "Immediately Dropped",
        "The transaction couldn't enter the pool because of the limit",
    ),
    "NoTagsProvided": (
        1018,
        "No tags provided",
        "Transaction does not provide any tags, so the pool can't identify it",
    ),
}


class PoolError(Exception):
    """The pool refused a transaction; ``str()`` explains why, ``rpc_error()`` is Substrate's shape."""

    def __init__(self, kind: str, explanation: str, **fields: object) -> None:
        code, message, data = _POOL_ERRORS[kind]
        self.kind = kind
        self.code = code
        self.rpc_message = message.format(**fields)
        self.data = data
        self.fields = fields
        super().__init__(explanation)

    def rpc_error(self) -> dict[str, object]:
        error: dict[str, object] = {"code": self.code, "message": self.rpc_message}
        if self.kind == "AlreadyImported":
            error["data"] = _hex(self.fields["xt_hash"])  # type: ignore[arg-type]
        elif self.data is not None:
            error["data"] = self.data
        return error

    @classmethod
    def already_imported(cls, xt_hash: bytes) -> PoolError:
        return cls("AlreadyImported", f"transaction {_hex(xt_hash)} is already in the pool", xt_hash=xt_hash)

    @classmethod
    def temporarily_banned(cls, xt_hash: bytes) -> PoolError:
        return cls(
            "TemporarilyBanned",
            f"transaction {_hex(xt_hash)} is temporarily banned: it was just included, found invalid "
            "or evicted; submit a new transaction instead",
            xt_hash=xt_hash,
        )

    @classmethod
    def too_low_priority(cls, old: int, new: int) -> PoolError:
        return cls(
            "TooLowPriority",
            f"Priority is too low: ({old} vs {new}): a transaction with the same (sender, nonce) is "
            "already in the pool and this one does not outrank it (on subtensor a tip does not raise "
            "priority; only an Operational call does): wait for it to be included or use the next nonce",
            old=old,
            new=new,
        )

    @classmethod
    def cycle_detected(cls, xt_hash: bytes) -> PoolError:
        return cls("CycleDetected", f"transaction {_hex(xt_hash)} closes a dependency cycle", xt_hash=xt_hash)

    @classmethod
    def no_tags(cls, xt_hash: bytes) -> PoolError:
        return cls(
            "NoTagsProvided",
            f"transaction {_hex(xt_hash)} provides no tags, so the pool cannot identify it",
            xt_hash=xt_hash,
        )

    @classmethod
    def pool_full(cls, queue: str, count: int, max_count: int, size: int, max_size: int) -> PoolError:
        return cls(
            "PoolFull",
            f"transaction pool is full: {queue} queue holds {count}/{max_count} transactions, "
            f"{size}/{max_size} bytes, and this transaction does not outrank any of them; "
            "wait for the next block",
            queue=queue,
        )


# --------------------------------------------------------------------------------------------------
# The pool


class PooledTx:
    """A transaction in the pool. Read its public fields; the pool owns the underscored ones."""

    __slots__ = (
        "_missing",
        "_offset",
        "_unlocks",
        "data",
        "hash",
        "insertion_id",
        "length",
        "priority",
        "propagate",
        "provides",
        "requires",
        "seq",
        "valid_till",
    )

    def __init__(
        self, xt_hash: bytes, data: bytes, validity: ValidTransaction, valid_till: int, seq: int
    ) -> None:
        self.hash = xt_hash
        self.data = data
        self.length = len(data)
        self.priority = validity.priority
        requires, provides = validity.requires, validity.provides
        self.requires = requires if type(requires) is tuple else tuple(requires)
        self.provides = provides if type(provides) is tuple else tuple(provides)
        self.valid_till = valid_till
        self.propagate = validity.propagate
        self.seq = seq  # submission order, kept across re-imports
        self.insertion_id = 0  # order of entering the ready queue (Substrate's insertion_id)
        self._unlocks: list[bytes] = []  # ready txs that require one of our tags
        self._offset = 0  # required tags not provided by a ready tx (satisfied by chain state)
        self._missing: set[bytes] | None = None  # future only: tags nobody provides yet

    def __repr__(self) -> str:
        return f"PooledTx({_hex(self.hash)[:18]}…, priority={self.priority}, valid_till={self.valid_till})"


class ReadyIterator(Iterator[PooledTx]):
    """Best-first walk over a snapshot of the ready queue (Substrate's ``BestIterator``).

    Order: a transaction only after those providing its required tags; among the unblocked ones,
    higher priority first, then the one valid for fewer blocks, then the one that became ready first.
    ``report_invalid(tx)`` skips everything that depends on ``tx`` (a block builder calls it when a
    transaction fails to apply).
    """

    __slots__ = ("_all", "_awaiting", "_heap", "_invalid")

    def __init__(self, ready: dict[bytes, PooledTx], best: Iterable[PooledTx]) -> None:
        self._all = dict(ready)
        self._heap = [(-t.priority, t.valid_till, t.insertion_id, t) for t in best]
        heapify(self._heap)
        self._awaiting: dict[bytes, int] = {}
        self._invalid: set[bytes] = set()

    def __iter__(self) -> ReadyIterator:
        return self

    def __next__(self) -> PooledTx:
        heap, every, awaiting, invalid = self._heap, self._all, self._awaiting, self._invalid
        while heap:
            tx = heappop(heap)[3]
            if invalid and tx.hash in invalid:
                continue
            for child_hash in tx._unlocks:
                child = every.get(child_hash)
                if child is None:
                    continue
                satisfied = awaiting.pop(child_hash, child._offset) + 1
                if satisfied >= len(child.requires):
                    heappush(heap, (-child.priority, child.valid_till, child.insertion_id, child))
                else:
                    awaiting[child_hash] = satisfied
            return tx
        raise StopIteration

    def report_invalid(self, tx: PooledTx) -> None:
        known = self._all.get(tx.hash)
        if known is not None:
            self._invalid.update(known._unlocks)


class TxPool:
    """Ready and future queues linked by tags, with replacement, limits, bans and status watchers."""

    def __init__(
        self,
        *,
        max_ready: int = 8192,
        max_future: int = 1024,
        max_bytes: int = 20 * 2**20,
        max_future_bytes: int | None = None,
        ban_seconds: float = BAN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``max_bytes`` bounds the ready queue; the future queue gets a tenth unless told."""
        self.max_ready = max_ready
        self.max_future = max_future
        self.max_bytes = max_bytes
        self.max_future_bytes = max_bytes // 10 if max_future_bytes is None else max_future_bytes
        self.ban_seconds = ban_seconds
        self._clock = clock
        self._max_banned = 4 * (max_ready + max_future) + 1024
        # ready queue
        self._ready: dict[bytes, PooledTx] = {}
        self._provided: dict[bytes, bytes] = {}  # tag -> hash of the ready tx providing it
        self._best: dict[bytes, PooledTx] = {}  # ready txs that no other ready tx must precede
        self._ready_bytes = 0
        self._worst: list[tuple[int, int, bytes]] = []  # lazy min-heap (priority, -insertion_id, hash)
        #: entries not yet pushed onto ``_worst``: it is needed only to evict, so an insertion
        #: appends here and the heap takes them in when an eviction looks (see ``_worst_heap``)
        self._worst_new: list[tuple[int, int, bytes]] = []
        self._next_insertion = 0
        # future queue (dict order = import order, oldest first)
        self._future: dict[bytes, PooledTx] = {}
        self._wanted: dict[bytes, set[bytes]] = {}  # missing tag -> future txs waiting for it
        self._future_bytes = 0
        # tags pruned by the last two blocks count as provided: a tx validated against the parent
        # state must not be parked in future just because its dependency was included meanwhile.
        self._recently_pruned: list[set[bytes]] = [set(), set()]
        self._pruned_slot = 0
        self._seq = 0
        self._banned: OrderedDict[bytes, float] = OrderedDict()  # hash -> expiry, oldest first
        self._watchers: dict[bytes, list[Watcher]] = {}
        self._in_block: dict[bytes, list[bytes]] = {}

    # ---- queries -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ready) + len(self._future)

    def __contains__(self, xt_hash: object) -> bool:
        return xt_hash in self._ready or xt_hash in self._future

    def get(self, xt_hash: bytes) -> PooledTx | None:
        return self._ready.get(xt_hash) or self._future.get(xt_hash)

    def is_ready(self, xt_hash: bytes) -> bool:
        return xt_hash in self._ready

    def ready(self) -> ReadyIterator:
        """Ready transactions best-first (see ``ReadyIterator``); a snapshot, safe across submits."""
        return ReadyIterator(self._ready, self._best.values())

    def futures(self) -> list[PooledTx]:
        """Future transactions, oldest first."""
        return list(self._future.values())

    def pending(self) -> list[bytes]:
        """All extrinsic bytes, ready (best-first) then future (``author_pendingExtrinsics``)."""
        return [tx.data for tx in self.ready()] + [tx.data for tx in self._future.values()]

    def status(self) -> dict[str, int]:
        return {
            "ready": len(self._ready),
            "ready_bytes": self._ready_bytes,
            "future": len(self._future),
            "future_bytes": self._future_bytes,
        }

    def next_nonce(self, account: bytes, state_nonce: int, tag: TagFn) -> int:
        """``account_nextIndex``: the state nonce advanced past the sender's consecutive ready txs.

        ``tag(account, nonce)`` must build the same provides tag the node gives a signed
        transaction. Future transactions (after a gap) do not count, as in Substrate.
        """
        provided = self._provided
        nonce = state_nonce
        while tag(account, nonce) in provided:
            nonce += 1
        return nonce

    # ---- submission ----------------------------------------------------------------------------

    def check_known(self, xt_hash: bytes) -> None:
        """Raise if ``xt_hash`` is banned or already pooled; call it before validating."""
        expiry = self._banned.get(xt_hash)
        if expiry is not None:
            if expiry > self._clock():
                raise PoolError.temporarily_banned(xt_hash)
            del self._banned[xt_hash]
        if xt_hash in self._ready or xt_hash in self._future:
            raise PoolError.already_imported(xt_hash)

    def submit(
        self, xt_hash: bytes, xt: bytes, validity: ValidTransaction, at_block: int
    ) -> Literal["ready", "future"]:
        """Import a transaction the node validated against block ``at_block``.

        Returns the queue it entered. Raises ``PoolError`` (banned, duplicate, too low priority to
        replace, pool full, no tags, cycle). A transaction providing a tag a ready one provides
        replaces it only with strictly higher priority; the old one is reported ``usurped``.
        """
        self.check_known(xt_hash)
        if not validity.provides:
            raise PoolError.no_tags(xt_hash)
        self._seq += 1
        tx = PooledTx(xt_hash, xt, validity, min(at_block + validity.longevity, U64_MAX), self._seq)
        events: list[tuple[bytes, str, bytes | None]] = []
        try:
            missing = self._missing_tags(tx.requires)
            if missing:
                tx._missing = missing
                self._make_future_room(tx, events)
                self._future_insert(tx)
                events.append((xt_hash, "future", None))
                return "future"
            if len(self._ready) >= self.max_ready or self._ready_bytes + tx.length > self.max_bytes:
                self._check_ready_room(tx)
            self._import_to_ready(tx, events)
            if (
                len(self._ready) > self.max_ready or self._ready_bytes > self.max_bytes
            ) and xt_hash in self._enforce_limits(events, tx):
                raise PoolError.pool_full(
                    "ready", len(self._ready), self.max_ready, self._ready_bytes, self.max_bytes
                )
            return "ready"
        except PoolError:
            events = [event for event in events if event[0] != xt_hash]
            raise
        finally:
            self._flush(events)

    # ---- after a block -------------------------------------------------------------------------

    def prune(self, included: Iterable[bytes], provided_tags: Iterable[bytes]) -> list[PooledTx]:
        """Remove what a new block made obsolete and promote what it unblocked.

        ``included`` are the block's extrinsic hashes, ``provided_tags`` the tags its transactions
        provide (the node knows them for transactions the pool never saw). Pooled transactions that
        provide one of those tags but were not included can never be valid again: they are removed
        and reported ``invalid``. Included hashes are banned so a re-submission is refused cheaply.
        Returns every removed transaction. ``inBlock`` is the node's to send (``notify_in_block``).
        """
        included = list(included)
        tags = dict.fromkeys(provided_tags)
        for xt_hash in included:
            tx = self.get(xt_hash)
            if tx is not None:
                tags.update(dict.fromkeys(tx.provides))
        pruned = set(tags)
        self._recently_pruned[self._pruned_slot] = pruned
        self._pruned_slot ^= 1
        events: list[tuple[bytes, str, bytes | None]] = []
        removed: list[PooledTx] = []
        if self._future:
            conflicting = [h for h, f in self._future.items() if not pruned.isdisjoint(f.provides)]
            for xt_hash in conflicting:
                removed.append(self._future_remove(xt_hash))  # type: ignore[arg-type]
        to_promote: list[PooledTx] = []
        for tag in tags:
            if self._wanted:
                to_promote.extend(self._satisfy((tag,)))
            if tag in self._provided:
                self._prune_ready_tag(tag, removed)
        for tx in to_promote:
            self._promote(tx, events)
        included_set = set(included)
        for tx in removed:
            if tx.hash not in included_set:
                events.append((tx.hash, "invalid", None))
        self.ban(included)
        self._enforce_limits(events)
        self._flush(events)
        return removed

    def revalidate(
        self, validate: Callable[[bytes], ValidTransaction], at_block: int,
        keep: Callable[[PooledTx], bool] | None = None,
    ) -> list[tuple[bytes, str]]:
        """Re-check every pooled transaction against the new best state (block ``at_block``).

        ``validate(xt)`` returns the new ``ValidTransaction`` or raises ``InvalidTransaction``
        (``UnknownTransaction`` keeps the transaction as it is); a transaction for which
        ``keep(tx)`` is true is kept as it is without being validated. Invalid transactions and those past
        their longevity are removed, banned and reported ``invalid``; the still-valid transactions
        that depended on them are re-imported (usually into future). Returns ``(hash, reason)`` for
        each removed transaction, reason ``"invalid"`` or ``"stale"`` (or ``"usurped"`` /
        ``"dropped"`` when a re-import loses a tag conflict or a limit).
        """
        roots: dict[bytes, str] = {}
        changed: dict[bytes, tuple[ValidTransaction, int]] = {}
        for tx in [*self._ready.values(), *self._future.values()]:
            if keep is not None and keep(tx):
                if tx.valid_till <= at_block:
                    roots[tx.hash] = "stale"
                continue
            try:
                validity = validate(tx.data)
            except InvalidTransaction:
                roots[tx.hash] = "invalid"
                continue
            except UnknownTransaction:
                valid_till = tx.valid_till
            else:
                if not validity.provides:
                    roots[tx.hash] = "invalid"
                    continue
                valid_till = min(at_block + validity.longevity, U64_MAX)
                if not self._update_in_place(tx, validity, valid_till):
                    changed[tx.hash] = (validity, valid_till)
            if valid_till <= at_block:
                roots[tx.hash] = "stale"
                changed.pop(tx.hash, None)
        return self._drop_and_reimport(roots, changed)

    def clear_stale(self, at_block: int) -> list[tuple[bytes, str]]:
        """Drop transactions whose longevity ended at ``at_block`` without revalidating the rest."""
        roots = {
            h: "stale"
            for queue in (self._ready, self._future)
            for h, tx in queue.items()
            if tx.valid_till <= at_block
        }
        return self._drop_and_reimport(roots, {})

    def remove(self, hashes: Iterable[bytes]) -> list[PooledTx]:
        """Remove transactions and everything depending on them as ``invalid``; ban the named ones.

        For a builder that found a transaction failing to apply, or ``author_removeExtrinsic``.
        """
        hashes = list(hashes)
        self.ban(hashes)
        removed = self._remove_subtree(hashes)
        self._flush([(tx.hash, "invalid", None) for tx in removed])
        return removed

    def ban(self, hashes: Iterable[bytes]) -> None:
        """Refuse these hashes for ``ban_seconds`` (bounded memory: the oldest bans go first)."""
        banned = self._banned
        until = self._clock() + self.ban_seconds
        for xt_hash in hashes:
            banned[xt_hash] = until
            banned.move_to_end(xt_hash)
        while len(banned) > self._max_banned:
            banned.popitem(last=False)

    # ---- status watchers -----------------------------------------------------------------------

    def watch(self, xt_hash: bytes, callback: Watcher) -> None:
        """Send ``xt_hash``'s TransactionStatus events to ``callback``.

        Register before ``submit`` so the first ``"ready"``/``"future"`` arrives too, and
        ``unwatch`` if ``submit`` raises. Watchers end after a terminal event (``finalized``,
        ``usurped``, ``dropped``, ``invalid``).
        """
        self._watchers.setdefault(xt_hash, []).append(callback)

    def unwatch(self, xt_hash: bytes, callback: Watcher | None = None) -> None:
        callbacks = self._watchers.get(xt_hash)
        if callbacks is None:
            return
        if callback is None:
            del self._watchers[xt_hash]
            return
        try:
            callbacks.remove(callback)
        except ValueError:
            return
        if not callbacks:
            del self._watchers[xt_hash]

    def notify_in_block(self, hashes: Iterable[bytes], block_hash: bytes) -> None:
        """Send ``{"inBlock": block}`` to the watchers of the block's extrinsics."""
        watchers = self._watchers
        if not watchers:
            return
        watched = [h for h in hashes if h in watchers]
        if not watched:
            return
        event = {"inBlock": _hex(block_hash)}
        for xt_hash in watched:
            self._emit(xt_hash, event, terminal=False)
        self._in_block.setdefault(block_hash, []).extend(watched)
        while len(self._in_block) > _IN_BLOCK_MEMORY:
            del self._in_block[next(iter(self._in_block))]

    def notify_finalized(self, block_hash: bytes, hashes: Iterable[bytes] | None = None) -> None:
        """Send ``{"finalized": block}`` (terminal) to the watchers seen in that block."""
        remembered = self._in_block.pop(block_hash, [])
        targets = remembered if hashes is None else list(hashes)
        event = {"finalized": _hex(block_hash)}
        for xt_hash in targets:
            if xt_hash in self._watchers:
                self._emit(xt_hash, event, terminal=True)

    # ---- internals: ready queue ----------------------------------------------------------------

    def _missing_tags(self, requires: tuple[bytes, ...]) -> set[bytes] | None:
        if not requires:
            return None
        provided = self._provided
        if len(requires) == 1 and requires[0] in provided:
            return None  # the common case: the sender's previous nonce is ready
        pruned_a, pruned_b = self._recently_pruned
        missing = {t for t in requires if t not in provided and t not in pruned_a and t not in pruned_b}
        return missing or None

    def _ready_insert(self, tx: PooledTx) -> list[PooledTx]:
        """Link ``tx`` into the ready graph; return the transactions it replaced."""
        provided, ready = self._provided, self._ready
        replaced: list[PooledTx] = []
        inherited: list[bytes] = []
        rivals: list[bytes] | None = None
        for tag in tx.provides:
            holder = provided.get(tag)
            if holder is not None:
                if rivals is None:
                    rivals = [holder]
                elif holder not in rivals:
                    rivals.append(holder)
        if rivals is not None:
            old = min(sum(ready[h].priority for h in rivals), U64_MAX)
            if old >= tx.priority:
                raise PoolError.too_low_priority(old, tx.priority)
            for h in rivals:
                inherited.extend(ready[h]._unlocks)
            replaced = self._remove_ready_subtree(rivals, keep_tags=set(tx.provides))
            inherited = [h for h in inherited if h in ready]
        self._next_insertion += 1
        tx.insertion_id = self._next_insertion
        xt_hash = tx.hash
        offset = 0
        blocked = False
        for tag in tx.requires:
            holder = provided.get(tag)
            if holder is None:
                offset += 1
            else:
                ready[holder]._unlocks.append(xt_hash)
                blocked = True
        for tag in tx.provides:
            provided[tag] = xt_hash
        tx._unlocks = inherited
        tx._offset = offset
        tx._missing = None
        if not blocked:
            self._best[xt_hash] = tx
        ready[xt_hash] = tx
        self._ready_bytes += tx.length
        self._worst_new.append((tx.priority, -tx.insertion_id, xt_hash))
        if len(self._worst) + len(self._worst_new) > 2 * len(ready) + 4096:  # mostly stale entries
            self._worst = [(t.priority, -t.insertion_id, h) for h, t in ready.items()]
            heapify(self._worst)
            self._worst_new = []
        return replaced

    def _remove_ready_subtree(
        self, hashes: Iterable[bytes], keep_tags: set[bytes] | None = None
    ) -> list[PooledTx]:
        """Remove ready txs and (unless all their tags are in ``keep_tags``) their dependents."""
        ready, provided, best = self._ready, self._provided, self._best
        removed: list[PooledTx] = []
        to_remove = list(hashes)
        while to_remove:
            xt_hash = to_remove.pop()
            tx = ready.pop(xt_hash, None)
            if tx is None:
                continue
            gave_up_tags = False
            for tag in tx.provides:
                if keep_tags is None or tag not in keep_tags:
                    gave_up_tags = True
                    if provided.get(tag) == xt_hash:
                        del provided[tag]
            for tag in tx.requires:
                holder = provided.get(tag)
                if holder is not None:
                    parent = ready.get(holder)
                    if parent is not None and xt_hash in parent._unlocks:
                        parent._unlocks.remove(xt_hash)
            best.pop(xt_hash, None)
            self._ready_bytes -= tx.length
            if gave_up_tags:
                to_remove.extend(tx._unlocks)
            removed.append(tx)
        return removed

    def _prune_ready_tag(self, tag: bytes, removed: list[PooledTx]) -> None:
        """Remove the ready tx providing ``tag`` (now on chain) and, eagerly, its spent ancestors."""
        ready, provided, best = self._ready, self._provided, self._best
        to_prune = [tag]
        while to_prune:
            current = to_prune.pop()
            xt_hash = provided.pop(current, None)
            if xt_hash is None:
                continue
            tx = ready.pop(xt_hash, None)
            if tx is None:
                continue
            best.pop(xt_hash, None)
            for required in tx.requires:
                holder = provided.get(required)
                parent = ready.get(holder) if holder is not None else None
                if parent is None:
                    continue
                if xt_hash in parent._unlocks:
                    parent._unlocks.remove(xt_hash)
                if not parent._unlocks:
                    to_prune.extend(parent.provides)
            for child_hash in tx._unlocks:
                child = ready.get(child_hash)
                if child is not None:
                    child._offset += 1
                    if child._offset >= len(child.requires):
                        best[child_hash] = child
            for other in tx.provides:
                if other != current and provided.get(other) == xt_hash:
                    del provided[other]
            self._ready_bytes -= tx.length
            removed.append(tx)

    def _import_to_ready(self, tx: PooledTx, events: list[tuple[bytes, str, bytes | None]]) -> None:
        """Insert a ready tx and promote the futures it unblocks (raises only for ``tx`` itself)."""
        replaced = self._ready_insert(tx)
        first = tx.hash
        events.append((first, "ready", None))
        losers: list[tuple[PooledTx, bytes]] = [(r, first) for r in replaced]
        promoted: list[PooledTx] = []
        # A stack popped from the end: push in reverse so the oldest submission is promoted first.
        stack = self._satisfy(tx.provides)[::-1] if self._wanted else []
        while stack:
            waiting = stack.pop()
            try:
                replaced = self._ready_insert(waiting)
            except PoolError:
                holder = next((self._provided[t] for t in waiting.provides if t in self._provided), first)
                losers.append((waiting, holder))
                continue
            promoted.append(waiting)
            losers.extend((r, waiting.hash) for r in replaced)
            if self._wanted:
                stack.extend(self._satisfy(waiting.provides)[::-1])
        if losers and any(loser.hash == first for loser, _ in losers):
            # A promoted future replaced the tx that promoted it: the graph has a cycle.
            gone = self._remove_ready_subtree([p.hash for p in promoted if p.hash in self._ready])
            events[:] = [e for e in events if e[0] != first]
            for dropped in [*(loser for loser, _ in losers), *gone]:
                if dropped.hash != first:
                    events.append((dropped.hash, "dropped", None))
            raise PoolError.cycle_detected(first)
        ready = self._ready
        for loser, by in losers:
            events.append((loser.hash, "usurped", by))
        for waiting in promoted:
            if waiting.hash in ready:
                events.append((waiting.hash, "ready", None))

    def _promote(self, tx: PooledTx, events: list[tuple[bytes, str, bytes | None]]) -> None:
        """Import a future tx whose tags got satisfied; a loser is reported, never raised."""
        try:
            self._import_to_ready(tx, events)
        except PoolError as error:
            if error.kind == "TooLowPriority":
                holder = next((self._provided[t] for t in tx.provides if t in self._provided), None)
                events.append((tx.hash, "usurped", holder) if holder else (tx.hash, "dropped", None))
            else:
                events.append((tx.hash, "dropped", None))

    # ---- internals: future queue ---------------------------------------------------------------

    def _future_insert(self, tx: PooledTx) -> None:
        wanted = self._wanted
        xt_hash = tx.hash
        for tag in tx._missing:  # type: ignore[union-attr]
            waiting = wanted.get(tag)
            if waiting is None:
                wanted[tag] = {xt_hash}
            else:
                waiting.add(xt_hash)
        self._future[xt_hash] = tx
        self._future_bytes += tx.length

    def _future_remove(self, xt_hash: bytes) -> PooledTx | None:
        tx = self._future.pop(xt_hash, None)
        if tx is None:
            return None
        wanted = self._wanted
        for tag in tx._missing or ():
            waiting = wanted.get(tag)
            if waiting is not None:
                waiting.discard(xt_hash)
                if not waiting:
                    del wanted[tag]
        self._future_bytes -= tx.length
        return tx

    def _satisfy(self, tags: Iterable[bytes]) -> list[PooledTx]:
        """Mark tags provided; return (and unqueue) the futures that have nothing left missing."""
        wanted, future = self._wanted, self._future
        unblocked: list[PooledTx] = []
        for tag in tags:
            waiting = wanted.pop(tag, None)
            if not waiting:
                continue
            for xt_hash in waiting:
                tx = future[xt_hash]
                missing = tx._missing
                missing.discard(tag)  # type: ignore[union-attr]
                if not missing:
                    del future[xt_hash]
                    self._future_bytes -= tx.length
                    tx._missing = None
                    unblocked.append(tx)
        unblocked.sort(key=_by_seq)
        return unblocked

    def _remove_subtree(self, hashes: list[bytes]) -> list[PooledTx]:
        removed = self._remove_ready_subtree(hashes)
        for xt_hash in hashes:
            tx = self._future_remove(xt_hash)
            if tx is not None:
                removed.append(tx)
        return removed

    # ---- internals: limits ---------------------------------------------------------------------

    def _worst_heap(self) -> list[tuple[int, int, bytes]]:
        """``_worst`` with the pending entries taken in: pushed one by one when they are few, else
        one heapify of the lot."""
        new, heap = self._worst_new, self._worst
        if new:
            if len(new) > len(heap) // 8:
                heap.extend(new)
                heapify(heap)
            else:
                for entry in new:
                    heappush(heap, entry)
            new.clear()
        return heap

    def _worst_evictable(self, protected: set[bytes]) -> PooledTx | None:
        """Lowest-priority ready tx not in ``protected``, the newest among equals.

        The heap is lazy: entries of removed or re-prioritised txs are dropped when met.
        """
        heap, ready = self._worst_heap(), self._ready
        skipped = []
        found = None
        while heap:
            priority, neg_id, xt_hash = heap[0]
            tx = ready.get(xt_hash)
            if tx is None or tx.insertion_id != -neg_id or tx.priority != priority:
                heappop(heap)
            elif xt_hash in protected:
                skipped.append(heappop(heap))
            else:
                found = tx
                break
        for entry in skipped:
            heappush(heap, entry)
        return found

    def _ancestors(self, requires: Iterable[bytes]) -> set[bytes]:
        """Ready txs that must precede a tx with these requirements (evicting one would take it)."""
        provided, ready = self._provided, self._ready
        seen: set[bytes] = set()
        stack = list(requires)
        while stack:
            holder = provided.get(stack.pop())
            if holder is not None and holder not in seen:
                seen.add(holder)
                stack.extend(ready[holder].requires)
        return seen

    def _check_ready_room(self, tx: PooledTx) -> None:
        """Refuse a newcomer to a full ready queue unless it outranks the worst evictable resident."""
        if len(self._ready) < self.max_ready and self._ready_bytes + tx.length <= self.max_bytes:
            return
        provided = self._provided
        if any(tag in provided for tag in tx.provides):
            return  # a replacement frees the slot it takes
        worst = self._worst_evictable(self._ancestors(tx.requires))
        if tx.length > self.max_bytes or worst is None or tx.priority <= worst.priority:
            raise PoolError.pool_full(
                "ready", len(self._ready), self.max_ready, self._ready_bytes, self.max_bytes
            )

    def _make_future_room(self, tx: PooledTx, events: list[tuple[bytes, str, bytes | None]]) -> None:
        if tx.length > self.max_future_bytes or self.max_future <= 0:
            raise PoolError.pool_full(
                "future", len(self._future), self.max_future, self._future_bytes, self.max_future_bytes
            )
        evicted = []
        while self._future and (
            len(self._future) >= self.max_future
            or self._future_bytes + tx.length > self.max_future_bytes
        ):
            oldest = self._future_remove(next(iter(self._future)))
            evicted.append(oldest.hash)  # type: ignore[union-attr]
            events.append((oldest.hash, "dropped", None))  # type: ignore[union-attr]
        self.ban(evicted)

    def _enforce_limits(
        self, events: list[tuple[bytes, str, bytes | None]], newcomer: PooledTx | None = None
    ) -> list[bytes]:
        """Evict worst ready txs (with dependents) and oldest futures until within limits.

        A ``newcomer``'s ancestors are spared (evicting them would take it along); it is evicted
        itself only when nothing else can go.
        """
        dropped: list[bytes] = []
        protected: set[bytes] = set()
        if newcomer is not None:
            protected = self._ancestors(newcomer.requires)
            protected.add(newcomer.hash)
        while len(self._ready) > self.max_ready or self._ready_bytes > self.max_bytes:
            worst = self._worst_evictable(protected)
            if worst is None:
                if newcomer is None or newcomer.hash not in self._ready:
                    break
                worst = newcomer
            dropped.extend(tx.hash for tx in self._remove_ready_subtree([worst.hash]))
        while self._future and (
            len(self._future) > self.max_future or self._future_bytes > self.max_future_bytes
        ):
            dropped.append(self._future_remove(next(iter(self._future))).hash)  # type: ignore[union-attr]
        if dropped:
            self.ban(dropped)
            events.extend((h, "dropped", None) for h in dropped)
        return dropped

    # ---- internals: revalidation ---------------------------------------------------------------

    def _update_in_place(self, tx: PooledTx, validity: ValidTransaction, valid_till: int) -> bool:
        """Apply a new validity that leaves the graph's shape alone; False if a re-import is needed."""
        if _as_tuple(validity.provides) != tx.provides:
            return False
        new = _as_tuple(validity.requires)
        if new != tx.requires:
            if tx.hash not in self._ready:
                return False
            kept = set(new)
            if len(kept) != len(new) or not kept.issubset(tx.requires):
                return False
            dropped = [t for t in tx.requires if t not in kept]
            if any(t in self._provided for t in dropped):
                return False  # still linked to a ready parent
            tx.requires = new
            tx._offset -= len(dropped)
        if validity.priority != tx.priority:
            tx.priority = validity.priority
            if tx.hash in self._ready:
                self._worst_new.append((tx.priority, -tx.insertion_id, tx.hash))
        tx.valid_till = valid_till
        tx.propagate = validity.propagate
        return True

    def _drop_and_reimport(
        self, roots: dict[bytes, str], changed: dict[bytes, tuple[ValidTransaction, int]]
    ) -> list[tuple[bytes, str]]:
        """Remove ``roots`` (banned, ``invalid``) and re-import ``changed`` and all dependents."""
        self._clear_ban_timeouts()
        if not roots and not changed:
            return []
        result: list[tuple[bytes, str]] = []
        events: list[tuple[bytes, str, bytes | None]] = []
        was_ready = {h: h in self._ready for h in (*roots, *changed)}
        self.ban(roots)
        removed = self._remove_subtree([*roots, *changed])
        reimport: list[PooledTx] = []
        for tx in removed:
            reason = roots.get(tx.hash)
            if reason is not None:
                events.append((tx.hash, "invalid", None))
                result.append((tx.hash, reason))
                continue
            was_ready.setdefault(tx.hash, True)  # dependents removed with a subtree were ready
            update = changed.get(tx.hash)
            if update is not None:
                validity, tx.valid_till = update
                tx.priority = validity.priority
                tx.requires = _as_tuple(validity.requires)
                tx.provides = _as_tuple(validity.provides)
                tx.propagate = validity.propagate
            tx._unlocks = []
            reimport.append(tx)
        reimport.sort(key=_by_seq)
        moved: list[tuple[bytes, str, bytes | None]] = []
        for tx in reimport:
            missing = self._missing_tags(tx.requires)
            if missing:
                tx._missing = missing
                self._future_insert(tx)
                moved.append((tx.hash, "future", None))
            else:
                self._promote(tx, moved)
        self._enforce_limits(moved)
        # Report a re-imported tx only if its final status differs from where it started.
        final: dict[bytes, tuple[bytes, str, bytes | None]] = {}
        for event in moved:
            if event[0] in was_ready:
                final[event[0]] = event
            else:
                events.append(event)
                if event[1] in _TERMINAL:
                    result.append((event[0], event[1]))
        for xt_hash, (_, status, by) in final.items():
            if status in _TERMINAL:
                events.append((xt_hash, status, by))
                result.append((xt_hash, status))
            elif (status == "ready") != was_ready[xt_hash]:
                events.append((xt_hash, status, None))
        self._flush(events)
        return result

    def _clear_ban_timeouts(self) -> None:
        banned = self._banned
        now = self._clock()
        while banned and next(iter(banned.values())) <= now:
            banned.popitem(last=False)

    # ---- internals: events ---------------------------------------------------------------------

    def _flush(self, events: list[tuple[bytes, str, bytes | None]]) -> None:
        watchers = self._watchers
        if not watchers or not events:
            return
        for xt_hash, status, by in events:
            if xt_hash not in watchers:
                continue
            event: StatusEvent = {"usurped": _hex(by)} if by is not None else status
            self._emit(xt_hash, event, terminal=status in _TERMINAL)

    def _emit(self, xt_hash: bytes, event: StatusEvent, *, terminal: bool) -> None:
        callbacks = self._watchers.pop(xt_hash, None) if terminal else self._watchers.get(xt_hash)
        for callback in list(callbacks or ()):
            try:
                callback(event)
            except Exception:  # a broken subscriber must not corrupt the pool
                log.exception("transaction status watcher for %s failed", _hex(xt_hash))


def _as_tuple(tags: Iterable[bytes]) -> tuple[bytes, ...]:
    return tags if type(tags) is tuple else tuple(tags)  # type: ignore[return-value]


def _by_seq(tx: PooledTx) -> int:
    return tx.seq
