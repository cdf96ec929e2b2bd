"""Childkeys: set_children (67) scheduled with a cooldown and applied at an epoch boundary,
set_childkey_take (75); as ``staking/set_children.rs``.

A parent hotkey lends a proportion (u64-normalised) of its alpha and root stake to each child for
the child's stake weight, and gets back the same share of the child's dividends minus the child's
take. Applying a schedule rewrites ``ChildKeys[parent]`` and the children's ``ParentKeys``.
"""
from __future__ import annotations

from tensornet.primitives.scale import U16, U64, AccountId, Bool, Tuple, Vec
from tensornet.runtime.dispatch import DispatchError, Weight
from tensornet.runtime.pallet import call

from .coinbase_math import U64_MAX
from .registration import ROOT
from .types import NetUid

MAX_CHILDREN = 5
SET_CHILDREN_RATE_LIMIT = 150
TX_SET_CHILDREN, TX_SET_CHILDKEY_TAKE = 0, 1
_CHILDREN = Vec(Tuple(U64, AccountId))


class ChildrenPart:
    """Childkey calls and their scheduling."""

    def effective_min_childkey_take(self, netuid: int) -> int:
        return max(self.MinChildkeyTake.get(), self.MinChildkeyTakePerSubnet.get(netuid))

    def get_childkey_take(self, hotkey: bytes, netuid: int) -> int:
        return max(self.ChildkeyTake.get(hotkey, netuid), self.effective_min_childkey_take(netuid))

    def _last_tx(self, hotkey: bytes, netuid: int, tx: int) -> int:
        return self.TransactionKeyLastBlock.get(hotkey, netuid, tx)

    @call(67, [("hotkey", AccountId, "T::AccountId"), ("netuid", NetUid, "NetUid"),
               ("children", _CHILDREN, "Vec<(u64, T::AccountId)>")], weight=Weight.db(119_000_000, reads=6, writes=31, proof_size=0))
    def set_children(self, origin, hotkey, netuid, children):
        """Schedule this hotkey's children on a subnet (applied after PendingChildKeyCooldown)."""
        coldkey = origin.ensure_signed()
        last = self._last_tx(hotkey, netuid, TX_SET_CHILDREN)
        if last != 0 and self.block_number - last < SET_CHILDREN_RATE_LIMIT:
            raise self.error("TxRateLimitExceeded")
        if netuid == ROOT:
            raise self.error("RegistrationNotPermittedOnRootSubnet")
        if not self.NetworksAdded.get(netuid):
            raise self.error("SubnetNotExists")
        if self.Owner.get(hotkey) != coldkey:
            raise self.error("NonAssociatedColdKey")
        seen = set()
        for _, child in children:
            if child in seen:
                raise self.error("DuplicateChild")
            seen.add(child)
        self.check_children(hotkey, netuid, children)
        owner_hk = self.SubnetOwnerHotkey.try_get(netuid)
        if children and owner_hk != hotkey and self.total_stake_of_hotkey(hotkey) < self.StakeThreshold.get():
            raise self.error("NotEnoughStakeToSetChildkeys")
        self.TransactionKeyLastBlock.set(hotkey, netuid, TX_SET_CHILDREN, self.block_number)
        if not self.SubtokenEnabled.get(netuid):
            self.apply_children(netuid, hotkey, children)
            return
        cooldown = self.block_number + self.PendingChildKeyCooldown.get()
        self.PendingChildKeys.set(netuid, hotkey, (list(children), cooldown))
        self.deposit_event("SetChildrenScheduled", (hotkey, netuid, cooldown, list(children)))

    def total_stake_of_hotkey(self, hotkey: bytes) -> int:
        """Σ over subnets of the hotkey's alpha (``get_total_stake_for_hotkey`` counts alpha as
        TAO at the spot price; the chain's threshold is 0 by default, so this bound suffices)."""
        return sum(v for _, v in self.TotalHotkeyAlpha.iter(hotkey))

    def check_children(self, hotkey: bytes, netuid: int, children) -> None:
        if len(children) > MAX_CHILDREN:
            raise self.error("TooManyChildren")
        if sum(p for p, _ in children) > U64_MAX:
            raise self.error("ProportionOverflow")
        parents = {p for _, p in self.ParentKeys.get(hotkey, netuid)}
        for _, child in children:
            if child == hotkey:
                raise self.error("InvalidChild")
            if child in parents:
                raise self.error("ChildParentInconsistency")

    def apply_children(self, netuid: int, hotkey: bytes, children) -> None:
        """Persist the relation both ways and announce it (SetChildren)."""
        for _, old_child in self.ChildKeys.get(hotkey, netuid):
            kept = [(p, h) for p, h in self.ParentKeys.get(old_child, netuid) if h != hotkey]
            if kept:
                self.ParentKeys.set(old_child, netuid, kept)
            else:
                self.ParentKeys.remove(old_child, netuid)
        if children:
            self.ChildKeys.set(hotkey, netuid, list(children))
        else:
            self.ChildKeys.remove(hotkey, netuid)
        for p, child in children:
            parents = [(q, h) for q, h in self.ParentKeys.get(child, netuid) if h != hotkey]
            self.ParentKeys.set(child, netuid, parents + [(p, hotkey)])
        self.deposit_event("SetChildren", (hotkey, netuid, list(children)))

    def do_set_pending_children(self, netuid: int) -> None:
        """Apply the schedules whose cooldown has passed (or every one before start_call)."""
        started = self.SubtokenEnabled.get(netuid)
        for (hotkey,), (children, cooldown) in list(self.PendingChildKeys.iter(netuid)):
            if cooldown < self.block_number or not started:
                mark = self.env.event_mark()
                try:
                    with self.env.state.layer():
                        self.check_children(hotkey, netuid, children)
                        self.apply_children(netuid, hotkey, children)
                except DispatchError:
                    # a schedule that became inconsistent meanwhile is dropped, as on chain
                    self.env.truncate_events(mark)
                self.PendingChildKeys.remove(netuid, hotkey)

    @call(75, [("hotkey", AccountId, "T::AccountId"), ("netuid", NetUid, "NetUid"), ("take", U16, "u16")],
          weight=Weight.db(53_870_000, reads=7, writes=2, proof_size=4498))
    def set_childkey_take(self, origin, hotkey, netuid, take):
        """Set the share of parents' dividends this child keeps (within [min, MaxChildkeyTake])."""
        coldkey = origin.ensure_signed()
        if self.Owner.get(hotkey) != coldkey:
            raise self.error("NonAssociatedColdKey")
        if not (self.effective_min_childkey_take(netuid) <= take <= self.MaxChildkeyTake.get()):
            raise self.error("InvalidChildkeyTake")
        if take > self.get_childkey_take(hotkey, netuid):
            last = self._last_tx(hotkey, netuid, TX_SET_CHILDKEY_TAKE)
            if last != 0 and self.block_number - last < self.TxChildkeyTakeRateLimit.get():
                raise self.error("TxChildkeyTakeRateLimitExceeded")
        self.TransactionKeyLastBlock.set(hotkey, netuid, TX_SET_CHILDKEY_TAKE, self.block_number)
        self.ChildkeyTake.set(hotkey, netuid, take)
        self.deposit_event("ChildKeyTakeSet", (hotkey, take))

    # --- root settings of the childkey machinery ---------------------------------------------------
    @call(69, [("tx_rate_limit", U64, "u64")], weight=Weight.db(5_760_000, reads=0, writes=1, proof_size=0))
    def sudo_set_tx_childkey_take_rate_limit(self, origin, tx_rate_limit):
        """Root: blocks between childkey-take increases."""
        origin.ensure_root()
        self.TxChildkeyTakeRateLimit.set(tx_rate_limit)
        self.deposit_event("TxChildKeyTakeRateLimitSet", tx_rate_limit)

    @call(76, [("take", U16, "u16")], weight=Weight.db(6_000, reads=1, writes=1, proof_size=0))
    def sudo_set_min_childkey_take(self, origin, take):
        """Root: the global minimum childkey take."""
        origin.ensure_root()
        self.MinChildkeyTake.set(take)
        self.deposit_event("MinChildKeyTakeSet", take)

    @call(77, [("take", U16, "u16")], weight=Weight.db(6_000, reads=1, writes=1, proof_size=0))
    def sudo_set_max_childkey_take(self, origin, take):
        """Root: the global maximum childkey take."""
        origin.ensure_root()
        self.MaxChildkeyTake.set(take)
        self.deposit_event("MaxChildKeyTakeSet", take)

    @call(135, [("hotkey", AccountId, "T::AccountId"), ("enabled", Bool, "bool")],
          weight=Weight.db(28_023_000, reads=2, writes=1, proof_size=4364))
    def set_auto_parent_delegation_enabled(self, origin, hotkey, enabled):
        """A root validator's owner: whether new subnets' owner hotkeys become its children."""
        coldkey = origin.ensure_signed()
        if not self.coldkey_owns_hotkey(coldkey, hotkey):
            raise self.error("NonAssociatedColdKey")
        if self.Uids.try_get(ROOT, hotkey) is None:
            raise self.error("HotKeyNotRegisteredInSubNet")
        self.AutoParentDelegationEnabled.set(hotkey, enabled)
        self.deposit_event("AutoParentDelegationEnabledSet", {"hotkey": hotkey, "enabled": enabled})

    @call(109, [("cooldown", U64, "u64")], weight=Weight.db(3_000_000, reads=0, writes=1, proof_size=0))
    def set_pending_childkey_cooldown(self, origin, cooldown):
        """Root: blocks a childkey schedule waits before it applies."""
        origin.ensure_root()
        self.PendingChildKeyCooldown.set(cooldown)

    @call(114, [("netuid", NetUid, "NetUid"), ("hotkey", AccountId, "T::AccountId")], weight=Weight.db(33_853_000, reads=4, writes=2, proof_size=4274))
    def set_coldkey_auto_stake_hotkey(self, origin, netuid, hotkey):
        """Stake this coldkey's miner incentive on ``netuid`` to ``hotkey`` instead."""
        coldkey = origin.ensure_signed()
        if not self.NetworksAdded.get(netuid):
            raise self.error("SubnetNotExists")
        if self.Uids.get(netuid, hotkey) is None:
            raise self.error("HotKeyNotRegisteredInSubNet")
        current = self.AutoStakeDestination.try_get(coldkey, netuid)
        if current is not None:
            if current == hotkey:
                raise self.error("SameAutoStakeHotkeyAlreadySet")
            kept = [c for c in self.AutoStakeDestinationColdkeys.get(current, netuid) or [] if c != coldkey]
            self.AutoStakeDestinationColdkeys.set(current, netuid, kept)
        self.AutoStakeDestination.set(coldkey, netuid, hotkey)
        coldkeys = list(self.AutoStakeDestinationColdkeys.get(hotkey, netuid) or [])
        if coldkey not in coldkeys:
            self.AutoStakeDestinationColdkeys.set(hotkey, netuid, coldkeys + [coldkey])
        self.deposit_event("AutoStakeDestinationSet", {"coldkey": coldkey, "netuid": netuid, "hotkey": hotkey})
