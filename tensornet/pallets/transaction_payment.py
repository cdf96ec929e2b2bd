"""pallet_transaction_payment (index 6): fee events and the fee multiplier (constant 1 on subtensor)."""
from __future__ import annotations

from tensornet.primitives.scale import AccountId, Enum, Newtype, U8, U64, U128
from tensornet.runtime.pallet import ConstantDef, EventDef, Pallet
from tensornet.storage.items import StorageValue

FIXED_U128 = Newtype("sp_arithmetic::fixed_point::FixedU128", U128)
RELEASES = Enum(("pallet_transaction_payment", "Releases"), ["V1Ancient", "V2"])
ONE = 10**18


class TransactionPayment(Pallet):
    NAME, INDEX = "TransactionPayment", 6
    DOCS = "Transaction fees: base + 1 rao per byte + 0.0005 rao per unit of weight, plus tips."

    NextFeeMultiplier = StorageValue(FIXED_U128, default=ONE, docs="The next fee multiplier (constant 1 on subtensor).")
    StorageVersion = StorageValue(RELEASES, docs="The storage version of the pallet.")

    EVENTS = [EventDef("TransactionFeePaid", [("who", AccountId, "T::AccountId"), ("actual_fee", U64, "BalanceOf<T>"),
                                              ("tip", U64, "BalanceOf<T>")],
                       "A transaction fee `actual_fee`, of which `tip` was added to the minimum inclusion fee, has been paid by `who`.")]
    CONSTANTS = [ConstantDef("OperationalFeeMultiplier", U8, 5,
                             "A fee multiplier for `Operational` extrinsics to compute \"virtual tip\" to boost their `priority`.")]

    def build_genesis(self, config: dict) -> None:
        self.NextFeeMultiplier.set(ONE)
        self.StorageVersion.set("V2")
