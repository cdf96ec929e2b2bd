"""Devnet powers on a running node: seal on demand, rewrite balances or storage, snapshot and revert.

Every state change goes through a sealed block: a power queues an edit, and the edit runs at the
next block's initialisation (right after the pallets' ``on_initialize``), so it lands in that
block's state root and undo journal like any transaction. Clients that verify roots or replay
blocks stay consistent, and ``revert_to`` can undo a power like anything else.

A snapshot id is the hash of the head block when it was taken: it needs no bookkeeping, survives a
restart of an on-disk devnet, and stops resolving once its block has been reverted away.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tensornet.chain.builder import BuiltBlock
from tensornet.runtime.executive import Executive
from tensornet.runtime.runtime import Runtime

Edit = Callable[[Runtime], None]
U64_MAX = 2**64 - 1


class DevError(ValueError):
    """A dev power was asked for something impossible (unknown snapshot, subnet without epochs…)."""


class DevExecutive(Executive):
    """The node's executive plus queued dev edits. The block run takes them right after the block's
    initialisation, applies them, and records their writes and events in the block's digest
    (``tensornet.chain.dev_digest``) so the block can be replayed by an importer."""

    def __init__(self, base: Executive) -> None:
        super().__init__(base.runtime, base.genesis_hash, base.block_hash, base.author, base.codec)
        self.pending: list[Edit] = []

    def take_pending_edits(self) -> list[Edit]:
        edits, self.pending = self.pending, []
        return edits


@dataclass(frozen=True)
class EpochRun:
    """Where ``advance_to_epoch`` stopped: the block whose initialisation ran the subnet's epoch."""

    netuid: int
    block: int
    sealed: int


class DevTools:
    """The powers behind the ``dev_*`` RPC namespace and ``tensornet.testing``."""

    def __init__(self, node) -> None:
        self.node = node
        executive = node.executive if isinstance(node.executive, DevExecutive) else DevExecutive(node.executive)
        node.executive = executive
        node.builder.executive = executive
        self.executive: DevExecutive = executive

    # --- blocks -------------------------------------------------------------------------------
    def new_blocks(self, count: int = 1) -> list[BuiltBlock]:
        """Seal ``count`` blocks now, whatever the sealing mode."""
        if count < 1:
            raise DevError("count must be at least 1")
        return self.node.seal_blocks(count)

    def seal_with(self, edits: Iterable[Edit]) -> BuiltBlock:
        self.executive.pending.extend(edits)
        try:
            return self.node.seal_block()
        finally:
            self.executive.pending.clear()

    # --- state edits --------------------------------------------------------------------------
    def set_balance(self, who: bytes, free: int) -> BuiltBlock:
        """Set ``who``'s free balance (TotalIssuance follows, a ``Balances.BalanceSet`` event records it)."""
        if not 0 <= free <= U64_MAX:
            raise DevError("a balance is a u64 number of rao")

        def edit(rt: Runtime) -> None:
            balances = rt.pallets["Balances"]
            balances.set_free_balance(who, free)
            balances.deposit_event("BalanceSet", {"who": who, "free": balances.free_balance(who)})

        return self.seal_with([edit])

    def set_storage(self, items: Iterable[tuple[bytes, bytes | None]]) -> BuiltBlock:
        """Write raw storage (value None deletes the key)."""
        items = list(items)

        def edit(rt: Runtime) -> None:
            state = rt.env.state
            for key, value in items:
                if value is None:
                    state.delete(key)
                else:
                    state.put(key, value)

        return self.seal_with([edit])

    def fund_at_least(self, grants: Iterable[tuple[bytes, int]]) -> BuiltBlock | None:
        """Raise each account's free balance to at least the amount (idempotent across restarts of
        an on-disk devnet); seals one block if anything changes."""
        grants = list(grants)
        node = self.node
        rt = node.query_runtime
        with rt.at(node.store.state_at(None), node.head.number):
            needed = [(who, rao) for who, rao in grants if rt.pallets["Balances"].free_balance(who) < rao]
        if not needed:
            return None
        for _, rao in needed:
            if not 0 <= rao <= U64_MAX:
                raise DevError("a balance is a u64 number of rao")

        def edit(rt: Runtime) -> None:
            balances = rt.pallets["Balances"]
            for who, rao in needed:
                balances.set_free_balance(who, rao)
                balances.deposit_event("BalanceSet", {"who": who, "free": rao})

        return self.seal_with([edit])

    # --- calls as any origin --------------------------------------------------------------------
    def dispatch(self, calls: Iterable[tuple[str, str, dict, bytes | None]]) -> BuiltBlock:
        """Seal one block that dispatches each ``(pallet, call, args, signer)`` (signer None = root)
        with no signature and no fee; the first DispatchError is raised as DevError after sealing
        (calls before it stay applied, the failing one is rolled back, later ones are skipped)."""
        from tensornet.runtime.dispatch import DispatchError, Origin

        calls = list(calls)
        failure: list[str] = []

        def edit(rt: Runtime) -> None:
            for pallet, name, args, signer in calls:
                try:
                    value = rt.decode_call(rt.encode_call(pallet, name, args))
                except (KeyError, ValueError, TypeError) as exc:
                    failure.append(f"{pallet}.{name} is not available in this runtime ({exc})")
                    return
                origin = Origin.root() if signer is None else Origin.signed(signer)
                try:
                    rt.dispatch(value, origin)
                except DispatchError as exc:
                    failure.append(f"{pallet}.{name} failed: {exc.describe()}")
                    return

        built = self.seal_with([edit])
        if failure:
            raise DevError(failure[0])
        return built

    def ensure_subnets(self, up_to: int, owner: bytes | None = None, owner_hotkey: bytes | None = None) -> list[int]:
        """Make subnets 1..``up_to`` exist and be ready for a test: registered by ``owner`` (Alice by
        default), started, commit-reveal off, emission on, weights rate limit 0, and the chain's admin
        freeze window 0. Returns the netuids."""
        from tensornet.primitives.keys import dev_keypair, keypair_from_uri

        owner = owner or dev_keypair("Alice").public
        owner_hotkey = owner_hotkey or keypair_from_uri("//Alice_hk").public
        node = self.node
        rt = node.query_runtime
        with rt.at(node.store.state_at(None), node.head.number):
            st = self._subtensor(rt)
            existing = {n for n in range(up_to + 1) if st.NetworksAdded.get(n)}
        for _ in range(up_to + 1 - len(existing)):
            self.dispatch([("SubtensorModule", "register_network", {"hotkey": owner_hotkey}, owner)])
        with rt.at(node.store.state_at(None), node.head.number):
            st = self._subtensor(rt)
            missing = [n for n in range(1, up_to + 1) if not st.NetworksAdded.get(n)]
            unstarted = [(n, st.SubnetOwner.get(n)) for n in range(1, up_to + 1)
                         if st.FirstEmissionBlockNumber.try_get(n) is None]
        if missing:
            raise DevError(f"could not create subnets {missing} (netuids are taken in order)")
        # the admin freeze window (the last blocks before each epoch) would refuse hyperparameter
        # changes for most of a 10-block tempo; a devnet opens it, as localnet users do by hand
        calls: list[tuple[str, str, dict, bytes | None]] = [
            ("AdminUtils", "sudo_set_admin_freeze_window", {"window": 0}, None)]
        for n, subnet_owner in unstarted:  # start_call is owner-only, as on the real chain
            calls.append(("SubtensorModule", "start_call", {"netuid": n}, subnet_owner))
        for n in range(1, up_to + 1):
            calls += [("AdminUtils", "sudo_set_commit_reveal_weights_enabled", {"netuid": n, "enabled": False}, None),
                      ("AdminUtils", "sudo_set_subnet_emission_enabled", {"netuid": n, "enabled": True}, None),
                      ("AdminUtils", "sudo_set_weights_set_rate_limit", {"netuid": n, "weights_set_rate_limit": 0},
                       None)]
        self.dispatch(calls)
        return list(range(1, up_to + 1))

    # --- time -----------------------------------------------------------------------------------
    def set_time(self, timestamp_ms: int) -> int:
        """Make the next block's timestamp ``timestamp_ms`` (clocks only move forward: the runtime
        still enforces the previous timestamp plus the minimum period)."""
        if timestamp_ms < 0:
            raise DevError("a timestamp is milliseconds since the Unix epoch")
        self.node.time_offset_ms = timestamp_ms - int(time.time() * 1000)
        self.node.next_timestamp_ms = timestamp_ms
        return self.node._timestamp()

    # --- snapshots ------------------------------------------------------------------------------
    def snapshot(self) -> str:
        return "0x" + self.node.store.head_hash.hex()

    def revert(self, snapshot_id: str) -> int:
        """Make the snapshot's block the head again; returns the number of blocks removed."""
        try:
            block_hash = bytes.fromhex(snapshot_id.removeprefix("0x"))
        except (ValueError, AttributeError):
            raise DevError(f"malformed snapshot id {snapshot_id!r}") from None
        store = self.node.store
        header = store.header(block_hash)
        if header is None or store.hash_of(header.number) != block_hash:
            raise DevError(f"snapshot {snapshot_id} is not on the chain any more (reverted past it?)")
        removed = store.revert_to(header.number)
        self.executive.pending.clear()
        self.node._revalidate()
        return removed

    # --- epochs ---------------------------------------------------------------------------------
    def _subtensor(self, rt: Runtime):
        pallet = rt.pallets.get("SubtensorModule")
        if pallet is None:
            raise DevError("this runtime has no SubtensorModule, so there are no epochs")
        return pallet

    def epoch_bound(self, netuid: int) -> tuple[int, int]:
        """(tempo, the step block recorded for the subnet's last epoch); raises for unknown subnets."""
        node = self.node
        rt = node.query_runtime
        with rt.at(node.store.state_at(None), node.head.number):
            st = self._subtensor(rt)
            if not st.NetworksAdded.get(netuid):
                raise DevError(f"subnet {netuid} does not exist")
            tempo = st.Tempo.get(netuid)
            return tempo, _last_epoch_block(st, netuid)

    def advance_to_epoch(self, netuid: int, progress: Callable[[int], None] | None = None) -> EpochRun:
        """Seal blocks until subnet ``netuid``'s next epoch has run (in the last sealed block)."""
        if netuid == 0:
            raise DevError("the root subnet (0) runs no epochs; pick a subnet such as 1")
        tempo, last = self.epoch_bound(netuid)
        if tempo == 0:
            raise DevError(f"subnet {netuid} has tempo 0: it never runs an epoch")
        node = self.node
        limit = 2 * (tempo + 1) + 64  # a full period plus room for MaxEpochsPerBlock deferrals
        for sealed in range(1, limit + 1):
            built = node.seal_block()
            if progress is not None:
                progress(sealed)
            rt = node.query_runtime
            with rt.at(node.store.state_at(None), node.head.number):
                now = _last_epoch_block(self._subtensor(rt), netuid)
            if now != last and now == built.block.header.number:
                return EpochRun(netuid, now, sealed)
        raise DevError(f"subnet {netuid} ran no epoch within {limit} blocks (is it started? is its tempo set?)")


def _last_epoch_block(subtensor, netuid: int) -> int:
    """The block of the subnet's last epoch, from the item the real chain records it in."""
    for name in ("LastMechansimStepBlock", "LastEpochBlock"):
        item = getattr(subtensor, name, None)
        if item is not None:
            return item.get(netuid)
    raise DevError("SubtensorModule records no epoch blocks (LastMechansimStepBlock is missing)")


def enable(node) -> DevTools:
    """Give ``node`` its dev powers and the ``dev_*`` RPC namespace (call before ``node.start``)."""
    tools = getattr(node, "devtools", None)
    if tools is None:
        from tensornet.rpc import dev

        tools = DevTools(node)
        node.devtools = tools
        extra = list(getattr(node, "extra_rpc_namespaces", ()))
        if dev not in extra:
            extra.append(dev)
        node.extra_rpc_namespaces = extra
    return tools
