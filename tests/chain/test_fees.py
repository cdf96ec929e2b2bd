"""Fees exactly as subtensor charges them, through the node: weight × 0.0005 + 1 rao per byte + base + tip.

Constants checked against subtensor's runtime (spec §1; runtime/src/lib.rs): LinearWeightToFee
(Perbill 500_000), LengthToFee = IdentityFee, ConstFeeMultiplier 1, ExtrinsicBaseWeight 115_480 ns,
RocksDbWeight (25 µs read, 100 µs write) and pallet_balances' SubstrateWeight. Fees go to the block
author (TransactionFeeHandler resolves the imbalance to the author).
"""
from __future__ import annotations

import pytest

from tensornet.primitives.keys import dev_keypair
from tensornet.primitives.scale import U32
from tensornet.runtime.dispatch import (
    EXTRINSIC_BASE_WEIGHT, compute_fee, transaction_extension_weight, weight_to_fee,
)

ALICE, BOB = dev_keypair("Alice").public, dev_keypair("Bob").public
#: subtensor's TxExtension weighs every signed extrinsic too (frame_system checks, the payment wrapper …)
EXT = transaction_extension_weight({"Balances": {"transfer_keep_alive": {}}}).ref_time


def test_the_constants_are_subtensors():
    assert EXTRINSIC_BASE_WEIGHT == 115_480_000
    # 0.0005 rao per unit; Perbill * balance rounds to nearest, ties down
    assert weight_to_fee(2_000) == 1 and weight_to_fee(1_999) == 1 and weight_to_fee(1_000) == 0
    assert weight_to_fee(EXTRINSIC_BASE_WEIGHT) == 57_740


@pytest.mark.parametrize("call,args,ref_time", [
    ("transfer_keep_alive", {"value": 10**9}, 38_159_000 + 25_000_000 + 100_000_000),
    ("transfer_allow_death", {"value": 10**9}, 48_363_000 + 25_000_000 + 100_000_000),
    ("transfer_all", {"keep_alive": True}, 47_385_000 + 25_000_000 + 100_000_000),
])
def test_balances_call_fee_is_exact_and_goes_to_the_author(node, tn, call, args, ref_time):
    author = node.author
    assert author is not None
    raw = tn.signed(node, "Balances", call, {"dest": {"Id": BOB}, **args}, "Charlie")
    charlie = dev_keypair("Charlie").public
    before_author = tn.free(node, author)
    issuance_before = _issuance(node, tn)
    expected = 57_740 + len(raw) + weight_to_fee(ref_time + EXT)
    node.submit(raw)
    built = node.seal_block()
    (_, outcome), = built.applied
    assert outcome.success and outcome.fee == expected
    paid = [e for e in tn.events(node) if e["name"] == "TransactionFeePaid"]
    assert paid[0]["fields"] == {"who": charlie, "actual_fee": expected, "tip": 0}
    assert tn.free(node, author) - before_author == expected
    assert _issuance(node, tn) == issuance_before  # withdrawn from the payer, resolved to the author
    # the runtime API clients use for fee estimates agrees
    info = _query_info(node, raw)
    assert info["partial_fee"] == expected and info["weight"]["ref_time"] == ref_time + EXT


def test_tip_is_added_and_pays_no_calls_are_free(node, tn):
    raw = tn.transfer(node, "Bob", ALICE, 10**9, tip=12_345)
    bob_before = tn.free(node, BOB)
    node.submit(raw)
    (_, outcome), = node.seal_block().applied
    base = 57_740 + len(raw) + weight_to_fee(38_159_000 + 125_000_000 + EXT)
    assert outcome.fee == base + 12_345
    assert bob_before - tn.free(node, BOB) == 10**9 + base + 12_345
    # Sudo.sudo by the sudo key is Pays::No: nothing withdrawn, no TransactionFeePaid
    alice_before = tn.free(node, ALICE)
    inner = {"Balances": {"force_set_balance": {"who": {"Id": dev_keypair("Eve").public}, "new_free": 5 * 10**9}}}
    node.submit(tn.signed(node, "Sudo", "sudo", {"call": inner}, "Alice"))
    (_, outcome), = node.seal_block().applied
    assert outcome.success and outcome.fee == 0
    assert tn.free(node, ALICE) == alice_before
    paid = [e["fields"] for e in tn.events(node) if e["name"] == "TransactionFeePaid"]
    assert paid == [{"who": ALICE, "actual_fee": 0, "tip": 0}]  # emitted for every signed extrinsic
    assert tn.free(node, dev_keypair("Eve").public) == 5 * 10**9


def test_compute_fee_formula():
    from tensornet.runtime.dispatch import DispatchInfo, Weight

    info = DispatchInfo(Weight(1_000_000_000))
    assert compute_fee(100, info, 7) == 57_740 + 100 + 500_000 + 7
    assert compute_fee(100, DispatchInfo(Weight(10**9), pays_fee="No"), 7) == 7  # Pays::No still pays the tip


def _issuance(node, tn) -> int:
    with tn.read_state(node) as rt:
        return rt.pallets["Balances"].TotalIssuance.get()


def _query_info(node, raw: bytes) -> dict:
    out = node.call_api("TransactionPaymentApi_query_info", raw + U32.encode(len(raw)))
    return node.api_registry.method("TransactionPaymentApi_query_info").output.decode_all(out)


def test_a_fee_the_author_cannot_take_is_burned_and_the_block_still_builds(node, tn):
    top = {"Balances": {"force_set_balance": {"who": {"Id": node.author}, "new_free": 2**64 - 1}}}
    node.submit(tn.signed(node, "Sudo", "sudo", {"call": top}, "Alice"))
    node.seal_block()
    issuance = _issuance(node, tn)
    assert node.author == ALICE  # the sudo refund above could not be paid back either: burned, no abort
    raw = tn.transfer(node, "Bob", dev_keypair("Charlie").public, 10**9)
    node.submit(raw)
    (_, outcome), = node.seal_block().applied
    assert outcome.success and tn.free(node, node.author) == 2**64 - 1
    assert _issuance(node, tn) == issuance - outcome.fee


def test_a_call_that_turns_out_free_still_pays_its_tip(node, tn):
    """Sudo.sudo declares Pays::Yes and returns Pays::No: the inclusion fee is refunded, the tip kept."""
    inner = {"Balances": {"force_set_balance": {"who": {"Id": dev_keypair("Dave").public}, "new_free": 3 * 10**9}}}
    node.submit(tn.signed(node, "Sudo", "sudo", {"call": inner}, "Alice", tip=777))
    (_, outcome), = node.seal_block().applied
    assert outcome.success and outcome.fee == 777
    paid = [e["fields"] for e in tn.events(node) if e["name"] == "TransactionFeePaid"]
    assert paid == [{"who": ALICE, "actual_fee": 777, "tip": 777}]  # Alice is also the author here
