"""Owner-or-root rules for hyperparameters, the owner rate limit, the admin freeze window, and the
SubtensorModule calls that change epoch timing: set_tempo (139), set_activity_cutoff_factor (140),
trigger_epoch (141). Sources: ``utils/misc.rs`` (``ensure_sn_owner_or_root_with_limits``,
``is_in_admin_freeze_window``), ``utils/rate_limiting.rs``, ``coinbase/tempo_control.rs``.

An owner-signed change is rate-limited per (netuid, hyperparameter) to OwnerHyperparamRateLimit
tempos (weights version key: WeightsVersionKeyRateLimit tempos) and refused when fewer than
AdminFreezeWindow blocks remain before the subnet's next epoch; Root (via Sudo) bypasses both
except where subtensor also checks the window for root.
"""
from __future__ import annotations

from tensornet.primitives.scale import U16, U32
from tensornet.runtime.dispatch import DispatchError, Origin, Weight
from tensornet.runtime.pallet import call

from .types import NetUid

MIN_TEMPO, MAX_TEMPO = 360, 50_400
MIN_CUTOFF_FACTOR, MAX_CUTOFF_FACTOR = 1_000, 50_000
TX_SET_WEIGHTS_VERSION_KEY, TX_TEMPO_UPDATE = 4, 11
WEIGHTS_VERSION_KEY = "SetWeightsVersionKey"


class AdminRules:
    """Origin, rate-limit and freeze-window checks shared by AdminUtils and SubtensorModule."""

    def ensure_subnet_owner_or_root(self, origin: Origin, netuid: int) -> bytes | None:
        if origin.is_root:
            return None
        who = origin.ensure_signed()
        if self.SubnetOwner.get(netuid) != who:
            raise DispatchError.bad_origin()
        return who

    def ensure_subnet_owner(self, origin: Origin, netuid: int) -> bytes:
        who = origin.ensure_signed()
        if self.SubnetOwner.get(netuid) != who:
            raise DispatchError.bad_origin()
        return who

    def _limit_and_last(self, who: bytes, netuid: int, limit: str) -> tuple[int, int]:
        tempo = self.Tempo.get(netuid)
        if limit == WEIGHTS_VERSION_KEY:
            return (tempo * self.WeightsVersionKeyRateLimit.get(),
                    self.TransactionKeyLastBlock.get(who, netuid, TX_SET_WEIGHTS_VERSION_KEY))
        key = {"OwnerHyperparamUpdate": (netuid, limit)}
        return tempo * self.OwnerHyperparamRateLimit.get(), self.LastRateLimitedBlock.get(key)

    def ensure_sn_owner_or_root_with_limits(self, origin: Origin, netuid: int, limits: list[str]) -> bytes | None:
        """Owner (rate-limited per hyperparameter) or Root; anyone else gets BadOrigin."""
        who = self.ensure_subnet_owner_or_root(origin, netuid)
        if who is not None:
            for limit in limits:
                rate, last = self._limit_and_last(who, netuid, limit)
                if last != 0 and self.block_number - last < rate:
                    raise self.error("TxRateLimitExceeded")
        return who

    def record_owner_rl(self, who: bytes | None, netuid: int, limits: list[str]) -> None:
        if who is None:
            return
        for limit in limits:
            if limit == WEIGHTS_VERSION_KEY:
                self.TransactionKeyLastBlock.set(who, netuid, TX_SET_WEIGHTS_VERSION_KEY, self.block_number)
            else:
                self.LastRateLimitedBlock.set({"OwnerHyperparamUpdate": (netuid, limit)}, self.block_number)

    def is_in_admin_freeze_window(self, netuid: int, block: int) -> bool:
        if self.Tempo.get(netuid) == 0:
            return False
        pending = self.PendingEpochAt.get(netuid)
        if pending > 0 and pending > block:
            return True
        return self.blocks_until_next_auto_epoch(netuid, block) < self.AdminFreezeWindow.get()

    def ensure_admin_window_open(self, netuid: int) -> None:
        if self.is_in_admin_freeze_window(netuid, self.block_number):
            raise self.error("AdminActionProhibitedDuringWeightsWindow")


class TempoControlPart(AdminRules):
    """Dynamic tempo calls (v3.4.8+)."""

    @call(139, [("netuid", NetUid, "NetUid"), ("tempo", U16, "u16")], weight=Weight.db(46_407_000, reads=6, writes=3, proof_size=4440))
    def set_tempo(self, origin, netuid, tempo):
        """Owner sets the subnet's tempo (360..50_400); the epoch cycle restarts now."""
        who = self.ensure_subnet_owner(origin, netuid)
        if not MIN_TEMPO <= tempo <= MAX_TEMPO:
            raise self.error("TempoOutOfBounds")
        self.ensure_admin_window_open(netuid)
        last = self.TransactionKeyLastBlock.get(who, netuid, TX_TEMPO_UPDATE)
        if last != 0 and self.block_number - last < MIN_TEMPO:
            raise self.error("TxRateLimitExceeded")
        self.apply_tempo_with_cycle_reset(netuid, tempo)
        self.TransactionKeyLastBlock.set(who, netuid, TX_TEMPO_UPDATE, self.block_number)

    def apply_tempo_with_cycle_reset(self, netuid: int, tempo: int) -> None:
        self.Tempo.set(netuid, tempo)
        self.LastEpochBlock.set(netuid, self.block_number)
        self.PendingEpochAt.set(netuid, 0)

    @call(140, [("netuid", NetUid, "NetUid"), ("factor_milli", U32, "u32")], weight=Weight.db(39_193_000, reads=7, writes=2, proof_size=4364))
    def set_activity_cutoff_factor(self, origin, netuid, factor_milli):
        """Activity cutoff = factor_milli × tempo / 1000 blocks (1_000..50_000)."""
        who = self.ensure_subnet_owner_or_root(origin, netuid)
        if not MIN_CUTOFF_FACTOR <= factor_milli <= MAX_CUTOFF_FACTOR:
            raise self.error("ActivityCutoffFactorMilliOutOfBounds")
        limits = ["ActivityCutoffFactorMilli"]
        if who is not None:
            self.ensure_admin_window_open(netuid)
            self.ensure_sn_owner_or_root_with_limits(origin, netuid, limits)
        self.ActivityCutoffFactorMilli.set(netuid, factor_milli)
        self.record_owner_rl(who, netuid, limits)

    @call(141, [("netuid", NetUid, "NetUid")], weight=Weight.db(42_539_000, reads=8, writes=2, proof_size=4447))
    def trigger_epoch(self, origin, netuid):
        """Owner schedules an epoch AdminFreezeWindow blocks from now (commit-reveal must be off)."""
        who = self.ensure_subnet_owner(origin, netuid)
        if self.CommitRevealWeightsEnabled.get(netuid):
            raise self.error("DynamicTempoBlockedByCommitReveal")
        if self.PendingEpochAt.get(netuid) != 0:
            raise self.error("EpochTriggerAlreadyPending")
        window = self.AdminFreezeWindow.get()
        if self.blocks_until_next_auto_epoch(netuid, self.block_number) < window:
            raise self.error("AutoEpochAlreadyImminent")
        self.ensure_sn_owner_or_root_with_limits(origin, netuid, ["TriggerEpoch"])
        fires_at = self.block_number + window
        self.PendingEpochAt.set(netuid, fires_at)
        self.record_owner_rl(who, netuid, ["TriggerEpoch"])
        self.deposit_event("EpochTriggered", {"netuid": netuid, "by": who, "fires_at": fires_at})
