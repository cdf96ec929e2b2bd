"""Substrate's core runtime APIs: Core, Metadata, AccountNonceApi, TransactionPayment(Call)Api,
TaggedTransactionQueue.

Each method receives an ``ApiContext``: the query runtime already pointed at the requested block's
state, the executive for transaction checks, and the metadata provider.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from tensornet.primitives.scale import (
    AccountId, Bool, Bytes, Enum, Field, H256, Newtype, Option, Struct, Tuple, U8, U32, U64, Variant, Vec,
)
from tensornet.runtime.apis import ApiMethod, RuntimeApi
from tensornet.runtime.dispatch import (
    DISPATCH_CLASS, WEIGHT_TYPE, compute_fee, fee_details, transaction_extension_weight, weight_to_fee,
)
from tensornet.runtime.extensions import SIGNED_EXTENSIONS
from tensornet.runtime.extrinsic import MalformedExtrinsic, unchecked_extrinsic_type
from tensornet.runtime.outer import RUNTIME_CALL
from tensornet.runtime.types import RUNTIME_VERSION
from tensornet.runtime.validity import TransactionValidityError

OPAQUE_METADATA = Newtype("sp_core::OpaqueMetadata", Bytes)
RUNTIME_DISPATCH_INFO = Struct(("pallet_transaction_payment", "types", "RuntimeDispatchInfo"), [
    Field("weight", WEIGHT_TYPE, "Weight"), Field("class", DISPATCH_CLASS, "DispatchClass"),
    Field("partial_fee", U64, "Balance")], params=(("Balance", U64), ("Weight", WEIGHT_TYPE)))
INCLUSION_FEE = Struct(("pallet_transaction_payment", "types", "InclusionFee"), [
    Field("base_fee", U64, "Balance"), Field("len_fee", U64, "Balance"), Field("adjusted_weight_fee", U64, "Balance")],
    params=(("Balance", U64),))
FEE_DETAILS = Struct(("pallet_transaction_payment", "types", "FeeDetails"), [
    Field("inclusion_fee", Option(INCLUSION_FEE), "Option<InclusionFee<Balance>>"), Field("tip", U64, "Balance")],
    params=(("Balance", U64),))
TRANSACTION_SOURCE = Enum(("sp_runtime", "transaction_validity", "TransactionSource"), ["InBlock", "Local", "External"])
INVALID_TRANSACTION = Enum(("sp_runtime", "transaction_validity", "InvalidTransaction"), [
    "Call", "Payment", "Future", "Stale", "BadProof", "AncientBirthBlock", "ExhaustsResources",
    ("Custom", [Field(None, U8, "u8")]), "BadMandatory", "MandatoryValidation", "BadSigner",
    "IndeterminateImplicit", "UnknownOrigin"])
UNKNOWN_TRANSACTION = Enum(("sp_runtime", "transaction_validity", "UnknownTransaction"), [
    "CannotLookup", "NoUnsignedValidator", ("Custom", [Field(None, U8, "u8")])])
TRANSACTION_VALIDITY_ERROR = Enum(("sp_runtime", "transaction_validity", "TransactionValidityError"), [
    ("Invalid", [Field(None, INVALID_TRANSACTION, "InvalidTransaction")]),
    ("Unknown", [Field(None, UNKNOWN_TRANSACTION, "UnknownTransaction")])])
VALID_TRANSACTION = Struct(("sp_runtime", "transaction_validity", "ValidTransaction"), [
    Field("priority", U64, "TransactionPriority"), Field("requires", Vec(Bytes), "Vec<TransactionTag>"),
    Field("provides", Vec(Bytes), "Vec<TransactionTag>"), Field("longevity", U64, "TransactionLongevity"),
    Field("propagate", Bool, "bool")])
TRANSACTION_VALIDITY = Enum(("Result",), [
    Variant("Ok", (Field(None, VALID_TRANSACTION),), 0), Variant("Err", (Field(None, TRANSACTION_VALIDITY_ERROR),), 1)],
    params=(("T", VALID_TRANSACTION), ("E", TRANSACTION_VALIDITY_ERROR)))


@dataclass
class ApiContext:
    """What an API method may use: the runtime at the requested block, and node services."""

    runtime: Any          # Runtime, pointed at ``state``
    executive: Any        # Executive (for transaction checks)
    state: Any
    best_number: int
    metadata: Any         # object with v14() and v15() -> bytes


def extra_type():
    return Tuple(*(ext.ty for ext in SIGNED_EXTENSIONS))


def _query_info(ctx: ApiContext, uxt: bytes, length: int) -> dict:
    info, xt = _dispatch_info_of(ctx, uxt)
    return {"weight": info.total_weight.value(), "class": info.dispatch_class,
            "partial_fee": compute_fee(length, info, 0) if xt.signed else 0}


def _dispatch_info_of(ctx: ApiContext, uxt: bytes):
    """The dispatch info of an extrinsic: a signed one also weighs its transaction extensions."""
    try:
        xt = ctx.executive.decode(uxt)
    except MalformedExtrinsic as exc:
        raise ValueError(str(exc)) from None
    info = ctx.runtime.call_info(xt.call)
    if xt.signed:
        info = replace(info, extension_weight=transaction_extension_weight(xt.call))
    return info, xt


def _query_fee_details(ctx: ApiContext, uxt: bytes, length: int) -> dict:
    info, xt = _dispatch_info_of(ctx, uxt)
    if not xt.signed:
        return {"inclusion_fee": None, "tip": 0}
    return fee_details(length, info, xt.extra.tip)


def _call_info(ctx: ApiContext, call: Any, length: int) -> dict:
    info = ctx.runtime.call_info(call)
    return {"weight": info.weight.value(), "class": info.dispatch_class, "partial_fee": compute_fee(length, info, 0)}


def _call_fee_details(ctx: ApiContext, call: Any, length: int) -> dict:
    return fee_details(length, ctx.runtime.call_info(call), 0)


def _validate(ctx: ApiContext, source: str, uxt: bytes, block_hash: bytes) -> dict:
    try:
        _, valid = ctx.executive.validate_transaction(uxt, ctx.state, ctx.best_number)
    except MalformedExtrinsic:
        return {"Err": {"Unknown": "CannotLookup"}}
    except TransactionValidityError as exc:
        kind = exc.kind
        variant: Any = {"Custom": int(kind[7:-1])} if kind.startswith("Custom(") else kind
        family = "Invalid" if exc.rpc_code == 1010 else "Unknown"
        return {"Err": {family: variant}}
    return {"Ok": {"priority": valid.priority, "requires": list(valid.requires), "provides": list(valid.provides),
                   "longevity": valid.longevity, "propagate": valid.propagate}}


def core_apis() -> list[RuntimeApi]:
    """The APIs every Substrate node serves."""
    uxt = unchecked_extrinsic_type(_LazyRuntime(), extra_type())
    return [
        RuntimeApi("Core", 5, [
            ApiMethod("version", [], RUNTIME_VERSION, lambda ctx: ctx.runtime.version_value(), "Returns the version of the runtime."),
        ], "The `Core` runtime api that every Substrate runtime needs to implement."),
        RuntimeApi("Metadata", 2, [
            ApiMethod("metadata", [], OPAQUE_METADATA, lambda ctx: ctx.metadata.v14(), "Returns the metadata of a runtime."),
            ApiMethod("metadata_at_version", [("version", U32)], Option(OPAQUE_METADATA),
                      lambda ctx, v: ctx.metadata.at_version(v), "Returns the metadata at a given version."),
            ApiMethod("metadata_versions", [], Vec(U32), lambda ctx: ctx.metadata.versions(),
                      "Returns the supported metadata versions."),
        ], "The `Metadata` api trait that returns metadata for the runtime."),
        RuntimeApi("AccountNonceApi", 1, [
            ApiMethod("account_nonce", [("account", AccountId)], U32,
                      lambda ctx, who: ctx.runtime.pallets["System"].account_nonce(who), "Get current account nonce of given `AccountId`."),
        ], "The API to query account nonce."),
        RuntimeApi("TaggedTransactionQueue", 3, [
            ApiMethod("validate_transaction", [("source", TRANSACTION_SOURCE), ("tx", uxt), ("block_hash", H256)],
                      TRANSACTION_VALIDITY, _validate, "Validate the transaction."),
        ], "The `TaggedTransactionQueue` api trait for interfering with the transaction queue."),
        RuntimeApi("TransactionPaymentApi", 4, [
            ApiMethod("query_info", [("uxt", uxt), ("len", U32)], RUNTIME_DISPATCH_INFO, _query_info),
            ApiMethod("query_fee_details", [("uxt", uxt), ("len", U32)], FEE_DETAILS, _query_fee_details),
            ApiMethod("query_weight_to_fee", [("weight", WEIGHT_TYPE)], U64,
                      lambda ctx, w: weight_to_fee(w["ref_time"])),
            ApiMethod("query_length_to_fee", [("length", U32)], U64, lambda ctx, n: n),
        ]),
        RuntimeApi("TransactionPaymentCallApi", 3, [
            ApiMethod("query_call_info", [("call", RUNTIME_CALL), ("len", U32)], RUNTIME_DISPATCH_INFO, _call_info),
            ApiMethod("query_call_fee_details", [("call", RUNTIME_CALL), ("len", U32)], FEE_DETAILS, _call_fee_details),
            ApiMethod("query_weight_to_fee", [("weight", WEIGHT_TYPE)], U64,
                      lambda ctx, w: weight_to_fee(w["ref_time"])),
            ApiMethod("query_length_to_fee", [("length", U32)], U64, lambda ctx, n: n),
        ]),
    ]


class _LazyRuntime:
    """Gives ``unchecked_extrinsic_type`` the call type before the runtime object exists."""

    @property
    def call_type(self):
        from tensornet.runtime.outer import RUNTIME_CALL

        return RUNTIME_CALL
