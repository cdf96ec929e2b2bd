"""Stake primitives of SubtensorModule (``StakeOps``), named as subtensor's so other parts call them.

Everything a staking call, the coinbase or registration does to stake goes through these methods
(``self.<name>(...)`` from any part of the pallet). Amounts are rao (TAO) or alpha rao; accounts
are 32-byte ids. Mirrors ``staking/stake_utils.rs``, ``staking/helpers.rs``, ``coinbase/tao.rs``.

Share pool (per hotkey and subnet; see ``share_pool``):
    get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid) -> alpha
    get_stake_for_hotkey_on_subnet(hotkey, netuid) -> alpha        (TotalHotkeyAlpha)
    increase_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid, alpha)
        mint shares for one coldkey (also records the hotkey in StakingHotkeys[coldkey])
    decrease_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid, alpha)
        burn shares; silently does nothing if the coldkey holds less than ``alpha``
    try_increase_stake_for_hotkey_and_coldkey_on_subnet(hotkey, netuid, alpha) -> bool
    increase_stake_for_hotkey_on_subnet(hotkey, netuid, alpha)   every staker pro rata (dividends)
    decrease_stake_for_hotkey_on_subnet(hotkey, netuid, alpha)
    get_total_stake_for_hotkey(hotkey) -> TAO (Σ alpha × spot price over subnets, U64F64 floor)
    get_total_stake_for_coldkey(coldkey) -> TAO

Accounts:
    get_subnet_account_id(netuid) -> account | None  ("modl" ‖ "subtensr" ‖ netuid u16 LE ‖ 0…)
    is_subnet_account_id(account) -> netuid | None
    create_account_if_non_existent(coldkey, hotkey)  Owner / OwnedHotkeys / StakingHotkeys;
        raises CannotUseSystemAccount for subnet accounts
    hotkey_account_exists(hotkey), coldkey_owns_hotkey(coldkey, hotkey), get_hotkey_take(hotkey)
    transfer_tao_to_subnet(netuid, coldkey, tao) -> tao moved (keep-alive: may be less)
    transfer_tao_from_subnet(netuid, dest, tao); burn_tao(account, tao); block_author()

Pool trades (reserves, TotalStake, SubnetVolume; fees are returned, not paid):
    swap_tao_for_alpha(netuid, tao, price_limit_rao, drop_fees) -> amm SwapResult
    swap_alpha_for_tao(netuid, alpha, price_limit_rao, drop_fees) -> amm SwapResult
    stake_into_subnet(hotkey, coldkey, netuid, tao, price_limit_rao, drop_fees) -> alpha
        TAO coldkey → subnet account, buy, credit shares, fee to the author, StakeAdded
    unstake_from_subnet(hotkey, coldkey, beneficiary, netuid, alpha, price_limit_rao, drop_fees) -> tao
        burn shares, sell, refund unexecuted alpha, TAO → beneficiary, fee sold to author, StakeRemoved
    pool_state(netuid) -> amm PoolState

Errors from the pool maths (``AmmError``) are turned into the owning pallet's dispatch error.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

from tensornet.amm.errors import AmmError
from tensornet.amm.fixed import U64F64
from tensornet.amm.pool import MIN_PRICE_RAO, PoolState, SwapResult, spot_price
from tensornet.amm.staking import swap_alpha_for_tao as amm_swap_alpha_for_tao
from tensornet.amm.staking import swap_tao_for_alpha as amm_swap_tao_for_alpha
from tensornet.runtime.dispatch import DispatchError

from .share_pool import ZERO, SafeFloat, SharePool

ROOT = 0
U64_MAX = 2**64 - 1
_SUBTENSOR_PALLET_ID = b"subtensr"
_BURN_PALLET_ID = b"burntnsr"
DEFAULT_MIN_STAKE = 2_000_000
"""``DefaultMinStake`` (SubtensorInitialMinStake): 0.002 TAO."""


def sub_account(pallet_id: bytes, index: int) -> bytes:
    """``PalletId(..).into_sub_account_truncating(u16)``: b"modl" ‖ id ‖ SCALE(u16) ‖ zero padding."""
    return (b"modl" + pallet_id + index.to_bytes(2, "little")).ljust(32, b"\x00")


@lru_cache(maxsize=1024)  # a pure function of a u16; every trade pays from or into the account
def subnet_account(netuid: int) -> bytes:
    """The account holding a subnet's TAO (``get_subnet_account_id`` without the existence check)."""
    return sub_account(_SUBTENSOR_PALLET_ID, netuid)


def pallet_account(pallet_id: bytes) -> bytes:
    """``PalletId(..).into_account_truncating()``."""
    return (b"modl" + pallet_id).ljust(32, b"\x00")


BURN_ACCOUNT = pallet_account(_BURN_PALLET_ID)


class _HotkeyAlphaPool:
    """Storage of one (hotkey, netuid) pool; reads the V1 maps first, writes only V2 (lazy migration).

    One object serves one pool operation: the total value, the denominator and each share are read
    once and kept as written, and a V1 entry is only removed when it was not seen to be absent (a
    payout touches each item once instead of reading and rewriting it twice)."""

    __slots__ = ("hotkey", "m", "netuid", "_value", "_denominator", "_v1_absent", "_shares")

    def __init__(self, module, hotkey: bytes, netuid: int) -> None:
        self.m, self.hotkey, self.netuid = module, hotkey, netuid
        self._value: int | None = None
        self._denominator: SafeFloat | None = None
        self._v1_absent: set = set()  # coldkeys (and None for the denominator) with no V1 entry
        self._shares: dict = {}  # coldkey -> its share (None: none) as read or written here

    def get_shared_value(self) -> int:
        if self._value is None:
            self._value = self.m.TotalHotkeyAlpha.get(self.hotkey, self.netuid)
        return self._value

    def try_get_share(self, coldkey: bytes) -> SafeFloat | None:
        if coldkey in self._shares:
            return self._shares[coldkey]
        v1 = self.m.Alpha.try_get(self.hotkey, coldkey, self.netuid)
        if v1 is not None:
            self._v1_absent.discard(coldkey)
            share = SafeFloat.from_u64f64(v1)
        else:
            self._v1_absent.add(coldkey)
            v2 = self.m.AlphaV2.try_get(self.hotkey, coldkey, self.netuid)
            share = None if v2 is None else SafeFloat.from_value(v2)
        self._shares[coldkey] = share
        return share

    def get_share(self, coldkey: bytes) -> SafeFloat:
        return self.try_get_share(coldkey) or ZERO

    def get_denominator(self) -> SafeFloat:
        if self._denominator is None:
            v1 = self.m.TotalHotkeyShares.try_get(self.hotkey, self.netuid)
            if v1 is not None:
                self._denominator = SafeFloat.from_u64f64(v1)
            else:
                self._v1_absent.add(None)
                v2 = self.m.TotalHotkeySharesV2.try_get(self.hotkey, self.netuid)
                self._denominator = ZERO if v2 is None else SafeFloat.from_value(v2)
        return self._denominator

    def set_shared_value(self, value: int) -> None:
        self._value = value
        if value:
            self.m.TotalHotkeyAlpha.set(self.hotkey, self.netuid, value)
        else:
            self.m.TotalHotkeyAlpha.remove(self.hotkey, self.netuid)

    def set_share(self, coldkey: bytes, share: SafeFloat) -> None:
        if coldkey not in self._v1_absent:
            self.m.Alpha.remove(self.hotkey, coldkey, self.netuid)
            self._v1_absent.add(coldkey)
        if share.is_zero():
            self.m.AlphaV2.remove(self.hotkey, coldkey, self.netuid)
            self._shares[coldkey] = None
        else:
            self.m.AlphaV2.set(self.hotkey, coldkey, self.netuid, share.to_value())
            self._shares[coldkey] = share

    def set_denominator(self, value: SafeFloat) -> None:
        self._denominator = value
        if None not in self._v1_absent:
            self.m.TotalHotkeyShares.remove(self.hotkey, self.netuid)
            self._v1_absent.add(None)
        if value.is_zero():
            self.m.TotalHotkeySharesV2.remove(self.hotkey, self.netuid)
        else:
            self.m.TotalHotkeySharesV2.set(self.hotkey, self.netuid, value.to_value())


class StakeOps:
    """Stake primitives (see the module docstring); a part class of SubtensorModule."""

    # --- share pool ---------------------------------------------------------------------------
    def get_alpha_share_pool(self, hotkey: bytes, netuid: int) -> SharePool:
        return SharePool(_HotkeyAlphaPool(self, hotkey, netuid))

    def get_stake_for_hotkey_and_coldkey_on_subnet(self, hotkey: bytes, coldkey: bytes, netuid: int,
                                                   shares: SharePool | None = None) -> int:
        """``shares``: the (hotkey, netuid) pool object a caller goes on to use (it keeps what it read)."""
        pool = shares if shares is not None else self.get_alpha_share_pool(hotkey, netuid)
        value = pool.try_get_value(coldkey)
        return 0 if value is None else value

    def get_stake_for_hotkey_on_subnet(self, hotkey: bytes, netuid: int) -> int:
        return self.TotalHotkeyAlpha.get(hotkey, netuid)

    def increase_stake_for_hotkey_on_subnet(self, hotkey: bytes, netuid: int, amount: int) -> None:
        self.get_alpha_share_pool(hotkey, netuid).update_value_for_all(amount)

    def decrease_stake_for_hotkey_on_subnet(self, hotkey: bytes, netuid: int, amount: int) -> None:
        self.get_alpha_share_pool(hotkey, netuid).update_value_for_all(-amount)

    def _add_staking_hotkey(self, coldkey: bytes, hotkey: bytes) -> None:
        hotkeys = self.StakingHotkeys.get(coldkey)
        if hotkey not in hotkeys:
            self.StakingHotkeys.set(coldkey, hotkeys + [hotkey])

    def increase_stake_for_hotkey_and_coldkey_on_subnet(self, hotkey: bytes, coldkey: bytes, netuid: int,
                                                        amount: int) -> None:
        if amount:
            self._add_staking_hotkey(coldkey, hotkey)
        self.get_alpha_share_pool(hotkey, netuid).update_value_for_one(coldkey, amount)

    def pay_take_and_dividend(self, hotkey: bytes, coldkey: bytes, netuid: int, take: int, dividend: int) -> int:
        """A validator's epoch payout on one pool object: ``take`` minted to ``coldkey`` (as
        ``increase_stake_for_hotkey_and_coldkey_on_subnet``), then ``dividend`` to every staker
        pro rata (``increase_stake_for_hotkey_on_subnet``); returns the hotkey's new total alpha."""
        pool = self.get_alpha_share_pool(hotkey, netuid)
        if take:
            self._add_staking_hotkey(coldkey, hotkey)
            pool.update_value_for_one(coldkey, take)
        if dividend:
            pool.update_value_for_all(dividend)
        return pool.ops.get_shared_value()

    def try_increase_stake_for_hotkey_and_coldkey_on_subnet(self, hotkey: bytes, netuid: int, amount: int,
                                                            shares: SharePool | None = None) -> bool:
        pool = shares if shares is not None else self.get_alpha_share_pool(hotkey, netuid)
        return pool.sim_update_value_for_one(amount)

    def decrease_stake_for_hotkey_and_coldkey_on_subnet(self, hotkey: bytes, coldkey: bytes, netuid: int,
                                                        amount: int, shares: SharePool | None = None) -> None:
        pool = shares if shares is not None else self.get_alpha_share_pool(hotkey, netuid)
        value = pool.try_get_value(coldkey)
        if value is not None and value >= amount:
            pool.update_value_for_one(coldkey, -amount)

    def get_all_subnet_netuids(self) -> list[int]:
        return [netuid for (netuid,), added in self.NetworksAdded.iter() if added]

    def current_alpha_price(self, netuid: int) -> U64F64:
        """``SwapInterface::current_alpha_price``: 1 for root/stable subnets."""
        return spot_price(self.pool_state(netuid))

    def get_total_stake_for_hotkey(self, hotkey: bytes) -> int:
        total = U64F64(0)
        for netuid in self.get_all_subnet_netuids():
            alpha = self.get_stake_for_hotkey_on_subnet(hotkey, netuid)
            total = total.saturating_add(U64F64.from_int(alpha).saturating_mul(self.current_alpha_price(netuid)))
        return total.to_u64()

    def get_total_stake_for_coldkey(self, coldkey: bytes) -> int:
        total = 0
        for hotkey in self.StakingHotkeys.get(coldkey):
            for netuid in self.get_all_subnet_netuids():
                alpha = self.get_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid)
                total += U64F64.from_int(alpha).saturating_mul(self.current_alpha_price(netuid)).to_u64()
        return total

    # --- accounts ---------------------------------------------------------------------------------
    def get_subnet_account_id(self, netuid: int) -> bytes | None:
        # (try_get: ``contains`` without its generic argument handling; a stored value never decodes to None)
        if netuid == ROOT or self.NetworksAdded.try_get(netuid) is not None:
            return subnet_account(netuid)
        return None

    def is_subnet_account_id(self, account: bytes) -> int | None:
        if account[:12] == b"modl" + _SUBTENSOR_PALLET_ID and not any(account[14:]):
            return int.from_bytes(account[12:14], "little")
        return None

    def hotkey_account_exists(self, hotkey: bytes) -> bool:
        return self.Owner.try_get(hotkey) is not None  # (contains, as in get_subnet_account_id)

    def coldkey_owns_hotkey(self, coldkey: bytes, hotkey: bytes) -> bool:
        return self.hotkey_account_exists(hotkey) and self.Owner.get(hotkey) == coldkey

    def get_hotkey_take(self, hotkey: bytes) -> int:
        return self.Delegates.get(hotkey)

    def create_account_if_non_existent(self, coldkey: bytes, hotkey: bytes) -> None:
        if self.is_subnet_account_id(hotkey) is not None:
            raise self.error("CannotUseSystemAccount")
        if not self.hotkey_account_exists(hotkey):
            self.Owner.set(hotkey, coldkey)
            owned = self.OwnedHotkeys.get(coldkey)
            if hotkey not in owned:
                self.OwnedHotkeys.set(coldkey, owned + [hotkey])
            self._add_staking_hotkey(coldkey, hotkey)

    def block_author(self) -> bytes | None:
        """The account swap fees go to (the Aura author; the node's authority on a devnet)."""
        return getattr(self.env.runtime, "block_author", None)

    def _balances(self):
        return self.pallet("Balances")

    def _subnet_account(self, netuid: int, known: bytes | None = None) -> bytes:
        """``get_subnet_account_id`` or SubnetNotExists; ``known``: the account this call already
        resolved (a subnet cannot vanish within a call)."""
        account = known if known is not None else self.get_subnet_account_id(netuid)
        if account is None:
            raise self.error("SubnetNotExists")
        return account

    def transfer_tao_to_subnet(self, netuid: int, coldkey: bytes, amount: int) -> int:
        """Move up to ``amount`` (never below the existential deposit) into the subnet account."""
        return self._transfer_to_subnet(netuid, coldkey, amount)[0]

    def _transfer_to_subnet(self, netuid: int, coldkey: bytes, amount: int) -> tuple[int, bytes | None]:
        """``transfer_tao_to_subnet`` and the subnet account (None when nothing moved: not resolved).

        The chain moves min(amount, reducible keeping the account alive). A keep-alive transfer of
        ``amount`` succeeds exactly when ``amount`` is within that (or fails for the destination's
        sake, as the chain's would); a refused transfer writes nothing. So the whole amount is tried
        first and the balance read only when it is refused (the transfer reads the account itself)."""
        if amount == 0:
            return 0, None
        account = self._subnet_account(netuid)
        balances = self._balances()
        try:
            balances.transfer(coldkey, account, amount, True)
            return amount, account
        except DispatchError:
            moved = min(amount, balances.reducible_balance(coldkey, True))
            if moved == amount:
                raise
        if moved == 0:
            raise self.error("InsufficientBalance")
        balances.transfer(coldkey, account, moved, True)
        return moved, account

    def transfer_tao(self, source: bytes, dest: bytes, amount: int) -> None:
        """``transfer_tao``: expendable transfer; dust lost by a reaped source leaves TotalIssuance too."""
        balances = self._balances()
        try:
            burned = balances.transfer(source, dest, amount, False)  # Balances.TotalIssuance before − after
        except DispatchError:
            # the chain checks the free balance first; the transfer reads the account anyway, and
            # more than the free balance is more than the reducible, which it refuses before writing
            if amount > balances.free_balance(source):
                raise self.error("InsufficientBalance") from None
            raise
        if burned > 0:
            self.TotalIssuance.mutate(lambda t: max(t - burned, 0))

    def transfer_tao_from_subnet(self, netuid: int, dest: bytes, amount: int,
                                 account: bytes | None = None) -> bytes:
        """Pay ``amount`` out of the subnet account; returns that account (``account``: as resolved
        earlier in this call)."""
        account = self._subnet_account(netuid, account)
        if amount:
            self.transfer_tao(account, dest, amount)
        return account

    def burn_tao(self, account: bytes, amount: int) -> None:
        """Subtensor "burns" by sending to the burn pallet account (issuance unchanged)."""
        if amount:
            self.transfer_tao(account, BURN_ACCOUNT, amount)

    # --- pool trades ----------------------------------------------------------------------------
    def pool_state(self, netuid: int) -> PoolState:
        return self.pallet("Swap").pool_state(netuid)

    def _maths(self, fn, *args):
        """Run pool maths, turning its errors into the owning pallet's dispatch errors."""
        try:
            return fn(*args)
        except AmmError as exc:
            raise self.pallet(exc.pallet).error(exc.name) from None

    def _write_trades(self, netuid: int, pools: tuple[PoolState, ...], alpha_out: int, stake: int,
                      volume: int) -> None:
        """Store what back-to-back trades on one pool changed: ``pools`` is the pool before them, then
        after each; ``alpha_out`` / ``stake`` are the signed changes of SubnetAlphaOut / TotalStake
        (clamped to u64 as each trade's own clamp would leave them: the trades move them one way) and
        ``volume`` the SubnetVolume added.

        A reserve is written (with its final value) if any trade moved it, as the chain's
        mutate-if-non-zero writes it; the trades between touch none of these items, so one write
        per item leaves the state each trade's own writes would."""
        before, after = pools[0], pools[-1]
        tao_moved = alpha_moved = False
        for a, b in pairwise(pools):
            tao_moved = tao_moved or a.tao_reserve != b.tao_reserve
            alpha_moved = alpha_moved or a.alpha_reserve != b.alpha_reserve
        if tao_moved:
            self.SubnetTAO.set(netuid, after.tao_reserve)
        if alpha_moved:
            self.SubnetAlphaIn.set(netuid, after.alpha_reserve)
        _add_clamped(self.SubnetAlphaOut, netuid, alpha_out)
        _add_clamped(self.TotalStake, None, stake)
        item = self.SubnetVolume
        item.set(netuid, item.get(netuid) + volume)
        self.pallet("Swap").write_pool(netuid, after, before)

    def swap_tao_for_alpha(self, netuid: int, tao: int, price_limit: int, drop_fees: bool = False,
                           pool: PoolState | None = None) -> SwapResult:
        """Buy alpha with ``tao`` (gross, fee included); updates reserves, AlphaOut, TotalStake, volume.

        ``pool``: ``pool_state(netuid)`` when the caller has just read it and nothing it covers was
        written since (one read serves validation and trade)."""
        if pool is None:
            pool = self.pool_state(netuid)
        result = self._maths(amm_swap_tao_for_alpha, pool, tao, price_limit, drop_fees)
        self._write_trades(netuid, (pool, result.pool), result.amount_paid_out, tao, tao)
        return result

    def swap_alpha_for_tao(self, netuid: int, alpha: int, price_limit: int, drop_fees: bool = False,
                           pool: PoolState | None = None) -> SwapResult:
        """Sell ``alpha`` (gross); updates reserves, AlphaOut, TotalStake, volume.

        ``pool`` as for ``swap_tao_for_alpha``. Afterwards storage holds exactly ``result.pool``
        (reserves, initialisation and weight are written from it), so a trade that follows at once
        may pass that on instead of reading the pool again."""
        if pool is None:
            pool = self.pool_state(netuid)
        result = self._maths(amm_swap_alpha_for_tao, pool, alpha, price_limit, drop_fees)
        self._write_trades(netuid, (pool, result.pool), -result.amount_paid_in, -result.amount_paid_out,
                           result.amount_paid_out)
        return result

    def record_tao_flow(self, netuid: int, amount: int) -> None:
        """``record_tao_inflow`` / ``record_tao_outflow`` (negative ``amount``): SubnetTaoFlow."""
        item = self.SubnetTaoFlow
        item.set(netuid, max(min(item.get(netuid) + amount, 2**63 - 1), -(2**63)))

    def stake_into_subnet(self, hotkey: bytes, coldkey: bytes, netuid: int, tao: int, price_limit: int,
                          drop_fees: bool = False, pool: PoolState | None = None,
                          shares: SharePool | None = None) -> int:
        """Stake ``tao`` from ``coldkey`` on ``hotkey``; returns the alpha bought.

        ``pool`` / ``shares``: ``pool_state(netuid)`` and the (hotkey, netuid) share pool object
        the caller's validation just used (moving TAO and trading touch neither)."""
        staked, account = self._transfer_to_subnet(netuid, coldkey, tao)
        result = self.swap_tao_for_alpha(netuid, staked, price_limit, drop_fees, pool)
        alpha = result.amount_paid_out
        if alpha == 0:
            raise self.error("AmountTooLow")
        if shares is None:
            shares = self.get_alpha_share_pool(hotkey, netuid)  # one pool object: the check and the mint
        if not shares.sim_update_value_for_one(alpha):
            raise self.error("InsufficientLiquidity")
        self._add_staking_hotkey(coldkey, hotkey)  # as increase_stake_for_hotkey_and_coldkey_on_subnet
        shares.update_value_for_one(coldkey, alpha)
        author = self.block_author()
        if author is not None:
            self.transfer_tao_from_subnet(netuid, author, result.fee_to_block_author, account)
        else:
            self.burn_tao(self.get_subnet_account_id(netuid), result.fee_to_block_author)
        self.record_tao_flow(netuid, result.amount_paid_in)
        self.cleanup_lock_if_zero(coldkey, netuid)
        self.LastColdkeyHotkeyStakeBlock.set(coldkey, hotkey, self.block_number)
        if netuid == ROOT:
            self.add_stake_adjust_root_claimed_for_hotkey_and_coldkey(hotkey, coldkey, alpha)
            self.maybe_add_coldkey_index(coldkey)
        self.deposit_event("StakeAdded", (coldkey, hotkey, staked, alpha, netuid, result.fee_paid))
        return alpha

    def unstake_from_subnet(self, hotkey: bytes, coldkey: bytes, beneficiary: bytes, netuid: int, alpha: int,
                            price_limit: int, drop_fees: bool = False, pool: PoolState | None = None,
                            shares: SharePool | None = None) -> int:
        """Sell ``alpha`` of (hotkey, coldkey) and pay the TAO to ``beneficiary``; returns the TAO.

        ``pool`` / ``shares``: ``pool_state(netuid)`` and the (hotkey, netuid) share pool object the
        caller's validation just read (burning shares touches no pool item; ``shares`` is not used
        after the burn)."""
        self.decrease_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid, alpha, shares)
        if pool is None:
            pool = self.pool_state(netuid)
        result = self._maths(amm_swap_alpha_for_tao, pool, alpha, price_limit, drop_fees)
        refund = max(alpha - result.amount_paid_in - result.fee_paid, 0)
        if refund:
            self.increase_stake_for_hotkey_and_coldkey_on_subnet(hotkey, coldkey, netuid, refund)
        account = self.transfer_tao_from_subnet(netuid, beneficiary, result.amount_paid_out)
        sales = [result]
        author = self.block_author()
        if author is not None:
            # the fee's sale starts from result.pool; shares and TAO moved since, no pool item
            fee = result.fee_to_block_author
            sales.append(self._maths(amm_swap_alpha_for_tao, result.pool, fee, MIN_PRICE_RAO, True))
            self.transfer_tao_from_subnet(netuid, author, sales[-1].amount_paid_out, account)
        tao_out = sum(sale.amount_paid_out for sale in sales)
        # both sales' pool writes at once (see _write_trades)
        self._write_trades(netuid, (pool, *(sale.pool for sale in sales)),
                           -sum(sale.amount_paid_in for sale in sales), -tao_out, tao_out)
        if netuid == ROOT:
            self.remove_stake_adjust_root_claimed_for_hotkey_and_coldkey(hotkey, coldkey, alpha)
            if not self.coldkey_has_root_stake(coldkey):
                self.maybe_remove_coldkey_index(coldkey)
        self.record_tao_flow(netuid, -tao_out)
        self.cleanup_lock_if_zero(coldkey, netuid)
        self.LastColdkeyHotkeyStakeBlock.set(coldkey, hotkey, self.block_number)
        self.deposit_event("StakeRemoved", (coldkey, hotkey, result.amount_paid_out, result.amount_paid_in,
                                            netuid, result.fee_paid))
        return result.amount_paid_out

    # --- root stake bookkeeping (staking/claim_root.rs) ---------------------------------------------
    def _adjust_root_claimed(self, hotkey: bytes, coldkey: bytes, amount: int, sign: int, skip_root: bool) -> None:
        for netuid, rate in self.RootClaimable.get(hotkey) or []:
            if skip_root and netuid == ROOT:
                continue
            delta = max(min((rate * amount) >> 32, 2**128 - 1), 0)
            self.RootClaimed.mutate(netuid, hotkey, coldkey,
                                    lambda v, d=delta: min(v + d, 2**128 - 1) if sign > 0 else max(v - d, 0))

    def add_stake_adjust_root_claimed_for_hotkey_and_coldkey(self, hotkey: bytes, coldkey: bytes, amount: int) -> None:
        """New root stake does not inherit root dividends accrued before it arrived."""
        self._adjust_root_claimed(hotkey, coldkey, amount, 1, False)

    def remove_stake_adjust_root_claimed_for_hotkey_and_coldkey(self, hotkey: bytes, coldkey: bytes,
                                                                amount: int) -> None:
        self._adjust_root_claimed(hotkey, coldkey, amount, -1, True)

    def root_stake_changed(self, hotkey: bytes, coldkey: bytes, netuid: int, delta: int) -> None:
        """Root-claim bookkeeping for a share move on ``netuid`` (only root stake matters)."""
        if netuid != ROOT or delta == 0:
            return
        if delta > 0:
            self.add_stake_adjust_root_claimed_for_hotkey_and_coldkey(hotkey, coldkey, delta)
        else:
            self.remove_stake_adjust_root_claimed_for_hotkey_and_coldkey(hotkey, coldkey, -delta)

    def transfer_root_claimed_for_new_keys(self, netuid: int, old_hotkey: bytes, new_hotkey: bytes,
                                           old_coldkey: bytes, new_coldkey: bytes) -> None:
        """Move a RootClaimed watermark to new keys, adding it to theirs (merged positions have
        claimed both amounts)."""
        claimed = self.RootClaimed.get(netuid, old_hotkey, old_coldkey)
        self.RootClaimed.remove(netuid, old_hotkey, old_coldkey)
        self.RootClaimed.set(netuid, new_hotkey, new_coldkey,
                             min(claimed + self.RootClaimed.get(netuid, new_hotkey, new_coldkey), 2**128 - 1))

    def maybe_add_coldkey_index(self, coldkey: bytes) -> None:
        if not self.StakingColdkeys.contains(coldkey):
            n = self.NumStakingColdkeys.get()
            self.StakingColdkeysByIndex.set(n, coldkey)
            self.StakingColdkeys.set(coldkey, n)
            self.NumStakingColdkeys.set(n + 1)

    def coldkey_has_root_stake(self, coldkey: bytes) -> bool:
        return any(self.get_stake_for_hotkey_and_coldkey_on_subnet(h, coldkey, ROOT)
                   for h in self.StakingHotkeys.get(coldkey))

    def maybe_remove_coldkey_index(self, coldkey: bytes) -> None:
        idx = self.StakingColdkeys.take(coldkey)
        if idx is None:
            return
        last = max(self.NumStakingColdkeys.get() - 1, 0)
        moved = self.StakingColdkeysByIndex.take(last) if idx != last else None
        if moved is not None:
            self.StakingColdkeysByIndex.set(idx, moved)
            self.StakingColdkeys.set(moved, idx)
        else:
            self.StakingColdkeysByIndex.remove(idx)
        self.NumStakingColdkeys.set(last)

    def _try(self, action) -> bool:
        """Run something whose failure the chain ignores (``let _ = …``), undoing its partial writes."""
        mark = self.env.event_mark()
        try:
            with self.env.state.layer():
                action()
        except DispatchError:
            self.env.truncate_events(mark)
            return False
        return True


def _add_clamped(item, key: int | None, delta: int) -> None:
    """``item[key] += delta`` clamped to u64 (``key`` None: a StorageValue); ``mutate`` without its
    generic argument handling."""
    keys = () if key is None else (key,)
    value = item.get(*keys) + delta
    item.set(*keys, min(max(value, 0), U64_MAX))
