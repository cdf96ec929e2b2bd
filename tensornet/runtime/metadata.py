"""Runtime metadata V14 and V15, generated from the runtime's declarations.

Nothing here is hand-maintained: pallets, storage, calls, events, errors, constants, signed extensions,
outer enums and runtime APIs are read from the composed ``Runtime``, their types are collected into a
scale-info portable registry, and the structures of ``frame-metadata`` (``v14.rs``/``v15.rs``) are SCALE
encoded here. Adding a pallet or an API to the runtime changes the metadata with no edit to this module.

The registry is built in three steps, so that recursive types (``RuntimeCall`` inside ``Utility.batch``)
and structurally equal descriptors both work:

1. *collect*: every descriptor reachable from the metadata gets a node (pre-order, like scale-info,
   which interns a type before its fields); a descriptor already being collected is referenced, not
   recursed into;
2. *merge*: nodes that would be emitted identically — same path, params, docs and ``def`` with
   references to equal nodes — are merged by partition refinement. Equality covers full field types
   (client-compat pitfall 7: ``Option<[u8;32]>`` must not merge with ``Option<OpaqueMetadata>``);
3. *number*: merged types get ids 0..n-1 in order of first appearance, so each id equals its index in
   the ``types`` vector (pitfall 1).
"""
from __future__ import annotations

import hashlib
import json
import sys
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tensornet.primitives.scale import Lazy, ScaleType, Struct, Tuple, encode_compact

from .extensions import SIGNED_EXTENSIONS, SignedExtension
from .extrinsic import EXTRINSIC_VERSION, unchecked_extrinsic_type

MAGIC = b"meta"  # u32 0x6174656d, little endian
SUPPORTED_VERSIONS = (14, 15)

#: scale-info ``TypeDefPrimitive`` variant order
PRIMITIVES = ("bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "u256",
              "i8", "i16", "i32", "i64", "i128", "i256")
#: frame-metadata ``StorageHasher`` variant order
HASHERS = ("Blake2_128", "Blake2_256", "Blake2_128Concat", "Twox128", "Twox256", "Twox64Concat", "Identity")
#: scale-info ``TypeDef`` variant indices
TYPE_DEF_INDEX = {"composite": 0, "variant": 1, "sequence": 2, "array": 3, "tuple": 4, "primitive": 5,
                  "compact": 6, "bitsequence": 7}


def doc_lines(docs: str | Iterable[str] | None) -> list[str]:
    """Docs as metadata wants them (one string per line), whatever form a declaration used."""
    if not docs:
        return []
    if isinstance(docs, str):
        return [line.strip() for line in docs.strip().splitlines()]
    return [str(line) for line in docs]


# ---------------------------------------------------------------------------------------------
# the portable registry
# ---------------------------------------------------------------------------------------------

def map_def_refs(d: dict, f: Callable[[int], Any]) -> dict:
    """A copy of a descriptor's ``def`` dict with every type reference replaced by ``f(ref)``."""
    (kind, body), = d.items()
    if kind == "composite":
        return {kind: {"fields": [_map_field(x, f) for x in body["fields"]]}}
    if kind == "variant":
        return {kind: {"variants": [{**v, "fields": [_map_field(x, f) for x in v["fields"]]}
                                    for v in body["variants"]]}}
    if kind in ("sequence", "compact"):
        return {kind: {"type": f(body["type"])}}
    if kind == "array":
        return {kind: {"len": body["len"], "type": f(body["type"])}}
    if kind == "tuple":
        return {kind: [f(t) for t in body]}
    if kind == "primitive":
        return {kind: body}
    if kind == "bitsequence":
        return {kind: {"bit_store_type": f(body["bit_store_type"]), "bit_order_type": f(body["bit_order_type"])}}
    raise ValueError(f"unknown type def kind {kind!r}")


def _map_field(x: dict, f: Callable[[int], Any]) -> dict:
    return {"name": x.get("name"), "type": f(x["type"]), "typeName": x.get("typeName"),
            "docs": doc_lines(x.get("docs"))}


def _freeze(x: Any) -> Any:
    if isinstance(x, dict):
        return tuple((k, _freeze(v)) for k, v in sorted(x.items()))
    if isinstance(x, (list, tuple)):
        return tuple(_freeze(v) for v in x)
    return x


@dataclass
class _Node:
    path: tuple[str, ...]
    params: list[tuple[str, int | None]]
    type_def: dict
    docs: list[str]

    def refs(self) -> list[int]:
        out = [h for _, h in self.params if h is not None]
        map_def_refs(self.type_def, lambda h: out.append(h))
        return out

    def shape(self) -> Any:
        """Everything that is emitted except the identity of referenced types."""
        return _freeze((self.path, [(n, h is None) for n, h in self.params], self.docs,
                        map_def_refs(self.type_def, lambda h: None)))


class PortableRegistry:
    """Collects descriptors, then numbers the deduplicated types 0..n-1 (see the module doc)."""

    def __init__(self) -> None:
        self._nodes: list[_Node | None] = []
        self._by_object: dict[int, int] = {}
        self._alive: list[ScaleType] = []  # keeps collected descriptors alive, so their id() is stable
        self._ids: list[int] | None = None
        self.types: list[dict] = []

    def register(self, t: ScaleType) -> int:
        """A handle for ``t`` (before ``finalize``); descriptors call this from ``meta_def``."""
        while isinstance(t, Lazy):
            t = t.target
        handle = self._by_object.get(id(t))
        if handle is not None:
            return handle
        if self._ids is not None:
            raise RuntimeError(f"type {t!r} registered after the registry was finalized")
        handle = len(self._nodes)
        self._by_object[id(t)] = handle
        self._alive.append(t)
        self._nodes.append(None)
        params = [(name, None if p is None else self.register(p)) for name, p in t.params]
        type_def = t.meta_def(self)
        self._nodes[handle] = _Node(tuple(t.path), params, type_def, doc_lines(t.docs))
        return handle

    def finalize(self) -> None:
        """Merge equal types and assign ids; afterwards ``id(handle)`` maps handles to type ids."""
        nodes: list[_Node] = self._nodes  # type: ignore[assignment]
        refs = [n.refs() for n in nodes]
        classes = _relabel([n.shape() for n in nodes])
        while True:
            refined = _relabel([(classes[i], tuple(classes[r] for r in refs[i])) for i in range(len(nodes))])
            if max(refined, default=-1) == max(classes, default=-1):
                break
            classes = refined
        type_id: dict[int, int] = {}
        representatives: list[int] = []
        for handle, cls in enumerate(classes):  # handles are in pre-order, so ids are too
            if cls not in type_id:
                type_id[cls] = len(representatives)
                representatives.append(handle)
        self._ids = [type_id[c] for c in classes]
        self.types = []
        for handle in representatives:
            node = nodes[handle]
            self.types.append({
                "path": list(node.path),
                "params": [{"name": n, "type": None if h is None else self._ids[h]} for n, h in node.params],
                "def": map_def_refs(node.type_def, lambda h: self._ids[h]),
                "docs": node.docs,
            })

    def id(self, handle: int) -> int:
        if self._ids is None:
            raise RuntimeError("registry not finalized")
        return self._ids[handle]


def _relabel(keys: Sequence[Any]) -> list[int]:
    """Number distinct keys in order of first appearance."""
    labels: dict[Any, int] = {}
    return [labels.setdefault(k, len(labels)) for k in keys]


# ---------------------------------------------------------------------------------------------
# the metadata model (type references are registry handles until encoding)
# ---------------------------------------------------------------------------------------------

@dataclass
class StorageEntry:
    name: str
    optional: bool
    hashers: list[str]       # empty for a plain value
    key: int | None          # handle of the key (a tuple of the key types when there are several)
    value: int
    default: bytes
    docs: list[str]


@dataclass
class Constant:
    name: str
    ty: int
    value: bytes
    docs: list[str]


@dataclass
class PalletModel:
    name: str
    index: int
    storage_prefix: str
    storage: list[StorageEntry] | None
    calls: int | None
    event: int | None
    error: int | None
    constants: list[Constant]
    docs: list[str]


@dataclass
class ApiMethodModel:
    name: str
    inputs: list[tuple[str, int]]
    output: int
    docs: list[str]


@dataclass
class ApiModel:
    name: str
    methods: list[ApiMethodModel]
    docs: list[str]


@dataclass
class MetadataModel:
    registry: PortableRegistry
    pallets: list[PalletModel]
    extrinsic_ty: int
    address_ty: int
    call_ty: int
    signature_ty: int
    extra_ty: int
    signed_extensions: list[tuple[str, int, int]]
    runtime_ty: int
    apis: list[ApiModel]
    outer_enums: tuple[int, int, int]
    custom: dict[str, tuple[int, bytes]] = field(default_factory=dict)


def runtime_type(runtime) -> Struct:
    """The runtime struct itself (``node_subtensor_runtime::Runtime``): the metadata's ``ty``."""
    crate = runtime.call_type.path[0]
    return Struct((crate, "Runtime"), [], type_name="Runtime")


def pallet_storage_items(runtime, cls) -> list:
    """A pallet's storage items, with the ones the runtime declares for it (``System.Events``) in
    frame_system's place: right after ``Digest``, as Substrate lists them."""
    items = list(cls.storage_items)
    extra = [item for item in (runtime.events_item,) if item.pallet == (cls.STORAGE_PREFIX or cls.NAME)]
    for item in extra:
        names = [i.name for i in items]
        at = names.index("Digest") + 1 if "Digest" in names else len(items)
        items.insert(at, item)
    return items


def pallet_constants(runtime, cls) -> list:
    """``CONSTANTS`` plus whatever ``constants(runtime)`` computes from the runtime's configuration; a
    computed constant of a declared name takes its place (a ``prod_or_fast!`` value, say)."""
    fn = getattr(cls, "constants", None)
    computed = {c.name: c for c in fn(runtime)} if callable(fn) else {}
    return [computed.pop(c.name, c) for c in cls.CONSTANTS] + list(computed.values())


def build_model(runtime, extensions: Sequence[SignedExtension] = SIGNED_EXTENSIONS) -> MetadataModel:
    """Collect everything the metadata describes, then finalize the registry."""
    reg = PortableRegistry()
    pallets = [_pallet_model(runtime, cls, reg) for cls in runtime.pallet_classes]
    extra = Tuple(*(ext.ty for ext in extensions))
    uxt = unchecked_extrinsic_type(runtime, extra)
    params = dict(uxt.params)
    model = MetadataModel(
        registry=reg, pallets=pallets,
        extrinsic_ty=reg.register(uxt),
        address_ty=reg.register(params["Address"]), call_ty=reg.register(params["Call"]),
        signature_ty=reg.register(params["Signature"]), extra_ty=reg.register(params["Extra"]),
        signed_extensions=[(ext.identifier, reg.register(ext.ty), reg.register(ext.additional))
                           for ext in extensions],
        runtime_ty=reg.register(runtime_type(runtime)),
        apis=[ApiModel(api.name, [ApiMethodModel(m.name, [(n, reg.register(t)) for n, t in m.inputs],
                                                 reg.register(m.output), doc_lines(m.docs))
                                  for m in api.methods], doc_lines(api.docs))
              for api in runtime.apis],
        outer_enums=(reg.register(runtime.call_type), reg.register(runtime.event_type),
                     reg.register(runtime.error_type)),
    )
    reg.finalize()
    return model


def _pallet_model(runtime, cls, reg: PortableRegistry) -> PalletModel:
    items = pallet_storage_items(runtime, cls)
    storage = [_storage_entry(item, reg) for item in items] or None
    constants = [Constant(c.name, reg.register(c.type), c.type.encode(c.value), doc_lines(c.docs))
                 for c in pallet_constants(runtime, cls)]
    return PalletModel(
        name=cls.NAME, index=cls.INDEX, storage_prefix=cls.STORAGE_PREFIX or cls.NAME, storage=storage,
        calls=None if cls.call_type is None else reg.register(cls.call_type),
        event=None if cls.event_type is None else reg.register(cls.event_type),
        error=None if cls.error_type is None else reg.register(cls.error_type),
        constants=constants, docs=doc_lines(cls.DOCS))


def _storage_entry(item, reg: PortableRegistry) -> StorageEntry:
    key: int | None = None
    hashers = [h for h, _ in item.keys]
    if item.keys:
        key_types = [t for _, t in item.keys]
        key = reg.register(key_types[0] if len(key_types) == 1 else Tuple(*key_types))
    return StorageEntry(item.name, item.optional, hashers, key, reg.register(item.value_type),
                        bytes(item.default_bytes), doc_lines(item.docs))


# ---------------------------------------------------------------------------------------------
# SCALE encoding of frame-metadata's structures
# ---------------------------------------------------------------------------------------------

def _str(s: str) -> bytes:
    raw = s.encode("utf-8")
    return encode_compact(len(raw)) + raw


def _bytes(b: bytes) -> bytes:
    return encode_compact(len(b)) + b


def _vec(items: Sequence, enc: Callable[[Any], bytes]) -> bytes:
    return encode_compact(len(items)) + b"".join(enc(x) for x in items)


def _opt(value: Any, enc: Callable[[Any], bytes]) -> bytes:
    return b"\x00" if value is None else b"\x01" + enc(value)


def _docs(lines: Sequence[str]) -> bytes:
    return _vec(lines, _str)


_ty = encode_compact  # a portable type reference is Compact<u32>


def encode_type(t: dict) -> bytes:
    """scale-info ``Type<PortableForm>``: path, params, def, docs."""
    return (_vec(t["path"], _str)
            + _vec(t["params"], lambda p: _str(p["name"]) + _opt(p["type"], _ty))
            + encode_type_def(t["def"]) + _docs(t["docs"]))


def _field(f: dict) -> bytes:
    return _opt(f["name"], _str) + _ty(f["type"]) + _opt(f["typeName"], _str) + _docs(f["docs"])


def encode_type_def(d: dict) -> bytes:
    (kind, body), = d.items()
    tag = bytes((TYPE_DEF_INDEX[kind],))
    if kind == "composite":
        return tag + _vec(body["fields"], _field)
    if kind == "variant":
        return tag + _vec(body["variants"], lambda v: _str(v["name"]) + _vec(v["fields"], _field)
                          + bytes((v["index"],)) + _docs(doc_lines(v.get("docs"))))
    if kind in ("sequence", "compact"):
        return tag + _ty(body["type"])
    if kind == "array":
        return tag + body["len"].to_bytes(4, "little") + _ty(body["type"])
    if kind == "tuple":
        return tag + _vec(body, _ty)
    if kind == "primitive":
        return tag + bytes((PRIMITIVES.index(body),))
    return tag + _ty(body["bit_store_type"]) + _ty(body["bit_order_type"])


def _registry(reg: PortableRegistry) -> bytes:
    return _vec(list(enumerate(reg.types)), lambda it: _ty(it[0]) + encode_type(it[1]))


def _storage(p: PalletModel, ids: Callable[[int], int]) -> bytes:
    def entry(e: StorageEntry) -> bytes:
        if e.key is None:
            ty = b"\x00" + _ty(ids(e.value))
        else:
            ty = b"\x01" + _vec(e.hashers, lambda h: bytes((HASHERS.index(h),))) + _ty(ids(e.key)) + _ty(ids(e.value))
        return _str(e.name) + (b"\x00" if e.optional else b"\x01") + ty + _bytes(e.default) + _docs(e.docs)
    return _opt(p.storage, lambda entries: _str(p.storage_prefix) + _vec(entries, entry))


def _pallet(p: PalletModel, ids: Callable[[int], int], v15: bool) -> bytes:
    def ref(handle: int) -> bytes:
        return _ty(ids(handle))

    out = (_str(p.name) + _storage(p, ids) + _opt(p.calls, ref) + _opt(p.event, ref)
           + _vec(p.constants, lambda c: _str(c.name) + ref(c.ty) + _bytes(c.value) + _docs(c.docs))
           + _opt(p.error, ref) + bytes((p.index,)))
    return out + _docs(p.docs) if v15 else out


def _signed_extensions(m: MetadataModel, ids: Callable[[int], int]) -> bytes:
    return _vec(m.signed_extensions, lambda s: _str(s[0]) + _ty(ids(s[1])) + _ty(ids(s[2])))


def encode_v14(m: MetadataModel) -> bytes:
    """``RuntimeMetadataPrefixed`` holding ``RuntimeMetadataV14``."""
    ids = m.registry.id
    extrinsic = _ty(ids(m.extrinsic_ty)) + bytes((EXTRINSIC_VERSION,)) + _signed_extensions(m, ids)
    return (MAGIC + bytes((14,)) + _registry(m.registry) + _vec(m.pallets, lambda p: _pallet(p, ids, False))
            + extrinsic + _ty(ids(m.runtime_ty)))


def encode_v15(m: MetadataModel) -> bytes:
    """``RuntimeMetadataPrefixed`` holding ``RuntimeMetadataV15``."""
    ids = m.registry.id
    extrinsic = (bytes((EXTRINSIC_VERSION,)) + _ty(ids(m.address_ty)) + _ty(ids(m.call_ty))
                 + _ty(ids(m.signature_ty)) + _ty(ids(m.extra_ty)) + _signed_extensions(m, ids))

    def method(x: ApiMethodModel) -> bytes:
        return (_str(x.name) + _vec(x.inputs, lambda i: _str(i[0]) + _ty(ids(i[1]))) + _ty(ids(x.output))
                + _docs(x.docs))

    apis = _vec(m.apis, lambda a: _str(a.name) + _vec(a.methods, method) + _docs(a.docs))
    outer = b"".join(_ty(ids(h)) for h in m.outer_enums)
    custom = _vec(sorted(m.custom.items()), lambda kv: _str(kv[0]) + _ty(ids(kv[1][0])) + _bytes(kv[1][1]))
    return (MAGIC + bytes((15,)) + _registry(m.registry) + _vec(m.pallets, lambda p: _pallet(p, ids, True))
            + extrinsic + _ty(ids(m.runtime_ty)) + apis + outer + custom)


# ---------------------------------------------------------------------------------------------
# what the node serves
# ---------------------------------------------------------------------------------------------

class MetadataProvider:
    """The metadata of one runtime, built once: its pallet set and declarations never change."""

    def __init__(self, runtime) -> None:
        self.runtime = runtime
        self._model: MetadataModel | None = None
        self._blobs: dict[int, bytes] = {}

    @property
    def model(self) -> MetadataModel:
        if self._model is None:
            self._model = build_model(self.runtime)
        return self._model

    def v14(self) -> bytes:
        if 14 not in self._blobs:
            self._blobs[14] = encode_v14(self.model)
        return self._blobs[14]

    def v15(self) -> bytes:
        if 15 not in self._blobs:
            self._blobs[15] = encode_v15(self.model)
        return self._blobs[15]

    def at_version(self, version: int) -> bytes | None:
        """``Metadata_metadata_at_version``: the blob, or None for a version we do not serve."""
        if version == 14:
            return self.v14()
        if version == 15:
            return self.v15()
        return None

    def versions(self) -> list[int]:
        return list(SUPPORTED_VERSIONS)

    def fingerprint(self) -> str:
        """sha256 over both blobs: what the spec-version guard compares."""
        return hashlib.sha256(self.v14() + self.v15()).hexdigest()


_providers: weakref.WeakKeyDictionary[Any, MetadataProvider] = weakref.WeakKeyDictionary()


def build_metadata(runtime) -> MetadataProvider:
    """The (cached) metadata provider of ``runtime``."""
    provider = _providers.get(runtime)
    if provider is None:
        provider = _providers[runtime] = MetadataProvider(runtime)
    return provider


FINGERPRINT_COMMAND = "python -m tensornet.runtime.metadata --fingerprint > tests/runtime/metadata_fingerprint.json"


def fingerprint_record(runtime) -> dict:
    meta = build_metadata(runtime)
    return {"spec_version": runtime.spec_version, "sha256": meta.fingerprint(),
            "v14_bytes": len(meta.v14()), "v15_bytes": len(meta.v15()), "types": len(meta.model.registry.types)}


def main(argv: Sequence[str]) -> int:
    """``--fingerprint``: print the record the spec-version guard test compares against;
    ``--v14``/``--v15``: print the blob as 0x-hex."""
    # The composed runtime lives in the chain layer; only this command-line entry point reaches up to it.
    from tensornet.chain.runtime_def import build_runtime

    runtime = build_runtime()
    if argv == ["--fingerprint"]:
        print(json.dumps(fingerprint_record(runtime), indent=2))
        return 0
    if argv in (["--v14"], ["--v15"]):
        meta = build_metadata(runtime)
        print("0x" + (meta.v14() if argv[0] == "--v14" else meta.v15()).hex())
        return 0
    print("usage: python -m tensornet.runtime.metadata --fingerprint | --v14 | --v15", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
