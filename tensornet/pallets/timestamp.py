"""pallet_timestamp (index 2): the ``Timestamp.set`` inherent opens every block."""
from __future__ import annotations

from tensornet.primitives.scale import Bool, Compact, U64
from tensornet.runtime.dispatch import DispatchError, Weight
from tensornet.runtime.pallet import ConstantDef, Pallet, call
from tensornet.storage.items import StorageValue


class Timestamp(Pallet):
    NAME, INDEX = "Timestamp", 2
    DOCS = "The block timestamp, set by the block author through an inherent."

    Now = StorageValue(U64, docs="The current time for the current block.")
    DidUpdate = StorageValue(Bool, docs="Whether the timestamp has been updated in this block.")

    @classmethod
    def constants(cls, runtime) -> list[ConstantDef]:
        return [ConstantDef("MinimumPeriod", U64, runtime.minimum_period_ms,
                            "The minimum period between blocks.")]

    @call(0, [("now", Compact(U64), "T::Moment")], weight=Weight.db(8_684_000, reads=2, writes=1, proof_size=1493),
          dispatch_class="Mandatory")
    def set(self, origin, now: int) -> None:
        """Set the current time (inherent: unsigned, once per block, never earlier than the last block + MinimumPeriod)."""
        origin.ensure_none()
        if self.DidUpdate.get():
            raise DispatchError.other()
        prev = self.Now.get()
        if prev and now < prev + self.env.runtime.minimum_period_ms:
            raise DispatchError.other()
        self.Now.set(now)
        self.DidUpdate.set(True)

    def on_finalize(self, block_number: int) -> None:
        self.DidUpdate.remove()
