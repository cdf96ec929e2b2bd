"""The unmodified substrate-interface client against a running node (issue 3's "Done when")."""
from __future__ import annotations

import threading

import pytest
from substrateinterface import Keypair, SubstrateInterface
from substrateinterface.exceptions import SubstrateRequestException

TAO = 10**9


@pytest.fixture(scope="module")
def si(live_node):
    s = SubstrateInterface(url=live_node.url)
    yield s
    s.close()


@pytest.fixture(scope="module")
def keys():
    return {n: Keypair.create_from_uri(f"//{n}") for n in ("Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie")}


def _send(si, kp, pallet, call, args, **kw):
    c = si.compose_call(pallet, call, args)
    xt = si.create_signed_extrinsic(c, kp, era=kw.pop("era", None))
    return si.submit_extrinsic(xt, **kw)


def test_connect_and_identity(si):
    assert si.chain == "Bittensor"
    assert si.ss58_format == 42 and si.token_symbol == "TAO" and si.token_decimals == 9
    si.init_runtime()
    assert si.runtime_version >= 426


def test_query_an_account(si, keys):
    acct = si.query("System", "Account", [keys["Alice"].ss58_address]).value
    assert acct["data"]["free"] > 0 and set(acct) == {"nonce", "consumers", "providers", "sufficients", "data"}
    empty = si.query("System", "Account", [Keypair.create_from_uri("//Nobody").ss58_address]).value
    assert empty["data"]["free"] == 0 and empty["nonce"] == 0           # metadata default decodes
    assert si.query("Sudo", "Key").value == keys["Alice"].ss58_address
    assert si.get_constant("Balances", "ExistentialDeposit").value == 500


def test_query_map_pages_through_every_account(si, keys):
    full = {k.value: v.value for k, v in si.query_map("System", "Account", page_size=100)}
    paged = {k.value: v.value for k, v in si.query_map("System", "Account", page_size=2)}
    assert paged.keys() == full.keys()
    assert {keys[n].ss58_address for n in keys} <= set(full)
    first = si.query_map("System", "Account", page_size=2, max_results=3)
    assert len(list(first)) == 3


def test_transfer_with_inclusion_receipt_and_events(si, keys):
    bob_before = si.query("System", "Account", [keys["Bob"].ss58_address]).value["data"]["free"]
    rec = _send(si, keys["Alice"], "Balances", "transfer_keep_alive",
                {"dest": keys["Bob"].ss58_address, "value": TAO}, wait_for_inclusion=True)
    assert rec.is_success and rec.error_message is None
    names = [(e.value["module_id"], e.value["event_id"]) for e in rec.triggered_events]
    assert ("Balances", "Transfer") in names and names[-1] == ("System", "ExtrinsicSuccess")
    assert ("TransactionPayment", "TransactionFeePaid") in names
    assert rec.total_fee_amount > 57_740
    transfer = next(e for e in rec.triggered_events if e.value["event_id"] == "Transfer").value["attributes"]
    assert transfer == {"from": keys["Alice"].ss58_address, "to": keys["Bob"].ss58_address, "amount": TAO}
    assert si.query("System", "Account", [keys["Bob"].ss58_address]).value["data"]["free"] == bob_before + TAO
    events = si.get_events(rec.block_hash)
    assert [e.value["event_id"] for e in events][:1] == ["ExtrinsicSuccess"]  # the timestamp inherent


def test_finalization_and_mortal_era(si, keys):
    rec = _send(si, keys["Charlie"], "Balances", "transfer_keep_alive",
                {"dest": keys["Dave"].ss58_address, "value": TAO}, era={"period": 64}, wait_for_finalization=True)
    assert rec.is_success
    block = si.get_block(rec.block_hash)
    xt = next(x for x in block["extrinsics"] if x.value.get("extrinsic_hash") == rec.extrinsic_hash)
    assert xt.value["era"] != "00"
    assert si.get_block_header(finalized_only=True)["header"]["number"] >= block["header"]["number"]


def test_module_error_message_and_failed_call_pays(si, keys):
    rec = _send(si, keys["Bob"], "Sudo", "sudo",
                {"call": si.compose_call("Balances", "force_set_balance",
                                         {"who": keys["Bob"].ss58_address, "new_free": 1})},
                wait_for_inclusion=True)
    assert rec.is_success is False
    assert rec.error_message["name"] == "RequireSudo" and rec.error_message["type"] == "Module"
    assert rec.total_fee_amount > 0
    names = [e.value["event_id"] for e in rec.triggered_events]
    assert names[-1] == "ExtrinsicFailed"


def test_invalid_transaction_is_rejected_at_submit(si, keys):
    poor = Keypair.create_from_uri("//Penniless")
    call = si.compose_call("Balances", "transfer_keep_alive", {"dest": keys["Bob"].ss58_address, "value": TAO})
    xt = si.create_signed_extrinsic(call, poor)
    with pytest.raises(SubstrateRequestException) as info:
        si.submit_extrinsic(xt, wait_for_inclusion=True)
    err = info.value.args[0]
    assert err["code"] == 1010 and "Inability to pay some fees" in err["data"]
    # a stale nonce
    xt = si.create_signed_extrinsic(call, keys["Alice"], nonce=0)
    with pytest.raises(SubstrateRequestException) as info:
        si.submit_extrinsic(xt)
    assert info.value.args[0]["code"] == 1010 and "outdated" in info.value.args[0]["data"]


def test_blocks_and_headers(si):
    head = si.get_block_header()["header"]
    block = si.get_block(block_number=1)
    assert block["header"]["number"] == 1
    assert block["extrinsics"][0].value["call"]["call_module"] == "Timestamp"
    assert si.get_block_hash(head["number"]) == head["hash"]
    assert si.get_block_number(head["hash"]) == head["number"]
    assert si.get_block(block_hash="0x" + "ab" * 32) is None


class _Traffic:
    """Keeps sending transfers from its own connection until stopped, so a subscription always sees news."""

    def __init__(self, url, kp, dest, value):
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(url, kp, dest, value), daemon=True)

    def _run(self, url, kp, dest, value):
        s = None
        while not self.stop.wait(0.2):
            try:  # a busy machine may time a request out: reconnect and go on, never die silently
                s = s or SubstrateInterface(url=url)
                _send(s, kp, "Balances", "transfer_keep_alive", {"dest": dest, "value": value},
                      wait_for_inclusion=True)
            except Exception:
                if s is not None:
                    s.close()
                s = None
        if s is not None:
            s.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(30)


def test_new_head_subscription_sends_the_current_head_then_new_ones(si, live_node, keys):
    seen = []

    def handler(header, update_nr, sub_id):
        seen.append(header["header"]["number"])
        if update_nr >= 2:
            return seen

    start = si.get_block_header()["header"]["number"]
    with _Traffic(live_node.url, keys["Eve"], keys["Ferdie"].ss58_address, TAO):
        result = SubstrateInterface(url=live_node.url).subscribe_block_headers(handler)
    assert result[0] >= start and result == sorted(result) and len(set(result)) == 3


def test_storage_subscription(si, live_node, keys):
    ferdie = keys["Ferdie"].ss58_address
    updates = []

    def handler(obj, update_nr, sub_id):
        updates.append(obj.value["data"]["free"])
        if update_nr >= 1:
            return updates

    with _Traffic(live_node.url, keys["Charlie"], ferdie, 3 * TAO):
        result = SubstrateInterface(url=live_node.url).query("System", "Account", [ferdie],
                                                             subscription_handler=handler)
    assert result[1] > result[0] and (result[1] - result[0]) % (3 * TAO) == 0


def test_http_transport_works_for_reads(live_node, keys):
    s = SubstrateInterface(url=live_node.http_url)
    assert s.query("System", "Account", [keys["Alice"].ss58_address]).value["data"]["free"] > 0
    assert s.get_account_nonce(keys["Alice"].ss58_address) >= 0


def test_runtime_calls_through_the_static_table(si, keys):
    nonce = si.runtime_call("AccountNonceApi", "account_nonce", [keys["Alice"].ss58_address]).value
    assert nonce == si.get_account_nonce(keys["Alice"].ss58_address)
