"""Dispatch through the node: failed calls are included and pay, module errors, Sudo, Utility batches,
and balances that never go negative or wrap."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from tensornet.primitives.keys import dev_keypair, keypair_from_uri
from tensornet.pallets.balances import EXISTENTIAL_DEPOSIT, U64_MAX

ALICE, BOB, CHARLIE, DAVE = (dev_keypair(n).public for n in ("Alice", "Bob", "Charlie", "Dave"))


def _xfer(dest, value, keep_alive=True):
    return {"Balances": {"transfer_keep_alive" if keep_alive else "transfer_allow_death":
                         {"dest": {"Id": dest}, "value": value}}}


def _apply(node, raw):
    node.submit(raw)
    built = node.seal_block()
    (_, outcome), = built.applied
    return built, outcome


def test_failed_call_is_included_pays_and_rolls_back_only_itself(node, tn):
    dave_before = tn.free(node, DAVE)
    raw = tn.transfer(node, "Dave", BOB, dave_before)  # more than keep-alive allows
    built, outcome = _apply(node, raw)
    assert raw in built.block.extrinsics
    assert not outcome.success and outcome.error.value == {"Token": "FundsUnavailable"}
    assert tn.free(node, DAVE) == dave_before - outcome.fee and outcome.fee > 0
    assert tn.account(node, DAVE)["nonce"] == 1
    names = [e["name"] for e in tn.events(node) if e["phase"] == {"ApplyExtrinsic": 2}]
    assert names == ["Withdraw", "Deposit", "TransactionFeePaid", "ExtrinsicFailed"]
    failed = tn.events(node)[-1]["fields"]
    assert failed["dispatch_error"] == {"Token": "FundsUnavailable"}


def test_module_error_is_module_index_and_error_index(node, tn):
    raw = tn.signed(node, "Sudo", "sudo", {"call": _xfer(BOB, 1)}, "Bob")  # Bob is not the sudo key
    _, outcome = _apply(node, raw)
    assert not outcome.success and outcome.fee > 0
    assert outcome.error.value == {"Module": {"index": 12, "error": b"\x00\x00\x00\x00"}}
    assert outcome.error.describe().startswith("Sudo.RequireSudo")


def test_sudo_dispatches_as_root_and_reports_the_inner_result(node, tn):
    force = {"Balances": {"force_transfer": {"source": {"Id": DAVE}, "dest": {"Id": CHARLIE}, "value": 10**9}}}
    dave = tn.free(node, DAVE)
    _, outcome = _apply(node, tn.signed(node, "Sudo", "sudo", {"call": force}, "Alice"))
    assert outcome.success and tn.free(node, DAVE) == dave - 10**9
    sudid = next(e for e in tn.events(node) if e["name"] == "Sudid")
    assert sudid["fields"] == {"sudo_result": {"Ok": ()}}
    # an inner failure is still a successful sudo extrinsic, with Err in the event
    bad = {"Balances": {"force_transfer": {"source": {"Id": keypair_from_uri("//Nobody").public},
                                           "dest": {"Id": CHARLIE}, "value": 10**9}}}
    _, outcome = _apply(node, tn.signed(node, "Sudo", "sudo", {"call": bad}, "Alice"))
    assert outcome.success
    sudid = next(e for e in tn.events(node) if e["name"] == "Sudid")
    assert sudid["fields"]["sudo_result"] == {"Err": {"Token": "FundsUnavailable"}}
    # a signed origin may not call force_* directly
    _, outcome = _apply(node, tn.signed(node, "Balances", "force_transfer",
                                        force["Balances"]["force_transfer"], "Alice"))
    assert outcome.error.value == "BadOrigin"
    # sudo_as, set_key
    _, outcome = _apply(node, tn.signed(node, "Sudo", "sudo_as", {"who": {"Id": DAVE}, "call": _xfer(BOB, 10**9)},
                                        "Alice"))
    assert outcome.success and tn.free(node, DAVE) == dave - 2 * 10**9
    _, outcome = _apply(node, tn.signed(node, "Sudo", "set_key", {"new": {"Id": BOB}}, "Alice"))
    assert outcome.success
    _, outcome = _apply(node, tn.signed(node, "Sudo", "sudo", {"call": _xfer(BOB, 1)}, "Alice"))
    assert outcome.error.describe().startswith("Sudo.RequireSudo")


def test_utility_batch_semantics(node, tn):
    bob = tn.free(node, BOB)
    calls = [_xfer(BOB, 10**9), _xfer(BOB, 10**30 // 10**12), _xfer(BOB, 2 * 10**9)]  # the middle one fails
    # batch: stops at the failure, earlier calls stay, the extrinsic succeeds
    _, outcome = _apply(node, tn.signed(node, "Utility", "batch", {"calls": calls}, "Dave"))
    assert outcome.success and tn.free(node, BOB) == bob + 10**9
    assert [e["name"] for e in tn.events(node) if e["pallet"] == "Utility"] == ["ItemCompleted", "BatchInterrupted"]
    # batch_all: all or nothing, the extrinsic fails and pays
    bob = tn.free(node, BOB)
    _, outcome = _apply(node, tn.signed(node, "Utility", "batch_all", {"calls": calls}, "Dave"))
    assert not outcome.success and tn.free(node, BOB) == bob
    assert not [e for e in tn.events(node) if e["pallet"] == "Balances" and e["name"] == "Transfer"]
    # force_batch: every call runs
    _, outcome = _apply(node, tn.signed(node, "Utility", "force_batch", {"calls": calls}, "Dave"))
    assert outcome.success and tn.free(node, BOB) == bob + 3 * 10**9
    assert [e["name"] for e in tn.events(node) if e["pallet"] == "Utility"] == [
        "ItemCompleted", "ItemFailed", "ItemCompleted", "BatchCompletedWithErrors"]


def test_nested_batches_are_filtered_for_signed_origins_only(node, tn):
    bob = tn.free(node, BOB)
    nested = {"Utility": {"batch": {"calls": [_xfer(BOB, 10**9)]}}}
    _, outcome = _apply(node, tn.signed(node, "Utility", "batch", {"calls": [_xfer(BOB, 10**9), nested]}, "Dave"))
    assert not outcome.success and outcome.error.describe().startswith("System.CallFiltered")
    assert tn.free(node, BOB) == bob  # nothing ran
    # root bypasses the base call filter
    force = {"Balances": {"force_transfer": {"source": {"Id": DAVE}, "dest": {"Id": BOB}, "value": 10**9}}}
    root_nested = {"Utility": {"batch": {"calls": [{"Utility": {"batch": {"calls": [force]}}}]}}}
    _, outcome = _apply(node, tn.signed(node, "Sudo", "sudo", {"call": root_nested}, "Alice"))
    assert outcome.success and tn.free(node, BOB) == bob + 10**9


def test_balances_never_negative_or_wrapping(node, tn):
    # raise Bob to the top of u64, then anything more into Bob overflows instead of wrapping
    top = {"Balances": {"force_set_balance": {"who": {"Id": BOB}, "new_free": U64_MAX}}}
    _, outcome = _apply(node, tn.signed(node, "Sudo", "sudo", {"call": top}, "Alice"))
    assert tn.free(node, BOB) == U64_MAX
    _, outcome = _apply(node, tn.transfer(node, "Charlie", BOB, 10**9))
    assert outcome.error.value == {"Arithmetic": "Overflow"} and tn.free(node, BOB) == U64_MAX
    # transfer_all leaves ED under keep-alive; allow_death may empty and reap the account
    poor = keypair_from_uri("//Spender")
    _apply(node, tn.signed(node, "Balances", "transfer_allow_death", {"dest": {"Id": poor.public}, "value": 10**9},
                           "Charlie"))
    _apply(node, tn.signed(node, "Balances", "transfer_all", {"dest": {"Id": CHARLIE}, "keep_alive": True}, poor))
    assert tn.free(node, poor.public) == EXISTENTIAL_DEPOSIT
    # a transfer below ED to a fresh account fails with BelowMinimum
    _, outcome = _apply(node, tn.transfer(node, "Charlie", keypair_from_uri("//Fresh").public, 499))
    assert outcome.error.value == {"Token": "BelowMinimum"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["Bob", "Charlie", "Dave"]), st.sampled_from(["Bob", "Charlie", "Dave", "Eve"]),
                          st.integers(0, 2**64 - 1), st.booleans()), min_size=1, max_size=6))
def test_random_transfers_conserve_and_stay_in_range(node, tn, transfers):
    import pytest

    who = {n: dev_keypair(n).public for n in ("Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie")}
    with tn.read_state(node) as rt:
        issuance = rt.pallets["Balances"].TotalIssuance.get()
    for src, dst, value, keep in transfers:
        call = "transfer_keep_alive" if keep else "transfer_allow_death"
        try:
            node.submit(tn.signed(node, "Balances", call, {"dest": {"Id": who[dst]}, "value": value}, src))
        except Exception:
            pass  # e.g. cannot pay: refused, nothing changes
    node.seal_block()
    with tn.read_state(node) as rt:
        total = sum(acc["data"]["free"] for _, acc in rt.pallets["System"].Account.iter())
        new_issuance = rt.pallets["Balances"].TotalIssuance.get()
    for name, pub in who.items():
        assert 0 <= tn.free(node, pub) <= U64_MAX
    assert total == new_issuance == issuance  # fees move to the author; dust would be burned from both
    if len(node.pool):
        pytest.fail("every valid transfer should have been included")
