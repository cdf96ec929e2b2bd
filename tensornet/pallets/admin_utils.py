"""AdminUtils (index 19): hyperparameter setters, as ``pallets/admin-utils/src/lib.rs`` at HEAD.

Every setter follows the same steps in subtensor's order: origin (Root, or the subnet owner
rate-limited per hyperparameter for "owner" setters), the admin freeze window (no changes in the
last AdminFreezeWindow blocks before an epoch), the subnet must exist, the value's bounds, then the
SubtensorModule item is written and the owner's rate-limit clock recorded. Most setters only differ
in those data, so they are declared as a table (``SETTERS``) and generated; the few with extra
rules have a ``check``. Setters for what tensornet does not model (EVM chain id, GRANDPA authority
changes, precompiles, TAO-flow and coldkey-swap delays) are omitted.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tensornet.primitives.scale import (
    I16,
    I96F32,
    U8,
    U16,
    U64,
    U64F64,
    AccountId,
    Bool,
    Enum,
    Option,
    Vec,
)
from tensornet.runtime.dispatch import Origin, Weight
from tensornet.runtime.pallet import EventDef, Pallet, call
from tensornet.storage.items import StorageMap
from tensornet.subnet.admin_rules import WEIGHTS_VERSION_KEY
from tensornet.subnet.types import MechId, NetUid, RecycleOrBurnEnum, TaoBalance

TAO = 1_000_000_000
MIN_BURN_UPPER_BOUND = TAO
MAX_BURN_LOWER_BOUND = TAO // 10
DEFAULT_MAX_ALLOWED_UIDS = 256
MAX_BURN_HALF_LIFE = 36_100
#: subtensor's declared weight of each generated setter (pallet_admin_utils SubstrateWeight or inline)
_SETTER_WEIGHTS = {
    "sudo_set_default_take": Weight.db(5_400_000, reads=0, writes=1, proof_size=0),
    "sudo_set_tx_rate_limit": Weight.db(5_440_000, reads=0, writes=1, proof_size=0),
    "sudo_set_serving_rate_limit": Weight.db(28_633_000, reads=4, writes=1, proof_size=4212),
    "sudo_set_min_difficulty": Weight.db(34_554_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_max_difficulty": Weight.db(34_704_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_weights_version_key": Weight.db(34_204_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_weights_set_rate_limit": Weight.db(16_420_000, reads=1, writes=1, proof_size=4084),
    "sudo_set_adjustment_interval": Weight.db(16_320_000, reads=1, writes=1, proof_size=4084),
    "sudo_set_adjustment_alpha": Weight.db(14_000_000, reads=1, writes=1, proof_size=0),
    "sudo_set_immunity_period": Weight.db(34_414_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_min_allowed_weights": Weight.db(34_664_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_max_allowed_uids": Weight.db(43_381_000, reads=8, writes=1, proof_size=4433),
    "sudo_set_kappa": Weight.db(16_301_000, reads=1, writes=1, proof_size=4084),
    "sudo_set_rho": Weight.db(31_268_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_activity_cutoff": Weight.db(35_165_000, reads=6, writes=1, proof_size=4383),
    "sudo_set_network_registration_allowed": Weight.db(7_113_000, reads=0, writes=1, proof_size=0),
    "sudo_set_target_registrations_per_interval": Weight.db(34_103_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_min_burn": Weight.db(37_780_000, reads=6, writes=1, proof_size=4385),
    "sudo_set_max_burn": Weight.db(36_949_000, reads=6, writes=1, proof_size=4410),
    "sudo_set_difficulty": Weight.db(34_434_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_max_allowed_validators": Weight.db(35_896_000, reads=6, writes=1, proof_size=4383),
    "sudo_set_bonds_moving_average": Weight.db(34_495_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_max_registrations_per_block": Weight.db(34_604_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_subnet_owner_cut": Weight.db(14_000_000, reads=0, writes=1, proof_size=0),
    "sudo_set_network_rate_limit": Weight.db(14_000_000, reads=0, writes=1, proof_size=0),
    "sudo_set_tempo": Weight.db(36_298_000, reads=5, writes=2, proof_size=4383),
    "sudo_set_network_immunity_period": Weight.db(14_000_000, reads=0, writes=1, proof_size=0),
    "sudo_set_network_min_lock_cost": Weight.db(14_000_000, reads=0, writes=1, proof_size=0),
    "sudo_set_subnet_limit": Weight.db(14_000_000, reads=0, writes=1, proof_size=0),
    "sudo_set_lock_reduction_interval": Weight.db(14_000_000, reads=0, writes=1, proof_size=0),
    "sudo_set_rao_recycled": Weight.db(16_541_000, reads=1, writes=1, proof_size=4084),
    "sudo_set_stake_threshold": Weight.db(5_500_000, reads=0, writes=1, proof_size=0),
    "sudo_set_nominator_min_required_stake": Weight.db(30_697_000, reads=5, writes=1, proof_size=6890),
    "sudo_set_tx_delegate_take_rate_limit": Weight.db(5_420_000, reads=0, writes=1, proof_size=0),
    "sudo_set_min_delegate_take": Weight.db(5_490_000, reads=0, writes=1, proof_size=0),
    "sudo_set_commit_reveal_weights_enabled": Weight.db(34_544_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_liquid_alpha_enabled": Weight.db(25_538_000, reads=4, writes=1, proof_size=4280),
    "sudo_set_commit_reveal_weights_interval": Weight.db(34_654_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_bonds_penalty": Weight.db(34_354_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_toggle_transfer": Weight.db(28_343_000, reads=4, writes=1, proof_size=4280),
    "sudo_set_subnet_moving_alpha": Weight.db(2_955_000, reads=0, writes=1, proof_size=0),
    "sudo_set_ema_price_halving_period": Weight.db(4_198_000, reads=0, writes=1, proof_size=0),
    "sudo_set_subtoken_enabled": Weight.db(25_467_000, reads=4, writes=1, proof_size=4280),
    "sudo_set_alpha_sigmoid_steepness": Weight.db(31_438_000, reads=5, writes=1, proof_size=4383),
    "sudo_set_yuma3_enabled": Weight.db(28_583_000, reads=4, writes=1, proof_size=4280),
    "sudo_set_bonds_reset_enabled": Weight.db(30_507_000, reads=4, writes=1, proof_size=4280),
    "sudo_set_commit_reveal_version": Weight.db(6_052_000, reads=0, writes=1, proof_size=0),
    "sudo_set_owner_immune_neuron_limit": Weight.db(25_107_000, reads=4, writes=1, proof_size=4280),
    "sudo_set_ck_burn": Weight.db(15_650_000, reads=1, writes=1, proof_size=0),
    "sudo_set_admin_freeze_window": Weight.db(5_450_000, reads=0, writes=1, proof_size=0),
    "sudo_set_owner_hparam_rate_limit": Weight.db(5_471_000, reads=0, writes=1, proof_size=0),
    "sudo_set_mechanism_count": Weight.db(15_000_000, reads=1, writes=1, proof_size=0),
    "sudo_set_min_allowed_uids": Weight.db(37_890_000, reads=7, writes=1, proof_size=4383),
    "sudo_set_recycle_or_burn": Weight.db(20_000_000, reads=2, writes=2, proof_size=0),
    "sudo_set_min_non_immune_uids": Weight.db(6_783_000, reads=0, writes=1, proof_size=0),
    "sudo_set_start_call_delay": Weight.db(14_000_000, reads=0, writes=1, proof_size=0),
    "sudo_set_max_mechanism_count": Weight.db(15_000_000, reads=1, writes=1, proof_size=0),
    "sudo_set_burn_half_life": Weight.db(25_000_000, reads=4, writes=1, proof_size=0),
    "sudo_set_burn_increase_mult": Weight.db(25_000_000, reads=4, writes=1, proof_size=0),
    "sudo_set_owner_cut_enabled": Weight.db(25_000_000, reads=4, writes=1, proof_size=0),
    "sudo_set_min_childkey_take_per_subnet": Weight.db(38_100_000, reads=7, writes=1, proof_size=4419),
    "sudo_set_subnet_emission_enabled": Weight.db(16_351_000, reads=1, writes=1, proof_size=4084),
    "sudo_set_owner_cut_auto_lock_enabled": Weight.db(25_000_000, reads=4, writes=1, proof_size=0),
    "sudo_set_max_epochs_per_block": Weight.db(5_530_000, reads=0, writes=1, proof_size=0),
}
#: setters subtensor declares DispatchClass::Operational
_OPERATIONAL = {"sudo_set_burn_half_life", "sudo_set_burn_increase_mult", "sudo_set_owner_cut_enabled", "sudo_set_owner_cut_auto_lock_enabled"}

PrecompileEnum = Enum("pallet_admin_utils::pallet::PrecompileEnum", [
    "BalanceTransfer", "Staking", "Subnet", "Metagraph", "Neuron", "UidLookup", "Alpha", "Crowdloan",
    "Proxy", "Leasing", "AddressMapping", "VotingPower"])

NETUID = ("netuid", NetUid, "NetUid")


@dataclass(frozen=True)
class Setter:
    """One generated setter: ``item`` of SubtensorModule gets the last argument's value."""

    index: int
    name: str
    args: tuple            # ((name, type, typeName), ...), netuid first when per-subnet
    item: str
    origin: str = "root"   # "root" | "owner"
    window: bool = False
    limit: str | None = None   # Hyperparameter name (owner rate limit) or WEIGHTS_VERSION_KEY
    check: Callable[..., str | None] | None = None  # (sm, is_root, netuid, value) -> error name
    event: str | None = None   # SubtensorModule event (netuid, value) or (value,)
    not_root_subnet: bool = False
    extra: dict = field(default_factory=dict)


def _bma(sm, is_root, netuid, v):
    return None if is_root or v <= 975_000 else "BondsMovingAverageMaxReached"


def _max_uids(sm, is_root, netuid, v):
    if v < sm.MinAllowedUids.get(netuid):
        return "MaxAllowedUidsLessThanMinAllowedUids"
    if sm.SubnetworkN.get(netuid) > v:
        return "MaxAllowedUIdsLessThanCurrentUIds"
    if v > DEFAULT_MAX_ALLOWED_UIDS:
        return "MaxAllowedUidsGreaterThanDefaultMaxAllowedUids"
    return None


def _min_uids(sm, is_root, netuid, v):
    if v > sm.MaxAllowedUids.get(netuid):
        return "MinAllowedUidsGreaterThanMaxAllowedUids"
    if v > sm.SubnetworkN.get(netuid):
        return "MinAllowedUidsGreaterThanCurrentUids"
    return None


def _min_burn(sm, is_root, netuid, v):
    return None if v < MIN_BURN_UPPER_BOUND and v < sm.MaxBurn.get(netuid) else "ValueNotInBounds"


def _max_burn(sm, is_root, netuid, v):
    return None if v > MAX_BURN_LOWER_BOUND and v > sm.MinBurn.get(netuid) else "ValueNotInBounds"


def _max_validators(sm, is_root, netuid, v):
    return None if v <= sm.MaxAllowedUids.get(netuid) else "MaxValidatorsLargerThanMaxUIds"


def _steepness(sm, is_root, netuid, v):
    return None if is_root or v >= 0 else "NegativeSigmoidSteepness"


def _half_life(sm, is_root, netuid, v):
    return None if 0 < v <= MAX_BURN_HALF_LIFE else "InvalidValue"


def _mult(sm, is_root, netuid, v):
    return None if v >= 1 << 64 else "InvalidValue"


def _immune_limit(sm, is_root, netuid, v):
    return None if 1 <= v <= 10 else "sm:InvalidValue"


def _reveal_period(sm, is_root, netuid, v):
    if v > 100:
        return "sm:RevealPeriodTooLarge"
    return "sm:RevealPeriodTooSmall" if v < 1 else None


def _activity_cutoff(sm, is_root, netuid, v):
    return None if v >= sm.MinActivityCutoff.get() else "sm:ActivityCutoffTooLow"


def _min_ck_take(sm, is_root, netuid, v):
    return None if v <= sm.MaxChildkeyTake.get() else "InvalidValue"


def _at_least_one(sm, is_root, netuid, v):
    return None if v >= 1 else "ValueNotInBounds"


def _mech_count(sm, is_root, netuid, v):
    return None if 1 <= v <= sm.MaxMechanismCount.get() else "sm:InvalidValue"


def _g(index, name, arg, item, **kw) -> Setter:
    return Setter(index, name, (arg,), item, **kw)


def _n(index, name, arg, item, **kw) -> Setter:
    return Setter(index, name, (NETUID, arg), item, **kw)


_U16 = lambda n: (n, U16, "u16")
_U64 = lambda n: (n, U64, "u64")
_BOOL = lambda n: (n, Bool, "bool")
_TAO = lambda n: (n, TaoBalance, "TaoBalance")

SETTERS: list[Setter] = [
    _g(1, "sudo_set_default_take", _U16("default_take"), "MaxDelegateTake"),
    _g(2, "sudo_set_tx_rate_limit", _U64("tx_rate_limit"), "TxRateLimit", event="TxRateLimitSet"),
    _n(3, "sudo_set_serving_rate_limit", _U64("serving_rate_limit"), "ServingRateLimit", origin="owner",
       window=True, limit="ServingRateLimit", event="ServingRateLimitSet"),
    _n(4, "sudo_set_min_difficulty", _U64("min_difficulty"), "MinDifficulty", window=True, event="MinDifficultySet"),
    _n(5, "sudo_set_max_difficulty", _U64("max_difficulty"), "MaxDifficulty", origin="owner", window=True,
       limit="MaxDifficulty", event="MaxDifficultySet"),
    _n(6, "sudo_set_weights_version_key", _U64("weights_version_key"), "WeightsVersionKey", origin="owner",
       window=True, limit=WEIGHTS_VERSION_KEY, event="WeightsVersionKeySet"),
    _n(7, "sudo_set_weights_set_rate_limit", _U64("weights_set_rate_limit"), "WeightsSetRateLimit",
       event="WeightsSetRateLimitSet"),
    _n(8, "sudo_set_adjustment_interval", _U16("adjustment_interval"), "AdjustmentInterval",
       event="AdjustmentIntervalSet"),
    _n(9, "sudo_set_adjustment_alpha", _U64("adjustment_alpha"), "AdjustmentAlpha", origin="owner", window=True,
       limit="AdjustmentAlpha"),
    _n(13, "sudo_set_immunity_period", _U16("immunity_period"), "ImmunityPeriod", origin="owner", window=True,
       limit="ImmunityPeriod", event="ImmunityPeriodSet"),
    _n(14, "sudo_set_min_allowed_weights", _U16("min_allowed_weights"), "MinAllowedWeights", origin="owner",
       window=True, limit="MinAllowedWeights", event="MinAllowedWeightSet"),
    _n(15, "sudo_set_max_allowed_uids", _U16("max_allowed_uids"), "MaxAllowedUids", origin="owner", window=True,
       limit="MaxAllowedUids", check=_max_uids, event="MaxAllowedUidsSet"),
    _n(16, "sudo_set_kappa", _U16("kappa"), "Kappa", event="KappaSet"),
    _n(17, "sudo_set_rho", _U16("rho"), "Rho", origin="owner", window=True, limit="Rho", event="RhoSet"),
    _n(18, "sudo_set_activity_cutoff", _U16("activity_cutoff"), "ActivityCutoff", origin="owner", window=True,
       limit="ActivityCutoff", check=_activity_cutoff, event="ActivityCutoffSet"),
    _n(19, "sudo_set_network_registration_allowed", _BOOL("registration_allowed"), "NetworkRegistrationAllowed"),
    _n(21, "sudo_set_target_registrations_per_interval", _U16("target_registrations_per_interval"),
       "TargetRegistrationsPerInterval", window=True, event="RegistrationPerIntervalSet"),
    _n(22, "sudo_set_min_burn", _TAO("min_burn"), "MinBurn", origin="owner", window=True, limit="MinBurn",
       check=_min_burn, event="MinBurnSet"),
    _n(23, "sudo_set_max_burn", _TAO("max_burn"), "MaxBurn", origin="owner", window=True, limit="MaxBurn",
       check=_max_burn, event="MaxBurnSet"),
    _n(24, "sudo_set_difficulty", _U64("difficulty"), "Difficulty", window=True, event="DifficultySet"),
    _n(25, "sudo_set_max_allowed_validators", _U16("max_allowed_validators"), "MaxAllowedValidators",
       window=True, check=_max_validators, event="MaxAllowedValidatorsSet"),
    _n(26, "sudo_set_bonds_moving_average", _U64("bonds_moving_average"), "BondsMovingAverage", origin="owner",
       window=True, limit="BondsMovingAverage", check=_bma, event="BondsMovingAverageSet"),
    _n(60, "sudo_set_bonds_penalty", _U16("bonds_penalty"), "BondsPenalty", origin="owner", window=True,
       limit="BondsPenalty", event="BondsPenaltySet"),
    _n(27, "sudo_set_max_registrations_per_block", _U16("max_registrations_per_block"),
       "MaxRegistrationsPerBlock", window=True, event="MaxRegistrationsPerBlockSet"),
    _g(28, "sudo_set_subnet_owner_cut", _U16("subnet_owner_cut"), "SubnetOwnerCut"),
    _g(29, "sudo_set_network_rate_limit", _U64("rate_limit"), "NetworkRateLimit"),
    _n(30, "sudo_set_tempo", _U16("tempo"), "Tempo", window=True),
    _g(35, "sudo_set_network_immunity_period", _U64("immunity_period"), "NetworkImmunityPeriod"),
    _g(36, "sudo_set_network_min_lock_cost", _TAO("lock_cost"), "NetworkMinLockCost"),
    _g(37, "sudo_set_subnet_limit", _U16("max_subnets"), "SubnetLimit"),
    _g(38, "sudo_set_lock_reduction_interval", _U64("interval"), "NetworkLockReductionInterval"),
    _n(39, "sudo_set_rao_recycled", _TAO("rao_recycled"), "RAORecycledForRegistration"),
    _g(42, "sudo_set_stake_threshold", _U64("min_stake"), "StakeThreshold"),
    _g(43, "sudo_set_nominator_min_required_stake", _U64("min_stake"), "NominatorMinRequiredStake"),
    _g(45, "sudo_set_tx_delegate_take_rate_limit", _U64("tx_rate_limit"), "TxDelegateTakeRateLimit",
       event="TxDelegateTakeRateLimitSet"),
    _g(46, "sudo_set_min_delegate_take", _U16("take"), "MinDelegateTake"),
    _n(93, "sudo_set_min_childkey_take_per_subnet", _U16("take"), "MinChildkeyTakePerSubnet", origin="owner",
       window=True, limit="MinChildkeyTake", check=_min_ck_take, event="MinChildKeyTakePerSubnetSet"),
    _n(49, "sudo_set_commit_reveal_weights_enabled", _BOOL("enabled"), "CommitRevealWeightsEnabled",
       origin="owner", window=True, limit="CommitRevealEnabled", event="CommitRevealEnabled"),
    _n(50, "sudo_set_liquid_alpha_enabled", _BOOL("enabled"), "LiquidAlphaOn", origin="owner", window=True,
       limit="LiquidAlphaEnabled"),
    _n(57, "sudo_set_commit_reveal_weights_interval", _U64("interval"), "RevealPeriodEpochs", origin="owner",
       window=True, limit="WeightCommitInterval", check=_reveal_period, event="CommitRevealPeriodsSet"),
    _n(61, "sudo_set_toggle_transfer", _BOOL("toggle"), "TransferToggle", origin="owner", window=True,
       limit="TransferEnabled"),
    _n(80, "sudo_set_recycle_or_burn", ("recycle_or_burn", RecycleOrBurnEnum, "pallet_subtensor::RecycleOrBurnEnum"),
       "RecycleOrBurn", origin="owner", window=True, limit="RecycleOrBurn"),
    _g(63, "sudo_set_subnet_moving_alpha", ("alpha", I96F32, "I96F32"), "SubnetMovingAlpha"),
    _n(65, "sudo_set_ema_price_halving_period", _U64("ema_halving"), "EMAPriceHalvingBlocks"),
    _n(68, "sudo_set_alpha_sigmoid_steepness", ("steepness", I16, "i16"), "AlphaSigmoidSteepness",
       origin="owner", window=True, limit="AlphaSigmoidSteepness", check=_steepness,
       event="AlphaSigmoidSteepnessSet"),
    _n(69, "sudo_set_yuma3_enabled", _BOOL("enabled"), "Yuma3On", origin="owner", window=True,
       limit="Yuma3Enabled", extra={"admin_event": "Yuma3EnableToggled"}),
    _n(70, "sudo_set_bonds_reset_enabled", _BOOL("enabled"), "BondsResetOn", origin="owner", window=True,
       limit="BondsResetEnabled", extra={"admin_event": "BondsResetToggled"}),
    _n(66, "sudo_set_subtoken_enabled", _BOOL("subtoken_enabled"), "SubtokenEnabled", window=True),
    _g(71, "sudo_set_commit_reveal_version", _U16("version"), "CommitRevealWeightsVersion",
       event="CommitRevealVersionSet"),
    _n(72, "sudo_set_owner_immune_neuron_limit", _U16("immune_neurons"), "ImmuneOwnerUidsLimit", origin="owner",
       window=True, limit="ImmuneNeuronLimit", check=_immune_limit),
    _g(73, "sudo_set_ck_burn", _U64("burn"), "CKBurn"),
    _g(74, "sudo_set_admin_freeze_window", _U16("window"), "AdminFreezeWindow"),
    _g(75, "sudo_set_owner_hparam_rate_limit", _U16("epochs"), "OwnerHyperparamRateLimit"),
    _n(76, "sudo_set_mechanism_count", ("mechanism_count", MechId, "MechId"), "MechanismCountCurrent",
       origin="owner", window=True, check=_mech_count),
    _n(79, "sudo_set_min_allowed_uids", _U16("min_allowed_uids"), "MinAllowedUids", window=True, check=_min_uids),
    _g(88, "sudo_set_max_mechanism_count", ("max_mechanism_count", MechId, "MechId"), "MaxMechanismCount"),
    _n(84, "sudo_set_min_non_immune_uids", _U16("min"), "MinNonImmuneUids"),
    _g(85, "sudo_set_start_call_delay", _U64("delay"), "StartCallDelay"),
    _n(89, "sudo_set_burn_half_life", _U16("burn_half_life"), "BurnHalfLife", origin="owner", window=True,
       limit="BurnHalfLife", check=_half_life, not_root_subnet=True, extra={"admin_event": "BurnHalfLifeSet"}),
    _n(90, "sudo_set_burn_increase_mult", ("burn_increase_mult", U64F64, "U64F64"), "BurnIncreaseMult",
       origin="owner", window=True, limit="BurnIncreaseMult", check=_mult, not_root_subnet=True,
       extra={"admin_event": "BurnIncreaseMultSet"}),
    _n(92, "sudo_set_owner_cut_enabled", _BOOL("enabled"), "OwnerCutEnabled", origin="owner", window=True,
       not_root_subnet=True),
    _n(95, "sudo_set_owner_cut_auto_lock_enabled", _BOOL("enabled"), "OwnerCutAutoLockEnabled", origin="owner",
       window=True, not_root_subnet=True),
    _n(94, "sudo_set_subnet_emission_enabled", _BOOL("enabled"), "SubnetEmissionEnabled", not_root_subnet=True,
       extra={"admin_event": "SubnetEmissionEnabledSet"}),
    _g(96, "sudo_set_max_epochs_per_block", ("max_epochs_per_block", U8, "u8"), "MaxEpochsPerBlock",
       check=_at_least_one, event="MaxEpochsPerBlockSet"),
]

_ADMIN_EVENT_FIELDS = {
    "Yuma3EnableToggled": "enabled", "BondsResetToggled": "enabled", "BurnHalfLifeSet": "burn_half_life",
    "BurnIncreaseMultSet": "burn_increase_mult", "SubnetEmissionEnabledSet": "enabled"}


def _make_setter(spec: Setter) -> Callable:
    per_subnet = spec.args[0][0] == "netuid"

    def setter(self, origin: Origin, **kw: Any) -> None:
        self.apply_setter(spec, origin, kw[spec.args[-1][0]], kw.get("netuid") if per_subnet else None)

    setter.__name__ = spec.name
    who = "subnet owner or root" if spec.origin == "owner" else "root"
    setter.__doc__ = f"Set SubtensorModule::{spec.item} ({who})."
    return call(spec.index, list(spec.args), weight=_SETTER_WEIGHTS[spec.name],
                dispatch_class="Operational" if spec.name in _OPERATIONAL else "Normal")(setter)


_Generated = type("_GeneratedSetters", (), {s.name: _make_setter(s) for s in SETTERS})


class AdminUtils(_Generated, Pallet):
    NAME, INDEX = "AdminUtils", 19
    DOCS = "Hyperparameter setters for subnets (owner or root) and chain-wide parameters (root)."

    PrecompileEnable = StorageMap("Blake2_128Concat", PrecompileEnum, Bool, default=True)

    EVENTS = [  # noqa: RUF012 - the framework's declaration style
        EventDef("PrecompileUpdated", [("precompile_id", PrecompileEnum, "PrecompileEnum"), ("enabled", Bool, "bool")],
                 "Event emitted when a precompile operation is updated."),
        EventDef("Yuma3EnableToggled", [("netuid", NetUid, "NetUid"), ("enabled", Bool, "bool")],
                 "Event emitted when the Yuma3 enable is toggled."),
        EventDef("BondsResetToggled", [("netuid", NetUid, "NetUid"), ("enabled", Bool, "bool")],
                 "Event emitted when Bonds Reset is toggled."),
        EventDef("BurnHalfLifeSet", [("netuid", NetUid, "NetUid"), ("burn_half_life", U16, "u16")],
                 "Event emitted when the burn half-life is set."),
        EventDef("BurnIncreaseMultSet", [("netuid", NetUid, "NetUid"), ("burn_increase_mult", U64F64, "U64F64")],
                 "Event emitted when the burn increase multiplier is set."),
        EventDef("SubnetEmissionEnabledSet", [("netuid", NetUid, "NetUid"), ("enabled", Bool, "bool")],
                 "Event emitted when subnet emission is enabled or disabled."),
    ]
    ERRORS = [  # noqa: RUF012 - the framework's declaration style
        ("SubnetDoesNotExist", "The subnet does not exist, check the netuid parameter"),
        ("MaxValidatorsLargerThanMaxUIds", "The maximum number of subnet validators must be less than the maximum number of allowed UIDs in the subnet."),
        ("MaxAllowedUIdsLessThanCurrentUIds", "The maximum number of subnet validators must be more than the current number of UIDs already in the subnet."),
        ("BondsMovingAverageMaxReached", "The maximum value for bonds moving average is reached"),
        ("NegativeSigmoidSteepness", "Only root can set negative sigmoid steepness values"),
        ("ValueNotInBounds", "Value not in allowed bounds."),
        ("MinAllowedUidsGreaterThanCurrentUids", "The minimum allowed UIDs must be less than the current number of UIDs in the subnet."),
        ("MinAllowedUidsGreaterThanMaxAllowedUids", "The minimum allowed UIDs must be less than the maximum allowed UIDs."),
        ("MaxAllowedUidsLessThanMinAllowedUids", "The maximum allowed UIDs must be greater than the minimum allowed UIDs."),
        ("MaxAllowedUidsGreaterThanDefaultMaxAllowedUids", "The maximum allowed UIDs must be less than the default maximum allowed UIDs."),
        ("InvalidValue", "Bad parameter value"),
        ("NotPermittedOnRootSubnet", "Operation is not permitted on the root network."),
        ("POWRegistrationDisabled", "POW Registration has been disabled"),
        ("Deprecated", "The extrinsic is deprecated"),
    ]

    @property
    def sm(self):
        return self.pallet("SubtensorModule")

    def apply_setter(self, spec: Setter, origin: Origin, value: Any, netuid: int | None) -> None:
        sm = self.sm
        limits = [spec.limit] if spec.limit else []
        if spec.origin == "owner":
            who = sm.ensure_sn_owner_or_root_with_limits(origin, netuid, limits)
        else:
            origin.ensure_root()
            who = None
        if spec.window:
            sm.ensure_admin_window_open(netuid)
        if netuid is not None and not sm.NetworksAdded.get(netuid):
            raise self.error("SubnetDoesNotExist")
        if spec.not_root_subnet and netuid == 0:
            raise self.error("NotPermittedOnRootSubnet")
        if spec.check is not None:
            err = spec.check(sm, who is None, netuid, value)
            if err:
                raise sm.error(err[3:]) if err.startswith("sm:") else self.error(err)
        item = getattr(sm, spec.item)
        if netuid is None:
            item.set(value)
        else:
            item.set(netuid, value)
        if spec.item == "Tempo":
            sm.LastEpochBlock.set(netuid, self.block_number)
        sm.record_owner_rl(who, netuid, limits)
        if spec.event:
            sm.deposit_event(spec.event, (netuid, value) if netuid is not None else value)
        admin_event = spec.extra.get("admin_event")
        if admin_event:
            self.deposit_event(admin_event, {"netuid": netuid, _ADMIN_EVENT_FIELDS[admin_event]: value})

    # --- the setters with their own shapes -----------------------------------------------------
    @call(20, [NETUID, ("registration_allowed", Bool, "bool")], weight=Weight.db(14_000_000, reads=0, writes=1, proof_size=0))
    def sudo_set_network_pow_registration_allowed(self, origin, netuid, registration_allowed):
        """PoW registration no longer exists: always POWRegistrationDisabled."""
        raise self.error("POWRegistrationDisabled")

    @call(33, [("total_issuance", TaoBalance, "TaoBalance")], weight=Weight(5_931_000, 0))
    def sudo_set_total_issuance(self, origin, total_issuance):
        """Deprecated."""
        origin.ensure_root()
        raise self.error("Deprecated")

    @call(51, [NETUID, ("alpha_low", U16, "u16"), ("alpha_high", U16, "u16")], weight=Weight.db(34_224_000, reads=5, writes=1, proof_size=4427))
    def sudo_set_alpha_values(self, origin, netuid, alpha_low, alpha_high):
        """Liquid-alpha bounds (owner or root; liquid alpha on; 1638 ≤ low ≤ high, high ≥ 1638)."""
        sm = self.sm
        who = sm.ensure_sn_owner_or_root_with_limits(origin, netuid, ["AlphaValues"])
        sm.ensure_admin_window_open(netuid)
        if not sm.LiquidAlphaOn.get(netuid):
            raise sm.error("LiquidAlphaDisabled")
        min_alpha = 0xFFFF // 40
        if alpha_high < min_alpha:
            raise sm.error("AlphaHighTooLow")
        if not min_alpha <= alpha_low <= alpha_high:
            raise sm.error("AlphaLowOutOfRange")
        sm.AlphaValues.set(netuid, (alpha_low, alpha_high))
        sm.record_owner_rl(who, netuid, ["AlphaValues"])

    @call(64, [NETUID, ("hotkey", AccountId, "T::AccountId")], weight=Weight.db(3_918_000, reads=0, writes=1, proof_size=0))
    def sudo_set_subnet_owner_hotkey(self, origin, netuid, hotkey):
        """Set the subnet owner's hotkey (owner or root; owners once per 50_400 blocks)."""
        self._set_owner_hotkey(origin, netuid, hotkey)

    @call(67, [NETUID, ("hotkey", AccountId, "T::AccountId")], weight=Weight.db(25_687_000, reads=2, writes=2, proof_size=4177))
    def sudo_set_sn_owner_hotkey(self, origin, netuid, hotkey):
        """Same as sudo_set_subnet_owner_hotkey."""
        self._set_owner_hotkey(origin, netuid, hotkey)

    def _set_owner_hotkey(self, origin, netuid, hotkey) -> None:
        sm = self.sm
        who = sm.ensure_subnet_owner_or_root(origin, netuid)
        key = {"SetSNOwnerHotkey": netuid}
        if who is not None:
            last = sm.LastRateLimitedBlock.get(key)
            if last != 0 and self.block_number - last < 50_400:
                raise sm.error("TxRateLimitExceeded")
        if not sm.NetworksAdded.get(netuid):
            raise sm.error("SubnetNotExists")
        sm.SubnetOwnerHotkey.set(netuid, hotkey)
        if who is not None:
            sm.LastRateLimitedBlock.set(key, self.block_number)

    @call(77, [NETUID, ("maybe_split", Option(Vec(U16)), "Option<Vec<u16>>")], weight=Weight.db(15_000_000, reads=1, writes=1, proof_size=0))
    def sudo_set_mechanism_emission_split(self, origin, netuid, maybe_split):
        """Emission split between mechanisms (u16 parts summing to 65535), or None for even."""
        sm = self.sm
        sm.ensure_sn_owner_or_root_with_limits(origin, netuid, [])
        sm.ensure_admin_window_open(netuid)
        if maybe_split is not None and (sum(maybe_split) != 0xFFFF
                                        or len(maybe_split) != sm.MechanismCountCurrent.get(netuid)):
            raise sm.error("InvalidValue")
        if maybe_split is None:
            sm.MechanismEmissionSplit.remove(netuid)
        else:
            sm.MechanismEmissionSplit.set(netuid, list(maybe_split))

    @call(62, [("precompile_id", PrecompileEnum, "PrecompileEnum"), ("enabled", Bool, "bool")], weight=Weight.db(6_162_000, reads=1, writes=0, proof_size=3507))
    def sudo_toggle_evm_precompile(self, origin, precompile_id, enabled):
        """Recorded only (no EVM here)."""
        origin.ensure_root()
        if self.PrecompileEnable.get(precompile_id) != enabled:
            self.PrecompileEnable.set(precompile_id, enabled)
            self.deposit_event("PrecompileUpdated", {"precompile_id": precompile_id, "enabled": enabled})

