"""Dispatch vocabulary shared by pallets and the executive: origins, errors, weights, fees.

The SCALE shapes here (``DispatchError``, ``DispatchInfo``, ``Weight``, ``Pays``, ``DispatchClass``)
follow sp_runtime / frame_support variant for variant, because clients decode
``System.ExtrinsicFailed{dispatch_error, dispatch_info}`` from our events with our metadata and look
the module error up by (pallet index, error index).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

from tensornet.primitives.scale import (
    U8,
    U64,
    Array,
    Compact,
    Enum,
    Field,
    Struct,
    Tuple,
    Variant,
)

# ---------------------------------------------------------------------------------------------
# origins
# ---------------------------------------------------------------------------------------------

_SIGNED_ORIGINS: dict[bytes, "Origin"] = {}


@dataclass(frozen=True)
class Origin:
    """Who dispatches a call: ``Root``, ``Signed(account)`` or ``None`` (unsigned).

    ``call_filter`` is the origin's own call filter (FRAME's ``OriginTrait::add_filter``), as a
    proxy dispatches with: ``call_filter(pallet, call, args)`` must allow every call dispatched
    with this origin, nested ones included, else the call fails with ``System.CallFiltered``."""

    kind: str  # "Root" | "Signed" | "None"
    who: bytes | None = None
    call_filter: Callable[[str, str, dict], bool] | None = None

    @classmethod
    def root(cls) -> "Origin":
        return cls("Root")

    @classmethod
    def signed(cls, who: bytes) -> "Origin":
        """Origins are immutable, so each account's is built once (bounded; one per transaction)."""
        origin = _SIGNED_ORIGINS.get(who)
        if origin is None:
            if len(_SIGNED_ORIGINS) >= 1 << 16:
                _SIGNED_ORIGINS.clear()
            origin = _SIGNED_ORIGINS[who] = cls("Signed", who)
        return origin

    @classmethod
    def none(cls) -> "Origin":
        return cls("None")

    def filtered(self, call_filter: Callable[[str, str, dict], bool]) -> "Origin":
        """This origin, allowed only the calls ``call_filter`` lets through."""
        return replace(self, call_filter=call_filter)

    @property
    def is_root(self) -> bool:
        return self.kind == "Root"

    def ensure_signed(self) -> bytes:
        if self.kind != "Signed" or self.who is None:
            raise DispatchError.bad_origin()
        return self.who

    def ensure_root(self) -> None:
        if self.kind != "Root":
            raise DispatchError.bad_origin()

    def ensure_none(self) -> None:
        if self.kind != "None":
            raise DispatchError.bad_origin()


# ---------------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------------

TOKEN_ERROR = Enum("sp_runtime::TokenError", [
    "FundsUnavailable", "OnlyProvider", "BelowMinimum", "CannotCreate", "UnknownAsset", "Frozen",
    "Unsupported", "CannotCreateHold", "NotExpendable", "Blocked"])
ARITHMETIC_ERROR = Enum("sp_arithmetic::ArithmeticError", ["Underflow", "Overflow", "DivisionByZero"])
TRANSACTIONAL_ERROR = Enum("sp_runtime::TransactionalError", ["LimitReached", "NoLayer"])
MODULE_ERROR = Struct("sp_runtime::ModuleError", [
    Field("index", U8, "u8"), Field("error", Array(U8, 4), "[u8; MAX_MODULE_ERROR_ENCODED_SIZE]")])

DISPATCH_ERROR_TYPE = Enum("sp_runtime::DispatchError", [
    Variant("Other", (), 0),
    Variant("CannotLookup", (), 1),
    Variant("BadOrigin", (), 2),
    Variant("Module", (Field(None, MODULE_ERROR, "ModuleError"),), 3),
    Variant("ConsumerRemaining", (), 4),
    Variant("NoProviders", (), 5),
    Variant("TooManyConsumers", (), 6),
    Variant("Token", (Field(None, TOKEN_ERROR, "TokenError"),), 7),
    Variant("Arithmetic", (Field(None, ARITHMETIC_ERROR, "ArithmeticError"),), 8),
    Variant("Transactional", (Field(None, TRANSACTIONAL_ERROR, "TransactionalError"),), 9),
    Variant("Exhausted", (), 10),
    Variant("Corruption", (), 11),
    Variant("Unavailable", (), 12),
    Variant("RootNotAllowed", (), 13),
])


class DispatchError(Exception):
    """A failed call. ``value`` is the SCALE value of ``sp_runtime::DispatchError``.

    For module errors ``pallet`` and ``name`` are kept too, so logs and RPC errors can say
    ``SubtensorModule.SubnetNotExists`` instead of ``Module{index: 7, error: 0x…}``.
    """

    #: what the failed call reports of itself (``DispatchErrorWithPostInfo``): None for most errors,
    #: the weight used so far for one that stops part-way (``batch_all``)
    post_info: "PostDispatchInfo | None" = None

    def __init__(self, value: Any, pallet: str = "", name: str = "", docs: str = "") -> None:
        self.value = value
        self.pallet = pallet
        self.name = name
        self.docs = docs
        super().__init__(self.describe())

    def describe(self) -> str:
        if self.name:
            return f"{self.pallet}.{self.name}" + (f": {self.docs}" if self.docs else "")
        if isinstance(self.value, dict):
            (k, v), = self.value.items()
            return f"{k}({v})"
        return str(self.value)

    @classmethod
    def other(cls) -> "DispatchError":
        return cls("Other")

    @classmethod
    def bad_origin(cls) -> "DispatchError":
        return cls("BadOrigin")

    @classmethod
    def cannot_lookup(cls) -> "DispatchError":
        return cls("CannotLookup")

    @classmethod
    def token(cls, reason: str) -> "DispatchError":
        return cls({"Token": reason})

    @classmethod
    def arithmetic(cls, reason: str) -> "DispatchError":
        return cls({"Arithmetic": reason})

    @classmethod
    def module(cls, pallet_index: int, error_index: int, pallet: str, name: str, docs: str = "") -> "DispatchError":
        return cls({"Module": {"index": pallet_index, "error": bytes((error_index, 0, 0, 0))}}, pallet, name, docs)


#: ``DispatchResult`` as events carry it (Sudo's ``Sudid``, Proxy's ``ProxyExecuted``)
DISPATCH_RESULT = Enum(("Result",), [Variant("Ok", (Field(None, Tuple()),), 0),
                                      Variant("Err", (Field(None, DISPATCH_ERROR_TYPE),), 1)],
                       params=(("T", Tuple()), ("E", DISPATCH_ERROR_TYPE)), type_name="DispatchResult")


def dispatch_result(runtime, call_value, origin: Origin) -> dict:
    """Dispatch ``call_value`` in its own layer and return a ``DispatchResult`` value."""
    try:
        runtime.dispatch(call_value, origin)
        return {"Ok": ()}
    except DispatchError as exc:
        return {"Err": exc.value}


# ---------------------------------------------------------------------------------------------
# weights and fees
# ---------------------------------------------------------------------------------------------

WEIGHT_TYPE = Struct("sp_weights::weight_v2::Weight", [
    Field("ref_time", Compact(U64), "u64"), Field("proof_size", Compact(U64), "u64")])
DISPATCH_CLASS = Enum("frame_support::dispatch::DispatchClass", ["Normal", "Operational", "Mandatory"])
PAYS = Enum("frame_support::dispatch::Pays", ["Yes", "No"])
#: what ExtrinsicSuccess / ExtrinsicFailed carry: the weight actually used plus the class's base
#: extrinsic weight, the class, and whether the extrinsic paid after all (frame_system's type)
DISPATCH_EVENT_INFO_TYPE = Struct("frame_system::DispatchEventInfo", [
    Field("weight", WEIGHT_TYPE, "Weight"), Field("class", DISPATCH_CLASS, "DispatchClass"),
    Field("pays_fee", PAYS, "Pays")])

WEIGHT_REF_TIME_PER_SECOND = 1_000_000_000_000
#: frame_support RocksDbWeight as used by subtensor: read 25 µs, write 100 µs
DB_READ = 25_000_000
DB_WRITE = 100_000_000
#: frame_support's ExtrinsicBaseWeight (115_480 ns, benchmarked 2023-12-03), which subtensor's runtime uses
#: unchanged through its polkadot-sdk fork (frame-support 41)
EXTRINSIC_BASE_WEIGHT = 115_480_000
#: frame_support's BlockExecutionWeight (414_528 ns, same 2023-12-03 benchmark), BlockWeights.base_block
BLOCK_EXECUTION_WEIGHT = 414_528_000
MAX_BLOCK_REF_TIME = 4 * WEIGHT_REF_TIME_PER_SECOND
MAX_BLOCK_LENGTH = 10 * 1024 * 1024
NORMAL_DISPATCH_RATIO_PERCENT = 75


@dataclass(frozen=True)
class Weight:
    ref_time: int = 0
    proof_size: int = 0

    def __add__(self, other: "Weight") -> "Weight":
        return Weight(self.ref_time + other.ref_time, self.proof_size + other.proof_size)

    def value(self) -> dict:
        return {"ref_time": self.ref_time, "proof_size": self.proof_size}

    @classmethod
    def db(cls, ref_time: int, reads: int = 0, writes: int = 0, proof_size: int = 0) -> "Weight":
        return cls(ref_time + reads * DB_READ + writes * DB_WRITE, proof_size)


@dataclass(frozen=True)
class DispatchInfo:
    """``weight`` is the call's declared weight; ``extension_weight`` what the transaction extensions
    add (set for a signed extrinsic, see ``transaction_extension_weight``). Fees use their sum,
    as ``pallet_transaction_payment`` uses ``info.total_weight()``."""

    weight: Weight
    dispatch_class: str = "Normal"
    pays_fee: str = "Yes"
    extension_weight: Weight = Weight()

    @property
    def total_weight(self) -> Weight:
        return self.weight + self.extension_weight

    @property
    def total_ref_time(self) -> int:
        """``total_weight.ref_time`` without building the Weight (the fee and block weight need only it)."""
        return self.weight.ref_time + self.extension_weight.ref_time

    def value(self) -> dict:
        return {"weight": self.weight.value(), "class": self.dispatch_class, "pays_fee": self.pays_fee}


@dataclass(frozen=True)
class PostDispatchInfo:
    """What a call reports once it has run (frame_support's ``PostDispatchInfo``): the weight it
    actually used, when it knows it used less than it declared (a batch stopped part-way), and
    whether it pays after all (Sudo's calls do not). Fees, the block weight and the extrinsic's
    event follow it."""

    actual_weight: Weight | None = None
    pays_fee: str = "Yes"


def actual_weight(info: DispatchInfo, post: PostDispatchInfo | None) -> Weight:
    """The weight an applied call counts (``set_extension_weight`` then ``calc_actual_weight``): what
    it reported plus the extensions' weight, never more than it declared; its declaration when it
    reported nothing."""
    if post is None or post.actual_weight is None:
        return info.total_weight
    used, declared = post.actual_weight + info.extension_weight, info.total_weight
    return Weight(min(used.ref_time, declared.ref_time), min(used.proof_size, declared.proof_size))


def actual_pays(info: DispatchInfo, post: PostDispatchInfo | None) -> str:
    """``PostDispatchInfo::pays_fee``: a call declared free stays free; one may also waive its fee."""
    return "No" if info.pays_fee == "No" or (post is not None and post.pays_fee == "No") else "Yes"


#: weights of subtensor's ``TxExtension`` parts that every signed extrinsic carries (their
#: ``TransactionExtension::weight``): frame_system's ``SubstrateExtensionsWeight`` (CheckNonZeroSender,
#: CheckSpecVersion, CheckTxVersion, CheckGenesis, CheckMortality, CheckWeight), subtensor's CheckNonce
#: (zero), ChargeTransactionPaymentWrapper (``charge_transaction_payment`` + 3 reads), Sudo's and
#: Drand's extensions and CheckMetadataHash (zero), shield's CheckShieldedTxValidity and
#: SubtensorTransactionExtension's always-on CheckColdkeySwap guard.
TX_EXTENSION_WEIGHTS = {
    "CheckNonZeroSender": Weight(527_000),
    "CheckSpecVersion": Weight(461_000),
    "CheckTxVersion": Weight(439_000),
    "CheckGenesis": Weight.db(4_160_000, reads=1, proof_size=3509),
    "CheckMortality": Weight.db(6_523_000, reads=1, proof_size=3509),  # mortal and immortal alike
    "CheckWeight": Weight.db(4_747_000, reads=1, writes=1, proof_size=1489),
    "ChargeTransactionPaymentWrapper": Weight.db(51_786_000, reads=4 + 3, writes=1, proof_size=3593),
    "CheckShieldedTxValidity": Weight.db(1_000_000, reads=1),
    "SubtensorTransactionExtension.CheckColdkeySwap": Weight.db(17_583_000, reads=2, proof_size=4198),
}
#: SubtensorTransactionExtension's guards charged only for the (top-level) calls they apply to
TX_GUARD_WEIGHTS = {
    "check_weights": (Weight.db(52_958_000, reads=11, proof_size=7671), frozenset({
        "batch_commit_weights", "batch_reveal_weights", "batch_set_weights", "commit_crv3_mechanism_weights",
        "commit_mechanism_weights", "commit_timelocked_mechanism_weights", "commit_timelocked_weights",
        "commit_weights", "reveal_mechanism_weights", "reveal_weights", "set_mechanism_weights",
        "set_weights"})),
    "check_rate_limits": (Weight.db(35_376_000, reads=7, proof_size=4484), frozenset({
        "commit_mechanism_weights", "commit_weights", "register_network", "set_mechanism_weights",
        "set_weights"})),
    "check_delegate_take": (Weight.db(15_378_000, reads=3, proof_size=4186),
                            frozenset({"decrease_take", "increase_take"})),
    "check_serving_endpoints": (Weight.db(19_035_000, reads=3, proof_size=4112),
                                frozenset({"serve_axon", "serve_axon_tls", "serve_prometheus"})),
    "check_evm_key_association": (Weight.db(15_448_000, reads=2, proof_size=4117),
                                  frozenset({"associate_evm_key"})),
}


def _sum_weights(weights: Any) -> Weight:
    total = Weight()
    for w in weights:
        total = total + w
    return total


#: the always-charged part, summed once (every signed extrinsic is weighed at least twice)
_BASE_EXTENSION_WEIGHT = _sum_weights(TX_EXTENSION_WEIGHTS.values())


def transaction_extension_weight(call_value: Any) -> Weight:
    """What subtensor's transaction extensions weigh for a signed extrinsic carrying ``call_value``."""
    total = _BASE_EXTENSION_WEIGHT
    (pallet, inner), = call_value.items()
    if pallet == "SubtensorModule":
        name = inner if isinstance(inner, str) else next(iter(inner))
        for w, calls in TX_GUARD_WEIGHTS.values():
            if name in calls:
                total = total + w
    return total


def weight_to_fee(ref_time: int) -> int:
    """Subtensor's LinearWeightToFee: 0.0005 rao per unit of ref_time (Perbill 500_000).

    ``WeightToFeePolynomial`` multiplies with ``Perbill * balance``, which rounds to the nearest
    integer with ties going down (``Rounding::NearestPrefDown``), not a floor.
    """
    quotient, remainder = divmod(ref_time * 500_000, 1_000_000_000)
    return quotient + (1 if 2 * remainder > 1_000_000_000 else 0)


_BASE_FEE = weight_to_fee(EXTRINSIC_BASE_WEIGHT)


def compute_fee(length: int, info: DispatchInfo, tip: int) -> int:
    """pallet_transaction_payment's fee: base + length + weight fee (multiplier 1), plus the tip.

    ``Pays::No`` calls pay only the tip: ``compute_fee_raw`` drops the inclusion fee but keeps the
    tip, and ``FeeDetails::final_fee`` adds it. The weight fee uses the weight capped at the block
    maximum, as ``Pallet::weight_to_fee`` does.
    """
    return compute_fee_raw(length, info.total_ref_time, tip, info.pays_fee)


def compute_fee_raw(length: int, ref_time: int, tip: int, pays: str) -> int:
    """``compute_fee_raw``: the fee of ``length`` bytes weighing ``ref_time`` (after dispatch: the
    actual weight and pays, for ``compute_actual_fee``)."""
    if pays == "No":
        return tip
    length_fee = length  # IdentityFee: 1 rao per byte
    return _BASE_FEE + length_fee + weight_to_fee(min(ref_time, MAX_BLOCK_REF_TIME)) + tip


def fee_details(length: int, info: DispatchInfo, tip: int) -> dict:
    """``FeeDetails`` for ``payment_queryFeeDetails`` / the runtime API."""
    if info.pays_fee == "No":
        return {"inclusion_fee": None, "tip": tip}
    return {"inclusion_fee": {"base_fee": weight_to_fee(EXTRINSIC_BASE_WEIGHT), "len_fee": length,
                              "adjusted_weight_fee": weight_to_fee(min(info.total_weight.ref_time, MAX_BLOCK_REF_TIME))},
            "tip": tip}
