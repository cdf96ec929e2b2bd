"""pallet_subtensor_swap (index 28): per-subnet fee rate and balancer weights of the alpha pools.

The reserves themselves live in SubtensorModule (SubnetTAO / SubnetAlphaIn); this pallet keeps what
the curve needs besides them (``FeeRate``, ``SwapBalancer``, ``PalSwapInitialized``), as subtensor's
``pallets/swap/src/pallet/mod.rs`` at HEAD. User liquidity was removed from the chain: the LP calls
still exist (clients may encode them) and always fail with ``Deprecated``.

``pool_state(netuid)`` assembles the pure maths' ``PoolState`` from both pallets' storage and
``write_pool(netuid, pool)`` stores the Swap-side fields back after a trade.
"""
from __future__ import annotations

from tensornet.amm.balancer import HALF_WEIGHT
from tensornet.amm.pool import MAX_FEE_RATE, PoolState
from tensornet.primitives.scale import (
    I32,
    I64,
    U16,
    U64,
    U128,
    AccountId,
    Bool,
    BoundedBytes,
    Newtype,
    Struct,
)
from tensornet.runtime.dispatch import Weight
from tensornet.runtime.pallet import ConstantDef, EventDef, Pallet, call
from tensornet.storage.items import StorageMap
from tensornet.subnet.types import AlphaBalance, NetUid, NonZeroU64, PalletId

Perquintill = Newtype("sp_arithmetic::per_things::Perquintill", U64, "Perquintill")
Balancer = Struct("pallet_subtensor_swap::pallet::balancer::Balancer", [("quote", Perquintill, "Perquintill")])
TickIndex = Newtype("pallet_subtensor_swap::pallet::TickIndex", I32, "TickIndex")
PositionId = Newtype("pallet_subtensor_swap::pallet::PositionId", U128, "PositionId")

_DEPRECATED_WEIGHT = Weight(15_000_000, 0)


class Swap(Pallet):
    NAME, INDEX = "Swap", 28
    CRATE = "pallet_subtensor_swap"
    DOCS = "Alpha pool parameters (fee rate, balancer weights)."

    FeeRate = StorageMap("Twox64Concat", NetUid, U16, default=33,
                         docs="The fee rate applied to swaps per subnet, normalized value between 0 and u16::MAX")
    SwapBalancer = StorageMap("Twox64Concat", NetUid, Balancer, default={"quote": HALF_WEIGHT},
                              docs="u64-normalized reserve weight")
    PalSwapInitialized = StorageMap("Twox64Concat", NetUid, Bool,
                                    docs="Storage to determine whether balancer swap was initialized for a specific subnet.")
    HasMigrationRun = StorageMap("Identity", BoundedBytes(128), Bool, docs="--- Storage for migration run status")
    ScrapReservoirAlpha = StorageMap("Twox64Concat", NetUid, AlphaBalance,
                                     docs="Alpha reservoir for scraps of protocol claimed fees.")

    EVENTS = (EventDef("FeeRateSet", [("netuid", NetUid, "NetUid"), ("rate", U16, "u16")],
                       "Event emitted when the fee rate has been updated for a subnet"),)
    ERRORS = (
        ("FeeRateTooHigh", "The fee rate is too high"),
        ("InsufficientInputAmount", "The provided amount is insufficient for the swap."),
        ("InsufficientLiquidity", "The provided liquidity is insufficient for the operation."),
        ("PriceLimitExceeded", "The operation would exceed the price limit."),
        ("InsufficientBalance", "The caller does not have enough balance for the operation."),
        ("InvalidTickRange", "The provided tick range is invalid."),
        ("InvalidLiquidityValue", "Provided liquidity parameter is invalid (likely too small)"),
        ("ReservesTooLow", "Reserves too low for operation."),
        ("MechanismDoesNotExist", "The subnet does not exist."),
        ("SubtokenDisabled", "The subnet does not have subtoken enabled"),
        ("ReservesOutOfBalance", "Swap reserves are too imbalanced"),
        ("SwapInputTooLarge", "Swap input is too large relative to input-side liquidity"),
        ("Deprecated", "The extrinsic is deprecated"),
    )
    CONSTANTS = (
        ConstantDef("ProtocolId", PalletId, b"ten/swap", "This type is used to derive protocol accounts"),
        ConstantDef("MaxFeeRate", U16, MAX_FEE_RATE, "The maximum fee rate that can be set"),
        ConstantDef("MinimumLiquidity", U64, 1_000, "Minimum liquidity that is safe for rounding and precision"),
        ConstantDef("MinimumReserve", NonZeroU64, 1_000_000, "Minimum reserve for tao and alpha"),
    )

    # --- the pool as the maths sees it ----------------------------------------------------------
    def pool_state(self, netuid: int) -> PoolState:
        subtensor = self.pallet("SubtensorModule")
        return PoolState(
            tao_reserve=subtensor.SubnetTAO.get(netuid),
            alpha_reserve=subtensor.SubnetAlphaIn.get(netuid),
            quote_weight=self.SwapBalancer.get(netuid)["quote"],
            fee_rate=self.FeeRate.get(netuid),
            initialized=self.PalSwapInitialized.get(netuid),
            mechanism=subtensor.SubnetMechanism.get(netuid),
        )

    def write_pool(self, netuid: int, pool: PoolState, before: PoolState | None = None) -> None:
        """Store the Swap-side fields a trade may change (lazy initialisation, weights).

        ``before``: the pool as ``pool_state`` read it with nothing written since, when the caller
        has it; its flags are then what storage holds, and are not read again."""
        initialized = self.PalSwapInitialized.get(netuid) if before is None else before.initialized
        if pool.initialized and not initialized:
            self.PalSwapInitialized.set(netuid, True)
        weight = self.SwapBalancer.get(netuid)["quote"] if before is None else before.quote_weight
        if pool.quote_weight != weight:
            self.SwapBalancer.set(netuid, {"quote": pool.quote_weight})

    def clear_subnet(self, netuid: int) -> None:
        """Forget a dissolved subnet's pool parameters (``dissolve_all_liquidity_providers`` + cleanup)."""
        for item in (self.FeeRate, self.SwapBalancer, self.PalSwapInitialized, self.ScrapReservoirAlpha):
            item.remove(netuid)

    # --- calls ----------------------------------------------------------------------------------
    @call(0, [("netuid", NetUid, "NetUid"), ("rate", U16, "u16")], weight=Weight.db(15_063_000, reads=1, writes=1, proof_size=3994))
    def set_fee_rate(self, origin, netuid: int, rate: int) -> None:
        """Set the fee rate for swaps on a specific subnet (normalized value); root only."""
        origin.ensure_root()
        if not self.pallet("SubtensorModule").NetworksAdded.get(netuid):
            raise self.error("MechanismDoesNotExist")
        if rate > MAX_FEE_RATE:
            raise self.error("FeeRateTooHigh")
        self.FeeRate.set(netuid, rate)
        self.deposit_event("FeeRateSet", {"netuid": netuid, "rate": rate})

    @call(1, [("hotkey", AccountId, "T::AccountId"), ("netuid", NetUid, "NetUid"),
              ("tick_low", TickIndex, "TickIndex"), ("tick_high", TickIndex, "TickIndex"),
              ("liquidity", U64, "u64")], weight=_DEPRECATED_WEIGHT)
    def add_liquidity(self, origin, **_args) -> None:
        """DEPRECATED"""
        raise self.error("Deprecated")

    @call(2, [("hotkey", AccountId, "T::AccountId"), ("netuid", NetUid, "NetUid"),
              ("position_id", PositionId, "PositionId")], weight=_DEPRECATED_WEIGHT)
    def remove_liquidity(self, origin, **_args) -> None:
        """DEPRECATED"""
        raise self.error("Deprecated")

    @call(3, [("hotkey", AccountId, "T::AccountId"), ("netuid", NetUid, "NetUid"),
              ("position_id", PositionId, "PositionId"), ("liquidity_delta", I64, "i64")],
          weight=_DEPRECATED_WEIGHT)
    def modify_position(self, origin, **_args) -> None:
        """DEPRECATED"""
        raise self.error("Deprecated")

    @call(4, [("netuid", NetUid, "NetUid"), ("enable", Bool, "bool")], weight=_DEPRECATED_WEIGHT)
    def toggle_user_liquidity(self, origin, **_args) -> None:
        """DEPRECATED"""
        raise self.error("Deprecated")

    @call(5, [], weight=_DEPRECATED_WEIGHT)
    def disable_lp(self, origin) -> None:
        """DEPRECATED"""
        raise self.error("Deprecated")
