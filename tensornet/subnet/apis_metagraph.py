"""SubnetInfoRuntimeApi.get_metagraph / get_all_metagraphs: the whole subnet in one call, with the
``Metagraph`` layout of ``rpc_info/metagraph.rs`` at HEAD (the SDK's ``metagraph()`` decodes it).

Deprecated fields keep their HEAD values: subnet_emission 0, pending_root_emission 0, pruning_score
/ trust / rank empty, tao dividends 0; per-uid stakes are the epoch's stake weights.
"""
from __future__ import annotations

from tensornet.primitives.scale import (
    I96F32,
    U8,
    U16,
    U64,
    U128,
    AccountId,
    Bool,
    Compact,
    Option,
    Struct,
    Tuple,
    Vec,
)
from tensornet.runtime.apis import ApiMethod

from .apis_subnet_info import activity_cutoff_blocks
from .registration import mech_index
from .types import (
    AlphaBalance,
    AxonInfo,
    ChainIdentityV2,
    MechId,
    NetUid,
    SubnetIdentityV3,
    TaoBalance,
)

_C16, _C64 = Compact(U16), Compact(U64)
_CA, _CT = Compact(AlphaBalance), Compact(TaoBalance)


def _f(name, t):
    return (name, t, t.type_name)


Metagraph = Struct("pallet_subtensor::rpc_info::metagraph::Metagraph", [
    _f("netuid", Compact(NetUid)), _f("name", Vec(Compact(U8))), _f("symbol", Vec(Compact(U8))),
    _f("identity", Option(SubnetIdentityV3)), _f("network_registered_at", _C64),
    _f("owner_hotkey", AccountId), _f("owner_coldkey", AccountId),
    _f("block", _C64), _f("tempo", _C16), _f("last_step", _C64), _f("blocks_since_last_step", _C64),
    _f("subnet_emission", _C64), _f("alpha_in", _CA), _f("alpha_out", _CA), _f("tao_in", _CT),
    _f("alpha_out_emission", _CA), _f("alpha_in_emission", _CA), _f("tao_in_emission", _CT),
    _f("pending_alpha_emission", _CA), _f("pending_root_emission", _CT), _f("subnet_volume", Compact(U128)),
    _f("moving_price", I96F32), _f("rho", _C16), _f("kappa", _C16), _f("min_allowed_weights", _C16),
    _f("max_weights_limit", _C16), _f("weights_version", _C64), _f("weights_rate_limit", _C64),
    _f("activity_cutoff", _C64), _f("max_validators", _C16), _f("num_uids", _C16), _f("max_uids", _C16),
    _f("burn", _CT), _f("difficulty", _C64), _f("registration_allowed", Bool), _f("pow_registration_allowed", Bool),
    _f("immunity_period", _C16), _f("min_difficulty", _C64), _f("max_difficulty", _C64), _f("min_burn", _CT),
    _f("max_burn", _CT), _f("adjustment_alpha", _C64), _f("adjustment_interval", _C16),
    _f("target_regs_per_interval", _C16), _f("max_regs_per_block", _C16), _f("serving_rate_limit", _C64),
    _f("commit_reveal_weights_enabled", Bool), _f("commit_reveal_period", _C64), _f("liquid_alpha_enabled", Bool),
    _f("alpha_high", _C16), _f("alpha_low", _C16), _f("bonds_moving_avg", _C64),
    _f("hotkeys", Vec(AccountId)), _f("coldkeys", Vec(AccountId)), _f("identities", Vec(Option(ChainIdentityV2))),
    _f("axons", Vec(AxonInfo)), _f("active", Vec(Bool)), _f("validator_permit", Vec(Bool)),
    _f("pruning_score", Vec(_C16)), _f("last_update", Vec(_C64)), _f("emission", Vec(_CA)),
    _f("dividends", Vec(_C16)), _f("incentives", Vec(_C16)), _f("consensus", Vec(_C16)), _f("trust", Vec(_C16)),
    _f("rank", Vec(_C16)), _f("block_at_registration", Vec(_C64)), _f("alpha_stake", Vec(_CA)),
    _f("tao_stake", Vec(_CT)), _f("total_stake", Vec(_CT)),
    _f("tao_dividends_per_hotkey", Vec(Tuple(AccountId, _CT))),
    _f("alpha_dividends_per_hotkey", Vec(Tuple(AccountId, _CA)))], params=(("AccountId", AccountId),))

_EMPTY_AXON = {"block": 0, "version": 0, "ip": 0, "port": 0, "ip_type": 0, "protocol": 0, "placeholder1": 0,
               "placeholder2": 0}


def metagraph(sm, netuid: int) -> dict | None:
    if not sm.NetworksAdded.get(netuid):
        return None
    n = sm.SubnetworkN.get(netuid)
    hotkeys = [sm.Keys.get(netuid, uid) for uid in range(n)]
    coldkeys = [sm.Owner.get(h) for h in hotkeys]
    sw = sm.stake_weights_for_network(netuid, hotkeys)
    block = sm.block_number
    last_step = sm.LastMechansimStepBlock.get(netuid)
    alpha_low, alpha_high = sm.AlphaValues.get(netuid)
    return {
        "netuid": netuid, "name": list(sm.get_name_for_subnet(netuid)), "symbol": list(sm.TokenSymbol.get(netuid)),
        "identity": sm.SubnetIdentitiesV3.try_get(netuid), "network_registered_at": sm.NetworkRegisteredAt.get(netuid),
        "owner_hotkey": sm.SubnetOwnerHotkey.get(netuid), "owner_coldkey": sm.SubnetOwner.get(netuid),
        "block": block, "tempo": sm.Tempo.get(netuid), "last_step": last_step,
        "blocks_since_last_step": max(block - last_step, 0), "subnet_emission": 0,
        "alpha_in": sm.SubnetAlphaIn.get(netuid), "alpha_out": sm.SubnetAlphaOut.get(netuid),
        "tao_in": sm.SubnetTAO.get(netuid), "alpha_out_emission": sm.SubnetAlphaOutEmission.get(netuid),
        "alpha_in_emission": sm.SubnetAlphaInEmission.get(netuid), "tao_in_emission": sm.SubnetTaoInEmission.get(netuid),
        "pending_alpha_emission": sm.PendingValidatorEmission.get(netuid) + sm.PendingServerEmission.get(netuid),
        "pending_root_emission": 0, "subnet_volume": sm.SubnetVolume.get(netuid),
        "moving_price": sm.SubnetMovingPrice.get(netuid), "rho": sm.Rho.get(netuid), "kappa": sm.Kappa.get(netuid),
        "min_allowed_weights": sm.MinAllowedWeights.get(netuid), "max_weights_limit": sm.MaxWeightsLimit.get(netuid),
        "weights_version": sm.WeightsVersionKey.get(netuid), "weights_rate_limit": sm.WeightsSetRateLimit.get(netuid),
        "activity_cutoff": activity_cutoff_blocks(sm, netuid), "max_validators": sm.MaxAllowedValidators.get(netuid),
        "num_uids": n, "max_uids": sm.MaxAllowedUids.get(netuid), "burn": sm.Burn.get(netuid),
        "difficulty": sm.Difficulty.get(netuid), "registration_allowed": sm.NetworkRegistrationAllowed.get(netuid),
        "pow_registration_allowed": sm.NetworkPowRegistrationAllowed.get(netuid),
        "immunity_period": sm.ImmunityPeriod.get(netuid), "min_difficulty": sm.MinDifficulty.get(netuid),
        "max_difficulty": sm.MaxDifficulty.get(netuid), "min_burn": sm.MinBurn.get(netuid),
        "max_burn": sm.MaxBurn.get(netuid), "adjustment_alpha": sm.AdjustmentAlpha.get(netuid),
        "adjustment_interval": sm.AdjustmentInterval.get(netuid),
        "target_regs_per_interval": sm.TargetRegistrationsPerInterval.get(netuid),
        "max_regs_per_block": sm.MaxRegistrationsPerBlock.get(netuid),
        "serving_rate_limit": sm.ServingRateLimit.get(netuid),
        "commit_reveal_weights_enabled": sm.CommitRevealWeightsEnabled.get(netuid),
        "commit_reveal_period": sm.RevealPeriodEpochs.get(netuid), "liquid_alpha_enabled": sm.LiquidAlphaOn.get(netuid),
        "alpha_high": alpha_high, "alpha_low": alpha_low, "bonds_moving_avg": sm.BondsMovingAverage.get(netuid),
        "hotkeys": hotkeys, "coldkeys": coldkeys, "identities": [sm.IdentitiesV2.try_get(c) for c in coldkeys],
        "axons": [sm.Axons.try_get(netuid, h) or _EMPTY_AXON for h in hotkeys],
        "active": list(sm.Active.get(netuid)), "validator_permit": list(sm.ValidatorPermit.get(netuid)),
        "pruning_score": [], "last_update": list(sm.LastUpdate.get(netuid)),
        "emission": list(sm.Emission.get(netuid) or []), "dividends": list(sm.Dividends.get(netuid)),
        "incentives": list(sm.Incentive.get(netuid)), "consensus": list(sm.Consensus.get(netuid)),
        "trust": [], "rank": [],
        "block_at_registration": [sm.BlockAtRegistration.get(netuid, u) for u in range(n)],
        "alpha_stake": sw.alpha, "tao_stake": sw.tao, "total_stake": [int(v) for v in sw.stake],
        "tao_dividends_per_hotkey": [(h, 0) for h in hotkeys],
        "alpha_dividends_per_hotkey": [(h, sm.AlphaDividendsPerSubnet.get(netuid, h)) for h in hotkeys]}


def mechagraph(sm, netuid: int, mecid: int) -> dict | None:
    """``get_mechagraph``: the subnet's metagraph with the mechanism's own storage index as netuid and its
    own LastUpdate / Incentive rows (btcli 9.x ``subnets show`` / ``subnets metagraph`` ask for mecid 0)."""
    if not sm.mechanism_exists(netuid, mecid):
        return None
    meta = metagraph(sm, netuid)
    if meta is None:
        return None
    idx = mech_index(netuid, mecid)
    meta["netuid"] = idx
    meta["last_update"] = list(sm.LastUpdate.get(idx))
    meta["incentives"] = list(sm.Incentive.get(idx))
    return meta


def _sm(ctx):
    return ctx.runtime.pallets["SubtensorModule"]


def _all_mechagraphs(sm) -> list:
    return [mechagraph(sm, netuid, mecid) for netuid in sm.get_all_subnet_netuids()
            for mecid in range(sm.MechanismCountCurrent.get(netuid))]


def metagraph_methods() -> list[ApiMethod]:
    return [
        ApiMethod("get_all_metagraphs", [], Vec(Option(Metagraph)),
                  lambda ctx: [metagraph(_sm(ctx), n) for n in sorted(
                      m for (m,), added in _sm(ctx).NetworksAdded.iter() if added)]),
        ApiMethod("get_metagraph", [("netuid", NetUid)], Option(Metagraph),
                  lambda ctx, netuid: metagraph(_sm(ctx), netuid)),
        ApiMethod("get_all_mechagraphs", [], Vec(Option(Metagraph)), lambda ctx: _all_mechagraphs(_sm(ctx))),
        ApiMethod("get_mechagraph", [("netuid", NetUid), ("mecid", MechId)], Option(Metagraph),
                  lambda ctx, netuid, mecid: mechagraph(_sm(ctx), netuid, mecid)),
    ]
