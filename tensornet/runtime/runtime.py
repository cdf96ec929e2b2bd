"""The runtime: a fixed set of pallets composed into outer enums, plus the execution environment.

``Runtime`` owns pallet instances bound to one ``ExecutionEnv``. The environment carries what a
block's execution needs (the state overlay, block number, the current phase and the events
deposited so far); ``Runtime.at(state, number)`` points it at another state for read-only work
such as runtime-API calls. Block production and RPC queries use separate Runtime instances, so a
query never sees a half-built block.
"""
from __future__ import annotations

import struct as _struct

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from tensornet.primitives.scale import _Int, AccountId, Enum, Field, H256, ScaleError, Struct, Variant, Vec
from tensornet.storage.items import StorageItem

from . import outer
from .dispatch import DispatchInfo, Origin
from .pallet import CallDef, Pallet
from .types import PHASE

SPEC_NAME = "node-subtensor"


@dataclass
class RuntimeConfig:
    """Chain-level parameters that are runtime data, not code (chosen by the chain spec/preset)."""

    block_time_ms: int = 12_000
    #: subtensor's ``fast-runtime`` feature switches several constants (tempo 10, cooldowns …)
    fast: bool = False
    #: devnet conveniences that the real chain refuses (e.g. loopback axon IPs)
    allow_loopback_axons: bool = False


@dataclass
class EventRecord:
    phase: Any
    pallet: str
    name: str
    payload: Any



_U32 = _struct.Struct("<I")


def _account_id(value: Any) -> bytes:
    if type(value) is bytes and len(value) == 32:
        return value
    return AccountId.encode(value)


def _dispatch_info_encoder() -> Any:
    """DispatchInfo repeats (one per extrinsic, few distinct values): memoise its encoding."""
    from .dispatch import DISPATCH_EVENT_INFO_TYPE

    memo: dict[tuple, bytes] = {}

    def encode(v: Any) -> bytes:
        w = v["weight"]
        key = (w["ref_time"], w["proof_size"], v["class"], v["pays_fee"])
        out = memo.get(key)
        if out is None:
            if len(memo) > 4096:
                memo.clear()
            out = memo[key] = DISPATCH_EVENT_INFO_TYPE.encode(v)
        return out
    return encode


class _PayloadEncoder:
    """An event's fields encoded as their declared struct would be, with fast paths for the types
    every transfer's events carry (account ids, dispatch infos)."""

    def __init__(self, fields: Sequence[Field]) -> None:
        from .dispatch import DISPATCH_EVENT_INFO_TYPE

        def fast(t: Any) -> Any:
            if t is AccountId:
                return _account_id
            if t is DISPATCH_EVENT_INFO_TYPE:
                return _dispatch_info_encoder()
            if isinstance(t, _Int):
                return _int_encoder(t)
            return t.encode

        self._shape = Struct(("event",), fields)
        self._named = fields[0].name is not None
        self._encs = [(f.name, fast(f.type)) for f in fields]
        if self._named and len(self._encs) <= 3:
            # most events have one to three fields: concatenate without building a list
            self.encode = _fixed_arity(self._encs)  # type: ignore[method-assign]

    def encode(self, value: Any) -> bytes:
        if self._named:
            return b"".join([enc(value[name]) for name, enc in self._encs])
        return self._shape.encode(value)


def _int_encoder(t: _Int) -> Any:
    """``t.encode`` with the in-range int case done inline; anything else (bools, out-of-range values,
    non-ints) goes to ``t.encode`` so errors are exactly the descriptor's."""
    lo, hi, slow = t.lo, t.hi, t.encode
    if t._struct is not None:
        pack = t._struct.pack

        def enc(v: Any) -> bytes:
            if type(v) is int and lo <= v <= hi:
                return pack(v)
            return slow(v)
        return enc
    size, signed = t.size, t.signed

    def enc_big(v: Any) -> bytes:
        if type(v) is int and lo <= v <= hi:
            return v.to_bytes(size, "little", signed=signed)
        return slow(v)
    return enc_big


def _fixed_arity(encs: list[tuple[str, Any]]) -> Any:
    if len(encs) == 1:
        (n1, e1), = encs
        return lambda v: e1(v[n1])
    if len(encs) == 2:
        (n1, e1), (n2, e2) = encs
        return lambda v: e1(v[n1]) + e2(v[n2])
    (n1, e1), (n2, e2), (n3, e3) = encs
    return lambda v: e1(v[n1]) + e2(v[n2]) + e3(v[n3])


class ExecutionEnv:
    """What pallets see: ``state``, ``block_number``, ``deposit_event`` and their sibling pallets."""

    def __init__(self, runtime: "Runtime") -> None:
        self.runtime = runtime
        self.state: Any = None
        self.block_number = 0
        self.phase: Any = "Initialization"
        #: this block's events as SCALE ``EventRecord``s, the only form kept: decoded records would be
        #: five objects per transfer for the cyclic collector to walk, and nothing on the block path
        #: reads them (``events`` decodes on demand)
        self._encoded_events: list[bytes] = []
        #: the phase object whose encoding ``_phase_bytes`` holds (phases are set, never mutated)
        self._phase_of_bytes: Any = None
        self._phase_bytes = b""
        self.pallets: dict[str, Pallet] = {}

    def deposit_event(self, pallet: str, name: str, payload: Any) -> None:
        rt = self.runtime
        entry = rt._event_encoders.get((pallet, name))
        tag, payload_type = entry if entry is not None else rt.event_encoder(pallet, name)
        try:
            # an extrinsic deposits several events in one phase
            phase_bytes = self._phase_bytes if self.phase is self._phase_of_bytes else self._encode_phase()
            if payload_type is not None:
                encoded = phase_bytes + tag + payload_type.encode(payload) + b"\x00"
            else:
                encoded = phase_bytes + tag + b"\x00"
        except (ScaleError, _struct.error, KeyError, TypeError) as exc:
            raise ScaleError(f"event {pallet}.{name} payload {payload!r:.200}: {exc}") from None
        self._encoded_events.append(encoded)

    def deposit_encoded_event(self, pallet: str, name: str, payload: bytes) -> None:
        """``deposit_event`` with the payload already SCALE-encoded (one repeated by every extrinsic
        of a kind, such as ``ExtrinsicSuccess``'s dispatch info, is encoded once)."""
        rt = self.runtime
        entry = rt._event_encoders.get((pallet, name))
        tag = (entry if entry is not None else rt.event_encoder(pallet, name))[0]
        phase_bytes = self._phase_bytes if self.phase is self._phase_of_bytes else self._encode_phase()
        self._encoded_events.append(phase_bytes + tag + payload + b"\x00")

    def _encode_phase(self) -> bytes:
        """The current phase's SCALE bytes, remembered for the phase object (phases are replaced,
        never mutated)."""
        phase = self.phase
        phase_bytes = (b"\x00" + _U32.pack(phase["ApplyExtrinsic"])) if type(phase) is dict \
            and "ApplyExtrinsic" in phase else self.runtime.phase_type.encode(phase)
        self._phase_of_bytes, self._phase_bytes = phase, phase_bytes
        return phase_bytes

    @property
    def events(self) -> list[EventRecord]:
        """The events deposited so far in this block, decoded (for tools and tests)."""
        return [self.runtime.decode_event_record(raw) for raw in self._encoded_events]

    def take_events(self) -> tuple[int, bytes]:
        """(count, the SCALE ``Vec<EventRecord>`` to store in ``System.Events``) of the block's events."""
        from tensornet.primitives.scale import encode_compact

        encoded = self._encoded_events
        self._encoded_events = []
        return len(encoded), encode_compact(len(encoded)) + b"".join(encoded)

    def event_mark(self) -> int:
        return len(self._encoded_events)

    def truncate_events(self, mark: int) -> None:
        """Forget events deposited after ``mark`` (an extrinsic that turned out invalid)."""
        del self._encoded_events[mark:]

    def encoded_events_since(self, mark: int) -> list[bytes]:
        """The SCALE ``EventRecord``s deposited after ``mark``."""
        return list(self._encoded_events[mark:])

    def append_encoded_events(self, records: list[bytes]) -> None:
        """Re-deposit recorded ``EventRecord``s verbatim (replaying a devnet edit)."""
        self._encoded_events.extend(records)

    def reset_events(self) -> None:
        self._encoded_events = []


class Runtime:
    """A composed runtime. ``pallet_classes`` fixes pallet names, indices and the outer enums."""

    spec_name = SPEC_NAME
    impl_name = SPEC_NAME
    authoring_version = 1
    impl_version = 1
    transaction_version = 1
    system_version = 1

    def __init__(self, pallet_classes: Sequence[type[Pallet]], spec_version: int,
                 config: RuntimeConfig | None = None, apis: Sequence[Any] = ()) -> None:
        self.config = config or RuntimeConfig()
        self.spec_version = spec_version
        self.pallet_classes = sorted(pallet_classes, key=lambda c: c.INDEX)
        self.env = ExecutionEnv(self)
        self.pallets: dict[str, Pallet] = {}
        for cls in self.pallet_classes:
            self.pallets[cls.NAME] = cls(self.env)
        self.env.pallets = self.pallets
        self.by_index = {cls.INDEX: self.pallets[cls.NAME] for cls in self.pallet_classes}
        #: the pallets' dispatch extensions (``Pallet.check_dispatch``), asked before every call
        self._dispatch_checks = [p.check_dispatch for p in self.pallets.values()
                                 if type(p).check_dispatch is not Pallet.check_dispatch]
        #: the pallets' stateful transaction extensions (``Pallet.check_transaction``)
        self.transaction_checks = [p.check_transaction for p in self.pallets.values()
                                   if type(p).check_transaction is not Pallet.check_transaction]
        self._build_outer_types()
        self.apis = list(apis)

    # --- composition ---------------------------------------------------------------------------
    def _build_outer_types(self) -> None:
        crate = ("node_subtensor_runtime",)
        self.call_type = Enum(crate + ("RuntimeCall",), [
            Variant(c.NAME, (Field(None, c.call_type, f"self::sp_api_hidden_includes_construct_runtime::hidden_include::dispatch::CallableCallFor<{c.NAME}, Runtime>"),), c.INDEX)
            for c in self.pallet_classes if c.call_type is not None], type_name="RuntimeCall")
        self.event_type = Enum(crate + ("RuntimeEvent",), [
            Variant(c.NAME, (Field(None, c.event_type, f"{_crate(c)}::Event<Runtime>"),), c.INDEX)
            for c in self.pallet_classes if c.event_type is not None], type_name="RuntimeEvent")
        self.error_type = Enum(crate + ("RuntimeError",), [
            Variant(c.NAME, (Field(None, c.error_type, f"{_crate(c)}::Error<Runtime>"),), c.INDEX)
            for c in self.pallet_classes if c.error_type is not None], type_name="RuntimeError")
        self.phase_type = PHASE
        self.event_record_type = Struct(("frame_system", "EventRecord"), [
            Field("phase", PHASE, "Phase"), Field("event", self.event_type, "E"), Field("topics", Vec(H256), "Vec<T>")],
            params=(("E", self.event_type), ("T", H256)), type_name="EventRecord")
        self.events_item = StorageItem(Vec(self.event_record_type), name="Events", docs=(
            "Events deposited for the current block."))
        self.events_item.bind("System")
        outer.register("RuntimeCall", self.call_type)
        outer.register("RuntimeEvent", self.event_type)
        outer.register_call_info(self.call_info)
        self._event_encoders: dict[tuple[str, str], tuple[bytes, Any]] = {}
        self._event_fields = {(c.NAME, v.name): bool(v.fields) for c in self.pallet_classes if c.event_type
                              for v in c.event_type.variants}

    def decode_event_record(self, raw: bytes) -> EventRecord:
        record = self.event_record_type.decode_all(raw)
        (pallet, inner), = record["event"].items()
        name, payload = (inner, None) if isinstance(inner, str) else next(iter(inner.items()))
        return EventRecord(record["phase"], pallet, name, payload)

    def event_encoder(self, pallet: str, name: str) -> tuple[bytes, Any]:
        """(pallet index ‖ event index, payload type or None) — the encoding of ``RuntimeEvent`` without
        walking the two enums per event (events are on the hot path: five per transfer)."""
        try:
            return self._event_encoders[(pallet, name)]
        except KeyError:
            pass
        outer_variant = self.event_type.by_name.get(pallet)
        if outer_variant is None:
            raise ScaleError(f"no event {pallet}.{name} is declared")
        inner = outer_variant.fields[0].type
        variant = inner.by_name.get(name)
        if variant is None:
            raise ScaleError(f"no event {pallet}.{name} is declared")
        payload_type = _PayloadEncoder(variant.fields) if variant.fields else None
        entry = (bytes((outer_variant.index, variant.index)), payload_type)
        self._event_encoders[(pallet, name)] = entry
        return entry

    def event_has_fields(self, pallet: str, name: str) -> bool:
        try:
            return self._event_fields[(pallet, name)]
        except KeyError:
            raise ScaleError(f"no event {pallet}.{name} is declared") from None

    # --- versions --------------------------------------------------------------------------------
    @property
    def minimum_period_ms(self) -> int:
        return self.config.block_time_ms // 2

    def version_value(self) -> dict:
        from .apis import api_ids

        return {"spec_name": self.spec_name, "impl_name": self.impl_name,
                "authoring_version": self.authoring_version, "spec_version": self.spec_version,
                "impl_version": self.impl_version, "apis": api_ids(self.apis),
                "transaction_version": self.transaction_version, "system_version": self.system_version}

    # --- state ------------------------------------------------------------------------------------
    @contextmanager
    def at(self, state: Any, block_number: int) -> Iterator["Runtime"]:
        """Point the environment at ``state`` for the duration (read-only queries, genesis)."""
        env = self.env
        saved = (env.state, env.block_number, env.phase)
        env.state, env.block_number = state, block_number
        try:
            yield self
        finally:
            env.state, env.block_number, env.phase = saved

    # --- calls ------------------------------------------------------------------------------------
    def resolve_call(self, call_value: Any) -> tuple[Pallet, CallDef, dict]:
        """(pallet, call declaration, args) of a decoded ``RuntimeCall`` value."""
        (pallet_name, inner), = call_value.items()
        pallet = self.pallets[pallet_name]
        if isinstance(inner, str):
            call_name, args = inner, {}
        else:
            (call_name, args), = inner.items()
        calldef = pallet.calls_by_name[call_name]
        if args is None:
            args = {}
        elif not isinstance(args, dict):
            # a call with a single unnamed field never happens in FRAME: calls always have named args
            raise ScaleError(f"call {pallet_name}.{call_name} has positional arguments")
        return pallet, calldef, args

    def call_info(self, call_value: Any) -> DispatchInfo:
        _, calldef, args = self.resolve_call(call_value)
        return calldef.info(args)

    def dispatch(self, call_value: Any, origin: Origin, resolved: tuple | None = None) -> Any:
        """Dispatch in a fresh storage layer: a DispatchError rolls back this call's writes only.

        Events are storage in FRAME (``System.Events``), so the events a failed call deposited are
        rolled back with its other writes. Returns the call's ``PostDispatchInfo`` (a batch's actual
        weight, Sudo's ``Pays::No``) or None; a DispatchError may carry one as ``post_info``.
        ``resolved``: ``resolve_call(call_value)`` when the caller already has it (the executive
        resolved the call to weigh it).
        """
        pallet, calldef, args = resolved if resolved is not None else self.resolve_call(call_value)
        env = self.env
        state = env.state
        mark = env.event_mark()
        state.begin()
        try:
            if origin.call_filter is not None and not origin.call_filter(pallet.NAME, calldef.name, args):
                raise self.pallets["System"].error("CallFiltered")
            for check in self._dispatch_checks:
                check(origin, pallet.NAME, calldef.name, args)
            post = calldef.fn(pallet, origin, **args)
        except BaseException:
            state.rollback()
            env.truncate_events(mark)
            raise
        state.commit()
        return post

    def decode_call(self, data: bytes) -> Any:
        return self.call_type.decode_all(data)

    def encode_call(self, pallet: str, call: str, args: dict | None = None) -> bytes:
        return self.call_type.encode({pallet: {call: args or {}}})


def _crate(cls: type[Pallet]) -> str:
    return cls.call_type.path[0] if cls.call_type else "pallet_" + cls.NAME.lower()


def module_error_info(runtime: Runtime, value: Any) -> tuple[str, str, str] | None:
    """(pallet, error name, docs) for a ``DispatchError::Module`` value, if it names a known error."""
    if not (isinstance(value, dict) and "Module" in value):
        return None
    idx, err = value["Module"]["index"], value["Module"]["error"][0]
    pallet = runtime.by_index.get(idx)
    if pallet is None or pallet.error_type is None:
        return None
    variant = pallet.error_type.by_index.get(err)
    if variant is None:
        return None
    return pallet.NAME, variant.name, " ".join(variant.docs)
