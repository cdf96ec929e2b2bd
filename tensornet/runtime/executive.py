"""The executive: how a block is executed, top to bottom, as frame_executive does it.

    initialize_block  -> System.initialize, every pallet's on_initialize (phase Initialization)
    apply_inherent    -> Timestamp.set (unsigned, mandatory, index 0)
    apply_extrinsic   -> check (signature, era, nonce, fee) -> pre_dispatch: nonce+1, fee withdrawn
                         (in TAO, or in alpha for stake calls of a payer without the TAO)
                         -> dispatch in its own storage layer -> post_dispatch: the weight the call
                         reports using sets the fee (refund) and the block weight; fee to the author,
                         TransactionFeePaid, ExtrinsicSuccess / ExtrinsicFailed
    finalize_block    -> on_finalize hooks (phase Finalization), System.Events written

An extrinsic that fails its checks raises ``TransactionValidityError`` and changes nothing; one whose
call fails is still included, pays its fee and records ``ExtrinsicFailed``.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Callable

from tensornet.primitives.era import Era
from tensornet.primitives.keys import verify

from .block_limits import BASE_BLOCK, ConsumedWeight, base_extrinsic, exceeds_block_length, exceeds_max_extrinsic
from .dispatch import (
    DispatchError,
    DispatchInfo,
    Origin,
    PostDispatchInfo,
    Weight,
    actual_pays,
    actual_weight,
    compute_fee,
    compute_fee_raw,
    transaction_extension_weight,
)
from .extensions import ExtensionCodec, Extra
from .extrinsic import Extrinsic, decode_extrinsic, encode_unsigned, signing_payload
from .runtime import Runtime
from .validity import InvalidTransaction, UnknownTransaction, ValidTransaction

ZERO_ACCOUNT = bytes(32)
_U32_LE = struct.Struct("<I")
#: frame_system BlockHashCount in subtensor's runtime (mortality window)
BLOCK_HASH_COUNT = 2400
IMMORTAL_LONGEVITY = 2**64 - 1
#: the pool priority of a signed transaction (subtensor's runtime constants): Normal (and Mandatory)
#: calls all rank alike, Operational ones (root's admin setters through Sudo) above them
NORMAL_DISPATCH_BASE_PRIORITY = 1
OPERATIONAL_DISPATCH_PRIORITY = 10_000_000_000


def _event_dispatch_info(ref_time: int, proof_size: int, dispatch_class: str, pays: str) -> dict:
    """What ExtrinsicSuccess / ExtrinsicFailed carry (``note_applied_extrinsic``): the weight the
    extrinsic used (call + extensions, after dispatch) plus its class's base extrinsic weight, the
    class, and pays after dispatch."""
    base_ref, base_proof = base_extrinsic(dispatch_class)
    return {"weight": {"ref_time": ref_time + base_ref, "proof_size": proof_size + base_proof},
            "class": dispatch_class, "pays_fee": pays}


@dataclass
class ApplyOutcome:
    """The result of an included extrinsic."""

    success: bool
    error: DispatchError | None
    fee: int
    info: DispatchInfo


class Checked:
    """An extrinsic whose signature and extensions have been checked against a state."""

    __slots__ = ("xt", "extra", "info", "fee", "_runtime", "_resolved")

    def __init__(self, xt: Extrinsic, extra: Extra, info: DispatchInfo, fee: int, runtime: Runtime,
                 resolved: tuple | None = None) -> None:
        self.xt, self.extra, self.info, self.fee = xt, extra, info, fee
        self._runtime, self._resolved = runtime, resolved

    @property
    def resolved(self) -> tuple:
        """``Runtime.resolve_call(xt.call)`` against the checking runtime: (pallet, call declaration,
        args), for the pallets' transaction extensions and the dispatch. Resolved when first asked
        (a runtime without transaction extensions never asks while validating)."""
        if self._resolved is None:
            self._resolved = self._runtime.resolve_call(self.xt.call)
        return self._resolved


class VerifiedSignatures:
    """Signatures already verified against their exact signed payload, bounded (oldest forgotten first).

    A transaction is checked when the pool admits it and again when a block includes it; the second
    sr25519 verification of identical bytes is pure cost. The key binds the signer, the signature and
    the whole payload (call, extra and additional-signed: versions, genesis and birth hash), so a hit
    proves exactly what a fresh verification would.
    """

    def __init__(self, capacity: int = 65_536) -> None:
        self.capacity = capacity
        self._seen: dict[bytes, None] = {}

    @staticmethod
    def key(signer: bytes, payload: bytes, signature: bytes) -> bytes:
        return signer + signature + payload

    def __contains__(self, key: bytes) -> bool:
        return key in self._seen

    def add(self, key: bytes) -> None:
        seen = self._seen
        if len(seen) >= self.capacity:
            for old in list(seen)[: self.capacity // 4]:
                del seen[old]
        seen[key] = None

    def verify(self, signer: bytes, payload: bytes, signature: bytes) -> bool:
        key = self.key(signer, payload, signature)
        if key in self._seen:
            return True
        if not verify(signer, payload, signature):
            return False
        self.add(key)
        return True


class DecodedHandoff:
    """Extrinsics the pool just decoded, handed to the block builder once (``take`` removes them).

    One-shot on purpose: a dispatch receives the decoded call's values, so an object is never
    applied twice. Bounded; a miss simply decodes again.
    """

    def __init__(self, capacity: int = 65_536) -> None:
        self.capacity = capacity
        self._items: dict[bytes, Extrinsic] = {}

    def put(self, xt: Extrinsic) -> None:
        items = self._items
        if len(items) >= self.capacity:
            for old in list(items)[: self.capacity // 4]:
                del items[old]
        items[xt.raw] = xt

    def take(self, raw: bytes) -> Extrinsic | None:
        return self._items.pop(raw, None)

    def peek(self, raw: bytes) -> Extrinsic | None:
        """The extrinsic without handing it out: validation reads it and leaves it for the block."""
        return self._items.get(raw)


def nonce_tag(who: bytes, nonce: int) -> bytes:
    """The pool tag a signed transaction provides: SCALE (AccountId, Nonce), as CheckNonce."""
    return who + _U32_LE.pack(nonce)


class Executive:
    def __init__(self, runtime: Runtime, genesis_hash: bytes, block_hash: Callable[[int], bytes | None],
                 author: bytes | None = None, codec: ExtensionCodec | None = None,
                 signatures: VerifiedSignatures | None = None, handoff: DecodedHandoff | None = None) -> None:
        self.runtime = runtime
        self.signatures = signatures or VerifiedSignatures()
        self.handoff = handoff
        self.genesis_hash = genesis_hash
        self.block_hash = block_hash  # number -> hash for kept blocks (mortality)
        self.author = author
        # pallets that pay the author themselves (SubtensorModule swap fees) read it from the runtime
        runtime.block_author = author
        self.codec = codec or ExtensionCodec()
        #: who takes a fee the payer's TAO cannot cover (SubtensorModule: alpha, for stake calls)
        self._fee_fallback = runtime.pallets.get("SubtensorModule")
        #: who may make a real account pay a delegate's fee (Proxy's RealPaysFee)
        self._fee_payers = runtime.pallets.get("Proxy")
        self._consumed = ConsumedWeight()  # System.BlockWeight of the block being executed
        self._success_payloads: dict[tuple, bytes] = {}
        self._block_length = 0
        self._extrinsic_index = 0

    @property
    def env(self):
        return self.runtime.env

    def decode(self, raw: bytes) -> Extrinsic:
        return decode_extrinsic(raw, self.runtime, self.codec)

    # --- checks shared by validation and application ------------------------------------------
    def signed_payload(self, xt: Extrinsic, current: int) -> tuple[bytes, bytes]:
        """(payload, sr25519 signature) that ``xt`` must carry to be valid at block ``current``;
        raises InvalidTransaction for what can be refused before any signature check."""
        additional, sig = self._additional_signed(xt, current)
        return signing_payload(xt.call_bytes, xt.extra_bytes, additional), sig

    def _additional_signed(self, xt: Extrinsic, current: int) -> tuple[bytes, bytes]:
        """(additional-signed bytes, signature): every refusal that precedes the signature check.

        An immortal transaction's answer depends only on its bytes and the runtime's versions, and
        the pool, the revalidation and the block ask for it again and again: it is remembered on
        ``xt`` under those versions."""
        rt = self.runtime
        versions = (rt.spec_version, rt.transaction_version)
        prepared = xt.prepared
        if prepared is not None and prepared[0] == versions:
            return prepared[1]
        if not xt.signed:
            raise UnknownTransaction("NoUnsignedValidator")
        extra: Extra = xt.extra  # type: ignore[assignment]
        if xt.signer == ZERO_ACCOUNT:
            raise InvalidTransaction("BadSigner")
        era: Era = extra.era
        birth = era.birth(current)
        if era.immortal:
            birth_hash = self.genesis_hash
        else:
            if birth > current:
                raise InvalidTransaction("AncientBirthBlock")
            # System.BlockHash keeps block 0 and the last BlockHashCount blocks; an older birth block's
            # hash is gone on chain even though our block store still has it
            kept = birth == 0 or birth >= current - BLOCK_HASH_COUNT
            birth_hash = self.block_hash(birth) if birth < current and kept else None
            if birth_hash is None:
                raise InvalidTransaction("AncientBirthBlock")
        additional = self.codec.encode_additional(rt.spec_version, rt.transaction_version, self.genesis_hash,
                                                  birth_hash, None)
        if extra.metadata_hash_mode != "Disabled":
            raise InvalidTransaction("BadProof", "CheckMetadataHash mode Enabled is not supported")
        (scheme, sig), = xt.signature.items()
        if scheme != "Sr25519":
            raise InvalidTransaction("BadProof", f"{scheme} signatures are not supported; use sr25519")
        if era.immortal:
            xt.prepared = (versions, (additional, sig))
        return additional, sig

    def check(self, xt: Extrinsic, current: int) -> Checked:
        """Signature, versions, genesis and mortality; raises InvalidTransaction.

        A transaction is checked when the pool admits it, at every revalidation and when a block
        includes it. Everything after the mortality check depends only on the extrinsic's bytes and
        the additional-signed bytes (versions, genesis, birth hash), so the result is memoised on the
        decoded extrinsic under those bytes; only the call is resolved again, against this runtime."""
        additional, sig = self._additional_signed(xt, current)
        rt = self.runtime
        memo = xt.checked
        if memo is not None and memo[0] == additional:
            return Checked(xt, xt.extra, memo[1], memo[2], rt)  # type: ignore[arg-type]
        payload = signing_payload(xt.call_bytes, xt.extra_bytes, additional)
        if not self.signatures.verify(xt.signer, payload, sig):
            raise InvalidTransaction("BadProof")
        extra: Extra = xt.extra  # type: ignore[assignment]
        try:
            resolved = rt.resolve_call(xt.call)
            # the signed extensions' own weight is charged too (pallet_transaction_payment's total_weight())
            info = resolved[1].info(resolved[2], transaction_extension_weight(xt.call))
        except (KeyError, TypeError) as exc:
            raise InvalidTransaction("Call", str(exc)) from None
        resolved[0].validate_signed(resolved[1].name, resolved[2], extra.era)
        if info.dispatch_class == "Mandatory":
            raise InvalidTransaction("MandatoryValidation")
        if exceeds_max_extrinsic(info, xt.length) or exceeds_block_length(info, 0, xt.length):
            raise InvalidTransaction("ExhaustsResources")
        fee = compute_fee(xt.length, info, extra.tip)
        xt.checked = (additional, info, fee)
        return Checked(xt, extra, info, fee, rt, resolved)

    def _check_account(self, checked: Checked, for_block: bool) -> tuple[dict, tuple | None]:
        """Nonce and fee checks against the current state (CheckNonce, ChargeTransactionPayment):
        (the sender's account, the block weight the transaction takes).

        For a block, the block limits (CheckWeight) are checked between the two, where CheckWeight
        sits in the extension order: a transaction that does not fit the block is deferred before
        its fee is looked at. Its weight is accrued only once the fee is withdrawn (a transaction
        turned away leaves the block as it was)."""
        system = self.runtime.pallets["System"]
        who = checked.xt.signer
        account = system.Account.get(who)
        nonce = checked.extra.nonce
        if nonce < account["nonce"]:
            raise InvalidTransaction("Stale")
        if for_block and nonce > account["nonce"]:
            raise InvalidTransaction("Future")
        # subtensor's CheckNonce (runtime/src/check_nonce.rs) refuses accountless senders only for
        # fee-paying calls, so a fresh hotkey can set weights or serve an axon (Pays::No)
        if checked.info.pays_fee == "Yes" and account["providers"] == 0 and account["sufficients"] == 0:
            raise InvalidTransaction("Payment")
        if for_block:  # CheckWeight: the block's length, then its weight (accrued once the fee is paid)
            info, length = checked.info, checked.xt.length
            if exceeds_block_length(info, self._block_length, length):
                raise InvalidTransaction("ExhaustsResources")
            fit = self._consumed.fit(info, length)
            if fit is None:
                raise InvalidTransaction("ExhaustsResources")
        else:
            fit = None
        if checked.fee and nonce == account["nonce"]:
            balances = self.runtime.pallets["Balances"]
            payer = self._fee_payer(checked)
            if payer != who:
                if balances.reducible_balance(payer, True) < checked.fee:
                    raise InvalidTransaction("Payment")
            # the account just read is the payer's current state (the limits check writes nothing)
            elif balances._reducible(account["data"], True) < checked.fee and not self._can_pay_in_alpha(checked):
                raise InvalidTransaction("Payment")
        return account, fit

    def _fee_payer(self, checked: Checked) -> bytes:
        """Who pays the fee: the signer, unless a real account it proxies for opted in to pay."""
        who, call_value = checked.xt.signer, checked.xt.call
        payers = self._fee_payers
        if payers is None or "Proxy" not in call_value:
            return who
        return payers.fee_payer(who, call_value) or who

    def _check_extensions(self, checked: Checked) -> None:
        """The pallets' own transaction extensions (subtensor's SubtensorTransactionExtension), which
        follow the nonce, weight and fee checks; each raises InvalidTransaction to refuse."""
        checks = self.runtime.transaction_checks
        if checks:
            pallet, calldef, args = checked.resolved
            who = checked.xt.signer
            for check in checks:
                check(who, pallet.NAME, calldef.name, args)

    def _alpha_fee_sources(self, checked: Checked) -> list:
        fallback = self._fee_fallback
        return [] if fallback is None else fallback.alpha_fee_sources(checked.xt.signer, checked.xt.call)

    def _can_pay_in_alpha(self, checked: Checked) -> bool:
        """``can_withdraw_fee``'s fallback: the stake the call names covers the fee."""
        sources = self._alpha_fee_sources(checked)
        return bool(sources) and self._fee_fallback.can_withdraw_fee_in_alpha(checked.xt.signer, sources,
                                                                              checked.fee)

    def _pay_in_alpha(self, checked: Checked, account: dict) -> tuple[int, int, int]:
        """``withdraw_fee``'s fallback when the TAO withdrawal failed: sell the fee's worth of the
        named stake to the author, then write the payer's bumped nonce (``account``); returns
        (alpha, TAO, netuid). A failed sale is rolled back with its events and refuses the
        transaction, which then leaves no trace."""
        sources = self._alpha_fee_sources(checked)
        if not sources:
            raise InvalidTransaction("Payment")
        who, env = checked.xt.signer, self.env
        mark = env.event_mark()
        env.state.begin()
        try:
            paid = self._fee_fallback.withdraw_fee_in_alpha(who, sources, checked.fee)
        except DispatchError:
            env.state.rollback()
            env.truncate_events(mark)
            raise InvalidTransaction("Payment") from None
        env.state.commit()
        system = self.runtime.pallets["System"]
        fresh = system.Account.get(who)  # the sale pays the author, who may be the payer
        fresh["nonce"] = account["nonce"]
        system.Account.set(who, fresh)
        return paid

    # --- pool validation -------------------------------------------------------------------------
    def validate_transaction(self, raw: bytes, state, best_number: int) -> tuple[Extrinsic, ValidTransaction]:
        """Validate ``raw`` against ``state`` (the best block's), as TaggedTransactionQueue does."""
        handoff = self.handoff
        xt = handoff.peek(raw) if handoff is not None else None
        decoded = xt is None
        if decoded:
            xt = self.decode(raw)
        current = best_number + 1
        # Runtime.at inlined (one validation per submitted transaction): point the environment at
        # ``state`` and restore it whatever happens
        env = self.runtime.env
        saved = (env.state, env.block_number, env.phase)
        env.state, env.block_number = state, current
        try:
            checked = self.check(xt, current)
            account, _ = self._check_account(checked, for_block=False)
            self._check_extensions(checked)
            who, nonce = xt.signer, checked.extra.nonce
            requires = (nonce_tag(who, nonce - 1),) if nonce > account["nonce"] else ()
            longevity = IMMORTAL_LONGEVITY if checked.extra.era.immortal else \
                checked.extra.era.death(current) - current
            # subtensor's ChargeTransactionPaymentWrapper sets the priority by class: a tip buys none
            priority = OPERATIONAL_DISPATCH_PRIORITY if checked.info.dispatch_class == "Operational" \
                else NORMAL_DISPATCH_BASE_PRIORITY
            if decoded and handoff is not None:
                handoff.put(xt)
            return xt, ValidTransaction(priority, requires, (nonce_tag(who, nonce),), longevity)
        finally:
            env.state, env.block_number, env.phase = saved

    # --- block execution ---------------------------------------------------------------------------
    def initialize_block(self, number: int, parent_hash: bytes) -> None:
        env = self.env
        env.reset_events()
        env.block_number = number
        env.phase = "Initialization"
        self._consumed = consumed = ConsumedWeight()
        self._block_length = 0
        self._extrinsic_index = 0
        self.runtime.pallets["System"].initialize(number, parent_hash)
        consumed.register(BASE_BLOCK)
        for pallet in self.runtime.pallets.values():
            consumed.register(pallet.on_initialize(number))

    def timestamp_inherent(self, now_ms: int) -> bytes:
        return encode_unsigned(self.runtime.encode_call("Timestamp", "set", {"now": now_ms}))

    def apply_inherent(self, raw: bytes) -> None:
        """Apply an unsigned mandatory inherent (Timestamp.set); failure is a bad block."""
        xt = self.decode(raw)
        if xt.signed:
            raise InvalidTransaction("Call", "an inherent must be unsigned")
        info = self.runtime.call_info(xt.call)
        if info.dispatch_class != "Mandatory":
            raise UnknownTransaction("NoUnsignedValidator")
        env = self.env
        env.phase = {"ApplyExtrinsic": self._extrinsic_index}
        try:
            self.runtime.dispatch(xt.call, Origin.none())
        except DispatchError as exc:
            raise InvalidTransaction("BadMandatory", exc.describe()) from None
        self.runtime.pallets["System"].deposit_event("ExtrinsicSuccess", {"dispatch_info": _event_dispatch_info(
            info.weight.ref_time, info.weight.proof_size, info.dispatch_class, info.pays_fee)})
        self._consumed.accrue(self._consumed.fit(info, xt.length))  # type: ignore[arg-type]  (Mandatory: unlimited)
        self._block_length += xt.length
        self._extrinsic_index += 1

    def apply_extrinsic(self, raw: bytes | Extrinsic) -> ApplyOutcome:
        """Check and apply one signed extrinsic; raises TransactionValidityError if it must be excluded.

        Every such refusal comes before the first storage write (the checks read, then the nonce and
        fee are written together, then nothing can refuse the transaction any more; a fee paid in
        alpha is sold in its own layer, undone if it fails), so a refused transaction leaves the
        state as it was and the block builder needs no layer around it."""
        if isinstance(raw, Extrinsic):
            xt = raw
        else:
            xt = (self.handoff.take(raw) if self.handoff is not None else None) or self.decode(raw)
        env = self.env
        checked = self.check(xt, env.block_number)
        info = checked.info
        account, fit = self._check_account(checked, for_block=True)
        self._check_extensions(checked)
        rt = self.runtime
        system, balances = rt.pallets["System"], rt.pallets["Balances"]
        who = xt.signer
        env.phase = {"ApplyExtrinsic": self._extrinsic_index}
        # pre_dispatch, outside the call's storage layer: nonce bump and fee withdrawal, written together
        account["nonce"] = (account["nonce"] + 1) & 0xFFFFFFFF
        paid_in_alpha = None
        payer = self._fee_payer(checked) if checked.fee else who
        if payer != who:  # a real account pays its delegate's fee: it cannot fall back on alpha
            try:
                balances.withdraw(payer, checked.fee, keep_alive=True, issuance=False)
            except DispatchError:  # (refused before writing anything)
                raise InvalidTransaction("Payment") from None
            system.Account.set(who, account)
        elif checked.fee:
            try:
                balances.withdraw(who, checked.fee, keep_alive=True, info=account, issuance=False)
            except DispatchError:  # (refused before writing anything)
                paid_in_alpha = self._pay_in_alpha(checked, account)
        else:
            system.Account.set(who, account)
        self._consumed.accrue(fit)  # type: ignore[arg-type]
        # dispatch in its own layer
        error: DispatchError | None = None
        post = None
        try:
            post = rt.dispatch(xt.call, Origin.signed(who), checked.resolved)
        except DispatchError as exc:
            error, post = exc, exc.post_info
        # post_dispatch: the fee goes to the author, what the call did not use back to the payer
        ref, proof, pays, actual_fee = self._post_dispatch(checked, post)
        if paid_in_alpha is None:
            self._correct_fee(payer, checked.fee, actual_fee)
        else:  # the author was paid by the sale, which is final
            alpha, tao, netuid = paid_in_alpha
            self._fee_fallback.deposit_event("TransactionFeePaidWithAlpha", {
                "who": who, "netuid": netuid, "alpha_fee": alpha, "tao_amount": tao})
        # pallet_transaction_payment records the fee of every signed extrinsic, zero (Pays::No) included
        rt.pallets["TransactionPayment"].deposit_event(
            "TransactionFeePaid", {"who": payer, "actual_fee": actual_fee, "tip": checked.extra.tip})
        if error is None:
            env.deposit_encoded_event("System", "ExtrinsicSuccess",
                                      self._success_payload(ref, proof, info.dispatch_class, pays))
        else:
            system.deposit_event("ExtrinsicFailed", {
                "dispatch_error": error.value,
                "dispatch_info": _event_dispatch_info(ref, proof, info.dispatch_class, pays)})
        self._block_length += xt.length
        self._extrinsic_index += 1
        return ApplyOutcome(error is None, error, actual_fee, info)

    def _post_dispatch(self, checked: Checked, post: PostDispatchInfo | None) -> tuple[int, int, str, int]:
        """(ref_time, proof_size, pays, fee) the applied extrinsic counts: its declaration unless the
        call reported using less, in which case CheckWeight also gives the rest back to the block."""
        info = checked.info
        if post is None:  # almost every call
            return (info.total_ref_time, info.weight.proof_size + info.extension_weight.proof_size,
                    info.pays_fee, checked.fee)
        used, pays, declared = actual_weight(info, post), actual_pays(info, post), info.total_weight
        self._consumed.reclaim(info.dispatch_class, Weight(declared.ref_time - used.ref_time,
                                                           declared.proof_size - used.proof_size))
        return (used.ref_time, used.proof_size, pays,
                compute_fee_raw(checked.xt.length, used.ref_time, checked.extra.tip, pays))

    def _correct_fee(self, who: bytes, paid: int, actual_fee: int) -> None:
        """``correct_and_deposit_fee``: what was paid beyond ``actual_fee`` goes back to the payer if it
        still exists (else to the author with the fee); the fee goes to the author."""
        balances = self.runtime.pallets["Balances"]
        to_author = actual_fee
        refund = paid - actual_fee
        if refund and not balances.refund(who, refund):
            to_author += refund
        if to_author:
            balances.settle_fee(self.author, to_author)

    def _success_payload(self, ref_time: int, proof_size: int, dispatch_class: str, pays: str) -> bytes:
        """``ExtrinsicSuccess``'s encoded payload: the same for every extrinsic of one weight, class
        and pays (all transfers, say), so each is encoded once."""
        key = (ref_time, proof_size, dispatch_class, pays)
        cache = self._success_payloads
        payload = cache.get(key)
        if payload is None:
            encoder = self.runtime.event_encoder("System", "ExtrinsicSuccess")[1]
            payload = encoder.encode({"dispatch_info": _event_dispatch_info(*key)})
            if len(cache) >= 4096:
                cache.clear()
            cache[key] = payload
        return payload

    def finalize_block(self) -> int:
        """Run on_finalize hooks and write this block's events; returns how many there are."""
        env = self.env
        env.phase = "Finalization"
        for pallet in self.runtime.pallets.values():
            pallet.on_finalize(env.block_number)
        system = self.runtime.pallets["System"]
        system.finalize(self._consumed.value())
        count, encoded = env.take_events()
        env.state.put(self.runtime.events_item.key(), encoded)
        system.EventCount.set(count)
        return count
