"""Our V14 metadata through substrate-interface's own machinery (no node: the RPC layer is faked).

``FakeNode`` answers the handful of JSON-RPC calls substrate-interface makes (client-compat §1) from a
built runtime, its metadata and a dict of raw storage. Everything else — storage keys, default
decoding, call composition, signing, event and error decoding, receipts — is the client's own code
working from our metadata, and the results are checked against our runtime's declarations.
"""
from __future__ import annotations

import pytest
from scalecodec.base import ScaleBytes
from substrateinterface import Keypair, SubstrateInterface
from substrateinterface.base import ExtrinsicReceipt

from tensornet.chain.runtime_def import build_runtime
from tensornet.primitives.hashing import blake2_256
from tensornet.runtime.executive import Executive
from tensornet.runtime.metadata import build_metadata, pallet_storage_items

GENESIS = bytes([0x11]) * 32
HEAD = "0x" + GENESIS.hex()  # a one-block chain: the head is genesis (its header's parent is zero)
ALICE = Keypair.create_from_uri("//Alice")
BOB = Keypair.create_from_uri("//Bob")


class FakeNode(SubstrateInterface):
    """substrate-interface with ``rpc_request`` answered locally from a runtime."""

    def __init__(self, runtime, **kw):
        self.tn_runtime = runtime
        self.tn_meta = build_metadata(runtime)
        self.tn_storage: dict[str, str] = {}
        self.tn_reads: list[str] = []
        self.tn_block: list[str] = []
        super().__init__(url="http://127.0.0.1:9", **kw)

    def rpc_request(self, method, params, result_handler=None):
        rt = self.tn_runtime
        v = rt.version_value()
        header = {"parentHash": "0x" + "00" * 32, "number": "0x0", "stateRoot": HEAD, "extrinsicsRoot": HEAD,
                  "digest": {"logs": []}}
        if method == "state_getStorageAt":
            self.tn_reads.append(params[0])
            result = self.tn_storage.get(params[0])
        else:
            result = {
                "system_chain": "Bittensor",
                "rpc_methods": {"methods": ["chain_getHead", "state_getStorageAt", "state_getRuntimeVersion",
                                            "system_accountNextIndex"], "version": 1},
                "chain_getHead": HEAD,
                "chain_getHeader": header,
                "chain_getBlock": {"block": {"header": header, "extrinsics": self.tn_block}, "justifications": None},
                "state_getRuntimeVersion": {
                    "specName": v["spec_name"], "implName": v["impl_name"], "authoringVersion": 1,
                    "specVersion": v["spec_version"], "implVersion": 1, "apis": [],
                    "transactionVersion": v["transaction_version"], "systemVersion": 1},
                "state_getMetadata": "0x" + self.tn_meta.v14().hex(),
                "chain_getBlockHash": "0x" + GENESIS.hex(),
                "system_accountNextIndex": 0,
                "system_properties": {"ss58Format": 42, "tokenDecimals": 9, "tokenSymbol": "TAO"},
            }[method]
        return {"jsonrpc": "2.0", "id": 1, "result": result}


@pytest.fixture(scope="module")
def runtime():
    return build_runtime()


@pytest.fixture()
def node(runtime):
    return FakeNode(runtime)


def _key_values(node, item, sf) -> list:
    """Our default key values, as the client's own Python values (decoded by scalecodec)."""
    out = []
    for (_, ktype), type_string in zip(item.keys, sf.get_params_type_string()):
        obj = node.runtime_config.create_scale_object(type_string, ScaleBytes(ktype.encode(ktype.default())),
                                                      metadata=node.metadata)
        out.append(obj.decode())
    return out


def test_every_storage_entry_key_and_default_through_the_client(node, runtime):
    """Pitfall 6: the client decodes each ``default`` as the value type when storage is absent; and the
    client's storage keys (from our hasher list) equal ours."""
    node.init_runtime()
    checked = 0
    for cls in runtime.pallet_classes:
        for item in pallet_storage_items(runtime, cls):
            sf = node.metadata.get_metadata_pallet(cls.NAME).get_storage_function(item.name)
            params = _key_values(node, item, sf)
            node.tn_reads.clear()
            result = node.query(cls.NAME, item.name, params)
            assert node.tn_reads == ["0x" + item.key(*[k.default() for _, k in item.keys]).hex()], item
            if item.optional:
                assert result.value is None, item
            else:
                # a ValueQuery of an Option type (subtensor's AlphaMapLastKey) defaults to None
                assert result.value is not None or item.default is None, item
                assert item.value_type.decode_all(item.default_bytes) == item.default
            checked += 1
    assert checked == sum(len(pallet_storage_items(runtime, c)) for c in runtime.pallet_classes)


def test_stored_account_decodes_as_declared(node, runtime):
    system = runtime.pallets["System"]
    info = {"nonce": 3, "consumers": 0, "providers": 1, "sufficients": 0,
            "data": {"free": 10**12, "reserved": 5, "frozen": 0, "flags": 1 << 127}}
    node.tn_storage["0x" + system.Account.key(ALICE.public_key).hex()] = "0x" + system.Account.item.value_type.encode(info).hex()
    got = node.query("System", "Account", [ALICE.ss58_address]).value
    assert got == info


def test_compose_call_matches_the_runtime_encoding(node, runtime):
    call = node.compose_call("Balances", "transfer_keep_alive", {"dest": BOB.ss58_address, "value": 10**9})
    assert bytes(call.data.data) == runtime.encode_call("Balances", "transfer_keep_alive",
                                                        {"dest": {"Id": BOB.public_key}, "value": 10**9})
    batch = node.compose_call("Utility", "batch", {"calls": [call]})
    ours = runtime.encode_call("Utility", "batch", {"calls": [runtime.decode_call(bytes(call.data.data))]})
    assert bytes(batch.data.data) == ours


def test_calls_events_and_errors_resolve_by_name_and_index(node, runtime):
    node.init_runtime()
    md = node.metadata
    for cls in runtime.pallet_classes:
        pallet = md.get_metadata_pallet(cls.NAME)
        assert pallet["index"].value == cls.INDEX
        for c in cls.calls:
            fn = node.get_metadata_call_function(cls.NAME, c.name)
            assert fn["index"] == c.index
            assert [a["name"] for a in fn["fields"]] == [f.name for f in c.fields]
        if cls.event_type is not None:
            events = {e.value["name"]: e.value for e in pallet.events}
            for v in cls.event_type.variants:
                assert events[v.name]["index"] == v.index
        if cls.error_type is not None:
            for v in cls.error_type.variants:
                assert md.get_module_error(cls.INDEX, v.index).name == v.name


def _events_blob(runtime) -> bytes:
    env = runtime.env
    env.reset_events()
    info = {"weight": {"ref_time": 10, "proof_size": 0}, "class": "Normal", "pays_fee": "Yes"}
    env.phase = {"ApplyExtrinsic": 0}
    env.deposit_event("Balances", "Withdraw", {"who": ALICE.public_key, "amount": 7})
    env.deposit_event("System", "ExtrinsicFailed", {
        "dispatch_error": {"Module": {"index": 5, "error": bytes((2, 0, 0, 0))}}, "dispatch_info": info})
    env.deposit_event("TransactionPayment", "TransactionFeePaid", {"who": ALICE.public_key, "actual_fee": 7, "tip": 0})
    env.phase = {"ApplyExtrinsic": 1}
    env.deposit_event("Balances", "Transfer", {"from": ALICE.public_key, "to": BOB.public_key, "amount": 5})
    env.deposit_event("System", "ExtrinsicSuccess", {"dispatch_info": info})
    env.phase = "Finalization"
    _, blob = env.take_events()
    return blob


def test_signed_extrinsic_receipt_and_events_through_the_client(node, runtime):
    """Sign with the client, check the signature with our executive, then read the receipt: module
    error text from our metadata, fee from TransactionFeePaid, named attributes as dicts."""
    call = node.compose_call("Balances", "transfer_keep_alive", {"dest": BOB.ss58_address, "value": 10**9})
    xt = node.create_signed_extrinsic(call, ALICE)
    raw = bytes(xt.data.data)
    executive = Executive(runtime, GENESIS, lambda n: None)
    decoded = executive.decode(raw)
    assert decoded.signer == ALICE.public_key
    executive.check(decoded, 0)  # raises InvalidTransaction("BadProof") if extras/additional disagree

    node.tn_block = ["0x" + raw.hex()]
    node.tn_storage["0x" + runtime.events_item.key().hex()] = "0x" + _events_blob(runtime).hex()
    receipt = ExtrinsicReceipt(node, extrinsic_hash="0x" + blake2_256(raw).hex(), block_hash=HEAD)
    assert receipt.extrinsic_idx == 0
    assert receipt.is_success is False
    assert receipt.error_message["name"] == "InsufficientBalance"
    assert receipt.error_message["docs"] == ["Balance too low to send value."]
    assert receipt.total_fee_amount == 7

    events = node.get_events(HEAD)
    assert len(events) == 5
    transfer = events[3].value["event"]
    assert (transfer["module_id"], transfer["event_id"]) == ("Balances", "Transfer")
    assert transfer["attributes"] == {"from": ALICE.ss58_address, "to": BOB.ss58_address, "amount": 5}
    assert events[4].value["event"]["attributes"]["dispatch_info"]["class"] == "Normal"
    assert (events[4].value["phase"], events[4].value["extrinsic_idx"]) == ("ApplyExtrinsic", 1)


def test_block_with_inherent_and_signed_extrinsic_decodes(node, runtime):
    from tensornet.runtime.extrinsic import encode_unsigned

    inherent = encode_unsigned(runtime.encode_call("Timestamp", "set", {"now": 1_700_000_000_000}))
    call = node.compose_call("System", "remark", {"remark": "0x00ff"})
    signed = bytes(node.create_signed_extrinsic(call, ALICE).data.data)
    node.tn_block = ["0x" + inherent.hex(), "0x" + signed.hex()]
    block = node.get_block(HEAD)
    calls = [x.value["call"] for x in block["extrinsics"]]
    assert (calls[0]["call_module"], calls[0]["call_function"]) == ("Timestamp", "set")
    assert calls[0]["call_args"][0]["value"] == 1_700_000_000_000
    assert (calls[1]["call_module"], calls[1]["call_function"]) == ("System", "remark")


def test_runtime_constants_through_the_client(node, runtime):
    assert node.get_constant("Balances", "ExistentialDeposit").value == 500
    assert node.get_constant("System", "SS58Prefix").value == 42
    assert node.get_constant("System", "Version").value["spec_version"] == runtime.spec_version
    assert node.get_constant("Timestamp", "MinimumPeriod").value == runtime.minimum_period_ms


def test_a_fast_runtime_declares_subtensors_prod_or_fast_constants():
    """A fast-runtime subtensor build carries its ``prod_or_fast!`` values in the metadata too."""
    from tensornet.runtime.runtime import RuntimeConfig

    for fast, want in ((False, (360, 7200, 36000, 2)), (True, (10, 1, 50, 32))):
        client = FakeNode(build_runtime(RuntimeConfig(fast=fast)))
        got = tuple(client.get_constant("SubtensorModule", name).value for name in (
            "InitialTempo", "HotkeySwapOnSubnetInterval", "InitialColdkeySwapAnnouncementDelay",
            "InitialMaxEpochsPerBlock"))
        assert got == want, fast
