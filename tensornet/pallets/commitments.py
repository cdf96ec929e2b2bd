"""pallet_commitments (index 18): per-subnet metadata a registered hotkey publishes (miners' endpoints,
model hashes). bittensor 11's ``subnets.metagraph(netuid)`` lists ``CommitmentOf`` and
``RevealedCommitments`` for every subnet it reads, so the SDK's default metagraph needs this pallet.

Deposits are zero in subtensor's runtime (``CommitmentInitialDeposit`` = ``CommitmentFieldDeposit`` = 0),
so nothing is reserved. Timelock-encrypted fields are stored and indexed in ``TimelockedIndex`` as on chain;
subtensor reveals them from drand pulses, and this chain has no drand pallet, so (like a localnet without
the drand worker) they stay encrypted and ``RevealedCommitments`` is only ever read here.
"""
from __future__ import annotations

from tensornet.primitives.scale import (
    U8,
    U32,
    U64,
    AccountId,
    Array,
    Bytes,
    Enum,
    Struct,
    Tuple,
    Vec,
)
from tensornet.runtime.dispatch import Weight
from tensornet.runtime.pallet import ConstantDef, EventDef, Pallet, call
from tensornet.storage.items import StorageDoubleMap, StorageValue
from tensornet.subnet.types import NetUid, TaoBalance

MAX_FIELDS = 3  # MaxCommitFieldsInner
DEFAULT_MAX_SPACE = 3100
MIN_USED_SPACE = 100
_HASHES = ("BlakeTwo256", "Sha256", "Keccak256", "ShaThree256")

Data = Enum("pallet_commitments::types::Data", [
    ("None", [], 0),
    *[(f"Raw{n}", [Array(U8, n)], n + 1) for n in range(129)],
    *[(name, [Array(U8, 32)], 130 + i) for i, name in enumerate(_HASHES)],
    ("TimelockEncrypted", [("encrypted", Bytes, "BoundedVec<u8, ConstU32<MAX_TIMELOCK_COMMITMENT_SIZE_BYTES>>"),
                           ("reveal_round", U64, "u64")], 134),
    ("ResetBondsFlag", [], 135),
    ("BigRaw", [Bytes], 136),
])
CommitmentInfo = Struct("pallet_commitments::types::CommitmentInfo", [
    ("fields", Vec(Data), "BoundedVec<Data, FieldLimit>")])
Registration = Struct("pallet_commitments::types::Registration", [
    ("deposit", TaoBalance, "Balance"), ("block", U32, "BlockNumber"), ("info", CommitmentInfo, "CommitmentInfo<MaxFields>")])
UsageTracker = Struct("pallet_commitments::types::UsageTracker", [
    ("last_epoch", U64, "u64"), ("used_space", U64, "u64")])


def field_space(field) -> int:
    """``Data::len_for_rate_limit``: payload bytes (0 for None / ResetBondsFlag)."""
    if isinstance(field, str):
        return 0
    (name, payload), = field.items()
    if name == "TimelockEncrypted":
        return len(payload["encrypted"])
    return len(payload)


def reset_bonds(sm, netuid: int, who: bytes) -> None:
    """``do_reset_bonds`` (the runtime's OnMetadataCommitment): with BondsResetOn, every validator's bond
    to the committing hotkey's uid is dropped (mechanism 0's bonds, as the runtime passes the netuid)."""
    if not sm.BondsResetOn.get(netuid):
        return
    uid = sm.Uids.try_get(netuid, who)
    if uid is None:
        return
    for (i,), row in list(sm.Bonds.iter(netuid)):
        sm.Bonds.set(netuid, i, [(j, v) for j, v in row if j != uid])


class Commitments(Pallet):
    NAME, INDEX, CRATE = "Commitments", 18, "pallet_commitments"
    DOCS = "Per-subnet commitments of registered hotkeys."

    EVENTS = [
        EventDef("Commitment", [("netuid", NetUid, "NetUid"), ("who", AccountId, "T::AccountId")],
                 "A commitment was set"),
        EventDef("TimelockCommitment", [("netuid", NetUid, "NetUid"), ("who", AccountId, "T::AccountId"),
                                        ("reveal_round", U64, "u64")], "A timelock-encrypted commitment was set"),
        EventDef("CommitmentRevealed", [("netuid", NetUid, "NetUid"), ("who", AccountId, "T::AccountId")],
                 "A timelock-encrypted commitment was auto-revealed"),
    ]
    ERRORS = [
        ("TooManyFieldsInCommitmentInfo", "Account passed too many additional fields to their commitment"),
        ("AccountNotAllowedCommit", "Account is not allowed to make commitments to the chain"),
        ("SpaceLimitExceeded", "Space Limit Exceeded for the current interval"),
        ("UnexpectedUnreserveLeftover", "Indicates that unreserve returned a leftover, which is unexpected."),
    ]
    CONSTANTS = [
        ConstantDef("MaxFields", U32, MAX_FIELDS,
                    "The maximum number of additional fields that can be added to a commitment"),
        ConstantDef("InitialDeposit", TaoBalance, 0, "The amount held on deposit for a registered identity"),
        ConstantDef("FieldDeposit", TaoBalance, 0,
                    "The amount held on deposit per additional field for a registered identity."),
    ]

    TimelockedIndex = StorageValue(Vec(Tuple(NetUid, AccountId)), default=[],
                                   docs="Tracks all CommitmentOf that have at least one timelocked field.")
    CommitmentOf = StorageDoubleMap("Identity", NetUid, "Twox64Concat", AccountId, Registration, optional=True,
                                    docs="Identity data by account")
    LastCommitment = StorageDoubleMap("Identity", NetUid, "Twox64Concat", AccountId, U32, optional=True)
    LastBondsReset = StorageDoubleMap("Identity", NetUid, "Twox64Concat", AccountId, U32, optional=True)
    RevealedCommitments = StorageDoubleMap("Identity", NetUid, "Twox64Concat", AccountId, Vec(Tuple(Bytes, U64)),
                                           optional=True)
    UsedSpaceOf = StorageDoubleMap("Identity", NetUid, "Twox64Concat", AccountId, UsageTracker, optional=True,
                                   docs="Maps (netuid, who) -> usage (how many \u201cbytes\u201d they've committed) "
                                        "in the RateLimit window")
    MaxSpace = StorageValue(U32, default=DEFAULT_MAX_SPACE)

    @call(0, [("netuid", NetUid, "NetUid"), ("info", CommitmentInfo, "Box<CommitmentInfo<T::MaxFields>>")],
          weight=Weight.db(33_480_000, reads=5, writes=4, proof_size=0), pays_fee=False)
    def set_commitment(self, origin, netuid: int, info: dict) -> None:
        """Publish (replace) the caller's commitment on a subnet where it is a registered hotkey."""
        who = origin.ensure_signed()
        sm = self.pallet("SubtensorModule")
        if sm.Uids.try_get(netuid, who) is None:
            raise self.error("AccountNotAllowedCommit")
        fields = info["fields"]
        if len(fields) > MAX_FIELDS:
            raise self.error("TooManyFieldsInCommitmentInfo")
        block = self.block_number
        required = max(sum(field_space(f) for f in fields), MIN_USED_SPACE)
        epoch = sm.SubnetEpochIndex.get(netuid)
        usage = self.UsedSpaceOf.get(netuid, who) or {"last_epoch": 0, "used_space": 0}
        if usage["last_epoch"] != epoch:
            usage = {"last_epoch": epoch, "used_space": 0}
        if "ResetBondsFlag" in fields:
            self.LastBondsReset.set(netuid, who, block)
            reset_bonds(sm, netuid, who)
        if usage["used_space"] + required > self.MaxSpace.get():
            raise self.error("SpaceLimitExceeded")
        self.UsedSpaceOf.set(netuid, who, {**usage, "used_space": usage["used_space"] + required})
        self.CommitmentOf.set(netuid, who, {"deposit": 0, "block": block, "info": info})
        self.LastCommitment.set(netuid, who, block)
        timelocked = next((f["TimelockEncrypted"] for f in fields
                           if isinstance(f, dict) and "TimelockEncrypted" in f), None)
        index = [tuple(e) for e in self.TimelockedIndex.get() if tuple(e) != (netuid, who)]
        if timelocked is not None:
            self.deposit_event("TimelockCommitment", {"netuid": netuid, "who": who,
                                                      "reveal_round": timelocked["reveal_round"]})
            index.append((netuid, who))
        else:
            self.deposit_event("Commitment", {"netuid": netuid, "who": who})
        self.TimelockedIndex.set(sorted(index))

    @call(2, [("new_limit", U32, "u32")], weight=Weight.db(2_856_000, reads=0, writes=1, proof_size=0))
    def set_max_space(self, origin, new_limit: int) -> None:
        """Root sets the space (bytes) a hotkey may commit per subnet epoch."""
        origin.ensure_root()
        self.MaxSpace.set(new_limit)
