"""Every SubtensorModule storage item at subtensor HEAD: name, hashers, key/value types, defaults.

Generated once from ``pallets/subtensor/src/lib.rs`` (``#[pallet::storage]`` + ``#[pallet::type_value]``)
and the runtime's ``parameter_types!`` (the ``SubtensorInitial…`` constants), then kept by hand. Names
must equal subtensor's: clients (SDK, btcli, polkadot.js) read these items by name from the metadata.
Defaults are the *pallet* defaults; a new subnet gets different values from ``init_new_network``.

The items are split over a few plain classes (no behaviour) that ``SubtensorModule`` lists among its
bases, so each part of the pallet sees them as ``self.<Item>``.

Two runtime-data twists:
- ``fast_default`` items take subtensor's ``fast-runtime`` default (``prod_or_fast!``) when the runtime
  config says ``fast`` (tempo 10, short cooldowns …). The metadata shows the production default.
- ``get_commit_reveal_weights_enabled`` / ``get_commit_reveal_period`` do not exist on the real chain;
  btcli 9.23.2 reads them by mistake (client-compat.md §3). They are declared here and kept equal to
  ``CommitRevealWeightsEnabled`` / ``RevealPeriodEpochs`` by ``Mirrored``: every write to the real item
  is written to its twin in the same storage layer.
"""
from __future__ import annotations

from typing import Any

from tensornet.primitives.scale import (
    H160,
    H256,
    I16,
    I64,
    I64F64,
    I96F32,
    U8,
    U16,
    U32,
    U64,
    U64F64,
    U96F32,
    U128,
    AccountId,
    Bool,
    BoundedBytes,
    Bytes,
    Option,
    Tuple,
    Unit,
    Vec,
)
from tensornet.storage.items import (
    BoundItem,
    StorageDoubleMap,
    StorageItem,
    StorageMap,
    StorageNMap,
    StorageValue,
)

from .types import (
    DEFAULT_TOKEN_SYMBOL,
    ZERO_ACCOUNT,
    AlphaBalance,
    AxonInfo,
    BTreeMap,
    ChainIdentityV2,
    EpochConsensus,
    LockState,
    MechId,
    NetUid,
    NetUidStorageIndex,
    NeuronCertificate,
    PrometheusInfo,
    RateLimitKey,
    RecycleOrBurnEnum,
    RootClaimTypeEnum,
    SafeFloat,
    SubnetIdentityV3,
    SubnetLease,
    TaoBalance,
)


def fast_default(item: StorageItem, *, fast: Any) -> StorageItem:
    """Mark ``item`` as having a different default under subtensor's ``fast-runtime`` feature."""
    item.fast_default = fast  # type: ignore[attr-defined]
    return item


class FastDefaultBound(BoundItem):
    """A bound item whose absent entries read as the fast-runtime default."""

    __slots__ = ("fast",)

    def __init__(self, item: StorageItem, env, fast: Any) -> None:
        super().__init__(item, env)
        self.fast = fast

    def get(self, *keys):
        value = self.item.try_get(self.env.state, *keys)
        return self.fast if value is None else value

    def mutate(self, *keys_and_fn):
        *keys, fn = keys_and_fn
        new = fn(self.get(*keys))
        self.item.set(self.env.state, *keys, new)
        return new

    def take(self, *keys):
        value = self.get(*keys)
        self.item.remove(self.env.state, *keys)
        return value


def bind_fast_defaults(pallet: Any) -> None:
    """Re-bind every ``fast_default`` item of ``pallet`` when its runtime is a fast runtime."""
    if not getattr(pallet.env.runtime.config, "fast", False):
        return
    for item in pallet.storage_items:
        fast = getattr(item, "fast_default", None)
        if fast is not None:
            setattr(pallet, item.name, FastDefaultBound(item, pallet.env, fast))


class Mirrored(StorageItem):
    """A storage item whose every write is repeated on a twin item with the same keys."""

    def __init__(self, value, *, mirror: StorageItem, **kw) -> None:
        super().__init__(value, **kw)
        self.mirror = mirror

    def set(self, state, *keys_and_value) -> None:
        super().set(state, *keys_and_value)
        self.mirror.set(state, *keys_and_value)

    def remove(self, state, *keys) -> None:
        super().remove(state, *keys)
        self.mirror.remove(state, *keys)

    def clear_prefix(self, state, *partial) -> int:
        self.mirror.clear_prefix(state, *partial)
        return super().clear_prefix(state, *partial)


NETWORK_RATE_LIMIT = 7_200
"""``DefaultNetworkRateLimit``; builds with ``pow-faucet`` (every localnet) use 0, as our fast runtime does."""


class ClientCompatStorage:
    """Items only real clients' bugs need (see the module docstring); mirrors of real items."""

    get_commit_reveal_weights_enabled = StorageMap(
        "Identity", NetUid, Bool, default=True,
        docs="Mirror of CommitRevealWeightsEnabled under the name btcli 9.23.2 reads (not a subtensor item).")
    get_commit_reveal_period = StorageMap(
        "Twox64Concat", NetUid, U64, default=1,
        docs="Mirror of RevealPeriodEpochs under the name btcli 9.23.2 reads (not a subtensor item).")
    # bittensor 11.3 targets a subtensor newer than the one modelled here (miner collateral, Null
    # consensus). Its SetWeights and BurnedRegister intents read these two items before signing; they
    # state what this chain does: every subnet runs Yuma, and registration burns the whole price.
    SubnetEpochConsensus = StorageMap(
        "Identity", NetUid, EpochConsensus, default="Yuma",
        docs="--- MAP ( netuid ) --> epoch consensus mode. Always Yuma here (no Null consensus); read by "
             "bittensor 11's SetWeights preflight.")
    CollateralLockShare = StorageMap(
        "Identity", NetUid, U16, default=0,
        docs="--- MAP ( netuid ) --> share of the registration price locked as miner collateral (65535 = "
             "100%). Always 0 here (no collateral: the whole price is burned); read by bittensor 11's "
             "BurnedRegister.")


class GlobalStorage:
    """Chain-wide values (StorageValue items)."""

    MinActivityCutoff = StorageValue(U16, default=360)
    AdminFreezeWindow = StorageValue(U16, default=10, docs="Global window (in blocks) at the end of each tempo where admin ops are disallowed")
    OwnerHyperparamRateLimit = StorageValue(U16, default=2, docs="Global number of epochs used to rate limit subnet owner hyperparameter updates")
    DissolveNetworkScheduleDuration = StorageValue(U32, default=36000, docs="Duration of dissolve network schedule before execution")
    NextStakeJobId = StorageValue(U64, default=0, docs="Ensures unique IDs for StakeJobs storage map")
    TaoWeight = StorageValue(U64, default=971718665099567868, docs="Staking Variables The Subtensor [`TotalIssuance`] represents the total issuance of tokens on the Bittensor network. It is comprised of three parts: - The total amount of issued tokens, tracked in the TotalIssuance of the Balances pallet - The total amount of tokens staked in the system, tracked in [`TotalStake`] - The total amount of tokens locked up for subnet reg, tracked in [`TotalSubnetLocked`] attained by iterating over subnet lock. Eventually, Bittensor should migrate to using Holds afterwhich time we will not require this separate accounting. --- ITEM --> Global weight")
    CKBurn = StorageValue(U64, default=0, docs="--- ITEM --> CK burn")
    MaxDelegateTake = StorageValue(U16, default=11796, docs="--- ITEM ( default_delegate_take )")
    MinDelegateTake = StorageValue(U16, default=0, docs="--- ITEM ( min_delegate_take )")
    MaxChildkeyTake = StorageValue(U16, default=11796, docs="--- ITEM ( default_childkey_take )")
    MinChildkeyTake = StorageValue(U16, default=0, docs="--- ITEM ( min_childkey_take )")
    BlockEmission = StorageValue(U64, default=1000000000, docs="Coinbase --- ITEM ( global_block_emission )")
    SubnetLimit = StorageValue(U16, default=128, docs="Staking Counters The Subtensor [`TotalIssuance`] represents the total issuance of tokens on the Bittensor network. It is comprised of three parts: - The total amount of issued tokens, tracked in the TotalIssuance of the Balances pallet - The total amount of tokens staked in the system, tracked in [`TotalStake`] - The total amount of tokens locked up for subnet reg, tracked in [`TotalSubnetLocked`] attained by iterating over subnet lock. Eventually, Bittensor should migrate to using Holds afterwhich time we will not require this separate accounting. --- ITEM ( maximum_number_of_networks )")
    TotalIssuance = StorageValue(TaoBalance, default=0, docs="--- ITEM ( total_issuance )")
    TotalStake = StorageValue(TaoBalance, default=0, docs="--- ITEM ( total_stake )")
    SubnetMovingAlpha = StorageValue(I96F32, default=12885, docs="--- ITEM ( moving_alpha ) -- subnet moving alpha.")
    ColdkeySwapAnnouncementDelay = fast_default(StorageValue(U32, default=36000, docs="The delay after an announcement before a coldkey swap can be performed."), fast=50)
    ColdkeySwapReannouncementDelay = fast_default(StorageValue(U32, default=7200, docs="The delay after the initial delay has passed before a new announcement can be made."), fast=10)
    MaturityRate = StorageValue(U64, default=934866, docs="--- ITEM( maturity_rate ) | Decay timescale in blocks for lock conviction.")
    UnlockRate = StorageValue(U64, default=934866, docs="--- ITEM( unlock_rate ) | Decay timescale in blocks for locked mass.")
    AlphaMapLastKey = StorageValue(Option(Bytes), default=None, docs="Contains last Alpha storage map key to iterate (check first)")
    AlphaV2MapLastKey = StorageValue(Option(Bytes), default=None, docs="Contains last AlphaV2 storage map key to iterate (check first)")
    NetTaoFlowEnabled = StorageValue(Bool, default=True)
    TaoFlowCutoff = StorageValue(I64F64, default=0)
    FlowNormExponent = StorageValue(U64F64, default=18446744073709551616)
    FlowEmaSmoothingFactor = StorageValue(U64, default=29597889189277)
    TotalNetworks = StorageValue(U16, docs="--- ITEM( total_number_of_existing_networks )")
    NetworkImmunityPeriod = StorageValue(U64, default=1296000, docs="ITEM( network_immunity_period )")
    StartCallDelay = StorageValue(U64, default=0, docs="ITEM( start_call_delay )")
    NetworkMinLockCost = StorageValue(TaoBalance, default=1000000000000, docs="ITEM( min_network_lock_cost )")
    NetworkLastLockCost = StorageValue(TaoBalance, default=1000000000000, docs="ITEM( last_network_lock_cost )")
    NetworkLockReductionInterval = StorageValue(U64, default=100800, docs="ITEM( network_lock_reduction_interval )")
    SubnetOwnerCut = StorageValue(U16, default=11796, docs="ITEM( subnet_owner_cut )")
    NetworkRateLimit = fast_default(StorageValue(U64, default=NETWORK_RATE_LIMIT, docs="ITEM( network_rate_limit )"), fast=0)
    NominatorMinRequiredStake = StorageValue(U64, default=0, docs="--- ITEM( nominator_min_required_stake ) --- Factor of DefaultMinStake in per-mill format.")
    WeightsVersionKeyRateLimit = StorageValue(U64, default=5, docs="ITEM( weights_version_key_rate_limit ) --- Rate limit in tempos.")
    MaxEpochsPerBlock = fast_default(StorageValue(U8, default=2, docs="--- ITEM ( max_epochs_per_block )"), fast=32)
    TxRateLimit = StorageValue(U64, default=1000, docs="--- ITEM ( tx_rate_limit )")
    TxDelegateTakeRateLimit = StorageValue(U64, default=216000, docs="--- ITEM ( tx_delegate_take_rate_limit )")
    TxChildkeyTakeRateLimit = fast_default(StorageValue(U64, default=216000, docs="--- ITEM ( tx_childkey_take_rate_limit )"), fast=5)
    StakeThreshold = StorageValue(U64, default=0)
    NumStakingColdkeys = StorageValue(U64, default=0)
    NumRootClaim = StorageValue(U64, default=5)
    NextSubnetLeaseId = StorageValue(U32, default=0, docs="--- ITEM ( next_lease_id ) | The next lease id.")
    CommitRevealWeightsVersion = StorageValue(U16, default=4, docs="--- ITEM ( CommitRevealWeightsVersion )")
    NetworkRegistrationStartBlock = StorageValue(U64, default=0, docs="ITEM( NetworkRegistrationStartBlock )")
    TaoInRefundDeploymentBlock = StorageValue(U64, default=0, docs="ITEM( TaoInRefundDeploymentBlock )")
    MaxMechanismCount = StorageValue(MechId, default=2, docs="ITEM( max_mechanism_count )")
    PendingChildKeyCooldown = fast_default(StorageValue(U64, default=7200, docs="Storage value for pending childkey cooldown, settable by root."), fast=15)


class SubnetStorage:
    """Per-subnet maps keyed by NetUid: registration, pool reserves, emission, hyperparameters."""

    MinChildkeyTakePerSubnet = StorageMap("Identity", NetUid, U16, docs="MAP ( netuid ) --> take | Returns the subnet-specific minimum childkey take.")
    SubnetMovingPrice = StorageMap("Identity", NetUid, I96F32, default=0, docs="--- MAP ( netuid ) --> moving_price | The subnet moving price.")
    RootProp = StorageMap("Identity", NetUid, U96F32, default=0, docs="--- MAP ( netuid ) --> root_prop | The subnet root proportion.")
    SubnetVolume = StorageMap("Identity", NetUid, U128, default=0, docs="--- MAP ( netuid ) --> total_volume | The total amount of TAO bought and sold since the start of the network.")
    SubnetTAO = StorageMap("Identity", NetUid, TaoBalance, default=0, docs="--- MAP ( netuid ) --> tao_in_subnet | Returns the amount of TAO in the subnet.")
    SubnetAlphaInEmission = StorageMap("Identity", NetUid, AlphaBalance, default=0, docs="--- MAP ( netuid ) --> alpha_in_emission | Returns the amount of alph in emission into the pool per block.")
    SubnetEmissionEnabled = StorageMap("Identity", NetUid, Bool, default=True, docs="--- MAP ( netuid ) --> subnet_emission_enabled When false, subnet pool-side emission is disabled for this subnet: `alpha_in`, `tao_in`, and `excess_tao` chain buys are all treated as zero. `alpha_out`, owner cut, root proportion, pending server emission, and pending validator emission are intentionally left unchanged. Defaults to true so existing subnets keep current behavior.")
    SubnetAlphaOutEmission = StorageMap("Identity", NetUid, AlphaBalance, default=0, docs="--- MAP ( netuid ) --> alpha_out_emission | Returns the amount of alpha out emission into the network per block.")
    SubnetTaoInEmission = StorageMap("Identity", NetUid, TaoBalance, default=0, docs="--- MAP ( netuid ) --> tao_in_emission | Returns the amount of tao emitted into this subent on the last block.")
    SubnetExcessTao = StorageMap("Identity", NetUid, TaoBalance, default=0, docs="--- MAP ( netuid ) --> excess_tao | Returns the excess TAO swapped (chain buys) into this subnet on the last block.")
    SubnetRootSellTao = StorageMap("Identity", NetUid, TaoBalance, default=0, docs="--- MAP ( netuid ) --> root_sell_tao | Returns the TAO received from root dividend sells on this subnet on the last block.")
    SubnetAlphaIn = StorageMap("Identity", NetUid, AlphaBalance, default=0, docs="--- MAP ( netuid ) --> alpha_supply_in_pool | Returns the amount of alpha in the pool.")
    SubnetAlphaOut = StorageMap("Identity", NetUid, AlphaBalance, default=0, docs="--- MAP ( netuid ) --> alpha_supply_in_subnet | Returns the amount of alpha in the subnet.")
    SubnetProtocolAlpha = StorageMap("Identity", NetUid, AlphaBalance, default=0, docs="--- MAP ( netuid ) --> protocol_alpha | Returns the protocol-owned alpha cached for the subnet.")
    OwnerLock = StorageMap("Identity", NetUid, LockState, optional=True, docs="--- MAP ( netuid ) --> LockState | Total perpetual lock to the owner hotkey for a subnet.")
    DecayingOwnerLock = StorageMap("Identity", NetUid, LockState, optional=True, docs="--- MAP ( netuid ) --> LockState | Total decaying lock to the owner hotkey for a subnet.")
    OwnerCutAutoLockEnabled = StorageMap("Identity", NetUid, Bool, default=False, docs="--- MAP ( netuid ) --> bool | Whether subnet owner cut should be auto-locked. Missing entries default to true, so auto-locking is enabled unless explicitly disabled.")
    TokenSymbol = StorageMap("Identity", NetUid, Bytes, default=DEFAULT_TOKEN_SYMBOL, docs="--- MAP ( netuid ) --> token_symbol | Returns the token symbol for a subnet.")
    SubnetTaoFlow = StorageMap("Identity", NetUid, I64, default=0, docs="--- MAP ( netuid ) --> subnet_tao_flow | Returns the TAO inflow-outflow balance.")
    SubnetEmaTaoFlow = StorageMap("Identity", NetUid, Tuple(U64, I64F64), optional=True, docs="--- MAP ( netuid ) --> subnet_ema_tao_flow | Returns the EMA of TAO inflow-outflow balance.")
    SubnetProtocolFlow = StorageMap("Identity", NetUid, I64, default=0, docs="--- MAP ( netuid ) --> subnet_protocol_flow | Per-block accumulator for protocol cost (emission + chain buys - root sells).")
    SubnetEmaProtocolFlow = StorageMap("Identity", NetUid, Tuple(U64, I64F64), optional=True, docs="--- MAP ( netuid ) --> subnet_ema_protocol_flow | EMA of protocol cost flow, same smoothing as SubnetEmaTaoFlow.")
    MaxRegistrationsPerBlock = StorageMap("Identity", NetUid, U16, default=1, docs="--- ITEM( global_max_registrations_per_block )")
    OwnerCutEnabled = StorageMap("Identity", NetUid, Bool, default=True, docs="--- MAP ( netuid ) --> owner_cut_enabled")
    TransferToggle = StorageMap("Identity", NetUid, Bool, default=True, docs="Subnet Locks --- MAP ( netuid ) --> transfer_toggle")
    SubnetLocked = StorageMap("Identity", NetUid, TaoBalance, default=0, docs="--- MAP ( netuid ) --> total_subnet_locked")
    LargestLocked = StorageMap("Identity", NetUid, U64, default=0, docs="--- MAP ( netuid ) --> largest_locked")
    Tempo = fast_default(StorageMap("Identity", NetUid, U16, default=360, docs="Tempos --- MAP ( netuid ) --> tempo"), fast=10)
    LastEpochBlock = StorageMap("Identity", NetUid, U64, default=0, docs="--- MAP ( netuid ) --> last epoch attempt block (consumed slot). Drives normal-cadence scheduling and the admin freeze window. Advances on every `should_run_epoch == true` slot — including consistency-skipped slots — and on a successful `set_tempo` (cycle reset).")
    PendingEpochAt = StorageMap("Identity", NetUid, U64, default=0, docs="--- MAP ( netuid ) --> block at which a manually triggered epoch should fire. `0` means no trigger pending. Cleared after the triggered epoch runs.")
    SubnetEpochIndex = StorageMap("Identity", NetUid, U64, default=0, docs="--- MAP ( netuid ) --> monotonic epoch counter. Incremented by exactly one each time the subnet's epoch slot is consumed in `run_coinbase`")
    ActivityCutoffFactorMilli = StorageMap("Identity", NetUid, U32, default=13889, docs="--- MAP ( netuid ) --> activity-cutoff factor in per-mille epochs (1/1000 granularity). Effective cutoff in blocks = `(factor × tempo) / 1000`, clamped to ≥ 1.")
    FirstEmissionBlockNumber = StorageMap("Identity", NetUid, U64, optional=True, docs="Subnet Parameters --- MAP ( netuid ) --> block number of first emission")
    SubnetMechanism = StorageMap("Identity", NetUid, U16, default=0, docs="--- MAP ( netuid ) --> subnet mechanism")
    SubnetworkN = StorageMap("Identity", NetUid, U16, default=0, docs="--- MAP ( netuid ) --> subnetwork_n (Number of UIDs in the network).")
    NetworksAdded = StorageMap("Identity", NetUid, Bool, default=False, docs="--- MAP ( netuid ) --> network_is_added")
    NetworkRegistrationAllowed = StorageMap("Identity", NetUid, Bool, default=True, docs="--- MAP ( netuid ) --> network_registration_allowed")
    NetworkPowRegistrationAllowed = StorageMap("Identity", NetUid, Bool, default=True, docs="--- MAP ( netuid ) --> network_pow_allowed")
    NetworkRegisteredAt = StorageMap("Identity", NetUid, U64, default=0, docs="--- MAP ( netuid ) --> block_created")
    RegisteredSubnetCounter = StorageMap("Identity", NetUid, U64, docs="--- MAP ( netuid ) --> registered_subnet_counter Monotonic counter incremented on every successful `do_register_network` for a given netuid. Consumers that persist per-netuid state keyed by `(user, netuid)` (e.g. the staking precompile `AllowancesStorage`) can mix the current counter value into their storage key so that entries written under a previous registration of the same netuid become unreachable after the netuid is re-registered, without requiring unbounded storage iteration on deregistration.")
    PendingServerEmission = StorageMap("Identity", NetUid, AlphaBalance, default=0, docs="--- MAP ( netuid ) --> pending_server_emission")
    PendingValidatorEmission = StorageMap("Identity", NetUid, AlphaBalance, default=0, docs="--- MAP ( netuid ) --> pending_validator_emission")
    PendingRootAlphaDivs = StorageMap("Identity", NetUid, AlphaBalance, default=0, docs="--- MAP ( netuid ) --> pending_root_alpha_emission")
    PendingOwnerCut = StorageMap("Identity", NetUid, AlphaBalance, default=0, docs="--- MAP ( netuid ) --> pending_owner_cut")
    MinerBurned = StorageMap("Identity", NetUid, U96F32, default=0, docs="--- MAP ( netuid ) --> miner_burned | Proportion (0..1) of this tempo's miner (incentive) emission that was withheld from miners during emission distribution because the recipient hotkey is owned by the subnet owner (immune key). Counts emission that is either recycled or burned, so the value is independent of the subnet's RecycleOrBurn configuration.")
    BlocksSinceLastStep = StorageMap("Identity", NetUid, U64, default=0, docs="--- MAP ( netuid ) --> blocks_since_last_step")
    LastMechansimStepBlock = StorageMap("Identity", NetUid, U64, default=0, docs="--- MAP ( netuid ) --> last_mechanism_step_block")
    SubnetOwner = StorageMap("Identity", NetUid, AccountId, default=ZERO_ACCOUNT, docs="--- MAP ( netuid ) --> subnet_owner")
    SubnetOwnerHotkey = StorageMap("Identity", NetUid, AccountId, default=ZERO_ACCOUNT, docs="--- MAP ( netuid ) --> subnet_owner_hotkey")
    RecycleOrBurn = StorageMap("Identity", NetUid, RecycleOrBurnEnum, default="Burn", docs="--- MAP ( netuid ) --> recycle_or_burn")
    ServingRateLimit = StorageMap("Identity", NetUid, U64, default=50, docs="--- MAP ( netuid ) --> serving_rate_limit")
    Rho = StorageMap("Identity", NetUid, U16, default=10, docs="--- MAP ( netuid ) --> Rho")
    AlphaSigmoidSteepness = StorageMap("Identity", NetUid, I16, default=1000, docs="--- MAP ( netuid ) --> AlphaSigmoidSteepness")
    Kappa = StorageMap("Identity", NetUid, U16, default=32767, docs="--- MAP ( netuid ) --> Kappa")
    RegistrationsThisInterval = StorageMap("Identity", NetUid, U16, docs="--- MAP ( netuid ) --> registrations_this_interval")
    POWRegistrationsThisInterval = StorageMap("Identity", NetUid, U16, docs="--- MAP ( netuid ) --> pow_registrations_this_interval")
    BurnRegistrationsThisInterval = StorageMap("Identity", NetUid, U16, docs="--- MAP ( netuid ) --> burn_registrations_this_interval")
    MinAllowedUids = StorageMap("Identity", NetUid, U16, default=64, docs="--- MAP ( netuid ) --> min_allowed_uids")
    MaxAllowedUids = StorageMap("Identity", NetUid, U16, default=256, docs="--- MAP ( netuid ) --> max_allowed_uids")
    ImmunityPeriod = StorageMap("Identity", NetUid, U16, default=4096, docs="--- MAP ( netuid ) --> immunity_period")
    ActivityCutoff = StorageMap("Identity", NetUid, U16, default=5000)
    MaxWeightsLimit = StorageMap("Identity", NetUid, U16, default=65535, docs="--- MAP ( netuid ) --> max_weight_limit")
    WeightsVersionKey = StorageMap("Identity", NetUid, U64, default=0, docs="--- MAP ( netuid ) --> weights_version_key")
    MinAllowedWeights = StorageMap("Identity", NetUid, U16, default=1024, docs="--- MAP ( netuid ) --> min_allowed_weights")
    MaxAllowedValidators = StorageMap("Identity", NetUid, U16, default=128, docs="--- MAP ( netuid ) --> max_allowed_validators")
    AdjustmentInterval = StorageMap("Identity", NetUid, U16, default=100, docs="--- MAP ( netuid ) --> adjustment_interval")
    BondsMovingAverage = StorageMap("Identity", NetUid, U64, default=900000, docs="--- MAP ( netuid ) --> bonds_moving_average")
    BondsPenalty = StorageMap("Identity", NetUid, U16, default=65535, docs="--- MAP ( netuid ) --> bonds_penalty")
    BondsResetOn = StorageMap("Identity", NetUid, Bool, default=False, docs="--- MAP ( netuid ) --> bonds_reset")
    WeightsSetRateLimit = StorageMap("Identity", NetUid, U64, default=100, docs="--- MAP ( netuid ) --> weights_set_rate_limit")
    ValidatorPruneLen = StorageMap("Identity", NetUid, U64, default=1, docs="--- MAP ( netuid ) --> validator_prune_len")
    ScalingLawPower = StorageMap("Identity", NetUid, U16, default=50, docs="--- MAP ( netuid ) --> scaling_law_power")
    TargetRegistrationsPerInterval = StorageMap("Identity", NetUid, U16, default=2, docs="--- MAP ( netuid ) --> target_registrations_this_interval")
    AdjustmentAlpha = StorageMap("Identity", NetUid, U64, default=0, docs="--- MAP ( netuid ) --> adjustment_alpha")
    CommitRevealWeightsEnabled = Mirrored(Bool, keys=[("Identity", NetUid)], mirror=ClientCompatStorage.get_commit_reveal_weights_enabled, default=True, docs="--- MAP ( netuid ) --> commit reveal v2 weights are enabled")
    Burn = StorageMap("Identity", NetUid, TaoBalance, default=100000000, docs="--- MAP ( netuid ) --> Burn")
    Difficulty = StorageMap("Identity", NetUid, U64, default=10000000, docs="--- MAP ( netuid ) --> Difficulty")
    MinBurn = StorageMap("Identity", NetUid, TaoBalance, default=500000, docs="--- MAP ( netuid ) --> MinBurn")
    MaxBurn = StorageMap("Identity", NetUid, TaoBalance, default=100000000000, docs="--- MAP ( netuid ) --> MaxBurn")
    MinDifficulty = StorageMap("Identity", NetUid, U64, default=10000000, docs="--- MAP ( netuid ) --> MinDifficulty")
    MaxDifficulty = StorageMap("Identity", NetUid, U64, default=4611686018427387903, docs="--- MAP ( netuid ) --> MaxDifficulty")
    LastAdjustmentBlock = StorageMap("Identity", NetUid, U64, default=0, docs="--- MAP ( netuid ) --> Block at last adjustment.")
    RegistrationsThisBlock = StorageMap("Identity", NetUid, U16, default=0, docs="--- MAP ( netuid ) --> Registrations of this Block.")
    EMAPriceHalvingBlocks = StorageMap("Identity", NetUid, U64, default=201600, docs="--- MAP ( netuid ) --> Halving time of average moving price.")
    RAORecycledForRegistration = StorageMap("Identity", NetUid, TaoBalance, default=0, docs="--- MAP ( netuid ) --> global_RAO_recycled_for_registration")
    LiquidAlphaOn = StorageMap("Blake2_128Concat", NetUid, Bool, default=False, docs="--- MAP ( netuid ) --> Whether or not Liquid Alpha is enabled")
    Yuma3On = StorageMap("Blake2_128Concat", NetUid, Bool, default=False, docs="--- MAP ( netuid ) --> Whether or not Yuma3 is enabled")
    AlphaValues = StorageMap("Identity", NetUid, Tuple(U16, U16), default=(45875, 58982), docs="MAP ( netuid ) --> (alpha_low, alpha_high)")
    SubtokenEnabled = StorageMap("Identity", NetUid, Bool, default=False, docs="--- MAP ( netuid ) --> If subtoken trading enabled")
    VotingPowerTrackingEnabled = StorageMap("Identity", NetUid, Bool, default=False)
    VotingPowerDisableAtBlock = StorageMap("Identity", NetUid, U64)
    VotingPowerEmaAlpha = StorageMap("Identity", NetUid, U64, default=3570000000000000)
    ImmuneOwnerUidsLimit = StorageMap("Identity", NetUid, U16, default=1, docs="--- MAP ( netuid ) --> Burn key limit")
    SubnetIdentitiesV3 = StorageMap("Blake2_128Concat", NetUid, SubnetIdentityV3, optional=True, docs="--- MAP ( netuid ) --> SubnetIdentityOfV3")
    RevealPeriodEpochs = Mirrored(U64, keys=[("Twox64Concat", NetUid)], mirror=ClientCompatStorage.get_commit_reveal_period, default=1, docs="--- Map (netuid) --> Number of epochs allowed for commit reveal periods")
    SubnetUidToLeaseId = StorageMap("Twox64Concat", NetUid, U32, optional=True, docs="--- MAP ( netuid ) --> lease_id | The lease id for a given netuid.")
    MinNonImmuneUids = StorageMap("Identity", NetUid, U16, default=10, docs="--- MAP ( netuid ) --> minimum required number of non-immortal & non-immune UIDs")
    MechanismCountCurrent = StorageMap("Twox64Concat", NetUid, MechId, default=1, docs="--- MAP ( netuid ) --> Current number of subnet mechanisms")
    MechanismEmissionSplit = StorageMap("Twox64Concat", NetUid, Vec(U16), optional=True, docs="--- MAP ( netuid ) --> Normalized vector of emission split proportion between subnet mechanisms")
    BurnHalfLife = StorageMap("Identity", NetUid, U16, default=360, docs="--- MAP ( netuid ) --> BurnHalfLife (blocks)")
    BurnIncreaseMult = StorageMap("Identity", NetUid, U64F64, default=23242897532874035200, docs="--- MAP ( netuid ) --> BurnIncreaseMult")


class NeuronStorage:
    """Per-neuron state: uids, epoch outputs, weights, bonds, commits, axons."""

    LastHotkeySwapOnNetuid = StorageDoubleMap("Identity", NetUid, "Blake2_128Concat", AccountId, U64, default=0, docs="--- DMap ( netuid, coldkey ) --> blocknumber | last hotkey swap on network.")
    UsedWork = StorageMap("Identity", Bytes, U64, docs="Global Parameters --- StorageItem Global Used Work.")
    IsNetworkMember = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", NetUid, Bool, default=False, docs="--- DMAP ( hotkey, netuid ) --> bool")
    VotingPower = StorageDoubleMap("Identity", NetUid, "Blake2_128Concat", AccountId, U64)
    StakeWeight = StorageMap("Identity", NetUid, Vec(U16), default=[], docs="Subnetwork Consensus Storage --- DMAP ( netuid ) --> stake_weight | weight for stake used in YC.")
    Uids = StorageDoubleMap("Identity", NetUid, "Blake2_128Concat", AccountId, U16, optional=True, docs="--- DMAP ( netuid, hotkey ) --> uid")
    Keys = StorageDoubleMap("Identity", NetUid, "Identity", U16, AccountId, default=ZERO_ACCOUNT, docs="--- DMAP ( netuid, uid ) --> hotkey")
    LoadedEmission = StorageMap("Identity", NetUid, Vec(Tuple(AccountId, U64, U64)), optional=True, docs="--- MAP ( netuid ) --> (hotkey, se, ve)")
    Active = StorageMap("Identity", NetUid, Vec(Bool), default=[], docs="--- MAP ( netuid ) --> active")
    Consensus = StorageMap("Identity", NetUid, Vec(U16), default=[], docs="--- MAP ( netuid ) --> consensus")
    Incentive = StorageMap("Identity", NetUidStorageIndex, Vec(U16), default=[], docs="--- MAP ( netuid ) --> incentive")
    Dividends = StorageMap("Identity", NetUid, Vec(U16), default=[], docs="--- MAP ( netuid ) --> dividends")
    Emission = StorageMap("Identity", NetUid, Vec(AlphaBalance), docs="--- MAP ( netuid ) --> emission")
    LastUpdate = StorageMap("Identity", NetUidStorageIndex, Vec(U64), default=[], docs="--- MAP ( netuid ) --> last_update")
    ValidatorTrust = StorageMap("Identity", NetUid, Vec(U16), default=[], docs="--- MAP ( netuid ) --> validator_trust")
    ValidatorPermit = StorageMap("Identity", NetUid, Vec(Bool), default=[], docs="--- MAP ( netuid ) --> validator_permit")
    Weights = StorageDoubleMap("Identity", NetUidStorageIndex, "Identity", U16, Vec(Tuple(U16, U16)), default=[], docs="--- DMAP ( netuid, uid ) --> weights")
    Bonds = StorageDoubleMap("Identity", NetUidStorageIndex, "Identity", U16, Vec(Tuple(U16, U16)), default=[], docs="--- DMAP ( netuid, uid ) --> bonds")
    BlockAtRegistration = StorageDoubleMap("Identity", NetUid, "Identity", U16, U64, default=0, docs="--- DMAP ( netuid, uid ) --> block_at_registration")
    Axons = StorageDoubleMap("Identity", NetUid, "Blake2_128Concat", AccountId, AxonInfo, optional=True, docs="--- MAP ( netuid, hotkey ) --> axon_info")
    NeuronCertificates = StorageDoubleMap("Identity", NetUid, "Blake2_128Concat", AccountId, NeuronCertificate, optional=True, docs="--- MAP ( netuid, hotkey ) --> certificate")
    Prometheus = StorageDoubleMap("Identity", NetUid, "Blake2_128Concat", AccountId, PrometheusInfo, optional=True, docs="--- MAP ( netuid, hotkey ) --> prometheus_info")
    TransactionKeyLastBlock = StorageNMap([("Blake2_128Concat", AccountId), ("Identity", NetUid), ("Identity", U16)], U64, docs="Axon / Promo Endpoints --- NMAP ( hot, netuid, name ) --> last_block | Returns the last block of a transaction for a given key, netuid, and name.")
    WeightCommits = StorageDoubleMap("Twox64Concat", NetUidStorageIndex, "Twox64Concat", AccountId, Vec(Tuple(H256, U64, U64, U64)), optional=True, docs="--- MAP (netuid, who) --> VecDeque<(hash, commit_epoch, commit_block, _unused)> Stores a queue of commit-reveal-v2 commits for an account on a given netuid.")
    TimelockedWeightCommits = StorageDoubleMap("Twox64Concat", NetUidStorageIndex, "Twox64Concat", U64, Vec(Tuple(AccountId, U64, BoundedBytes(5000), U64)), docs="MAP (netuid, epoch) → VecDeque<(who, commit_block, ciphertext, reveal_round)> Stores a queue of weight commits for an account on a given subnet.")
    CRV3WeightCommits = StorageDoubleMap("Twox64Concat", NetUidStorageIndex, "Twox64Concat", U64, Vec(Tuple(AccountId, BoundedBytes(5000), U64)), docs="MAP (netuid, epoch) → VecDeque<(who, ciphertext, reveal_round)> DEPRECATED for CRV3WeightCommitsV2")
    CRV3WeightCommitsV2 = StorageDoubleMap("Twox64Concat", NetUidStorageIndex, "Twox64Concat", U64, Vec(Tuple(AccountId, U64, BoundedBytes(5000), U64)), docs="MAP (netuid, epoch) → VecDeque<(who, commit_block, ciphertext, reveal_round)> DEPRECATED for TimelockedWeightCommits")
    AssociatedEvmAddress = StorageDoubleMap("Twox64Concat", NetUid, "Twox64Concat", U16, Tuple(H160, U64), optional=True, docs="EVM related storage --- DMAP (netuid, uid) --> (H160, last_block_where_ownership_was_proven)")


class AccountStorage:
    """Account-keyed maps: ownership, share-pool stake, childkeys, locks, root claims, rate limits."""

    Owner = StorageMap("Blake2_128Concat", AccountId, AccountId, default=ZERO_ACCOUNT, docs="MAP ( hot ) --> cold | Returns the controlling coldkey for a hotkey")
    AccountFlags = StorageMap("Blake2_128Concat", AccountId, U128, docs="MAP ( coldkey ) --> flags | Account-level flags. Defaults to zero.")
    Delegates = StorageMap("Blake2_128Concat", AccountId, U16, default=11796, docs="MAP ( hot ) --> take | Returns the hotkey delegation take. And signals that this key is open for delegation")
    ChildkeyTake = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", NetUid, U16, docs="DMAP ( hot, netuid ) --> take | Returns the hotkey childkey take for a specific subnet")
    PendingChildKeys = StorageDoubleMap("Identity", NetUid, "Blake2_128Concat", AccountId, Tuple(Vec(Tuple(U64, AccountId)), U64), default=([], 0), docs="DMAP ( netuid, parent ) --> (Vec<(proportion,child)>, cool_down_block)")
    ChildKeys = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", NetUid, Vec(Tuple(U64, AccountId)), default=[], docs="DMAP ( parent, netuid ) --> Vec<(proportion,child)>")
    ParentKeys = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", NetUid, Vec(Tuple(U64, AccountId)), default=[], docs="DMAP ( child, netuid ) --> Vec<(proportion,parent)>")
    AlphaDividendsPerSubnet = StorageDoubleMap("Identity", NetUid, "Blake2_128Concat", AccountId, AlphaBalance, default=0, docs="--- DMAP ( netuid, hotkey ) --> u64 | Last alpha dividend this hotkey got on tempo.")
    RootAlphaDividendsPerSubnet = StorageDoubleMap("Identity", NetUid, "Blake2_128Concat", AccountId, AlphaBalance, default=0, docs="--- DMAP ( netuid, hotkey ) --> u64 | Last root alpha dividend this hotkey got on tempo.")
    LastHotkeyEmissionOnNetuid = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", NetUid, AlphaBalance, default=0, docs="--- DMap ( hot, netuid ) --> emission | last hotkey emission on network.")
    StakingHotkeys = StorageMap("Blake2_128Concat", AccountId, Vec(AccountId), docs="--- MAP ( cold ) --> Vec<hot> | Maps coldkey to hotkeys that stake to it")
    OwnedHotkeys = StorageMap("Blake2_128Concat", AccountId, Vec(AccountId), docs="--- MAP ( cold ) --> Vec<hot> | Returns the vector of hotkeys controlled by this coldkey.")
    AutoStakeDestination = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", NetUid, AccountId, optional=True, docs="--- DMAP ( cold, netuid )--> hot | Returns the hotkey a coldkey will autostake to with mining rewards.")
    AutoStakeDestinationColdkeys = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", NetUid, Vec(AccountId), docs="--- DMAP ( hot, netuid )--> Vec<cold> | Returns a list of coldkeys that are autostaking to a hotkey")
    ColdkeySwapAnnouncements = StorageMap("Twox64Concat", AccountId, Tuple(U32, H256), optional=True, docs="A map of the coldkey swap announcements from a coldkey to the block number the coldkey swap can be performed.")
    ColdkeySwapDisputes = StorageMap("Twox64Concat", AccountId, U32, optional=True, docs="A map of the coldkey swap disputes from a coldkey to the block number the coldkey swap was disputed.")
    TotalHotkeyAlpha = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", NetUid, AlphaBalance, default=0, docs="--- DMAP ( hot, netuid ) --> alpha | Returns the total amount of alpha a hotkey owns.")
    TotalHotkeyAlphaLastEpoch = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", NetUid, AlphaBalance, default=0, docs="--- DMAP ( hot, netuid ) --> alpha | Returns the total amount of alpha a hotkey owned in the last epoch.")
    TotalHotkeyShares = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", NetUid, U64F64, default=0, docs="DMAP ( hot, netuid ) --> total_alpha_shares | Returns the number of alpha shares for a hotkey on a subnet.")
    Alpha = StorageNMap([("Blake2_128Concat", AccountId), ("Blake2_128Concat", AccountId), ("Identity", NetUid)], U64F64, docs="--- NMAP ( hot, cold, netuid ) --> alpha | Returns the alpha shares for a hotkey, coldkey, netuid triplet.")
    TotalHotkeySharesV2 = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", NetUid, SafeFloat, docs="DMAP ( hot, netuid ) --> total_alpha_shares | Returns the number of alpha shares for a hotkey on a subnet, stores SafeFloat.")
    AlphaV2 = StorageNMap([("Blake2_128Concat", AccountId), ("Blake2_128Concat", AccountId), ("Identity", NetUid)], SafeFloat, docs="--- NMAP ( hot, cold, netuid ) --> alpha | Returns the alpha shares for a hotkey, coldkey, netuid triplet, stores SafeFloat.")
    Lock = StorageNMap([("Blake2_128Concat", AccountId), ("Identity", NetUid), ("Blake2_128Concat", AccountId)], LockState, optional=True, docs="--- DMAP ( coldkey, netuid, hotkey ) --> LockState | Exponential lock per coldkey per subnet.")
    LockingColdkeys = StorageNMap([("Identity", NetUid), ("Blake2_128Concat", AccountId), ("Blake2_128Concat", AccountId)], Unit, optional=True, docs="--- NMAP ( netuid, hotkey, coldkey ) --> () | Reverse index for non-zero locks targeting this hotkey on this subnet.")
    HotkeyLock = StorageDoubleMap("Identity", NetUid, "Blake2_128Concat", AccountId, LockState, optional=True, docs="--- DMAP ( netuid, hotkey ) --> LockState | Total lock per hotkey per subnet.")
    DecayingHotkeyLock = StorageDoubleMap("Identity", NetUid, "Blake2_128Concat", AccountId, LockState, optional=True, docs="--- DMAP ( netuid, hotkey ) --> LockState | Total decaying non-owner lock per hotkey per subnet.")
    DecayingLock = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", NetUid, Bool, optional=True, docs="--- DMAP ( coldkey, netuid ) --> false | When present and false, this coldkey's lock is perpetual. Missing entries mean the lock decays by default.")
    LastRateLimitedBlock = StorageMap("Identity", RateLimitKey, U64, default=0, docs="Rate Limiting --- MAP ( RateLimitKey ) --> Block number in which the last rate limited operation occured")
    IdentitiesV2 = StorageMap("Blake2_128Concat", AccountId, ChainIdentityV2, optional=True, docs="--- MAP ( coldkey ) --> identity")
    LastTxBlock = StorageMap("Identity", AccountId, U64, default=0)
    LastTxBlockChildKeyTake = StorageMap("Identity", AccountId, U64, default=0)
    LastTxBlockDelegateTake = StorageMap("Identity", AccountId, U64, default=0)
    LastColdkeyHotkeyStakeBlock = StorageDoubleMap("Twox64Concat", AccountId, "Twox64Concat", AccountId, U64, optional=True, docs="--- Map (coldkey, hotkey) --> u64 the last block at which stake was added/removed.")
    RootClaimableThreshold = StorageMap("Blake2_128Concat", NetUid, I96F32, default=2147483648000000)
    RootClaimable = StorageMap("Blake2_128Concat", AccountId, BTreeMap(NetUid, I96F32), default=[])
    RootClaimed = StorageNMap([("Identity", NetUid), ("Blake2_128Concat", AccountId), ("Blake2_128Concat", AccountId)], U128)
    RootClaimType = StorageMap("Blake2_128Concat", AccountId, RootClaimTypeEnum, default="Swap")
    StakingColdkeysByIndex = StorageMap("Identity", U64, AccountId, optional=True)
    StakingColdkeys = StorageMap("Identity", AccountId, U64, optional=True)
    SubnetLeases = StorageMap("Twox64Concat", U32, SubnetLease, optional=True, docs="Subnet Leasing --- MAP ( lease_id ) --> subnet lease | The subnet lease for a given lease id.")
    SubnetLeaseShares = StorageDoubleMap("Twox64Concat", U32, "Identity", AccountId, U64F64, docs="--- DMAP ( lease_id, contributor ) --> shares | The shares of a contributor for a given lease.")
    AccumulatedLeaseDividends = StorageMap("Twox64Concat", U32, AlphaBalance, default=0, docs="--- MAP ( lease_id ) --> accumulated_dividends | The accumulated dividends for a given lease that needs to be distributed.")
    AutoParentDelegationEnabled = StorageMap("Blake2_128Concat", AccountId, Bool, default=True, docs="--- MAP ( hotkey ) --> parent_delegation_enabled When `true`, this root validator allows auto parent delegation. Defaults to `true`; validators can opt out at any time by calling `set_auto_parent_delegation_enabled(false)`.")
    HasMigrationRun = StorageMap("Identity", Bytes, Bool, docs="Genesis --- Storage for migration run status")
