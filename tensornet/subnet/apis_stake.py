"""dTAO runtime APIs: StakeInfoRuntimeApi, SubnetRegistrationRuntimeApi and the DynamicInfo methods of
SubnetInfoRuntimeApi (``rpc_info/{stake_info,dynamic_info}.rs``; field orders of spec §8).

``dynamic_info_methods()`` is handed to the single SubnetInfoRuntimeApi declaration
(``apis_subnet_info.incentive_apis``); the other two APIs are complete here.
"""
from __future__ import annotations

from tensornet.amm.staking import approx_fee_amount
from tensornet.primitives.scale import (
    I96F32,
    U64F64,
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
from tensornet.runtime.apis import ApiMethod, RuntimeApi

from .types import AlphaBalance, BTreeMap, LockState, NetUid, SubnetIdentityV3, TaoBalance

_PARAMS = (("AccountId", AccountId),)
StakeInfo = Struct("pallet_subtensor::rpc_info::stake_info::StakeInfo", [
    ("hotkey", AccountId, "AccountId"), ("coldkey", AccountId, "AccountId"),
    ("netuid", Compact(NetUid), "Compact<NetUid>"), ("stake", Compact(AlphaBalance), "Compact<AlphaBalance>"),
    ("locked", Compact(U64), "Compact<u64>"), ("emission", Compact(AlphaBalance), "Compact<AlphaBalance>"),
    ("tao_emission", Compact(TaoBalance), "Compact<TaoBalance>"), ("drain", Compact(U64), "Compact<u64>"),
    ("is_registered", Bool, "bool")], params=_PARAMS)
StakeAvailability = Struct("pallet_subtensor::rpc_info::stake_info::StakeAvailability", [
    ("total", Compact(AlphaBalance), "Compact<AlphaBalance>"), ("locked", Compact(AlphaBalance), "Compact<AlphaBalance>"),
    ("available", Compact(AlphaBalance), "Compact<AlphaBalance>")])

_C = Compact
DynamicInfo = Struct("pallet_subtensor::rpc_info::dynamic_info::DynamicInfo", [
    ("netuid", _C(NetUid), "Compact<NetUid>"), ("owner_hotkey", AccountId, "AccountId"),
    ("owner_coldkey", AccountId, "AccountId"), ("subnet_name", Vec(_C(U8)), "Vec<Compact<u8>>"),
    ("token_symbol", Vec(_C(U8)), "Vec<Compact<u8>>"), ("tempo", _C(U16), "Compact<u16>"),
    ("last_step", _C(U64), "Compact<u64>"), ("blocks_since_last_step", _C(U64), "Compact<u64>"),
    ("emission", _C(U64), "Compact<u64>"), ("alpha_in", _C(AlphaBalance), "Compact<AlphaBalance>"),
    ("alpha_out", _C(AlphaBalance), "Compact<AlphaBalance>"), ("tao_in", _C(TaoBalance), "Compact<TaoBalance>"),
    ("alpha_out_emission", _C(AlphaBalance), "Compact<AlphaBalance>"),
    ("alpha_in_emission", _C(AlphaBalance), "Compact<AlphaBalance>"),
    ("tao_in_emission", _C(TaoBalance), "Compact<TaoBalance>"),
    ("pending_alpha_emission", _C(AlphaBalance), "Compact<AlphaBalance>"),
    ("pending_root_emission", _C(TaoBalance), "Compact<TaoBalance>"), ("subnet_volume", _C(U128), "Compact<u128>"),
    ("network_registered_at", _C(U64), "Compact<u64>"),
    ("subnet_identity", Option(SubnetIdentityV3), "Option<SubnetIdentityV3>"),
    ("moving_price", I96F32, "I96F32")], params=_PARAMS)


def _sm(ctx):
    return ctx.runtime.pallets["SubtensorModule"]


def _stake_info(sm, hotkey: bytes, coldkey: bytes, netuid: int, alpha: int) -> dict:
    return {"hotkey": hotkey, "coldkey": coldkey, "netuid": netuid, "stake": alpha, "locked": 0,
            "emission": sm.AlphaDividendsPerSubnet.get(netuid, hotkey), "tao_emission": 0, "drain": 0,
            "is_registered": sm.Uids.try_get(netuid, hotkey) is not None}


def stake_info_for_coldkeys(sm, coldkeys: list[bytes]) -> list[tuple[bytes, list[dict]]]:
    netuids = sm.get_all_subnet_netuids()
    out = []
    for coldkey in coldkeys:
        hotkeys = sm.StakingHotkeys.get(coldkey)
        infos = []
        for netuid in netuids:
            for hotkey in hotkeys:
                alpha = sm.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid)
                if alpha:
                    infos.append(_stake_info(sm, hotkey, coldkey, netuid, alpha))
        out.append((coldkey, infos))
    return out


def stake_availability(sm, coldkeys: list[bytes], netuids: list[int] | None) -> list:
    """(total, locked, available) per coldkey and subnet; a subnet with neither stake nor lock is left out."""
    existing = sm.get_all_subnet_netuids()
    if netuids is not None:
        requested = sorted(set(netuids))
        if not requested or len(requested) > len(existing):
            return sorted((c, []) for c in set(coldkeys))
        existing = [n for n in requested if sm.NetworksAdded.get(n)]
    out = {}
    for coldkey in coldkeys:
        entries = []
        for netuid in existing:
            total, locked, available = sm.stake_availability(coldkey, netuid)
            if total or locked:
                entries.append((netuid, {"total": total, "locked": locked, "available": available}))
        out[coldkey] = entries
    return sorted(out.items())


def stake_fee(sm, origin, _origin_coldkey, destination, _destination_coldkey, amount: int) -> int:
    if destination == origin:
        return 0
    netuid = (destination or origin)[1] if (destination or origin) else 0
    return approx_fee_amount(sm.pool_state(netuid), amount)


def coldkey_lock(sm, coldkey: bytes, netuid: int) -> dict | None:
    """``get_coldkey_lock``: the coldkey's lock on the subnet rolled forward to the block asked about
    (btcli's ``stake list`` asks for it for every staked subnet)."""
    return sm.get_coldkey_lock(coldkey, netuid)


def dynamic_info(sm, netuid: int) -> dict | None:
    if not sm.NetworksAdded.get(netuid):
        return None
    last_step = sm.LastMechansimStepBlock.get(netuid)
    return {
        "netuid": netuid, "owner_hotkey": sm.SubnetOwnerHotkey.get(netuid), "owner_coldkey": sm.SubnetOwner.get(netuid),
        "subnet_name": list(sm.get_name_for_subnet(netuid)), "token_symbol": list(sm.TokenSymbol.get(netuid)),
        "tempo": sm.Tempo.get(netuid), "last_step": last_step,
        "blocks_since_last_step": max(sm.block_number - last_step, 0), "emission": 0,
        "alpha_in": sm.SubnetAlphaIn.get(netuid), "alpha_out": sm.SubnetAlphaOut.get(netuid),
        "tao_in": sm.SubnetTAO.get(netuid), "alpha_out_emission": sm.SubnetAlphaOutEmission.get(netuid),
        "alpha_in_emission": sm.SubnetAlphaInEmission.get(netuid), "tao_in_emission": sm.SubnetTaoInEmission.get(netuid),
        "pending_alpha_emission": min(sm.PendingValidatorEmission.get(netuid) + sm.PendingServerEmission.get(netuid),
                                      2**64 - 1),
        "pending_root_emission": 0, "subnet_volume": sm.SubnetVolume.get(netuid),
        "network_registered_at": sm.NetworkRegisteredAt.get(netuid),
        "subnet_identity": sm.SubnetIdentitiesV3.try_get(netuid), "moving_price": sm.SubnetMovingPrice.get(netuid),
    }


def dynamic_info_methods() -> list[ApiMethod]:
    return [
        ApiMethod("get_dynamic_info", [("netuid", NetUid)], Option(DynamicInfo),
                  lambda ctx, netuid: dynamic_info(_sm(ctx), netuid)),
        ApiMethod("get_all_dynamic_info", [], Vec(Option(DynamicInfo)),
                  lambda ctx: [dynamic_info(_sm(ctx), n) for n in _sm(ctx).get_all_subnet_netuids()]),
    ]


_HOTKEY_NETUID = Option(Tuple(AccountId, NetUid))


def stake_info_api() -> RuntimeApi:
    return RuntimeApi("StakeInfoRuntimeApi", 1, [
        ApiMethod("get_stake_info_for_coldkey", [("coldkey_account", AccountId)], Vec(StakeInfo),
                  lambda ctx, coldkey: stake_info_for_coldkeys(_sm(ctx), [coldkey])[0][1]),
        ApiMethod("get_stake_info_for_coldkeys", [("coldkey_accounts", Vec(AccountId))],
                  Vec(Tuple(AccountId, Vec(StakeInfo))),
                  lambda ctx, coldkeys: stake_info_for_coldkeys(_sm(ctx), coldkeys) if coldkeys else []),
        ApiMethod("get_stake_info_for_hotkey_coldkey_netuid",
                  [("hotkey_account", AccountId), ("coldkey_account", AccountId), ("netuid", NetUid)],
                  Option(StakeInfo),
                  lambda ctx, hotkey, coldkey, netuid: _stake_info(
                      _sm(ctx), hotkey, coldkey, netuid,
                      _sm(ctx).get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid))),
        ApiMethod("get_stake_availability_for_coldkeys",
                  [("coldkey_accounts", Vec(AccountId)), ("netuids", Option(Vec(NetUid)))],
                  BTreeMap(AccountId, BTreeMap(NetUid, StakeAvailability)),
                  lambda ctx, coldkeys, netuids: [] if not coldkeys else stake_availability(_sm(ctx), coldkeys, netuids)),
        ApiMethod("get_stake_fee",
                  [("origin", _HOTKEY_NETUID), ("origin_coldkey_account", AccountId),
                   ("destination", _HOTKEY_NETUID), ("destination_coldkey_account", AccountId), ("amount", U64)],
                  U64, lambda ctx, *args: stake_fee(_sm(ctx), *args)),
        ApiMethod("get_coldkey_lock", [("coldkey", AccountId), ("netuid", NetUid)], Option(LockState),
                  lambda ctx, coldkey, netuid: coldkey_lock(_sm(ctx), coldkey, netuid)),
        ApiMethod("get_hotkey_conviction", [("hotkey", AccountId), ("netuid", NetUid)], U64F64,
                  lambda ctx, hotkey, netuid: _sm(ctx).hotkey_conviction(hotkey, netuid)),
        ApiMethod("get_most_convicted_hotkey_on_subnet", [("netuid", NetUid)], Option(AccountId),
                  lambda ctx, netuid: _sm(ctx).subnet_king(netuid)),
    ])


def subnet_registration_api() -> RuntimeApi:
    return RuntimeApi("SubnetRegistrationRuntimeApi", 1, [
        ApiMethod("get_network_registration_cost", [], TaoBalance, lambda ctx: _sm(ctx).get_network_lock_cost()),
    ])


def dtao_apis() -> list[RuntimeApi]:
    """The complete dTAO APIs (SwapRuntimeApi included); DynamicInfo goes into SubnetInfoRuntimeApi."""
    from tensornet.amm.apis import swap_api

    return [stake_info_api(), subnet_registration_api(), swap_api()]
