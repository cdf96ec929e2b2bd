"""DelegateInfoRuntimeApi: get_delegates / get_delegate / get_delegated with the layout of
``rpc_info/delegate_info.rs`` at HEAD (spec §8).

Nominators are every coldkey holding shares in the delegate's pools, with the alpha value of those
shares per subnet; ``total_daily_return`` sums the delegate's last-epoch emission × 7200/tempo over
its registrations and ``return_per_1000`` scales that by (1 − take) per 1000 TAO of root stake, as
the chain computes them (U64F64, floored).
"""
from __future__ import annotations

from tensornet.primitives.scale import (
    U16,
    U64,
    AccountId,
    Compact,
    Option,
    Struct,
    Tuple,
    Vec,
)
from tensornet.runtime.apis import ApiMethod, RuntimeApi

from .types import AlphaBalance, NetUid

_NET_STAKE = Vec(Tuple(Compact(NetUid), Compact(U64)))
DelegateInfo = Struct("pallet_subtensor::rpc_info::delegate_info::DelegateInfo", [
    ("delegate_ss58", AccountId, "AccountId"), ("take", Compact(U16), "Compact<u16>"),
    ("nominators", Vec(Tuple(AccountId, _NET_STAKE)), "Vec<(AccountId, Vec<(Compact<NetUid>, Compact<u64>)>)>"),
    ("owner_ss58", AccountId, "AccountId"), ("registrations", Vec(Compact(NetUid)), "Vec<Compact<NetUid>>"),
    ("validator_permits", Vec(Compact(NetUid)), "Vec<Compact<NetUid>>"),
    ("return_per_1000", Compact(U64), "Compact<u64>"), ("total_daily_return", Compact(U64), "Compact<u64>")],
    params=(("AccountId", AccountId),))

ONE64 = 1 << 64


def _div64(a: int, b: int) -> int:
    return 0 if b == 0 else (a << 64) // b


def return_per_1000(take: int, total_stake: int, emissions_per_day64: int) -> int:
    """U64F64 bits of emissions/day × (1 − take) / (stake / 1000 TAO)."""
    without_take = ONE64 - _div64(take << 64, 0xFFFF << 64)
    if total_stake == 0:
        return 0
    per_1000 = _div64(total_stake << 64, 1000 * 10**9 << 64)
    return _div64((emissions_per_day64 * without_take) >> 64, per_1000)


def delegate_info(sm, delegate: bytes, skip_nominators: bool) -> dict:
    netuids = sorted(n for (n,), added in sm.NetworksAdded.iter() if added)
    nominators: dict[bytes, list] = {}
    if not skip_nominators:
        for (coldkey, netuid), _ in _alpha_entries(sm, delegate):
            value = sm.get_stake_for_hotkey_and_coldkey_on_subnet(delegate, coldkey, netuid)
            if value:
                nominators.setdefault(coldkey, []).append((netuid, value))
    registrations, permits, per_day = [], [], 0
    for netuid in netuids:
        uid = sm.Uids.get(netuid, delegate)
        if uid is None:
            continue
        registrations.append(netuid)
        vp = sm.ValidatorPermit.get(netuid)
        if uid < len(vp) and vp[uid]:
            permits.append(netuid)
        emission = (sm.Emission.get(netuid) or [])
        tempo = sm.Tempo.get(netuid)
        if tempo and uid < len(emission):
            per_day += emission[uid] * ((7200 << 64) // tempo)  # U64F64: emission × 7200/tempo
    take = sm.Delegates.get(delegate)
    total = sm.TotalHotkeyAlpha.get(delegate, 0)
    return {"delegate_ss58": delegate, "take": take, "nominators": sorted(nominators.items()),
            "owner_ss58": sm.Owner.get(delegate), "registrations": registrations, "validator_permits": permits,
            "return_per_1000": return_per_1000(take, total, per_day) >> 64, "total_daily_return": per_day >> 64}


def _alpha_entries(sm, hotkey: bytes):
    """((coldkey, netuid), shares) of every share entry on ``hotkey`` (V2 and legacy V1 maps)."""
    seen = set()
    for item in (sm.AlphaV2, sm.Alpha):
        for (coldkey, netuid), shares in item.iter(hotkey):
            if (coldkey, netuid) not in seen:
                seen.add((coldkey, netuid))
                yield (coldkey, netuid), shares


def _sm(ctx):
    return ctx.runtime.pallets["SubtensorModule"]


def _delegates(sm) -> list[dict]:
    return [delegate_info(sm, hk, False) for (hk,), _ in sm.Delegates.iter()]


def _delegated(sm, coldkey: bytes) -> list:
    out = []
    for (hk,), _ in sm.Delegates.iter():
        for netuid in sorted(n for (n,), added in sm.NetworksAdded.iter() if added):
            if sm.AlphaV2.contains(hk, coldkey, netuid) or sm.Alpha.contains(hk, coldkey, netuid):
                out.append((delegate_info(sm, hk, True),
                            (netuid, sm.get_stake_for_hotkey_and_coldkey_on_subnet(hk, coldkey, netuid))))
    return out


def delegate_info_api() -> RuntimeApi:
    return RuntimeApi("DelegateInfoRuntimeApi", 1, [
        ApiMethod("get_delegates", [], Vec(DelegateInfo), lambda ctx: _delegates(_sm(ctx))),
        ApiMethod("get_delegate", [("delegate_account", AccountId)], Option(DelegateInfo),
                  lambda ctx, d: delegate_info(_sm(ctx), d, False) if _sm(ctx).Delegates.contains(d) else None),
        ApiMethod("get_delegated", [("delegatee_account", AccountId)],
                  Vec(Tuple(DelegateInfo, Tuple(Compact(NetUid), Compact(AlphaBalance)))),
                  lambda ctx, c: _delegated(_sm(ctx), c)),
    ])
