"""SubtensorModule's shared SCALE types, with subtensor's type paths so metadata names match.

Clients (bittensor SDK, btcli, polkadot.js) decode storage and events by the type names and field
orders in the metadata, so each struct here mirrors the Rust declaration field for field:
``pallets/subtensor/src/lib.rs`` (AxonInfo, PrometheusInfo, NeuronCertificate, identities, enums),
``staking/lock.rs`` (LockState), ``subnets/leasing.rs`` (SubnetLease), ``primitives/share-pool``
(SafeFloat) and ``common/src`` (the NetUid/TaoBalance/AlphaBalance newtypes).

Python values follow ``tensornet.primitives.scale``: newtypes are bare ints, structs are dicts,
unit enums are variant names.
"""
from __future__ import annotations

from tensornet.primitives.scale import (
    I64,
    U8,
    U16,
    U32,
    U64,
    U64F64,
    U128,
    AccountId,
    Array,
    BoundedBytes,
    Bytes,
    Enum,
    Field,
    Newtype,
    Option,
    ScaleType,
    Struct,
    Tuple,
    Vec,
)

ZERO_ACCOUNT = bytes(32)
"""``T::AccountId::decode(TrailingZeroInput::zeroes())``: the default of every account-valued item."""

_COMMON = "subtensor_runtime_common"
_PALLET = "pallet_subtensor::pallet"

# --- newtypes (common/src/lib.rs, common/src/currency.rs) ----------------------------------------
NetUid = Newtype(f"{_COMMON}::NetUid", U16, "NetUid")
NetUidStorageIndex = Newtype(f"{_COMMON}::NetUidStorageIndex", U16, "NetUidStorageIndex")
MechId = Newtype(f"{_COMMON}::MechId", U8, "MechId")
TaoBalance = Newtype(f"{_COMMON}::currency::TaoBalance", U64, "TaoBalance")
AlphaBalance = Newtype(f"{_COMMON}::currency::AlphaBalance", U64, "AlphaBalance")
Percent = Newtype("sp_arithmetic::per_things::Percent", U8, "Percent")
PalletId = Newtype("frame_support::PalletId", Array(U8, 8), "PalletId")
NonZeroU64 = Newtype("NonZeroU64", U64, "NonZeroU64")


def BTreeMap(key: ScaleType, value: ScaleType) -> Struct:
    """``BTreeMap<K, V>`` as scale-info shows it: a composite over ``Vec<(K, V)>`` (value: sorted list of tuples)."""
    return Struct(("BTreeMap",), [Field(None, Vec(Tuple(key, value)))], params=(("K", key), ("V", value)),
                  type_name=f"BTreeMap<{key.type_name}, {value.type_name}>")


def BTreeSet(item: ScaleType) -> Struct:
    """``BTreeSet<T>``: a composite over ``Vec<T>`` (value: sorted list)."""
    return Struct(("BTreeSet",), [Field(None, Vec(item))], params=(("T", item),),
                  type_name=f"BTreeSet<{item.type_name}>")


# --- structs of the pallet (lib.rs) ---------------------------------------------------------------
AxonInfo = Struct(f"{_PALLET}::AxonInfo", [
    ("block", U64, "u64"), ("version", U32, "u32"), ("ip", U128, "u128"), ("port", U16, "u16"),
    ("ip_type", U8, "u8"), ("protocol", U8, "u8"), ("placeholder1", U8, "u8"), ("placeholder2", U8, "u8")])

PrometheusInfo = Struct(f"{_PALLET}::PrometheusInfo", [
    ("block", U64, "u64"), ("version", U32, "u32"), ("ip", U128, "u128"), ("port", U16, "u16"),
    ("ip_type", U8, "u8")])

NeuronCertificate = Struct(f"{_PALLET}::NeuronCertificate", [
    ("public_key", BoundedBytes(64), "BoundedVec<u8, ConstU32<64>>"), ("algorithm", U8, "u8")])

ChainIdentityV2 = Struct(f"{_PALLET}::ChainIdentityV2", [
    (name, Bytes, "Vec<u8>") for name in
    ("name", "url", "github_repo", "image", "discord", "description", "additional")])

SUBNET_IDENTITY_V3_FIELDS = ("subnet_name", "github_repo", "subnet_contact", "subnet_url", "discord",
                             "description", "logo_url", "additional")
SubnetIdentityV3 = Struct(f"{_PALLET}::SubnetIdentityV3", [
    (name, Bytes, "Vec<u8>") for name in SUBNET_IDENTITY_V3_FIELDS])

EpochConsensus = Enum(f"{_PALLET}::EpochConsensus", ["Yuma", "Null"])
"""Which epoch a subnet runs (bittensor 11 reads ``SubnetEpochConsensus``); this chain runs Yuma only."""

RecycleOrBurnEnum = Enum(f"{_PALLET}::RecycleOrBurnEnum", ["Burn", "Recycle"])

RootClaimTypeEnum = Enum(f"{_PALLET}::RootClaimTypeEnum", [
    ("Swap", []), ("Keep", []),
    ("KeepSubnets", [("subnets", BTreeSet(NetUid), "BTreeSet<NetUid>")])])

# --- other modules -----------------------------------------------------------------------------
LockState = Struct("pallet_subtensor::staking::lock::LockState", [
    ("locked_mass", AlphaBalance, "AlphaBalance"), ("conviction", U64F64, "U64F64"),
    ("last_update", U64, "u64")])

SafeFloat = Struct("share_pool::SafeFloat", [("mantissa", U128, "u128"), ("exponent", I64, "i64")])

SubnetLease = Struct("pallet_subtensor::subnets::leasing::SubnetLease", [
    ("beneficiary", AccountId, "AccountId"), ("coldkey", AccountId, "AccountId"), ("hotkey", AccountId, "AccountId"),
    ("emissions_share", Percent, "Percent"), ("end_block", Option(U32), "Option<BlockNumber>"),
    ("netuid", NetUid, "NetUid"), ("cost", TaoBalance, "Balance")],
    params=(("AccountId", AccountId), ("BlockNumber", U32), ("Balance", TaoBalance)))

HYPERPARAMETERS = (
    "Unknown", "ServingRateLimit", "MaxDifficulty", "AdjustmentAlpha", "MaxWeightLimit", "ImmunityPeriod",
    "MinAllowedWeights", "Kappa", "Rho", "ActivityCutoff", "PowRegistrationAllowed", "MinBurn", "MaxBurn",
    "BondsMovingAverage", "BondsPenalty", "CommitRevealEnabled", "LiquidAlphaEnabled", "AlphaValues",
    "WeightCommitInterval", "TransferEnabled", "AlphaSigmoidSteepness", "Yuma3Enabled", "BondsResetEnabled",
    "ImmuneNeuronLimit", "RecycleOrBurn", "MaxAllowedUids", "BurnHalfLife", "BurnIncreaseMult",
    "SubnetEmissionEnabled", "MinChildkeyTake", "ActivityCutoffFactorMilli", "TriggerEpoch")
"""``utils/rate_limiting.rs`` Hyperparameter, discriminants 0.. in this order."""
Hyperparameter = Enum("pallet_subtensor::utils::rate_limiting::Hyperparameter", list(HYPERPARAMETERS))

RateLimitKey = Enum("pallet_subtensor::RateLimitKey", [
    ("SetSNOwnerHotkey", [(None, NetUid, "NetUid")], 0),
    ("OwnerHyperparamUpdate", [(None, NetUid, "NetUid"), (None, Hyperparameter, "Hyperparameter")], 1),
    ("NetworkLastRegistered", [], 2),
    ("LastTxBlock", [(None, AccountId, "AccountId")], 3),
    ("LastTxBlockChildKeyTake", [(None, AccountId, "AccountId")], 4),
    ("LastTxBlockDelegateTake", [(None, AccountId, "AccountId")], 5),
    ("AddStakeBurn", [(None, NetUid, "NetUid")], 6)], params=(("AccountId", AccountId),))

DEFAULT_TOKEN_SYMBOL = b"\xf0\x9d\x9c\x8f"
"""𝜏 (U+1D70F), TokenSymbol's default and root's symbol."""

__all__ = [n for n in dir() if not n.startswith("_")]
