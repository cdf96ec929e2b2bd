"""pallet_aura (index 3): only what clients read of it, the slot duration.

The bittensor SDK times its polling with ``Aura.SlotDuration`` (``Substrate.block_time``), for example while
it waits for a MEV-shielded extrinsic to finalize. This chain has one author and no slots to assign, so
the pallet holds no authority set; the constant is the preset's block time, as subtensor's
``SlotDuration = MILLISECS_PER_BLOCK``.
"""
from __future__ import annotations

from tensornet.primitives.scale import U64
from tensornet.runtime.pallet import ConstantDef, Pallet


class Aura(Pallet):
    NAME, INDEX, CRATE = "Aura", 3, "pallet_aura"
    DOCS = "Slot-based block authoring (the slot duration clients time themselves by)."

    @classmethod
    def constants(cls, runtime) -> list[ConstantDef]:
        return [ConstantDef("SlotDuration", U64, runtime.config.block_time_ms,
                            "The slot duration Aura should run with, expressed in milliseconds.")]
