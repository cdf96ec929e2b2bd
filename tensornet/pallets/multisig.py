"""pallet_multisig (index 13, polkadot-sdk's, as subtensor's runtime configures it): calls dispatched from
an account derived from a sorted set of signatories and a threshold, once enough of them approved.

The first approval reserves ``DepositBase + threshold × DepositFactor`` from its signer (the
runtime's ``deposit(1, 112)`` and ``deposit(0, 32)``); the last one dispatches the call as
``Signed(multisig account)`` and releases the deposit. A threshold of 1 dispatches at once, storing
nothing.

Weights: polkadot-sdk's ``SubstrateWeight`` for pallet_multisig from its 2025-02-25 benchmark (the
one carrying ``poke_deposit``, which the chain's Multisig has). Subtensor pins opentensor's fork of
polkadot-sdk (pallet-multisig 41.0.0), which could not be read here, so these are the upstream
numbers of that release line.
"""
from __future__ import annotations

from typing import Any

from tensornet.primitives.hashing import blake2_256
from tensornet.primitives.scale import (
    U8,
    U16,
    U32,
    U64,
    AccountId,
    Array,
    Field,
    Option,
    Struct,
    Vec,
)
from tensornet.runtime.dispatch import (
    DISPATCH_RESULT,
    WEIGHT_TYPE,
    DispatchError,
    Origin,
    PostDispatchInfo,
    Weight,
)
from tensornet.runtime.outer import RUNTIME_CALL, call_class, call_weight
from tensornet.runtime.pallet import ConstantDef, EventDef, Pallet, call
from tensornet.storage.items import StorageDoubleMap

DEPOSIT_BASE = 20_000_000 + 112 * 1_000_000   # deposit(1, 112)
DEPOSIT_FACTOR = 32 * 1_000_000               # deposit(0, 32)
MAX_SIGNATORIES = 100
_ACCOUNT_ENTROPY_PREFIX = b"modlpy/utilisuba"

CALL_HASH = Array(U8, 32)
TIMEPOINT = Struct(("pallet_multisig", "Timepoint"), [
    Field("height", U32, "BlockNumber"), Field("index", U32, "u32")], params=(("BlockNumber", U32),))
MULTISIG = Struct(("pallet_multisig", "Multisig"), [
    Field("when", TIMEPOINT, "Timepoint<BlockNumber>"), Field("deposit", U64, "Balance"),
    Field("depositor", AccountId, "AccountId"), Field("approvals", Vec(AccountId), "BoundedVec<AccountId, MaxApprovals>")],
    params=(("BlockNumber", U32), ("Balance", U64), ("AccountId", AccountId), ("MaxApprovals", None)))

_THRESHOLD = ("threshold", U16, "u16")
_OTHERS = ("other_signatories", Vec(AccountId), "Vec<T::AccountId>")
_MAYBE_TIMEPOINT = ("maybe_timepoint", Option(TIMEPOINT), "Option<Timepoint<BlockNumberFor<T>>>")
_CALL = ("call", RUNTIME_CALL, "Box<<T as Config>::RuntimeCall>")
_HASH = ("call_hash", CALL_HASH, "[u8; 32]")
_MAX_WEIGHT = ("max_weight", WEIGHT_TYPE, "Weight")


# --- weights: pallet_multisig::weights::SubstrateWeight (s signatories besides the sender, z call bytes) --
def _w(base: int, per_s: int, per_z: int, reads: int, writes: int, proof: int):
    def weight(s: int, z: int = 0) -> Weight:
        return Weight.db(base + per_s * s + per_z * z, reads=reads, writes=writes, proof_size=proof)
    return weight


_THRESHOLD_1 = _w(20_470_382, 0, 397, 2, 0, 3997)
_CREATE = _w(29_976_762, 144_320, 1_819, 1, 1, 6811)
_APPROVE = _w(14_821_348, 127_874, 1_968, 1, 1, 6811)
_COMPLETE = _w(34_745_418, 193_313, 2_057, 4, 2, 6811)
_APPROVE_CREATE = _w(27_463_275, 139_226, 0, 1, 1, 6811)
_APPROVE_APPROVE = _w(14_074_258, 126_544, 0, 1, 1, 6811)
_CANCEL = _w(28_623_566, 135_351, 0, 1, 1, 6811)
_POKE = _w(27_349_525, 121_813, 0, 1, 1, 6811)
_INNER_ORIGIN_ACCOUNT = Weight.db(0, reads=1, writes=1)  # "AccountData for inner call origin accountdata"


def _most(*weights: Weight) -> Weight:
    """``Weight::max``, component by component."""
    return Weight(max(w.ref_time for w in weights), max(w.proof_size for w in weights))


def _call_len(call_value: Any) -> int:
    return len(RUNTIME_CALL.encode(call_value))


def _threshold_1_weight(other_signatories, call) -> Weight:
    return _THRESHOLD_1(0, _call_len(call)) + _INNER_ORIGIN_ACCOUNT + call_weight(call)


def _as_multi_weight(threshold, other_signatories, maybe_timepoint, call, max_weight) -> Weight:
    s, z = len(other_signatories), _call_len(call)
    return _most(_CREATE(s, z), _APPROVE(s, z), _COMPLETE(s, z)) + Weight(max_weight["ref_time"],
                                                                          max_weight["proof_size"])


def _approve_weight(threshold, other_signatories, maybe_timepoint, call_hash, max_weight) -> Weight:
    s = len(other_signatories)
    return _most(_APPROVE_CREATE(s), _APPROVE_APPROVE(s)) + Weight(max_weight["ref_time"], max_weight["proof_size"])


def multi_account_id(signatories: list[bytes], threshold: int) -> bytes:
    """The account of a (sorted) signatory set and threshold: blake2_256 of their SCALE encoding."""
    return blake2_256(_ACCOUNT_ENTROPY_PREFIX + Vec(AccountId).encode(signatories) + U16.encode(threshold))


class Multisig(Pallet):
    NAME, INDEX, CRATE = "Multisig", 13, "pallet_multisig"
    DOCS = "Multi-signature dispatch."

    Multisigs = StorageDoubleMap("Twox64Concat", AccountId, "Blake2_128Concat", CALL_HASH, MULTISIG, optional=True,
                                 docs="The set of open multisig operations.")

    EVENTS = [
        EventDef("NewMultisig", [("approving", AccountId, "T::AccountId"), ("multisig", AccountId, "T::AccountId"),
                                 ("call_hash", CALL_HASH, "CallHash")], "A new multisig operation has begun."),
        EventDef("MultisigApproval", [("approving", AccountId, "T::AccountId"),
                                      ("timepoint", TIMEPOINT, "Timepoint<BlockNumberFor<T>>"),
                                      ("multisig", AccountId, "T::AccountId"), ("call_hash", CALL_HASH, "CallHash")],
                 "A multisig operation has been approved by someone."),
        EventDef("MultisigExecuted", [("approving", AccountId, "T::AccountId"),
                                      ("timepoint", TIMEPOINT, "Timepoint<BlockNumberFor<T>>"),
                                      ("multisig", AccountId, "T::AccountId"), ("call_hash", CALL_HASH, "CallHash"),
                                      ("result", DISPATCH_RESULT, "DispatchResult")],
                 "A multisig operation has been executed."),
        EventDef("MultisigCancelled", [("cancelling", AccountId, "T::AccountId"),
                                       ("timepoint", TIMEPOINT, "Timepoint<BlockNumberFor<T>>"),
                                       ("multisig", AccountId, "T::AccountId"), ("call_hash", CALL_HASH, "CallHash")],
                 "A multisig operation has been cancelled."),
        EventDef("DepositPoked", [("who", AccountId, "T::AccountId"), ("call_hash", CALL_HASH, "CallHash"),
                                  ("old_deposit", U64, "BalanceOf<T>"), ("new_deposit", U64, "BalanceOf<T>")],
                 "The deposit for a multisig operation has been updated/poked."),
    ]
    ERRORS = [
        ("MinimumThreshold", "Threshold must be 2 or greater."),
        ("AlreadyApproved", "Call is already approved by this signatory."),
        ("NoApprovalsNeeded", "Call doesn't need any (more) approvals."),
        ("TooFewSignatories", "There are too few signatories in the list."),
        ("TooManySignatories", "There are too many signatories in the list."),
        ("SignatoriesOutOfOrder", "The signatories were provided out of order; they should be ordered."),
        ("SenderInSignatories", "The sender was contained in the other signatories; it shouldn't be."),
        ("NotFound", "Multisig operation not found in storage."),
        ("NotOwner", "Only the account that originally created the multisig is able to cancel it or update its deposits."),
        ("NoTimepoint", "No timepoint was given, yet the multisig operation is already underway."),
        ("WrongTimepoint", "A different timepoint was given to the multisig operation that is underway."),
        ("UnexpectedTimepoint", "A timepoint was given, yet no multisig operation is underway."),
        ("MaxWeightTooLow", "The maximum weight information provided was too low."),
        ("AlreadyStored", "The data to be stored is already stored."),
    ]
    CONSTANTS = [
        ConstantDef("DepositBase", U64, DEPOSIT_BASE, "The base amount of currency needed to reserve for creating a "
                                                      "multisig execution or to store a dispatch call for later."),
        ConstantDef("DepositFactor", U64, DEPOSIT_FACTOR,
                    "The amount of currency needed per unit threshold when creating a multisig execution."),
        ConstantDef("MaxSignatories", U32, MAX_SIGNATORIES, "The maximum amount of signatories allowed in the multisig."),
    ]

    # --- calls -----------------------------------------------------------------------------------
    @call(0, [_OTHERS, _CALL], weight=_threshold_1_weight,
          dispatch_class=lambda other_signatories, call: call_class(call))
    def as_multi_threshold_1(self, origin, other_signatories: list, call) -> PostDispatchInfo | None:
        """Immediately dispatch a multi-signature call using a single approval from the caller."""
        who = origin.ensure_signed()
        if not other_signatories:
            raise self.error("TooFewSignatories")
        if len(other_signatories) >= MAX_SIGNATORIES:
            raise self.error("TooManySignatories")
        multisig = multi_account_id(self._with_sender(other_signatories, who), 1)
        encoded = RUNTIME_CALL.encode(call)
        own = _THRESHOLD_1(0, len(encoded))
        try:
            post = self.env.runtime.dispatch(call, Origin.signed(multisig))
        except DispatchError as exc:
            # the event is rolled back with the failed call; its error (and weight) is the call's
            if exc.post_info is not None and exc.post_info.actual_weight is not None:
                exc.post_info = PostDispatchInfo(own + exc.post_info.actual_weight)
            raise
        self.deposit_event("MultisigExecuted", {"approving": who, "timepoint": self.timepoint(), "multisig": multisig,
                                                "call_hash": blake2_256(encoded), "result": {"Ok": ()}})
        if post is not None and post.actual_weight is not None:
            return PostDispatchInfo(own + post.actual_weight)
        return None

    @call(1, [_THRESHOLD, _OTHERS, _MAYBE_TIMEPOINT, _CALL, _MAX_WEIGHT], weight=_as_multi_weight)
    def as_multi(self, origin, threshold: int, other_signatories: list, maybe_timepoint, call,
                 max_weight: dict) -> PostDispatchInfo | None:
        """Approve a dispatch from the multisig account, and dispatch it if this approval completes it."""
        return self._operate(origin.ensure_signed(), threshold, other_signatories, maybe_timepoint, call, None,
                             max_weight)

    @call(2, [_THRESHOLD, _OTHERS, _MAYBE_TIMEPOINT, _HASH, _MAX_WEIGHT], weight=_approve_weight)
    def approve_as_multi(self, origin, threshold: int, other_signatories: list, maybe_timepoint, call_hash: bytes,
                         max_weight: dict) -> PostDispatchInfo | None:
        """Approve a dispatch from the multisig account by the hash of its call."""
        return self._operate(origin.ensure_signed(), threshold, other_signatories, maybe_timepoint, None, call_hash,
                             max_weight)

    @call(3, [_THRESHOLD, _OTHERS, ("timepoint", TIMEPOINT, "Timepoint<BlockNumberFor<T>>"), _HASH],
          weight=lambda threshold, other_signatories, timepoint, call_hash: _CANCEL(len(other_signatories)))
    def cancel_as_multi(self, origin, threshold: int, other_signatories: list, timepoint: dict,
                        call_hash: bytes) -> None:
        """Cancel a pending multisig operation (its first approver only); the deposit is returned."""
        who = origin.ensure_signed()
        multisig, pending = self._pending(who, threshold, other_signatories, call_hash)
        if pending["when"] != timepoint:
            raise self.error("WrongTimepoint")
        if pending["depositor"] != who:
            raise self.error("NotOwner")
        self.pallet("Balances").unreserve(pending["depositor"], pending["deposit"])
        self.Multisigs.remove(multisig, call_hash)
        self.deposit_event("MultisigCancelled", {"cancelling": who, "timepoint": timepoint, "multisig": multisig,
                                                 "call_hash": call_hash})

    @call(4, [_THRESHOLD, _OTHERS, _HASH],
          weight=lambda threshold, other_signatories, call_hash: _POKE(len(other_signatories)))
    def poke_deposit(self, origin, threshold: int, other_signatories: list, call_hash: bytes) -> PostDispatchInfo:
        """Re-price the deposit of a pending operation (its depositor only); free when it changed."""
        who = origin.ensure_signed()
        multisig, pending = self._pending(who, threshold, other_signatories, call_hash)
        if pending["depositor"] != who:
            raise self.error("NotOwner")
        old, new = pending["deposit"], self.deposit(threshold)
        if new == old:
            return PostDispatchInfo(pays_fee="Yes")
        balances = self.pallet("Balances")
        if new > old:
            balances.reserve(who, new - old)
        else:
            balances.unreserve(who, old - new)
        pending["deposit"] = new
        self.Multisigs.set(multisig, call_hash, pending)
        self.deposit_event("DepositPoked", {"who": who, "call_hash": call_hash, "old_deposit": old, "new_deposit": new})
        return PostDispatchInfo(pays_fee="No")

    # --- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def deposit(threshold: int) -> int:
        return DEPOSIT_BASE + DEPOSIT_FACTOR * threshold

    def timepoint(self) -> dict:
        """The current extrinsic's place: (block height, extrinsic index)."""
        phase = self.env.phase
        index = phase.get("ApplyExtrinsic", 0) if isinstance(phase, dict) else 0
        return {"height": self.block_number, "index": index}

    def _with_sender(self, others: list[bytes], who: bytes) -> list[bytes]:
        """``ensure_sorted_and_insert``: ``others`` strictly ascending and without the sender, who is
        inserted at its place."""
        index = 0
        for i, item in enumerate(others):
            if i and not others[i - 1] < item:
                raise self.error("SignatoriesOutOfOrder")
            if item <= who:
                if item == who:
                    raise self.error("SenderInSignatories")
                index += 1
        return [*others[:index], who, *others[index:]]

    def _account(self, who: bytes, threshold: int, others: list[bytes]) -> bytes:
        """The multisig account, after the checks every multi-step call starts with."""
        if threshold < 2:
            raise self.error("MinimumThreshold")
        if not others:
            raise self.error("TooFewSignatories")
        if len(others) >= MAX_SIGNATORIES:
            raise self.error("TooManySignatories")
        return multi_account_id(self._with_sender(others, who), threshold)

    def _pending(self, who: bytes, threshold: int, others: list[bytes], call_hash: bytes) -> tuple[bytes, dict]:
        """The multisig account and its pending operation for ``call_hash``, or NotFound."""
        multisig = self._account(who, threshold, others)
        pending = self.Multisigs.try_get(multisig, call_hash)
        if pending is None:
            raise self.error("NotFound")
        return multisig, pending

    def _operate(self, who: bytes, threshold: int, others: list, maybe_timepoint, call_value,
                 call_hash: bytes | None, max_weight: dict) -> PostDispatchInfo:
        multisig = self._account(who, threshold, others)
        s = len(others)
        if call_value is not None:
            encoded = RUNTIME_CALL.encode(call_value)
            call_hash, call_len = blake2_256(encoded), len(encoded)
        else:
            call_len = 0
        pending = self.Multisigs.try_get(multisig, call_hash)
        if pending is None:
            if maybe_timepoint is not None:
                raise self.error("UnexpectedTimepoint")
            deposit = self.deposit(threshold)
            self.pallet("Balances").reserve(who, deposit)
            self.Multisigs.set(multisig, call_hash, {"when": self.timepoint(), "deposit": deposit, "depositor": who,
                                                     "approvals": [who]})
            self.deposit_event("NewMultisig", {"approving": who, "multisig": multisig, "call_hash": call_hash})
            return PostDispatchInfo(_CREATE(s, call_len))
        if maybe_timepoint is None:
            raise self.error("NoTimepoint")
        timepoint = pending["when"]
        if timepoint != maybe_timepoint:
            raise self.error("WrongTimepoint")
        approvals = pending["approvals"]
        counted = len(approvals)
        voting = who not in approvals and counted < threshold  # only a needed, new approval counts
        if voting:
            counted += 1
        if call_value is not None and counted >= threshold:
            declared = call_weight(call_value)
            if declared.ref_time > max_weight["ref_time"] or declared.proof_size > max_weight["proof_size"]:
                raise self.error("MaxWeightTooLow")
            # storage is cleaned up before the call runs (no re-entrancy through it)
            self.Multisigs.remove(multisig, call_hash)
            self.pallet("Balances").unreserve(pending["depositor"], pending["deposit"])
            try:
                post = self.env.runtime.dispatch(call_value, Origin.signed(multisig))
                result, used = {"Ok": ()}, post.actual_weight if post is not None else None
            except DispatchError as exc:
                result = {"Err": exc.value}
                used = exc.post_info.actual_weight if exc.post_info is not None else None
            self.deposit_event("MultisigExecuted", {"approving": who, "timepoint": timepoint, "multisig": multisig,
                                                    "call_hash": call_hash, "result": result})
            return PostDispatchInfo(None if used is None else _COMPLETE(s, call_len) + used)
        if not voting:
            raise self.error("AlreadyApproved")
        pending["approvals"] = sorted([*approvals, who])
        self.Multisigs.set(multisig, call_hash, pending)
        self.deposit_event("MultisigApproval", {"approving": who, "timepoint": timepoint, "multisig": multisig,
                                                "call_hash": call_hash})
        return PostDispatchInfo(_APPROVE(s, call_len))
