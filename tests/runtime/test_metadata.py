"""Metadata generation: the portable registry, the V14/V15 structures, and genericity over pallets.

The V14 blob is decoded with the pure-Python scalecodec that substrate-interface uses. scalecodec has
no V15 decoder, so V15 is decoded here with scalecodec's own V14 building blocks plus the few V15
structures from frame-metadata ``v15.rs`` declared as a test type registry; cyscale (the real V15
client codec) is exercised in ``tests/e2e/test_metadata_v15.py``.
"""
from __future__ import annotations

import functools

import pytest
from scalecodec.base import RuntimeConfigurationObject, ScaleBytes
from scalecodec.type_registry import load_type_registry_preset

from tensornet.chain.runtime_def import build_runtime
from tensornet.primitives.scale import (
    U8,
    U16,
    U32,
    U64,
    AccountId,
    Array,
    Bytes,
    Field,
    Lazy,
    Newtype,
    Option,
    Struct,
    Tuple,
    Vec,
)
from tensornet.runtime.metadata import (
    PortableRegistry,
    build_metadata,
    build_model,
    doc_lines,
    map_def_refs,
)
from tensornet.runtime.pallet import ConstantDef, EventDef, Pallet, call
from tensornet.runtime.runtime import Runtime
from tensornet.storage.items import (
    StorageDoubleMap,
    StorageMap,
    StorageNMap,
    StorageValue,
)


@pytest.fixture(scope="module")
def runtime():
    return build_runtime()


@pytest.fixture(scope="module")
def meta(runtime):
    return build_metadata(runtime)


def scalecodec_config() -> RuntimeConfigurationObject:
    rc = RuntimeConfigurationObject()
    rc.update_type_registry(load_type_registry_preset("core"))
    return rc


@functools.lru_cache(maxsize=8)
def decode_v14(blob: bytes):
    rc = scalecodec_config()
    obj = rc.create_scale_object("MetadataVersioned", data=ScaleBytes(blob))
    obj.decode()
    return rc, obj


#: frame-metadata v15.rs structures that scalecodec 1.2.12 lacks, built from its V14 pieces
V15_TYPES = {"types": {
    "MetadataV15T": {"type": "struct", "type_mapping": [
        ["types", "PortableRegistry"], ["pallets", "Vec<PalletMetadataV15T>"], ["extrinsic", "ExtrinsicMetadataV15T"],
        ["runtime_type", "SiLookupTypeId"], ["apis", "Vec<RuntimeApiMetadataV15T>"], ["outer_enums", "OuterEnumsV15T"],
        ["custom", "Vec<(Text, CustomValueMetadataV15T)>"]]},
    "PalletMetadataV15T": {"type": "struct", "type_mapping": [
        ["name", "Text"], ["storage", "Option<StorageMetadataV14>"], ["calls", "Option<PalletCallMetadataV14>"],
        ["event", "Option<PalletEventMetadataV14>"], ["constants", "Vec<PalletConstantMetadataV14>"],
        ["error", "Option<PalletErrorMetadataV14>"], ["index", "u8"], ["docs", "Vec<Text>"]]},
    "ExtrinsicMetadataV15T": {"type": "struct", "type_mapping": [
        ["version", "u8"], ["address_ty", "SiLookupTypeId"], ["call_ty", "SiLookupTypeId"],
        ["signature_ty", "SiLookupTypeId"], ["extra_ty", "SiLookupTypeId"],
        ["signed_extensions", "Vec<SignedExtensionMetadataV14>"]]},
    "RuntimeApiMetadataV15T": {"type": "struct", "type_mapping": [
        ["name", "Text"], ["methods", "Vec<RuntimeApiMethodMetadataV15T>"], ["docs", "Vec<Text>"]]},
    "RuntimeApiMethodMetadataV15T": {"type": "struct", "type_mapping": [
        ["name", "Text"], ["inputs", "Vec<RuntimeApiMethodParamMetadataV15T>"], ["output", "SiLookupTypeId"],
        ["docs", "Vec<Text>"]]},
    "RuntimeApiMethodParamMetadataV15T": {"type": "struct", "type_mapping": [["name", "Text"], ["ty", "SiLookupTypeId"]]},
    "OuterEnumsV15T": {"type": "struct", "type_mapping": [
        ["call_enum_ty", "SiLookupTypeId"], ["event_enum_ty", "SiLookupTypeId"], ["error_enum_ty", "SiLookupTypeId"]]},
    "CustomValueMetadataV15T": {"type": "struct", "type_mapping": [["ty", "SiLookupTypeId"], ["value", "Bytes"]]},
}}


@functools.lru_cache(maxsize=8)
def decode_v15(blob: bytes):
    assert blob[:5] == b"meta\x0f"
    rc = scalecodec_config()
    rc.update_type_registry(V15_TYPES)
    obj = rc.create_scale_object("MetadataV15T", data=ScaleBytes(blob[5:]))
    obj.decode(check_remaining=True)
    return rc, obj


def as_bytes(value) -> bytes:
    """scalecodec shows ``Bytes`` as 0x-hex, or as text when the bytes happen to be utf-8."""
    return bytes.fromhex(value[2:]) if value.startswith("0x") else value.encode()


def all_refs(t: dict) -> list[int]:
    out = [p["type"] for p in t["params"] if p["type"] is not None]
    map_def_refs(t["def"], out.append)
    return out


# ---------------------------------------------------------------------------------------------
# the registry
# ---------------------------------------------------------------------------------------------

def test_type_ids_equal_their_index_and_every_reference_resolves(meta):
    types = meta.model.registry.types
    n = len(types)
    assert n > 50
    for t in types:
        assert all(0 <= r < n for r in all_refs(t))
    _, obj = decode_v14(meta.v14())
    decoded = obj.value[1]["V14"]["types"]["types"]
    assert [t["id"] for t in decoded] == list(range(n))


def test_structurally_equal_descriptors_share_one_id():
    reg = PortableRegistry()
    a, b = reg.register(Tuple(U32, U32)), reg.register(Tuple(U32, U32))
    c, d = reg.register(Vec(U8)), reg.register(Bytes)
    reg.finalize()
    assert reg.id(a) == reg.id(b)
    assert reg.id(c) == reg.id(d)
    assert len(reg.types) == 4  # (u32, u32), u32, Vec<u8>, u8


def test_options_with_different_payloads_stay_apart():
    """client-compat pitfall 7: Option<[u8;32]> and Option<OpaqueMetadata> have the same variant names."""
    reg = PortableRegistry()
    raw = reg.register(Option(Array(U8, 32)))
    opaque = reg.register(Option(Newtype("sp_core::OpaqueMetadata", Bytes)))
    same_path = reg.register(Struct("x::S", [Field("a", U16)]))
    other_field = reg.register(Struct("x::S", [Field("a", U32)]))
    reg.finalize()
    assert reg.id(raw) != reg.id(opaque)
    assert reg.id(same_path) != reg.id(other_field)


def test_ids_follow_first_registration_in_pre_order():
    reg = PortableRegistry()
    outer = reg.register(Struct("x::Outer", [Field("inner", Struct("x::Inner", [Field(None, U64)]))]))
    reg.finalize()
    assert reg.id(outer) == 0
    assert [t["path"] for t in reg.types] == [["x", "Outer"], ["x", "Inner"], []]


def test_recursive_types_through_lazy_references():
    holder: dict = {}
    tree = Struct("x::Tree", [Field("children", Vec(Lazy(lambda: holder["tree"], "Tree")))])
    holder["tree"] = tree
    reg = PortableRegistry()
    h = reg.register(tree)
    reg.finalize()
    t = reg.types[reg.id(h)]
    seq = reg.types[t["def"]["composite"]["fields"][0]["type"]]
    assert seq["def"] == {"sequence": {"type": reg.id(h)}}


def test_registry_is_closed_after_finalize():
    reg = PortableRegistry()
    reg.register(U8)
    reg.finalize()
    assert reg.register(U8) == 0  # known descriptors still resolve
    with pytest.raises(RuntimeError):
        reg.register(U16)


def test_utility_batch_refers_back_to_runtime_call(meta, runtime):
    model = meta.model
    types = model.registry.types
    call_id = model.registry.id(model.outer_enums[0])
    assert types[call_id]["path"] == ["node_subtensor_runtime", "RuntimeCall"]
    utility = next(p for p in model.pallets if p.name == "Utility")
    batch = next(v for v in types[model.registry.id(utility.calls)]["def"]["variant"]["variants"] if v["name"] == "batch")
    assert types[batch["fields"][0]["type"]]["def"] == {"sequence": {"type": call_id}}


# ---------------------------------------------------------------------------------------------
# V14 structure
# ---------------------------------------------------------------------------------------------

def test_v14_prefix_pallets_and_indices(meta, runtime):
    blob = meta.v14()
    assert blob[:5] == b"meta\x0e"
    _, obj = decode_v14(blob)
    v14 = obj.value[1]["V14"]
    assert [(p["name"], p["index"]) for p in v14["pallets"]] == [(c.NAME, c.INDEX) for c in runtime.pallet_classes]
    assert v14["extrinsic"]["version"] == 4
    types = v14["types"]["types"]
    assert types[v14["runtime_type"]]["type"]["path"] == ["node_subtensor_runtime", "Runtime"]
    ext_ty = types[v14["extrinsic"]["ty"]]["type"]
    assert ext_ty["path"] == ["sp_runtime", "generic", "unchecked_extrinsic", "UncheckedExtrinsic"]
    assert [p["name"] for p in ext_ty["params"]] == ["Address", "Call", "Signature", "Extra"]


def test_v14_reencodes_byte_identically(meta):
    _, obj = decode_v14(meta.v14())
    again = scalecodec_config().create_scale_object("MetadataVersioned")
    assert again.encode(obj.value).data == meta.v14()


def test_signed_extensions_in_canonical_order(meta):
    _, obj = decode_v14(meta.v14())
    ids = [s["identifier"] for s in obj.value[1]["V14"]["extrinsic"]["signed_extensions"]]
    assert ids[:8] == ["CheckNonZeroSender", "CheckSpecVersion", "CheckTxVersion", "CheckGenesis", "CheckMortality",
                       "CheckNonce", "CheckWeight", "ChargeTransactionPayment"]
    assert ids[-1] == "CheckMetadataHash"


def test_storage_entries_match_declarations(meta, runtime):
    _, obj = decode_v14(meta.v14())
    types = obj.value[1]["V14"]["types"]["types"]
    system = next(p for p in obj.value[1]["V14"]["pallets"] if p["name"] == "System")
    names = [e["name"] for e in system["storage"]["entries"]]
    assert names.index("Events") == names.index("Digest") + 1 == names.index("EventCount") - 1
    for cls, pallet in zip(runtime.pallet_classes, obj.value[1]["V14"]["pallets"]):
        if pallet["storage"] is None:
            assert not cls.storage_items
            continue
        assert pallet["storage"]["prefix"] == (cls.STORAGE_PREFIX or cls.NAME)
        for entry in pallet["storage"]["entries"]:
            item = next((i for i in cls.storage_items if i.name == entry["name"]), None) or runtime.events_item
            assert entry["modifier"] == ("Optional" if item.optional else "Default")
            if item.keys:
                m = entry["type"]["Map"]
                assert m["hashers"] == [h for h, _ in item.keys]
                if len(item.keys) > 1:
                    assert len(types[m["key"]]["type"]["def"]["tuple"]) == len(item.keys)


def test_events_value_is_vec_of_event_record(meta):
    _, obj = decode_v14(meta.v14())
    v14 = obj.value[1]["V14"]
    types = v14["types"]["types"]
    system = next(p for p in v14["pallets"] if p["name"] == "System")
    events = next(e for e in system["storage"]["entries"] if e["name"] == "Events")
    seq = types[events["type"]["Plain"]]["type"]["def"]["sequence"]["type"]
    record = types[seq]["type"]
    assert record["path"] == ["frame_system", "EventRecord"]
    assert [f["name"] for f in record["def"]["composite"]["fields"]] == ["phase", "event", "topics"]


def test_constants_carry_encoded_values(meta, runtime):
    _, obj = decode_v14(meta.v14())
    pallets = {p["name"]: p for p in obj.value[1]["V14"]["pallets"]}
    consts = {c["name"]: c for c in pallets["System"]["constants"]}
    assert as_bytes(consts["SS58Prefix"]["value"]) == (42).to_bytes(2, "little")
    ed = {c["name"]: c for c in pallets["Balances"]["constants"]}["ExistentialDeposit"]
    assert as_bytes(ed["value"]) == (500).to_bytes(8, "little")
    assert ed["documentation"] == ["The minimum amount required to keep an account open."]
    tp = {c["name"] for c in pallets["Timestamp"]["constants"]}
    assert tp == {"MinimumPeriod"}


# ---------------------------------------------------------------------------------------------
# V15 structure
# ---------------------------------------------------------------------------------------------

def test_v15_structure(meta, runtime):
    _, obj = decode_v15(meta.v15())
    v15 = obj.value
    types = v15["types"]["types"]
    assert [(p["name"], p["index"]) for p in v15["pallets"]] == [(c.NAME, c.INDEX) for c in runtime.pallet_classes]
    assert {p["name"]: p["docs"] for p in v15["pallets"]}["Balances"] == doc_lines(runtime.pallets["Balances"].DOCS)
    ext = v15["extrinsic"]
    assert ext["version"] == 4
    assert types[ext["address_ty"]]["type"]["path"] == ["sp_runtime", "multiaddress", "MultiAddress"]
    assert types[ext["call_ty"]]["type"]["path"] == ["node_subtensor_runtime", "RuntimeCall"]
    assert types[ext["signature_ty"]]["type"]["path"] == ["sp_runtime", "MultiSignature"]
    assert len(types[ext["extra_ty"]]["type"]["def"]["tuple"]) == len(ext["signed_extensions"])
    outer = v15["outer_enums"]
    assert [types[outer[k]]["type"]["path"][-1] for k in ("call_enum_ty", "event_enum_ty", "error_enum_ty")] == \
        ["RuntimeCall", "RuntimeEvent", "RuntimeError"]
    errors = types[outer["error_enum_ty"]]["type"]["def"]["variant"]["variants"]
    assert [(v["name"], v["index"]) for v in errors] == \
        [(c.NAME, c.INDEX) for c in runtime.pallet_classes if c.error_type is not None]
    assert v15["custom"] == []


def test_v15_apis_list_every_runtime_api_with_real_types(meta, runtime):
    _, obj = decode_v15(meta.v15())
    types = obj.value["types"]["types"]
    apis = {a["name"]: a for a in obj.value["apis"]}
    assert list(apis) == [a.name for a in runtime.apis]
    for api in runtime.apis:
        assert [m["name"] for m in apis[api.name]["methods"]] == [m.name for m in api.methods]
        for ours, theirs in zip(api.methods, apis[api.name]["methods"]):
            assert [i["name"] for i in theirs["inputs"]] == [n for n, _ in ours.inputs]
    info = next(m for m in apis["TransactionPaymentApi"]["methods"] if m["name"] == "query_info")
    assert types[info["output"]]["type"]["path"] == ["pallet_transaction_payment", "types", "RuntimeDispatchInfo"]
    at_version = next(m for m in apis["Metadata"]["methods"] if m["name"] == "metadata_at_version")
    option = types[at_version["output"]]["type"]
    assert option["path"] == ["Option"]
    some = option["def"]["variant"]["variants"][1]["fields"][0]["type"]
    assert types[some]["type"]["path"] == ["sp_core", "OpaqueMetadata"]


def test_v15_shares_the_v14_registry(meta):
    _, v14 = decode_v14(meta.v14())
    registry = scalecodec_config().create_scale_object("PortableRegistry").encode(v14.value[1]["V14"]["types"])
    assert meta.v14()[5:].startswith(bytes(registry.data))
    assert meta.v15()[5:].startswith(bytes(registry.data))


def test_v15_reencodes_byte_identically(meta):
    rc, obj = decode_v15(meta.v15())
    again = rc.create_scale_object("MetadataV15T")
    assert b"meta\x0f" + bytes(again.encode(obj.value).data) == meta.v15()


# ---------------------------------------------------------------------------------------------
# the provider
# ---------------------------------------------------------------------------------------------

def test_provider_versions_and_caching(meta, runtime):
    assert meta.versions() == [14, 15]
    assert meta.at_version(14) is meta.v14()
    assert meta.at_version(15) is meta.v15()
    assert meta.at_version(13) is None and meta.at_version(16) is None
    assert build_metadata(runtime) is meta


def test_metadata_runtime_api_serves_the_blobs(meta, runtime):
    from tensornet.chain.runtime_apis import ApiContext
    from tensornet.primitives.scale import decode_compact
    from tensornet.runtime.apis import ApiRegistry

    apis = ApiRegistry(list(runtime.apis))
    ctx = ApiContext(runtime=runtime, executive=None, state=None, best_number=0, metadata=meta)
    out = apis.call("Metadata_metadata_at_version", (15).to_bytes(4, "little"), ctx)
    assert out[0] == 1
    n, start = decode_compact(out, 1)
    assert out[start:] == meta.v15() and n == len(meta.v15())
    assert apis.call("Metadata_metadata_at_version", (16).to_bytes(4, "little"), ctx) == b"\x00"
    assert apis.call("Metadata_metadata_versions", b"", ctx) == b"\x08" + (14).to_bytes(4, "little") + (15).to_bytes(4, "little")
    out = apis.call("Metadata_metadata", b"", ctx)
    assert out.endswith(meta.v14())


# ---------------------------------------------------------------------------------------------
# genericity: a pallet added tomorrow shows up with no change to the generator
# ---------------------------------------------------------------------------------------------

NET_UID = Newtype("subtensor_runtime_common::NetUid", U16, "NetUid")


class Toy(Pallet):
    NAME, INDEX = "ToyModule", 9
    DOCS = "A pallet the generator has never seen."

    Flag = StorageValue(U8, default=7, docs="A plain value with a non-zero default.")
    ByNet = StorageMap("Identity", NET_UID, U64, docs="An identity-hashed map.")
    Pairs = StorageDoubleMap("Blake2_128Concat", AccountId, "Twox64Concat", NET_UID, Bytes, optional=True)
    Triple = StorageNMap([("Blake2_128", U8), ("Twox128", U16), ("Twox256", U32)], U64)
    EVENTS = (EventDef("Poked", [NET_UID, U16], "Unnamed fields."),)
    ERRORS = (("Nope", "Always wrong."),)
    CONSTANTS = (ConstantDef("Answer", U32, 42, "The answer."),)

    @classmethod
    def constants(cls, runtime) -> list[ConstantDef]:
        return [ConstantDef("Spec", U32, runtime.spec_version)]

    @call(3, [("netuid", NET_UID, "NetUid")])
    def poke(self, origin, netuid: int) -> None:
        """Poke a subnet."""


@pytest.fixture()
def toy_runtime():
    from tensornet.pallets.system import System

    rt = Runtime([Toy, System], 1, apis=[])
    yield rt
    build_runtime()  # re-register the real outer enums for whatever runs next


def test_a_new_pallet_appears_fully(toy_runtime):
    model = build_model(toy_runtime)
    assert [p.name for p in model.pallets] == ["System", "ToyModule"]
    toy = model.pallets[1]
    assert toy.docs == ["A pallet the generator has never seen."]
    assert [c.name for c in toy.constants] == ["Answer", "Spec"]
    entries = {e.name: e for e in toy.storage}
    assert entries["Flag"].default == b"\x07" and entries["Flag"].key is None
    assert entries["ByNet"].hashers == ["Identity"]
    assert entries["Pairs"].optional and entries["Pairs"].default == b"\x00"
    assert entries["Triple"].hashers == ["Blake2_128", "Twox128", "Twox256"]
    types = model.registry.types
    triple_key = types[model.registry.id(entries["Triple"].key)]
    assert len(triple_key["def"]["tuple"]) == 3

    blob = build_metadata(toy_runtime).v14()
    _, obj = decode_v14(blob)
    pallet = obj.value[1]["V14"]["pallets"][1]
    assert pallet["index"] == 9
    hashers = {e["name"]: e["type"].get("Map", {}).get("hashers") for e in pallet["storage"]["entries"]}
    assert hashers == {"Flag": None, "ByNet": ["Identity"], "Pairs": ["Blake2_128Concat", "Twox64Concat"],
                       "Triple": ["Blake2_128", "Twox128", "Twox256"]}
    _, v15 = decode_v15(build_metadata(toy_runtime).v15())
    assert v15.value["apis"] == []


def test_docs_normalisation():
    assert doc_lines("  one\n  two ") == ["one", "two"]
    assert doc_lines(("a", "b")) == ["a", "b"]
    assert doc_lines("") == [] and doc_lines(None) == []


# ---------------------------------------------------------------------------------------------
# client-compat pitfalls 2 and 3: the paths and variant orders clients special-case
# ---------------------------------------------------------------------------------------------

def _by_path(meta) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for t in meta.model.registry.types:
        out.setdefault("::".join(t["path"]), []).append(t)
    return out


def _variants(t: dict) -> list[tuple[str, int]]:
    return [(v["name"], v["index"]) for v in t["def"]["variant"]["variants"]]


def test_special_cased_paths_are_present(meta):
    paths = _by_path(meta)
    for path in ("sp_core::crypto::AccountId32", "sp_runtime::multiaddress::MultiAddress",
                 "sp_runtime::generic::era::Era", "sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic",
                 "sp_runtime::MultiSignature", "node_subtensor_runtime::RuntimeCall",
                 "node_subtensor_runtime::RuntimeEvent", "node_subtensor_runtime::RuntimeError",
                 "frame_system::EventRecord", "frame_system::Phase", "sp_weights::weight_v2::Weight",
                 "primitive_types::H256", "Option", "sp_runtime::generic::digest::DigestItem",
                 "sp_runtime::DispatchError"):
        assert path in paths, path
    (address,) = paths["sp_runtime::multiaddress::MultiAddress"]
    assert [p["name"] for p in address["params"]] == ["AccountId", "AccountIndex"]
    assert _variants(address) == [("Id", 0), ("Index", 1), ("Raw", 2), ("Address32", 3), ("Address20", 4)]
    (signature,) = paths["sp_runtime::MultiSignature"]
    assert _variants(signature) == [("Ed25519", 0), ("Sr25519", 1), ("Ecdsa", 2)]
    (era,) = paths["sp_runtime::generic::era::Era"]
    assert len(_variants(era)) == 256
    (phase,) = paths["frame_system::Phase"]
    assert _variants(phase) == [("ApplyExtrinsic", 0), ("Finalization", 1), ("Initialization", 2)]
    (weight,) = paths["sp_weights::weight_v2::Weight"]
    assert [f["name"] for f in weight["def"]["composite"]["fields"]] == ["ref_time", "proof_size"]
    (account,) = paths["sp_core::crypto::AccountId32"]
    inner = meta.model.registry.types[account["def"]["composite"]["fields"][0]["type"]]
    assert inner["def"] == {"array": {"len": 32, "type": inner["def"]["array"]["type"]}}


def test_dispatch_error_variant_order_follows_sp_runtime(meta):
    (error,) = _by_path(meta)["sp_runtime::DispatchError"]
    assert _variants(error) == [
        ("Other", 0), ("CannotLookup", 1), ("BadOrigin", 2), ("Module", 3), ("ConsumerRemaining", 4),
        ("NoProviders", 5), ("TooManyConsumers", 6), ("Token", 7), ("Arithmetic", 8), ("Transactional", 9),
        ("Exhausted", 10), ("Corruption", 11), ("Unavailable", 12), ("RootNotAllowed", 13)]
