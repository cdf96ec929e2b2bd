"""Validators' voting power: an EMA of their stake kept per subnet once its owner turns tracking on,
as ``utils/voting_power.rs``; a part class of SubtensorModule.

    enable_voting_power_tracking (129)    the subnet's owner or root
    disable_voting_power_tracking (130)   scheduled VOTING_POWER_DISABLE_GRACE_PERIOD_BLOCKS ahead
    sudo_set_voting_power_ema_alpha (131) root; alpha in [0, 10^18] (10^18 = 1.0)

After each epoch of a tracked subnet (``update_voting_power_for_subnet``), every hotkey holding a
validator permit moves its VotingPower towards the stake the epoch used: ``(α·stake + (1−α)·old) /
10^18``, in integers as the chain does. A hotkey without a permit, or no longer registered, loses its
entry; one whose power decays below StakeThreshold after having been above it loses it too.
"""
from __future__ import annotations

from collections.abc import Sequence

from tensornet.primitives.scale import U64
from tensornet.runtime.dispatch import Weight
from tensornet.runtime.pallet import call

from .types import NetUid

VOTING_POWER_DISABLE_GRACE_PERIOD_BLOCKS = 100_800
MAX_VOTING_POWER_EMA_ALPHA = 10**18
_U64_MAX = 2**64 - 1
_U128_MAX = 2**128 - 1


def voting_power_ema(current_stake: int, previous: int, alpha: int) -> int:
    """``calculate_voting_power_ema``: u128 saturating arithmetic, floored, saturated to u64."""
    numerator = min(alpha * current_stake, _U128_MAX)
    numerator = min(numerator + min((MAX_VOTING_POWER_EMA_ALPHA - alpha) * previous, _U128_MAX), _U128_MAX)
    return min(numerator // MAX_VOTING_POWER_EMA_ALPHA, _U64_MAX)


class VotingPowerPart:
    """Part class: the voting-power calls and the per-epoch update."""

    @call(129, [("netuid", NetUid, "NetUid")], weight=Weight.db(10_000, reads=2, writes=2))
    def enable_voting_power_tracking(self, origin, netuid: int) -> None:
        """Start tracking validators' voting power on a subnet (its owner or root)."""
        self.ensure_subnet_owner_or_root(origin, netuid)
        self.VotingPowerTrackingEnabled.set(netuid, True)
        self.VotingPowerDisableAtBlock.remove(netuid)
        self.deposit_event("VotingPowerTrackingEnabled", {"netuid": netuid})

    @call(130, [("netuid", NetUid, "NetUid")], weight=Weight.db(10_000, reads=2, writes=1))
    def disable_voting_power_tracking(self, origin, netuid: int) -> None:
        """Stop tracking after a grace period (its owner or root); the entries go then."""
        self.ensure_subnet_owner_or_root(origin, netuid)
        if not self.VotingPowerTrackingEnabled.get(netuid):
            raise self.error("VotingPowerTrackingNotEnabled")
        at = min(self.block_number + VOTING_POWER_DISABLE_GRACE_PERIOD_BLOCKS, _U64_MAX)
        self.VotingPowerDisableAtBlock.set(netuid, at)
        self.deposit_event("VotingPowerTrackingDisableScheduled", {"netuid": netuid, "disable_at_block": at})

    @call(131, [("netuid", NetUid, "NetUid"), ("alpha", U64, "u64")], weight=Weight.db(6_000, reads=1, writes=1))
    def sudo_set_voting_power_ema_alpha(self, origin, netuid: int, alpha: int) -> None:
        """Root: the EMA's weight of the latest stake (10^18 = 1.0)."""
        origin.ensure_root()
        if alpha > MAX_VOTING_POWER_EMA_ALPHA:
            raise self.error("InvalidVotingPowerEmaAlpha")
        self.VotingPowerEmaAlpha.set(netuid, alpha)
        self.deposit_event("VotingPowerEmaAlphaSet", {"netuid": netuid, "alpha": alpha})

    def update_voting_power_for_subnet(self, netuid: int, hotkeys: Sequence[bytes], permits: Sequence[bool],
                                       stakes: Sequence[int]) -> None:
        """After an epoch: ``hotkeys`` with their (mechanism-aggregated) permit and stake."""
        if not self.VotingPowerTrackingEnabled.get(netuid):
            return
        disable_at = self.VotingPowerDisableAtBlock.get(netuid)
        if disable_at and self.block_number >= disable_at:
            self.VotingPower.clear_prefix(netuid)
            self.VotingPowerTrackingEnabled.set(netuid, False)
            self.VotingPowerDisableAtBlock.remove(netuid)
            self.deposit_event("VotingPowerTrackingDisabled", {"netuid": netuid})
            return
        alpha, threshold = self.VotingPowerEmaAlpha.get(netuid), self.StakeThreshold.get()
        for hotkey, permit, stake in zip(hotkeys, permits, stakes):
            if not permit:
                self.VotingPower.remove(netuid, hotkey)
                continue
            previous = self.VotingPower.get(netuid, hotkey)
            power = voting_power_ema(stake, previous, alpha)
            if power < threshold <= previous:  # decayed below the threshold it had reached
                self.VotingPower.remove(netuid, hotkey)
            elif power > 0:
                self.VotingPower.set(netuid, hotkey, power)
        for (hotkey,), _ in list(self.VotingPower.iter(netuid)):
            if not self.IsNetworkMember.get(hotkey, netuid):
                self.VotingPower.remove(netuid, hotkey)
