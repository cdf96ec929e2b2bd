"""Subnet life cycle: register_network (77/79), start_call (92), set_subnet_identity (78),
dissolve_network (61) / root_dissolve_network (120), lock cost, pruning at SubnetLimit, symbols.

Mirrors ``subnets/subnet.rs`` (do_register_network, init_new_network, do_start_call),
``coinbase/root.rs`` (get_network_lock_cost, get_network_to_prune, do_dissolve_network,
remove_network), ``staking/remove_stake.rs destroy_alpha_in_out_stakes`` (the pool's TAO back to
its stakers, largest-remainder rounding) and ``utils/identity.rs``.

A new subnet's lock is moved to its subnet account and becomes the pool's TAO reserve; the alpha
reserve is seeded at the median price of the existing subnets so the new token does not start
far from the others. Its owner hotkey is uid 0; subtoken trading waits for ``start_call``.
"""
from __future__ import annotations

from tensornet.amm.fixed import U64F64
from tensornet.primitives.scale import AccountId as AccountIdType
from tensornet.primitives.scale import Bytes, Option
from tensornet.runtime.dispatch import DispatchError, Origin, Weight
from tensornet.runtime.pallet import call

from .coinbase_math import block_emission_for_issuance
from .share_pool import SafeFloat
from .symbols import DEFAULT_SYMBOL, NAMES, SYMBOLS
from .types import SUBNET_IDENTITY_V3_FIELDS, NetUid, SubnetIdentityV3

ROOT = 0
DYNAMIC_MECHANISM = 1
NETWORK_LAST_REGISTERED = "NetworkLastRegistered"
DEFAULT_NEURON_BURN_COST = 1_000_000_000
RAO_PER_TAO = 1_000_000_000
_U64_MAX = 2**64 - 1

_IDENTITY_LIMITS = {"subnet_name": 256, "github_repo": 1024, "subnet_contact": 1024, "subnet_url": 1024,
                    "discord": 256, "description": 1024, "logo_url": 1024, "additional": 1024}
_IDENTITY_ARGS = [(name, Bytes, "Vec<u8>") for name in SUBNET_IDENTITY_V3_FIELDS]

# items keyed by netuid alone that ``remove_network`` deletes (subtensor's list, in its order)
_REMOVED_PER_NETUID = (
    "SubnetOwner", "SubnetworkN", "NetworksAdded", "NetworkRegisteredAt", "Active", "Emission", "Consensus",
    "Dividends", "ValidatorPermit", "ValidatorTrust", "Tempo", "Kappa", "Difficulty", "MaxAllowedUids",
    "ImmunityPeriod", "ActivityCutoff", "ActivityCutoffFactorMilli", "LastEpochBlock", "PendingEpochAt",
    "SubnetEpochIndex", "MinAllowedWeights", "RegistrationsThisInterval", "POWRegistrationsThisInterval",
    "BurnRegistrationsThisInterval", "SubnetAlphaInEmission", "SubnetAlphaOutEmission", "SubnetTaoInEmission",
    "SubnetVolume", "SubnetMovingPrice", "SubnetTaoFlow", "SubnetEmaTaoFlow", "SubnetProtocolFlow",
    "SubnetEmaProtocolFlow", "SubnetExcessTao", "SubnetRootSellTao", "TokenSymbol", "SubnetMechanism",
    "SubnetOwnerHotkey", "NetworkRegistrationAllowed", "NetworkPowRegistrationAllowed", "TransferToggle",
    "SubnetLocked", "LargestLocked", "FirstEmissionBlockNumber", "PendingValidatorEmission",
    "PendingServerEmission", "PendingRootAlphaDivs", "PendingOwnerCut", "MinerBurned", "BlocksSinceLastStep",
    "LastMechansimStepBlock", "LastAdjustmentBlock", "ServingRateLimit", "Rho", "AlphaSigmoidSteepness",
    "MaxAllowedValidators", "BondsMovingAverage", "BondsPenalty", "BondsResetOn", "WeightsSetRateLimit",
    "ValidatorPruneLen", "ScalingLawPower", "TargetRegistrationsPerInterval", "CommitRevealWeightsEnabled",
    "BurnHalfLife", "BurnIncreaseMult", "Burn", "MinBurn", "MaxBurn", "MinDifficulty", "MaxDifficulty",
    "RegistrationsThisBlock", "EMAPriceHalvingBlocks", "RAORecycledForRegistration", "MaxRegistrationsPerBlock",
    "WeightsVersionKey", "LiquidAlphaOn", "Yuma3On", "AlphaValues", "SubtokenEnabled", "OwnerCutAutoLockEnabled",
    "ImmuneOwnerUidsLimit", "StakeWeight", "LoadedEmission")
# double maps whose first key is the netuid: cleared by prefix
_CLEARED_BY_NETUID = ("Uids", "Keys", "BlockAtRegistration", "Axons", "NeuronCertificates", "Prometheus",
                      "AlphaDividendsPerSubnet", "PendingChildKeys", "AssociatedEvmAddress", "LastHotkeySwapOnNetuid")
# maps keyed by (account, netuid): entries of this netuid are removed
_ACCOUNT_NETUID_MAPS = ("ChildkeyTake", "ChildKeys", "ParentKeys", "LastHotkeyEmissionOnNetuid",
                        "TotalHotkeyAlphaLastEpoch")
_PER_MECHANISM_MAPS = ("LastUpdate", "Incentive")
_PER_MECHANISM_PREFIXED = ("WeightCommits", "TimelockedWeightCommits", "CRV3WeightCommits", "CRV3WeightCommitsV2",
                           "Bonds", "Weights")


def is_valid_subnet_identity(identity: dict) -> bool:
    """``is_valid_subnet_identity``: per-field byte limits (the total cap can never bind)."""
    return all(len(identity[name]) <= limit for name, limit in _IDENTITY_LIMITS.items())


class SubnetCalls:
    """Part class: subnet registration, start_call, identities, dissolution, token symbols."""

    # --- symbols and names ------------------------------------------------------------------------
    def get_symbol_for_subnet(self, netuid: int) -> bytes:
        return SYMBOLS[netuid] if netuid < len(SYMBOLS) else DEFAULT_SYMBOL

    def get_name_for_subnet(self, netuid: int) -> bytes:
        identity = self.SubnetIdentitiesV3.try_get(netuid)
        if identity is not None and identity["subnet_name"]:
            return identity["subnet_name"]
        return NAMES[netuid] if netuid < len(NAMES) else b"unknown"

    def get_next_available_symbol(self, netuid: int) -> bytes:
        used = set(self.TokenSymbol.iter_values())
        symbol = self.get_symbol_for_subnet(netuid)
        if symbol not in used:
            return symbol
        return next((s for s in SYMBOLS[1:] if s not in used), DEFAULT_SYMBOL)

    # --- queries ----------------------------------------------------------------------------------
    def if_subnet_exist(self, netuid: int) -> bool:
        return self.NetworksAdded.get(netuid)

    def get_next_netuid(self) -> int:
        taken = set(self.get_all_subnet_netuids())
        netuid = 1
        while netuid in taken:
            netuid += 1
        return netuid

    def passes_network_rate_limit(self) -> bool:
        """``TransactionType::RegisterNetwork.passes_rate_limit``: NetworkRateLimit blocks since the
        last registration's lock (or none yet)."""
        last = self.get_network_last_lock_block()
        return last == 0 or self.block_number - last >= self.NetworkRateLimit.get()

    def get_network_last_lock_block(self) -> int:
        return self.LastRateLimitedBlock.get(NETWORK_LAST_REGISTERED)

    def get_lock_reduction_interval(self) -> int:
        """NetworkLockReductionInterval scaled by the current block emission (halvings lengthen the decay)."""
        interval = self.NetworkLockReductionInterval.get()
        emission = block_emission_for_issuance(self.TotalIssuance.get())
        halving_bits = (emission << 64) // RAO_PER_TAO  # I64F64 emission / 10^9
        return (interval * halving_bits) >> 64

    def get_network_lock_cost(self) -> int:
        """2 × last lock, decaying linearly back to the minimum over the reduction interval."""
        last_lock = self.NetworkLastLockCost.get()
        min_lock = self.NetworkMinLockCost.get()
        last_block = self.get_network_last_lock_block()
        mult = 1 if last_block == 0 else 2
        interval = self.get_lock_reduction_interval()
        per_block = last_lock // interval if interval else 0
        decay = min(per_block * max(self.block_number - last_block, 0), _U64_MAX)
        cost = max(min(last_lock * mult, _U64_MAX) - decay, 0)
        return max(cost, min_lock)

    def get_moving_alpha_price(self, netuid: int) -> int:
        """U64F64 bits of the EMA price (1.0 for root and stable subnets; negative EMAs read as 0)."""
        if netuid == ROOT or self.SubnetMechanism.get(netuid) == 0:
            return 1 << 64
        return max(self.SubnetMovingPrice.get(netuid), 0) << 32

    def get_network_to_prune(self) -> int | None:
        """The non-immune subnet with the lowest EMA price (earliest registered on ties)."""
        best: tuple[int, int, int] | None = None
        for (netuid,), added in self.NetworksAdded.iter():
            if not added or netuid == ROOT:
                continue
            registered_at = self.NetworkRegisteredAt.get(netuid)
            if self.block_number < registered_at + self.NetworkImmunityPeriod.get():
                continue
            candidate = (self.get_moving_alpha_price(netuid), registered_at, netuid)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        return None if best is None else best[2]

    def get_median_subnet_alpha_price(self) -> U64F64:
        prices = sorted(p.bits for p in (self.current_alpha_price(n) for n in self.get_all_subnet_netuids()
                                         if n != ROOT and self.NetworksAdded.get(n)) if p.bits > 0)
        if not prices:
            return U64F64.from_int(1)
        lower, upper = prices[(len(prices) - 1) // 2], prices[len(prices) // 2]
        return U64F64(upper) if lower == upper else U64F64(lower).saturating_add(U64F64(upper)).safe_div(
            U64F64.from_int(2))

    # --- registration -----------------------------------------------------------------------------
    def init_new_network(self, netuid: int, tempo: int) -> None:
        """A new subnet's hyperparameters (``init_new_network``: not the pallet defaults)."""
        self.SubnetworkN.set(netuid, 0)
        self.NetworksAdded.set(netuid, True)
        self.Tempo.set(netuid, tempo)
        self.LastEpochBlock.set(netuid, max(self.block_number - netuid % max(tempo, 1), 0))
        self.TotalNetworks.mutate(lambda n: min(n + 1, 0xFFFF))
        self.NetworkRegistrationAllowed.set(netuid, True)
        self.MaxAllowedUids.set(netuid, 256)
        self.MaxAllowedValidators.set(netuid, 64)
        self.MinAllowedWeights.set(netuid, 1)
        self.ImmunityPeriod.set(netuid, 5000)
        self.Yuma3On.set(netuid, True)
        self.Burn.set(netuid, DEFAULT_NEURON_BURN_COST)
        self.SubnetEmissionEnabled.set(netuid, True)
        for name in ("Kappa", "ActivityCutoff", "RegistrationsThisInterval"):
            item = getattr(self, name)
            if not item.contains(netuid):
                item.set(netuid, item.get(netuid))

    def set_subnet_owner_hotkey(self, netuid: int, hotkey: bytes) -> None:
        if self.is_subnet_account_id(hotkey) is not None:
            raise self.error("CannotUseSystemAccount")
        self.SubnetOwnerHotkey.set(netuid, hotkey)
        self.deposit_event("SubnetOwnerHotkeySet", (netuid, hotkey))

    def do_register_network(self, coldkey: bytes, hotkey: bytes, identity: dict | None) -> int:
        if self.hotkey_account_exists(hotkey) and not self.coldkey_owns_hotkey(coldkey, hotkey):
            raise self.error("NonAssociatedColdKey")
        if self.is_subnet_account_id(hotkey) is not None:
            raise self.error("CannotUseSystemAccount")
        now = self.block_number
        if now < self.NetworkRegistrationStartBlock.get():
            raise self.error("SubNetRegistrationDisabled")
        if not self.passes_network_rate_limit():
            raise self.error("NetworkTxRateLimitExceeded")
        count = sum(1 for (n,), added in self.NetworksAdded.iter() if added and n != ROOT)
        recycle = None
        if count >= self.SubnetLimit.get():
            recycle = self.get_network_to_prune()
            if recycle is None:
                raise self.error("SubnetLimitReached")
        lock = self.get_network_lock_cost()
        if lock > self.pallet("Balances").reducible_balance(coldkey, False):
            raise self.error("CannotAffordLockCost")
        if recycle is not None:
            self.do_dissolve_network(recycle)
        netuid = recycle if recycle is not None else self.get_next_netuid()
        median_price = self.get_median_subnet_alpha_price()
        self.init_new_network(netuid, self.default_tempo())
        locked = self.transfer_tao_to_subnet(netuid, coldkey, lock)
        self.NetworkLastLockCost.set(locked)
        self.LastRateLimitedBlock.set(NETWORK_LAST_REGISTERED, now)
        self.create_account_if_non_existent(coldkey, hotkey)
        self.append_neuron(netuid, hotkey, now)
        self.SubnetMechanism.set(netuid, DYNAMIC_MECHANISM)
        self.NetworkRegisteredAt.set(netuid, now)
        self.RegisteredSubnetCounter.mutate(netuid, lambda c: c + 1)
        self.TokenSymbol.set(netuid, self.get_next_available_symbol(netuid))
        pool_tao = max(locked, self.NetworkMinLockCost.get())
        pool_alpha = U64F64.from_int(pool_tao).safe_div(median_price).to_u64()
        recycled = max(locked - pool_tao, 0)
        self.SubnetTAO.set(netuid, pool_tao)
        self.SubnetAlphaIn.set(netuid, pool_alpha)
        self.SubnetOwner.set(netuid, coldkey)
        self.set_subnet_owner_hotkey(netuid, hotkey)
        self.SubnetLocked.set(netuid, locked)
        self.SubnetAlphaOut.set(netuid, 0)
        self.SubnetVolume.set(netuid, 0)
        self.RAORecycledForRegistration.set(netuid, recycled)
        if recycled:
            self.recycle_tao(self.get_subnet_account_id(netuid), recycled)
        if pool_tao:
            self.TotalStake.mutate(lambda t: min(t + pool_tao, _U64_MAX))
        if identity is not None:
            if not is_valid_subnet_identity(identity):
                raise self.error("InvalidIdentity")
            self.SubnetIdentitiesV3.set(netuid, identity)
            self.deposit_event("SubnetIdentitySet", netuid)
        self.do_set_root_validators_for_subnet(netuid)
        self.deposit_event("NetworkAdded", (netuid, DYNAMIC_MECHANISM))
        self.SubnetEmissionEnabled.set(netuid, False)
        return netuid

    def default_tempo(self) -> int:
        """``DefaultTempo``: Tempo's pallet default (its fast-runtime value on a fast runtime)."""
        item = type(self).Tempo
        return item.fast_default if self.env.runtime.config.fast else item.default

    def do_set_root_validators_for_subnet(self, netuid: int) -> None:
        """Schedule every root validator (that allows it) as full parent of the new owner hotkey.

        Failures of one validator's set_children are ignored, as on chain (they are only logged).
        """
        owner_hotkey = self.SubnetOwnerHotkey.try_get(netuid)
        if netuid == ROOT or owner_hotkey is None:
            return
        for _, validator in list(self.Keys.iter(ROOT)):
            if validator == owner_hotkey or not self.AutoParentDelegationEnabled.get(validator):
                continue
            origin = Origin.signed(self.Owner.get(validator))
            self._try(lambda v=validator, o=origin: self.set_children(o, v, netuid, [(_U64_MAX, owner_hotkey)]))

    def recycle_tao(self, account: bytes, amount: int) -> None:
        """``recycle_tao``: destroy TAO (out of both issuances), keeping the account alive."""
        balances = self.pallet("Balances")
        if amount > balances.reducible_balance(account, True):
            raise self.error("InsufficientBalance")
        self.TotalIssuance.mutate(lambda t: max(t - amount, 0))
        balances.withdraw(account, amount, keep_alive=False)

    # --- start_call and identity ------------------------------------------------------------------
    def do_start_call(self, origin, netuid: int) -> None:
        if not self.if_subnet_exist(netuid):
            raise self.error("SubnetNotExists")
        if self.SubnetOwner.get(netuid) != origin.ensure_signed():
            raise DispatchError.bad_origin()
        if self.FirstEmissionBlockNumber.get(netuid) is not None:
            raise self.error("FirstEmissionBlockNumberAlreadySet")
        if self.block_number < self.NetworkRegisteredAt.get(netuid) + self.StartCallDelay.get():
            raise self.error("NeedWaitingMoreBlocksToStarCall")
        first = self.block_number + 1
        self.FirstEmissionBlockNumber.set(netuid, first)
        self.SubtokenEnabled.set(netuid, True)
        self.deposit_event("FirstEmissionBlockNumberSet", (netuid, first))

    # --- dissolution ------------------------------------------------------------------------------
    def do_dissolve_network(self, netuid: int) -> None:
        if netuid == ROOT or not self.if_subnet_exist(netuid):
            raise self.error("SubnetNotExists")
        self.finalize_all_subnet_root_dividends(netuid)
        self.destroy_alpha_in_out_stakes(netuid)
        self.pallet("Swap").clear_subnet(netuid)
        self.remove_network(netuid)
        self.deposit_event("NetworkRemoved", netuid)

    def finalize_all_subnet_root_dividends(self, netuid: int) -> None:
        """Forget root dividends still claimable on a subnet that is going away."""
        for (hotkey,), claimable in list(self.RootClaimable.iter()):
            kept = [(n, rate) for n, rate in claimable if n != netuid]
            if len(kept) != len(claimable):
                self.RootClaimable.set(hotkey, kept)
        self.RootClaimed.clear_prefix(netuid)

    def destroy_alpha_in_out_stakes(self, netuid: int) -> None:
        """Pay the pool's TAO to the subnet's stakers pro rata to their alpha; recycle what is left."""
        owner = self.SubnetOwner.get(netuid)
        lock_cost = self.SubnetLocked.get(netuid)
        registered_at = self.NetworkRegisteredAt.get(netuid)
        refund_owner = registered_at < self.NetworkRegistrationStartBlock.get()
        owner_emission_tao = 0
        if refund_owner and lock_cost:
            issuance = self.SubnetAlphaIn.get(netuid) + self.SubnetAlphaOut.get(netuid)
            owner_alpha = (issuance * self.SubnetOwnerCut.get()) // 0xFFFF
            owner_emission_tao = U64F64.from_int(owner_alpha).saturating_mul(self.current_alpha_price(netuid)).to_u64()
        if registered_at > self.TaoInRefundDeploymentBlock.get():
            protocol_alpha = self.SubnetAlphaIn.get(netuid) + self.SubnetProtocolAlpha.get(netuid)
        else:
            protocol_alpha = self.SubnetProtocolAlpha.get(netuid)
        hotkeys = [hot for (hot, n), _ in self.TotalHotkeyAlpha.iter() if n == netuid]
        stakers: list[tuple[bytes, int]] = []
        keys_to_remove: list[tuple[bytes, bytes]] = []
        total_alpha = protocol_alpha
        for hot in hotkeys:
            pool = self.get_alpha_share_pool(hot, netuid)
            for (cold, n), share in list(self.AlphaV2.iter(hot)):
                if n != netuid:
                    continue
                keys_to_remove.append((hot, cold))
                value = pool.try_get_value(cold) or 0
                if value == 0:
                    value = SafeFloat.from_value(share).to_u64()
                if value:
                    total_alpha += value
                    stakers.append((cold, value))
        pot = self.SubnetTAO.get(netuid)
        if pot:
            self.SubnetTAO.remove(netuid)
            self.TotalStake.mutate(lambda t: max(t - pot, 0))
        protocol_share = 0
        if pot and total_alpha:
            portions = [[cold, pot * value // total_alpha, pot * value % total_alpha, False] for cold, value in stakers]
            if protocol_alpha:
                portions.append([owner, pot * protocol_alpha // total_alpha, pot * protocol_alpha % total_alpha, True])
            leftover = pot - sum(p[1] for p in portions)
            if leftover > 0:
                for p in sorted(portions, key=lambda p: p[2], reverse=True)[:leftover]:  # stable, as sort_by
                    p[1] += 1
            for cold, share, _, is_protocol in portions:
                if is_protocol:
                    protocol_share += share
                elif share:
                    self._try(lambda c=cold, s=share: self.transfer_tao_from_subnet(netuid, c, s))
        for hot, cold in keys_to_remove:
            self.Alpha.remove(hot, cold, netuid)
            self.AlphaV2.remove(hot, cold, netuid)
        for hot in hotkeys:
            self.TotalHotkeyAlpha.remove(hot, netuid)
            self.TotalHotkeyShares.remove(hot, netuid)
            self.TotalHotkeySharesV2.remove(hot, netuid)
        self.SubnetAlphaIn.remove(netuid)
        self.SubnetAlphaOut.remove(netuid)
        self.SubnetProtocolAlpha.remove(netuid)
        self.SubnetLocked.set(netuid, 0)
        account = self.get_subnet_account_id(netuid)
        balances = self.pallet("Balances")
        refund = max(lock_cost - owner_emission_tao, 0) if refund_owner else 0
        if refund:
            transferable = max(balances.reducible_balance(account, False) - protocol_share, 0)
            self._try(lambda: self.transfer_tao(account, owner, min(refund, transferable)))
        remaining = balances.reducible_balance(account, True)
        if self._try(lambda: self.recycle_tao(account, remaining)):
            self.RAORecycledForRegistration.set(netuid, remaining)

    def remove_network(self, netuid: int) -> None:
        keys = [hot for _, hot in self.Keys.iter(netuid)]
        for name in _CLEARED_BY_NETUID:
            getattr(self, name).clear_prefix(netuid)
        for name in _REMOVED_PER_NETUID:
            getattr(self, name).remove(netuid)
        self.TotalNetworks.mutate(lambda n: max(n - 1, 0))
        for (uid,), row in list(self.Weights.iter(ROOT)):
            if any(j == netuid for j, _ in row):
                self.Weights.set(ROOT, uid, [(j, 0 if j == netuid else w) for j, w in row])
        for hot in keys:
            self.IsNetworkMember.remove(hot, netuid)
        mechanisms = self.MechanismCountCurrent.get(netuid)
        for mecid in range(mechanisms):
            index = mecid * 4096 + netuid
            for name in _PER_MECHANISM_MAPS:
                getattr(self, name).remove(index)
            for name in _PER_MECHANISM_PREFIXED:
                getattr(self, name).clear_prefix(index)
        self.RevealPeriodEpochs.remove(netuid)
        self.MechanismCountCurrent.remove(netuid)
        self.MechanismEmissionSplit.remove(netuid)
        if self.SubnetIdentitiesV3.contains(netuid):
            self.SubnetIdentitiesV3.remove(netuid)
            self.deposit_event("SubnetIdentityRemoved", netuid)
        for name in _ACCOUNT_NETUID_MAPS:
            item = getattr(self, name)
            for (account, n), _ in list(item.iter()):
                if n == netuid:
                    item.remove(account, n)
        for (hot, n, name), _ in list(self.TransactionKeyLastBlock.iter()):
            if n == netuid:
                self.TransactionKeyLastBlock.remove(hot, n, name)
        lease = self.SubnetUidToLeaseId.take(netuid)
        if lease is not None:
            self.SubnetLeases.remove(lease)
            self.SubnetLeaseShares.clear_prefix(lease)
            self.AccumulatedLeaseDividends.remove(lease)
        self.destroy_lock_maps(netuid)

    # --- calls ------------------------------------------------------------------------------------
    @call(59, [("hotkey", AccountIdType, "T::AccountId")], weight=Weight.db(277_125_000, reads=40, writes=48, proof_size=9947))
    def register_network(self, origin, hotkey: bytes) -> None:
        """Register a new subnet owned by the caller, locking the current network lock cost."""
        self.do_register_network(origin.ensure_signed(), hotkey, None)

    @call(79, [("hotkey", AccountIdType, "T::AccountId"), ("identity", Option(SubnetIdentityV3), "Option<SubnetIdentityOfV3>")],
          weight=Weight.db(275_041_000, reads=39, writes=47, proof_size=9883))
    def register_network_with_identity(self, origin, hotkey: bytes, identity: dict | None) -> None:
        """Register a new subnet and set its identity in one call."""
        self.do_register_network(origin.ensure_signed(), hotkey, identity)

    @call(78, [("netuid", NetUid, "NetUid"), *_IDENTITY_ARGS], weight=Weight.db(17_513_000, reads=1, writes=1, proof_size=4060))
    def set_subnet_identity(self, origin, netuid: int, **fields: bytes) -> None:
        """Set the identity of a subnet (its owner only)."""
        coldkey = origin.ensure_signed()
        if self.SubnetOwner.get(netuid) != coldkey:
            raise self.error("NotSubnetOwner")
        identity = {name: fields[name] for name in SUBNET_IDENTITY_V3_FIELDS}
        if not is_valid_subnet_identity(identity):
            raise self.error("InvalidIdentity")
        self.SubnetIdentitiesV3.set(netuid, identity)
        self.deposit_event("SubnetIdentitySet", netuid)

    @call(112, [("netuid", NetUid, "NetUid"), ("symbol", Bytes, "Vec<u8>")],
          weight=Weight.db(28_313_000, reads=4, writes=1, proof_size=9074))
    def update_symbol(self, origin, netuid: int, symbol: bytes) -> None:
        """Give a subnet another token symbol from the table, one no other subnet uses (its owner or root)."""
        self.ensure_subnet_owner_or_root(origin, netuid)
        if symbol not in SYMBOLS[1:]:
            raise self.error("SymbolDoesNotExist")
        if symbol in set(self.TokenSymbol.iter_values()):
            raise self.error("SymbolAlreadyInUse")
        self.TokenSymbol.set(netuid, symbol)
        self.deposit_event("SymbolUpdated", {"netuid": netuid, "symbol": symbol})

    @call(92, [("netuid", NetUid, "NetUid")], weight=Weight.db(39_454_000, reads=5, writes=2, proof_size=4583))
    def start_call(self, origin, netuid: int) -> None:
        """Start a subnet's emission and alpha trading (its owner, after StartCallDelay)."""
        self.do_start_call(origin, netuid)

    @call(61, [("_coldkey", AccountIdType, "T::AccountId"), ("netuid", NetUid, "NetUid")],
          weight=Weight.db(119_000_000, reads=6, writes=31))
    def dissolve_network(self, origin, _coldkey: bytes, netuid: int) -> None:
        """Remove a subnet, paying its pool's TAO back to its stakers (root only)."""
        origin.ensure_root()
        self.do_dissolve_network(netuid)

    @call(120, [("netuid", NetUid, "NetUid")], weight=Weight.db(119_000_000, reads=6, writes=31))
    def root_dissolve_network(self, origin, netuid: int) -> None:
        """Remove a subnet (root only)."""
        origin.ensure_root()
        self.do_dissolve_network(netuid)

