"""Errors of the Swap pallet (index 28) that the pool maths can raise, named as on chain.

`index` is the variant's position in `pallet_subtensor_swap::Error` (needed to encode
`DispatchError::Module`). Errors that SubtensorModule raises around a swap live in
`tensornet.amm.staking_errors`: the two pallets both have an `InsufficientLiquidity`, and the
chain reports whichever pallet raised it.
"""

from __future__ import annotations


class AmmError(Exception):
    """A dispatch error produced by the AMM maths; `pallet` and the class name identify it."""

    pallet: str = ""
    index: int | None = None

    @property
    def name(self) -> str:
        return type(self).__name__

    def __str__(self) -> str:
        return f"{self.pallet}.{self.name}"


class SwapPalletError(AmmError):
    pallet = "Swap"


class FeeRateTooHigh(SwapPalletError):
    index = 0


class InsufficientInputAmount(SwapPalletError):
    index = 1


class InsufficientLiquidity(SwapPalletError):
    """The payout exceeds the output reserve (checked only for non-simulated swaps)."""

    index = 2


class PriceLimitExceeded(SwapPalletError):
    """The current price is not strictly on the trader's side of the limit."""

    index = 3


class InsufficientBalance(SwapPalletError):
    index = 4


class InvalidTickRange(SwapPalletError):
    index = 5


class InvalidLiquidityValue(SwapPalletError):
    index = 6


class ReservesTooLow(SwapPalletError):
    """Output reserve below MinimumReserve before the swap, or zero output for non-zero input."""

    index = 7


class MechanismDoesNotExist(SwapPalletError):
    index = 8


class SubtokenDisabled(SwapPalletError):
    index = 9


class ReservesOutOfBalance(SwapPalletError):
    """Weights would leave [0.01, 0.99] (injection or price initialisation)."""

    index = 10


class SwapInputTooLarge(SwapPalletError):
    """Net input above 1000 × the input-side reserve."""

    index = 11


class Deprecated(SwapPalletError):
    index = 12
