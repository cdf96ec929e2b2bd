"""The exported-chain file: a small header, then one length-prefixed SCALE block after another.

Layout (integers little-endian)::

    magic    8 bytes  b"TNETCHN\\0"
    version  u16      FORMAT_VERSION
    genesis  32 bytes the chain's genesis hash (an import into another chain is refused up front)
    first    u32      number of the first block in the file
    count    u32      how many blocks follow (a truncated file is detected, progress has a total)
    spec     u32 length + the chain spec's canonical JSON (enough to create a fresh database)
    blocks   count x (u32 length + SCALE Block: Header ++ Vec<Extrinsic>)

Blocks are written and read one at a time, so neither side ever holds the chain in memory.
"""
from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from tensornet.runtime.types import HEADER

from .block import Block, Header, decode_body
from .store import ChainStore

MAGIC = b"TNETCHN\0"
FORMAT_VERSION = 1
_FIXED = struct.Struct("<8sH32sII")
#: a block larger than this is taken for a corrupt length prefix rather than read into memory
MAX_BLOCK_BYTES = 64 * 2**20


class ExportFormatError(ValueError):
    """The file is not an exported tensornet chain, or it is truncated or corrupt."""


@dataclass(frozen=True)
class ExportHeader:
    genesis_hash: bytes
    first: int
    count: int
    spec_json: bytes
    version: int = FORMAT_VERSION

    @property
    def last(self) -> int:
        return self.first + self.count - 1

    def encode(self) -> bytes:
        fixed = _FIXED.pack(MAGIC, self.version, self.genesis_hash, self.first, self.count)
        return fixed + struct.pack("<I", len(self.spec_json)) + self.spec_json


def encode_block(block: Block) -> bytes:
    """A block as SCALE ``Block``: the header, then the body (``Vec<OpaqueExtrinsic>``)."""
    return block.header.encode() + block.encode_body()


def decode_block(data: bytes) -> Block:
    value, offset = HEADER.decode(data, 0)
    header = Header(value["parent_hash"], value["number"], value["state_root"], value["extrinsics_root"],
                    tuple(value["digest"]["logs"]))
    extrinsics = decode_body(data[offset:])
    if offset + len(Block(header, extrinsics).encode_body()) != len(data):
        raise ExportFormatError(f"block #{header.number}: trailing bytes after its body")
    return Block(header, extrinsics)


def write_chain(store: ChainStore, out: BinaryIO, first: int, last: int,
                progress: Callable[[int], None] | None = None) -> ExportHeader:
    """Write blocks ``first..last`` (inclusive) of ``store``'s canonical chain to ``out``."""
    if store.genesis_hash is None:
        raise ExportFormatError("the database holds no chain")
    head = store.head.number
    if not 0 <= first <= last <= head:
        raise ValueError(f"block range {first}..{last} is outside the chain (#0..#{head})")
    header = ExportHeader(store.genesis_hash, first, last - first + 1, store.stored_spec() or b"")
    out.write(header.encode())
    for number in range(first, last + 1):
        block_hash = store.hash_of(number)
        block = store.block(block_hash) if block_hash is not None else None
        if block is None:
            raise ExportFormatError(f"block #{number} is missing from the database")
        data = encode_block(block)
        out.write(struct.pack("<I", len(data)))
        out.write(data)
        if progress is not None:
            progress(1)
    return header


def _read_exact(src: BinaryIO, n: int, what: str) -> bytes:
    data = src.read(n)
    if len(data) != n:
        raise ExportFormatError(f"the file ends inside {what} (truncated?)")
    return data


def read_header(src: BinaryIO) -> ExportHeader:
    fixed = src.read(_FIXED.size)
    if len(fixed) < len(MAGIC) or fixed[:len(MAGIC)] != MAGIC:
        raise ExportFormatError("not an exported tensornet chain (bad magic)")
    if len(fixed) != _FIXED.size:
        raise ExportFormatError("the file ends inside its header (truncated?)")
    _, version, genesis, first, count = _FIXED.unpack(fixed)
    if version != FORMAT_VERSION:
        raise ExportFormatError(f"unsupported export format version {version} (this node reads {FORMAT_VERSION})")
    (spec_len,) = struct.unpack("<I", _read_exact(src, 4, "the header"))
    if spec_len > MAX_BLOCK_BYTES:
        raise ExportFormatError("the header's chain spec length is implausible (corrupt file?)")
    return ExportHeader(genesis, first, count, _read_exact(src, spec_len, "the chain spec"), version)


def read_blocks(src: BinaryIO, header: ExportHeader) -> Iterator[Block]:
    """The file's blocks in order, read one at a time (after :func:`read_header`)."""
    for i in range(header.count):
        number = header.first + i
        (length,) = struct.unpack("<I", _read_exact(src, 4, f"block #{number}'s length"))
        if length > MAX_BLOCK_BYTES:
            raise ExportFormatError(f"block #{number}: implausible length {length} (corrupt file?)")
        data = _read_exact(src, length, f"block #{number}")
        try:
            block = decode_block(data)
        except ExportFormatError:
            raise
        except Exception as exc:  # noqa: BLE001 - any decoding failure of a corrupt record
            raise ExportFormatError(f"block #{number} cannot be decoded: {exc}") from None
        if block.header.number != number:
            raise ExportFormatError(f"record {i} holds block #{block.header.number}, expected #{number}")
        yield block
    if src.read(1):
        raise ExportFormatError(f"unexpected data after the {header.count} block(s) the header announces")
