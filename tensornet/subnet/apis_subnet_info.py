"""SubnetInfoRuntimeApi methods of the incentive engine: get_subnet_info(_v2), get_subnets_info(_v2),
get_subnet_hyperparams / _v2 / _v3, get_subnet_state, get_next_epoch_start_block,
get_subnet_account_id, get_coldkey_auto_stake_hotkey; layouts of ``rpc_info/subnet_info.rs`` and
``show_subnet.rs`` at HEAD (spec §8). ``subnet_info_methods()`` returns them for the one
SubnetInfoRuntimeApi declaration (which also carries the dTAO methods).
"""
from __future__ import annotations

from tensornet.primitives.scale import (
    I32F32,
    U16,
    U32,
    U64,
    U64F64,
    U128,
    AccountId,
    Array,
    Bool,
    Bytes,
    Compact,
    Enum,
    Option,
    Struct,
    Vec,
)
from tensornet.runtime.apis import ApiMethod

from .types import AlphaBalance, NetUid, SubnetIdentityV3, TaoBalance

_PATH = "pallet_subtensor::rpc_info::subnet_info"
_C16, _C64 = Compact(U16), Compact(U64)


def _c(name: str, t=None, tn: str | None = None):
    t = t or _C16
    return (name, t, tn or t.type_name)


_INFO_FIELDS = [
    _c("netuid", Compact(NetUid)), _c("rho"), _c("kappa"), _c("difficulty", _C64), _c("immunity_period"),
    _c("max_allowed_validators"), _c("min_allowed_weights"), _c("max_weights_limit"), _c("scaling_law_power"),
    _c("subnetwork_n"), _c("max_allowed_uids"), _c("blocks_since_last_step", _C64), _c("tempo"),
    _c("network_modality"), ("network_connect", Vec(Array(U16, 2)), "Vec<[u16; 2]>")]
_PARAMS = (("AccountId", AccountId),)
SubnetInfo = Struct(f"{_PATH}::SubnetInfo", _INFO_FIELDS + [
    _c("emission_values", _C64), _c("burn", Compact(TaoBalance)), ("owner", AccountId, "AccountId")], params=_PARAMS)
SubnetInfov2 = Struct(f"{_PATH}::SubnetInfov2", _INFO_FIELDS + [
    _c("emission_value", _C64), _c("burn", Compact(TaoBalance)), ("owner", AccountId, "AccountId"),
    ("identity", Option(SubnetIdentityV3), "Option<SubnetIdentityV3>")], params=_PARAMS)

_HP_V1 = [
    _c("rho"), _c("kappa"), _c("immunity_period"), _c("min_allowed_weights"), _c("max_weights_limit"), _c("tempo"),
    _c("min_difficulty", _C64), _c("max_difficulty", _C64), _c("weights_version", _C64),
    _c("weights_rate_limit", _C64), _c("adjustment_interval"), _c("activity_cutoff", _C64),
    ("registration_allowed", Bool, "bool"), _c("target_regs_per_interval"), _c("min_burn", Compact(TaoBalance)),
    _c("max_burn", Compact(TaoBalance)), _c("bonds_moving_avg", _C64), _c("max_regs_per_block"),
    _c("serving_rate_limit", _C64), _c("max_validators"), _c("adjustment_alpha", _C64), _c("difficulty", _C64),
    _c("commit_reveal_period", _C64), ("commit_reveal_weights_enabled", Bool, "bool"), _c("alpha_high"),
    _c("alpha_low"), ("liquid_alpha_enabled", Bool, "bool")]
SubnetHyperparams = Struct(f"{_PATH}::SubnetHyperparams", _HP_V1)
SubnetHyperparamsV2 = Struct(f"{_PATH}::SubnetHyperparamsV2", _HP_V1 + [
    ("alpha_sigmoid_steepness", I32F32, "I32F32"), _c("yuma_version"), ("subnet_is_active", Bool, "bool"),
    ("transfers_enabled", Bool, "bool"), ("bonds_reset_enabled", Bool, "bool"),
    ("user_liquidity_enabled", Bool, "bool")])
HyperparamValue = Enum(f"{_PATH}::HyperparamValue", [
    ("Bool", [(None, Bool, "bool")]), ("U16", [(None, _C16, "Compact<u16>")]),
    ("U32", [(None, Compact(U32), "Compact<u32>")]), ("U64", [(None, _C64, "Compact<u64>")]),
    ("U128", [(None, Compact(U128), "Compact<u128>")]),
    ("TaoBalance", [(None, Compact(TaoBalance), "Compact<TaoBalance>")]),
    ("I32F32", [(None, I32F32, "I32F32")]), ("U64F64", [(None, U64F64, "U64F64")])])
HyperparamEntry = Struct(f"{_PATH}::HyperparamEntry", [("name", Bytes, "Vec<u8>"),
                                                       ("value", HyperparamValue, "HyperparamValue")])

_STATE_PATH = "pallet_subtensor::rpc_info::show_subnet::SubnetState"
_VEC_CA = Vec(Compact(AlphaBalance))
SubnetState = Struct(_STATE_PATH, [
    _c("netuid", Compact(NetUid)), ("hotkeys", Vec(AccountId), "Vec<AccountId>"),
    ("coldkeys", Vec(AccountId), "Vec<AccountId>"), ("active", Vec(Bool), "Vec<bool>"),
    ("validator_permit", Vec(Bool), "Vec<bool>"), ("pruning_score", Vec(_C16), "Vec<Compact<u16>>"),
    ("last_update", Vec(_C64), "Vec<Compact<u64>>"), ("emission", _VEC_CA, "Vec<Compact<AlphaBalance>>"),
    ("dividends", Vec(_C16), "Vec<Compact<u16>>"), ("incentives", Vec(_C16), "Vec<Compact<u16>>"),
    ("consensus", Vec(_C16), "Vec<Compact<u16>>"), ("trust", Vec(_C16), "Vec<Compact<u16>>"),
    ("rank", Vec(_C16), "Vec<Compact<u16>>"), ("block_at_registration", Vec(_C64), "Vec<Compact<u64>>"),
    ("alpha_stake", _VEC_CA, "Vec<Compact<AlphaBalance>>"), ("tao_stake", Vec(Compact(TaoBalance)), "Vec<Compact<TaoBalance>>"),
    ("total_stake", Vec(Compact(TaoBalance)), "Vec<Compact<TaoBalance>>"),
    ("emission_history", Vec(_VEC_CA), "Vec<Vec<Compact<AlphaBalance>>>")], params=_PARAMS)


def _exists(sm, netuid: int) -> bool:
    return bool(sm.NetworksAdded.get(netuid))


def subnet_info(sm, netuid: int, v2: bool) -> dict | None:
    if not _exists(sm, netuid):
        return None
    info = {
        "netuid": netuid, "rho": sm.Rho.get(netuid), "kappa": sm.Kappa.get(netuid),
        "difficulty": sm.Difficulty.get(netuid), "immunity_period": sm.ImmunityPeriod.get(netuid),
        "max_allowed_validators": sm.MaxAllowedValidators.get(netuid),
        "min_allowed_weights": sm.MinAllowedWeights.get(netuid), "max_weights_limit": sm.MaxWeightsLimit.get(netuid),
        "scaling_law_power": sm.ScalingLawPower.get(netuid), "subnetwork_n": sm.SubnetworkN.get(netuid),
        "max_allowed_uids": sm.MaxAllowedUids.get(netuid), "blocks_since_last_step": sm.BlocksSinceLastStep.get(netuid),
        "tempo": sm.Tempo.get(netuid), "network_modality": 0, "network_connect": [],
        "burn": sm.Burn.get(netuid), "owner": sm.SubnetOwner.get(netuid)}
    if v2:
        info["emission_value"] = 0
        info["identity"] = sm.SubnetIdentitiesV3.try_get(netuid)
    else:
        info["emission_values"] = 0
    return info


def activity_cutoff_blocks(sm, netuid: int) -> int:
    return max(sm.ActivityCutoffFactorMilli.get(netuid) * sm.Tempo.get(netuid) // 1000, 1)


def hyperparams(sm, netuid: int, v2: bool) -> dict | None:
    if not _exists(sm, netuid):
        return None
    alpha_low, alpha_high = sm.AlphaValues.get(netuid)
    hp = {
        "rho": sm.Rho.get(netuid), "kappa": sm.Kappa.get(netuid), "immunity_period": sm.ImmunityPeriod.get(netuid),
        "min_allowed_weights": sm.MinAllowedWeights.get(netuid), "max_weights_limit": sm.MaxWeightsLimit.get(netuid),
        "tempo": sm.Tempo.get(netuid), "min_difficulty": sm.MinDifficulty.get(netuid),
        "max_difficulty": sm.MaxDifficulty.get(netuid), "weights_version": sm.WeightsVersionKey.get(netuid),
        "weights_rate_limit": sm.WeightsSetRateLimit.get(netuid),
        "adjustment_interval": sm.AdjustmentInterval.get(netuid), "activity_cutoff": activity_cutoff_blocks(sm, netuid),
        "registration_allowed": sm.NetworkRegistrationAllowed.get(netuid),
        "target_regs_per_interval": sm.TargetRegistrationsPerInterval.get(netuid), "min_burn": sm.MinBurn.get(netuid),
        "max_burn": sm.MaxBurn.get(netuid), "bonds_moving_avg": sm.BondsMovingAverage.get(netuid),
        "max_regs_per_block": sm.MaxRegistrationsPerBlock.get(netuid),
        "serving_rate_limit": sm.ServingRateLimit.get(netuid), "max_validators": sm.MaxAllowedValidators.get(netuid),
        "adjustment_alpha": sm.AdjustmentAlpha.get(netuid), "difficulty": sm.Difficulty.get(netuid),
        "commit_reveal_period": sm.RevealPeriodEpochs.get(netuid),
        "commit_reveal_weights_enabled": sm.CommitRevealWeightsEnabled.get(netuid),
        "alpha_high": alpha_high, "alpha_low": alpha_low, "liquid_alpha_enabled": sm.LiquidAlphaOn.get(netuid)}
    if v2:
        hp.update({
            "alpha_sigmoid_steepness": sm.AlphaSigmoidSteepness.get(netuid) << 32,
            "yuma_version": 3 if sm.Yuma3On.get(netuid) else 2, "subnet_is_active": sm.SubtokenEnabled.get(netuid),
            "transfers_enabled": sm.TransferToggle.get(netuid), "bonds_reset_enabled": sm.BondsResetOn.get(netuid),
            "user_liquidity_enabled": False})
    return hp


def hyperparams_v3(sm, netuid: int) -> list[dict] | None:
    """The self-describing list, in the chain's order and with its value kinds."""
    hp = hyperparams(sm, netuid, True)
    if hp is None:
        return None
    min_ck = max(sm.MinChildkeyTake.get(), sm.MinChildkeyTakePerSubnet.get(netuid))
    entries = [
        ("kappa", "U16", hp["kappa"]), ("immunity_period", "U16", hp["immunity_period"]),
        ("min_allowed_weights", "U16", hp["min_allowed_weights"]),
        ("max_weights_limit", "U16", hp["max_weights_limit"]), ("tempo", "U16", hp["tempo"]),
        ("weights_version", "U64", hp["weights_version"]), ("weights_rate_limit", "U64", hp["weights_rate_limit"]),
        ("activity_cutoff", "U64", hp["activity_cutoff"]),
        ("activity_cutoff_factor", "U32", sm.ActivityCutoffFactorMilli.get(netuid)),
        ("registration_allowed", "Bool", hp["registration_allowed"]),
        ("target_regs_per_interval", "U16", hp["target_regs_per_interval"]),
        ("min_burn", "TaoBalance", hp["min_burn"]), ("max_burn", "TaoBalance", hp["max_burn"]),
        ("burn_half_life", "U16", sm.BurnHalfLife.get(netuid)),
        ("burn_increase_mult", "U64F64", sm.BurnIncreaseMult.get(netuid)),
        ("bonds_moving_avg", "U64", hp["bonds_moving_avg"]), ("max_regs_per_block", "U16", hp["max_regs_per_block"]),
        ("serving_rate_limit", "U64", hp["serving_rate_limit"]), ("max_validators", "U16", hp["max_validators"]),
        ("commit_reveal_period", "U64", hp["commit_reveal_period"]),
        ("commit_reveal_weights_enabled", "Bool", hp["commit_reveal_weights_enabled"]),
        ("alpha_high", "U16", hp["alpha_high"]), ("alpha_low", "U16", hp["alpha_low"]),
        ("liquid_alpha_enabled", "Bool", hp["liquid_alpha_enabled"]),
        ("alpha_sigmoid_steepness", "I32F32", hp["alpha_sigmoid_steepness"]),
        ("yuma_version", "U16", hp["yuma_version"]), ("subnet_is_active", "Bool", hp["subnet_is_active"]),
        ("transfers_enabled", "Bool", hp["transfers_enabled"]),
        ("bonds_reset_enabled", "Bool", hp["bonds_reset_enabled"]), ("user_liquidity_enabled", "Bool", False),
        ("owner_cut_enabled", "Bool", sm.OwnerCutEnabled.get(netuid)),
        ("owner_cut_auto_lock_enabled", "Bool", sm.OwnerCutAutoLockEnabled.get(netuid)),
        ("min_childkey_take", "U16", min_ck)]
    return [{"name": name.encode(), "value": {kind: value}} for name, kind, value in entries]


def subnet_state(sm, netuid: int) -> dict | None:
    """``get_subnet_state``: raw per-uid vectors, stake weights and the last emission per subnet."""
    if not _exists(sm, netuid):
        return None
    n = sm.SubnetworkN.get(netuid)
    hotkeys = [sm.Keys.get(netuid, uid) for uid in range(n)]
    sw = sm.stake_weights_for_network(netuid, hotkeys)
    netuids = sorted(m for (m,), added in sm.NetworksAdded.iter() if added)
    return {
        "netuid": netuid, "hotkeys": hotkeys, "coldkeys": [sm.Owner.get(h) for h in hotkeys],
        "active": list(sm.Active.get(netuid)), "validator_permit": list(sm.ValidatorPermit.get(netuid)),
        "pruning_score": [], "last_update": list(sm.LastUpdate.get(netuid)), "emission": list(sm.Emission.get(netuid) or []),
        "dividends": list(sm.Dividends.get(netuid)), "incentives": list(sm.Incentive.get(netuid)),
        "consensus": list(sm.Consensus.get(netuid)), "trust": [], "rank": [],
        "block_at_registration": [sm.BlockAtRegistration.get(netuid, u) for u in range(n)],
        "alpha_stake": sw.alpha, "tao_stake": sw.tao, "total_stake": [int(v) for v in sw.stake],
        "emission_history": [[sm.LastHotkeyEmissionOnNetuid.get(h, m) for h in hotkeys] for m in netuids]}


def _at(vec, i, default=0):
    return vec[i] if i < len(vec) else default


def _sm(ctx):
    return ctx.runtime.pallets["SubtensorModule"]


def _netuids(sm) -> list[int]:
    top = max((n for (n,), added in sm.NetworksAdded.iter() if added), default=-1)
    return list(range(top + 1))


def subnet_info_methods() -> list[ApiMethod]:
    """The incentive engine's SubnetInfoRuntimeApi methods (merged into one API declaration)."""
    N = [("netuid", NetUid)]
    return [
        ApiMethod("get_subnet_info", N, Option(SubnetInfo), lambda ctx, netuid: subnet_info(_sm(ctx), netuid, False)),
        ApiMethod("get_subnets_info", [], Vec(Option(SubnetInfo)),
                  lambda ctx: [subnet_info(_sm(ctx), n, False) for n in _netuids(_sm(ctx))]),
        ApiMethod("get_subnet_info_v2", N, Option(SubnetInfov2),
                  lambda ctx, netuid: subnet_info(_sm(ctx), netuid, True)),
        ApiMethod("get_subnets_info_v2", [], Vec(Option(SubnetInfov2)),
                  lambda ctx: [subnet_info(_sm(ctx), n, True) for n in _netuids(_sm(ctx))]),
        ApiMethod("get_subnet_hyperparams", N, Option(SubnetHyperparams),
                  lambda ctx, netuid: hyperparams(_sm(ctx), netuid, False)),
        ApiMethod("get_subnet_hyperparams_v2", N, Option(SubnetHyperparamsV2),
                  lambda ctx, netuid: hyperparams(_sm(ctx), netuid, True)),
        ApiMethod("get_subnet_hyperparams_v3", N, Option(Vec(HyperparamEntry)),
                  lambda ctx, netuid: hyperparams_v3(_sm(ctx), netuid)),
        ApiMethod("get_subnet_state", N, Option(SubnetState), lambda ctx, netuid: subnet_state(_sm(ctx), netuid)),
        ApiMethod("get_coldkey_auto_stake_hotkey", [("coldkey", AccountId), ("netuid", NetUid)], Option(AccountId),
                  lambda ctx, coldkey, netuid: _sm(ctx).AutoStakeDestination.try_get(coldkey, netuid)),
        ApiMethod("get_subnet_account_id", N, Option(AccountId),
                  lambda ctx, netuid: _sm(ctx).get_subnet_account_id(netuid)),
        ApiMethod("get_next_epoch_start_block", N, Option(U64),
                  lambda ctx, netuid: _sm(ctx).next_epoch_start_block(netuid)),
    ]


def incentive_apis(extra_subnet_info_methods=()) -> list:
    """NeuronInfo, DelegateInfo and SubnetInfo runtime APIs; the dTAO methods of
    SubnetInfoRuntimeApi (dynamic info, metagraphs from other modules) join through
    ``extra_subnet_info_methods`` so the API is declared once."""
    from tensornet.runtime.apis import RuntimeApi

    from .apis_delegate import delegate_info_api
    from .apis_metagraph import metagraph_methods
    from .apis_neuron import neuron_info_api

    methods = subnet_info_methods() + metagraph_methods() + list(extra_subnet_info_methods)
    return [neuron_info_api(), delegate_info_api(), RuntimeApi("SubnetInfoRuntimeApi", 2, methods)]
