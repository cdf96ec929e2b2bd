"""Genesis: run every pallet's genesis builder on an empty state and make block 0."""
from __future__ import annotations

from tensornet.runtime.runtime import Runtime
from tensornet.storage.backend import MemoryBackend
from tensornet.storage.overlay import Overlay
from tensornet.storage.trie import EMPTY_ROOT, apply_changes

from .block import Header, extrinsics_root
from .spec import ChainSpec, account_id

#: frame_system's genesis puts this placeholder in ParentHash and BlockHash(0)
HASH69 = bytes([69]) * 32


def genesis_config(spec: ChainSpec) -> dict[str, dict]:
    g = spec.genesis
    return {
        "System": {},
        "Balances": {"balances": [(account_id(a), amount) for a, amount in g.balances]},
        "Sudo": {"key": account_id(g.sudo) if g.sudo else None},
        "SubtensorModule": dict(g.subtensor),
    }


def build_genesis_state(runtime: Runtime, spec: ChainSpec) -> dict[bytes, bytes | None]:
    """The genesis storage as a change set over an empty state."""
    state = Overlay(MemoryBackend())
    config = genesis_config(spec)
    with runtime.at(state, 0):
        for pallet in runtime.pallets.values():
            pallet.build_genesis(config.get(pallet.NAME, {}))
        system = runtime.pallets["System"]
        system.ParentHash.set(HASH69)
        system.BlockHash.set(0, HASH69)
        runtime.env.reset_events()
    return {k: v for k, v in state.changes().items() if v is not None}


def genesis_block(runtime: Runtime, spec: ChainSpec) -> tuple[Header, dict[bytes, bytes | None], dict[bytes, bytes]]:
    """(header, state, trie nodes) of block 0."""
    changes = build_genesis_state(runtime, spec)
    nodes: dict[bytes, bytes] = {}
    root, nodes = apply_changes(EMPTY_ROOT, changes, _NoNodes())
    header = Header(bytes(32), 0, root, extrinsics_root([]))
    return header, changes, nodes


class _NoNodes:
    def get_node(self, node_hash: bytes) -> bytes | None:
        return None
