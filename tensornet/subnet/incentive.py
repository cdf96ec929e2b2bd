"""The incentive engine's part classes of SubtensorModule, listed once for ``pallet.py``'s bases.

Registration, serving, weights and commit–reveal, childkeys, root claims, tempo control, the block
step (``on_initialize``) and the epoch runner. The order only matters for method resolution; no two
parts define the same name.
"""
from __future__ import annotations

from .admin_rules import TempoControlPart
from .children import ChildrenPart
from .coinbase import CoinbasePart
from .epoch_runner import EpochPart
from .registration import RegistrationPart
from .root_claim import RootClaimPart
from .serving import ServingPart
from .weights import WeightsPart

INCENTIVE_PARTS = (RegistrationPart, ServingPart, WeightsPart, ChildrenPart, RootClaimPart,
                   TempoControlPart, CoinbasePart, EpochPart)
