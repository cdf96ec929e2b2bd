"""Subtensor's proxy types and the calls each one may make (``common/src/lib.rs`` ``ProxyType``,
``runtime/src/lib.rs`` ``define_proxy_filters!`` and ``InstanceFilter for ProxyType``).

One table, ``RULES``, is the single source of truth for both the on-chain filter (``allows``) and
``ProxyFilterRuntimeApi``'s description of it, as subtensor's macro generates both from one list.
Pure data and functions: no storage.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tensornet.primitives.scale import Enum

#: ``ProxyType`` in its SCALE order (``TryFrom<u8>``); ``Any`` is the default, the most permissive
PROXY_TYPES = ("Any", "Owner", "NonCritical", "NonTransfer", "Senate", "NonFungible", "Triumvirate",
               "Governance", "Staking", "Registration", "Transfer", "SmallTransfer", "RootWeights",
               "ChildKeys", "SudoUncheckedSetCode", "SwapHotkey", "SubnetLeaseBeneficiary", "RootClaim")
PROXY_TYPE = Enum(("subtensor_runtime_common", "ProxyType"), list(PROXY_TYPES))
#: ``ProxyType::is_deprecated``: kept for their encoding, they permit nothing
DEPRECATED = frozenset({"Triumvirate", "Senate", "Governance", "RootWeights"})
#: ``SMALL_TRANSFER_LIMIT`` (0.5 TAO) and ``SMALL_ALPHA_TRANSFER_LIMIT`` (0.5 alpha)
SMALL_TRANSFER_LIMIT = 500_000_000
SMALL_ALPHA_TRANSFER_LIMIT = 500_000_000

CallRef = tuple[str, str]  # (pallet, call); call "*" means every call of the pallet


@dataclass(frozen=True)
class Rule:
    """One proxy type's filter. ``mode``: AllowAll, DenyAll, Allow (``calls`` minus ``exceptions``)
    or Deny (everything but ``calls``). ``below``: an allowed call's argument that must stay under a
    limit; ``nested``: an allowed call whose ``call`` argument must be the given (pallet, call)."""

    mode: str
    calls: tuple[CallRef, ...] = ()
    exceptions: tuple[CallRef, ...] = ()
    below: dict[CallRef, tuple[str, int]] = field(default_factory=dict)
    nested: dict[CallRef, tuple[str, CallRef]] = field(default_factory=dict)


def _sm(*calls: str) -> tuple[CallRef, ...]:
    return tuple(("SubtensorModule", c) for c in calls)


_COLDKEY_SWAPS = _sm("schedule_swap_coldkey", "swap_coldkey", "announce_coldkey_swap", "swap_coldkey_announced",
                     "clear_coldkey_swap_announcement", "dispute_coldkey_swap")
_STAKE_MOVES = _sm("add_stake", "add_stake_limit", "remove_stake", "remove_stake_limit", "remove_stake_full_limit",
                   "unstake_all", "unstake_all_alpha", "swap_stake", "swap_stake_limit", "move_stake",
                   "transfer_stake")
_BALANCE_TRANSFERS = (("Balances", "transfer_keep_alive"), ("Balances", "transfer_allow_death"))

#: in subtensor's declaration order (the order ``get_proxy_filter`` lists them in)
RULES: dict[str, Rule] = {
    "Any": Rule("AllowAll"),
    "NonTransfer": Rule("Deny", (("Balances", "*"), *_sm("transfer_stake"), *_COLDKEY_SWAPS)),
    "NonFungible": Rule("Deny", (("Balances", "*"), *_STAKE_MOVES, *_sm("burned_register", "root_register"),
                                 *_COLDKEY_SWAPS, *_sm("swap_hotkey", "swap_hotkey_v2"))),
    "Transfer": Rule("Allow", (*_BALANCE_TRANSFERS, ("Balances", "transfer_all"), *_sm("transfer_stake"))),
    "SmallTransfer": Rule("Allow", (*_BALANCE_TRANSFERS, *_sm("transfer_stake")), below={
        ("Balances", "transfer_keep_alive"): ("value", SMALL_TRANSFER_LIMIT),
        ("Balances", "transfer_allow_death"): ("value", SMALL_TRANSFER_LIMIT),
        ("SubtensorModule", "transfer_stake"): ("alpha_amount", SMALL_ALPHA_TRANSFER_LIMIT)}),
    "Owner": Rule("Allow", (("AdminUtils", "*"), *_sm("set_subnet_identity", "update_symbol")),
                  exceptions=(("AdminUtils", "sudo_set_sn_owner_hotkey"),
                              ("AdminUtils", "sudo_set_subnet_owner_hotkey"))),
    "NonCritical": Rule("Deny", (*_sm("dissolve_network", "root_register", "burned_register"), ("Sudo", "*"),
                                 *_sm("announce_coldkey_swap", "swap_coldkey_announced",
                                      "clear_coldkey_swap_announcement", "dispute_coldkey_swap"))),
    "Triumvirate": Rule("DenyAll"),
    "Senate": Rule("DenyAll"),
    "Governance": Rule("DenyAll"),
    "Staking": Rule("Allow", _sm("add_stake", "remove_stake", "unstake_all", "unstake_all_alpha", "swap_stake",
                                 "swap_stake_limit", "move_stake", "add_stake_limit", "remove_stake_limit",
                                 "remove_stake_full_limit", "set_root_claim_type")),
    "Registration": Rule("Allow", _sm("burned_register", "register", "register_limit")),
    "RootWeights": Rule("DenyAll"),
    "ChildKeys": Rule("Allow", _sm("set_children", "set_childkey_take")),
    "SudoUncheckedSetCode": Rule("Allow", (("Sudo", "sudo_unchecked_weight"),), nested={
        ("Sudo", "sudo_unchecked_weight"): ("call", ("System", "set_code"))}),
    "SwapHotkey": Rule("Allow", _sm("swap_hotkey", "swap_hotkey_v2")),
    "SubnetLeaseBeneficiary": Rule("Allow", (*_sm("start_call"), *(("AdminUtils", c) for c in (
        "sudo_set_serving_rate_limit", "sudo_set_min_difficulty", "sudo_set_max_difficulty",
        "sudo_set_weights_version_key", "sudo_set_adjustment_alpha", "sudo_set_immunity_period",
        "sudo_set_min_allowed_weights", "sudo_set_kappa", "sudo_set_rho", "sudo_set_activity_cutoff",
        "sudo_set_network_registration_allowed", "sudo_set_network_pow_registration_allowed", "sudo_set_max_burn",
        "sudo_set_bonds_moving_average", "sudo_set_bonds_penalty", "sudo_set_commit_reveal_weights_enabled",
        "sudo_set_liquid_alpha_enabled", "sudo_set_alpha_values", "sudo_set_commit_reveal_weights_interval",
        "sudo_set_toggle_transfer", "sudo_set_subnet_emission_enabled",
        "sudo_set_min_childkey_take_per_subnet")))),
    "RootClaim": Rule("Allow", _sm("claim_root")),
}
assert set(RULES) == set(PROXY_TYPES)


def call_name(call_value: Any) -> CallRef:
    """(pallet, call) of a decoded ``RuntimeCall`` value."""
    (pallet, inner), = call_value.items()
    return pallet, inner if isinstance(inner, str) else next(iter(inner))


def _matches(refs: tuple[CallRef, ...], pallet: str, call: str) -> bool:
    return (pallet, call) in refs or (pallet, "*") in refs


def allows(proxy_type: str, pallet: str, call: str, args: dict) -> bool:
    """``InstanceFilter::filter``: may a proxy of ``proxy_type`` dispatch this call?"""
    rule = RULES[proxy_type]
    if rule.mode == "AllowAll":
        return True
    if rule.mode == "DenyAll":
        return False
    if rule.mode == "Deny":
        return not _matches(rule.calls, pallet, call)
    if not _matches(rule.calls, pallet, call) or _matches(rule.exceptions, pallet, call):
        return False
    limit = rule.below.get((pallet, call))
    if limit is not None and not args[limit[0]] < limit[1]:
        return False
    nested = rule.nested.get((pallet, call))
    return nested is None or call_name(args[nested[0]]) == nested[1]


def is_superset(proxy_type: str, other: str) -> bool:
    """``InstanceFilter::is_superset``: may a ``proxy_type`` proxy grant (or revoke) ``other``?"""
    if proxy_type == other or proxy_type == "Any":
        return True
    if other == "Any":
        return False
    if proxy_type == "NonTransfer":
        return other not in ("Transfer", "SmallTransfer")
    return proxy_type == "Transfer" and other == "SmallTransfer"
