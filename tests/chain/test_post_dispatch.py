"""What an applied call reports after running (``PostDispatchInfo``) and what FRAME does with it.

A batch reports the weight it actually used: its overhead for the calls that ran plus their weights.
The extrinsic then pays for that (plus the extensions' weight), not for its declaration; the rest of
the fee goes back to the payer (to the author when the payer no longer exists), CheckWeight gives the
unused weight back to the block, and ExtrinsicSuccess / ExtrinsicFailed carry the weight used plus
the class's base extrinsic weight (frame_system's ``note_applied_extrinsic``).
"""
from __future__ import annotations

from tensornet.primitives.keys import dev_keypair, keypair_from_uri
from tensornet.runtime.dispatch import (
    DB_READ,
    DB_WRITE,
    EXTRINSIC_BASE_WEIGHT,
    Weight,
    transaction_extension_weight,
)

BOB = dev_keypair("Bob").public
TAO = 10**9
BASE_FEE = 57_740  # weight_to_fee(ExtrinsicBaseWeight)
#: Balances.transfer_keep_alive and transfer_all, as subtensor weighs them (SubstrateWeight + RocksDbWeight)
TRANSFER = Weight(38_159_000 + DB_READ + DB_WRITE, 3593)
TRANSFER_ALL = Weight(47_385_000 + DB_READ + DB_WRITE, 3593)
EXT = transaction_extension_weight({"Utility": {"batch": {}}})


def overhead(base: int, per_call: int, n: int) -> Weight:
    """The fork's ``WeightInfo::batch*(n)``: 2 reads, proof 3983."""
    return Weight(base + per_call * n + 2 * DB_READ, 3983)


def batch(n: int) -> Weight:
    return overhead(19_446_696, 5_450_264, n)


def batch_all(n: int) -> Weight:
    return overhead(13_428_230, 5_663_250, n)


def force_batch(n: int) -> Weight:
    return overhead(12_134_867, 5_477_293, n)


def fee(length: int, weight: Weight) -> int:
    """0.0005 rao per unit of ref time (rounded to nearest, ties down), 1 rao per byte, plus the base fee."""
    quotient, remainder = divmod(weight.ref_time * 500_000, 10**9)
    return BASE_FEE + length + quotient + (2 * remainder > 10**9)


def xfer(dest: bytes, value: int) -> dict:
    return {"Balances": {"transfer_keep_alive": {"dest": {"Id": dest}, "value": value}}}


def apply(node, raw: bytes):
    node.submit(raw)
    built = node.seal_block()
    (_, outcome), = built.applied
    return built, outcome


def system_event(tn, node, name: str) -> dict:
    """The dispatch info of the block's last ExtrinsicSuccess / ExtrinsicFailed (the inherents come first)."""
    return [e["fields"]["dispatch_info"] for e in tn.events(node) if e["name"] == name][-1]


def block_weight(tn, node, block_hash: bytes) -> dict:
    with tn.read_state(node, block_hash) as rt:
        return rt.pallets["System"].BlockWeight.get()["normal"]


def test_extrinsic_success_carries_the_weight_used_plus_the_base_extrinsic_weight(node, tn):
    apply(node, tn.transfer(node, "Dave", BOB, TAO))
    used = TRANSFER + transaction_extension_weight(xfer(BOB, TAO))
    assert system_event(tn, node, "ExtrinsicSuccess") == {
        "weight": {"ref_time": used.ref_time + EXTRINSIC_BASE_WEIGHT, "proof_size": used.proof_size},
        "class": "Normal", "pays_fee": "Yes"}


def test_an_interrupted_batch_pays_for_the_calls_that_ran(node, tn):
    dave = dev_keypair("Dave").public
    calls = [xfer(BOB, TAO), xfer(BOB, 10**15), xfer(BOB, TAO)]  # the second is more than Dave has
    raw = tn.signed(node, "Utility", "batch", {"calls": calls}, "Dave")
    dave0, author0 = tn.free(node, dave), tn.free(node, node.author)
    built, outcome = apply(node, raw)

    used = batch(2) + TRANSFER + TRANSFER + EXT  # the failed call counts in full; the third never ran
    declared = batch(3) + TRANSFER + TRANSFER + TRANSFER + EXT
    assert outcome.success and outcome.fee == fee(len(raw), used) < fee(len(raw), declared)
    assert [e["fields"] for e in tn.events(node) if e["name"] == "TransactionFeePaid"] == [
        {"who": dave, "actual_fee": outcome.fee, "tip": 0}]
    # the whole declared fee was withdrawn first; what the batch did not use came back
    withdrawn = [e["fields"]["amount"] for e in tn.events(node) if e["name"] == "Withdraw"]
    refunded = [e["fields"]["amount"] for e in tn.events(node)
                if e["name"] == "Deposit" and e["fields"]["who"] == dave]
    assert withdrawn == [fee(len(raw), declared)] and refunded == [fee(len(raw), declared) - outcome.fee]
    assert tn.free(node, dave) == dave0 - TAO - outcome.fee
    assert tn.free(node, node.author) == author0 + outcome.fee
    assert system_event(tn, node, "ExtrinsicSuccess")["weight"] == {
        "ref_time": used.ref_time + EXTRINSIC_BASE_WEIGHT, "proof_size": used.proof_size}
    # CheckWeight gave the unused weight back to the block
    assert block_weight(tn, node, built.hash) == {"ref_time": used.ref_time + EXTRINSIC_BASE_WEIGHT,
                                                  "proof_size": used.proof_size + len(raw)}


def test_a_failed_batch_all_pays_for_the_calls_up_to_the_failure(node, tn):
    calls = [xfer(BOB, TAO), xfer(BOB, 10**15), xfer(BOB, TAO)]
    raw = tn.signed(node, "Utility", "batch_all", {"calls": calls}, "Dave")
    dave = dev_keypair("Dave").public
    dave0 = tn.free(node, dave)
    _, outcome = apply(node, raw)
    used = batch_all(2) + TRANSFER + TRANSFER + EXT
    assert not outcome.success and outcome.fee == fee(len(raw), used)
    assert tn.free(node, dave) == dave0 - outcome.fee  # the first transfer was rolled back with the rest
    assert system_event(tn, node, "ExtrinsicFailed")["weight"]["ref_time"] == used.ref_time + EXTRINSIC_BASE_WEIGHT


def test_a_batch_that_runs_every_call_pays_its_declaration(node, tn):
    calls = [xfer(BOB, TAO), xfer(BOB, 10**15)]
    raw = tn.signed(node, "Utility", "force_batch", {"calls": calls}, "Dave")
    _, outcome = apply(node, raw)
    assert outcome.success and outcome.fee == fee(len(raw), force_batch(2) + TRANSFER + TRANSFER + EXT)
    assert not [e for e in tn.events(node) if e["name"] == "Deposit" and e["fields"]["who"] != node.author]


def test_a_refund_never_revives_a_reaped_payer(node, tn):
    """The payer sent everything away inside the batch: what the batch did not use goes to the author."""
    gone = keypair_from_uri("//reaped_in_batch")
    apply(node, tn.transfer(node, "Alice", gone.public, 10 * TAO))
    calls = [{"Balances": {"transfer_all": {"dest": {"Id": BOB}, "keep_alive": False}}},
             xfer(BOB, TAO), xfer(BOB, TAO)]  # nothing is left for the second: interrupted there
    raw = tn.signed(node, "Utility", "batch", {"calls": calls}, gone, nonce=0)
    author0 = tn.free(node, node.author)
    _, outcome = apply(node, raw)
    declared = batch(3) + TRANSFER_ALL + TRANSFER + TRANSFER + EXT
    assert outcome.success and outcome.fee == fee(len(raw), batch(2) + TRANSFER_ALL + TRANSFER + EXT)
    assert tn.account(node, gone.public)["providers"] == 0 and tn.free(node, gone.public) == 0
    assert tn.free(node, node.author) == author0 + fee(len(raw), declared)  # the fee and the refund
    assert not [e for e in tn.events(node) if e["name"] == "Deposit" and e["fields"]["who"] == gone.public]


AXON = {"SubtensorModule": {"serve_axon": {"netuid": 1, "version": 1, "ip": 2130706433, "port": 8091, "ip_type": 4,
                                           "protocol": 0, "placeholder1": 0, "placeholder2": 0}}}


def test_a_batch_of_free_calls_is_free(node, tn):
    """The fork's ``weight_and_dispatch_class``: a batch pays only if one of its calls does (an
    empty batch does not)."""
    dave = dev_keypair("Dave").public
    for calls, pays in (([AXON], False), ([], False), ([AXON, xfer(BOB, TAO)], True)):
        before = tn.free(node, dave)
        _, outcome = apply(node, tn.signed(node, "Utility", "batch", {"calls": calls}, "Dave"))
        assert outcome.success and (outcome.fee > 0) == pays, calls
        assert system_event(tn, node, "ExtrinsicSuccess")["pays_fee"] == ("Yes" if pays else "No")
        # (the axon fails, Dave has no registered hotkey, which interrupts the batch before the transfer)
        assert tn.free(node, dave) == before - outcome.fee
