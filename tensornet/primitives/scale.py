"""SCALE codec and the type descriptors every other layer declares with.

One descriptor object per type does three jobs, so that a type is written down exactly once:
``encode(value) -> bytes``, ``decode(data, offset) -> (value, offset)``, and ``meta(registry)`` which
describes the type for the metadata's portable registry (path, params, def). Storage items, call
arguments, events, errors and runtime-API signatures are all built from these descriptors, so the
bytes on the wire, in state and in the metadata can never disagree.

Python value conventions (close to scalecodec's, so tests read naturally):
- integers are ``int``; ``Bool`` is ``bool``; ``Str`` is ``str``;
- ``Bytes`` (``Vec<u8>``) and ``[u8; N]`` arrays are ``bytes``;
- ``Vec<T>`` is ``list``; tuples are ``tuple``; ``Option<T>`` is ``None`` or the value;
- a struct with named fields is a ``dict``; a 1-field tuple-struct (newtype) is its bare inner value;
- an enum value is the variant name (``str``) for a unit variant, else ``{name: payload}`` where the
  payload follows the struct rules (dict for named fields, bare value for one unnamed field, tuple for
  several unnamed fields).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence


class ScaleError(ValueError):
    """Bytes that do not decode as the expected type, or a value that cannot be encoded."""


# ---------------------------------------------------------------------------------------------
# compact integers
# ---------------------------------------------------------------------------------------------

def encode_compact(n: int) -> bytes:
    """SCALE compact (variable-length) encoding of a non-negative integer < 2**536."""
    if n < 0:
        raise ScaleError(f"compact cannot encode a negative number: {n}")
    if n < 1 << 6:
        return bytes((n << 2,))
    if n < 1 << 14:
        return ((n << 2) | 1).to_bytes(2, "little")
    if n < 1 << 30:
        return ((n << 2) | 2).to_bytes(4, "little")
    length = (n.bit_length() + 7) // 8
    if length > 67:
        raise ScaleError(f"compact integer too large: {n}")
    return bytes((((length - 4) << 2) | 3,)) + n.to_bytes(length, "little")


def decode_compact(data: bytes, offset: int = 0) -> tuple[int, int]:
    """Decode a compact integer at ``offset``; returns (value, new offset)."""
    try:
        b0 = data[offset]
    except IndexError:
        raise ScaleError("unexpected end of input reading a compact integer") from None
    mode = b0 & 3
    if mode == 0:
        return b0 >> 2, offset + 1
    # non-canonical encodings (a value that fits a shorter mode) are refused, as parity-scale-codec does
    if mode == 1:
        end = offset + 2
        if end > len(data):
            raise ScaleError("unexpected end of input reading a compact integer")
        value = int.from_bytes(data[offset:end], "little") >> 2
        if value < 1 << 6:
            raise ScaleError("non-canonical compact integer")
        return value, end
    if mode == 2:
        end = offset + 4
        if end > len(data):
            raise ScaleError("unexpected end of input reading a compact integer")
        value = int.from_bytes(data[offset:end], "little") >> 2
        if value < 1 << 14:
            raise ScaleError("non-canonical compact integer")
        return value, end
    length = (b0 >> 2) + 4
    end = offset + 1 + length
    if end > len(data):
        raise ScaleError("unexpected end of input reading a compact integer")
    value = int.from_bytes(data[offset + 1:end], "little")
    if value < 1 << 30 or data[end - 1] == 0:
        raise ScaleError("non-canonical compact integer")
    return value, end


# ---------------------------------------------------------------------------------------------
# the descriptor protocol
# ---------------------------------------------------------------------------------------------

class ScaleType:
    """Base of every type descriptor. Subclasses set ``path``/``params`` for named types."""

    path: tuple[str, ...] = ()
    #: generic parameters shown in metadata: (name, descriptor or None)
    params: tuple[tuple[str, "ScaleType | None"], ...] = ()
    docs: tuple[str, ...] = ()
    #: the Rust-ish name used as a field's ``typeName`` in metadata
    type_name: str = ""

    def encode(self, value: Any) -> bytes:
        raise NotImplementedError  # abstract

    def decode(self, data: bytes, offset: int = 0) -> tuple[Any, int]:
        raise NotImplementedError  # abstract

    def meta_def(self, registry: "TypeRegistryLike") -> dict:
        """The metadata ``def`` of this type; inner types are registered through ``registry``."""
        raise NotImplementedError  # abstract

    def default(self) -> Any:
        """The value of ``Default::default()`` for this type (used by ValueQuery storage)."""
        raise ScaleError(f"type {self!r} has no default value")

    def identity(self) -> tuple:
        """A hashable key describing the type fully, used to deduplicate registry entries."""
        return (type(self).__name__, self.path, id(self))

    # convenience -----------------------------------------------------------------------------
    def decode_all(self, data: bytes) -> Any:
        """Decode ``data`` completely; trailing bytes are an error."""
        value, end = self.decode(data, 0)
        if end != len(data):
            raise ScaleError(f"{len(data) - end} trailing byte(s) after {self!r}")
        return value

    def __repr__(self) -> str:
        return self.type_name or type(self).__name__


class TypeRegistryLike:  # pragma: no cover - typing aid only
    def register(self, t: ScaleType) -> int: ...


# ---------------------------------------------------------------------------------------------
# primitives
# ---------------------------------------------------------------------------------------------

class _Int(ScaleType):
    def __init__(self, bits: int, signed: bool):
        self.bits = bits
        self.signed = signed
        self.size = bits // 8
        self.type_name = ("i" if signed else "u") + str(bits)
        if signed:
            self.lo, self.hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        else:
            self.lo, self.hi = 0, (1 << bits) - 1
        fmt = {8: "b", 16: "h", 32: "i", 64: "q"}.get(bits)
        self._struct = struct.Struct("<" + (fmt if signed else fmt.upper())) if fmt else None

    def encode(self, value: int) -> bytes:
        if type(value) is not int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ScaleError(f"{self.type_name} expects an int, got {type(value).__name__}")
        if not self.lo <= value <= self.hi:
            raise ScaleError(f"{value} out of range for {self.type_name}")
        if self._struct is not None:
            return self._struct.pack(value)
        return value.to_bytes(self.size, "little", signed=self.signed)

    def decode(self, data: bytes, offset: int = 0) -> tuple[int, int]:
        end = offset + self.size
        if self._struct is not None and offset >= 0:
            try:  # unpack_from checks the length itself (every storage read decodes a number)
                return self._struct.unpack_from(data, offset)[0], end
            except struct.error:
                raise ScaleError(f"unexpected end of input reading {self.type_name}") from None
        if end > len(data):
            raise ScaleError(f"unexpected end of input reading {self.type_name}")
        return int.from_bytes(data[offset:end], "little", signed=self.signed), end

    def meta_def(self, registry) -> dict:
        return {"primitive": self.type_name}

    def default(self) -> int:
        return 0

    def identity(self) -> tuple:
        return ("prim", self.type_name)


U8, U16, U32, U64, U128 = (_Int(b, False) for b in (8, 16, 32, 64, 128))
I8, I16, I32, I64, I128 = (_Int(b, True) for b in (8, 16, 32, 64, 128))


class _Bool(ScaleType):
    type_name = "bool"

    def encode(self, value: bool) -> bytes:
        if value is True:
            return b"\x01"
        if value is False:
            return b"\x00"
        raise ScaleError(f"bool expects True/False, got {value!r}")

    def decode(self, data, offset=0):
        try:
            b = data[offset]
        except IndexError:
            raise ScaleError("unexpected end of input reading bool") from None
        if b > 1:
            raise ScaleError(f"invalid bool byte {b}")
        return b == 1, offset + 1

    def meta_def(self, registry) -> dict:
        return {"primitive": "bool"}

    def default(self) -> bool:
        return False

    def identity(self) -> tuple:
        return ("prim", "bool")


Bool = _Bool()


class _Str(ScaleType):
    type_name = "str"

    def encode(self, value: str) -> bytes:
        raw = value.encode("utf-8")
        return encode_compact(len(raw)) + raw

    def decode(self, data, offset=0):
        n, offset = decode_compact(data, offset)
        end = offset + n
        if end > len(data):
            raise ScaleError("unexpected end of input reading str")
        try:
            return bytes(data[offset:end]).decode("utf-8"), end
        except UnicodeDecodeError as exc:
            raise ScaleError(f"invalid utf-8 in str: {exc}") from None

    def meta_def(self, registry) -> dict:
        return {"primitive": "str"}

    def default(self) -> str:
        return ""

    def identity(self) -> tuple:
        return ("prim", "str")


Str = _Str()


class Compact(ScaleType):
    """``Compact<T>`` for an unsigned integer type (or a newtype around one)."""

    def __init__(self, inner: ScaleType):
        self.inner = inner
        self.type_name = f"Compact<{inner.type_name}>"

    def encode(self, value: int) -> bytes:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ScaleError(f"Compact expects an int, got {type(value).__name__}")
        hi = getattr(self.inner, "hi", None)
        if hi is not None and value > hi:
            raise ScaleError(f"{value} out of range for {self.type_name}")
        return encode_compact(value)

    def decode(self, data, offset=0):
        value, end = decode_compact(data, offset)
        hi = getattr(self.inner, "hi", None)
        if hi is not None and value > hi:
            raise ScaleError(f"compact value {value} overflows {self.inner.type_name}")
        return value, end

    def meta_def(self, registry) -> dict:
        return {"compact": {"type": registry.register(self.inner)}}

    def default(self) -> int:
        return 0

    def identity(self) -> tuple:
        return ("compact", self.inner.identity())


class Vec(ScaleType):
    """``Vec<T>`` as a Python list."""

    def __init__(self, inner: ScaleType, max_len: int | None = None):
        self.inner = inner
        self.max_len = max_len
        self.type_name = f"Vec<{inner.type_name}>"

    def encode(self, value: Sequence) -> bytes:
        if isinstance(value, (str, bytes, dict)):
            raise ScaleError(f"{self.type_name} expects a list, got {type(value).__name__}")
        enc = self.inner.encode
        return encode_compact(len(value)) + b"".join([enc(v) for v in value])

    def decode(self, data, offset=0):
        n, offset = decode_compact(data, offset)
        if n > len(data) - offset and self._min_size() > 0:
            raise ScaleError(f"{self.type_name} length {n} exceeds the input")
        if self.max_len is not None and n > self.max_len:
            raise ScaleError(f"{self.type_name} longer than its bound {self.max_len}")
        out = []
        dec = self.inner.decode
        for _ in range(n):
            v, offset = dec(data, offset)
            out.append(v)
        return out, offset

    def _min_size(self) -> int:
        return getattr(self.inner, "size", 1)

    def meta_def(self, registry) -> dict:
        return {"sequence": {"type": registry.register(self.inner)}}

    def default(self) -> list:
        return []

    def identity(self) -> tuple:
        return ("vec", self.inner.identity())


class _Bytes(ScaleType):
    """``Vec<u8>`` as Python ``bytes`` (registered in metadata as a sequence of u8)."""

    type_name = "Vec<u8>"

    def __init__(self, max_len: int | None = None):
        self.max_len = max_len

    def encode(self, value: bytes) -> bytes:
        if isinstance(value, str):
            value = value.encode("utf-8")
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise ScaleError(f"Vec<u8> expects bytes, got {type(value).__name__}")
        if self.max_len is not None and len(value) > self.max_len:
            raise ScaleError(f"byte string longer than its bound {self.max_len}")
        return encode_compact(len(value)) + bytes(value)

    def decode(self, data, offset=0):
        n, offset = decode_compact(data, offset)
        end = offset + n
        if end > len(data):
            raise ScaleError("unexpected end of input reading Vec<u8>")
        if self.max_len is not None and n > self.max_len:
            raise ScaleError(f"byte string longer than its bound {self.max_len}")
        return bytes(data[offset:end]), end

    def meta_def(self, registry) -> dict:
        return {"sequence": {"type": registry.register(U8)}}

    def default(self) -> bytes:
        return b""

    def identity(self) -> tuple:
        return ("vec", U8.identity())


Bytes = _Bytes()


def BoundedBytes(max_len: int) -> ScaleType:
    """``BoundedVec<u8, N>``: same wire format and metadata as ``Vec<u8>``, with a decode bound."""
    return _Bytes(max_len)


class Array(ScaleType):
    """``[T; N]``; ``[u8; N]`` is Python ``bytes``."""

    def __init__(self, inner: ScaleType, length: int):
        self.inner = inner
        self.length = length
        self.is_bytes = inner is U8
        self.type_name = f"[{inner.type_name}; {length}]"
        if self.is_bytes:
            self.size = length

    def encode(self, value) -> bytes:
        if self.is_bytes:
            if not isinstance(value, (bytes, bytearray)) or len(value) != self.length:
                raise ScaleError(f"{self.type_name} expects {self.length} bytes, got {value!r:.80}")
            return bytes(value)
        if len(value) != self.length:
            raise ScaleError(f"{self.type_name} expects {self.length} items")
        return b"".join(self.inner.encode(v) for v in value)

    def decode(self, data, offset=0):
        if self.is_bytes:
            end = offset + self.length
            if end > len(data):
                raise ScaleError(f"unexpected end of input reading {self.type_name}")
            return bytes(data[offset:end]), end
        out = []
        for _ in range(self.length):
            v, offset = self.inner.decode(data, offset)
            out.append(v)
        return out, offset

    def meta_def(self, registry) -> dict:
        return {"array": {"len": self.length, "type": registry.register(self.inner)}}

    def default(self):
        return bytes(self.length) if self.is_bytes else [self.inner.default() for _ in range(self.length)]

    def identity(self) -> tuple:
        return ("array", self.length, self.inner.identity())


class Tuple(ScaleType):
    """``(A, B, …)`` as a Python tuple; ``Tuple()`` is the unit type ``()``."""

    def __init__(self, *items: ScaleType):
        self.items = items
        self.type_name = "(" + ", ".join(t.type_name for t in items) + ")"

    def encode(self, value) -> bytes:
        if len(value) != len(self.items):
            raise ScaleError(f"{self.type_name} expects {len(self.items)} items, got {len(value)}")
        return b"".join(t.encode(v) for t, v in zip(self.items, value))

    def decode(self, data, offset=0):
        out = []
        for t in self.items:
            v, offset = t.decode(data, offset)
            out.append(v)
        return tuple(out), offset

    def meta_def(self, registry) -> dict:
        return {"tuple": [registry.register(t) for t in self.items]}

    def default(self):
        return tuple(t.default() for t in self.items)

    def identity(self) -> tuple:
        return ("tuple",) + tuple(t.identity() for t in self.items)


Unit = Tuple()


class Option(ScaleType):
    """``Option<T>``: ``None`` or the value (a variant type with path ``Option`` in metadata)."""

    path = ("Option",)

    def __init__(self, inner: ScaleType):
        self.inner = inner
        self.params = (("T", inner),)
        self.type_name = f"Option<{inner.type_name}>"

    def encode(self, value) -> bytes:
        if value is None:
            return b"\x00"
        return b"\x01" + self.inner.encode(value)

    def decode(self, data, offset=0):
        try:
            tag = data[offset]
        except IndexError:
            raise ScaleError("unexpected end of input reading Option") from None
        if tag == 0:
            return None, offset + 1
        if tag == 1:
            return self.inner.decode(data, offset + 1)
        raise ScaleError(f"invalid Option tag {tag}")

    def meta_def(self, registry) -> dict:
        return {"variant": {"variants": [
            {"name": "None", "fields": [], "index": 0, "docs": []},
            {"name": "Some", "fields": [_field(registry, None, self.inner)], "index": 1, "docs": []},
        ]}}

    def default(self):
        return None

    def identity(self) -> tuple:
        return ("option", self.inner.identity())


def _field(registry, name: str | None, t: ScaleType, type_name: str | None = None, docs=()) -> dict:
    return {"name": name, "type": registry.register(t), "typeName": type_name or t.type_name or None,
            "docs": list(docs)}


# ---------------------------------------------------------------------------------------------
# composites and variants
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """A struct or variant field. ``name`` is None for tuple-style fields."""

    name: str | None
    type: ScaleType
    type_name: str | None = None
    docs: tuple[str, ...] = ()


def _as_fields(fields: Iterable) -> tuple[Field, ...]:
    out = []
    for f in fields:
        if isinstance(f, Field):
            out.append(f)
        elif isinstance(f, ScaleType):
            out.append(Field(None, f))
        else:
            out.append(Field(*f))
    return tuple(out)


def _fields_encoder(fields: tuple[Field, ...]) -> Callable[[Any], bytes]:
    """Build an encoder for a field list following the value conventions in the module doc."""
    if not fields:
        def enc_unit(value) -> bytes:
            return b""
        return enc_unit
    if fields[0].name is None:
        if len(fields) == 1:
            return fields[0].type.encode
        encs = [f.type.encode for f in fields]

        def enc_tuple(value) -> bytes:
            if len(value) != len(encs):
                raise ScaleError(f"expected {len(encs)} items, got {len(value)}")
            return b"".join([e(v) for e, v in zip(encs, value)])
        return enc_tuple
    pairs = [(f.name, f.type.encode) for f in fields]

    def enc_named(value) -> bytes:
        try:
            return b"".join([e(value[n]) for n, e in pairs])
        except KeyError as exc:
            raise ScaleError(f"missing field {exc.args[0]!r}") from None
        except TypeError:
            raise ScaleError(f"expected a dict with fields {[n for n, _ in pairs]}, got {value!r:.80}") from None
    return enc_named


def _fields_decoder(fields: tuple[Field, ...]):
    if not fields:
        def dec_unit(data, offset):
            return None, offset
        return dec_unit
    if fields[0].name is None:
        if len(fields) == 1:
            return fields[0].type.decode
        decs = [f.type.decode for f in fields]

        def dec_tuple(data, offset):
            out = []
            for d in decs:
                v, offset = d(data, offset)
                out.append(v)
            return tuple(out), offset
        return dec_tuple
    pairs = [(f.name, f.type.decode) for f in fields]

    def dec_named(data, offset):
        out = {}
        for n, d in pairs:
            out[n], offset = d(data, offset)
        return out, offset
    return dec_named


def _fields_default(fields: tuple[Field, ...]):
    if not fields:
        return None
    if fields[0].name is None:
        if len(fields) == 1:
            return fields[0].type.default()
        return tuple(f.type.default() for f in fields)
    return {f.name: f.type.default() for f in fields}


class Struct(ScaleType):
    """A composite type: named fields (dict value) or unnamed ones (newtype/tuple value)."""

    def __init__(self, path: str | Sequence[str], fields: Iterable, *, params=(), docs=(),
                 type_name: str | None = None):
        self.path = tuple(path.split("::")) if isinstance(path, str) else tuple(path)
        self.fields = _as_fields(fields)
        self.params = tuple(params)
        self.docs = tuple(docs)
        self.type_name = type_name or self.path[-1]
        self.encode = _fields_encoder(self.fields)  # type: ignore[method-assign]
        self.decode = _fields_decoder(self.fields)  # type: ignore[method-assign]

    def meta_def(self, registry) -> dict:
        return {"composite": {"fields": [_field(registry, f.name, f.type, f.type_name, f.docs)
                                         for f in self.fields]}}

    def default(self):
        return _fields_default(self.fields)

    def identity(self) -> tuple:
        return ("struct", self.path, tuple((f.name, f.type.identity()) for f in self.fields),
                tuple((n, t.identity() if t else None) for n, t in self.params))


def Newtype(path: str, inner: ScaleType, type_name: str | None = None) -> Struct:
    """A 1-field tuple struct such as ``NetUid(u16)``; its Python value is the bare inner value."""
    return Struct(path, [Field(None, inner, inner.type_name)], type_name=type_name)


@dataclass(frozen=True)
class Variant:
    name: str
    fields: tuple[Field, ...] = ()
    index: int = 0
    docs: tuple[str, ...] = ()


class Enum(ScaleType):
    """A variant type. Values: ``"Name"`` for a unit variant, else ``{"Name": payload}``."""

    def __init__(self, path: str | Sequence[str], variants: Iterable, *, params=(), docs=(),
                 type_name: str | None = None):
        self.path = tuple(path.split("::")) if isinstance(path, str) else tuple(path)
        self.params = tuple(params)
        self.docs = tuple(docs)
        self.type_name = type_name or self.path[-1]
        vs: list[Variant] = []
        for i, v in enumerate(variants):
            if isinstance(v, Variant):
                vs.append(v)
            elif isinstance(v, str):
                vs.append(Variant(v, (), i))
            else:  # (name, fields[, index[, docs]])
                name, fields, *rest = v
                index = rest[0] if rest else i
                docs_ = tuple(rest[1]) if len(rest) > 1 else ()
                vs.append(Variant(name, _as_fields(fields), index, docs_))
        self.variants = tuple(vs)
        self.by_name = {v.name: v for v in vs}
        self.by_index = {v.index: v for v in vs}
        if len(self.by_index) != len(vs) or len(self.by_name) != len(vs):
            raise ScaleError(f"duplicate variant in {self.path}")
        self._enc = {v.name: (bytes((v.index,)), _fields_encoder(v.fields), bool(v.fields)) for v in vs}
        self._dec = {v.index: (v.name, _fields_decoder(v.fields), bool(v.fields)) for v in vs}

    def encode(self, value) -> bytes:
        if isinstance(value, str):
            name, payload = value, None
        elif isinstance(value, dict) and len(value) == 1:
            (name, payload), = value.items()
        else:
            raise ScaleError(f"{self.type_name}: expected a variant name or {{name: payload}}, got {value!r:.80}")
        try:
            tag, enc, has_fields = self._enc[name]
        except KeyError:
            raise ScaleError(f"{self.type_name} has no variant {name!r}") from None
        return tag + enc(payload) if has_fields else tag

    def decode(self, data, offset=0):
        try:
            tag = data[offset]
        except IndexError:
            raise ScaleError(f"unexpected end of input reading {self.type_name}") from None
        try:
            name, dec, has_fields = self._dec[tag]
        except KeyError:
            raise ScaleError(f"{self.type_name} has no variant with index {tag}") from None
        if not has_fields:
            return name, offset + 1
        payload, offset = dec(data, offset + 1)
        return {name: payload}, offset

    def meta_def(self, registry) -> dict:
        return {"variant": {"variants": [
            {"name": v.name, "fields": [_field(registry, f.name, f.type, f.type_name, f.docs) for f in v.fields],
             "index": v.index, "docs": list(v.docs)} for v in self.variants]}}

    def default(self):
        v = self.by_index[min(self.by_index)]
        return v.name if not v.fields else {v.name: _fields_default(v.fields)}

    def identity(self) -> tuple:
        return ("enum", self.path, tuple((v.name, v.index, tuple((f.name, f.type.identity()) for f in v.fields))
                                         for v in self.variants),
                tuple((n, t.identity() if t else None) for n, t in self.params))


class Lazy(ScaleType):
    """A forward reference, for recursive or late-bound types (e.g. ``RuntimeCall`` inside Utility)."""

    def __init__(self, resolve: Callable[[], ScaleType], type_name: str = ""):
        self._resolve = resolve
        self._target: ScaleType | None = None
        self.type_name = type_name

    @property
    def target(self) -> ScaleType:
        if self._target is None:
            self._target = self._resolve()
        return self._target

    def encode(self, value):
        return self.target.encode(value)

    def decode(self, data, offset=0):
        return self.target.decode(data, offset)

    def meta_def(self, registry):
        return self.target.meta_def(registry)

    def default(self):
        return self.target.default()

    def identity(self) -> tuple:
        return self.target.identity()

    @property
    def path(self):  # type: ignore[override]
        return self.target.path

    @property
    def params(self):  # type: ignore[override]
        return self.target.params

    @property
    def docs(self):  # type: ignore[override]
        return self.target.docs


class Custom(ScaleType):
    """A type with a hand-written codec but an ordinary metadata shape (e.g. ``Era``)."""

    def __init__(self, shape: ScaleType, encode: Callable[[Any], bytes],
                 decode: Callable[[bytes, int], tuple[Any, int]], default: Any = None):
        self.shape = shape
        self.path = shape.path
        self.params = shape.params
        self.docs = shape.docs
        self.type_name = shape.type_name
        self.encode = encode  # type: ignore[method-assign]
        self.decode = decode  # type: ignore[method-assign]
        self._default = default

    def meta_def(self, registry) -> dict:
        return self.shape.meta_def(registry)

    def default(self):
        return self._default

    def identity(self) -> tuple:
        return ("custom",) + self.shape.identity()


# ---------------------------------------------------------------------------------------------
# common chain types
# ---------------------------------------------------------------------------------------------

H256 = Struct("primitive_types::H256", [Field(None, Array(U8, 32), "[u8; 32]")], type_name="H256")
H160 = Struct("primitive_types::H160", [Field(None, Array(U8, 20), "[u8; 20]")], type_name="H160")
AccountId = Struct("sp_core::crypto::AccountId32", [Field(None, Array(U8, 32), "[u8; 32]")],
                   type_name="AccountId")
Balance = U64


class FixedPoint(Struct):
    """A ``substrate_fixed`` number such as ``I96F32``: ``{bits}`` in metadata, a raw int in Python.

    The value is the raw two's-complement integer (``value = bits / 2**frac``) so that consensus maths
    stays in integers; ``frac`` is kept for display and conversions.
    """

    def __init__(self, name: str, bits_type: ScaleType, frac: int):
        rust = "FixedI128" if bits_type is I128 else "FixedU128" if bits_type is U128 else \
            "FixedI64" if bits_type is I64 else "FixedU64"
        super().__init__(("substrate_fixed", rust), [Field("bits", bits_type, bits_type.type_name)],
                         type_name=name)
        self.frac = frac
        self.encode = bits_type.encode  # type: ignore[method-assign]
        self.decode = bits_type.decode  # type: ignore[method-assign]

    def default(self) -> int:
        return 0

    def identity(self) -> tuple:
        return ("fixed", self.type_name)


I32F32 = FixedPoint("I32F32", I64, 32)
I64F64 = FixedPoint("I64F64", I128, 64)
U64F64 = FixedPoint("U64F64", U128, 64)
I96F32 = FixedPoint("I96F32", I128, 32)
U96F32 = FixedPoint("U96F32", U128, 32)
