"""Staking calls of SubtensorModule: add/remove (limit, full), unstake_all(_alpha), move/transfer/swap
stake, delegate take, with subtensor's validation order and errors.

Mirrors ``staking/{add_stake,remove_stake,move_stake,increase_take,decrease_take}.rs`` and the
``validate_*`` functions of ``staking/stake_utils.rs``. Every trade goes through ``StakeOps``
(``stake_into_subnet`` / ``unstake_from_subnet``), so the pool, the shares, the subnet account
and the author's fee move together. Validation runs before anything is written, in the chain's
order, so a bad call fails with the same error name as on chain and moves nothing (the caller
still pays the transaction fee).

Locks (``ensure_available_to_unstake``) are not checked: no call of this node creates a lock.
"""
from __future__ import annotations

from tensornet.amm.errors import AmmError
from tensornet.amm.fixed import U64F64
from tensornet.amm.pool import MAX_PRICE_RAO, MIN_PRICE_RAO, spot_price_rao
from tensornet.amm.staking import (
    approx_fee_amount,
    max_amount_add,
    max_amount_move,
    max_amount_remove,
    sim_swap,
)
from tensornet.primitives.scale import U16, AccountId, Bool, Option
from tensornet.runtime.dispatch import DispatchError, Weight
from tensornet.runtime.pallet import call

from .stake import DEFAULT_MIN_STAKE, ROOT
from .types import AlphaBalance, NetUid, TaoBalance

_U64_MAX = 2**64 - 1
_HOT = ("hotkey", AccountId, "T::AccountId")
_NET = ("netuid", NetUid, "NetUid")


def _w(ref_time: int, proof: int, reads: int, writes: int) -> Weight:
    return Weight.db(ref_time, reads=reads, writes=writes, proof_size=proof)


class StakingCalls:
    """Part class: the staking extrinsics and their validation."""

    # --- helpers ------------------------------------------------------------------------------
    def _is_stable(self, netuid: int) -> bool:
        return netuid == ROOT or self.SubnetMechanism.get(netuid) == 0

    def ensure_subtoken_enabled(self, netuid: int) -> None:
        if not self.SubtokenEnabled.get(netuid):
            raise self.error("SubtokenDisabled")

    def maybe_become_delegate(self, hotkey: bytes) -> None:
        if not self.Delegates.contains(hotkey):
            self.Delegates.set(hotkey, self.get_hotkey_take(hotkey))

    def get_max_amount_add(self, netuid: int, limit_price: int, pool=None) -> int:
        return self._maths(max_amount_add, pool if pool is not None else self.pool_state(netuid), limit_price)

    def get_max_amount_remove(self, netuid: int, limit_price: int, pool=None) -> int:
        return self._maths(max_amount_remove, pool if pool is not None else self.pool_state(netuid), limit_price)

    def get_max_amount_move(self, origin_netuid: int, destination_netuid: int, limit_price: int) -> int:
        return self._maths(max_amount_move, self.pool_state(origin_netuid), self.pool_state(destination_netuid),
                           limit_price)

    def _ensure_input_within_swap_limit(self, netuid: int, amount: int, buying: bool, pool) -> None:
        """Input ≤ 1000 × the input reserve; ``pool`` = ``pool_state(netuid)`` (SubnetMechanism,
        SubnetTAO and SubnetAlphaIn are among its fields)."""
        if netuid != ROOT and pool.mechanism == 1:
            reserve = pool.tao_reserve if buying else pool.alpha_reserve
            if amount > min(reserve * 1_000, _U64_MAX):
                raise self.error("InsufficientLiquidity")

    def _sim(self, netuid: int, buying: bool, amount: int, pool=None):
        """``SwapInterface::sim_swap`` or None when the swap would fail."""
        try:
            return sim_swap(pool if pool is not None else self.pool_state(netuid), buying, amount)
        except AmmError:
            return None

    def _min_stake_fee(self, netuid: int, pool) -> int:
        """Fee of a DefaultMinStake buy: the simulated swap's fee, or ``approx_fee_amount`` if it fails.

        The simulation can only differ from the plain fee formula when that small buy would reach the
        maximum price (10^6 TAO per alpha) and be cut short; when the pool is deep (≥ 1000 × the amount,
        so the price moves < 1.001^100 even at the most skewed weights) and far from that price, the
        formula is the answer and the simulation is skipped.
        """
        if pool.is_dynamic and pool.tao_reserve >= 1_000 * DEFAULT_MIN_STAKE \
                and spot_price_rao(pool) * 6 < MAX_PRICE_RAO * 5:
            return approx_fee_amount(pool, DEFAULT_MIN_STAKE)
        probe = self._sim(netuid, True, DEFAULT_MIN_STAKE, pool)
        return probe.fee_paid if probe is not None else approx_fee_amount(pool, DEFAULT_MIN_STAKE)

    # --- validation (stake_utils.rs) ------------------------------------------------------------
    def validate_add_stake(self, coldkey: bytes, hotkey: bytes, netuid: int, amount: int, max_amount: int,
                           allow_partial: bool, pool=None, shares=None) -> None:
        """``pool`` / ``shares``: ``pool_state(netuid)`` and the (hotkey, netuid) share pool object
        when the caller holds them."""
        if not self.NetworksAdded.get(netuid):
            raise self.error("SubnetNotExists")
        self.ensure_subtoken_enabled(netuid)
        if pool is None:
            pool = self.pool_state(netuid)  # validation writes nothing: one read serves every simulation
        fee = self._min_stake_fee(netuid, pool)
        if amount < DEFAULT_MIN_STAKE + fee:
            raise self.error("AmountTooLow")
        if not allow_partial:
            if amount > max_amount:
                raise self.error("SlippageTooHigh")
        else:
            amount = min(max_amount, amount)
        if amount > self.pallet("Balances").reducible_balance(coldkey, False):
            raise self.error("NotEnoughBalanceToStake")
        if not self.hotkey_account_exists(hotkey):
            raise self.error("HotKeyAccountNotExists")
        result = self._sim(netuid, True, amount, pool)
        if result is None:
            raise self.error("InsufficientLiquidity")
        if result.amount_paid_in < DEFAULT_MIN_STAKE:
            raise self.error("AmountTooLow")
        if result.amount_paid_out == 0:
            raise self.error("InsufficientLiquidity")
        if not self.try_increase_stake_for_hotkey_and_coldkey_on_subnet(hotkey, netuid, result.amount_paid_out,
                                                                        shares):
            raise self.error("InsufficientLiquidity")

    def validate_remove_stake(self, coldkey: bytes, hotkey: bytes, netuid: int, alpha: int, max_amount: int,
                              allow_partial: bool, pool=None, staked: int | None = None) -> None:
        """``pool`` / ``staked``: ``pool_state(netuid)`` and the (hotkey, coldkey) stake on ``netuid``
        when the caller has just read them."""
        if not self.NetworksAdded.get(netuid):
            raise self.error("SubnetNotExists")
        if alpha == 0:
            raise self.error("AmountTooLow")
        if staked is None:
            staked = self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid)
        if alpha > staked:
            raise self.error("NotEnoughStakeToWithdraw")
        result = self._sim(netuid, False, alpha, pool)
        if result is None:
            raise self.error("InsufficientLiquidity")
        if staked - alpha and result.amount_paid_out < DEFAULT_MIN_STAKE:
            raise self.error("AmountTooLow")
        if not allow_partial and alpha > max_amount:
            raise self.error("SlippageTooHigh")
        if not self.hotkey_account_exists(hotkey):
            raise self.error("HotKeyAccountNotExists")
        self.ensure_available_to_unstake(coldkey, netuid, alpha)  # locked alpha stays

    def validate_stake_transition(self, origin_coldkey: bytes, destination_coldkey: bytes, origin_hotkey: bytes,
                                  destination_hotkey: bytes, origin_netuid: int, destination_netuid: int,
                                  alpha: int, max_amount: int, allow_partial: bool | None,
                                  check_transfer_toggle: bool) -> None:
        if origin_coldkey == destination_coldkey and origin_hotkey == destination_hotkey \
                and origin_netuid == destination_netuid:
            raise self.error("SameNetuid")
        if not self.NetworksAdded.get(origin_netuid):
            raise self.error("SubnetNotExists")
        if origin_netuid != destination_netuid and not self.NetworksAdded.get(destination_netuid):
            raise self.error("SubnetNotExists")
        if not self.SubtokenEnabled.get(origin_netuid) or not self.SubtokenEnabled.get(destination_netuid):
            raise self.error("SubtokenDisabled")
        if not self.hotkey_account_exists(origin_hotkey) or not self.hotkey_account_exists(destination_hotkey):
            raise self.error("HotKeyAccountNotExists")
        if alpha > self.get_stake_for_hotkey_and_coldkey_on_subnet(origin_hotkey, origin_coldkey, origin_netuid):
            raise self.error("NotEnoughStakeToWithdraw")
        if origin_netuid != destination_netuid:
            result = self._sim(origin_netuid, False, alpha)
            if result is None:
                raise self.error("InsufficientLiquidity")
            if result.amount_paid_out <= DEFAULT_MIN_STAKE:
                raise self.error("AmountTooLow")
            if allow_partial is False and alpha > max_amount:
                raise self.error("SlippageTooHigh")
        if check_transfer_toggle:
            if not self.TransferToggle.get(origin_netuid):
                raise self.error("TransferDisallowed")
            if origin_netuid != destination_netuid and not self.TransferToggle.get(destination_netuid):
                raise self.error("TransferDisallowed")
        if origin_netuid != destination_netuid:  # a move to another subnet must leave the lock covered
            self.ensure_available_to_unstake(origin_coldkey, origin_netuid, alpha)

    # --- add -----------------------------------------------------------------------------------
    def do_add_stake(self, coldkey: bytes, hotkey: bytes, netuid: int, amount: int) -> int:
        # nothing before the swap writes a pool item, nor before the mint a share item: read each once
        pool, shares = self.pool_state(netuid), self.get_alpha_share_pool(hotkey, netuid)
        self._ensure_input_within_swap_limit(netuid, amount, True, pool)
        self.validate_add_stake(coldkey, hotkey, netuid, amount, amount, False, pool, shares)
        return self.stake_into_subnet(hotkey, coldkey, netuid, amount, MAX_PRICE_RAO, pool=pool, shares=shares)

    def do_add_stake_limit(self, coldkey: bytes, hotkey: bytes, netuid: int, amount: int, limit_price: int,
                           allow_partial: bool) -> int:
        pool = self.pool_state(netuid)  # nothing before the swap writes a pool item: read it once
        self._ensure_input_within_swap_limit(netuid, amount, True, pool)
        max_amount = self.get_max_amount_add(netuid, limit_price, pool)
        self.validate_add_stake(coldkey, hotkey, netuid, amount, max_amount, allow_partial, pool)
        if self.Owner.get(hotkey) != coldkey:
            self.maybe_become_delegate(hotkey)
        return self.stake_into_subnet(hotkey, coldkey, netuid, min(amount, max_amount), limit_price, pool=pool)

    # --- remove --------------------------------------------------------------------------------
    def _after_remove(self, hotkey: bytes, coldkey: bytes, netuid: int) -> None:
        self.clear_small_nomination_if_required(hotkey, coldkey, netuid)
        threshold = self.StakeThreshold.get()  # no total can be below a zero threshold: skip the sum
        if threshold and self.get_total_stake_for_hotkey(hotkey) < threshold:
            for n in self.get_all_subnet_netuids():
                self.PendingChildKeys.remove(n, hotkey)

    def do_remove_stake(self, coldkey: bytes, hotkey: bytes, netuid: int, alpha: int) -> None:
        self.ensure_subtoken_enabled(netuid)
        # nothing before the burn writes a share item, nor before the swap a pool item: read each once
        shares = self.get_alpha_share_pool(hotkey, netuid)
        staked = self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid, shares)
        alpha = min(alpha, staked)
        pool = self.pool_state(netuid)
        self._ensure_input_within_swap_limit(netuid, alpha, False, pool)
        self.validate_remove_stake(coldkey, hotkey, netuid, alpha, alpha, False, pool, staked)
        self.unstake_from_subnet(hotkey, coldkey, coldkey, netuid, alpha, MIN_PRICE_RAO, pool=pool, shares=shares)
        self._after_remove(hotkey, coldkey, netuid)

    def do_remove_stake_limit(self, coldkey: bytes, hotkey: bytes, netuid: int, alpha: int, limit_price: int,
                              allow_partial: bool) -> None:
        pool = self.pool_state(netuid)  # nothing before the swap writes a pool item: read it once
        self._ensure_input_within_swap_limit(netuid, alpha, False, pool)
        max_amount = self.get_max_amount_remove(netuid, limit_price, pool)
        self.validate_remove_stake(coldkey, hotkey, netuid, alpha, max_amount, allow_partial, pool)
        self.unstake_from_subnet(hotkey, coldkey, coldkey, netuid, min(alpha, max_amount), limit_price, pool=pool)
        self._after_remove(hotkey, coldkey, netuid)

    def clear_small_nomination_if_required(self, hotkey: bytes, coldkey: bytes, netuid: int) -> None:
        """Sell a nominator's leftover below NominatorMinRequiredStake (valued at spot price) back to TAO."""
        minimum_tao = self.NominatorMinRequiredStake.get()
        if minimum_tao == 0 or self.coldkey_owns_hotkey(coldkey, hotkey):
            return  # with a zero minimum no stake is "small"
        stake = self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid)
        minimum = U64F64.from_int(minimum_tao).safe_div(
            self.current_alpha_price(netuid)).to_u64()
        if not 0 < stake < minimum:
            return
        if not self._try(lambda: self.unstake_from_subnet(hotkey, coldkey, coldkey, netuid, stake, MIN_PRICE_RAO)):
            left = self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid)
            self.decrease_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid, left)
        self.force_reduce_lock(coldkey, netuid, stake)  # the cleaned stake leaves the lock too

    def _unstake_everywhere(self, coldkey: bytes, hotkey: bytes, include_root: bool) -> int:
        if not self.hotkey_account_exists(hotkey):
            raise self.error("HotKeyAccountNotExists")
        total = 0
        for netuid in self.get_all_subnet_netuids():
            if not self.SubtokenEnabled.get(netuid) or (netuid == ROOT and not include_root):
                continue
            alpha = self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid)
            try:
                self.validate_remove_stake(coldkey, hotkey, netuid, alpha, alpha, False)
            except DispatchError:
                continue
            total += self.unstake_from_subnet(hotkey, coldkey, coldkey, netuid, alpha, MIN_PRICE_RAO)
            self.clear_small_nomination_if_required(hotkey, coldkey, netuid)
        return total

    # --- moves ---------------------------------------------------------------------------------
    def transition_stake_internal(self, origin_coldkey: bytes, destination_coldkey: bytes, origin_hotkey: bytes,
                                  destination_hotkey: bytes, origin_netuid: int, destination_netuid: int,
                                  alpha: int, limit_price: int | None, allow_partial: bool | None,
                                  check_transfer_toggle: bool) -> int:
        alpha = min(alpha, self.get_stake_for_hotkey_and_coldkey_on_subnet(origin_hotkey, origin_coldkey,
                                                                          origin_netuid))
        max_amount = alpha
        if origin_netuid != destination_netuid and limit_price is not None:
            max_amount = self.get_max_amount_move(origin_netuid, destination_netuid, limit_price)
        self.validate_stake_transition(origin_coldkey, destination_coldkey, origin_hotkey, destination_hotkey,
                                       origin_netuid, destination_netuid, alpha, max_amount, allow_partial,
                                       check_transfer_toggle)
        amount = min(alpha, max_amount)
        if origin_netuid == destination_netuid:
            return self.transfer_stake_within_subnet(origin_coldkey, origin_hotkey, destination_coldkey,
                                                     destination_hotkey, origin_netuid, amount)
        drop_fee_origin = origin_netuid == ROOT
        tao = self.unstake_from_subnet(origin_hotkey, origin_coldkey, origin_coldkey, origin_netuid, amount,
                                       MIN_PRICE_RAO, drop_fee_origin)
        if origin_coldkey != destination_coldkey:
            self.transfer_tao(origin_coldkey, destination_coldkey, tao)
        if tao >= DEFAULT_MIN_STAKE:
            if self.Owner.get(destination_hotkey) != destination_coldkey:
                self.maybe_become_delegate(destination_hotkey)
            self.stake_into_subnet(destination_hotkey, destination_coldkey, destination_netuid, tao, MAX_PRICE_RAO,
                                   not drop_fee_origin)
        return tao

    def transfer_stake_within_subnet(self, origin_coldkey: bytes, origin_hotkey: bytes, destination_coldkey: bytes,
                                     destination_hotkey: bytes, netuid: int, alpha: int) -> int:
        """Move shares' value between (hotkey, coldkey) pairs on one subnet: no swap, no fee; the
        lock follows the alpha it covers."""
        self.transfer_lock(origin_coldkey, destination_coldkey, netuid, alpha)
        self.decrease_stake_for_hotkey_and_coldkey_on_subnet(origin_hotkey, origin_coldkey, netuid, alpha)
        self.root_stake_changed(origin_hotkey, origin_coldkey, netuid, -alpha)
        self.increase_stake_for_hotkey_and_coldkey_on_subnet(destination_hotkey, destination_coldkey, netuid, alpha)
        self.root_stake_changed(destination_hotkey, destination_coldkey, netuid, alpha)
        tao = U64F64.from_int(alpha).saturating_mul(self.current_alpha_price(netuid)).to_u64()
        if tao < DEFAULT_MIN_STAKE:
            raise self.error("AmountTooLow")
        self.LastColdkeyHotkeyStakeBlock.set(destination_coldkey, destination_hotkey, self.block_number)
        self.deposit_event("StakeRemoved", (origin_coldkey, origin_hotkey, tao, alpha, netuid, 0))
        self.deposit_event("StakeAdded", (destination_coldkey, destination_hotkey, tao, alpha, netuid, 0))
        return tao

    # --- calls -----------------------------------------------------------------------------------
    @call(2, [_HOT, _NET, ("amount_staked", TaoBalance, "TaoBalance")], weight=_w(664_064_000, 8727, 32, 16))
    def add_stake(self, origin, hotkey: bytes, netuid: int, amount_staked: int) -> None:
        """Stake TAO on a hotkey on a subnet: buys alpha at the market price."""
        self.do_add_stake(origin.ensure_signed(), hotkey, netuid, amount_staked)

    @call(3, [_HOT, _NET, ("amount_unstaked", AlphaBalance, "AlphaBalance")], weight=_w(569_198_000, 10557, 28, 13))
    def remove_stake(self, origin, hotkey: bytes, netuid: int, amount_unstaked: int) -> None:
        """Unstake alpha (capped at the stake) and sell it for TAO at the market price."""
        self.do_remove_stake(origin.ensure_signed(), hotkey, netuid, amount_unstaked)

    @call(88, [_HOT, _NET, ("amount_staked", TaoBalance, "TaoBalance"), ("limit_price", TaoBalance, "TaoBalance"),
               ("allow_partial", Bool, "bool")], weight=_w(853_005_000, 8727, 32, 16))
    def add_stake_limit(self, origin, hotkey: bytes, netuid: int, amount_staked: int, limit_price: int,
                        allow_partial: bool) -> None:
        """Stake TAO without pushing the price above ``limit_price`` (rao per alpha)."""
        self.do_add_stake_limit(origin.ensure_signed(), hotkey, netuid, amount_staked, limit_price, allow_partial)

    @call(89, [_HOT, _NET, ("amount_unstaked", AlphaBalance, "AlphaBalance"),
               ("limit_price", TaoBalance, "TaoBalance"), ("allow_partial", Bool, "bool")],
          weight=_w(740_696_000, 10591, 27, 13))
    def remove_stake_limit(self, origin, hotkey: bytes, netuid: int, amount_unstaked: int, limit_price: int,
                           allow_partial: bool) -> None:
        """Unstake without pushing the price below ``limit_price`` (rao per alpha)."""
        self.do_remove_stake_limit(origin.ensure_signed(), hotkey, netuid, amount_unstaked, limit_price,
                                   allow_partial)

    @call(103, [_HOT, _NET, ("limit_price", Option(TaoBalance), "Option<TaoBalance>")],
          weight=_w(754_292_000, 10591, 27, 13))
    def remove_stake_full_limit(self, origin, hotkey: bytes, netuid: int, limit_price: int | None) -> None:
        """Unstake everything on (hotkey, netuid), optionally with a limit price (then never partial)."""
        coldkey = origin.ensure_signed()
        alpha = self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid)
        if limit_price is None:
            self.do_remove_stake(coldkey, hotkey, netuid, alpha)
        else:
            self.do_remove_stake_limit(coldkey, hotkey, netuid, alpha, limit_price, False)

    @call(83, [_HOT], weight=_w(26_830_000, 9189, 6, 0))
    def unstake_all(self, origin, hotkey: bytes) -> None:
        """Sell this coldkey's stake on ``hotkey`` on every subnet (root included) for TAO."""
        self._unstake_everywhere(origin.ensure_signed(), hotkey, True)

    @call(84, [_HOT], weight=_w(700_873_000, 11306, 43, 25))
    def unstake_all_alpha(self, origin, hotkey: bytes) -> None:
        """Sell all non-root alpha on ``hotkey`` and stake the TAO on root (same hotkey)."""
        coldkey = origin.ensure_signed()
        total = self._unstake_everywhere(coldkey, hotkey, False)
        self.stake_into_subnet(hotkey, coldkey, ROOT, total, MAX_PRICE_RAO)

    @call(85, [("origin_hotkey", AccountId, "T::AccountId"), ("destination_hotkey", AccountId, "T::AccountId"),
               ("origin_netuid", NetUid, "NetUid"), ("destination_netuid", NetUid, "NetUid"),
               ("alpha_amount", AlphaBalance, "AlphaBalance")], weight=_w(216_061_000, 7919, 19, 7))
    def move_stake(self, origin, origin_hotkey: bytes, destination_hotkey: bytes, origin_netuid: int,
                   destination_netuid: int, alpha_amount: int) -> None:
        """Move stake between hotkeys and/or subnets of the same coldkey."""
        coldkey = origin.ensure_signed()
        tao = self.transition_stake_internal(coldkey, coldkey, origin_hotkey, destination_hotkey, origin_netuid,
                                             destination_netuid, alpha_amount, None, None, False)
        self.deposit_event("StakeMoved", (coldkey, origin_hotkey, origin_netuid, destination_hotkey,
                                          destination_netuid, tao))

    @call(86, [("destination_coldkey", AccountId, "T::AccountId"), _HOT, ("origin_netuid", NetUid, "NetUid"),
               ("destination_netuid", NetUid, "NetUid"), ("alpha_amount", AlphaBalance, "AlphaBalance")],
          weight=_w(258_541_000, 7994, 19, 6))
    def transfer_stake(self, origin, destination_coldkey: bytes, hotkey: bytes, origin_netuid: int,
                       destination_netuid: int, alpha_amount: int) -> None:
        """Give stake to another coldkey (same hotkey); needs TransferToggle on both subnets."""
        coldkey = origin.ensure_signed()
        tao = self.transition_stake_internal(coldkey, destination_coldkey, hotkey, hotkey, origin_netuid,
                                             destination_netuid, alpha_amount, None, None, True)
        self.deposit_event("StakeTransferred", (coldkey, destination_coldkey, hotkey, origin_netuid,
                                                destination_netuid, tao))

    @call(87, [_HOT, ("origin_netuid", NetUid, "NetUid"), ("destination_netuid", NetUid, "NetUid"),
               ("alpha_amount", AlphaBalance, "AlphaBalance")], weight=_w(742_019_000, 10920, 47, 24))
    def swap_stake(self, origin, hotkey: bytes, origin_netuid: int, destination_netuid: int,
                   alpha_amount: int) -> None:
        """Move stake of (coldkey, hotkey) from one subnet to another."""
        coldkey = origin.ensure_signed()
        tao = self.transition_stake_internal(coldkey, coldkey, hotkey, hotkey, origin_netuid, destination_netuid,
                                             alpha_amount, None, None, False)
        self.deposit_event("StakeSwapped", (coldkey, hotkey, origin_netuid, destination_netuid, tao))

    @call(90, [_HOT, ("origin_netuid", NetUid, "NetUid"), ("destination_netuid", NetUid, "NetUid"),
               ("alpha_amount", AlphaBalance, "AlphaBalance"), ("limit_price", TaoBalance, "TaoBalance"),
               ("allow_partial", Bool, "bool")], weight=_w(944_515_000, 11077, 47, 24))
    def swap_stake_limit(self, origin, hotkey: bytes, origin_netuid: int, destination_netuid: int,
                         alpha_amount: int, limit_price: int, allow_partial: bool) -> None:
        """swap_stake bounded by the origin/destination price ratio ``limit_price`` (× 10^9)."""
        coldkey = origin.ensure_signed()
        tao = self.transition_stake_internal(coldkey, coldkey, hotkey, hotkey, origin_netuid, destination_netuid,
                                             alpha_amount, limit_price, allow_partial, False)
        self.deposit_event("StakeSwapped", (coldkey, hotkey, origin_netuid, destination_netuid, tao))

    @call(91, [_HOT], weight=_w(25_337_000, 4283, 3, 3))
    def try_associate_hotkey(self, origin, hotkey: bytes) -> None:
        """Make the caller the owner of a hotkey nobody owns yet (a no-op for an owned one)."""
        self.create_account_if_non_existent(origin.ensure_signed(), hotkey)

    @call(73, [("new_coldkey", AccountId, "T::AccountId")], weight=_w(0, 0, 5, 0))
    def schedule_swap_coldkey(self, origin, new_coldkey: bytes) -> None:
        """Deprecated on subtensor (coldkey swaps are announced now): always fails with Deprecated."""
        raise self.error("Deprecated")

    # --- delegate take -----------------------------------------------------------------------------
    def do_take_checks(self, coldkey: bytes, hotkey: bytes) -> None:
        if not self.hotkey_account_exists(hotkey):
            raise self.error("HotKeyAccountNotExists")
        if not self.coldkey_owns_hotkey(coldkey, hotkey):
            raise self.error("NonAssociatedColdKey")

    @call(66, [_HOT, ("take", U16, "u16")], weight=_w(37_710_000, 4388, 5, 2), pays_fee=False)
    def increase_take(self, origin, hotkey: bytes, take: int) -> None:
        """Raise the delegate take of an owned hotkey (rate limited by TxDelegateTakeRateLimit)."""
        coldkey = origin.ensure_signed()
        self.do_take_checks(coldkey, hotkey)
        current = self.Delegates.try_get(hotkey)
        if current is not None and take <= current:
            raise self.error("DelegateTakeTooLow")
        if take > self.MaxDelegateTake.get():
            raise self.error("DelegateTakeTooHigh")
        last = self.LastRateLimitedBlock.get({"LastTxBlockDelegateTake": hotkey})
        limit = self.TxDelegateTakeRateLimit.get()
        if limit and last and self.block_number - last <= limit:
            raise self.error("DelegateTxRateLimitExceeded")
        self.LastRateLimitedBlock.set({"LastTxBlockDelegateTake": hotkey}, self.block_number)
        self.Delegates.set(hotkey, take)
        self.deposit_event("TakeIncreased", (coldkey, hotkey, take))

    @call(65, [_HOT, ("take", U16, "u16")], weight=_w(29_895_000, 4295, 3, 2), pays_fee=False)
    def decrease_take(self, origin, hotkey: bytes, take: int) -> None:
        """Lower the delegate take of an owned hotkey (not below MinDelegateTake)."""
        coldkey = origin.ensure_signed()
        self.do_take_checks(coldkey, hotkey)
        current = self.Delegates.try_get(hotkey)
        if current is not None and take >= current:
            raise self.error("DelegateTakeTooLow")
        if take < self.MinDelegateTake.get():
            raise self.error("DelegateTakeTooLow")
        self.Delegates.set(hotkey, take)
        self.LastRateLimitedBlock.set({"LastTxBlockDelegateTake": hotkey}, self.block_number)
        self.deposit_event("TakeDecreased", (coldkey, hotkey, take))
