"""Frozen copies of StakeOps' trade and transfer steps as first written, one storage step at a time:
each sale writes its own pool items, every payout resolves the subnet account and pre-reads the
balance the chain checks. ``test_staking_single_read`` runs random extrinsics through these and
through the live ``StakeOps`` and requires the same state and events block after block."""
from __future__ import annotations

from tensornet.amm.pool import MIN_PRICE_RAO
from tensornet.subnet.stake import ROOT


def get_subnet_account_id(self, netuid: int) -> bytes | None:
    if netuid == ROOT or self.NetworksAdded.contains(netuid):
        return (b"modl" + b"subtensr" + netuid.to_bytes(2, "little")).ljust(32, b"\x00")
    return None


def hotkey_account_exists(self, hotkey: bytes) -> bool:
    return self.Owner.contains(hotkey)


def transfer_tao_to_subnet(self, netuid: int, coldkey: bytes, amount: int) -> int:
    if amount == 0:
        return 0
    account = self.get_subnet_account_id(netuid)
    if account is None:
        raise self.error("SubnetNotExists")
    moved = min(amount, self._balances().reducible_balance(coldkey, True))
    if moved == 0:
        raise self.error("InsufficientBalance")
    self._balances().transfer(coldkey, account, moved, True)
    return moved


def transfer_tao(self, source: bytes, dest: bytes, amount: int) -> None:
    balances = self._balances()
    if amount > balances.free_balance(source):
        raise self.error("InsufficientBalance")
    burned = balances.transfer(source, dest, amount, False)
    if burned > 0:
        self.TotalIssuance.mutate(lambda t: max(t - burned, 0))


def transfer_tao_from_subnet(self, netuid: int, dest: bytes, amount: int) -> None:
    account = self.get_subnet_account_id(netuid)
    if account is None:
        raise self.error("SubnetNotExists")
    if amount:
        self.transfer_tao(account, dest, amount)


def stake_into_subnet(self, hotkey: bytes, coldkey: bytes, netuid: int, tao: int, price_limit: int,
                      drop_fees: bool = False, pool=None, shares=None) -> int:
    staked = self.transfer_tao_to_subnet(netuid, coldkey, tao)
    result = self.swap_tao_for_alpha(netuid, staked, price_limit, drop_fees, pool)
    alpha = result.amount_paid_out
    if alpha == 0:
        raise self.error("AmountTooLow")
    if shares is None:
        shares = self.get_alpha_share_pool(hotkey, netuid)
    if not shares.sim_update_value_for_one(alpha):
        raise self.error("InsufficientLiquidity")
    self._add_staking_hotkey(coldkey, hotkey)
    shares.update_value_for_one(coldkey, alpha)
    author = self.block_author()
    if author is not None:
        self.transfer_tao_from_subnet(netuid, author, result.fee_to_block_author)
    else:
        self.burn_tao(self.get_subnet_account_id(netuid), result.fee_to_block_author)
    self.record_tao_flow(netuid, result.amount_paid_in)
    self.LastColdkeyHotkeyStakeBlock.set(coldkey, hotkey, self.block_number)
    if netuid == ROOT:
        self.add_stake_adjust_root_claimed_for_hotkey_and_coldkey(hotkey, coldkey, alpha)
        self.maybe_add_coldkey_index(coldkey)
    self.deposit_event("StakeAdded", (coldkey, hotkey, staked, alpha, netuid, result.fee_paid))
    return alpha


def unstake_from_subnet(self, hotkey: bytes, coldkey: bytes, beneficiary: bytes, netuid: int, alpha: int,
                        price_limit: int, drop_fees: bool = False, pool=None, shares=None) -> int:
    self.decrease_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid, alpha, shares)
    result = self.swap_alpha_for_tao(netuid, alpha, price_limit, drop_fees, pool)
    refund = max(alpha - result.amount_paid_in - result.fee_paid, 0)
    if refund:
        self.increase_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid, refund)
    self.transfer_tao_from_subnet(netuid, beneficiary, result.amount_paid_out)
    fee_outflow = 0
    author = self.block_author()
    if author is not None:
        fee_sale = self.swap_alpha_for_tao(netuid, result.fee_to_block_author, MIN_PRICE_RAO, True, result.pool)
        self.transfer_tao_from_subnet(netuid, author, fee_sale.amount_paid_out)
        fee_outflow = fee_sale.amount_paid_out
    if netuid == ROOT:
        self.remove_stake_adjust_root_claimed_for_hotkey_and_coldkey(hotkey, coldkey, alpha)
        if not self.coldkey_has_root_stake(coldkey):
            self.maybe_remove_coldkey_index(coldkey)
    self.record_tao_flow(netuid, -(result.amount_paid_out + fee_outflow))
    self.LastColdkeyHotkeyStakeBlock.set(coldkey, hotkey, self.block_number)
    self.deposit_event("StakeRemoved", (coldkey, hotkey, result.amount_paid_out, result.amount_paid_in,
                                        netuid, result.fee_paid))
    return result.amount_paid_out


STEPS = (get_subnet_account_id, hotkey_account_exists, transfer_tao_to_subnet, transfer_tao,
         transfer_tao_from_subnet, stake_into_subnet, unstake_from_subnet)
