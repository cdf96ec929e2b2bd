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
from tensornet.primitives.scale import ScaleError, decode_compact, encode_compact

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


_AGG_KEYS = (("dividend", "dividends", 0xFFFF), ("incentive", "incentive", 0xFFFF),
             ("stake_weight", "stake_weight", 0xFFFF), ("emission", "emission", cm.U64_MAX),
             ("consensus", "consensus", 0xFFFF), ("validator_trust", "validator_trust", 0xFFFF))


def _vec_raw(values: list[int], dtype: str) -> bytes:
    """SCALE of ``Vec<u16>`` / ``Vec<u64>`` / ``Vec<bool>`` (dtype '<u2', '<u8', '|u1') in one
    numpy conversion; out-of-range values are refused as the element encoder would."""
    if not values:
        return encode_compact(0)
    limit = {"<u2": 0xFFFF, "<u8": cm.U64_MAX, "|u1": 1}[dtype]
    if min(values) < 0 or max(values) > limit:
        raise ScaleError(f"vector element out of range for {dtype}")
    arr = np.array(values, dtype=np.uint64 if dtype == "<u8" else np.int64)
    return encode_compact(len(values)) + arr.astype(dtype).tobytes()


def _bond_rows_raw(bonds: Csr) -> list[bytes]:
    """Each row of ``bonds`` as SCALE ``Vec<(u16, u16)>``, from one packed buffer."""
    if len(bonds.values) and (bonds.values.min() < 0 or bonds.values.max() > 0xFFFF
                              or bonds.indices.min() < 0 or bonds.indices.max() > 0xFFFF):
        raise ScaleError("bond entry out of range for (u16, u16)")
    packed = np.empty((len(bonds.values), 2), "<u2")
    packed[:, 0], packed[:, 1] = bonds.indices, bonds.values
    flat = packed.tobytes()
    ip = bonds.indptr.tolist()
    return [encode_compact(ip[i + 1] - ip[i]) + flat[4 * ip[i]:4 * ip[i + 1]] for i in range(len(ip) - 1)]


def _vec_np(raw: bytes | None, dtype: str, n: int) -> np.ndarray:
    """A stored ``Vec<u64>`` ('<u8') or ``Vec<bool>`` ('|u1') decoded in one step, cut or
    zero-padded to ``n`` (an absent entry is the empty default)."""
    if raw is None:
        return np.zeros(n, dtype)
    count, offset = decode_compact(raw, 0)
    width = np.dtype(dtype).itemsize
    if len(raw) < offset + count * width:
        raise ScaleError("unexpected end of input reading a vector")
    arr = np.frombuffer(raw, dtype=dtype, count=count, offset=offset)
    if dtype == "|u1" and count and arr.max() > 1:
        raise ScaleError(f"invalid bool byte {int(arr.max())}")
    out = np.zeros(n, dtype)
    m = min(n, count)
    out[:m] = arr[:m]
    return out


class EpochPart:
    """Epoch runner and emission distribution of SubtensorModule."""

    # --- inputs ---------------------------------------------------------------------------------
    def subnet_hotkeys(self, netuid: int, n: int, stored: list | None = None) -> list[bytes | None]:
        """Keys[netuid] by uid; ``stored`` is ``subnet_keys_raw(netuid)`` when already read."""
        keys: list[bytes | None] = [None] * n
        decode = self.Keys.item.value_type.decode
        for uid, raw in self.subnet_keys_raw(netuid) if stored is None else stored:
            if uid < n:
                keys[uid] = decode(raw, 0)[0]
        return keys

    def _rows(self, item, idx: int, n: int, filter_cols: bool, raws: dict | None = None) -> Csr:
        """``Weights``/``Bonds`` rows of one mechanism as CSR, decoded straight from the raw
        values (each is ``Compact(len) ‖ (u16, u16)*``); uids ≥ n are dropped as the chain does.
        ``raws`` receives the stored bytes by uid (to skip rewriting unchanged rows).

        The rows' pair bytes are joined in uid order and decoded, filtered and counted as one
        array (a subnet has hundreds of rows: numpy work per row would dominate)."""
        found: list[tuple[int, int, bytes]] = []
        for raw_key, raw in self.env.state.iterate(item.item.prefix_key(idx)):
            uid = int.from_bytes(raw_key[-2:], "little")  # Identity hasher: the u16 itself
            if uid >= n:
                continue
            if raws is not None:
                raws[uid] = raw
            count, offset = decode_compact(raw, 0)
            body = raw[offset:offset + 4 * count]
            if len(body) < 4 * count:
                raise ValueError("buffer is smaller than requested size")
            found.append((uid, count, body))
        if not found:
            return Csr(np.zeros(n + 1, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
        found.sort()  # storage order is by the uid's little-endian bytes, not by uid
        flat = np.frombuffer(b"".join(body for _, _, body in found), dtype="<u2").reshape(-1, 2).astype(np.int64)
        row_of = np.repeat(np.array([uid for uid, _, _ in found], np.int64),
                           np.array([count for _, count, _ in found], np.int64))
        if filter_cols:
            keep = flat[:, 0] < n
            flat, row_of = flat[keep], row_of[keep]
        indptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(row_of, minlength=n), out=indptr[1:])
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

    def _hotkey_reader(self, bound, netuid: int, hashed: dict[bytes, bytes] | None = None):
        """A fast reader of a ``(Blake2_128Concat hotkey, Identity netuid)`` item for one subnet:
        the key is built directly (an epoch reads several of these for every uid); ``hashed``
        shares each hotkey's ``blake2_128(hk) ‖ hk`` between the readers of one epoch."""
        item, state = bound.item, self.env.state
        prefix, suffix = item.prefix, netuid.to_bytes(2, "little")
        decode, default = item.value_type.decode, item.default
        cache = {} if hashed is None else hashed

        def read(hotkey: bytes):
            part = cache.get(hotkey)
            if part is None:
                part = cache[hotkey] = blake2_128(hotkey) + hotkey
            raw = state.get(prefix + part + suffix)
            return default if raw is None else decode(raw, 0)[0]

        return read

    def stake_weights_for_network(self, netuid: int, hotkeys: list[bytes | None]):
        """``get_stake_weights_for_network``: inherited alpha + TaoWeight × inherited root stake."""
        hashed: dict[bytes, bytes] = {}
        alpha = self._hotkey_reader(self.TotalHotkeyAlpha, netuid, hashed)
        if self.SubnetTAO.get(ROOT) == 0:
            root = lambda h: 0  # no TAO staked on root: every root stake is 0
        else:
            root = self._hotkey_reader(self.TotalHotkeyAlpha, ROOT, hashed)
        children = self._hotkey_reader(self.ChildKeys, netuid, hashed)
        parents = self._hotkey_reader(self.ParentKeys, netuid, hashed)
        tw = cm.tao_weight_u96f32(self.TaoWeight.get())
        return stake_weights(hotkeys, alpha, root, children, parents, tw)

    def epoch_inputs(self, netuid: int, mecid: int, rao_emission: int, bond_raws: dict | None = None,
                     stored_keys: list | None = None) -> tuple[EpochInputs, list]:
        """Read one mechanism's epoch inputs from storage (``epoch_mechanism``'s reads);
        ``bond_raws`` receives the stored Bonds rows by uid; ``stored_keys`` is the subnet's
        ``subnet_keys_raw`` when the caller has it."""
        idx = mech_index(netuid, mecid)
        n = self.SubnetworkN.get(netuid)
        hotkeys = self.subnet_hotkeys(netuid, n, stored_keys)
        sw = self.stake_weights_for_network(netuid, hotkeys)
        state = self.env.state
        permits = _vec_np(state.get(self.ValidatorPermit.item.key(netuid)), "|u1", n).astype(np.bool_)
        last_update = _vec_np(state.get(self.LastUpdate.item.key(idx)), "<u8", n).astype(np.uint64)
        bar_prefix = self.BlockAtRegistration.item.prefix + netuid.to_bytes(2, "little")
        bar = np.array([int.from_bytes(state.get(bar_prefix + u.to_bytes(2, "little")) or b"", "little")
                        if hotkeys[u] is not None else 0 for u in range(n)], np.uint64)
        tempo = self.Tempo.get(netuid)
        cutoff = max(self.ActivityCutoffFactorMilli.get(netuid) * tempo // 1000, 1)
        cr = self.CommitRevealWeightsEnabled.get(netuid)
        alpha_low, alpha_high = self.AlphaValues.get(netuid)
        inp = EpochInputs(
            n=n, stake=sw.stake, stake_fraction=sw.stake_fraction,
            weights=self._rows(self.Weights, idx, n, True), bonds=self._rows(self.Bonds, idx, n, False, bond_raws),
            last_update=last_update, block_at_registration=bar,
            current_block=self.block_number, tempo=tempo,
            last_mechanism_step_block=self.LastMechansimStepBlock.get(netuid), activity_cutoff=cutoff,
            validator_permit=permits,
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
    def epoch_with_mechanisms(self, netuid: int, rao_emission: int,
                              stored_keys: list | None = None) -> list[tuple[bytes, int, int]]:
        """Run every mechanism, persist, and return (hotkey, incentive, dividend) in uid order."""
        count = self.MechanismCountCurrent.get(netuid)
        parts = split_emissions(rao_emission, count, self.MechanismEmissionSplit.try_get(netuid))
        agg: dict[str, list] = {}
        hotkeys: list = []
        uids: list[int] = []
        stakes: list[int] = []  # the stake each uid's epochs used, summed over mechanisms (EpochTerms.stake)
        for mecid, emission in enumerate(parts):
            bond_raws: dict[int, bytes] = {}
            inp, hotkeys = self.epoch_inputs(netuid, mecid, emission, bond_raws, stored_keys)
            out = yuma.epoch(inp, engine="auto")
            uids = [u for u, hk in enumerate(hotkeys) if hk is not None]
            self.persist_mechanism(netuid, mecid, out, hotkeys, bond_raws)
            weight = (emission << 64) // rao_emission if rao_emission else (1 << 64 if mecid == 0 else 0)
            self._accumulate(agg, out, uids, weight)
            used = np.asarray(inp.stake)[uids].tolist() if uids else []
            stakes = [min(a + b, cm.U64_MAX) for a, b in zip(stakes, used)] if stakes else used
        self.persist_netuid(netuid, agg)
        registered = [hotkeys[u] for u in uids]
        self.update_voting_power_for_subnet(netuid, registered, agg.get("permit", []), stakes)
        return list(zip(registered, agg.get("server", []), agg.get("validator", [])))

    @staticmethod
    def _accumulate(agg: dict[str, list], out: EpochOutputs, uids: list[int], weight64: int) -> None:
        """Add one mechanism's outputs (weighted by its emission share, U64F64) to the per-uid
        terms of the registered ``uids``; whole lists at a time (one mechanism: weight 1.0)."""
        def pick(arr) -> list[int]:
            return np.asarray(arr)[uids].tolist() if uids else []

        if not agg and weight64 == 1 << 64:  # the first (usually only) mechanism at full weight:
            # the terms are its outputs as they are, capped as the sums below would be
            agg["server"] = list(map(int, pick(out.server_emission)))
            agg["validator"] = list(map(int, pick(out.validator_emission)))
            for key, attr, cap in _AGG_KEYS:
                agg[key] = [min(v, cap) for v in map(int, pick(getattr(out, attr)))]
            agg["active"] = [bool(v) for v in pick(out.active)]
            agg["permit"] = [bool(v) for v in pick(out.new_validator_permit)]
            return
        if not agg:
            agg.update({key: [0] * len(uids) for key, _, _ in _AGG_KEYS})
            agg.update(server=[0] * len(uids), validator=[0] * len(uids),
                       active=[False] * len(uids), permit=[False] * len(uids))
        agg["server"] = [a + int(v) for a, v in zip(agg["server"], pick(out.server_emission))]
        agg["validator"] = [a + int(v) for a, v in zip(agg["validator"], pick(out.validator_emission))]
        for key, attr, cap in _AGG_KEYS:
            vals = pick(getattr(out, attr))
            if weight64 != 1 << 64:
                vals = [(int(v) * weight64) >> 64 for v in vals]
            agg[key] = [min(a + int(v), cap) for a, v in zip(agg[key], vals)]
        agg["active"] = [a or bool(v) for a, v in zip(agg["active"], pick(out.active))]
        agg["permit"] = [a or bool(v) for a, v in zip(agg["permit"], pick(out.new_validator_permit))]

    def _put_raw(self, key: bytes, raw: bytes) -> None:
        """Write already-encoded bytes unless storage holds exactly them."""
        state = self.env.state
        if state.get(key) != raw:
            state.put(key, raw)

    def persist_mechanism(self, netuid: int, mecid: int, out: EpochOutputs, hotkeys: list,
                          bond_raws: dict | None = None) -> None:
        """Incentive and Bonds of one mechanism; bond rows equal to ``bond_raws`` (the stored
        rows, by uid) are not rewritten."""
        idx = mech_index(netuid, mecid)
        uids = [u for u, hk in enumerate(hotkeys) if hk is not None]
        incentive = np.asarray(out.incentive)[uids].tolist() if uids else []
        self._put_raw(self.Incentive.item.key(idx), _vec_raw(incentive, "<u2"))
        emissions = np.asarray(out.server_emission)[uids].tolist() if uids else []
        self.deposit_event("IncentiveAlphaEmittedToMiners", {"netuid": idx, "emissions": emissions})
        rows = _bond_rows_raw(out.bonds)
        prefix, state = self.Bonds.item.prefix_key(idx), self.env.state
        stored = {} if bond_raws is None else bond_raws
        for pos, u in enumerate(uids):
            raw = rows[u] if u < len(rows) else b"\x00"
            if stored.get(pos) != raw:
                state.put(prefix + pos.to_bytes(2, "little"), raw)

    def persist_netuid(self, netuid: int, agg: dict[str, list]) -> None:
        """The subnet's per-uid vectors (each written only when it changed)."""
        for item, key, dtype in ((self.Active, "active", "|u1"), (self.Emission, "emission", "<u8"),
                                 (self.Consensus, "consensus", "<u2"), (self.Dividends, "dividend", "<u2"),
                                 (self.ValidatorTrust, "validator_trust", "<u2"),
                                 (self.ValidatorPermit, "permit", "|u1"),
                                 (self.StakeWeight, "stake_weight", "<u2")):
            values = agg.get(key, [])
            if dtype == "|u1":
                values = [int(v) for v in values]
            self._put_raw(item.item.key(netuid), _vec_raw(values, dtype))

    # --- distribution ---------------------------------------------------------------------------
    def distribute_emission(self, netuid: int, server: int, validator: int, root: int, owner_cut: int,
                            keys: list | None = None) -> None:
        hotkey_emission = self.epoch_with_mechanisms(netuid, server + validator + root, keys)
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
            self.auto_lock_owner_cut(netuid, owner_cut)
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
            take_u64 = cm.to_u64_32(take)
            owner = self.Owner.get(hk) if take_u64 else None
            total = self.pay_take_and_dividend(hk, owner, netuid, take_u64, cm.to_u64_32(divs))
            # the prefix was just cleared and each hotkey comes once: the entry starts from 0
            self.AlphaDividendsPerSubnet.set(netuid, hk, cm.to_u64_32(divs))
            self.TotalHotkeyAlphaLastEpoch.set(hk, netuid, total)
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
            self.RootAlphaDividendsPerSubnet.set(netuid, hk, cm.to_u64_32(amount))  # cleared above

    def recycle_subnet_alpha(self, netuid: int, amount: int) -> None:
        if amount:
            self.SubnetAlphaOut.set(netuid, max(self.SubnetAlphaOut.get(netuid) - amount, 0))
