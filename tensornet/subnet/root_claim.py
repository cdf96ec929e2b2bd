"""Root alpha dividends: accrual into RootClaimable at epochs, claim_root (121) and
set_root_claim_type (122), as ``staking/claim_root.rs``.

A root staker's claim on subnet n through hotkey h is root_stake × RootClaimable[h][n] −
RootClaimed[n, h, coldkey] (I96F32). Swap claims sell the alpha fee-free and stake the TAO on
root to the same hotkey; Keep claims stake the alpha on the subnet.
"""
from __future__ import annotations

from tensornet.amm.pool import MIN_PRICE_RAO
from tensornet.primitives.scale import U64
from tensornet.runtime.dispatch import PostDispatchInfo, Weight
from tensornet.runtime.pallet import call

from .coinbase_math import F32, to_u64_32
from .registration import ROOT
from .types import BTreeSet, NetUid, RootClaimTypeEnum

MAX_CLAIM_SUBNETS = 5
MAX_NUM_ROOT_CLAIMS = 50
MAX_ROOT_CLAIM_THRESHOLD = 10_000_000
#: ``do_root_claim``'s own weight accounting: the coldkey's hotkeys, then per hotkey its read, its
#: RootClaimType and RootClaimable, then ``root_claim_on_subnet_weight`` per subnet claimed on
_ONE_READ = Weight.db(0, reads=1)
_PER_HOTKEY = Weight.db(0, reads=3)
_CLAIM_ON_SUBNET = Weight.db(60_000_000, reads=7, writes=5, proof_size=6987)


class RootClaimPart:
    """claim_root and the root-claimable bookkeeping."""

    def increase_root_claimable_for_hotkey_and_subnet(self, hotkey: bytes, netuid: int, amount: int) -> None:
        total = self.TotalHotkeyAlpha.get(hotkey, ROOT)
        if amount > total:  # no root stake to carry it: the hotkey's owner gets it as stake
            if amount:
                self.increase_stake_for_hotkey_and_coldkey_on_subnet(hotkey, self.Owner.get(hotkey), netuid, amount)
            return
        increment = ((amount << F32) << F32) // (total << F32) if total else 0
        claimable = dict(self.RootClaimable.get(hotkey) or [])
        claimable[netuid] = claimable.get(netuid, 0) + increment
        self.RootClaimable.set(hotkey, sorted(claimable.items()))

    def root_owed(self, hotkey: bytes, coldkey: bytes, netuid: int) -> int:
        """I96F32 bits of what (hotkey, coldkey) may still claim on ``netuid``."""
        rate = dict(self.RootClaimable.get(hotkey) or []).get(netuid, 0)
        stake = self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, ROOT)
        return rate * stake - (self.RootClaimed.get(netuid, hotkey, coldkey) << F32)

    def root_claim_on_subnet(self, hotkey: bytes, coldkey: bytes, netuid: int, claim_type) -> None:
        owed = self.root_owed(hotkey, coldkey, netuid)
        if owed < self.RootClaimableThreshold.get(netuid):
            return
        owed_u64 = to_u64_32(max(owed, 0))
        if owed_u64 == 0:
            return
        if isinstance(claim_type, dict):
            keep = netuid in claim_type["KeepSubnets"]["subnets"]
        else:
            keep = claim_type == "Keep"
        if keep:
            self.increase_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid, owed_u64)
        else:
            tao = self.sell_alpha_without_fee(netuid, owed_u64)
            self.pallet("Balances").transfer(self.get_subnet_account_id(netuid),
                                             self.get_subnet_account_id(ROOT), tao, False)
            self.SubnetRootSellTao.set(netuid, self.SubnetRootSellTao.get(netuid) + tao)
            self.increase_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, ROOT, tao)
            self.SubnetTAO.set(ROOT, self.SubnetTAO.get(ROOT) + tao)
            self.SubnetAlphaOut.set(ROOT, self.SubnetAlphaOut.get(ROOT) + tao)
            self.TotalStake.set(self.TotalStake.get() + tao)
            self.add_stake_adjust_root_claimed(hotkey, coldkey, tao)
        self.RootClaimed.set(netuid, hotkey, coldkey, self.RootClaimed.get(netuid, hotkey, coldkey) + owed_u64)

    def sell_alpha_without_fee(self, netuid: int, alpha: int) -> int:
        """The protocol's fee-less sale of claimed root alpha; returns the TAO it fetched."""
        return self.swap_alpha_for_tao(netuid, alpha, MIN_PRICE_RAO, True).amount_paid_out

    def add_stake_adjust_root_claimed(self, hotkey: bytes, coldkey: bytes, amount: int) -> None:
        """New root stake must not inherit claims accrued before it was added."""
        for netuid, rate in self.RootClaimable.get(hotkey) or []:
            self.RootClaimed.set(netuid, hotkey, coldkey, self.RootClaimed.get(netuid, hotkey, coldkey) + ((rate * amount) >> F32))

    @call(121, [("subnets", BTreeSet(NetUid), "BTreeSet<NetUid>")], weight=Weight.db(138_999_000, reads=16, writes=4, proof_size=7875))
    def claim_root(self, origin, subnets) -> PostDispatchInfo:
        """Claim root alpha dividends on up to 5 subnets (Swap: to root stake; Keep: alpha stake).

        Reports the weight it used as ``do_root_claim`` counts it (a read for the hotkeys, three per
        hotkey, one ``root_claim_on_subnet_weight`` per subnet claimed on), so a claim with little
        to do pays for little."""
        coldkey = origin.ensure_signed()
        wanted = set(subnets)  # (a BTreeSet: duplicates count once)
        if not 1 <= len(wanted) <= MAX_CLAIM_SUBNETS:
            raise self.error("InvalidSubnetNumber")
        self.maybe_add_coldkey_index(coldkey)
        claim_type = self.RootClaimType.get(coldkey)
        used = _ONE_READ
        for hotkey in self.StakingHotkeys.get(coldkey) or []:
            used = used + _PER_HOTKEY
            for netuid, _ in self.RootClaimable.get(hotkey) or []:
                if netuid in wanted:
                    self.root_claim_on_subnet(hotkey, coldkey, netuid, claim_type)
                    used = used + _CLAIM_ON_SUBNET
        self.deposit_event("RootClaimed", {"coldkey": coldkey})
        return PostDispatchInfo(used)

    @call(123, [("new_value", U64, "u64")], weight=Weight.db(2_735_000, writes=1))
    def sudo_set_num_root_claims(self, origin, new_value: int) -> None:
        """Root: how many coldkeys the block step auto-claims root dividends for (at most 50)."""
        origin.ensure_root()
        if new_value > MAX_NUM_ROOT_CLAIMS:
            raise self.error("InvalidNumRootClaim")
        self.NumRootClaim.set(new_value)

    @call(124, [("netuid", NetUid, "NetUid"), ("new_value", U64, "u64")], weight=Weight.db(5_681_000, writes=1))
    def sudo_set_root_claim_threshold(self, origin, netuid: int, new_value: int) -> None:
        """The subnet's owner or root: the least alpha owed that a claim on it pays (at most 10^7)."""
        self.ensure_subnet_owner_or_root(origin, netuid)
        if new_value > MAX_ROOT_CLAIM_THRESHOLD:
            raise self.error("InvalidRootClaimThreshold")
        self.RootClaimableThreshold.set(netuid, new_value << F32)  # an I96F32

    @call(122, [("new_root_claim_type", RootClaimTypeEnum, "RootClaimTypeEnum")], weight=Weight.db(18_283_000, reads=2, writes=4, proof_size=3941))
    def set_root_claim_type(self, origin, new_root_claim_type):
        """Choose how this coldkey's root dividends are claimed (Swap, Keep, KeepSubnets)."""
        coldkey = origin.ensure_signed()
        self.RootClaimType.set(coldkey, new_root_claim_type)
        self.deposit_event("RootClaimTypeSet", {"coldkey": coldkey, "root_claim_type": new_root_claim_type})
