"""``UncheckedExtrinsic`` v4: decoding, the signed payload, and encoding for tests and tools.

Wire format: ``Compact(len) ‖ version ‖ [address ‖ signature ‖ extra] ‖ call`` where version is
``0x84`` for signed and ``0x04`` for bare (unsigned/inherent) extrinsics. The signed payload is
``call ‖ extra ‖ additional_signed``, blake2-256 hashed first when longer than 256 bytes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tensornet.primitives.hashing import blake2_256
from tensornet.primitives.scale import ScaleError, decode_compact, encode_compact

from .types import MULTI_ADDRESS, MULTI_SIGNATURE, lookup_address

EXTRINSIC_VERSION = 4
SIGNED_FLAG = 0x80
#: variant indices of MultiAddress::Id and MultiSignature::Sr25519 (the envelope's fast path)
_ADDRESS_ID = 0
_SR25519 = b"\x01"


class MalformedExtrinsic(ValueError):
    """Bytes that are not a decodable extrinsic for this runtime."""


@dataclass
class Extrinsic:
    """A decoded extrinsic. ``raw`` is the full encoding including the length prefix."""

    raw: bytes
    call: Any                      # decoded RuntimeCall value
    call_bytes: bytes
    signer: bytes | None = None    # account id
    signature: Any = None          # MultiSignature value
    extra: tuple = ()              # decoded extra values, one per signed extension
    extra_bytes: bytes = b""
    #: the executive's state-independent check result, keyed by the additional-signed bytes it held
    #: for (see ``Executive.check``); not part of the value
    checked: Any = field(default=None, compare=False, repr=False)
    #: an immortal signed extrinsic's ((spec, tx version), (additional-signed bytes, signature)), see
    #: ``Executive._additional_signed``
    prepared: Any = field(default=None, compare=False, repr=False)

    def __reduce__(self):
        # its fields in order, no attribute dict: decoded extrinsics cross from the transaction
        # workers to the node by the thousand, and the node unpickles them on its own time
        return (Extrinsic, (self.raw, self.call, self.call_bytes, self.signer, self.signature, self.extra,
                            self.extra_bytes, self.checked, self.prepared))

    @property
    def signed(self) -> bool:
        return self.signer is not None

    @property
    def hash(self) -> bytes:
        return blake2_256(self.raw)

    @property
    def length(self) -> int:
        return len(self.raw)


def decode_extrinsic(raw: bytes, runtime, extensions) -> Extrinsic:
    """Decode ``raw`` (with its compact length prefix) strictly; any defect is MalformedExtrinsic."""
    try:
        length, offset = decode_compact(raw, 0)
        if offset + length != len(raw):
            raise MalformedExtrinsic(f"extrinsic length prefix says {length} bytes, got {len(raw) - offset}")
        if length == 0:
            raise MalformedExtrinsic("empty extrinsic")
        version = raw[offset]
        offset += 1
        if version & 0x7F != EXTRINSIC_VERSION:
            raise MalformedExtrinsic(f"unsupported extrinsic version {version & 0x7F}")
        signer = signature = None
        extra: tuple = ()
        extra_start = extra_end = offset
        if version & SIGNED_FLAG:
            if raw[offset] == _ADDRESS_ID and raw[offset + 33:offset + 34] == _SR25519 and len(raw) >= offset + 98:
                # what every wallet sends, MultiAddress::Id ‖ MultiSignature::Sr25519: sliced directly
                signer = raw[offset + 1:offset + 33]
                signature = {"Sr25519": raw[offset + 34:offset + 98]}
                offset += 98
            else:
                address, offset = MULTI_ADDRESS.decode(raw, offset)
                signer = lookup_address(address) if _is_id(address) else None
                if signer is None:
                    raise MalformedExtrinsic("only MultiAddress::Id signers are supported")
                signature, offset = MULTI_SIGNATURE.decode(raw, offset)
            extra_start = offset
            extra, offset = extensions.decode_extra(raw, offset)
            extra_end = offset
        call_bytes = raw[offset:]
        call = runtime.call_type.decode_all(call_bytes)
    except MalformedExtrinsic:
        raise
    except RecursionError:
        raise MalformedExtrinsic(f"call nested deeper than {MAX_EXTRINSIC_DEPTH} levels") from None
    except (ScaleError, IndexError, ValueError) as exc:
        raise MalformedExtrinsic(f"could not decode extrinsic: {exc}") from None
    if nesting_depth(call) > MAX_EXTRINSIC_DEPTH:
        raise MalformedExtrinsic(f"call nested deeper than {MAX_EXTRINSIC_DEPTH} levels")
    return Extrinsic(raw, call, call_bytes, signer, signature, extra, raw[extra_start:extra_end])


#: sp_api's MAX_EXTRINSIC_DEPTH: Substrate decodes an extrinsic with this nesting limit. It counts the
#: nested types it decodes; here the nested containers (dicts, lists) of the decoded value count, so a
#: level of ``Utility.batch`` (the call, its pallet's call, its arguments, the list) costs 4
MAX_EXTRINSIC_DEPTH = 256


def nesting_depth(value: Any) -> int:
    """How deeply containers nest in a decoded value (iteratively: no recursion to exhaust)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list, tuple)))
    return deepest


def signer_of(raw: bytes) -> bytes | None:
    """The ``MultiAddress::Id`` signer of a signed v4 extrinsic, read without decoding the rest
    (None for bare extrinsics or other address kinds)."""
    try:
        _, offset = decode_compact(raw, 0)
    except ScaleError:
        return None
    if len(raw) < offset + 34 or raw[offset] != EXTRINSIC_VERSION | SIGNED_FLAG or raw[offset + 1] != 0:
        return None
    return bytes(raw[offset + 2:offset + 34])


def _is_id(address: Any) -> bool:
    return isinstance(address, dict) and ("Id" in address or "Address32" in address)


def signing_payload(call_bytes: bytes, extra_bytes: bytes, additional_bytes: bytes) -> bytes:
    payload = call_bytes + extra_bytes + additional_bytes
    return blake2_256(payload) if len(payload) > 256 else payload


def encode_signed(call_bytes: bytes, signer: bytes, signature: bytes, extra_bytes: bytes,
                  scheme: str = "Sr25519") -> bytes:
    body = (bytes((EXTRINSIC_VERSION | SIGNED_FLAG,)) + MULTI_ADDRESS.encode({"Id": signer})
            + MULTI_SIGNATURE.encode({scheme: signature}) + extra_bytes + call_bytes)
    return encode_compact(len(body)) + body


def encode_unsigned(call_bytes: bytes) -> bytes:
    body = bytes((EXTRINSIC_VERSION,)) + call_bytes
    return encode_compact(len(body)) + body


def unchecked_extrinsic_type(runtime, extra_type) -> "Custom":
    """``UncheckedExtrinsic`` as metadata describes it (a composite around ``Vec<u8>``, with the
    Address/Call/Signature/Extra params scalecodec reads) and as runtime APIs pass it: the raw
    length-prefixed extrinsic bytes."""
    from tensornet.primitives.scale import Bytes, Custom, Field, Struct

    from .types import MULTI_ADDRESS, MULTI_SIGNATURE

    shape = Struct(("sp_runtime", "generic", "unchecked_extrinsic", "UncheckedExtrinsic"),
                   [Field(None, Bytes, "Vec<u8>")],
                   params=(("Address", MULTI_ADDRESS), ("Call", runtime.call_type),
                           ("Signature", MULTI_SIGNATURE), ("Extra", extra_type)),
                   type_name="UncheckedExtrinsic")

    def encode(raw: bytes) -> bytes:
        return bytes(raw)

    def decode(data: bytes, offset: int = 0) -> tuple[bytes, int]:
        n, start = decode_compact(data, offset)
        end = start + n
        if end > len(data):
            raise ScaleError("unexpected end of input reading an extrinsic")
        return bytes(data[offset:end]), end

    return Custom(shape, encode, decode, b"\x00")
