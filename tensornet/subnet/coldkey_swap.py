"""Coldkey swaps: the announcement calls (125–128, 133), root's swap_coldkey (71), the swap itself
(``swap/swap_coldkey.rs``) and the ``CheckColdkeySwap`` dispatch guard; a part class of SubtensorModule.

A coldkey announces the hash of its new key (paying KeySwapCost on its first announcement); once
ColdkeySwapAnnouncementDelay blocks have passed it swaps to the key whose hash it announced. While an
announcement stands the coldkey can make no other call (a disputed one freezes it until root resets
it). The swap hands everything keyed by the coldkey to the new key: subnet ownership, auto-stake
destinations, the stake on every subnet (with its root-claim bookkeeping), the staking and owned
hotkeys, the identity, and all the TAO it can spend. (Subtensor also moves stake locks, which this
runtime does not have.)
"""
from __future__ import annotations

from tensornet.primitives.hashing import blake2_256
from tensornet.primitives.scale import H256, AccountId
from tensornet.runtime.dispatch import DispatchError, Weight
from tensornet.runtime.pallet import call

from .stake import ROOT
from .types import TaoBalance

KEY_SWAP_COST = 100_000_000
"""``KeySwapCost`` (SubtensorInitialKeySwapCost): 0.1 TAO."""
#: what a coldkey with a standing announcement may still call
_ALLOWED_DURING_SWAP = frozenset({
    ("SubtensorModule", "announce_coldkey_swap"), ("SubtensorModule", "swap_coldkey_announced"),
    ("SubtensorModule", "dispute_coldkey_swap"), ("SubtensorModule", "clear_coldkey_swap_announcement"),
    ("MevShield", "submit_encrypted")})


class ColdkeySwapCalls:
    """Part class: coldkey swaps (see the module docstring)."""

    # --- the guard ----------------------------------------------------------------------------------
    def check_coldkey_swap(self, who: bytes, pallet_name: str, call_name: str) -> None:
        """``CheckColdkeySwap``: a coldkey with an announced swap makes only the swap calls (see
        ``guards``, which asks this first for every call)."""
        if self.ColdkeySwapAnnouncements.try_get(who) is None:
            return
        if self.ColdkeySwapDisputes.try_get(who) is not None:
            raise self.error("ColdkeySwapDisputed")
        if (pallet_name, call_name) not in _ALLOWED_DURING_SWAP:
            raise self.error("ColdkeySwapAnnounced")

    # --- the swap --------------------------------------------------------------------------------
    def charge_swap_cost(self, coldkey: bytes, cost: int) -> None:
        try:
            self.recycle_tao(coldkey, cost)
        except DispatchError:  # whatever the reason, as subtensor maps it
            raise self.error("NotEnoughBalanceToPaySwapColdKey") from None

    def do_swap_coldkey(self, old: bytes, new: bytes) -> None:
        if self.StakingHotkeys.get(new):
            raise self.error("ColdKeyAlreadyAssociated")
        if self.hotkey_account_exists(new):
            raise self.error("NewColdKeyIsHotkey")
        if self.IdentitiesV2.try_get(new) is None:
            identity = self.IdentitiesV2.try_get(old)
            if identity is not None:
                self.IdentitiesV2.remove(old)
                self.IdentitiesV2.set(new, identity)
        # the new coldkey may receive locked stake here; swap_coldkey_locks then copies the old flags
        self.set_accept_locked_alpha(new, True)
        for netuid in self.get_all_subnet_netuids():
            if self.SubnetOwner.get(netuid) == old:
                self.SubnetOwner.set(netuid, new)
            self._move_auto_stake_destination(netuid, old, new)
            self._move_coldkey_stake(netuid, old, new)
        staking = self.StakingHotkeys.get(new)
        self.StakingHotkeys.set(new, staking + [h for h in self.StakingHotkeys.get(old) if h not in staking])
        self.StakingHotkeys.remove(old)
        owned = self.OwnedHotkeys.get(new)
        for hotkey in self.OwnedHotkeys.get(old):
            if self.is_subnet_account_id(hotkey) is not None:
                raise self.error("CannotUseSystemAccount")
            self.Owner.set(hotkey, new)
            if hotkey not in owned:
                owned = owned + [hotkey]
        self.OwnedHotkeys.remove(old)
        self.OwnedHotkeys.set(new, owned)
        self.swap_coldkey_locks(old, new)
        spendable = self.pallet("Balances").reducible_balance(old, False)  # transfer_all_tao_and_kill
        if spendable:
            self.transfer_tao(old, new, spendable)
        self.LastRateLimitedBlock.set({"LastTxBlock": new}, self.block_number)
        self.deposit_event("ColdkeySwapped", {"old_coldkey": old, "new_coldkey": new})

    def _move_auto_stake_destination(self, netuid: int, old: bytes, new: bytes) -> None:
        hotkey = self.AutoStakeDestination.try_get(old, netuid)
        if hotkey is None:
            return
        self.AutoStakeDestination.remove(old, netuid)
        self.AutoStakeDestination.set(new, netuid, hotkey)
        coldkeys = [c for c in self.AutoStakeDestinationColdkeys.get(hotkey, netuid) if c not in (old, new)]
        self.AutoStakeDestinationColdkeys.set(hotkey, netuid, coldkeys + [new])

    def _move_coldkey_stake(self, netuid: int, old: bytes, new: bytes) -> None:
        for hotkey in self.StakingHotkeys.get(old):
            alpha = self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, old, netuid)
            self.decrease_stake_for_hotkey_and_coldkey_on_subnet(hotkey, old, netuid, alpha)
            self.increase_stake_for_hotkey_and_coldkey_on_subnet(hotkey, new, netuid, alpha)
            if self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, new, netuid):
                self.transfer_root_claimed_for_new_keys(netuid, hotkey, hotkey, old, new)
                if netuid == ROOT:
                    self.maybe_add_coldkey_index(new)
        if netuid == ROOT:
            self.maybe_remove_coldkey_index(old)

    # --- calls -----------------------------------------------------------------------------------
    @call(71, [("old_coldkey", AccountId, "T::AccountId"), ("new_coldkey", AccountId, "T::AccountId"),
               ("swap_cost", TaoBalance, "TaoBalance")], weight=Weight.db(312_301_000, reads=37, writes=19,
                                                                         proof_size=13056))
    def swap_coldkey(self, origin, old_coldkey: bytes, new_coldkey: bytes, swap_cost: int) -> None:
        """Root: swap a coldkey at once, charging it ``swap_cost``; clears its announcement."""
        origin.ensure_root()
        if swap_cost:
            self.charge_swap_cost(old_coldkey, swap_cost)
        self.do_swap_coldkey(old_coldkey, new_coldkey)
        self.ColdkeySwapAnnouncements.remove(old_coldkey)
        self.ColdkeySwapDisputes.remove(old_coldkey)

    @call(125, [("new_coldkey_hash", H256, "T::Hash")], weight=Weight.db(47_248_000, reads=4, writes=3,
                                                                         proof_size=4159))
    def announce_coldkey_swap(self, origin, new_coldkey_hash: bytes) -> None:
        """Announce a swap to the coldkey whose blake2-256 hash is given (the first time costs
        KeySwapCost; announcing again waits for the reannouncement delay)."""
        who = origin.ensure_signed()
        now = self.block_number
        standing = self.ColdkeySwapAnnouncements.try_get(who)
        if standing is not None:
            if now < standing[0] + self.ColdkeySwapReannouncementDelay.get():
                raise self.error("ColdkeySwapReannouncedTooEarly")
        else:
            self.charge_swap_cost(who, KEY_SWAP_COST)
        when = now + self.ColdkeySwapAnnouncementDelay.get()
        self.ColdkeySwapAnnouncements.set(who, (when, new_coldkey_hash))
        self.deposit_event("ColdkeySwapAnnounced", {"who": who, "new_coldkey_hash": new_coldkey_hash})

    @call(126, [("new_coldkey", AccountId, "T::AccountId")], weight=Weight.db(288_156_000, reads=37, writes=15,
                                                                              proof_size=13000))
    def swap_coldkey_announced(self, origin, new_coldkey: bytes) -> None:
        """Swap to the announced coldkey once its delay has passed."""
        who = origin.ensure_signed()
        standing = self.ColdkeySwapAnnouncements.try_get(who)
        if standing is None:
            raise self.error("ColdkeySwapAnnouncementNotFound")
        self.ColdkeySwapAnnouncements.remove(who)
        when, announced_hash = standing
        if announced_hash != blake2_256(new_coldkey):
            raise self.error("AnnouncedColdkeyHashDoesNotMatch")
        if self.block_number < when:
            raise self.error("ColdkeySwapTooEarly")
        self.do_swap_coldkey(who, new_coldkey)

    @call(127, [], weight=Weight.db(23_293_000, reads=2, writes=1, proof_size=4130))
    def dispute_coldkey_swap(self, origin) -> None:
        """Dispute this coldkey's own announced swap: it stays frozen until root resets it."""
        coldkey = origin.ensure_signed()
        if self.ColdkeySwapAnnouncements.try_get(coldkey) is None:
            raise self.error("ColdkeySwapAnnouncementNotFound")
        if self.ColdkeySwapDisputes.try_get(coldkey) is not None:
            raise self.error("ColdkeySwapAlreadyDisputed")
        self.ColdkeySwapDisputes.set(coldkey, self.block_number)
        self.deposit_event("ColdkeySwapDisputed", {"coldkey": coldkey})

    @call(128, [("coldkey", AccountId, "T::AccountId")], weight=Weight.db(8_857_000, writes=2))
    def reset_coldkey_swap(self, origin, coldkey: bytes) -> None:
        """Root: drop a coldkey's announcement and dispute."""
        origin.ensure_root()
        self.ColdkeySwapAnnouncements.remove(coldkey)
        self.ColdkeySwapDisputes.remove(coldkey)
        self.deposit_event("ColdkeySwapReset", {"who": coldkey})

    @call(133, [], weight=Weight.db(17_890_000, reads=2, writes=1))
    def clear_coldkey_swap_announcement(self, origin) -> None:
        """Withdraw an undisputed announcement, once the reannouncement delay after it has passed."""
        who = origin.ensure_signed()
        standing = self.ColdkeySwapAnnouncements.try_get(who)
        if standing is None:
            raise self.error("ColdkeySwapAnnouncementNotFound")
        if self.block_number < standing[0] + self.ColdkeySwapReannouncementDelay.get():
            raise self.error("ColdkeySwapClearTooEarly")
        self.ColdkeySwapAnnouncements.remove(who)
        self.deposit_event("ColdkeySwapCleared", {"who": who})
