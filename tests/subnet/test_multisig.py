"""The Multisig pallet (index 13, polkadot-sdk's pallet_multisig as subtensor configures it): threshold-1
dispatch, M-of-N approvals with a deposit, cancel and poke, through signed extrinsics on a node.

Deposits follow the runtime's ``deposit(items, bytes)``: DepositBase = deposit(1, 112) = 0.132 TAO,
DepositFactor = deposit(0, 32) = 0.032 TAO per unit of threshold. Weights are written out here
from pallet_multisig's benchmark (see tensornet/pallets/multisig.py for their provenance).
"""
from __future__ import annotations

import pytest
from stake_net import TAO, StakeNet, acc

from tensornet.primitives.hashing import blake2_256
from tensornet.runtime.dispatch import (
    DB_READ,
    DB_WRITE,
    Weight,
    compute_fee_raw,
    transaction_extension_weight,
)

DEPOSIT_BASE, DEPOSIT_FACTOR = 132_000_000, 32_000_000
TRANSFER = Weight(38_159_000 + DB_READ + DB_WRITE, 3593)  # Balances.transfer_keep_alive
NO_WEIGHT = {"ref_time": 0, "proof_size": 0}


def multisig_account(members: list[str], threshold: int) -> bytes:
    """blake2_256("modlpy/utilisuba" ‖ SCALE(sorted members) ‖ threshold as u16), written out by hand."""
    keys = sorted(acc(m) for m in members)
    return blake2_256(b"modlpy/utilisuba" + bytes([len(keys) << 2]) + b"".join(keys) + threshold.to_bytes(2, "little"))


def others(me: str, members: list[str]) -> list[bytes]:
    return sorted(acc(m) for m in members if m != me)


def transfer(dest, value: int) -> dict:
    return {"Balances": {"transfer_keep_alive": {"dest": {"Id": acc(dest)}, "value": value}}}


def named(events: list[dict], pallet: str, name: str) -> list:
    return [e["fields"] for e in events if e["pallet"] == pallet and e["name"] == name]


def account(net: StakeNet, who) -> dict:
    return net.get("Account", acc(who), pallet="System")


def fee_for(net: StakeNet, signer: str, call: dict, weight: Weight) -> int:
    """The fee of the extrinsic ``signer`` sends with ``call`` weighing ``weight`` (plus its extensions)."""
    length = len(net.ext(signer, *_split(call)))
    return compute_fee_raw(length, (weight + transaction_extension_weight(call)).ref_time, 0, "Yes")


def _split(call: dict):
    (pallet, inner), = call.items()
    (name, args), = inner.items()
    return pallet, name, args


MEMBERS = ["Charlie", "Bob", "Dave"]


@pytest.fixture
def net():
    n = StakeNet()
    yield n
    n.close()


def test_threshold_1_dispatches_at_once_from_the_derived_account(net):
    pair = ["Charlie", "Dave"]
    ms = multisig_account(pair, 1)
    net.ok("Charlie", "Balances", "transfer_keep_alive", {"dest": {"Id": ms}, "value": 10 * TAO})
    inner = transfer("Bob", 3 * TAO)
    args = {"other_signatories": others("Charlie", pair), "call": inner}
    charlie0, bob0 = net.free("Charlie"), net.free("Bob")
    out = net.ok("Charlie", "Multisig", "as_multi_threshold_1", args)
    z = len(net.node.runtime.call_type.encode(inner))
    declared = Weight(20_470_382 + 397 * z + 2 * DB_READ, 3997) + Weight(DB_READ + DB_WRITE) + TRANSFER
    assert out.fee == fee_for(net, "Charlie", {"Multisig": {"as_multi_threshold_1": args}}, declared)
    assert net.free(ms) == 7 * TAO and net.free("Bob") == bob0 + 3 * TAO
    assert net.free("Charlie") == charlie0 - out.fee
    (executed,) = named(out.events, "Multisig", "MultisigExecuted")
    assert executed["approving"] == acc("Charlie") and executed["multisig"] == ms
    assert executed["call_hash"] == blake2_256(net.node.runtime.call_type.encode(inner))
    assert executed["result"] == {"Ok": ()} and executed["timepoint"]["height"] == net.block


def test_a_failed_threshold_1_call_fails_the_extrinsic_with_its_error(net):
    pair = ["Charlie", "Dave"]
    out = net.call("Charlie", "Multisig", "as_multi_threshold_1",
                   {"other_signatories": others("Charlie", pair), "call": transfer("Bob", TAO)})
    assert not out.success and out.error == "{'Token': 'FundsUnavailable'}"  # the empty multisig account
    assert not named(out.events, "Multisig", "MultisigExecuted")


def test_two_of_three_approve_then_execute(net):
    ms = multisig_account(MEMBERS, 2)
    net.ok("Charlie", "Balances", "transfer_keep_alive", {"dest": {"Id": ms}, "value": 10 * TAO})
    inner = transfer("Ferdie", 4 * TAO)
    call_hash = blake2_256(net.node.runtime.call_type.encode(inner))
    approve = {"threshold": 2, "other_signatories": others("Charlie", MEMBERS), "maybe_timepoint": None,
               "call_hash": call_hash, "max_weight": NO_WEIGHT}
    charlie0 = net.free("Charlie")
    out = net.ok("Charlie", "Multisig", "approve_as_multi", approve)
    when = {"height": net.block, "index": len(net.node.store.body(net.node.store.hash_of(net.block))) - 1}
    deposit = DEPOSIT_BASE + 2 * DEPOSIT_FACTOR
    assert named(out.events, "Multisig", "NewMultisig") == [{"approving": acc("Charlie"), "multisig": ms,
                                                             "call_hash": call_hash}]
    assert named(out.events, "Balances", "Reserved") == [{"who": acc("Charlie"), "amount": deposit}]
    assert net.get("Multisigs", ms, call_hash, pallet="Multisig") == {
        "when": when, "deposit": deposit, "depositor": acc("Charlie"), "approvals": [acc("Charlie")]}
    # it reports as_multi_create(s = 2, z = 0); FRAME counts no more than the declaration,
    # max(approve_as_multi_create(2), approve_as_multi_approve(2)) + max_weight, which is less here
    reported = Weight(29_976_762 + 144_320 * 2 + DB_READ + DB_WRITE, 6811)
    declared = Weight(27_463_275 + 139_226 * 2 + DB_READ + DB_WRITE, 6811)
    assert declared.ref_time < reported.ref_time
    assert out.fee == fee_for(net, "Charlie", {"Multisig": {"approve_as_multi": approve}}, declared)
    assert net.free("Charlie") == charlie0 - out.fee - deposit

    execute = {"threshold": 2, "other_signatories": others("Bob", MEMBERS), "maybe_timepoint": when, "call": inner,
               "max_weight": {"ref_time": TRANSFER.ref_time, "proof_size": TRANSFER.proof_size}}
    ferdie0 = net.free("Ferdie")
    out = net.ok("Bob", "Multisig", "as_multi", execute)
    (executed,) = named(out.events, "Multisig", "MultisigExecuted")
    assert executed == {"approving": acc("Bob"), "timepoint": when, "multisig": ms, "call_hash": call_hash,
                        "result": {"Ok": ()}}
    assert named(out.events, "Balances", "Unreserved") == [{"who": acc("Charlie"), "amount": deposit}]
    assert net.free("Ferdie") == ferdie0 + 4 * TAO and net.free(ms) == 6 * TAO
    assert net.get("Multisigs", ms, call_hash, pallet="Multisig") is None
    assert account(net, "Charlie")["data"]["reserved"] == 0


def test_the_approval_path_refuses_what_pallet_multisig_refuses(net):
    inner = transfer("Ferdie", TAO)
    call_hash = blake2_256(net.node.runtime.call_type.encode(inner))

    def approve(signer: str, **over):
        args = {"threshold": 2, "other_signatories": others(signer, MEMBERS), "maybe_timepoint": None,
                "call_hash": call_hash, "max_weight": NO_WEIGHT, **over}
        return net.call(signer, "Multisig", "approve_as_multi", args).error

    assert approve("Charlie", threshold=1) == "MinimumThreshold"
    assert approve("Charlie", other_signatories=[]) == "TooFewSignatories"
    assert approve("Charlie", other_signatories=others("Charlie", MEMBERS)[::-1]) == "SignatoriesOutOfOrder"
    assert approve("Charlie", other_signatories=sorted(acc(m) for m in MEMBERS)) == "SenderInSignatories"
    when = {"height": 1, "index": 1}
    assert approve("Charlie", maybe_timepoint=when) == "UnexpectedTimepoint"
    assert approve("Charlie") is None
    when = {"height": net.block, "index": len(net.node.store.body(net.node.store.hash_of(net.block))) - 1}
    assert approve("Bob") == "NoTimepoint"
    assert approve("Bob", maybe_timepoint={"height": when["height"], "index": when["index"] + 1}) == "WrongTimepoint"
    assert approve("Charlie", maybe_timepoint=when) == "AlreadyApproved"
    execute = {"threshold": 2, "other_signatories": others("Bob", MEMBERS), "maybe_timepoint": when, "call": inner,
               "max_weight": {"ref_time": TRANSFER.ref_time - 1, "proof_size": TRANSFER.proof_size}}
    assert net.call("Bob", "Multisig", "as_multi", execute).error == "MaxWeightTooLow"
    cancel = {"threshold": 2, "other_signatories": others("Bob", MEMBERS), "timepoint": when, "call_hash": call_hash}
    assert net.call("Bob", "Multisig", "cancel_as_multi", cancel).error == "NotOwner"


def test_the_depositor_cancels_and_gets_the_deposit_back(net):
    call_hash = bytes(range(32))
    approve = {"threshold": 3, "other_signatories": others("Charlie", MEMBERS), "maybe_timepoint": None,
               "call_hash": call_hash, "max_weight": NO_WEIGHT}
    net.ok("Charlie", "Multisig", "approve_as_multi", approve)
    when = {"height": net.block, "index": len(net.node.store.body(net.node.store.hash_of(net.block))) - 1}
    net.ok("Bob", "Multisig", "approve_as_multi", {**approve, "other_signatories": others("Bob", MEMBERS),
                                                   "maybe_timepoint": when})
    ms = multisig_account(MEMBERS, 3)
    assert net.get("Multisigs", ms, call_hash, pallet="Multisig")["approvals"] == sorted([acc("Charlie"), acc("Bob")])
    cancel = {"threshold": 3, "other_signatories": others("Charlie", MEMBERS), "timepoint": when,
              "call_hash": call_hash}
    out = net.ok("Charlie", "Multisig", "cancel_as_multi", cancel)
    deposit = DEPOSIT_BASE + 3 * DEPOSIT_FACTOR
    assert named(out.events, "Balances", "Unreserved") == [{"who": acc("Charlie"), "amount": deposit}]
    assert named(out.events, "Multisig", "MultisigCancelled") == [{"cancelling": acc("Charlie"), "timepoint": when,
                                                                   "multisig": ms, "call_hash": call_hash}]
    assert net.call("Charlie", "Multisig", "cancel_as_multi", cancel).error == "NotFound"


def test_an_executed_call_that_fails_is_reported_not_raised(net):
    pair = ["Charlie", "Dave"]
    inner = transfer("Ferdie", TAO)  # the multisig account holds nothing
    call_hash = blake2_256(net.node.runtime.call_type.encode(inner))
    net.ok("Charlie", "Multisig", "approve_as_multi", {
        "threshold": 2, "other_signatories": others("Charlie", pair), "maybe_timepoint": None,
        "call_hash": call_hash, "max_weight": NO_WEIGHT})
    when = {"height": net.block, "index": len(net.node.store.body(net.node.store.hash_of(net.block))) - 1}
    out = net.ok("Dave", "Multisig", "as_multi", {
        "threshold": 2, "other_signatories": others("Dave", pair), "maybe_timepoint": when, "call": inner,
        "max_weight": {"ref_time": TRANSFER.ref_time, "proof_size": TRANSFER.proof_size}})
    (executed,) = named(out.events, "Multisig", "MultisigExecuted")
    assert executed["result"] == {"Err": {"Token": "FundsUnavailable"}}
    assert account(net, "Charlie")["data"]["reserved"] == 0  # released before the call ran


def test_poke_deposit_re_prices_a_stale_deposit_for_free(net):
    call_hash = bytes(32)
    approve = {"threshold": 2, "other_signatories": others("Charlie", MEMBERS), "maybe_timepoint": None,
               "call_hash": call_hash, "max_weight": NO_WEIGHT}
    net.ok("Charlie", "Multisig", "approve_as_multi", approve)
    poke = {"threshold": 2, "other_signatories": others("Charlie", MEMBERS), "call_hash": call_hash}
    out = net.ok("Charlie", "Multisig", "poke_deposit", poke)
    assert out.fee > 0 and not named(out.events, "Multisig", "DepositPoked")
    ms = multisig_account(MEMBERS, 2)
    item = net.node.runtime.pallets["Multisig"].Multisigs.item
    stale = net.get("Multisigs", ms, call_hash, pallet="Multisig")
    stale["deposit"] += 5
    net.sudo("System", "set_storage", {"items": [(item.key(ms, call_hash), item.value_type.encode(stale))]})
    out = net.ok("Charlie", "Multisig", "poke_deposit", poke)
    deposit = DEPOSIT_BASE + 2 * DEPOSIT_FACTOR
    assert out.fee == 0 and named(out.events, "Multisig", "DepositPoked") == [
        {"who": acc("Charlie"), "call_hash": call_hash, "old_deposit": deposit + 5, "new_deposit": deposit}]
    assert net.call("Bob", "Multisig", "poke_deposit", {**poke, "other_signatories": others("Bob", MEMBERS)}).error \
        == "NotOwner"
