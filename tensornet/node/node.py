"""The node: wires the block store, two runtimes, the pool, the builder and the sealing loop.

One runtime executes blocks; a second one answers queries (state_call, validation), so a query
never sees a half-built block. Everything runs on one asyncio loop: submitting validates against
the head and enters the pool; sealing builds a block from the pool, commits it atomically, prunes
and revalidates the pool, and tells listeners (RPC subscriptions) about the new head.
"""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import CancelledError, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

from tensornet.chain.builder import BlockBuilder, BuiltBlock, paused_gc
from tensornet.chain.genesis import genesis_block
from tensornet.chain.runtime_apis import ApiContext
from tensornet.chain.runtime_def import build_runtime
from tensornet.chain.shield_proposer import ShieldProposer, dev_author_keypair
from tensornet.chain.spec import ChainSpec, account_id
from tensornet.chain.store import ChainStore, DatabaseError
from tensornet.chain.txpool import PooledTx, PoolError, TxPool
from tensornet.primitives.hashing import blake2_256
from tensornet.node.intake import SubmissionIntake
from tensornet.node.warm import KernelWarmUp
from tensornet.runtime.executive import DecodedHandoff, Executive, VerifiedSignatures, nonce_tag
from tensornet.runtime.extrinsic import MalformedExtrinsic
from tensornet.runtime.runtime import RuntimeConfig
from tensornet.runtime.validity import TransactionValidityError

if TYPE_CHECKING:
    from tensornet.node.preparer import TransactionPreparer

log = logging.getLogger("tensornet.node")

BlockListener = Callable[[BuiltBlock], None]
#: chunks of a batch being prepared by the workers: (end index in the batch, future of its answer)
PreparedBatch = list[tuple[int, "Future[list]"]]
#: every this many blocks the whole pool is revalidated, not only the senders a block touched
FULL_REVALIDATION_EVERY = 16


@dataclass
class NodeConfig:
    spec: ChainSpec
    base_path: str | None = None      # None = in memory
    sealing: str | None = None        # "instant" | "manual" | "<ms>"; None = the spec's default
    rpc_host: str = "127.0.0.1"
    rpc_port: int = 9944
    rpc_methods: str = "auto"
    rpc_cors: list[str] | None = field(default_factory=lambda: __import__("tensornet.rpc.server", fromlist=["DEFAULT_CORS"]).DEFAULT_CORS)
    rpc_max_connections: int = 100
    #: processes that run the stateless checks (decoding, signature, fee) of batches of transactions:
    #: ``submit_many``'s and bursts of RPC submissions (0 = everything in process)
    verify_workers: int = 0


@dataclass
class SealingMode:
    kind: str            # "instant" | "manual" | "interval"
    interval_ms: int = 0

    @classmethod
    def parse(cls, text: str) -> "SealingMode":
        if text in ("instant", "manual"):
            return cls(text)
        try:
            ms = int(text)
        except ValueError:
            raise ValueError(f"--sealing must be instant, manual or a block interval in ms, got {text!r}") from None
        if ms <= 0:
            raise ValueError("the sealing interval must be positive")
        return cls("interval", ms)


class Node:
    def __init__(self, config: NodeConfig) -> None:
        self.config = config
        self.spec = config.spec
        self.sealing = SealingMode.parse(config.sealing or self.spec.sealing)
        runtime_config = RuntimeConfig(block_time_ms=self.spec.block_time_ms, fast=self.spec.fast_runtime,
                                       allow_loopback_axons=self.spec.allow_loopback_axons)
        self.runtime = build_runtime(runtime_config)        # executes blocks
        self.query_runtime = build_runtime(runtime_config)  # answers queries and validates
        self.store = ChainStore.open(config.base_path)
        self._init_genesis()
        author = account_id(self.spec.genesis.authority) if self.spec.genesis.authority else None
        self.author = author
        # one cache: a signature the pool verified is not verified again when the block includes it
        # and a transaction the pool decoded is handed to the builder instead of being decoded again
        self.signatures = VerifiedSignatures()
        handoff = DecodedHandoff()
        self.executive = Executive(self.runtime, self.genesis_hash, self.store.hash_of, author,
                                   signatures=self.signatures, handoff=handoff)
        self.query_executive = Executive(self.query_runtime, self.genesis_hash, self.store.hash_of, author,
                                         signatures=self.signatures, handoff=handoff)
        self._preparer = None
        #: RPC submissions gathered into batches for the workers (None: each is checked in process)
        self.intake: SubmissionIntake | None = None
        if config.verify_workers > 0:
            self._workers().warm()  # at boot, not in the middle of the first batch
            self.intake = SubmissionIntake(self)
        #: the MEV shield's author key and proposer steps; only an author has them
        self.shield = ShieldProposer(dev_author_keypair(self.genesis_hash, author)) if author is not None else None
        self.builder = BlockBuilder(self.store, self.executive, shield=self.shield)
        self.pool = TxPool()
        self.block_listeners: list[BlockListener] = []
        self.time_offset_ms = 0
        #: the next block's exact timestamp when pinned by dev_setTime (later blocks follow the offset)
        self.next_timestamp_ms: int | None = None
        self._metadata = None
        self._seal_wanted: asyncio.Event | None = None
        self._sealing_task: asyncio.Task | None = None
        self._rpc = None
        #: loads the Yuma kernels before the first epoch needs them, from ``start`` on
        self.kernel_warm_up: KernelWarmUp | None = None

    # --- genesis -------------------------------------------------------------------------------
    def _init_genesis(self) -> None:
        header, changes, nodes = genesis_block(self.runtime, self.spec)
        if self.store.is_empty:
            self.store.commit_genesis(header, changes, nodes, self.spec.canonical_bytes())
        elif self.store.genesis_hash != header.hash:
            raise DatabaseError(
                f"the database at {self.config.base_path} belongs to another chain (genesis "
                f"0x{self.store.genesis_hash.hex()}, this spec's is 0x{header.hash.hex()}); use --purge "
                "or another --base-path")
        else:
            self._check_same_rules()
        self.genesis_hash: bytes = self.store.genesis_hash  # type: ignore[assignment]

    #: spec fields that change how blocks are executed; presets can share a genesis state yet differ here
    _RULE_FIELDS = ("id", "preset", "block_time_ms", "fast_runtime", "allow_loopback_axons", "genesis")

    def _check_same_rules(self) -> None:
        """Refuse to continue a chain under different runtime rules than it was created with."""
        import json

        raw = self.store.stored_spec()
        if raw is None:
            return
        stored = json.loads(raw)
        current = json.loads(self.spec.canonical_bytes())
        differ = [f for f in self._RULE_FIELDS if stored.get(f) != current.get(f)]
        if differ:
            raise DatabaseError(
                f"the database at {self.config.base_path} was created from chain spec "
                f"{stored.get('id')!r} (preset {stored.get('preset')!r}); this one differs in {', '.join(differ)}. "
                "Start with the same --preset/--chain, or use another --base-path")

    @property
    def metadata(self):
        if self._metadata is None:
            from tensornet.runtime.metadata import build_metadata

            self._metadata = build_metadata(self.query_runtime)
        return self._metadata

    # --- queries --------------------------------------------------------------------------------
    @property
    def head(self):
        return self.store.head

    def resolve_block(self, block_hash: bytes | None) -> bytes:
        """The hash to use for a query: the head when None; raises KeyError for unknown blocks."""
        if block_hash is None:
            return self.store.head_hash  # type: ignore[return-value]
        if self.store.header(block_hash) is None:
            raise KeyError("0x" + block_hash.hex())
        return block_hash

    def state_at(self, block_hash: bytes | None = None):
        state = self.store.state_at(self.resolve_block(block_hash))
        return state

    def call_api(self, name: str, args: bytes, block_hash: bytes | None = None) -> bytes:
        """``state_call``: run runtime API ``name`` at the block."""
        from tensornet.storage.overlay import Overlay

        h = self.resolve_block(block_hash)
        header = self.store.header(h)
        state = Overlay(self.store.state_at(h))  # queries may write scratch state; it is discarded
        rt = self.query_runtime
        with rt.at(state, header.number):
            ctx = ApiContext(rt, self.query_executive, state, header.number, self.metadata)
            return self.api_registry.call(name, args, ctx)

    @property
    def api_registry(self):
        from tensornet.runtime.apis import ApiRegistry

        if not hasattr(self, "_api_registry"):
            self._api_registry = ApiRegistry(list(self.query_runtime.apis))
        return self._api_registry

    def account_nonce(self, who: bytes) -> int:
        """Pool-aware next nonce (``account_nextIndex``)."""
        rt = self.query_runtime
        with rt.at(self.store.state_at(None), self.head.number):
            state_nonce = rt.pallets["System"].account_nonce(who)
        return self.pool.next_nonce(who, state_nonce, nonce_tag)

    # --- transactions -----------------------------------------------------------------------------
    def submit(self, raw: bytes) -> bytes:
        """Validate against the head and add to the pool; raises TransactionValidityError,
        MalformedExtrinsic or PoolError. Returns the extrinsic hash."""
        xt_hash = blake2_256(raw)
        self.pool.check_known(xt_hash)
        head = self.head
        _, valid = self.query_executive.validate_transaction(raw, self.store.state_at(None), head.number)
        self.pool.submit(xt_hash, raw, valid, head.number)
        if self.sealing.kind == "instant" and self._seal_wanted is not None:
            self._seal_wanted.set()
        return xt_hash

    def submit_many(self, raws: list[bytes], prepared: "PreparedBatch | None" = None) -> list[Exception | None]:
        """Submit a batch; returns, per transaction, None or the error ``submit`` would have raised.

        With ``verify_workers`` the batch's stateless checks (decoding, signature, weight and fee)
        run in a process pool, chunk by chunk, and each chunk's transactions are admitted as soon
        as its answer is back (handed over decoded, their signatures found verified) while the
        workers prepare the next chunks; the order of admission is the batch's, exactly as
        without workers. ``prepared``: what ``prepare(raws)`` started earlier for these very bytes
        (the workers then ran while the node did something else, such as sealing a block)."""
        out: list[Exception | None] = []
        if prepared is None:
            prepared = self.prepare(raws)
        with paused_gc():  # a batch is bounded work, like a block (see paused_gc)
            if prepared is not None:
                done = 0
                for end in self._collect(prepared):
                    self._submit_each(raws[done:end], out)
                    done = end
            else:
                self._submit_each(raws, out)
        return out

    def _submit_each(self, raws: list[bytes], out: list[Exception | None]) -> None:
        for raw in raws:
            try:
                self.submit(raw)
                out.append(None)
            except (TransactionValidityError, MalformedExtrinsic, PoolError) as exc:
                out.append(exc)

    #: transactions per worker job: small enough that the first answer comes back soon, large enough
    #: that pickling and scheduling stay a small part of a job
    PREPARE_CHUNK = 256
    #: how many blocks before the current one a worker knows the hashes of (mortal eras sign their
    #: birth block's; a transaction born earlier is checked by the node itself)
    WORKER_BIRTH_WINDOW = 256

    def _workers(self) -> "TransactionPreparer":
        """The transaction workers, started on first use (or at boot, see ``__init__``)."""
        from tensornet.node.preparer import TransactionPreparer

        if self._preparer is None:
            self._preparer = TransactionPreparer(self.config.verify_workers, self.runtime.config,
                                                 self.genesis_hash)
        return self._preparer

    def prepare(self, raws: list[bytes], chunk: int | None = None, least: int = 64) -> "PreparedBatch | None":
        """Start the stateless checks of ``raws`` in the worker processes, ``chunk`` transactions per
        job (``PREPARE_CHUNK`` by default), and return at once; None without workers or for a batch
        of fewer than ``least``, too small to be worth it. Hand the result to ``submit_many`` with
        the same bytes: anything that changed meanwhile (a new head) is checked again there."""
        if self.config.verify_workers <= 0 or len(raws) < least:
            return None
        workers = self._workers()
        current = self.head.number + 1
        recent = {n: self.store.hash_of(n) for n in range(max(0, current - self.WORKER_BIRTH_WINDOW), current)}
        chunk = chunk or self.PREPARE_CHUNK
        try:
            return [(min(start + chunk, len(raws)), workers.start(raws[start:start + chunk], current, recent))
                    for start in range(0, len(raws), chunk)]
        except BrokenProcessPool:  # a worker died since the last batch: this one is checked in process
            self._drop_broken_workers()
            return None

    def _drop_broken_workers(self) -> None:
        """Forget a pool whose worker died; the next batch starts new workers."""
        if self._preparer is not None:
            log.warning("a transaction worker died; the next batch starts new ones")
            self.close_workers()

    def _collect(self, prepared: "PreparedBatch") -> Iterator[int]:
        """Hand each prepared chunk over to validation as its answer arrives; yields ``end`` each time
        every transaction before ``raws[end]`` is ready to be submitted."""
        handoff = self.query_executive.handoff
        for end, future in prepared:
            try:
                xts = future.result()
            except BrokenProcessPool:  # a worker died: the node checks this chunk itself
                self._drop_broken_workers()
                xts = ()
            except CancelledError:  # the workers were shut down meanwhile: the node checks it itself
                xts = ()
            for xt in xts:
                if xt is not None:
                    handoff.put(xt)
            yield end

    def close_workers(self) -> None:
        if self._preparer is not None:
            self._preparer.close()
            self._preparer = None

    # --- sealing ----------------------------------------------------------------------------------
    def _timestamp(self) -> int:
        rt = self.query_runtime
        with rt.at(self.store.state_at(None), self.head.number):
            prev = rt.pallets["Timestamp"].Now.get()
        now = self.next_timestamp_ms if self.next_timestamp_ms is not None else \
            int(time.time() * 1000) + self.time_offset_ms
        return max(now, prev + rt.minimum_period_ms) if prev else now

    def seal_block(self) -> BuiltBlock:
        """Build, commit and announce one block now."""
        built = self.builder.build(self.pool.ready(), self._timestamp())
        self.next_timestamp_ms = None  # a pinned time (dev_setTime) holds for one block only
        self.store.commit_block(built.block, built.changes, built.trie_nodes, built.tx_hashes)
        self._after_block(built)
        return built

    def import_block(self, block) -> BuiltBlock:
        """Replay a block from elsewhere (a file, a peer) on the head, commit it if its roots match,
        and announce it as a sealed one; raises ``tensornet.chain.importer.BadBlock`` otherwise."""
        from tensornet.chain.importer import import_block

        built = import_block(self.store, self.executive, block)
        self._after_block(built)
        return built

    def _after_block(self, built: BuiltBlock) -> None:
        block_hash = built.hash
        included = [h for h, _ in built.applied]
        self.pool.prune(included, [])
        for h, exc in built.rejected:
            self.pool.remove([h])
        self.pool.notify_in_block(included, block_hash)
        self.pool.notify_finalized(block_hash, included)
        self._revalidate(built)
        for listener in list(self.block_listeners):
            try:
                listener(built)
            except Exception:  # a broken subscriber must never stop block production
                log.exception("block listener failed")

    def _revalidate(self, built: BuiltBlock | None = None) -> None:
        """Re-check the pool against the new head.

        A signed transaction's validity depends on its sender's account (nonce, balance), the block
        number (mortality, handled by the pool's longevity) and the runtime. So after an ordinary
        block a transaction is validated again only if its sender's ``System.Account`` entry changed
        and it may have become stale or payable now (see ``_unchanged_validity``); every
        ``FULL_REVALIDATION_EVERY`` blocks, or when the pool is small, all are. This keeps a flood of
        submissions under instant sealing linear instead of quadratic.
        """
        if not len(self.pool):
            return
        head = self.head
        state = self.store.state_at(None)
        keep = None
        if built is not None and len(self.pool) > 256 and head.number % FULL_REVALIDATION_EVERY:
            keep = self._unchanged_validity(built, state)

        def validate(raw: bytes):
            return self.query_executive.validate_transaction(raw, state, head.number)[1]

        self.pool.revalidate(validate, head.number, keep)

    def _unchanged_validity(self, built: BuiltBlock, state) -> Callable[[PooledTx], bool]:
        """A predicate for pooled transactions whose validity ``built`` cannot have changed.

        That is a transaction whose sender's account the block left alone, or one still waiting for
        an earlier nonce of a sender whose account stays alive: validation checks the fee only for
        the next nonce, so such a transaction's tags, priority and longevity are exactly as before.
        Everything else (now stale, now next in line, a reaped sender) is validated again."""
        accounts = self.query_runtime.pallets["System"].Account.item
        prefix = accounts.prefix
        touched = {k[-32:] for k in built.changes if len(k) == len(prefix) + 48 and k.startswith(prefix)}
        live_nonce: dict[bytes, int | None] = {}  # sender -> account nonce, None when accountless

        def keep(tx: PooledTx) -> bool:
            if len(tx.provides) != 1 or len(tx.provides[0]) != 36:
                return False  # not a signed transaction's (sender, nonce) tag
            tag = tx.provides[0]
            who = tag[:32]
            if who not in touched:
                return True
            if who not in live_nonce:
                info = accounts.try_get(state, who)
                live = info is not None and (info["providers"] or info["sufficients"])
                live_nonce[who] = info["nonce"] if live else None
            nonce = live_nonce[who]
            return nonce is not None and int.from_bytes(tag[32:], "little") > nonce

        return keep

    def seal_blocks(self, count: int) -> list[BuiltBlock]:
        return [self.seal_block() for _ in range(count)]

    def prime_shield(self) -> int:
        """Seal blocks until ``MevShield.NextKey`` is on chain, so that a client can encrypt at once
        (btcli and the SDK shield by default) even when nothing else makes blocks (instant sealing).
        The key pipeline needs two blocks on a fresh chain; returns how many were sealed."""
        if self.shield is None:
            return 0
        sealed = 0
        while sealed < 3:
            rt = self.query_runtime
            with rt.at(self.store.state_at(None), self.head.number):
                if rt.pallets["MevShield"].NextKey.get() == self.shield.keypair.enc_key:
                    return sealed
            self.seal_block()
            sealed += 1
        return sealed

    #: instant sealing gathers a burst of submissions into one block, but seals at least this often…
    INSTANT_GATHER_S = 0.05
    #: …or once this many transactions wait, so that a steady flood still gets blocks
    INSTANT_GATHER_MAX = 1024
    #: event-loop turns a frame already read from a socket needs to reach ``submit`` (read, dispatch)
    _TURNS_TO_SUBMIT = 3

    async def _until_submissions_pause(self) -> None:
        """Under instant sealing, let the submissions already on their way in (read from the RPC
        sockets, not yet dispatched) reach the pool before building: a burst then makes one block
        instead of one per event-loop turn, and every per-block cost is paid once for the burst.
        Returns when some turns pass without a submission, or at the bounds above."""
        assert self._seal_wanted is not None
        deadline = time.monotonic() + self.INSTANT_GATHER_S
        while len(self.pool) < self.INSTANT_GATHER_MAX and time.monotonic() < deadline:
            self._seal_wanted.clear()
            for _ in range(self._TURNS_TO_SUBMIT):
                await asyncio.sleep(0)
            if not self._seal_wanted.is_set():
                return
        self._seal_wanted.clear()

    async def _sealing_loop(self) -> None:
        mode = self.sealing
        assert self._seal_wanted is not None
        while True:
            try:
                if mode.kind == "interval":
                    started = time.monotonic()
                    self.seal_block()
                    elapsed = time.monotonic() - started
                    await asyncio.sleep(max(mode.interval_ms / 1000 - elapsed, 0))
                elif mode.kind == "instant":
                    await self._seal_wanted.wait()
                    await self._until_submissions_pause()
                    while any(True for _ in self.pool.ready()):
                        self.seal_block()
                        await self._until_submissions_pause()
                else:
                    await asyncio.Event().wait()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("sealing failed; retrying")
                await asyncio.sleep(0.5)

    # --- lifecycle ----------------------------------------------------------------------------------
    async def start(self, serve_rpc: bool = True) -> None:
        self._seal_wanted = asyncio.Event()
        if serve_rpc:
            from tensornet.rpc.api import build_server

            self._rpc = build_server(self)
            await self._rpc.start()
        self._sealing_task = asyncio.create_task(self._sealing_loop(), name="sealing")
        if self.kernel_warm_up is None:
            self.kernel_warm_up = KernelWarmUp(self)
            self.block_listeners.append(self.kernel_warm_up)
        self.kernel_warm_up()

    @property
    def rpc_port(self) -> int | None:
        return getattr(self._rpc, "port", None)

    async def stop(self) -> None:
        if self._sealing_task is not None:
            self._sealing_task.cancel()
            try:
                await self._sealing_task
            except (asyncio.CancelledError, Exception):
                pass
            self._sealing_task = None
        if self._rpc is not None:
            await self._rpc.stop()
            self._rpc = None
        self.close_workers()
        self.store.close()
