"""``ProxyFilterRuntimeApi``: what each proxy type may call, described from the same table the chain
filters with (``proxy_filter.RULES``), as subtensor's ``define_proxy_filters!`` generates both."""
from __future__ import annotations

from typing import Any

from tensornet.primitives.scale import (
    U8,
    U128,
    Bool,
    Bytes,
    Enum,
    Field,
    Option,
    Struct,
    Variant,
    Vec,
)
from tensornet.runtime.apis import ApiMethod, RuntimeApi

from .proxy_filter import DEPRECATED, PROXY_TYPES, RULES, CallRef

_COMMON = "subtensor_runtime_common"
CALL_CONDITION = Enum((_COMMON, "CallCondition"), [
    Variant("ParamLessThan", (Field("param_name", Bytes, "Vec<u8>"), Field("limit", U128, "u128")), 0),
    Variant("NestedCallMustBe", (Field("pallet_name", Bytes, "Vec<u8>"), Field("call_name", Bytes, "Vec<u8>")), 1),
])
CALL_INFO = Struct((_COMMON, "CallInfo"), [
    Field("pallet_name", Bytes, "Vec<u8>"), Field("pallet_index", U8, "u8"),
    Field("call_name", Option(Bytes), "Option<Vec<u8>>"), Field("call_index", Option(U8), "Option<u8>"),
    Field("condition", Option(CALL_CONDITION), "Option<CallCondition>")])
FILTER_MODE = Enum((_COMMON, "FilterMode"), ["AllowAll", "DenyAll", "Allow", "Deny"])
PROXY_FILTER_INFO = Struct((_COMMON, "ProxyFilterInfo"), [
    Field("proxy_type", U8, "u8"), Field("name", Bytes, "Vec<u8>"), Field("deprecated", Bool, "bool"),
    Field("filter_mode", FILTER_MODE, "FilterMode"), Field("calls", Vec(CALL_INFO), "Vec<CallInfo>"),
    Field("exceptions", Vec(CALL_INFO), "Vec<CallInfo>")])
PROXY_TYPE_INFO = Struct((_COMMON, "ProxyTypeInfo"), [
    Field("name", Bytes, "Vec<u8>"), Field("index", U8, "u8"), Field("deprecated", Bool, "bool")])


def proxy_types() -> list[dict]:
    return [{"name": name.encode(), "index": i, "deprecated": name in DEPRECATED} for i, name in enumerate(PROXY_TYPES)]


def proxy_filters(runtime: Any, proxy_type: int | None) -> list[dict]:
    """Each proxy type's rule (or the one asked for), with the runtime's pallet and call indices."""
    out = []
    for name, rule in RULES.items():
        index = PROXY_TYPES.index(name)
        if proxy_type is not None and proxy_type != index:
            continue
        calls = [_call_info(runtime, ref, rule) for ref in rule.calls]
        out.append({"proxy_type": index, "name": name.encode(), "deprecated": name in DEPRECATED,
                    "filter_mode": rule.mode, "calls": calls,
                    "exceptions": [_call_info(runtime, ref, rule) for ref in rule.exceptions]})
    return out


def _call_info(runtime: Any, ref: CallRef, rule) -> dict:
    pallet_name, call = ref
    pallet = runtime.pallets[pallet_name]
    condition = None
    if ref in rule.below:
        param, limit = rule.below[ref]
        condition = {"ParamLessThan": {"param_name": param.encode(), "limit": limit}}
    elif ref in rule.nested:
        target_pallet, target_call = rule.nested[ref][1]
        condition = {"NestedCallMustBe": {"pallet_name": target_pallet.encode(), "call_name": target_call.encode()}}
    if call == "*":
        return {"pallet_name": pallet_name.encode(), "pallet_index": pallet.INDEX, "call_name": None,
                "call_index": None, "condition": None}
    return {"pallet_name": pallet_name.encode(), "pallet_index": pallet.INDEX, "call_name": call.encode(),
            "call_index": pallet.calls_by_name[call].index, "condition": condition}


def proxy_filter_api() -> RuntimeApi:
    return RuntimeApi("ProxyFilterRuntimeApi", 1, [
        ApiMethod("get_proxy_types", [], Vec(PROXY_TYPE_INFO), lambda ctx: proxy_types()),
        ApiMethod("get_proxy_filter", [("proxy_type", Option(U8))], Vec(PROXY_FILTER_INFO),
                  lambda ctx, proxy_type: proxy_filters(ctx.runtime, proxy_type)),
    ])
