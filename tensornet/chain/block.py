"""Headers and blocks: SCALE encoding, hashing, and the JSON shapes the RPC serves."""
from __future__ import annotations

from dataclasses import dataclass, field

from tensornet.primitives.hashing import blake2_256
from tensornet.primitives.scale import Bytes, Vec, encode_compact
from tensornet.runtime.types import DIGEST_ITEM, HEADER
from tensornet.storage.trie import ordered_trie_root

_BODY = Vec(Bytes)


@dataclass(frozen=True)
class Header:
    parent_hash: bytes
    number: int
    state_root: bytes
    extrinsics_root: bytes
    digest_logs: tuple = ()

    def encode(self) -> bytes:
        return HEADER.encode({"parent_hash": self.parent_hash, "number": self.number, "state_root": self.state_root,
                              "extrinsics_root": self.extrinsics_root, "digest": {"logs": list(self.digest_logs)}})

    @classmethod
    def decode(cls, data: bytes) -> "Header":
        v = HEADER.decode_all(data)
        return cls(v["parent_hash"], v["number"], v["state_root"], v["extrinsics_root"], tuple(v["digest"]["logs"]))

    @property
    def hash(self) -> bytes:
        return blake2_256(self.encode())

    def to_json(self) -> dict:
        return {"parentHash": "0x" + self.parent_hash.hex(), "number": hex(self.number),
                "stateRoot": "0x" + self.state_root.hex(), "extrinsicsRoot": "0x" + self.extrinsics_root.hex(),
                "digest": {"logs": ["0x" + DIGEST_ITEM.encode(log).hex() for log in self.digest_logs]}}


@dataclass(frozen=True)
class Block:
    header: Header
    extrinsics: tuple[bytes, ...] = field(default_factory=tuple)

    @property
    def hash(self) -> bytes:
        return self.header.hash

    def encode_body(self) -> bytes:
        # extrinsics are stored with their own length prefix, as in a Substrate block body
        return encode_compact(len(self.extrinsics)) + b"".join(self.extrinsics)

    def to_json(self) -> dict:
        return {"block": {"header": self.header.to_json(), "extrinsics": ["0x" + x.hex() for x in self.extrinsics]},
                "justifications": None}


def decode_body(data: bytes) -> tuple[bytes, ...]:
    """Split a stored body back into length-prefixed extrinsics."""
    from tensornet.primitives.scale import decode_compact

    n, offset = decode_compact(data, 0)
    out = []
    for _ in range(n):
        length, start = decode_compact(data, offset)
        end = start + length
        out.append(data[offset:end])
        offset = end
    return tuple(out)


def extrinsics_root(extrinsics: tuple[bytes, ...] | list[bytes]) -> bytes:
    """Ordered trie root over ``Compact(index) -> extrinsic``, state version 0 as frame_system
    computes it while ``system_version`` is 1 (values are never hashed)."""
    return ordered_trie_root(list(extrinsics))
