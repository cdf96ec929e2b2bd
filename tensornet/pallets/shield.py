"""pallet_shield (index 30, ``MevShield``): the encrypted mempool that btcli and the SDK use by default.

A user encrypts a signed extrinsic to ``NextKey`` (an ML-KEM-768 encapsulation key) and sends the
ciphertext in ``submit_encrypted``; the block author decrypts it while building the block and includes
the inner extrinsic right after the wrapper (``tensornet.chain.shield_proposer``). Every block starts
with the unsigned ``announce_next_key`` inherent, which rotates the key pipeline as subtensor does:
``CurrentKey ← PendingKey ← NextKey ← AuthorKeys[next-next author]``, then records the author's new key.

Pool validation (subtensor's ``CheckShieldedTxValidity`` and its ``CheckMortality`` wrapper) lives in
``validate_signed``: a malformed ciphertext is ``InvalidTransaction::Custom(23)``, an immortal or
longer-than-8-block era ``InvalidTransaction::Stale``.

``announce_next_key`` is declared Mandatory here (subtensor weighs it as a Normal call and keeps it out
of the pool through ``ProvideInherent``): the executive applies Mandatory unsigned calls as inherents and
refuses them signed, which is the same effect.

``store_encrypted`` queues ciphertexts for ``on_initialize``, with subtensor's runtime decryptor, which is
``()`` and refuses everything: a queued entry ends as ``ExtrinsicDecodeFailed`` or ``ExtrinsicExpired``,
as on the real chain.
"""
from __future__ import annotations

from tensornet.primitives.era import Era
from tensornet.primitives.hashing import blake2_256
from tensornet.primitives.scale import (
    U8, U32, U64, AccountId, Array, Bool, BoundedBytes, Option, Struct, encode_compact,
)
from tensornet.primitives.shielded_tx import MLKEM768_ENC_KEY_LEN, ShieldedTransaction, ShieldParseError
from tensornet.runtime.dispatch import DISPATCH_ERROR_TYPE, DB_READ, DB_WRITE, Weight
from tensornet.runtime.pallet import EventDef, Pallet, call
from tensornet.runtime.validity import InvalidTransaction
from tensornet.storage.items import StorageMap, StorageValue

#: stp_shield::ShieldEncKey = BoundedVec<u8, ConstU32<2048>>
SHIELD_ENC_KEY = BoundedBytes(2048)
SHIELD_ENC_KEY_NAME = "ShieldEncKey"
MAX_ENCRYPTED_CALL_SIZE = 8192
#: runtime/src/check_mortality.rs MAX_SHIELD_ERA_PERIOD
MAX_SHIELD_ERA_PERIOD = 8
#: common/src/transaction_error.rs CustomTransactionError::FailedShieldedTxParsing
FAILED_SHIELDED_TX_PARSING = 23
DEFAULT_MAX_PENDING_EXTRINSICS = 100
DEFAULT_EXTRINSIC_LIFETIME = 10
DEFAULT_ON_INITIALIZE_WEIGHT = 500_000_000_000
MAX_ON_INITIALIZE_WEIGHT = 2_000_000_000_000
DEFAULT_MAX_EXTRINSIC_WEIGHT = 50_000_000_000
STORE_ENCRYPTED_WEIGHT = 20_000_000_000

#: T::AuthorityId = AuraId (an sr25519 public key)
AURA_ID = Struct("sp_consensus_aura::sr25519::app_sr25519::Public", [
    (None, Array(U8, 32), "sr25519::Public")], type_name="AuthorityId")

PendingExtrinsic = Struct("pallet_shield::pallet::PendingExtrinsic", [
    ("who", AccountId, "T::AccountId"),
    ("encrypted_call", BoundedBytes(MAX_ENCRYPTED_CALL_SIZE), "BoundedVec<u8, MaxEncryptedCallSize>"),
    ("submitted_at", U32, "BlockNumberFor<T>")], params=(("T", None),))


def wrapper_id(who: bytes, ciphertext: bytes) -> bytes:
    """``EncryptedSubmitted.id``: ``T::Hashing::hash_of(&(who, ciphertext))``."""
    return blake2_256(bytes(who) + encode_compact(len(ciphertext)) + bytes(ciphertext))


class MevShield(Pallet):
    NAME, INDEX, CRATE = "MevShield", 30, "pallet_shield"
    DOCS = "MEV shield: ML-KEM-768 keys per block author and encrypted transactions."

    CurrentKey = StorageValue(SHIELD_ENC_KEY, optional=True,
                              docs="Current block author's ML-KEM-768 encapsulation key (internal, not for encryption).")
    PendingKey = StorageValue(SHIELD_ENC_KEY, optional=True,
                              docs="Next block author's key, staged here before promoting to `CurrentKey`.")
    NextKey = StorageValue(SHIELD_ENC_KEY, optional=True, docs="Key users should encrypt with (N+2 author's key).")
    AuthorKeys = StorageMap("Twox64Concat", AURA_ID, SHIELD_ENC_KEY, optional=True,
                            docs="Per-author ML-KEM-768 encapsulation key, updated each time the author produces a block.")
    PendingKeyExpiresAt = StorageValue(U32, optional=True,
                                       docs="Block number at which `PendingKey` is no longer valid (exclusive upper bound).")
    NextKeyExpiresAt = StorageValue(U32, optional=True,
                                    docs="Block number at which `NextKey` is no longer valid (exclusive upper bound).")
    HasMigrationRun = StorageMap("Identity", BoundedBytes(128), Bool, docs="Stores whether some migration has been run.")
    MaxPendingExtrinsicsLimit = StorageValue(U32, default=DEFAULT_MAX_PENDING_EXTRINSICS,
                                             docs="Configurable maximum number of pending extrinsics.")
    ExtrinsicLifetime = StorageValue(U32, default=DEFAULT_EXTRINSIC_LIFETIME,
                                     docs="Configurable extrinsic lifetime (max block difference between submission and execution).")
    OnInitializeWeight = StorageValue(U64, default=DEFAULT_ON_INITIALIZE_WEIGHT,
                                      docs="Configurable maximum weight for on_initialize processing.")
    MaxExtrinsicWeight = StorageValue(U64, default=DEFAULT_MAX_EXTRINSIC_WEIGHT,
                                      docs="Configurable maximum weight for a single extrinsic dispatched during on_initialize.")
    PendingExtrinsics = StorageMap("Identity", U32, PendingExtrinsic, optional=True,
                                   docs="Storage map for encrypted extrinsics to be executed in on_initialize.")
    CounterForPendingExtrinsics = StorageValue(U32, docs="Counter for the related counted storage map")
    NextPendingExtrinsicIndex = StorageValue(U32, docs="Next index to use when inserting a pending extrinsic.")

    EVENTS = [
        EventDef("EncryptedSubmitted", [("id", Array(U8, 32), "T::Hash"), ("who", AccountId, "T::AccountId")],
                 "Encrypted wrapper accepted."),
        EventDef("ExtrinsicStored", [("index", U32, "u32"), ("who", AccountId, "T::AccountId")],
                 "Encrypted extrinsic was stored for later execution."),
        EventDef("ExtrinsicDecodeFailed", [("index", U32, "u32")], "Extrinsic decode failed during on_initialize."),
        EventDef("ExtrinsicDispatchFailed", [("index", U32, "u32"), ("error", DISPATCH_ERROR_TYPE, "DispatchError")],
                 "Extrinsic dispatch failed during on_initialize."),
        EventDef("ExtrinsicDispatched", [("index", U32, "u32")],
                 "Extrinsic was successfully dispatched during on_initialize."),
        EventDef("ExtrinsicExpired", [("index", U32, "u32")], "Extrinsic expired (exceeded max block lifetime)."),
        EventDef("ExtrinsicPostponed", [("index", U32, "u32")], "Extrinsic postponed due to weight limit."),
        EventDef("MaxPendingExtrinsicsNumberSet", [("value", U32, "u32")],
                 "Maximum pending extrinsics limit was updated."),
        EventDef("OnInitializeWeightSet", [("value", U64, "u64")], "Maximum on_initialize weight was updated."),
        EventDef("ExtrinsicLifetimeSet", [("value", U32, "u32")], "Extrinsic lifetime was updated."),
        EventDef("MaxExtrinsicWeightSet", [("value", U64, "u64")], "Maximum per-extrinsic weight was updated."),
        EventDef("ExtrinsicWeightExceeded", [("index", U32, "u32")],
                 "Extrinsic exceeded the per-extrinsic weight limit and was removed."),
    ]
    ERRORS = [
        ("BadEncKeyLen", "The announced ML‑KEM encapsulation key length is invalid."),
        ("Unreachable", "Unreachable."),
        ("TooManyPendingExtrinsics", "Too many pending extrinsics in storage."),
        ("WeightExceedsAbsoluteMax", "Weight exceeds the absolute maximum (half of total block weight)."),
    ]

    # --- calls --------------------------------------------------------------------------------------
    @call(0, [("enc_key", Option(SHIELD_ENC_KEY), "Option<ShieldEncKey>")],
          weight=Weight.db(33_661_000, reads=4, writes=6, proof_size=5555), dispatch_class="Mandatory")
    def announce_next_key(self, origin, enc_key: bytes | None) -> None:
        """Rotate the key chain and announce the current author's ML-KEM encapsulation key."""
        origin.ensure_none()
        author = self.current_author()
        if author is None:
            raise self.error("Unreachable")
        if enc_key is not None and len(enc_key) != MLKEM768_ENC_KEY_LEN:
            raise self.error("BadEncKeyLen")
        now = self.block_number
        self._put(self.CurrentKey, self.PendingKey.take())
        self._put(self.PendingKey, self.NextKey.take())
        # one author: the author two blocks ahead is this one, whose key is read before the update
        self._put(self.NextKey, self.AuthorKeys.get(author))
        if enc_key is not None:
            self.AuthorKeys.set(author, enc_key)
        else:
            self.AuthorKeys.remove(author)
        self._put(self.PendingKeyExpiresAt, now + 2 if self.PendingKey.get() is not None else None)
        self._put(self.NextKeyExpiresAt, now + 3 if self.NextKey.get() is not None else None)

    @call(1, [("ciphertext", BoundedBytes(MAX_ENCRYPTED_CALL_SIZE), "BoundedVec<u8, ConstU32<8192>>")],
          weight=Weight(207_223_000, 0))
    def submit_encrypted(self, origin, ciphertext: bytes) -> None:
        """Users submit an encrypted wrapper; the block author decrypts it and includes the inner extrinsic."""
        who = origin.ensure_signed()
        self.deposit_event("EncryptedSubmitted", {"id": wrapper_id(who, ciphertext), "who": who})

    @call(2, [("encrypted_call", BoundedBytes(MAX_ENCRYPTED_CALL_SIZE), "BoundedVec<u8, MaxEncryptedCallSize>")],
          weight=Weight(STORE_ENCRYPTED_WEIGHT, 0))
    def store_encrypted(self, origin, encrypted_call: bytes) -> None:
        """Store an encrypted extrinsic for later execution in on_initialize."""
        who = origin.ensure_signed()
        if self.CounterForPendingExtrinsics.get() >= self.MaxPendingExtrinsicsLimit.get():
            raise self.error("TooManyPendingExtrinsics")
        index = self.NextPendingExtrinsicIndex.get()
        self.PendingExtrinsics.set(index, {"who": who, "encrypted_call": encrypted_call,
                                           "submitted_at": self.block_number})
        self.CounterForPendingExtrinsics.set(self.CounterForPendingExtrinsics.get() + 1)
        self.NextPendingExtrinsicIndex.set(min(index + 1, 2**32 - 1))
        self.deposit_event("ExtrinsicStored", {"index": index, "who": who})

    @call(3, [("value", U32, "u32")], weight=Weight.db(4_000_000, writes=1))
    def set_max_pending_extrinsics_number(self, origin, value: int) -> None:
        """Set the maximum number of pending extrinsics allowed in the queue."""
        origin.ensure_root()
        self.MaxPendingExtrinsicsLimit.set(value)
        self.deposit_event("MaxPendingExtrinsicsNumberSet", {"value": value})

    @call(4, [("value", U64, "u64")], weight=Weight.db(4_000_000, writes=1))
    def set_on_initialize_weight(self, origin, value: int) -> None:
        """Set the maximum weight allowed for on_initialize processing."""
        origin.ensure_root()
        if value > MAX_ON_INITIALIZE_WEIGHT:
            raise self.error("WeightExceedsAbsoluteMax")
        self.OnInitializeWeight.set(value)
        self.deposit_event("OnInitializeWeightSet", {"value": value})

    @call(5, [("value", U32, "u32")], weight=Weight.db(4_000_000, writes=1))
    def set_stored_extrinsic_lifetime(self, origin, value: int) -> None:
        """Set the extrinsic lifetime (max blocks between submission and execution)."""
        origin.ensure_root()
        self.ExtrinsicLifetime.set(value)
        self.deposit_event("ExtrinsicLifetimeSet", {"value": value})

    @call(6, [("value", U64, "u64")], weight=Weight.db(4_000_000, writes=1))
    def set_max_extrinsic_weight(self, origin, value: int) -> None:
        """Set the maximum weight allowed for a single extrinsic during on_initialize processing."""
        origin.ensure_root()
        if value > MAX_ON_INITIALIZE_WEIGHT:
            raise self.error("WeightExceedsAbsoluteMax")
        self.MaxExtrinsicWeight.set(value)
        self.deposit_event("MaxExtrinsicWeightSet", {"value": value})

    # --- hooks --------------------------------------------------------------------------------------
    def on_initialize(self, block_number: int) -> Weight:
        """``process_pending_extrinsics`` with the runtime's decryptor ``()``, which opens nothing:
        each queued entry either expires or fails to decode, and is removed."""
        weight = 2 * DB_READ
        count = self.CounterForPendingExtrinsics.get()
        if not count:
            return Weight(weight)
        next_index = self.NextPendingExtrinsicIndex.get()
        lifetime = self.ExtrinsicLifetime.get()
        for index in range(max(next_index - count, 0), next_index):
            pending = self.PendingExtrinsics.get(index)
            if pending is None:
                weight += DB_READ
                continue
            self.PendingExtrinsics.remove(index)
            self.CounterForPendingExtrinsics.set(self.CounterForPendingExtrinsics.get() - 1)
            weight += DB_READ + 2 * DB_WRITE
            expired = block_number - pending["submitted_at"] > lifetime
            self.deposit_event("ExtrinsicExpired" if expired else "ExtrinsicDecodeFailed", {"index": index})
        return Weight(weight)

    # --- pool validation (CheckShieldedTxValidity, the CheckMortality wrapper) ------------------------
    def validate_signed(self, call_name: str, args: dict, era: Era) -> None:
        """Refuse a ``submit_encrypted`` whose era is immortal or longer than 8 blocks (Stale) or whose
        ciphertext does not parse (Custom 23), at submission and at inclusion alike."""
        if call_name != "submit_encrypted":
            return
        if era.immortal or era.period > MAX_SHIELD_ERA_PERIOD:
            raise InvalidTransaction("Stale", f"submit_encrypted needs a mortal era of at most "
                                              f"{MAX_SHIELD_ERA_PERIOD} blocks")
        try:
            ShieldedTransaction.parse(args["ciphertext"])
        except ShieldParseError as exc:
            raise InvalidTransaction(f"Custom({FAILED_SHIELDED_TX_PARSING})",
                                     f"FailedShieldedTxParsing: {exc}") from None

    # --- helpers ------------------------------------------------------------------------------------
    def current_author(self) -> bytes | None:
        """The block author (FindAuraAuthors): this node's authority, None if it has none."""
        return getattr(self.env.runtime, "block_author", None)

    def decryptable_keys(self) -> tuple[bytes, ...]:
        """The keys a wrapper included in this block may be encrypted to, read after this block's
        ``announce_next_key``: ``CurrentKey`` (the parent's ``PendingKey``, the only one subtensor's
        proposer accepts) and ``PendingKey`` (the parent's ``NextKey``, still before its
        ``NextKeyExpiresAt``). With one author the proposer holds the secret of both."""
        return tuple(k for k in (self.CurrentKey.get(), self.PendingKey.get()) if k is not None)

    @staticmethod
    def _put(item, value) -> None:
        if value is None:
            item.remove()
        else:
            item.set(value)

