"""Weight calls: set_weights (0), set_mechanism_weights (119), batch_set_weights (80) and
commit–reveal v2 (commit 96/115/100, reveal 97/116/98), as ``subnets/weights.rs`` at HEAD.

The validation order lives in ``weights_rules.check_weights``; this part gathers its inputs from
storage and stores the result. Timelocked (drand) commits (113, 117, 118) need drand pulses that a
devnet never receives, so they are refused with ``CallDisabled`` rather than accepted and never
revealed.
"""
from __future__ import annotations

from tensornet.primitives.scale import H256, U16, U64, Bytes, Compact, Tuple, Vec
from tensornet.runtime.dispatch import DispatchError, Weight
from tensornet.runtime.pallet import call

from . import weights_rules as wr
from .coinbase_math import tao_weight_u96f32
from .epoch_inputs import inherited, stake_weight_bits
from .registration import ROOT, mech_index
from .types import MechId, NetUid

_UIDS = Vec(U16)


class WeightsPart:
    """Weights and commit–reveal v2 of SubtensorModule (all ``Pays::No``)."""

    # --- helpers ----------------------------------------------------------------------------------
    def hotkey_stake_weight(self, hotkey: bytes, netuid: int) -> int:
        """I64F64 bits of ``get_stake_weights_for_hotkey_on_subnet`` (inherited alpha + TAO × weight)."""
        ch = self.ChildKeys.get(hotkey, netuid)
        pa = self.ParentKeys.get(hotkey, netuid)
        alpha_of = lambda h: self.TotalHotkeyAlpha.get(h, netuid)
        root_of = lambda h: self.TotalHotkeyAlpha.get(h, ROOT)
        a = inherited(alpha_of(hotkey), ch, pa, alpha_of) if netuid != ROOT else alpha_of(hotkey)
        t = inherited(root_of(hotkey), ch, pa, root_of)
        return stake_weight_bits(a, t, tao_weight_u96f32(self.TaoWeight.get()))

    def check_weights_min_stake(self, hotkey: bytes, netuid: int) -> bool:
        owner_uid = self.get_owner_uid(netuid)
        if owner_uid is not None and self.Uids.get(netuid, hotkey) == owner_uid:
            return True
        return self.hotkey_stake_weight(hotkey, netuid) >= self.StakeThreshold.get() << 64

    def mechanism_exists(self, netuid: int, mecid: int) -> bool:
        return bool(self.NetworksAdded.get(netuid)) and self.MechanismCountCurrent.get(netuid) > mecid

    def current_epoch_with_lookahead(self, netuid: int) -> int:
        base = self.SubnetEpochIndex.get(netuid)
        return base + 1 if self.should_run_epoch(netuid, self.block_number) else base

    # --- set -------------------------------------------------------------------------------------
    def internal_set_weights(self, hotkey: bytes, netuid: int, mecid: int, uids, values, version_key) -> None:
        idx = mech_index(netuid, mecid)
        uid = self.Uids.get(netuid, hotkey) if netuid != ROOT else None
        exists = self.mechanism_exists(netuid, mecid)
        n = self.SubnetworkN.get(netuid)
        cr = self.CommitRevealWeightsEnabled.get(netuid)
        permits = self.ValidatorPermit.get(netuid)
        ctx = wr.WeightsContext(
            netuid=netuid, mechanism_exists=exists, subnetwork_n=n, uid=uid,
            stake_ok=uid is not None and self.check_weights_min_stake(hotkey, netuid),
            network_version_key=self.WeightsVersionKey.get(netuid), commit_reveal_enabled=cr,
            last_update=(self.get_last_update(idx)[uid] if uid is not None and exists and uid < n else 0),
            rate_limit=self.WeightsSetRateLimit.get(netuid), current_block=self.block_number,
            validator_permit=bool(uid is not None and uid < len(permits) and permits[uid]),
            owner_uid=self.get_owner_uid(netuid), min_allowed_weights=self.MinAllowedWeights.get(netuid),
            max_weight_limit=self.MaxWeightsLimit.get(netuid))
        err, upscaled = wr.check_weights(ctx, list(uids), list(values), version_key)
        if err is not None:
            raise self.error(err)
        self.Weights.set(idx, uid, list(zip(uids, upscaled)))
        if not cr:
            self.set_last_update_for_uid(idx, uid, self.block_number)
        self.deposit_event("WeightsSet", (idx, uid))

    @call(0, [("netuid", NetUid, "NetUid"), ("dests", _UIDS, "Vec<u16>"), ("weights", _UIDS, "Vec<u16>"),
              ("version_key", U64, "u64")], weight=Weight.db(15_513_610_000, reads=4112, writes=2, proof_size=10327410), pays_fee=False)
    def set_weights(self, origin, netuid, dests, weights, version_key):
        """Set this hotkey's weights on a subnet (fails with CommitRevealEnabled while CR is on)."""
        hotkey = origin.ensure_signed()
        if self.CommitRevealWeightsEnabled.get(netuid):
            raise self.error("CommitRevealEnabled")
        self.internal_set_weights(hotkey, netuid, 0, dests, weights, version_key)

    @call(119, [("netuid", NetUid, "NetUid"), ("mecid", MechId, "MechId"), ("dests", _UIDS, "Vec<u16>"),
                ("weights", _UIDS, "Vec<u16>"), ("version_key", U64, "u64")], weight=Weight.db(15_540_000_000, reads=4111, writes=2, proof_size=0), pays_fee=False)
    def set_mechanism_weights(self, origin, netuid, mecid, dests, weights, version_key):
        """set_weights for one sub-mechanism of a subnet."""
        hotkey = origin.ensure_signed()
        if self.CommitRevealWeightsEnabled.get(netuid):
            raise self.error("CommitRevealEnabled")
        self.internal_set_weights(hotkey, netuid, mecid, dests, weights, version_key)

    @call(80, [("netuids", Vec(Compact(NetUid)), "Vec<Compact<NetUid>>"),
               ("weights", Vec(Vec(Tuple(Compact(U16), Compact(U16)))), "Vec<Vec<(Compact<u16>, Compact<u16>)>>"),
               ("version_keys", Vec(Compact(U64)), "Vec<Compact<u64>>")], weight=Weight.db(103_092_000, reads=16, writes=2, proof_size=7395), pays_fee=False)
    def batch_set_weights(self, origin, netuids, weights, version_keys):
        """set_weights on several subnets; failing items only emit BatchWeightItemFailed."""
        hotkey = origin.ensure_signed()
        if not len(netuids) == len(weights) == len(version_keys):
            raise self.error("InputLengthsUnequal")

        def one(netuid, w, vk):
            if self.CommitRevealWeightsEnabled.get(netuid):
                raise self.error("CommitRevealEnabled")
            self.internal_set_weights(hotkey, netuid, 0, [u for u, _ in w], [v for _, v in w], vk)

        self._batch(hotkey, netuids, [(n, w, vk) for n, w, vk in zip(netuids, weights, version_keys)], one)

    def _batch(self, hotkey, netuids, items, fn) -> None:
        failures = []
        for item in items:
            try:
                with self.env.state.layer():
                    fn(*item)
            except DispatchError as exc:
                failures.append((item[0], exc.value))
        if failures:
            self.deposit_event("BatchCompletedWithErrors", ())
            for netuid, value in failures:
                self.deposit_event("BatchWeightItemFailed", (netuid, value))
        self.deposit_event("BatchWeightsCompleted", (list(netuids), hotkey))

    # --- commit ----------------------------------------------------------------------------------
    def internal_commit_weights(self, hotkey: bytes, netuid: int, mecid: int, commit_hash: bytes) -> None:
        if not self.mechanism_exists(netuid, mecid):
            raise self.error("MechanismDoesNotExist")
        idx = mech_index(netuid, mecid)
        if not self.CommitRevealWeightsEnabled.get(netuid):
            raise self.error("CommitRevealDisabled")
        uid = self.Uids.get(netuid, hotkey)
        if uid is None:
            raise self.error("HotKeyNotRegisteredInSubNet")
        block = self.block_number
        if not wr.passes_rate_limit(self.get_last_update(idx)[uid], self.WeightsSetRateLimit.get(netuid), block):
            raise self.error("CommittingWeightsTooFast")
        epoch = self.current_epoch_with_lookahead(netuid)
        period = self.RevealPeriodEpochs.get(netuid)
        commits = list(self.WeightCommits.try_get(idx, hotkey) or [])
        while commits and wr.is_commit_expired(epoch, commits[0][1], period):
            commits.pop(0)
        if len(commits) >= wr.MAX_UNREVEALED_COMMITS:
            raise self.error("TooManyUnrevealedCommits")
        commits.append((commit_hash, epoch, block, 0))
        self.WeightCommits.set(idx, hotkey, commits)
        self.deposit_event("WeightsCommitted", (hotkey, idx, commit_hash))
        self.set_last_update_for_uid(idx, uid, block)

    @call(96, [("netuid", NetUid, "NetUid"), ("commit_hash", H256, "H256")], weight=Weight.db(69_049_000, reads=13, writes=2, proof_size=4714), pays_fee=False)
    def commit_weights(self, origin, netuid, commit_hash):
        """Commit a hash of (hotkey, netuid, uids, values, salt, version_key) to reveal next epoch."""
        self.internal_commit_weights(origin.ensure_signed(), netuid, 0, commit_hash)

    @call(115, [("netuid", NetUid, "NetUid"), ("mecid", MechId, "MechId"), ("commit_hash", H256, "H256")],
          weight=Weight.db(55_130_000, reads=7, writes=2, proof_size=0), pays_fee=False)
    def commit_mechanism_weights(self, origin, netuid, mecid, commit_hash):
        """commit_weights for one sub-mechanism."""
        self.internal_commit_weights(origin.ensure_signed(), netuid, mecid, commit_hash)

    @call(100, [("netuids", Vec(Compact(NetUid)), "Vec<Compact<NetUid>>"),
                ("commit_hashes", Vec(H256), "Vec<H256>")], weight=Weight.db(147_224_000, reads=15, writes=2, proof_size=4765), pays_fee=False)
    def batch_commit_weights(self, origin, netuids, commit_hashes):
        """commit_weights on several subnets; failing items only emit BatchWeightItemFailed."""
        hotkey = origin.ensure_signed()
        if len(netuids) != len(commit_hashes):
            raise self.error("InputLengthsUnequal")
        self._batch(hotkey, netuids, list(zip(netuids, commit_hashes)),
                    lambda n, h: self.internal_commit_weights(hotkey, n, 0, h))

    # --- reveal ----------------------------------------------------------------------------------
    def internal_reveal_weights(self, hotkey: bytes, netuid: int, mecid: int, uids, values, salt,
                                version_key) -> None:
        idx = mech_index(netuid, mecid)
        if not self.CommitRevealWeightsEnabled.get(netuid):
            raise self.error("CommitRevealDisabled")
        commits = self.WeightCommits.try_get(idx, hotkey)
        if commits is None:
            raise self.error("NoWeightsCommitFound")
        commits = list(commits)
        epoch = self.current_epoch_with_lookahead(netuid)
        period = self.RevealPeriodEpochs.get(netuid)
        expired = []
        while commits and wr.is_commit_expired(epoch, commits[0][1], period):
            expired.append(commits.pop(0)[0])
        provided = wr.commit_hash(hotkey, idx, uids, values, salt, version_key)
        if not commits:
            raise self.error("ExpiredWeightCommit" if provided in expired else "NoWeightsCommitFound")
        position = next((i for i, c in enumerate(commits) if c[0] == provided), None)
        if position is None:
            raise self.error("ExpiredWeightCommit" if provided in expired else "InvalidRevealCommitHashNotMatch")
        if not wr.is_reveal_epoch(epoch, commits[position][1], period):
            raise self.error("RevealTooEarly")
        remaining = commits[position + 1:]
        if remaining:
            self.WeightCommits.set(idx, hotkey, remaining)
        else:
            self.WeightCommits.remove(idx, hotkey)
        self.internal_set_weights(hotkey, netuid, mecid, uids, values, version_key)
        self.deposit_event("WeightsRevealed", (hotkey, idx, provided))

    @call(97, [("netuid", NetUid, "NetUid"), ("uids", _UIDS, "Vec<u16>"), ("values", _UIDS, "Vec<u16>"),
               ("salt", _UIDS, "Vec<u16>"), ("version_key", U64, "u64")], weight=Weight.db(111_227_000, reads=19, writes=2, proof_size=7590), pays_fee=False)
    def reveal_weights(self, origin, netuid, uids, values, salt, version_key):
        """Reveal committed weights in the reveal epoch; they are then set as by set_weights."""
        self.internal_reveal_weights(origin.ensure_signed(), netuid, 0, uids, values, salt, version_key)

    @call(116, [("netuid", NetUid, "NetUid"), ("mecid", MechId, "MechId"), ("uids", _UIDS, "Vec<u16>"),
                ("values", _UIDS, "Vec<u16>"), ("salt", _UIDS, "Vec<u16>"), ("version_key", U64, "u64")],
          weight=Weight.db(122_000_000, reads=16, writes=2, proof_size=0), pays_fee=False)
    def reveal_mechanism_weights(self, origin, netuid, mecid, uids, values, salt, version_key):
        """reveal_weights for one sub-mechanism."""
        self.internal_reveal_weights(origin.ensure_signed(), netuid, mecid, uids, values, salt, version_key)

    @call(98, [("netuid", NetUid, "NetUid"), ("uids_list", Vec(_UIDS), "Vec<Vec<u16>>"),
               ("values_list", Vec(_UIDS), "Vec<Vec<u16>>"), ("salts_list", Vec(_UIDS), "Vec<Vec<u16>>"),
               ("version_keys", Vec(U64), "Vec<u64>")], weight=Weight.db(421_363_000, reads=19, writes=2, proof_size=8095), pays_fee=False)
    def batch_reveal_weights(self, origin, netuid, uids_list, values_list, salts_list, version_keys):
        """Reveal several commits of one subnet at once (all or nothing)."""
        hotkey = origin.ensure_signed()
        if not len(uids_list) == len(values_list) == len(salts_list) == len(version_keys):
            raise self.error("InputLengthsUnequal")
        if not self.CommitRevealWeightsEnabled.get(netuid):
            raise self.error("CommitRevealDisabled")
        commits = self.WeightCommits.try_get(netuid, hotkey)
        if commits is None:
            raise self.error("NoWeightsCommitFound")
        commits = list(commits)
        epoch = self.current_epoch_with_lookahead(netuid)
        period = self.RevealPeriodEpochs.get(netuid)
        expired = []
        while commits and wr.is_commit_expired(epoch, commits[0][1], period):
            expired.append(commits.pop(0)[0])
        reveals = [(u, v, vk, wr.commit_hash(hotkey, netuid, u, v, s, vk))
                   for u, v, s, vk in zip(uids_list, values_list, salts_list, version_keys)]
        for _, _, _, h in reveals:
            match = next((c for c in commits if c[0] == h), None)
            if match is None:
                raise self.error("ExpiredWeightCommit" if h in expired else "InvalidRevealCommitHashNotMatch")
            if not wr.is_reveal_epoch(epoch, match[1], period):
                raise self.error("RevealTooEarly")
        revealed = []
        for u, v, vk, h in reveals:
            commits = [c for c in commits if c[0] != h]
            self.internal_set_weights(hotkey, netuid, 0, u, v, vk)
            revealed.append(h)
        if commits:
            self.WeightCommits.set(netuid, hotkey, commits)
        else:
            self.WeightCommits.remove(netuid, hotkey)
        self.deposit_event("WeightsBatchRevealed", (hotkey, netuid, revealed))

    # --- timelocked (drand) commits: refused -----------------------------------------------------
    def _timelocked_refused(self, origin) -> None:
        origin.ensure_signed()
        raise self.error("CallDisabled")

    @call(113, [("netuid", NetUid, "NetUid"), ("commit", Bytes, "BoundedVec<u8, ConstU32<MAX_CRV3_COMMIT_SIZE_BYTES>>"),
                ("reveal_round", U64, "u64"), ("commit_reveal_version", U16, "u16")], weight=Weight.db(86_951_000, reads=14, writes=2, proof_size=4713), pays_fee=False)
    def commit_timelocked_weights(self, origin, netuid, commit, reveal_round, commit_reveal_version):
        """Timelocked (drand) commit: refused here (CallDisabled) — no drand pulses on a devnet;
        disable CR or use commit_weights/reveal_weights."""
        self._timelocked_refused(origin)

    @call(117, [("netuid", NetUid, "NetUid"), ("mecid", MechId, "MechId"),
                ("commit", Bytes, "BoundedVec<u8, ConstU32<MAX_CRV3_COMMIT_SIZE_BYTES>>"),
                ("reveal_round", U64, "u64")], weight=Weight.db(77_750_000, reads=7, writes=2, proof_size=0), pays_fee=False)
    def commit_crv3_mechanism_weights(self, origin, netuid, mecid, commit, reveal_round):
        """Timelocked (drand) commit: refused here (CallDisabled) — no drand pulses on a devnet."""
        self._timelocked_refused(origin)

    @call(118, [("netuid", NetUid, "NetUid"), ("mecid", MechId, "MechId"),
                ("commit", Bytes, "BoundedVec<u8, ConstU32<MAX_CRV3_COMMIT_SIZE_BYTES>>"),
                ("reveal_round", U64, "u64"), ("commit_reveal_version", U16, "u16")], weight=Weight.db(84_020_000, reads=9, writes=2, proof_size=0), pays_fee=False)
    def commit_timelocked_mechanism_weights(self, origin, netuid, mecid, commit, reveal_round,
                                            commit_reveal_version):
        """Timelocked (drand) commit: refused here (CallDisabled) — no drand pulses on a devnet."""
        self._timelocked_refused(origin)
