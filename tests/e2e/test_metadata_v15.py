"""V15 metadata with the real async-substrate-interface client (cyscale), in its own venv.

The client runs in ``.venv-async`` (``scripts/setup_client_venvs.sh``) because cyscale replaces the
scalecodec that substrate-interface needs. Its sync ``SubstrateInterface`` is used unmodified except
for the websocket: a pipe to this process, where ``serve`` answers each JSON-RPC request from our
runtime (runtime APIs through ``ApiRegistry``, storage from an in-memory state). So the client's own
code fetches V15 with ``Metadata_metadata_at_version(15)``, builds its ``runtime_api_map``, encodes
runtime-call arguments with our declared input types and decodes results with our output types.
"""
from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

from tensornet.chain.runtime_apis import ApiContext
from tensornet.chain.runtime_def import build_runtime
from tensornet.primitives.keys import dev_keypair
from tensornet.runtime.apis import ApiNotFound, ApiRegistry
from tensornet.runtime.executive import Executive
from tensornet.runtime.metadata import build_metadata
from tensornet.storage.backend import MemoryBackend
from tensornet.storage.overlay import Overlay

REPO = Path(__file__).resolve().parents[2]
CLIENT_PYTHON = Path(os.environ.get("ASYNC_CLIENT_VENV", REPO / ".venv-async")) / "bin" / "python"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CLIENT_PYTHON.exists(),
                       reason=f"no client venv at {CLIENT_PYTHON.parent.parent}: run scripts/setup_client_venvs.sh"),
]

GENESIS = bytes([0x11]) * 32
HEAD = "0x" + GENESIS.hex()  # a one-block chain: the head is genesis (its header's parent is zero)

CLIENT_SCRIPT = r'''
import json, sys
from async_substrate_interface.sync_substrate import SubstrateInterface
from bittensor_wallet import Keypair
from scalecodec.base import RuntimeConfigurationObject
from scalecodec.type_registry import load_type_registry_preset

class PipeSocket:
    """The client's websocket, replaced by stdin/stdout lines to the test process."""
    close_code = None
    def send(self, text):
        sys.stdout.write(text + "\n"); sys.stdout.flush()
    def recv(self, timeout=None, decode=False):
        return sys.stdin.readline().encode()
    def close(self):
        pass

class Client(SubstrateInterface):
    def connect(self, init=False):
        return PIPE

PIPE = PipeSocket()
sub = Client("ws://tensornet.invalid", _mock=True, ss58_format=42)
sub.initialize()
rt = sub.runtime
out = {"v15_used_alone": rt.metadata_v15 is not None and rt.metadata is rt.metadata_v15}
meta = rt.metadata_v15
value = meta.value[1]["V15"]
types = value["types"]["types"]
out["apis"] = {api: sorted(methods) for api, methods in rt.runtime_api_map.items()}
out["outer_enums"] = {k: types[v]["type"]["path"] for k, v in value["outer_enums"].items()}
out["pallets"] = [[p["name"], p["index"], p["docs"]] for p in value["pallets"]]
rc = RuntimeConfigurationObject()
rc.update_type_registry(load_type_registry_preset("core"))
out["reencoded"] = bytes(rc.create_scale_object("MetadataVersioned").encode(meta.value).data).hex()
out["raw"] = bytes(meta.data.data).hex()

alice = Keypair.create_from_uri("//Alice")
bob = Keypair.create_from_uri("//Bob")
out["nonce"] = sub.runtime_call("AccountNonceApi", "account_nonce", [alice.ss58_address])
out["account"] = sub.query("System", "Account", [alice.ss58_address]).value
out["number_default"] = sub.query("System", "Number").value
out["sudo_key_default"] = sub.query("Sudo", "Key").value
out["existential_deposit"] = sub.get_constant("Balances", "ExistentialDeposit").value
call = sub.compose_call("Balances", "transfer_keep_alive", {"dest": bob.ss58_address, "value": 10**9})
out["call"] = bytes(call.data.data).hex()
out["payment_info"] = sub.get_payment_info(call, alice)
xt = sub.create_signed_extrinsic(call, alice)
out["extrinsic"] = bytes(xt.data.data).hex()
out["events"] = [[e["module_id"], e["event_id"], e["attributes"]] for e in sub.get_events(sub.get_chain_head())]
out["versions"] = sub.runtime_call("Metadata", "metadata_versions", [])
out["core_version"] = sub.runtime_call("Core", "version", [])["spec_version"]
try:
    sub.runtime_call("NoSuchApi", "nothing", [])
    out["missing_api"] = "no error"
except ValueError as exc:
    out["missing_api"] = str(exc)
sys.stdout.write(json.dumps({"__result__": out}, default=str) + "\n"); sys.stdout.flush()
'''


class FakeNode:
    """Answers the client's JSON-RPC requests from our runtime, metadata and an in-memory state."""

    def __init__(self) -> None:
        self.runtime = build_runtime()
        self.meta = build_metadata(self.runtime)
        self.apis = ApiRegistry(list(self.runtime.apis))
        self.state = Overlay(MemoryBackend())
        self.executive = Executive(self.runtime, GENESIS, lambda n: GENESIS if n == 0 else None)
        self.methods: list[str] = []
        self.alice = dev_keypair("Alice").public
        system = self.runtime.pallets["System"]
        with self.runtime.at(self.state, 1):
            system.Account.set(self.alice, {"nonce": 5, "consumers": 0, "providers": 1, "sufficients": 0,
                                            "data": {"free": 10**12, "reserved": 0, "frozen": 0, "flags": 1 << 127}})
            self.state.put(self.runtime.events_item.key(), events_blob(self.runtime))

    def answer(self, request: dict) -> dict:
        method, params = request["method"], request.get("params") or []
        self.methods.append(method)
        try:
            result = self.result(method, params)
        except ApiNotFound as exc:
            return {"jsonrpc": "2.0", "id": request["id"],
                    "error": {"code": 4003, "message": f"Client error: Execution failed: Other: {exc}"}}
        return {"jsonrpc": "2.0", "id": request["id"], "result": result}

    def result(self, method: str, params: list):
        rt = self.runtime
        v = rt.version_value()
        header = {"parentHash": "0x" + "00" * 32, "number": "0x0", "stateRoot": HEAD, "extrinsicsRoot": HEAD,
                  "digest": {"logs": []}}
        if method == "state_call":
            name, args = params[0], bytes.fromhex(params[1].removeprefix("0x"))
            with rt.at(self.state, 1):
                ctx = ApiContext(rt, self.executive, self.state, 1, self.meta)
                return "0x" + self.apis.call(name, args, ctx).hex()
        if method == "state_getStorageAt":
            raw = self.state.get(bytes.fromhex(params[0].removeprefix("0x")))
            return None if raw is None else "0x" + raw.hex()
        if method == "state_queryStorageAt":
            changes = [[k, self.result("state_getStorageAt", [k])] for k in params[0]]
            return [{"block": HEAD, "changes": changes}]
        return {
            "system_chain": "Bittensor",
            "rpc_methods": {"methods": ["account_nextIndex", "chain_getHead", "state_call", "state_getStorageAt",
                                        "state_getRuntimeVersion"], "version": 1},
            "chain_getHead": HEAD, "chain_getFinalizedHead": HEAD, "chain_getHeader": header,
            "chain_getBlockHash": "0x" + GENESIS.hex(),
            "state_getRuntimeVersion": {
                "specName": v["spec_name"], "implName": v["impl_name"], "authoringVersion": 1,
                "specVersion": v["spec_version"], "implVersion": 1, "apis": [],
                "transactionVersion": v["transaction_version"], "systemVersion": 1},
            "state_getMetadata": "0x" + self.meta.v14().hex(),
            "account_nextIndex": 5,
            "system_properties": {"ss58Format": 42, "tokenDecimals": 9, "tokenSymbol": "TAO"},
        }[method]


def events_blob(runtime) -> bytes:
    """A block's ``System.Events``: named, unnamed and nested-error payloads."""
    env = runtime.env
    env.reset_events()
    alice, bob = dev_keypair("Alice").public, dev_keypair("Bob").public
    info = {"weight": {"ref_time": 10, "proof_size": 0}, "class": "Normal", "pays_fee": "Yes"}
    env.phase = {"ApplyExtrinsic": 1}
    env.deposit_event("Balances", "Transfer", {"from": alice, "to": bob, "amount": 5})
    env.deposit_event("System", "ExtrinsicFailed", {
        "dispatch_error": {"Module": {"index": 5, "error": bytes((2, 0, 0, 0))}}, "dispatch_info": info})
    env.phase = "Finalization"
    return env.take_events()[1]


def run_client(node: FakeNode, timeout: float = 180.0) -> dict:
    proc = subprocess.Popen([str(CLIENT_PYTHON), "-c", CLIENT_SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "DISK_CACHE": "0"})
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    try:
        for line in proc.stdout:
            message = json.loads(line)
            if "__result__" in message:
                return message["__result__"]
            proc.stdin.write(json.dumps(node.answer(message)) + "\n")
            proc.stdin.flush()
        raise AssertionError(f"client exited without a result:\n{proc.stderr.read()[-3000:]}")
    finally:
        watchdog.cancel()
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def outcome():
    node = FakeNode()
    return node, run_client(node)


def test_v15_is_fetched_and_used_on_its_own(outcome):
    node, out = outcome
    assert out["v15_used_alone"] is True
    assert "state_getMetadata" not in node.methods
    assert bytes.fromhex(out["raw"]) == node.meta.v15()
    assert out["reencoded"] == out["raw"]


def test_apis_list_our_runtime_apis_and_methods(outcome):
    node, out = outcome
    assert out["apis"] == {api.name: sorted(m.name for m in api.methods) for api in node.runtime.apis}


def test_outer_enums_and_pallets(outcome):
    node, out = outcome
    assert out["outer_enums"] == {
        "call_enum_ty": ["node_subtensor_runtime", "RuntimeCall"],
        "event_enum_ty": ["node_subtensor_runtime", "RuntimeEvent"],
        "error_enum_ty": ["node_subtensor_runtime", "RuntimeError"]}
    assert [(name, index) for name, index, _ in out["pallets"]] == \
        [(c.NAME, c.INDEX) for c in node.runtime.pallet_classes]
    assert all(docs for _, _, docs in out["pallets"])


def test_runtime_calls_encode_inputs_and_decode_outputs_with_our_types(outcome):
    node, out = outcome
    assert out["nonce"] == 5
    assert out["versions"] == [14, 15]
    assert out["core_version"] == node.runtime.spec_version
    info = out["payment_info"]
    assert info["class"] == "Normal" and info["partial_fee"] > 0 and set(info["weight"]) == {"ref_time", "proof_size"}
    assert out["missing_api"] == "Runtime API Call 'NoSuchApi.nothing' not found in registry"


def test_storage_and_constants_decode(outcome):
    _, out = outcome
    assert out["account"]["nonce"] == 5 and out["account"]["data"]["free"] == 10**12
    assert out["number_default"] == 0
    assert out["sudo_key_default"] is None
    assert out["existential_deposit"] == 500


def test_events_decode_with_our_registry(outcome):
    _, out = outcome
    (m1, e1, a1), (m2, e2, a2) = out["events"]
    assert (m1, e1, a1["amount"]) == ("Balances", "Transfer", 5)
    assert set(a1) == {"from", "to", "amount"}
    assert (m2, e2) == ("System", "ExtrinsicFailed")
    assert a2["dispatch_error"] == {"Module": {"index": 5, "error": "0x02000000"}}


def test_compose_and_sign_agree_with_the_runtime(outcome):
    node, out = outcome
    bob = dev_keypair("Bob").public
    rt = node.runtime
    assert bytes.fromhex(out["call"]) == rt.encode_call("Balances", "transfer_keep_alive",
                                                        {"dest": {"Id": bob}, "value": 10**9})
    xt = node.executive.decode(bytes.fromhex(out["extrinsic"]))
    assert xt.signer == node.alice and xt.extra.nonce == 5
    node.executive.check(xt, 1)  # BadProof here would mean the client signed different extras


# ---------------------------------------------------------------------------------------------
# bittensor-core: bittensor 11's Rust codec (frame-metadata + scale-info), the strictest decoder
# ---------------------------------------------------------------------------------------------

BTCORE_SCRIPT = r'''
import json, sys
import bittensor_core as b
spec = json.load(open(sys.argv[1]))
out = {}
def get(obj, name):
    """Some accessors are properties and some methods."""
    v = getattr(obj, name)
    return v() if callable(v) else v
for version in ("v14", "v15"):
    r = b.Runtime(bytes.fromhex(spec[version]), spec["spec_version"], 1)
    res = {"is_v15": get(r, "is_v15"), "extensions": get(r, "signed_extension_identifiers"), "apis": {},
           "items": [], "errors": []}
    if res["is_v15"]:
        res["apis"] = {k: sorted(v) for k, v in get(r, "runtime_api_map").items()}
    for item in spec["items"]:
        e = r.storage_entry(item["pallet"], item["name"])
        default = bytes(e.default_bytes)
        # a Default item's default decodes as the value type; an Optional one's is Option::None (0x00)
        value = r.decode(e.value_type, default) if e.modifier == "Default" else None
        keys = [r.decode(t, bytes.fromhex(k)) for t, k in zip(e.param_types, item["keys"])]
        res["items"].append({"modifier": e.modifier, "hashers": list(e.param_hashers), "default": default.hex(),
                             "roundtrip": bytes(r.encode(e.value_type, value)).hex() if value is not None else "00",
                             "key": bytes(r.storage_key(item["pallet"], item["name"], keys)).hex()})
    for pallet, index, error in spec["errors"]:
        res["errors"].append(list(r.module_error(index, error)))
    res["call"] = bytes(r.compose_call("Balances", "transfer_keep_alive",
                                       {"dest": spec["bob"], "value": 10**9})).hex()
    res["ed"] = r.constant("Balances", "ExistentialDeposit")
    out[version] = res
print(json.dumps(out, default=str))
'''


def _has_bittensor_core() -> bool:
    return subprocess.run([str(CLIENT_PYTHON), "-c", "import bittensor_core"], capture_output=True, check=False).returncode == 0


def test_bittensor_core_reads_both_blobs(tmp_path):
    if not _has_bittensor_core():
        pytest.skip("bittensor-core missing from the client venv: rerun scripts/setup_client_venvs.sh")
    from tensornet.primitives.ss58 import ss58_encode
    from tensornet.runtime.metadata import pallet_storage_items

    rt = build_runtime()
    meta = build_metadata(rt)
    items = [(cls, item) for cls in rt.pallet_classes for item in pallet_storage_items(rt, cls)]
    errors = [(cls.NAME, cls.INDEX, v.index, v.name, list(v.docs)) for cls in rt.pallet_classes if cls.error_type
              for v in cls.error_type.variants]
    spec = {"v14": meta.v14().hex(), "v15": meta.v15().hex(), "spec_version": rt.spec_version,
            "bob": ss58_encode(dev_keypair("Bob").public, 42),
            "items": [{"pallet": cls.NAME, "name": item.name, "keys": [k.encode(k.default()).hex() for _, k in item.keys]}
                      for cls, item in items],
            "errors": [[p, i, e] for p, i, e, _, _ in errors]}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    proc = subprocess.run([str(CLIENT_PYTHON), "-c", BTCORE_SCRIPT, str(path)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    call = rt.encode_call("Balances", "transfer_keep_alive", {"dest": {"Id": dev_keypair("Bob").public}, "value": 10**9})
    for version, res in out.items():
        assert res["is_v15"] is (version == "v15")
        assert res["extensions"][-1] == "CheckMetadataHash"
        assert bytes.fromhex(res["call"]) == call
        assert res["ed"] == 500
        for (cls, item), got in zip(items, res["items"]):
            where = f"{version} {cls.NAME}.{item.name}"
            assert got["modifier"] == ("Optional" if item.optional else "Default"), where
            assert got["hashers"] == [h for h, _ in item.keys], where
            assert got["default"] == item.default_bytes.hex() == got["roundtrip"], where
            assert got["key"] == item.key(*[k.default() for _, k in item.keys]).hex(), where
        assert [[n, d] for n, d in res["errors"]] == [[name, docs] for _, _, _, name, docs in errors]
    assert out["v15"]["apis"] == {api.name: sorted(m.name for m in api.methods) for api in rt.apis}
