"""The epoch runner: storage → Yuma typed face → storage, then the distribution of the drained
pending alpha (``run_coinbase.rs distribute_emission`` and friends, ``epoch/run_epoch.rs``).

Distribution, in the chain's order: owner cut staked to (SubnetOwnerHotkey, SubnetOwner); miner
incentive staked to the miner's own coldkey (owner hotkeys' incentive burned or recycled, the
withheld fraction recorded in MinerBurned); each validator dividend split with its parents
(childkeys) and then into an alpha part and a root part by the hotkey's alpha vs. TaoWeight × root
stake; alpha dividends pay the delegate take to the hotkey's owner and the rest to every nominator
pro rata (share pool); root alpha dividends pay the take and the rest accrues to RootClaimable.
All intermediate amounts are U96F32 raw ints, floored to rao where the chain floors them.
"""
from __future__ import annotations

import numpy as np

from tensornet.consensus import yuma
from tensornet.consensus.types import NO_COMMIT, Csr, EpochInputs, EpochOutputs
from tensornet.primitives.hashing import blake2_128
from tensornet.primitives.scale import decode_compact

from . import coinbase_math as cm
from .epoch_inputs import normalized_proportion, stake_weights
from .registration import ROOT, mech_index
from .weights_rules import is_commit_expired

F32, ONE32 = cm.F32, cm.ONE32


def split_emissions(alpha: int, count: int, split: list[int] | None) -> list[int]:
    """``split_emissions``: by MechanismEmissionSplit (u16 parts) or evenly; dust to mechanism 0."""
    if split is not None:
        out = [alpha * s // 0xFFFF for s in split]
    else:
        out = [alpha // count] * count if count else []
    out = (out + [0] * count)[:count]
    if out:
        out[0] += max(alpha - sum(out), 0)
    return out


class EpochPart:
    """Epoch runner and emission distribution of SubtensorModule."""

    # --- inputs ---------------------------------------------------------------------------------
    def subnet_hotkeys(self, netuid: int, n: int) -> list[bytes | None]:
        keys: list[bytes | None] = [None] * n
        for (uid,), hk in self.Keys.iter(netuid):
            if uid < n:
                keys[uid] = hk
        return keys

    def _rows(self, item, idx: int, n: int, filter_cols: bool) -> Csr:
        """``Weights``/``Bonds`` rows of one mechanism as CSR, decoded straight from the raw
        values (each is ``Compact(len) ‖ (u16, u16)*``); uids ≥ n are dropped as the chain does."""
        rows: dict[int, np.ndarray] = {}
        for raw_key, raw in self.env.state.iterate(item.item.prefix_key(idx)):
            uid = int.from_bytes(raw_key[-2:], "little")  # Identity hasher: the u16 itself
            if uid >= n:
                continue
            count, offset = decode_compact(raw, 0)
            pairs = np.frombuffer(raw, dtype="<u2", count=2 * count, offset=offset).reshape(-1, 2)
            if filter_cols and count:
                pairs = pairs[pairs[:, 0] < n]
            rows[uid] = pairs
        lengths = np.zeros(n + 1, np.int64)
        for uid, pairs in rows.items():
            lengths[uid + 1] = len(pairs)
        indptr = np.cumsum(lengths)
        if rows:
            ordered = [rows[u] for u in sorted(rows)]
            flat = np.concatenate(ordered).astype(np.int64) if ordered else np.zeros((0, 2), np.int64)
        else:
            flat = np.zeros((0, 2), np.int64)
        return Csr(indptr, flat[:, 0].copy(), flat[:, 1].copy())

    def _commit_blocks(self, netuid: int, idx: int, n: int) -> np.ndarray:
        out = np.full(n, NO_COMMIT, np.uint64)
        epoch = self.current_epoch_with_lookahead(netuid)
        period = self.RevealPeriodEpochs.get(netuid)
        for (who,), queue in self.WeightCommits.iter(idx):
            for _, commit_epoch, commit_block, _ in queue:
                if not is_commit_expired(epoch, commit_epoch, period):
                    uid = self.Uids.get(netuid, who)
                    if uid is not None and uid < n:
                        out[uid] = min(int(out[uid]), commit_block)
                    break
        return out

    def _hotkey_reader(self, bound, netuid: int):
        """A fast reader of a ``(Blake2_128Concat hotkey, Identity netuid)`` item for one subnet:
        the key is built directly (an epoch reads several of these for every uid)."""
        item, state = bound.item, self.env.state
        prefix, suffix = item.prefix, netuid.to_bytes(2, "little")
        decode, default = item.value_type.decode, item.default

        def read(hotkey: bytes):
            raw = state.get(prefix + blake2_128(hotkey) + hotkey + suffix)
            return default if raw is None else decode(raw, 0)[0]

        return read

    def stake_weights_for_network(self, netuid: int, hotkeys: list[bytes | None]):
        """``get_stake_weights_for_network``: inherited alpha + TaoWeight × inherited root stake."""
        alpha = self._hotkey_reader(self.TotalHotkeyAlpha, netuid)
        if self.SubnetTAO.get(ROOT) == 0:
            root = lambda h: 0  # no TAO staked on root: every root stake is 0
        else:
            root = self._hotkey_reader(self.TotalHotkeyAlpha, ROOT)
        children = self._hotkey_reader(self.ChildKeys, netuid)
        parents = self._hotkey_reader(self.ParentKeys, netuid)
        tw = cm.tao_weight_u96f32(self.TaoWeight.get())
        return stake_weights(hotkeys, alpha, root, children, parents, tw)

    def epoch_inputs(self, netuid: int, mecid: int, rao_emission: int) -> tuple[EpochInputs, list]:
        """Read one mechanism's epoch inputs from storage (``epoch_mechanism``'s reads)."""
        idx = mech_index(netuid, mecid)
        n = self.SubnetworkN.get(netuid)
        hotkeys = self.subnet_hotkeys(netuid, n)
        sw = self.stake_weights_for_network(netuid, hotkeys)
        permits = list(self.ValidatorPermit.get(netuid))[:n]
        permits += [False] * (n - len(permits))
        bar_prefix = self.BlockAtRegistration.item.prefix + netuid.to_bytes(2, "little")
        state = self.env.state
        bar = np.array([int.from_bytes(state.get(bar_prefix + u.to_bytes(2, "little")) or b"", "little")
                        if hotkeys[u] is not None else 0 for u in range(n)], np.uint64)
        tempo = self.Tempo.get(netuid)
        cutoff = max(self.ActivityCutoffFactorMilli.get(netuid) * tempo // 1000, 1)
        cr = self.CommitRevealWeightsEnabled.get(netuid)
        alpha_low, alpha_high = self.AlphaValues.get(netuid)
        inp = EpochInputs(
            n=n, stake=sw.stake, stake_fraction=sw.stake_fraction,
            weights=self._rows(self.Weights, idx, n, True), bonds=self._rows(self.Bonds, idx, n, False),
            last_update=np.array(self.get_last_update(idx)[:n], np.uint64), block_at_registration=bar,
            current_block=self.block_number, tempo=tempo,
            last_mechanism_step_block=self.LastMechansimStepBlock.get(netuid), activity_cutoff=cutoff,
            validator_permit=np.array(permits, np.bool_),
            max_allowed_validators=self.MaxAllowedValidators.get(netuid), kappa=self.Kappa.get(netuid),
            bonds_penalty=self.BondsPenalty.get(netuid),
            bonds_moving_average=self.BondsMovingAverage.get(netuid),
            liquid_alpha_enabled=self.LiquidAlphaOn.get(netuid), alpha_low=alpha_low, alpha_high=alpha_high,
            alpha_sigmoid_steepness=self.AlphaSigmoidSteepness.get(netuid),
            yuma3_enabled=self.Yuma3On.get(netuid), owner_uid=self.get_owner_uid(netuid),
            stake_threshold=self.StakeThreshold.get(), commit_reveal_enabled=cr,
            commit_blocks=self._commit_blocks(netuid, idx, n) if cr else None, rao_emission=rao_emission)
        return inp, hotkeys

    # --- run and persist ------------------------------------------------------------------------
    def epoch_with_mechanisms(self, netuid: int, rao_emission: int) -> list[tuple[bytes, int, int]]:
        """Run every mechanism, persist, and return (hotkey, incentive, dividend) in uid order."""
        count = self.MechanismCountCurrent.get(netuid)
        parts = split_emissions(rao_emission, count, self.MechanismEmissionSplit.try_get(netuid))
        agg: dict[int, dict] = {}
        hotkeys: list = []
        for mecid, emission in enumerate(parts):
            inp, hotkeys = self.epoch_inputs(netuid, mecid, emission)
            out = yuma.epoch(inp)
            self.persist_mechanism(netuid, mecid, out, hotkeys)
            weight = (emission << 64) // rao_emission if rao_emission else (1 << 64 if mecid == 0 else 0)
            self._accumulate(agg, out, hotkeys, weight)
        self.persist_netuid(netuid, agg, len(hotkeys))
        return [(hotkeys[u], agg[u]["server"], agg[u]["validator"]) for u in sorted(agg)]

    @staticmethod
    def _accumulate(agg: dict, out: EpochOutputs, hotkeys: list, weight64: int) -> None:
        def w(v: int) -> int:
            return (int(v) * weight64) >> 64

        for uid, hk in enumerate(hotkeys):
            if hk is None:
                continue
            t = agg.setdefault(uid, {"server": 0, "validator": 0, "dividend": 0, "incentive": 0,
                                     "stake_weight": 0, "active": False, "emission": 0, "consensus": 0,
                                     "validator_trust": 0, "permit": False})
            t["server"] += int(out.server_emission[uid])
            t["validator"] += int(out.validator_emission[uid])
            for key, arr in (("dividend", out.dividends), ("incentive", out.incentive),
                             ("stake_weight", out.stake_weight), ("emission", out.emission),
                             ("consensus", out.consensus), ("validator_trust", out.validator_trust)):
                t[key] = min(t[key] + w(arr[uid]), 0xFFFF if key != "emission" else cm.U64_MAX)
            t["active"] |= bool(out.active[uid])
            t["permit"] |= bool(out.new_validator_permit[uid])

    def persist_mechanism(self, netuid: int, mecid: int, out: EpochOutputs, hotkeys: list) -> None:
        idx = mech_index(netuid, mecid)
        uids = [u for u, hk in enumerate(hotkeys) if hk is not None]
        self.Incentive.set(idx, [int(out.incentive[u]) for u in uids])
        self.deposit_event("IncentiveAlphaEmittedToMiners",
                           {"netuid": idx, "emissions": [int(out.server_emission[u]) for u in uids]})
        rows = out.bonds.rows()
        for pos, u in enumerate(uids):
            self.Bonds.set(idx, pos, rows[u] if u < len(rows) else [])

    def persist_netuid(self, netuid: int, agg: dict, n: int) -> None:
        terms = [agg[u] for u in sorted(agg)]
        self.Active.set(netuid, [t["active"] for t in terms])
        self.Emission.set(netuid, [t["emission"] for t in terms])
        self.Consensus.set(netuid, [t["consensus"] for t in terms])
        self.Dividends.set(netuid, [t["dividend"] for t in terms])
        self.ValidatorTrust.set(netuid, [t["validator_trust"] for t in terms])
        self.ValidatorPermit.set(netuid, [t["permit"] for t in terms])
        self.StakeWeight.set(netuid, [t["stake_weight"] for t in terms])

    # --- distribution ---------------------------------------------------------------------------
    def distribute_emission(self, netuid: int, server: int, validator: int, root: int, owner_cut: int) -> None:
        hotkey_emission = self.epoch_with_mechanisms(netuid, server + validator + root)
        incentive_sum = sum(inc for _, inc, _ in hotkey_emission)
        validator_alpha = validator if incentive_sum else validator + server
        incentives: dict[bytes, int] = {}
        dividends: dict[bytes, int] = {}
        for hk, inc, div in hotkey_emission:
            incentives[hk] = incentives.get(hk, 0) + inc
            if div == 0:
                continue  # contributes nothing (the chain also writes zero entries; we skip them)
            for parent, amount in self.parent_child_dividends(hk, netuid, div):
                dividends[parent] = dividends.get(parent, 0) + (amount << F32)
        alpha_divs, root_divs = self.dividend_distribution(netuid, validator_alpha, root, dividends)
        self.distribute_dividends_and_incentives(netuid, owner_cut, incentives, alpha_divs, root_divs)

    def self_contribution(self, hotkey: bytes, netuid: int, tw: int) -> int:
        remaining = ONE32
        for p, _ in self.ChildKeys.get(hotkey, netuid):
            remaining = max(remaining - normalized_proportion(p), 0)
        alpha = cm.mul32(self.TotalHotkeyAlpha.get(hotkey, netuid) << F32, remaining)
        rootc = cm.mul32(cm.mul32(self.TotalHotkeyAlpha.get(hotkey, ROOT) << F32, remaining), tw)
        return cm.to_u64_32(alpha + rootc)

    def parent_child_dividends(self, hotkey: bytes, netuid: int, dividend: int) -> list[tuple[bytes, int]]:
        """``get_parent_child_dividends_distribution``: the dividend split with parents by their
        contributed stake; a parent of another coldkey leaves the childkey take (and CKBurn)."""
        parents = self.ParentKeys.get(hotkey, netuid)
        if not parents:
            return [(hotkey, dividend)]
        tw = cm.tao_weight_u96f32(self.TaoWeight.get())
        validating = dividend << F32
        remaining = validating
        burn_prop = cm.div32(self.CKBurn.get() << F32, cm.U64_MAX << F32)
        take_prop = cm.div32(self.ChildkeyTake.get(hotkey, netuid) << F32, 0xFFFF << F32)
        child_owner = self.Owner.get(hotkey)
        total = self.self_contribution(hotkey, netuid, tw) << F32
        contribs = []
        for p, parent in parents:
            pp = normalized_proportion(p)
            c = (cm.mul32(self.TotalHotkeyAlpha.get(parent, netuid) << F32, pp)
                 + cm.mul32(cm.mul32(self.TotalHotkeyAlpha.get(parent, ROOT) << F32, pp), tw))
            total += c
            contribs.append((parent, c))
        out, child_take_total = [], 0
        for parent, c in contribs:
            em = cm.mul32(validating, cm.div32(c, total))
            remaining = max(remaining - em, 0)
            if self.Owner.get(parent) != child_owner:
                burn = cm.mul32(burn_prop, em)
                take = cm.mul32(take_prop, em)
                em -= burn + take
                child_take_total += take
                self.recycle_subnet_alpha(netuid, cm.to_u64_32(burn))
            out.append((parent, cm.to_u64_32(em)))
        out.append((hotkey, cm.to_u64_32(remaining + child_take_total)))
        return out

    def dividend_distribution(self, netuid: int, pending_alpha: int, pending_root: int,
                              dividends: dict[bytes, int]) -> tuple[dict[bytes, int], dict[bytes, int]]:
        """``calculate_dividend_distribution``: each hotkey's dividend into alpha and root parts
        by stake, then the pending validator / root alpha shared by those parts (U96F32)."""
        tw = cm.tao_weight_u96f32(self.TaoWeight.get())
        alpha_divs, root_divs = {}, {}
        for hk in sorted(dividends):
            div = dividends[hk]
            a = self.TotalHotkeyAlpha.get(hk, netuid) << F32
            root_alpha = cm.mul32(self.TotalHotkeyAlpha.get(hk, ROOT) << F32, tw)
            rd = cm.mul32(div, cm.div32(root_alpha, a + root_alpha))
            alpha_divs[hk] = div - rd
            root_divs[hk] = rd
        total_a, total_r = sum(alpha_divs.values()), sum(root_divs.values())
        prop_alpha = {hk: cm.mul32(pending_alpha << F32, cm.div32(v, total_a)) for hk, v in alpha_divs.items()}
        prop_root = {hk: cm.mul32(pending_root << F32, cm.div32(v, total_r)) for hk, v in root_divs.items()}
        return prop_alpha, prop_root

    def owner_hotkeys(self, netuid: int, coldkey: bytes) -> list[bytes]:
        """``get_owner_hotkeys``: the owner's hotkeys registered here, plus SubnetOwnerHotkey."""
        out = [hk for hk in (self.OwnedHotkeys.get(coldkey) or []) if self.Uids.get(netuid, hk) is not None]
        owner_hk = self.SubnetOwnerHotkey.try_get(netuid)
        if owner_hk is not None and self.Uids.get(netuid, owner_hk) is not None and owner_hk not in out:
            out.insert(0, owner_hk)
        return out

    def hotkey_take32(self, hotkey: bytes) -> int:
        return cm.div32(self.Delegates.get(hotkey) << F32, 0xFFFF << F32)

    def distribute_dividends_and_incentives(self, netuid: int, owner_cut: int, incentives: dict[bytes, int],
                                            alpha_divs: dict[bytes, int], root_divs: dict[bytes, int]) -> None:
        owner_cold = self.SubnetOwner.try_get(netuid)
        owner_hot = self.SubnetOwnerHotkey.try_get(netuid)
        if owner_cold is not None and owner_hot is not None and owner_cut:
            self.increase_stake_for_hotkey_and_coldkey_on_subnet(owner_hot, owner_cold, netuid, owner_cut)
        owners = set(self.owner_hotkeys(netuid, self.SubnetOwner.get(netuid)))
        total_inc = withheld = 0
        for hk in sorted(incentives):
            inc = incentives[hk]
            total_inc += inc
            if inc == 0:
                continue
            if hk in owners:
                withheld += inc
                if self.RecycleOrBurn.get(netuid) == "Recycle":
                    self.recycle_subnet_alpha(netuid, inc)
                continue  # Burn: the alpha stays counted in SubnetAlphaOut but belongs to nobody
            owner = self.Owner.get(hk)
            dest = self.AutoStakeDestination.try_get(owner, netuid)
            if dest is not None:
                self.deposit_event("AutoStakeAdded", {"netuid": netuid, "destination": dest, "hotkey": hk,
                                                      "owner": owner, "incentive": inc})
            if inc:
                self.increase_stake_for_hotkey_and_coldkey_on_subnet(dest or hk, owner, netuid, inc)
        self.MinerBurned.set(netuid, cm.div32(withheld << F32, total_inc << F32))
        self.AlphaDividendsPerSubnet.clear_prefix(netuid)
        for hk in sorted(alpha_divs):
            divs = alpha_divs[hk]
            if divs == 0:
                continue
            take = cm.mul32(self.hotkey_take32(hk), divs)
            divs -= take
            if cm.to_u64_32(take):
                self.increase_stake_for_hotkey_and_coldkey_on_subnet(hk, self.Owner.get(hk), netuid,
                                                                     cm.to_u64_32(take))
            if cm.to_u64_32(divs):
                self.increase_stake_for_hotkey_on_subnet(hk, netuid, cm.to_u64_32(divs))
            self.AlphaDividendsPerSubnet.set(netuid, hk, self.AlphaDividendsPerSubnet.get(netuid, hk) + cm.to_u64_32(divs))
            self.TotalHotkeyAlphaLastEpoch.set(hk, netuid, self.TotalHotkeyAlpha.get(hk, netuid))
        self.RootAlphaDividendsPerSubnet.clear_prefix(netuid)
        for hk in sorted(root_divs):
            amount = root_divs[hk]
            if amount == 0:
                continue
            take = cm.mul32(self.hotkey_take32(hk), amount)
            amount -= take
            if cm.to_u64_32(take):
                self.increase_stake_for_hotkey_and_coldkey_on_subnet(hk, self.Owner.get(hk), netuid,
                                                                     cm.to_u64_32(take))
            self.increase_root_claimable_for_hotkey_and_subnet(hk, netuid, cm.to_u64_32(amount))
            self.RootAlphaDividendsPerSubnet.set(netuid, hk, self.RootAlphaDividendsPerSubnet.get(netuid, hk) + cm.to_u64_32(amount))

    def recycle_subnet_alpha(self, netuid: int, amount: int) -> None:
        if amount:
            self.SubnetAlphaOut.set(netuid, max(self.SubnetAlphaOut.get(netuid) - amount, 0))
