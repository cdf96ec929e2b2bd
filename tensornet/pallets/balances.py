"""pallet_balances (index 5): u64 TAO balances held in ``System.Account``, existential deposit 500 rao.

Account life cycle follows FRAME's fungible implementation: an account comes into existence (provider
reference, ``System.NewAccount`` + ``Endowed``) when it first holds at least the existential deposit,
and is reaped (``DustLost`` for any remainder, ``System.KilledAccount``, nonce reset) when its total
falls below it. Transfers fail with ``Token`` errors exactly where FRAME's do.
"""
from __future__ import annotations

from tensornet.primitives.scale import U32, U64, AccountId, Bool, Compact
from tensornet.runtime.dispatch import DispatchError, Weight
from tensornet.runtime.pallet import ConstantDef, EventDef, Pallet, call
from tensornet.runtime.types import MULTI_ADDRESS, NEW_LOGIC_FLAG, lookup_address
from tensornet.storage.items import StorageValue

EXISTENTIAL_DEPOSIT = 500
U64_MAX = 2**64 - 1
#: frame_system's MaxConsumers in subtensor's runtime: references an account may hold (a reserve is one)
MAX_CONSUMERS = 16
# Call weights are pallet_balances::weights::SubstrateWeight (polkadot-sdk, benchmarked 2024-05-06) plus
# RocksDbWeight reads/writes, the WeightInfo subtensor's runtime configures; force_set_balance charges the
# larger of its creating/killing benchmarks, as the pallet does.

_EMPTY_DATA = {"free": 0, "reserved": 0, "frozen": 0, "flags": NEW_LOGIC_FLAG}
_ACC = ("who", AccountId, "T::AccountId")
_AMT = ("amount", U64, "T::Balance")


class Balances(Pallet):
    NAME, INDEX = "Balances", 5
    DOCS = "TAO balances."

    TotalIssuance = StorageValue(U64, docs="The total units issued in the system.")
    InactiveIssuance = StorageValue(U64, docs="The total units of outstanding deactivated balance in the system.")

    EVENTS = [
        EventDef("Endowed", [("account", AccountId, "T::AccountId"), ("free_balance", U64, "T::Balance")], "An account was created with some free balance."),
        EventDef("DustLost", [("account", AccountId, "T::AccountId"), _AMT], "An account was removed whose balance was non-zero but below ExistentialDeposit, resulting in an outright loss."),
        EventDef("Transfer", [("from", AccountId, "T::AccountId"), ("to", AccountId, "T::AccountId"), _AMT], "Transfer succeeded."),
        EventDef("BalanceSet", [_ACC, ("free", U64, "T::Balance")], "A balance was set by root."),
        EventDef("Reserved", [_ACC, _AMT], "Some balance was reserved (moved from free to reserved)."),
        EventDef("Unreserved", [_ACC, _AMT], "Some balance was unreserved (moved from reserved to free)."),
        EventDef("Deposit", [_ACC, _AMT], "Some amount was deposited (e.g. for transaction fees)."),
        EventDef("Withdraw", [_ACC, _AMT], "Some amount was withdrawn from the account (e.g. for transaction fees)."),
        EventDef("Slashed", [_ACC, _AMT], "Some amount was removed from the account (e.g. for misbehavior)."),
        EventDef("Minted", [_ACC, _AMT], "Some amount was minted into an account."),
        EventDef("Burned", [_ACC, _AMT], "Some amount was burned from an account."),
        EventDef("Issued", [_AMT], "Total issuance was increased by `amount`, creating a credit to be balanced."),
        EventDef("Rescinded", [_AMT], "Total issuance was decreased by `amount`, creating a debt to be balanced."),
        EventDef("TotalIssuanceForced", [("old", U64, "T::Balance"), ("new", U64, "T::Balance")], "The `TotalIssuance` was forcefully changed."),
    ]
    ERRORS = [
        ("VestingBalance", "Vesting balance too high to send value."),
        ("LiquidityRestrictions", "Account liquidity restrictions prevent withdrawal."),
        ("InsufficientBalance", "Balance too low to send value."),
        ("ExistentialDeposit", "Value too low to create account due to existential deposit."),
        ("Expendability", "Transfer/payment would kill account."),
        ("ExistingVestingSchedule", "A vesting schedule already exists for this account."),
        ("DeadAccount", "Beneficiary account must pre-exist."),
        ("TooManyReserves", "Number of named reserves exceed `MaxReserves`."),
        ("TooManyHolds", "Number of holds exceed `VariantCountOf<T::RuntimeHoldReason>`."),
        ("TooManyFreezes", "Number of freezes exceed `MaxFreezes`."),
        ("IssuanceDeactivated", "The issuance cannot be modified since it is already deactivated."),
        ("DeltaZero", "The delta cannot be zero."),
    ]
    CONSTANTS = [
        ConstantDef("ExistentialDeposit", U64, EXISTENTIAL_DEPOSIT, "The minimum amount required to keep an account open."),
        ConstantDef("MaxLocks", U32, 50, "The maximum number of locks that should exist on an account."),
        ConstantDef("MaxReserves", U32, 50, "The maximum number of named reserves that can exist on an account."),
        ConstantDef("MaxFreezes", U32, 50, "The maximum number of individual freeze locks that can exist on an account."),
    ]

    # --- queries ------------------------------------------------------------------------------
    def free_balance(self, who: bytes) -> int:
        return self.pallet("System").Account.get(who)["data"]["free"]

    def reducible_balance(self, who: bytes, keep_alive: bool) -> int:
        info = self.pallet("System").Account.get(who)
        return self._reducible(info["data"], keep_alive or _pinned(info))

    @staticmethod
    def _reducible(data: dict, keep_alive: bool) -> int:
        """Free minus frozen, and above the existential deposit when the account must stay alive
        (comparisons rather than min/max calls: every signed transaction asks two or three times)."""
        free = data["free"]
        spendable = free - data["frozen"]
        if spendable < 0:
            spendable = 0
        if keep_alive and free - EXISTENTIAL_DEPOSIT < spendable:
            spendable = free - EXISTENTIAL_DEPOSIT if free > EXISTENTIAL_DEPOSIT else 0
        return spendable

    # --- the one place account balances change -----------------------------------------------
    def _set_free(self, who: bytes, new_free: int, info: dict | None | bool = False) -> int:
        """Write ``who``'s free balance, creating or reaping the account; returns dust burned.

        ``info`` is the account as the caller just read it with ``try_get`` (None = absent), so the
        hot paths read each account once; by default it is read here."""
        system = self.pallet("System")
        if info is False:
            info = system.Account.try_get(who)
        existed = info is not None and info["providers"] > 0
        if info is None:
            info = {"nonce": 0, "consumers": 0, "providers": 0, "sufficients": 0,
                    "data": {"free": 0, "reserved": 0, "frozen": 0, "flags": NEW_LOGIC_FLAG}}
        total = new_free + info["data"]["reserved"]
        if total < EXISTENTIAL_DEPOSIT:
            if existed or new_free:
                system.Account.remove(who)
                if new_free:
                    self.deposit_event("DustLost", {"account": who, "amount": new_free})
                if existed:
                    system.deposit_event("KilledAccount", {"account": who})
            return new_free
        info["data"]["free"] = new_free
        if not existed:
            info["providers"] = max(info["providers"], 1)
            system.Account.set(who, info)
            system.deposit_event("NewAccount", {"account": who})
            self.deposit_event("Endowed", {"account": who, "free_balance": new_free})
        else:
            system.Account.set(who, info)
        return 0

    def _issuance_sub(self, amount: int) -> int:
        """Burn ``amount`` from the issuance (not below zero); returns what left it."""
        issuance = self.TotalIssuance.get()
        self.TotalIssuance.set(max(issuance - amount, 0))
        return min(amount, issuance)

    # --- fungible-style operations used by other pallets ---------------------------------------
    def transfer(self, source: bytes, dest: bytes, value: int, keep_alive: bool) -> int:
        """Move ``value`` rao; raises Token errors as FRAME's ``fungible::Mutate::transfer``.

        Returns the issuance burned with a reaped source's dust (callers that mirror the issuance,
        as SubtensorModule's ``transfer_tao``, need not read it before and after)."""
        if value == 0 or source == dest:
            if value and self.reducible_balance(source, keep_alive) < value:
                raise DispatchError.token("FundsUnavailable")
            self.deposit_event("Transfer", {"from": source, "to": dest, "amount": value})
            return 0
        account = self.pallet("System").Account
        src = account.try_get(source)
        src_data = src["data"] if src is not None else _EMPTY_DATA
        src_free = src_data["free"]
        if self._reducible(src_data, False) < value:
            raise DispatchError.token("FundsUnavailable")
        if src_free - value < EXISTENTIAL_DEPOSIT and _pinned(src):
            raise DispatchError.token("Frozen")  # can_withdraw: beyond what a pinned account may spend
        if keep_alive and src_free - value < EXISTENTIAL_DEPOSIT:
            raise DispatchError.token("NotExpendable")
        dst = account.try_get(dest)
        dest_free = dst["data"]["free"] if dst is not None else 0
        if dest_free + value > U64_MAX:
            raise DispatchError.arithmetic("Overflow")
        if dest_free + value < EXISTENTIAL_DEPOSIT:
            raise DispatchError.token("BelowMinimum")
        dust = self._set_free(source, src_free - value, src)
        self._set_free(dest, dest_free + value, dst)
        burned = self._issuance_sub(dust) if dust else 0
        self.deposit_event("Transfer", {"from": source, "to": dest, "amount": value})
        return burned

    def withdraw(self, who: bytes, amount: int, keep_alive: bool = True, event: bool = True,
                 info: dict | None = None, issuance: bool = True) -> None:
        """Remove ``amount`` from ``who`` and from total issuance (fees, burns). ``info``: the account as
        the caller holds it (e.g. with its nonce already bumped), written back with the new balance.
        ``issuance=False`` leaves the issuance to the caller (a fee about to be credited elsewhere)."""
        if info is None:
            info = self.pallet("System").Account.try_get(who)
        data = info["data"] if info is not None else _EMPTY_DATA
        free = data["free"]
        if self._reducible(data, keep_alive or _pinned(info)) < amount:
            raise DispatchError.token("FundsUnavailable" if free < amount else "NotExpendable")
        dust = self._set_free(who, free - amount, info)
        burned = (amount if issuance else 0) + dust
        if burned:
            self._issuance_sub(burned)
        if event:
            self.deposit_event("Withdraw", {"who": who, "amount": amount})

    def deposit(self, who: bytes, amount: int, event: bool = True, issuance: bool = True) -> bool:
        """Add ``amount`` to ``who`` and to total issuance (minting); below-ED amounts to a new account are
        dropped (returns False). ``issuance=False``: the amount already exists (a fee being resolved)."""
        if amount == 0:
            return False
        info = self.pallet("System").Account.try_get(who)
        free = info["data"]["free"] if info is not None else 0
        if free + amount > U64_MAX:
            raise DispatchError.arithmetic("Overflow")
        if free + amount < EXISTENTIAL_DEPOSIT:
            return False
        self._set_free(who, free + amount, info)
        if issuance:
            self.TotalIssuance.set(min(self.TotalIssuance.get() + amount, U64_MAX))
        if event:
            self.deposit_event("Deposit", {"who": who, "amount": amount})
        return True

    def refund(self, who: bytes, amount: int) -> bool:
        """Give back part of a fee withdrawn with ``issuance=False``, as subtensor's fee handler does:
        only to an account that still holds something (``total_balance > 0``); False when it was
        not taken (the caller resolves it elsewhere)."""
        info = self.pallet("System").Account.try_get(who)
        if info is None or info["data"]["free"] + info["data"]["reserved"] == 0:
            return False
        try:
            return self.deposit(who, amount, issuance=False)
        except DispatchError:  # (BestEffort: an overflowing refund is not taken)
            return False

    # --- reserves (ReservableCurrency), as deposits use them -------------------------------------
    def reserve(self, who: bytes, amount: int) -> None:
        """``reserve``: move ``amount`` from free to reserved, or raise and change nothing.

        As FRAME's ``try_mutate_account``: an account holding a reserve takes a consumer reference
        (refused without a provider, or beyond MaxConsumers), and one whose free balance the reserve
        would take below the existential deposit is refused (``ConsumerRemaining``: it would lose
        its provider while consumed)."""
        if amount == 0:
            return
        system = self.pallet("System")
        info = system.Account.try_get(who)
        data = info["data"] if info is not None else _EMPTY_DATA
        free, reserved = data["free"], data["reserved"]
        if free < amount:
            raise self.error("InsufficientBalance")
        if reserved + amount > U64_MAX:
            raise DispatchError.arithmetic("Overflow")
        if free - amount < data["frozen"]:
            raise self.error("LiquidityRestrictions")
        assert info is not None  # (free >= amount > 0: the account exists)
        if not reserved and not data["frozen"]:  # it starts consuming
            if info["providers"] == 0:
                raise DispatchError("NoProviders")
            if info["consumers"] >= MAX_CONSUMERS:
                raise DispatchError("TooManyConsumers")
            info["consumers"] += 1
        if free >= EXISTENTIAL_DEPOSIT > free - amount and info["providers"] <= 1:
            raise DispatchError("ConsumerRemaining")
        data["free"], data["reserved"] = free - amount, reserved + amount
        system.Account.set(who, info)
        self.deposit_event("Reserved", {"who": who, "amount": amount})

    def unreserve(self, who: bytes, amount: int) -> int:
        """``unreserve``: move up to ``amount`` from reserved back to free; returns what could not be
        (``amount`` beyond the reserve). The consumer reference goes with the last of the reserve."""
        if amount == 0:
            return 0
        system = self.pallet("System")
        info = system.Account.try_get(who)
        if info is None or info["data"]["free"] + info["data"]["reserved"] == 0:
            return amount
        data = info["data"]
        actual = min(data["reserved"], amount)
        data["reserved"] -= actual
        data["free"] = min(data["free"] + actual, U64_MAX)
        if actual and not data["reserved"] and not data["frozen"]:
            info["consumers"] = max(info["consumers"] - 1, 0)
        system.Account.set(who, info)
        self.deposit_event("Unreserved", {"who": who, "amount": actual})
        return amount - actual

    def reserved_balance(self, who: bytes) -> int:
        return self.pallet("System").Account.get(who)["data"]["reserved"]

    def settle_fee(self, author: bytes | None, fee: int) -> None:
        """Resolve a fee withdrawn with ``issuance=False`` to ``author`` (the block author, as subtensor's
        TransactionFeeHandler does); a fee nobody can take (no author, below ED, overflow) is
        burned, i.e. leaves the issuance."""
        credited = False
        if author is not None:
            try:
                credited = self.deposit(author, fee, issuance=False)
            except DispatchError:
                credited = False
        if not credited:
            self._issuance_sub(fee)

    # --- calls ---------------------------------------------------------------------------------
    @call(0, [("dest", MULTI_ADDRESS, "AccountIdLookupOf<T>"), ("value", Compact(U64), "T::Balance")],
          weight=Weight.db(48_363_000, reads=1, writes=1, proof_size=3593))
    def transfer_allow_death(self, origin, dest, value: int) -> None:
        """Transfer some liquid free balance to another account; the sender may be reaped."""
        self.transfer(origin.ensure_signed(), lookup_address(dest), value, keep_alive=False)

    @call(2, [("source", MULTI_ADDRESS, "AccountIdLookupOf<T>"), ("dest", MULTI_ADDRESS, "AccountIdLookupOf<T>"),
              ("value", Compact(U64), "T::Balance")], weight=Weight.db(49_944_000, reads=2, writes=2, proof_size=6196))
    def force_transfer(self, origin, source, dest, value: int) -> None:
        """Exactly as `transfer_allow_death`, except the origin must be root and the source account may be specified."""
        origin.ensure_root()
        self.transfer(lookup_address(source), lookup_address(dest), value, keep_alive=False)

    @call(3, [("dest", MULTI_ADDRESS, "AccountIdLookupOf<T>"), ("value", Compact(U64), "T::Balance")],
          weight=Weight.db(38_159_000, reads=1, writes=1, proof_size=3593))
    def transfer_keep_alive(self, origin, dest, value: int) -> None:
        """Same as `transfer_allow_death`, but with a check that the transfer will not kill the origin account."""
        self.transfer(origin.ensure_signed(), lookup_address(dest), value, keep_alive=True)

    @call(4, [("dest", MULTI_ADDRESS, "AccountIdLookupOf<T>"), ("keep_alive", Bool, "bool")],
          weight=Weight.db(47_385_000, reads=1, writes=1, proof_size=3593))
    def transfer_all(self, origin, dest, keep_alive: bool) -> None:
        """Transfer the entire transferable balance from the caller account."""
        who = origin.ensure_signed()
        amount = self.reducible_balance(who, keep_alive)
        self.transfer(who, lookup_address(dest), amount, keep_alive=keep_alive)

    @call(8, [("who", MULTI_ADDRESS, "AccountIdLookupOf<T>"), ("new_free", Compact(U64), "T::Balance")],
          weight=Weight.db(19_929_000, reads=1, writes=1, proof_size=3593))
    def force_set_balance(self, origin, who, new_free: int) -> None:
        """Set the regular balance of a given account (root only)."""
        origin.ensure_root()
        account = lookup_address(who)
        self.set_free_balance(account, new_free)
        self.deposit_event("BalanceSet", {"who": account, "free": new_free})

    def set_free_balance(self, who: bytes, new_free: int) -> None:
        """Set a free balance, keeping TotalIssuance consistent (root and dev tooling)."""
        old = self.free_balance(who)
        dust = self._set_free(who, new_free)
        issuance = self.TotalIssuance.get()
        if new_free >= old:
            issuance = min(issuance + (new_free - old), U64_MAX)
        else:
            issuance = max(issuance - (old - new_free), 0)
        self.TotalIssuance.set(max(issuance - dust, 0))

    def build_genesis(self, config: dict) -> None:
        for account, amount in config.get("balances", []):
            self.set_free_balance(account, amount)


def _pinned(info: dict | None) -> bool:
    """An account that cannot lose its (only) provider while something consumes it, e.g. a reserve
    (``!can_dec_provider``): it may not spend below the existential deposit, even expendably."""
    return info is not None and info["consumers"] > 0 and info["providers"] <= 1
