"""NeuronInfoRuntimeApi: get_neurons / get_neuron / get_neurons_lite / get_neuron_lite with the
SCALE layouts of ``rpc_info/neuron_info.rs`` at HEAD (spec §8).

At HEAD ``stake`` is one entry (owner coldkey, TotalHotkeyAlpha on the subnet), rank and trust are
0 and pruning_score is 65535 (those vectors were removed in v3.4.0); zero weights and bonds are
left out of the lists, as the chain does.
"""
from __future__ import annotations

from tensornet.primitives.scale import (
    U16,
    U64,
    AccountId,
    Bool,
    Compact,
    Option,
    Struct,
    Tuple,
    Vec,
)
from tensornet.runtime.apis import ApiMethod, RuntimeApi

from .types import AlphaBalance, AxonInfo, NetUid, PrometheusInfo

_PATH = "pallet_subtensor::rpc_info::neuron_info"
_PAIRS = Vec(Tuple(Compact(U16), Compact(U16)))
_HEAD = [("hotkey", AccountId, "AccountId"), ("coldkey", AccountId, "AccountId"), ("uid", Compact(U16), "Compact<u16>"),
         ("netuid", Compact(NetUid), "Compact<NetUid>"), ("active", Bool, "bool"), ("axon_info", AxonInfo, "AxonInfo"),
         ("prometheus_info", PrometheusInfo, "PrometheusInfo"),
         ("stake", Vec(Tuple(AccountId, Compact(AlphaBalance))), "Vec<(AccountId, Compact<AlphaBalance>)>"),
         ("rank", Compact(U16), "Compact<u16>"), ("emission", Compact(AlphaBalance), "Compact<AlphaBalance>"),
         ("incentive", Compact(U16), "Compact<u16>"), ("consensus", Compact(U16), "Compact<u16>"),
         ("trust", Compact(U16), "Compact<u16>"), ("validator_trust", Compact(U16), "Compact<u16>"),
         ("dividends", Compact(U16), "Compact<u16>"), ("last_update", Compact(U64), "Compact<u64>"),
         ("validator_permit", Bool, "bool")]
_PRUNING = [("pruning_score", Compact(U16), "Compact<u16>")]
_PARAMS = (("AccountId", AccountId),)

NeuronInfo = Struct(f"{_PATH}::NeuronInfo", _HEAD + [
    ("weights", _PAIRS, "Vec<(Compact<u16>, Compact<u16>)>"), ("bonds", _PAIRS, "Vec<(Compact<u16>, Compact<u16>)>")]
    + _PRUNING, params=_PARAMS)
NeuronInfoLite = Struct(f"{_PATH}::NeuronInfoLite", _HEAD + _PRUNING, params=_PARAMS)

_EMPTY_AXON = {"block": 0, "version": 0, "ip": 0, "port": 0, "ip_type": 0, "protocol": 0, "placeholder1": 0,
               "placeholder2": 0}
_EMPTY_PROM = {"block": 0, "version": 0, "ip": 0, "port": 0, "ip_type": 0}


def _at(vec, i, default=0):
    return vec[i] if i < len(vec) else default


def neuron(sm, netuid: int, uid: int, lite: bool) -> dict | None:
    """One neuron's info read from SubtensorModule storage (None if the uid is empty)."""
    hotkey = sm.Keys.try_get(netuid, uid)
    if hotkey is None:
        return None
    coldkey = sm.Owner.get(hotkey)
    info = {
        "hotkey": hotkey, "coldkey": coldkey, "uid": uid, "netuid": netuid,
        "active": bool(_at(sm.Active.get(netuid), uid, False)),
        "axon_info": sm.Axons.try_get(netuid, hotkey) or _EMPTY_AXON,
        "prometheus_info": sm.Prometheus.try_get(netuid, hotkey) or _EMPTY_PROM,
        "stake": [(coldkey, sm.TotalHotkeyAlpha.get(hotkey, netuid))],
        "rank": 0, "emission": _at(sm.Emission.get(netuid) or [], uid), "incentive": _at(sm.Incentive.get(netuid), uid),
        "consensus": _at(sm.Consensus.get(netuid), uid), "trust": 0,
        "validator_trust": _at(sm.ValidatorTrust.get(netuid), uid), "dividends": _at(sm.Dividends.get(netuid), uid),
        "last_update": _at(sm.LastUpdate.get(netuid), uid),
        "validator_permit": bool(_at(sm.ValidatorPermit.get(netuid), uid, False)),
        "pruning_score": 0xFFFF,
    }
    if not lite:
        info["weights"] = [(i, w) for i, w in sm.Weights.get(netuid, uid) if w > 0]
        info["bonds"] = [(i, b) for i, b in sm.Bonds.get(netuid, uid) if b > 0]
    return info


def neurons(sm, netuid: int, lite: bool) -> list[dict]:
    if not sm.NetworksAdded.get(netuid):
        return []
    out = []
    for uid in range(sm.SubnetworkN.get(netuid)):
        info = neuron(sm, netuid, uid, lite)
        if info is None:
            break
        out.append(info)
    return out


def _sm(ctx):
    return ctx.runtime.pallets["SubtensorModule"]


def neuron_info_api() -> RuntimeApi:
    return RuntimeApi("NeuronInfoRuntimeApi", 1, [
        ApiMethod("get_neurons", [("netuid", NetUid)], Vec(NeuronInfo),
                  lambda ctx, netuid: neurons(_sm(ctx), netuid, False)),
        ApiMethod("get_neuron", [("netuid", NetUid), ("uid", U16)], Option(NeuronInfo),
                  lambda ctx, netuid, uid: neuron(_sm(ctx), netuid, uid, False)
                  if _sm(ctx).NetworksAdded.get(netuid) else None),
        ApiMethod("get_neurons_lite", [("netuid", NetUid)], Vec(NeuronInfoLite),
                  lambda ctx, netuid: neurons(_sm(ctx), netuid, True)),
        ApiMethod("get_neuron_lite", [("netuid", NetUid), ("uid", U16)], Option(NeuronInfoLite),
                  lambda ctx, netuid, uid: neuron(_sm(ctx), netuid, uid, True)
                  if _sm(ctx).NetworksAdded.get(netuid) else None),
    ])
