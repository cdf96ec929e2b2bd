"""The pallet declaration machinery: storage, calls, events, errors, constants, hooks, genesis.

A pallet is a class::

    class Balances(Pallet):
        NAME, INDEX = "Balances", 5
        TotalIssuance = StorageValue(U64, docs="The total units issued in the system.")
        EVENTS = [EventDef("Transfer", [("from", AccountId), ("to", AccountId), ("amount", U64)])]
        ERRORS = [("InsufficientBalance", "Balance too low to send value.")]

        @call(3, [("dest", MultiAddress), ("value", Compact(U64))], weight=Weight(...))
        def transfer_keep_alive(self, origin, dest, value): ...

The class only declares; an instance belongs to one ``Runtime`` and reads the current state through
``self.env`` (the runtime's execution environment), so pallet code never passes state around and
storage stays behind declared items. Calls raise ``DispatchError`` (``raise self.error("Name")``) and
record events with ``self.deposit_event("Name", payload)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Sequence

from tensornet.primitives.scale import Enum, Field, ScaleType, Variant, _as_fields
from tensornet.storage.items import StorageItem

from .dispatch import DispatchError, DispatchInfo, Origin, Weight

# ---------------------------------------------------------------------------------------------
# declarations
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallDef:
    """One dispatchable. ``weight``, ``dispatch_class`` and ``pays_fee`` are constants or functions of
    the decoded args (Sudo's class is its inner call's, a batch pays unless all its calls are free)."""

    name: str
    index: int
    fields: tuple[Field, ...]
    fn: Callable
    weight: Weight | Callable[..., Weight]
    dispatch_class: str | Callable[..., str] = "Normal"
    pays_fee: str | Callable[..., str] = "Yes"
    docs: tuple[str, ...] = ()

    def info(self, args: dict, extension_weight: Weight = Weight()) -> DispatchInfo:
        """The call's DispatchInfo; a signed extrinsic's also carries its extensions' weight. A call
        of constant weight shares one (immutable) DispatchInfo per extension weight, so a chunk of
        transactions coming back from a worker carries it once, not once per transaction."""
        if callable(self.weight) or callable(self.dispatch_class) or callable(self.pays_fee):
            weight = self.weight(**args) if callable(self.weight) else self.weight
            cls = self.dispatch_class(**args) if callable(self.dispatch_class) else self.dispatch_class
            pays = self.pays_fee(**args) if callable(self.pays_fee) else self.pays_fee
            return DispatchInfo(weight, cls, pays, extension_weight)
        shared = _CONSTANT_INFOS.get((id(self), extension_weight))
        if shared is None:
            if len(_CONSTANT_INFOS) >= 4096:
                _CONSTANT_INFOS.clear()
            shared = _CONSTANT_INFOS[(id(self), extension_weight)] = DispatchInfo(
                self.weight, self.dispatch_class, self.pays_fee, extension_weight)
        return shared


#: (id of a call declaration, extension weight) -> the DispatchInfo of a constant-weight call
_CONSTANT_INFOS: dict[tuple[int, Weight], DispatchInfo] = {}  # keyed by id: declarations live as long as the process


def call(index: int, args: Sequence = (), *, weight: Weight | Callable[..., Weight] = Weight(),
         dispatch_class: str | Callable[..., str] = "Normal", pays_fee: bool | Callable[..., str] = True):
    """Declare a pallet method as a dispatchable with its call index and SCALE argument list."""

    def wrap(fn: Callable) -> Callable:
        docs = tuple(line.strip() for line in (fn.__doc__ or "").strip().splitlines() if line.strip())
        pays = pays_fee if callable(pays_fee) else ("Yes" if pays_fee else "No")
        fn.__calldef__ = CallDef(fn.__name__, index, _as_fields(args), fn, weight, dispatch_class, pays, docs)
        return fn

    return wrap


@dataclass(frozen=True)
class EventDef:
    name: str
    fields: Sequence = ()
    docs: str = ""


@dataclass(frozen=True)
class ConstantDef:
    name: str
    type: ScaleType
    value: Any
    docs: str = ""


# ---------------------------------------------------------------------------------------------
# the base class
# ---------------------------------------------------------------------------------------------


class Pallet:
    NAME: ClassVar[str] = ""
    INDEX: ClassVar[int] = 0
    DOCS: ClassVar[str] = ""
    #: overrides the storage prefix when it differs from NAME
    STORAGE_PREFIX: ClassVar[str] = ""
    #: the Rust crate of the pallet, used in metadata type paths (``frame_system::pallet::Call``)
    CRATE: ClassVar[str] = ""
    EVENTS: ClassVar[Sequence[EventDef]] = ()
    ERRORS: ClassVar[Sequence[tuple[str, str]]] = ()
    CONSTANTS: ClassVar[Sequence[ConstantDef]] = ()

    # filled by __init_subclass__
    storage_items: ClassVar[list[StorageItem]]
    calls: ClassVar[list[CallDef]]
    calls_by_name: ClassVar[dict[str, CallDef]]
    call_type: ClassVar[Enum | None]
    event_type: ClassVar[Enum | None]
    error_type: ClassVar[Enum | None]
    error_index: ClassVar[dict[str, tuple[int, str]]]

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if not cls.NAME:
            return
        prefix = cls.STORAGE_PREFIX or cls.NAME
        items: list[StorageItem] = []
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                if isinstance(value, StorageItem):
                    value.bind(prefix)
                    if value not in items:
                        items.append(value)
        cls.storage_items = items
        calls: dict[str, CallDef] = {}
        for klass in reversed(cls.__mro__):
            for value in vars(klass).values():
                if hasattr(value, "__calldef__"):
                    calls[value.__calldef__.name] = value.__calldef__
        cls.calls = sorted(calls.values(), key=lambda c: c.index)
        if len({c.index for c in cls.calls}) != len(cls.calls):
            dupes = sorted(c.index for c in cls.calls if [d.index for d in cls.calls].count(c.index) > 1)
            raise TypeError(f"{cls.NAME}: duplicate call index {dupes}")
        cls.calls_by_name = {c.name: c for c in cls.calls}
        crate = cls.CRATE or "pallet_" + _snake(cls.NAME)
        cls.call_type = Enum((crate, "pallet", "Call"), [
            Variant(c.name, c.fields, c.index, c.docs) for c in cls.calls],
            params=(("T", None),), type_name="Call") if cls.calls else None
        cls.event_type = Enum((crate, "pallet", "Event"), [
            Variant(e.name, _as_fields(e.fields), i, (e.docs,) if e.docs else ())
            for i, e in enumerate(cls.EVENTS)], params=(("T", None),), type_name="Event") if cls.EVENTS else None
        cls.error_type = Enum((crate, "pallet", "Error"), [
            Variant(name, (), i, (docs,) if docs else ()) for i, (name, docs) in enumerate(cls.ERRORS)],
            params=(("T", None),), type_name="Error") if cls.ERRORS else None
        cls.error_index = {name: (i, docs) for i, (name, docs) in enumerate(cls.ERRORS)}

    def __init__(self, env: "Env") -> None:
        self.env = env
        # bind storage once per instance (instance attributes shadow the class descriptors)
        for item in self.storage_items:
            attr = _attr_name(type(self), item)
            if attr:
                setattr(self, attr, item.bound(env))

    # helpers for pallet code -----------------------------------------------------------------
    @property
    def state(self):
        return self.env.state

    @property
    def block_number(self) -> int:
        return self.env.block_number

    def error(self, name: str) -> DispatchError:
        try:
            idx, docs = self.error_index[name]
        except KeyError:
            raise KeyError(f"{self.NAME} declares no error {name!r}") from None
        return DispatchError.module(self.INDEX, idx, self.NAME, name, docs)

    def deposit_event(self, name: str, payload: Any = None) -> None:
        self.env.deposit_event(self.NAME, name, payload)

    def pallet(self, name: str) -> "Pallet":
        """Another pallet of the same runtime (e.g. Balances from SubtensorModule)."""
        return self.env.pallets[name]

    # hooks (override as needed) ---------------------------------------------------------------
    def on_initialize(self, block_number: int) -> Weight:
        return Weight()

    def on_finalize(self, block_number: int) -> None:
        pass

    def build_genesis(self, config: dict) -> None:
        """Write this pallet's genesis state from its section of the chain spec."""

    def check_dispatch(self, origin: Origin, pallet_name: str, call_name: str, args: dict) -> None:
        """frame_system's dispatch extension: refuse a call (any call, batched ones included) before
        it runs by raising its DispatchError. Only pallets that override this are asked."""

    def check_transaction(self, who: bytes, pallet_name: str, call_name: str, args: dict) -> None:
        """A pallet's transaction extension, on the current state: refuse a signed transaction's
        (top-level) call by raising ``InvalidTransaction``, which keeps it out of the pool and out
        of blocks. Asked at every pool validation and when a block includes the transaction, after
        the nonce and fee checks (the extensions' order). Only pallets that override this are asked."""

    def validate_signed(self, call_name: str, args: dict, era) -> None:
        """A pallet's own transaction-extension check of a signed call of its (subtensor's
        ``CheckShieldedTxValidity``-like); raises ``InvalidTransaction`` to keep it out of pool and block."""


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _attr_name(cls: type, item: StorageItem) -> str | None:
    for klass in cls.__mro__:
        for attr, value in vars(klass).items():
            if value is item:
                return attr
    return None


class Env:
    """What pallet code sees of the block being executed (a protocol implemented by the runtime)."""

    state: Any
    block_number: int
    pallets: dict[str, Pallet]

    def deposit_event(self, pallet: str, name: str, payload: Any) -> None:  # pragma: no cover
        raise NotImplementedError  # abstract


def dispatch_call(pallet: Pallet, calldef: CallDef, origin: Origin, args: dict) -> None:
    """Run one call; the caller owns the storage layer that rolls it back on DispatchError."""
    calldef.fn(pallet, origin, **args)
