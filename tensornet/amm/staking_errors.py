"""SubtensorModule (index 7) errors raised by the staking-side pool helpers, named as on chain.

They are separate from `tensornet.amm.errors` because SubtensorModule has its own
`InsufficientLiquidity` (its pre-check of the 1000× input cap and of hotkey-pool precision).
The runtime engineers map these to the pallet's error indices when they declare its error enum.
"""

from __future__ import annotations

from tensornet.amm.errors import AmmError


class SubtensorModuleError(AmmError):
    pallet = "SubtensorModule"


class AmountTooLow(SubtensorModuleError):
    """The swap would produce nothing (alpha out = 0), or the amount is below the minimum stake."""


class InsufficientLiquidity(SubtensorModuleError):
    """Input above 1000 × the input-side reserve (checked before any swap)."""


class SlippageTooHigh(SubtensorModuleError):
    """allow_partial = false and the amount exceeds what the limit price lets execute."""
