"""Stake locks and conviction (subtensor's ``staking/lock.rs``): a coldkey locks part of its alpha on
a subnet to one hotkey; the locked mass decays back (unless the lock is perpetual) while it matures
into conviction, and the hotkey with the most conviction on a year-old subnet becomes its owner.

Storage: ``Lock`` (coldkey, netuid, hotkey) holds each coldkey's lock; four aggregate buckets per
subnet (``HotkeyLock`` / ``DecayingHotkeyLock`` per hotkey, ``OwnerLock`` / ``DecayingOwnerLock``
for the owner hotkey) hold their sums, rolled forward lazily; ``LockingColdkeys`` indexes the
coldkeys locking to a hotkey. Locked alpha cannot be unstaked (``StakeUnavailable``); it follows
stake transfers and key swaps. The maths is ``lock_model``; this part class reads and writes it.
"""
from __future__ import annotations

from tensornet.primitives.scale import AccountId, Bool
from tensornet.runtime.dispatch import Weight
from tensornet.runtime.pallet import call

from . import lock_model as lm
from .types import AlphaBalance, NetUid

#: AccountFlags bit: the coldkey accepts locked alpha (from stake transfers and coldkey swaps)
ACCOUNT_FLAGS_ACCEPT_LOCKED_ALPHA = 1
_DEFAULT_ACCOUNT = bytes(32)
_NET = ("netuid", NetUid, "NetUid")
_LOCK_STAKE = Weight.db(115_995_000, reads=17, writes=3, proof_size=7655)
_MOVE_LOCK = Weight.db(149_819_000, reads=14, writes=6, proof_size=7339)
_SET_PERPETUAL = Weight.db(0, reads=4, writes=3)
_SET_REJECT = Weight.db(0, reads=1, writes=1)


class LockOps:
    """Part class of SubtensorModule: stake locks, their calls and their hooks into staking."""

    # --- reading and writing a model ----------------------------------------------------------
    def _lock_rates(self) -> tuple[int, int]:
        return self.UnlockRate.get(), self.MaturityRate.get()

    def is_subnet_owner_hotkey(self, netuid: int, hotkey: bytes) -> bool:
        return hotkey == self.SubnetOwnerHotkey.get(netuid)

    def is_perpetual_lock(self, coldkey: bytes, netuid: int) -> bool:
        return self.DecayingLock.try_get(coldkey, netuid) is False

    def _model_for_hotkey(self, coldkey: bytes, netuid: int, hotkey: bytes, now: int) -> lm.ConvictionModel:
        def stored(lock: dict | None) -> dict:
            return lock if lock is not None else lm.empty_lock(now)
        return lm.ConvictionModel(
            self.is_subnet_owner_hotkey(netuid, hotkey), self.is_perpetual_lock(coldkey, netuid),
            stored(self.Lock.try_get(coldkey, netuid, hotkey)),
            {"perpetual_general": stored(self.HotkeyLock.try_get(netuid, hotkey)),
             "decaying_general": stored(self.DecayingHotkeyLock.try_get(netuid, hotkey)),
             "perpetual_owner": stored(self.OwnerLock.try_get(netuid)),
             "decaying_owner": stored(self.DecayingOwnerLock.try_get(netuid))})

    def _model(self, coldkey: bytes, netuid: int, now: int) -> tuple[bytes, lm.ConvictionModel] | None:
        """The coldkey's lock on the subnet (its first ``Lock`` row) as a model, or None."""
        if self._no_locks():
            return None  # every stake and unstake asks: the common answer without a prefix scan
        for (hotkey,), _lock in self.Lock.iter(coldkey, netuid):
            return hotkey, self._model_for_hotkey(coldkey, netuid, hotkey, now)
        return None

    def _no_locks(self) -> bool:
        """No ``Lock`` row exists at all (answered cheaply by an overlay; false when unsure)."""
        is_empty = getattr(self.env.state, "item_is_empty", None)
        return is_empty is not None and is_empty(self.Lock.item.prefix)

    def _save_model(self, coldkey: bytes, netuid: int, hotkey: bytes, model: lm.ConvictionModel) -> None:
        dirty, aggregates = model.dirty, model.aggregates
        if "individual" in dirty:
            self.insert_lock_state(coldkey, netuid, hotkey, model.individual)
        if "perpetual_general" in dirty:
            self._put_aggregate(self.HotkeyLock, (netuid, hotkey), aggregates["perpetual_general"])
        if "decaying_general" in dirty:
            self._put_aggregate(self.DecayingHotkeyLock, (netuid, hotkey), aggregates["decaying_general"])
        if "perpetual_owner" in dirty:
            self._put_aggregate(self.OwnerLock, (netuid,), aggregates["perpetual_owner"])
        if "decaying_owner" in dirty:
            self._put_aggregate(self.DecayingOwnerLock, (netuid,), aggregates["decaying_owner"])

    def insert_lock_state(self, coldkey: bytes, netuid: int, hotkey: bytes, lock: dict) -> None:
        if lm.is_zero(lock):
            self.LockingColdkeys.remove(netuid, hotkey, coldkey)
            self.Lock.remove(coldkey, netuid, hotkey)
        else:
            self.LockingColdkeys.set(netuid, hotkey, coldkey, ())
            self.Lock.set(coldkey, netuid, hotkey, lock)

    @staticmethod
    def _put_aggregate(item, keys: tuple, lock: dict) -> None:
        if lm.is_empty(lock):
            item.remove(*keys)
        else:
            item.set(*keys, lock)

    def _roll(self, lock: dict, now: int, owner: bool, perpetual: bool) -> dict:
        return lm.roll_forward(lock, now, *self._lock_rates(), owner, perpetual)[0]

    # --- queries ------------------------------------------------------------------------------
    def total_coldkey_alpha_on_subnet(self, coldkey: bytes, netuid: int) -> int:
        return sum(self.get_stake_for_hotkey_and_coldkey_on_subnet(h, coldkey, netuid)
                   for h in self.StakingHotkeys.get(coldkey))

    def get_coldkey_lock(self, coldkey: bytes, netuid: int) -> dict | None:
        """The coldkey's lock on the subnet rolled forward to now."""
        found = self._model(coldkey, netuid, self.block_number)
        if found is None:
            return None
        model = found[1]
        model.roll_forward(self.block_number, *self._lock_rates())
        return model.individual

    def get_current_locked(self, coldkey: bytes, netuid: int) -> int:
        lock = self.get_coldkey_lock(coldkey, netuid)
        return 0 if lock is None else lock["locked_mass"]

    def stake_availability(self, coldkey: bytes, netuid: int) -> tuple[int, int, int]:
        """(total alpha, locked, available to unstake) of the coldkey on the subnet."""
        total, locked = self.total_coldkey_alpha_on_subnet(coldkey, netuid), self.get_current_locked(coldkey, netuid)
        return total, locked, max(total - locked, 0)

    def ensure_available_to_unstake(self, coldkey: bytes, netuid: int, amount: int) -> None:
        locked = self.get_current_locked(coldkey, netuid)
        # without a lock everything is available, and callers never ask for more than the stake
        if locked and max(self.total_coldkey_alpha_on_subnet(coldkey, netuid) - locked, 0) < amount:
            raise self.error("StakeUnavailable")

    def hotkey_conviction(self, hotkey: bytes, netuid: int) -> int:
        """The hotkey's aggregate conviction (U64F64 bits), the owner buckets included for the owner."""
        now = self.block_number
        total = 0
        for lock, owner, perpetual in ((self.HotkeyLock.try_get(netuid, hotkey), False, True),
                                       (self.DecayingHotkeyLock.try_get(netuid, hotkey), False, False)):
            if lock is not None:
                total = lm.u_add(total, self._roll(lock, now, owner, perpetual)["conviction"])
        if self.is_subnet_owner_hotkey(netuid, hotkey):
            for lock, perpetual in ((self.OwnerLock.try_get(netuid), True), (self.DecayingOwnerLock.try_get(netuid), False)):
                if lock is not None:
                    total = lm.u_add(total, self._roll(lock, now, True, perpetual)["conviction"])
        return total

    def _convictions(self, netuid: int) -> dict[bytes, int]:
        """Each hotkey's rolled aggregate conviction on the subnet (owner buckets to the owner hotkey)."""
        now = self.block_number
        scores: dict[bytes, int] = {}
        for item, perpetual in ((self.HotkeyLock, True), (self.DecayingHotkeyLock, False)):
            for (hotkey,), lock in item.iter(netuid):
                scores[hotkey] = lm.u_add(scores.get(hotkey, 0), self._roll(lock, now, False, perpetual)["conviction"])
        for item, perpetual in ((self.OwnerLock, True), (self.DecayingOwnerLock, False)):
            lock = item.try_get(netuid)
            if lock is not None:
                owner = self.SubnetOwnerHotkey.get(netuid)
                scores[owner] = lm.u_add(scores.get(owner, 0), self._roll(lock, now, True, perpetual)["conviction"])
        return scores

    def get_total_conviction(self, netuid: int) -> int:
        total = 0
        for score in self._convictions(netuid).values():
            total = lm.u_add(total, score)
        return total

    def subnet_king(self, netuid: int) -> bytes | None:
        """The hotkey of most conviction (the last of equal ones in account order, as ``max_by``)."""
        best = None
        for hotkey, score in sorted(self._convictions(netuid).items()):
            if best is None or score >= best[1]:
                best = (hotkey, score)
        return None if best is None else best[0]

    # --- locking --------------------------------------------------------------------------------
    def do_lock_stake(self, coldkey: bytes, netuid: int, hotkey: bytes, amount: int) -> None:
        if amount == 0:
            raise self.error("AmountTooLow")
        if not self.hotkey_account_exists(hotkey):
            raise self.error("HotKeyAccountNotExists")
        total = self.total_coldkey_alpha_on_subnet(coldkey, netuid)
        now = self.block_number
        rates = self._lock_rates()
        found = self._model(coldkey, netuid, now)
        if found is not None:
            if found[0] != hotkey:
                raise self.error("LockHotkeyMismatch")
            model = found[1]
        else:
            model = self._model_for_hotkey(coldkey, netuid, hotkey, now)
        model.roll_forward(now, *rates)
        lock = model.individual
        if lock["locked_mass"] == 0 and lock["conviction"] == 0:
            if total < amount:
                raise self.error("InsufficientStakeForLock")
            model.set_rolled_individual({"locked_mass": amount, "conviction": 0, "last_update": now}, now, *rates)
        else:
            lock = {**lock, "locked_mass": min(lock["locked_mass"] + amount, lm.U64_MAX)}
            if total < lock["locked_mass"]:
                raise self.error("InsufficientStakeForLock")
            model.set_rolled_individual(lock, now, *rates)
        model.roll_forward_aggregate(now, *rates)
        model.add_to_aggregate({"locked_mass": amount, "conviction": 0, "last_update": now})
        model.roll_forward_aggregate(now, *rates)
        self._save_model(coldkey, netuid, hotkey, model)
        self.deposit_event("StakeLocked", {"coldkey": coldkey, "hotkey": hotkey, "netuid": netuid, "amount": amount})

    def do_move_lock(self, coldkey: bytes, destination: bytes, netuid: int) -> None:
        """Re-point the lock at another hotkey; conviction survives only between one owner's hotkeys."""
        if not self.hotkey_account_exists(destination):
            raise self.error("HotKeyAccountNotExists")
        now = self.block_number
        found = self._model(coldkey, netuid, now)
        if found is None:
            raise self.error("NoExistingLock")
        origin, model = found
        model.roll_forward(now, *self._lock_rates())
        removed = model.individual
        lock = dict(removed)
        if self.Owner.get(origin) != self.Owner.get(destination):
            lock["conviction"] = 0
        lock = self._roll(lock, now, self.is_subnet_owner_hotkey(netuid, destination),
                          self.is_perpetual_lock(coldkey, netuid))
        self.Lock.remove(coldkey, netuid, origin)
        self.LockingColdkeys.remove(netuid, origin, coldkey)
        self.insert_lock_state(coldkey, netuid, destination, lock)
        self._reduce_aggregate_lock(coldkey, origin, netuid, removed["locked_mass"], removed["conviction"])
        self._add_aggregate_lock(coldkey, destination, netuid, lock)
        self.deposit_event("LockMoved", {"coldkey": coldkey, "origin_hotkey": origin, "destination_hotkey": destination,
                                         "netuid": netuid})

    def do_set_perpetual_lock(self, coldkey: bytes, netuid: int, enabled: bool) -> None:
        """Switch the coldkey's lock between decaying and perpetual, moving it between buckets."""
        now = self.block_number
        current = self.is_perpetual_lock(coldkey, netuid)
        found = self._model(coldkey, netuid, now)
        if found is not None:
            hotkey, model = found
            model.roll_forward(now, *self._lock_rates())
            rolled = model.individual
            self._save_model(coldkey, netuid, hotkey, model)
            if current != enabled:
                self._reduce_aggregate_lock(coldkey, hotkey, netuid, rolled["locked_mass"], rolled["conviction"])
        if enabled:
            self.DecayingLock.set(coldkey, netuid, False)
        else:
            self.DecayingLock.remove(coldkey, netuid)
        if current != enabled:
            found = self._model(coldkey, netuid, now)
            if found is not None:
                self._add_aggregate_lock(coldkey, found[0], netuid, found[1].individual)
        self.deposit_event("PerpetualLockUpdated", {"coldkey": coldkey, "netuid": netuid, "enabled": enabled})

    def _add_aggregate_lock(self, coldkey: bytes, hotkey: bytes, netuid: int, added: dict) -> None:
        now, rates = self.block_number, self._lock_rates()
        model = self._model_for_hotkey(coldkey, netuid, hotkey, now)
        model.roll_forward_aggregate(now, *rates)
        model.add_to_aggregate(added)
        model.roll_forward_aggregate(now, *rates)
        self._save_model(coldkey, netuid, hotkey, model)

    def _reduce_aggregate_lock(self, coldkey: bytes, hotkey: bytes, netuid: int, mass: int, conviction: int) -> None:
        now = self.block_number
        model = self._model_for_hotkey(coldkey, netuid, hotkey, now)
        model.roll_forward_aggregate(now, *self._lock_rates())
        model.reduce_aggregate(mass, conviction)
        self._save_model(coldkey, netuid, hotkey, model)

    def force_reduce_lock(self, coldkey: bytes, netuid: int, amount: int) -> None:
        now = self.block_number
        found = self._model(coldkey, netuid, now)
        if found is not None:
            hotkey, model = found
            rates = self._lock_rates()
            model.roll_forward(now, *rates)
            model.roll_forward_aggregate(now, *rates)
            model.force_reduce_individual(amount, now)
            self._save_model(coldkey, netuid, hotkey, model)

    def cleanup_lock_if_zero(self, coldkey: bytes, netuid: int) -> None:
        """Roll the coldkey's lock (if any) to now and store it, dropping it once decayed away."""
        found = self._model(coldkey, netuid, self.block_number)
        if found is not None:
            hotkey, model = found
            model.roll_forward(self.block_number, *self._lock_rates())
            self._save_model(coldkey, netuid, hotkey, model)

    def auto_lock_owner_cut(self, netuid: int, amount: int) -> None:
        """Lock the owner's cut where the owner already locks (else to the owner hotkey), if enabled."""
        if not self.OwnerCutAutoLockEnabled.get(netuid):
            return
        owner = self.SubnetOwner.get(netuid)
        found = self._model(owner, netuid, self.block_number)
        hotkey = found[0] if found is not None else self.SubnetOwnerHotkey.get(netuid)
        self._try(lambda: self.do_lock_stake(owner, netuid, hotkey, amount))

    # --- receiving locked alpha ------------------------------------------------------------------
    def account_rejects_locked_alpha(self, coldkey: bytes) -> bool:
        return self.AccountFlags.get(coldkey) & ACCOUNT_FLAGS_ACCEPT_LOCKED_ALPHA != 1

    def set_accept_locked_alpha(self, coldkey: bytes, enabled: bool) -> None:
        flags = self.AccountFlags.get(coldkey)
        flags = flags | ACCOUNT_FLAGS_ACCEPT_LOCKED_ALPHA if enabled else flags & ~ACCOUNT_FLAGS_ACCEPT_LOCKED_ALPHA
        if flags:
            self.AccountFlags.set(coldkey, flags)
        else:
            self.AccountFlags.remove(coldkey)

    def ensure_can_receive_locked_alpha(self, coldkey: bytes, amount: int, rejects: bool | None = None) -> None:
        if amount and (self.account_rejects_locked_alpha(coldkey) if rejects is None else rejects):
            raise self.error("AccountRejectsLockedAlpha")

    # --- locks follow stake and keys -------------------------------------------------------------
    def transfer_lock(self, origin: bytes, destination: bytes, netuid: int, amount: int) -> None:
        """A stake transfer first spends the origin's unlocked alpha; the rest carries its share of
        the lock (mass and, proportionally, conviction) to the destination coldkey."""
        if origin == destination or amount == 0:
            return
        now = self.block_number
        rates = self._lock_rates()
        total = self.total_coldkey_alpha_on_subnet(origin, netuid)
        found = self._model(origin, netuid, now)
        if found is None:
            return
        source_hotkey, source_model = found
        source_model.roll_forward(now, *rates)
        source = dict(source_model.individual)
        dest_found = self._model(destination, netuid, now)
        if dest_found is not None:
            dest_found[1].roll_forward(now, *rates)
        dest_hotkey = dest_found[0] if dest_found is not None else source_hotkey
        dest = dict(dest_found[1].individual) if dest_found is not None else lm.empty_lock(now)
        remaining = amount - min(amount, max(total - source["locked_mass"], 0))
        moved_mass = moved_conviction = 0
        if remaining:
            if dest_found is not None and dest_found[0] != source_hotkey:
                raise self.error("LockHotkeyMismatch")
            moved_mass = min(remaining, source["locked_mass"])
            if moved_mass and source["locked_mass"]:
                share = lm.u_div(moved_mass << lm.FRAC, source["locked_mass"] << lm.FRAC)
                moved_conviction = lm.u_mul(source["conviction"], share)
            source["locked_mass"] -= moved_mass
            source["conviction"] = lm.u_sub(source["conviction"], moved_conviction)
            dest["locked_mass"] = min(dest["locked_mass"] + moved_mass, lm.U64_MAX)
            dest["conviction"] = lm.u_add(dest["conviction"], moved_conviction)
        self.ensure_can_receive_locked_alpha(destination, moved_mass)
        source = self._roll(source, now, self.is_subnet_owner_hotkey(netuid, source_hotkey),
                            self.is_perpetual_lock(origin, netuid))
        dest = self._roll(dest, now, self.is_subnet_owner_hotkey(netuid, dest_hotkey),
                          self.is_perpetual_lock(destination, netuid))
        self.insert_lock_state(origin, netuid, source_hotkey, source)
        self.insert_lock_state(destination, netuid, dest_hotkey, dest)
        if moved_mass:
            self._reduce_aggregate_lock(origin, source_hotkey, netuid, moved_mass, moved_conviction)
            self._add_aggregate_lock(destination, dest_hotkey, netuid,
                                     {"locked_mass": moved_mass, "conviction": moved_conviction, "last_update": now})

    def ensure_no_active_locks(self, coldkey: bytes) -> None:
        now = self.block_number
        for (netuid, hotkey), lock in self.Lock.iter(coldkey):
            rolled = self._roll(lock, now, self.is_subnet_owner_hotkey(netuid, hotkey),
                                self.is_perpetual_lock(coldkey, netuid))
            if rolled["locked_mass"] > 0:
                raise self.error("ActiveLockExists")

    def swap_coldkey_locks(self, old: bytes, new: bytes) -> None:
        """Move every lock, perpetual flag and account flag of ``old`` to ``new`` (which holds no lock)."""
        self.ensure_no_active_locks(new)
        now = self.block_number
        rejects = self.account_rejects_locked_alpha(new)
        flags = [(netuid, decaying) for (netuid,), decaying in self.DecayingLock.iter(old)]
        moving = []
        for (netuid, hotkey), lock in list(self.Lock.iter(old)):
            perpetual = any(n == netuid and not decaying for n, decaying in flags)
            rolled = self._roll(lock, now, self.is_subnet_owner_hotkey(netuid, hotkey), perpetual)
            self.ensure_can_receive_locked_alpha(new, rolled["locked_mass"], rejects)
            moving.append((netuid, hotkey, rolled, perpetual))
        for netuid, hotkey, rolled, _ in moving:  # out of the old buckets under the old flags
            self.Lock.remove(old, netuid, hotkey)
            self.LockingColdkeys.remove(netuid, hotkey, old)
            self._reduce_aggregate_lock(old, hotkey, netuid, rolled["locked_mass"], rolled["conviction"])
        for netuid, _ in flags:
            decaying = self.DecayingLock.take(old, netuid)
            if decaying is not None:
                self.DecayingLock.set(new, netuid, decaying)
        account_flags = self.AccountFlags.get(old)
        self.AccountFlags.remove(old)
        if account_flags:
            self.AccountFlags.set(new, account_flags)
        else:
            self.AccountFlags.remove(new)
        for netuid, hotkey, rolled, perpetual in moving:
            lock = self._roll(rolled, now, self.is_subnet_owner_hotkey(netuid, hotkey), perpetual)
            self.insert_lock_state(new, netuid, hotkey, lock)
            self._add_aggregate_lock(new, hotkey, netuid, lock)

    def swap_hotkey_locks(self, old: bytes, new: bytes, netuids: list[int] | None = None) -> tuple[int, int]:
        """Re-point every lock on ``old`` (on ``netuids``, by default all subnets) at ``new``, with the
        buckets; returns the (reads, writes) subtensor counts."""
        reads = writes = 0
        subnets = []
        for netuid in (self.get_all_subnet_netuids() if netuids is None else netuids):
            old_owner, new_owner = self.is_subnet_owner_hotkey(netuid, old), self.is_subnet_owner_hotkey(netuid, new)
            if (old_owner or new_owner or self.HotkeyLock.try_get(netuid, old) is not None
                    or self.DecayingHotkeyLock.try_get(netuid, old) is not None):
                subnets.append((netuid, old_owner, old_owner or new_owner))
            reads += 5
        moving = []
        for netuid, _, _ in subnets:
            for (coldkey,), _unit in list(self.LockingColdkeys.iter(netuid, old)):
                lock = self.Lock.try_get(coldkey, netuid, old)
                if lock is not None:
                    moving.append((coldkey, netuid, lock))
                else:
                    self.LockingColdkeys.remove(netuid, old, coldkey)
                    writes += 1
                reads += 1
        owner_roles = {netuid: (was, will) for netuid, was, will in subnets}
        now = self.block_number
        for coldkey, netuid, lock in moving:
            was_owner, will_be_owner = owner_roles[netuid]
            perpetual = self.is_perpetual_lock(coldkey, netuid)
            moved = self._roll(self._roll(lock, now, was_owner, perpetual), now, will_be_owner, perpetual)
            self.Lock.remove(coldkey, netuid, old)
            self.LockingColdkeys.remove(netuid, old, coldkey)
            self.insert_lock_state(coldkey, netuid, new, moved)
            writes += 2
        for netuid, was_owner, will_be_owner in subnets:
            if was_owner:
                perpetual_lock, decaying_lock = self.OwnerLock.take(netuid), self.DecayingOwnerLock.take(netuid)
            else:
                perpetual_lock, decaying_lock = self.HotkeyLock.take(netuid, old), self.DecayingHotkeyLock.take(netuid, old)
            for lock, perpetual in ((perpetual_lock, True), (decaying_lock, False)):
                if lock is None:
                    continue
                lock = self._roll(self._roll(lock, now, was_owner, perpetual), now, will_be_owner, perpetual)
                if will_be_owner:
                    self._put_aggregate(self.OwnerLock if perpetual else self.DecayingOwnerLock, (netuid,), lock)
                else:
                    self._put_aggregate(self.HotkeyLock if perpetual else self.DecayingHotkeyLock, (netuid, new),
                                        lock)
            writes += 6
        return reads, writes

    def destroy_lock_maps(self, netuid: int) -> None:
        """Every lock of a dissolved subnet goes."""
        for (hotkey, coldkey), _unit in list(self.LockingColdkeys.iter(netuid)):
            self.Lock.remove(coldkey, netuid, hotkey)
        self.LockingColdkeys.clear_prefix(netuid)
        self.HotkeyLock.clear_prefix(netuid)
        self.DecayingHotkeyLock.clear_prefix(netuid)
        self.OwnerLock.remove(netuid)
        self.DecayingOwnerLock.remove(netuid)
        for (coldkey, n), _flag in list(self.DecayingLock.iter()):
            if n == netuid:
                self.DecayingLock.remove(coldkey, netuid)

    # --- ownership by conviction -------------------------------------------------------------------
    def change_subnet_owner_if_needed(self, netuid: int) -> None:
        """At an epoch: a year-old subnet whose locks' conviction reaches 10 % of its alpha out goes
        to the coldkey owning the hotkey of most conviction; the owner buckets follow the roles."""
        alpha_out = self.SubnetAlphaOut.get(netuid)
        now = self.block_number
        if alpha_out == 0 or now < self.NetworkRegisteredAt.get(netuid) + lm.ONE_YEAR:
            return
        if lm.u_mul(self.get_total_conviction(netuid), 10 << lm.FRAC) < alpha_out << lm.FRAC:
            return
        king = self.subnet_king(netuid)
        if king is None:
            return
        new_owner = self.Owner.get(king)
        current_owner = self.SubnetOwner.get(netuid)
        if new_owner == _DEFAULT_ACCOUNT or new_owner == current_owner:
            return
        old_hotkey = self.SubnetOwnerHotkey.get(netuid)
        if self.Uids.try_get(netuid, king) is None and not self._try(lambda: self.register_neuron(netuid, king)):
            return
        # the old owner hotkey's owner buckets become its general buckets, the king's general ones
        # become the owner buckets
        for owner_item, general_item, perpetual in ((self.OwnerLock, self.HotkeyLock, True),
                                                    (self.DecayingOwnerLock, self.DecayingHotkeyLock, False)):
            lock = owner_item.take(netuid)
            if lock is not None:
                moved = self._roll(lock, now, True, perpetual)
                current = general_item.try_get(netuid, old_hotkey)
                current = self._roll(current, now, False, perpetual) if current is not None else lm.empty_lock(now)
                self._put_aggregate(general_item, (netuid, old_hotkey), {
                    "locked_mass": min(current["locked_mass"] + moved["locked_mass"], lm.U64_MAX),
                    "conviction": lm.u_add(current["conviction"], moved["conviction"]), "last_update": now})
        for owner_item, general_item, perpetual in ((self.OwnerLock, self.HotkeyLock, True),
                                                    (self.DecayingOwnerLock, self.DecayingHotkeyLock, False)):
            lock = general_item.take(netuid, king)
            if lock is not None:
                moved = self._roll(lock, now, False, perpetual)
                current = owner_item.try_get(netuid)
                current = self._roll(current, now, True, perpetual) if current is not None else lm.empty_lock(now)
                self._put_aggregate(owner_item, (netuid,), self._roll({
                    "locked_mass": min(current["locked_mass"] + moved["locked_mass"], lm.U64_MAX),
                    "conviction": lm.u_add(current["conviction"], moved["conviction"]), "last_update": now},
                    now, True, perpetual))
        self.SubnetOwner.set(netuid, new_owner)
        self.SubnetOwnerHotkey.set(netuid, king)
        self.deposit_event("SubnetOwnerChanged", {"netuid": netuid, "old_coldkey": current_owner,
                                                  "new_coldkey": new_owner})

    # --- calls -----------------------------------------------------------------------------------
    @call(136, [("hotkey", AccountId, "T::AccountId"), _NET, ("amount", AlphaBalance, "AlphaBalance")],
          weight=_LOCK_STAKE)
    def lock_stake(self, origin, hotkey: bytes, netuid: int, amount: int) -> None:
        """Lock alpha of the caller on a subnet to a hotkey (a top-up must name the same hotkey)."""
        self.do_lock_stake(origin.ensure_signed(), netuid, hotkey, amount)

    @call(137, [("destination_hotkey", AccountId, "T::AccountId"), _NET], weight=_MOVE_LOCK)
    def move_lock(self, origin, destination_hotkey: bytes, netuid: int) -> None:
        """Move the caller's lock on a subnet to another hotkey."""
        self.do_move_lock(origin.ensure_signed(), destination_hotkey, netuid)

    @call(138, [_NET, ("enabled", Bool, "bool")], weight=_SET_PERPETUAL)
    def set_perpetual_lock(self, origin, netuid: int, enabled: bool) -> None:
        """Set or clear the caller's perpetual lock flag for a subnet (locks decay by default)."""
        self.do_set_perpetual_lock(origin.ensure_signed(), netuid, enabled)

    @call(142, [("enabled", Bool, "bool")], weight=_SET_REJECT)
    def set_reject_locked_alpha(self, origin, enabled: bool) -> None:
        """Refuse (the default) or accept locked alpha from stake transfers and coldkey swaps."""
        coldkey = origin.ensure_signed()
        self.set_accept_locked_alpha(coldkey, not enabled)
        self.deposit_event("RejectLockedAlphaUpdated", {"coldkey": coldkey, "enabled": enabled})
