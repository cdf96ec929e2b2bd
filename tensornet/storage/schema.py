"""The database layout: every key the node writes outside chain state has its prefix here.

One LevelDB holds several logical columns, told apart by a one-byte prefix, so that a block's
header, body, indexes, state changes, trie nodes, undo journal and new head can be written in a
single atomic batch.
"""
from __future__ import annotations

import struct

DB_FORMAT = b"tensornet-db-1"

STATE = b"S"       # S ‖ storage key              -> value at the head (flat, fast reads)
TRIE = b"N"        # N ‖ node hash                -> encoded trie node (historical state, roots, proofs)
HEADER = b"H"      # H ‖ block hash               -> SCALE header
BODY = b"B"        # B ‖ block hash               -> SCALE body
NUMBER = b"I"      # I ‖ u32 big-endian           -> canonical block hash at that height
UNDO = b"U"        # U ‖ block hash               -> SCALE undo journal of the flat state
META = b"M"        # M ‖ name                     -> node metadata (head, finalized, genesis, format)
TX_INDEX = b"X"    # X ‖ extrinsic hash           -> block hash ‖ u32 index

META_FORMAT = META + b"format"
META_HEAD = META + b"head"
META_FINALIZED = META + b"finalized"
META_GENESIS = META + b"genesis"
META_SPEC = META + b"chain-spec"


def number_key(n: int) -> bytes:
    return NUMBER + struct.pack(">I", n)
