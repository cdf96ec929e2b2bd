"""Transaction fees paid in alpha: the fallback of subtensor's ``SubtensorTxFeeHandler``
(``pallets/transaction-fee``), a part class of SubtensorModule.

A coldkey whose free TAO cannot cover a transaction's fee may still unstake, move or transfer its
stake: for those calls the fee is taken from the alpha the call names, sold to the block author
without swap fees before the call runs. The sale is final: it is never refunded, whatever the call
does. Only a single (hotkey, netuid) source qualifies; ``unstake_all`` with stake on two subnets
cannot pay in alpha.

    alpha_fee_sources(coldkey, call) -> [(hotkey, netuid)]   (``fees_in_alpha``)
    can_withdraw_fee_in_alpha(coldkey, sources, fee) -> bool   (transaction validation)
    withdraw_fee_in_alpha(coldkey, sources, fee) -> (alpha, tao, netuid)   (before dispatch)
"""
from __future__ import annotations

from typing import Any

from tensornet.amm.fixed import U64F64

#: calls whose fee may be paid in the alpha of the (hotkey, netuid) they name: argument names
_ONE_SOURCE = {
    "remove_stake": ("hotkey", "netuid"),
    "remove_stake_limit": ("hotkey", "netuid"),
    "remove_stake_full_limit": ("hotkey", "netuid"),
    "move_stake": ("origin_hotkey", "origin_netuid"),
    "transfer_stake": ("hotkey", "origin_netuid"),
    "swap_stake": ("hotkey", "origin_netuid"),
    "swap_stake_limit": ("hotkey", "origin_netuid"),
    "recycle_alpha": ("hotkey", "netuid"),
    "burn_alpha": ("hotkey", "netuid"),
}
#: calls that name a hotkey only: every subnet where the coldkey has stake on it is a source
_EVERY_SUBNET = frozenset(("unstake_all", "unstake_all_alpha"))


class AlphaFees:
    """Part class: the alpha fee fallback (see the module docstring)."""

    def alpha_fee_sources(self, coldkey: bytes, call_value: Any) -> list[tuple[bytes, int]]:
        """``fees_in_alpha``: the stake a fee for ``call_value`` may be taken from (empty: TAO only)."""
        pallet, inner = next(iter(call_value.items()))
        if pallet != self.NAME or not isinstance(inner, dict):
            return []
        name, args = next(iter(inner.items()))
        names = _ONE_SOURCE.get(name)
        if names is not None:
            return [(args[names[0]], args[names[1]])]
        if name in _EVERY_SUBNET:
            hotkey = args["hotkey"]
            return [(hotkey, netuid) for netuid in self.get_all_subnet_netuids()
                    if self.SubtokenEnabled.get(netuid)
                    and self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid)]
        return []

    def alpha_for_tao(self, netuid: int, tao: int) -> int:
        """``get_alpha_amount_for_tao``: alpha worth ``tao`` at the spot price, slippage neglected
        (1:1 on a stable subnet)."""
        if self.SubnetMechanism.get(netuid) != 1:
            return tao
        return U64F64.from_int(tao).safe_div(self.current_alpha_price(netuid)).to_u64()

    def can_withdraw_fee_in_alpha(self, coldkey: bytes, sources: list[tuple[bytes, int]], fee: int) -> bool:
        if len(sources) != 1:  # fees split over several subnets are refused
            return False
        (hotkey, netuid), = sources
        staked = self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid)
        return staked >= self.alpha_for_tao(netuid, fee)

    def withdraw_fee_in_alpha(self, coldkey: bytes, sources: list[tuple[bytes, int]],
                              fee: int) -> tuple[int, int, int]:
        """Sell the alpha worth ``fee`` (all the stake if that is less, or if it is worth nothing at
        this price) to the block author; returns (alpha sold, TAO the author received, netuid).
        Raises the sale's DispatchError; the caller runs this in its own storage layer."""
        author = self.block_author()
        if len(sources) != 1 or author is None:  # nothing is charged, as on chain
            return 0, 0, 0
        (hotkey, netuid), = sources
        staked = self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid)
        alpha = self.alpha_for_tao(netuid, fee) or staked
        alpha = min(alpha, staked)
        tao = self.unstake_from_subnet(hotkey, coldkey, author, netuid, alpha, 0, True)
        return alpha, tao, netuid
