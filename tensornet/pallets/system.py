"""frame_system (index 0): accounts and nonces, block number and hashes, events."""
from __future__ import annotations

from tensornet.primitives.scale import (
    AccountId, Bool, Bytes, Compact, Field, H256, Option, Str, Struct, Tuple, U16, U32, U64, Vec,
)
from tensornet.runtime.dispatch import DB_READ, DB_WRITE, DISPATCH_ERROR_TYPE, DISPATCH_EVENT_INFO_TYPE, WEIGHT_TYPE, Weight
from tensornet.runtime.pallet import ConstantDef, EventDef, Pallet, call
from tensornet.runtime.types import DIGEST, PHASE
from tensornet.storage.items import StorageMap, StorageValue

from .system_account import AccountMap

BLOCK_HASH_COUNT = 2400
SS58_PREFIX = 42


def _kill_prefix_weight(p: int) -> Weight:
    """frame_system ``SubstrateWeight::kill_prefix(p)``, charged with ``p = subkeys + 1``."""
    return Weight.db(4_270_000 + 1_389_650 * p, reads=p, writes=p, proof_size=128 + 70 * p)

PER_DISPATCH_CLASS_WEIGHT = Struct(("frame_support", "dispatch", "PerDispatchClass"), [
    Field("normal", WEIGHT_TYPE, "T"), Field("operational", WEIGHT_TYPE, "T"),
    Field("mandatory", WEIGHT_TYPE, "T")], params=(("T", WEIGHT_TYPE),), type_name="PerDispatchClass")
LAST_RUNTIME_UPGRADE = Struct(("frame_system", "LastRuntimeUpgradeInfo"), [
    Field("spec_version", Compact(U32), "codec::Compact<u32>"), Field("spec_name", Str, "Cow<'static, str>")])
DB_WEIGHT_TYPE = Struct(("sp_weights", "RuntimeDbWeight"), [Field("read", U64, "u64"), Field("write", U64, "u64")])
PER_CLASS_U32 = Struct(("frame_support", "dispatch", "PerDispatchClass"), [
    Field("normal", U32, "T"), Field("operational", U32, "T"), Field("mandatory", U32, "T")],
    params=(("T", U32),), type_name="PerDispatchClass")
BLOCK_LENGTH = Struct(("frame_system", "limits", "BlockLength"), [Field("max", PER_CLASS_U32, "PerDispatchClass<u32>")])
WEIGHTS_PER_CLASS = Struct(("frame_system", "limits", "WeightsPerClass"), [
    Field("base_extrinsic", WEIGHT_TYPE, "Weight"), Field("max_extrinsic", Option(WEIGHT_TYPE), "Option<Weight>"),
    Field("max_total", Option(WEIGHT_TYPE), "Option<Weight>"), Field("reserved", Option(WEIGHT_TYPE), "Option<Weight>")])
PER_CLASS_WPC = Struct(("frame_support", "dispatch", "PerDispatchClass"), [
    Field("normal", WEIGHTS_PER_CLASS, "T"), Field("operational", WEIGHTS_PER_CLASS, "T"),
    Field("mandatory", WEIGHTS_PER_CLASS, "T")], params=(("T", WEIGHTS_PER_CLASS),), type_name="PerDispatchClass")
BLOCK_WEIGHTS = Struct(("frame_system", "limits", "BlockWeights"), [
    Field("base_block", WEIGHT_TYPE, "Weight"), Field("max_block", WEIGHT_TYPE, "Weight"),
    Field("per_class", PER_CLASS_WPC, "PerDispatchClass<WeightsPerClass>")])


class System(Pallet):
    NAME, INDEX, CRATE = "System", 0, "frame_system"
    DOCS = "Accounts, nonces, block hashes and events."

    Account = AccountMap(docs="The full account information for a particular account ID.")
    ExtrinsicCount = StorageValue(U32, optional=True, docs="Total extrinsics count for the current block.")
    BlockWeight = StorageValue(PER_DISPATCH_CLASS_WEIGHT, docs="The current weight for the block.")
    AllExtrinsicsLen = StorageValue(U32, optional=True, docs="Total length (in bytes) for all extrinsics put together, for the current block.")
    BlockHash = StorageMap("Twox64Concat", U32, H256, docs="Map of block numbers to block hashes.")
    ExtrinsicData = StorageMap("Twox64Concat", U32, Bytes, docs="Extrinsics data for the current block (maps an extrinsic's index to its data).")
    Number = StorageValue(U32, docs="The current block number being processed. Set by `execute_block`.")
    ParentHash = StorageValue(H256, docs="Hash of the previous block.")
    Digest = StorageValue(DIGEST, docs="Digest of the current block, also part of the block header.")
    # Events is declared with its real type by the runtime (it needs the outer RuntimeEvent enum).
    EventCount = StorageValue(U32, docs="The number of events in the `Events<T>` list.")
    EventTopics = StorageMap("Blake2_128Concat", H256, Vec(Tuple(U32, U32)), docs="Mapping between a topic and the events that reference it.")
    LastRuntimeUpgrade = StorageValue(LAST_RUNTIME_UPGRADE, optional=True, docs="Stores the `spec_version` and `spec_name` of when the last runtime upgrade happened.")
    UpgradedToU32RefCount = StorageValue(Bool, docs="True if we have upgraded so that `type RefCount` is `u32`.")
    UpgradedToTripleRefCount = StorageValue(Bool, docs="True if we have upgraded so that AccountInfo contains three types of `RefCount`.")
    ExecutionPhase = StorageValue(PHASE, optional=True, docs="The execution phase of the block.")

    EVENTS = [
        EventDef("ExtrinsicSuccess", [("dispatch_info", DISPATCH_EVENT_INFO_TYPE, "DispatchEventInfo")], "An extrinsic completed successfully."),
        EventDef("ExtrinsicFailed", [("dispatch_error", DISPATCH_ERROR_TYPE, "DispatchError"),
                                     ("dispatch_info", DISPATCH_EVENT_INFO_TYPE, "DispatchEventInfo")], "An extrinsic failed."),
        EventDef("CodeUpdated", [], "`:code` was updated."),
        EventDef("NewAccount", [("account", AccountId, "T::AccountId")], "A new account was created."),
        EventDef("KilledAccount", [("account", AccountId, "T::AccountId")], "An account was reaped."),
        EventDef("Remarked", [("sender", AccountId, "T::AccountId"), ("hash", H256, "T::Hash")], "On on-chain remark happened."),
    ]
    ERRORS = [
        ("InvalidSpecName", "The name of specification does not match between the current runtime and the new runtime."),
        ("SpecVersionNeedsToIncrease", "The specification version is not allowed to decrease between the current runtime and the new runtime."),
        ("FailedToExtractRuntimeVersion", "Failed to extract the runtime version from the new runtime."),
        ("NonDefaultComposite", "Suicide called when the account has non-default composite data."),
        ("NonZeroRefCount", "There is a non-zero reference count preventing the account from being purged."),
        ("CallFiltered", "The origin filter prevent the call to be dispatched."),
        ("MultiBlockMigrationsOngoing", "A multi-block migration is ongoing and prevents the current code from being replaced."),
        ("NothingAuthorized", "No upgrade authorized."),
        ("Unauthorized", "The submitted code is not authorized."),
    ]

    @classmethod
    def constants(cls, runtime) -> list[ConstantDef]:
        from tensornet.runtime.block_limits import MAX_LENGTH, block_weights_value
        from tensornet.runtime.types import RUNTIME_VERSION

        return [
            ConstantDef("BlockWeights", BLOCK_WEIGHTS, block_weights_value(), "Block & extrinsics weights: base values and limits."),
            ConstantDef("BlockLength", BLOCK_LENGTH, {"max": dict(MAX_LENGTH)}, "The maximum length of a block (in bytes)."),
            ConstantDef("BlockHashCount", U32, BLOCK_HASH_COUNT, "Maximum number of block number to block hash mappings to keep (oldest pruned first)."),
            ConstantDef("DbWeight", DB_WEIGHT_TYPE, {"read": DB_READ, "write": DB_WRITE}, "The weight of runtime database operations the runtime can invoke."),
            ConstantDef("Version", RUNTIME_VERSION, runtime.version_value(), "Get the chain's in-code version."),
            ConstantDef("SS58Prefix", U16, SS58_PREFIX, "The designated SS58 prefix of this chain."),
        ]

    # --- accounts ----------------------------------------------------------------------------
    def account(self, who: bytes) -> dict:
        return self.Account.get(who)

    def account_nonce(self, who: bytes) -> int:
        return self.Account.get(who)["nonce"]

    def inc_account_nonce(self, who: bytes) -> None:
        info = self.Account.get(who)
        info["nonce"] = (info["nonce"] + 1) & 0xFFFFFFFF
        self.Account.set(who, info)

    # --- calls -------------------------------------------------------------------------------
    @call(0, [("remark", Bytes, "Vec<u8>")], weight=lambda remark: Weight(2_119_000 + 390 * len(remark)))
    def remark(self, origin, remark: bytes) -> None:
        """Make some on-chain remark. Can be executed by every `origin`."""
        origin.ensure_signed() if not origin.is_root else None

    @call(4, [("items", Vec(Tuple(Bytes, Bytes)), "Vec<KeyValue>")], weight=lambda items: Weight.db(2_175_000 + 841_511 * len(items), writes=len(items)), dispatch_class="Operational")
    def set_storage(self, origin, items: list) -> None:
        """Set some items of storage."""
        origin.ensure_root()
        for key, value in items:
            self.state.put(key, value)

    @call(5, [("keys", Vec(Bytes), "Vec<Key>")], weight=lambda keys: Weight.db(2_255_000 + 662_473 * len(keys), writes=len(keys)), dispatch_class="Operational")
    def kill_storage(self, origin, keys: list) -> None:
        """Kill some items from storage."""
        origin.ensure_root()
        for key in keys:
            self.state.delete(key)

    @call(6, [("prefix", Bytes, "Key"), ("subkeys", U32, "u32")], weight=lambda prefix, subkeys: _kill_prefix_weight(subkeys + 1), dispatch_class="Operational")
    def kill_prefix(self, origin, prefix: bytes, subkeys: int) -> None:
        """Kill all storage items with a key that starts with the given prefix."""
        origin.ensure_root()
        self.state.delete_prefix(prefix)

    @call(7, [("remark", Bytes, "Vec<u8>")], weight=lambda remark: Weight(8_097_000 + 1_455 * len(remark)))
    def remark_with_event(self, origin, remark: bytes) -> None:
        """Make some on-chain remark and emit event."""
        from tensornet.primitives.hashing import blake2_256

        who = origin.ensure_signed()
        self.deposit_event("Remarked", {"sender": who, "hash": blake2_256(remark)})

    # --- block lifecycle (driven by the executive) --------------------------------------------
    def initialize(self, number: int, parent_hash: bytes) -> None:
        self.Number.set(number)
        self.ParentHash.set(parent_hash)
        self.Digest.set({"logs": []})
        if number > 0:
            self.BlockHash.set(number - 1, parent_hash)
        old = number - 1 - BLOCK_HASH_COUNT
        if old > 0:
            self.BlockHash.remove(old)
        self.ExecutionPhase.set("Initialization")
        self.EventCount.set(0)

    def finalize(self, consumed: dict | None = None) -> None:
        """``consumed``: the block's ``BlockWeight`` (per class), kept in state after the block."""
        if consumed is not None:
            self.BlockWeight.set(consumed)
        self.ExecutionPhase.remove()
        self.ExtrinsicCount.remove()
        self.AllExtrinsicsLen.remove()

    def build_genesis(self, config: dict) -> None:
        self.BlockHash.set(0, bytes(32))  # rewritten with the genesis hash by the chain
        self.UpgradedToU32RefCount.set(True)
        self.UpgradedToTripleRefCount.set(True)
        self.LastRuntimeUpgrade.set({"spec_version": self.env.runtime.spec_version,
                                     "spec_name": self.env.runtime.spec_name})
