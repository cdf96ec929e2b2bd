"""Taking alpha out of circulation: recycle_alpha (101), burn_alpha (102) and add_stake_burn (132),
as ``staking/recycle_alpha.rs``; a part class of SubtensorModule.

Recycling burns a coldkey's stake and lowers SubnetAlphaOut, the subnet's outstanding alpha, so that
emission can mint it again; burning removes the stake and leaves SubnetAlphaOut as it is.
``add_stake_burn`` buys alpha and burns it at once (a subnet buyback), all or nothing. Neither touches
the pool: its reserves and price stay. (Subtensor also books these amounts in its AlphaAssets pallet,
which this runtime does not have.)
"""
from __future__ import annotations

from tensornet.primitives.scale import AccountId, Option
from tensornet.runtime.dispatch import Weight
from tensornet.runtime.pallet import call

from .stake import ROOT
from .types import AlphaBalance, NetUid, TaoBalance

_HOT = ("hotkey", AccountId, "T::AccountId")
_NET = ("netuid", NetUid, "NetUid")
_AMOUNT = ("amount", AlphaBalance, "AlphaBalance")


class RecycleCalls:
    """Part class: recycle_alpha, burn_alpha, add_stake_burn."""

    def _take_alpha(self, coldkey: bytes, hotkey: bytes, netuid: int, amount: int) -> int:
        """The checks recycle and burn share, then the stake taken: up to ``amount`` (capped at the
        stake, which a fee paid in alpha may just have reduced); returns what was taken."""
        if not self.NetworksAdded.get(netuid):
            raise self.error("SubnetNotExists")
        if netuid == ROOT:
            raise self.error("CannotBurnOrRecycleOnRootSubnet")
        self.ensure_subtoken_enabled(netuid)
        if not self.hotkey_account_exists(hotkey):
            raise self.error("HotKeyAccountNotExists")
        shares = self.get_alpha_share_pool(hotkey, netuid)
        amount = min(amount, self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid, shares))
        if self.SubnetAlphaOut.get(netuid) < amount:
            raise self.error("InsufficientLiquidity")
        self.ensure_available_to_unstake(coldkey, netuid, amount)  # locked alpha stays
        self.decrease_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid, amount, shares)
        return amount

    def do_recycle_alpha(self, coldkey: bytes, hotkey: bytes, amount: int, netuid: int) -> int:
        amount = self._take_alpha(coldkey, hotkey, netuid, amount)
        self.recycle_subnet_alpha(netuid, amount)  # the outstanding alpha shrinks
        self.deposit_event("AlphaRecycled", (coldkey, hotkey, amount, netuid))
        return amount

    def do_burn_alpha(self, coldkey: bytes, hotkey: bytes, amount: int, netuid: int) -> int:
        amount = self._take_alpha(coldkey, hotkey, netuid, amount)
        self.deposit_event("AlphaBurned", (coldkey, hotkey, amount, netuid))
        return amount

    @call(101, [_HOT, _AMOUNT, _NET], weight=Weight.db(172_139_000, reads=13, writes=6, proof_size=5219))
    def recycle_alpha(self, origin, hotkey: bytes, amount: int, netuid: int) -> None:
        """Burn up to ``amount`` of the caller's alpha on (hotkey, netuid), lowering SubnetAlphaOut."""
        self.do_recycle_alpha(origin.ensure_signed(), hotkey, amount, netuid)

    @call(102, [_HOT, _AMOUNT, _NET], weight=Weight.db(168_964_000, reads=12, writes=4, proof_size=5219))
    def burn_alpha(self, origin, hotkey: bytes, amount: int, netuid: int) -> None:
        """Burn up to ``amount`` of the caller's alpha on (hotkey, netuid); SubnetAlphaOut stays."""
        self.do_burn_alpha(origin.ensure_signed(), hotkey, amount, netuid)

    @call(132, [_HOT, _NET, ("amount", TaoBalance, "TaoBalance"),
                ("limit", Option(TaoBalance), "Option<TaoBalance>")],
          weight=Weight.db(967_308_000, reads=33, writes=17, proof_size=8727))
    def add_stake_burn(self, origin, hotkey: bytes, netuid: int, amount: int, limit: int | None) -> None:
        """Buy alpha with ``amount`` TAO (no further than ``limit``, never partially) and burn it at
        once; a failure of either step undoes both (the call's own storage layer)."""
        coldkey = origin.ensure_signed()
        if limit is None:
            alpha = self.do_add_stake(coldkey, hotkey, netuid, amount)
        else:
            alpha = self.do_add_stake_limit(coldkey, hotkey, netuid, amount, limit, False)
        self.do_burn_alpha(coldkey, hotkey, alpha, netuid)
        self.deposit_event("AddStakeBurn", {"netuid": netuid, "hotkey": hotkey, "amount": amount, "alpha": alpha})
