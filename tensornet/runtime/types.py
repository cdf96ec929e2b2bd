"""Chain-wide SCALE types with the exact metadata paths real clients special-case.

See ``spec/client-compat.md`` §2 "Paths that clients special-case": scalecodec and bittensor-core
recognise these types by path, so the paths and variant orders below are not free to change.
"""
from __future__ import annotations

from tensornet.primitives.era import decode_era, encode_era
from tensornet.primitives.scale import (
    AccountId, Array, Bytes, Compact, Custom, Str, Enum, Field, H256, Struct, Tuple, U8, U32, U64,
    U128, Variant, Vec,
)

# ---------------------------------------------------------------------------------------------
# addresses and signatures
# ---------------------------------------------------------------------------------------------

MULTI_ADDRESS = Enum(("sp_runtime", "multiaddress", "MultiAddress"), [
    Variant("Id", (Field(None, AccountId, "AccountId"),), 0),
    Variant("Index", (Field(None, Compact(Tuple()), "AccountIndex"),), 1),
    Variant("Raw", (Field(None, Bytes, "Vec<u8>"),), 2),
    Variant("Address32", (Field(None, Array(U8, 32), "[u8; 32]"),), 3),
    Variant("Address20", (Field(None, Array(U8, 20), "[u8; 20]"),), 4),
], params=(("AccountId", AccountId), ("AccountIndex", Tuple())), type_name="MultiAddress")


def lookup_address(value) -> bytes:
    """Resolve a ``MultiAddress`` value to an account id (only ``Id`` and ``Address32`` resolve)."""
    if isinstance(value, dict):
        (kind, payload), = value.items()
        if kind in ("Id", "Address32") and isinstance(payload, bytes) and len(payload) == 32:
            return payload
    # imported here, on the failure path only: dispatch imports this module
    from tensornet.runtime.dispatch import DispatchError

    raise DispatchError.cannot_lookup()


SIGNATURE_64 = Array(U8, 64)
MULTI_SIGNATURE = Enum(("sp_runtime", "MultiSignature"), [
    Variant("Ed25519", (Field(None, Array(U8, 64), "ed25519::Signature"),), 0),
    Variant("Sr25519", (Field(None, Array(U8, 64), "sr25519::Signature"),), 1),
    Variant("Ecdsa", (Field(None, Array(U8, 65), "ecdsa::Signature"),), 2),
], type_name="MultiSignature")

# ---------------------------------------------------------------------------------------------
# Era: a 256-variant enum in metadata, a 1- or 2-byte custom codec on the wire
# ---------------------------------------------------------------------------------------------

_ERA_SHAPE = Enum(("sp_runtime", "generic", "era", "Era"),
                  [Variant("Immortal", (), 0)] +
                  [Variant(f"Mortal{i}", (Field(None, U8, "u8"),), i) for i in range(1, 256)],
                  type_name="Era")
ERA = Custom(_ERA_SHAPE, encode_era, decode_era)

# ---------------------------------------------------------------------------------------------
# accounts
# ---------------------------------------------------------------------------------------------

EXTRA_FLAGS = Struct(("pallet_balances", "types", "ExtraFlags"), [Field(None, U128, "u128")])
ACCOUNT_DATA = Struct(("pallet_balances", "types", "AccountData"), [
    Field("free", U64, "Balance"), Field("reserved", U64, "Balance"), Field("frozen", U64, "Balance"),
    Field("flags", EXTRA_FLAGS, "ExtraFlags")], params=(("Balance", U64),), type_name="AccountData")
ACCOUNT_INFO = Struct(("frame_system", "AccountInfo"), [
    Field("nonce", U32, "Nonce"), Field("consumers", U32, "RefCount"), Field("providers", U32, "RefCount"),
    Field("sufficients", U32, "RefCount"), Field("data", ACCOUNT_DATA, "AccountData")],
    params=(("Nonce", U32), ("AccountData", ACCOUNT_DATA)), type_name="AccountInfo")
#: the new-account flag pallet_balances sets on accounts created after its migration
NEW_LOGIC_FLAG = 1 << 127

# ---------------------------------------------------------------------------------------------
# blocks
# ---------------------------------------------------------------------------------------------

DIGEST_ITEM = Enum(("sp_runtime", "generic", "digest", "DigestItem"), [
    Variant("Other", (Field(None, Bytes, "Vec<u8>"),), 0),
    Variant("Consensus", (Field(None, Array(U8, 4), "ConsensusEngineId"), Field(None, Bytes, "Vec<u8>")), 4),
    Variant("Seal", (Field(None, Array(U8, 4), "ConsensusEngineId"), Field(None, Bytes, "Vec<u8>")), 5),
    Variant("PreRuntime", (Field(None, Array(U8, 4), "ConsensusEngineId"), Field(None, Bytes, "Vec<u8>")), 6),
    Variant("RuntimeEnvironmentUpdated", (), 8),
], type_name="DigestItem")
DIGEST = Struct(("sp_runtime", "generic", "digest", "Digest"), [Field("logs", Vec(DIGEST_ITEM), "Vec<DigestItem>")],
                type_name="Digest")
HEADER = Struct(("sp_runtime", "generic", "header", "Header"), [
    Field("parent_hash", H256, "Hash::Output"), Field("number", Compact(U32), "Number"),
    Field("state_root", H256, "Hash::Output"), Field("extrinsics_root", H256, "Hash::Output"),
    Field("digest", DIGEST, "Digest")], params=(("Number", U32), ("Hash", None)), type_name="Header")

PHASE = Enum(("frame_system", "Phase"), [
    Variant("ApplyExtrinsic", (Field(None, U32, "u32"),), 0), Variant("Finalization", (), 1),
    Variant("Initialization", (), 2)], type_name="Phase")

RUNTIME_VERSION = Struct(("sp_version", "RuntimeVersion"), [
    Field("spec_name", Str, "RuntimeString"), Field("impl_name", Str, "RuntimeString"),
    Field("authoring_version", U32, "u32"), Field("spec_version", U32, "u32"),
    Field("impl_version", U32, "u32"), Field("apis", Vec(Tuple(Array(U8, 8), U32)), "ApisVec"),
    Field("transaction_version", U32, "u32"), Field("system_version", U8, "u8")], type_name="RuntimeVersion")

