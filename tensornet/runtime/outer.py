"""Late-bound references to the runtime's outer enums (``RuntimeCall``, ``RuntimeEvent``).

Pallets such as Sudo and Utility take a ``RuntimeCall`` argument, yet the enum only exists once every
pallet is known. The pallet set is fixed for the process, so the runtime builder registers the enums
here and the ``Lazy`` descriptors resolve on first use.
"""
from __future__ import annotations

import threading

from tensornet.primitives.scale import Lazy, ScaleType

_outer: dict[str, ScaleType] = {}


def register(name: str, t: ScaleType) -> None:
    _outer[name] = t


def _resolve(name: str) -> ScaleType:
    try:
        return _outer[name]
    except KeyError:
        raise RuntimeError(f"outer type {name} used before a runtime was built") from None


RUNTIME_CALL = Lazy(lambda: _resolve("RuntimeCall"), "RuntimeCall")


_call_info = None


def register_call_info(fn) -> None:
    """Let pallets that wrap calls (Sudo, Utility) weigh and classify their inner calls."""
    global _call_info
    _call_info = fn


#: per thread, while a call is being weighed: id(call value) -> (the value, its DispatchInfo). A
#: wrapper's weight, class and pays each ask for its inner calls' infos, and theirs for theirs: without
#: the memo a few dozen nested batches would cost 3^depth (a tiny extrinsic that stalls the node).
_weighing = threading.local()


def _info(call_value):
    if _call_info is None:
        raise RuntimeError("call weights used before a runtime was built")
    memo = getattr(_weighing, "memo", None)
    outermost = memo is None
    if outermost:
        memo = _weighing.memo = {}
    try:
        hit = memo.get(id(call_value))
        if hit is not None and hit[0] is call_value:
            return hit[1]
        info = _call_info(call_value)
        memo[id(call_value)] = (call_value, info)  # (the value kept alive: its id stays its own)
        return info
    finally:
        if outermost:
            _weighing.memo = None


def call_weight(call_value):
    """The declared weight of a ``RuntimeCall`` value."""
    return _info(call_value).weight


def call_class(call_value) -> str:
    """The dispatch class of a ``RuntimeCall`` value ("Normal", "Operational", "Mandatory")."""
    return _info(call_value).dispatch_class


def call_pays(call_value) -> str:
    """Whether a ``RuntimeCall`` value pays a fee as declared ("Yes" / "No")."""
    return _info(call_value).pays_fee
