"""Neuron registration: burned_register / register / register_limit / root_register, uid slots.

Mirrors ``subnets/registration.rs``, ``subnets/uids.rs`` and ``coinbase/root.rs do_root_register``:
the burn is a buy-and-burn in the subnet's pool (TAO to the subnet account, swapped to alpha *with*
the fee, the bought alpha destroyed), the price then rises by BurnIncreaseMult and decays every block
(``update_registration_prices_for_networks``, run by the block step). A full subnet replaces the
prune candidate; every per-uid vector and map is kept the same length as ``SubnetworkN``.
"""
from __future__ import annotations

from tensornet.amm.pool import MAX_PRICE_RAO
from tensornet.primitives.scale import U64, AccountId, Bytes
from tensornet.runtime.dispatch import Weight
from tensornet.runtime.pallet import call

from . import coinbase_math as cm
from .types import NetUid

GLOBAL_MAX_SUBNET_COUNT = 4096
ROOT = 0


def mech_index(netuid: int, mecid: int) -> int:
    """``get_mechanism_storage_index``: NetUidStorageIndex = mecid·4096 + netuid."""
    return mecid * GLOBAL_MAX_SUBNET_COUNT + netuid


def _set_at(vec: list, i: int, value) -> list:
    if 0 <= i < len(vec):
        vec[i] = value
    return vec


class NeuronSlots:
    """Uid slot bookkeeping shared by registration, root registration and epochs."""

    def mechanism_count(self, netuid: int) -> int:
        return self.MechanismCountCurrent.get(netuid)

    def mechanism_indices(self, netuid: int) -> list[int]:
        return [mech_index(netuid, m) for m in range(self.mechanism_count(netuid))]

    def get_owner_uid(self, netuid: int) -> int | None:
        owner_hk = self.SubnetOwnerHotkey.try_get(netuid)
        return None if owner_hk is None else self.Uids.get(netuid, owner_hk)

    def get_last_update(self, netuid_index: int) -> list[int]:
        """LastUpdate padded to SubnetworkN (``get_last_update``)."""
        v = list(self.LastUpdate.get(netuid_index))
        n = self.SubnetworkN.get(netuid_index % GLOBAL_MAX_SUBNET_COUNT)
        return v + [0] * (n - len(v)) if len(v) < n else v

    def set_last_update_for_uid(self, netuid_index: int, uid: int, block: int) -> None:
        v = self.get_last_update(netuid_index)
        if uid < len(v):
            v[uid] = block
            self.LastUpdate.set(netuid_index, v)

    def is_neuron_immune(self, netuid: int, uid: int) -> bool:
        registered = self.BlockAtRegistration.get(netuid, uid)
        return self.block_number - registered < self.ImmunityPeriod.get(netuid)

    def append_neuron(self, netuid: int, hotkey: bytes, block: int) -> int:
        uid = self.SubnetworkN.get(netuid)
        self.SubnetworkN.set(netuid, uid + 1)
        self.Active.mutate(netuid, lambda v: list(v) + [True])
        self.Emission.mutate(netuid, lambda v: list(v or []) + [0])
        self.Consensus.mutate(netuid, lambda v: list(v) + [0])
        for idx in self.mechanism_indices(netuid):
            self.Incentive.mutate(idx, lambda v: list(v) + [0])
            self.set_last_update_for_uid(idx, uid, block)
        self.Dividends.mutate(netuid, lambda v: list(v) + [0])
        self.ValidatorTrust.mutate(netuid, lambda v: list(v) + [0])
        self.ValidatorPermit.mutate(netuid, lambda v: list(v) + [False])
        self.Keys.set(netuid, uid, hotkey)
        self.Uids.set(netuid, hotkey, uid)
        self.BlockAtRegistration.set(netuid, uid, block)
        self.IsNetworkMember.set(hotkey, netuid, True)
        return uid

    def clear_neuron(self, netuid: int, uid: int) -> None:
        self.Emission.mutate(netuid, lambda v: _set_at(list(v or []), uid, 0))
        self.Consensus.mutate(netuid, lambda v: _set_at(list(v), uid, 0))
        for idx in self.mechanism_indices(netuid):
            self.Incentive.mutate(idx, lambda v: _set_at(list(v), uid, 0))
            self.Bonds.remove(idx, uid)
            self.Weights.remove(idx, uid)
            for (row_uid,), row in list(self.Weights.iter(idx)):
                if any(j == uid for j, _ in row):
                    self.Weights.set(idx, row_uid, [(j, 0 if j == uid else w) for j, w in row])
        self.Dividends.mutate(netuid, lambda v: _set_at(list(v), uid, 0))
        self.StakeWeight.mutate(netuid, lambda v: _set_at(list(v), uid, 0))
        self.ValidatorTrust.mutate(netuid, lambda v: _set_at(list(v), uid, 0))
        self.ValidatorPermit.mutate(netuid, lambda v: _set_at(list(v), uid, False))

    def replace_neuron(self, netuid: int, uid: int, new_hotkey: bytes, block: int) -> None:
        old = self.Keys.get(netuid, uid)
        if self.SubnetOwnerHotkey.try_get(netuid) == old:
            return  # the owner hotkey is never replaced
        self.Uids.remove(netuid, old)
        self.AssociatedEvmAddress.remove(netuid, uid)
        self.IsNetworkMember.remove(old, netuid)
        self.Active.mutate(netuid, lambda v: _set_at(list(v), uid, True))
        self.Keys.set(netuid, uid, new_hotkey)
        self.Uids.set(netuid, new_hotkey, uid)
        self.BlockAtRegistration.set(netuid, uid, block)
        self.IsNetworkMember.set(new_hotkey, netuid, True)
        self.Axons.remove(netuid, old)
        self.NeuronCertificates.remove(netuid, old)
        self.Prometheus.remove(netuid, old)
        self.clear_neuron(netuid, uid)
        for idx in self.mechanism_indices(netuid):
            self.set_last_update_for_uid(idx, uid, block)

    # --- pruning ---------------------------------------------------------------------------------
    def immune_owner_hotkeys(self, netuid: int, coldkey: bytes) -> list[bytes]:
        """Owner-immortal hotkeys: oldest registrations of the owner, limited; owner hotkey first."""
        triples = []
        for hk in self.OwnedHotkeys.get(coldkey) or []:
            uid = self.Uids.get(netuid, hk)
            if uid is not None:
                triples.append((self.BlockAtRegistration.get(netuid, uid), uid, hk))
        triples.sort(key=lambda t: (t[0], t[1]))
        limit = self.ImmuneOwnerUidsLimit.get(netuid)
        tuples = [(uid, hk) for _, uid, hk in triples[:limit]]
        owner_hk = self.SubnetOwnerHotkey.try_get(netuid)
        if owner_hk is not None:
            owner_uid = self.Uids.get(netuid, owner_hk)
            if owner_uid is not None and (owner_uid, owner_hk) not in tuples:
                tuples = ([(owner_uid, owner_hk)] + tuples)[:limit]
        return [hk for _, hk in tuples]

    def get_neuron_to_prune(self, netuid: int) -> int | None:
        """Lowest emission among non-immune uids if more than MinNonImmuneUids are free, else the
        lowest-emission immune uid; ties by earliest registration, then lowest uid."""
        n = self.SubnetworkN.get(netuid)
        if n == 0:
            return None
        immortal = set(self.immune_owner_hotkeys(netuid, self.SubnetOwner.get(netuid)))
        emissions = self.Emission.get(netuid) or []
        free = 0
        best_free = best_immune = None
        for uid in range(n):
            hk = self.Keys.try_get(netuid, uid)
            if hk is None or hk in immortal:
                continue
            key = (emissions[uid] if uid < len(emissions) else 0,
                   self.BlockAtRegistration.get(netuid, uid), uid)
            if self.is_neuron_immune(netuid, uid):
                best_immune = key if best_immune is None or key < best_immune else best_immune
            else:
                free += 1
                best_free = key if best_free is None or key < best_free else best_free
        if best_free is not None and free > self.MinNonImmuneUids.get(netuid):
            return best_free[2]
        return None if best_immune is None else best_immune[2]

    def register_neuron(self, netuid: int, hotkey: bytes) -> int:
        block = self.block_number
        if self.SubnetworkN.get(netuid) < self.MaxAllowedUids.get(netuid):
            return self.append_neuron(netuid, hotkey, block)
        uid = self.get_neuron_to_prune(netuid)
        if uid is None:
            raise self.error("NoNeuronIdAvailable")
        self.replace_neuron(netuid, uid, hotkey, block)
        return uid


class RegistrationPart(NeuronSlots):
    """The registration calls of SubtensorModule."""

    @call(7, [("netuid", NetUid, "NetUid"), ("hotkey", AccountId, "T::AccountId")], weight=Weight.db(336_815_000, reads=34, writes=29, proof_size=6148))
    def burned_register(self, origin, netuid, hotkey):
        """Register a hotkey on a subnet by paying the current Burn (a buy-and-burn in its pool)."""
        self.do_register(origin.ensure_signed(), netuid, hotkey)

    @call(6, [("netuid", NetUid, "NetUid"), ("block_number", U64, "u64"), ("nonce", U64, "u64"),
              ("work", Bytes, "Vec<u8>"), ("hotkey", AccountId, "T::AccountId"),
              ("coldkey", AccountId, "T::AccountId")], weight=Weight.db(349_872_000, reads=34, writes=29, proof_size=6148))
    def register(self, origin, netuid, block_number, nonce, work, hotkey, coldkey):
        """Legacy PoW registration; at HEAD the PoW arguments are ignored (same as burned_register)."""
        self.do_register(origin.ensure_signed(), netuid, hotkey)

    @call(134, [("netuid", NetUid, "NetUid"), ("hotkey", AccountId, "T::AccountId"),
                ("limit_price", U64, "u64")], weight=Weight.db(354_200_000, reads=47, writes=40, proof_size=0))
    def register_limit(self, origin, netuid, hotkey, limit_price):
        """burned_register that fails when the Burn exceeds ``limit_price``."""
        coldkey = origin.ensure_signed()
        if netuid == ROOT:
            raise self.error("RegistrationNotPermittedOnRootSubnet")
        if not self.NetworksAdded.get(netuid):
            raise self.error("SubnetNotExists")
        if self.Burn.get(netuid) > limit_price:
            raise self.error("RegistrationPriceLimitExceeded")
        self.do_register(coldkey, netuid, hotkey)

    @call(62, [("hotkey", AccountId, "T::AccountId")], weight=Weight.db(103_934_000, reads=19, writes=16, proof_size=4981))
    def root_register(self, origin, hotkey):
        """Register a hotkey on root (netuid 0); when full, replace the lowest root stake."""
        if not self.NetworksAdded.get(ROOT):
            raise self.error("RootNetworkDoesNotExist")
        coldkey = origin.ensure_signed()
        if self.RegistrationsThisBlock.get(ROOT) >= self.MaxRegistrationsPerBlock.get(ROOT):
            raise self.error("TooManyRegistrationsThisBlock")
        if self.RegistrationsThisInterval.get(ROOT) >= 3 * self.TargetRegistrationsPerInterval.get(ROOT):
            raise self.error("TooManyRegistrationsThisInterval")
        if self.Uids.get(ROOT, hotkey) is not None:
            raise self.error("HotKeyAlreadyRegisteredInSubNet")
        self.create_account_if_non_existent(coldkey, hotkey)
        block = self.block_number
        if self.SubnetworkN.get(ROOT) < self.MaxAllowedUids.get(ROOT):
            uid = self.append_neuron(ROOT, hotkey, block)
        else:
            lowest = None
            for (uid_i,), hk in self.Keys.iter(ROOT):
                stake = self.TotalHotkeyAlpha.get(hk, ROOT)
                if lowest is None or stake < lowest[0]:
                    lowest = (stake, uid_i)
            if lowest is None or lowest[0] >= self.TotalHotkeyAlpha.get(hotkey, ROOT):
                raise self.error("StakeTooLowForRoot")
            uid = lowest[1]
            self.replace_neuron(ROOT, uid, hotkey, block)
        if self.Delegates.try_get(hotkey) is None:
            self.Delegates.set(hotkey, 11_796)
        self.RegistrationsThisInterval.mutate(ROOT, lambda v: v + 1)
        self.RegistrationsThisBlock.mutate(ROOT, lambda v: v + 1)
        self.deposit_event("NeuronRegistered", (ROOT, uid, hotkey))

    # --- the shared flow -------------------------------------------------------------------------
    def do_register(self, coldkey: bytes, netuid: int, hotkey: bytes) -> int:
        if netuid == ROOT:
            raise self.error("RegistrationNotPermittedOnRootSubnet")
        if not self.NetworksAdded.get(netuid):
            raise self.error("SubnetNotExists")
        if not self.NetworkRegistrationAllowed.get(netuid):
            raise self.error("SubNetRegistrationDisabled")
        if self.Uids.get(netuid, hotkey) is not None:
            raise self.error("HotKeyAlreadyRegisteredInSubNet")
        cost = self.Burn.get(netuid)
        balances = self.pallet("Balances")
        if balances.reducible_balance(coldkey, False) < cost:
            raise self.error("NotEnoughBalanceToStake")
        self.create_account_if_non_existent(coldkey, hotkey)
        if self.Owner.get(hotkey) != coldkey:
            raise self.error("NonAssociatedColdKey")
        max_n = self.MaxAllowedUids.get(netuid)
        if max_n == 0:
            raise self.error("NoNeuronIdAvailable")
        if self.SubnetworkN.get(netuid) >= max_n and self.get_neuron_to_prune(netuid) is None:
            raise self.error("NoNeuronIdAvailable")
        paid = self.transfer_tao_to_subnet(netuid, coldkey, cost)
        bought = self.registration_swap(netuid, paid)
        self.SubnetAlphaOut.mutate(netuid, lambda v: max(v - bought, 0))
        uid = self.register_neuron(netuid, hotkey)
        self.Burn.set(netuid, cm.bumped_burn(self.Burn.get(netuid), self.BurnIncreaseMult.get(netuid),
                                             self.MinBurn.get(netuid), self.MaxBurn.get(netuid)))
        self.RegistrationsThisBlock.mutate(netuid, lambda v: v + 1)
        self.RAORecycledForRegistration.mutate(netuid, lambda v: v + cost)
        self.SubnetTaoFlow.mutate(netuid, lambda v: v + paid)
        self.deposit_event("NeuronRegistered", (netuid, uid, hotkey))
        return uid

    def registration_swap(self, netuid: int, tao: int) -> int:
        """Buy alpha with the burn, paying the swap fee (which, as at HEAD, stays in the subnet
        account: ``do_register`` neither pays it to the author nor burns it); returns the alpha."""
        return self.swap_tao_for_alpha(netuid, tao, MAX_PRICE_RAO, False).amount_paid_out

    def update_registration_prices_for_networks(self, block: int, netuids: list[int]) -> None:
        """Per block: decay every subnet's Burn, reset RegistrationsThisBlock (root: interval too)."""
        for netuid in netuids:
            burn = self.Burn.get(netuid)
            new = cm.decayed_burn(burn, self.BurnHalfLife.get(netuid), self.MinBurn.get(netuid),
                                  self.MaxBurn.get(netuid), block)
            if new != burn:
                self.Burn.set(netuid, new)
            if self.RegistrationsThisBlock.get(netuid):
                self.RegistrationsThisBlock.set(netuid, 0)
            if netuid == ROOT and self.should_run_epoch(netuid, block):
                self.RegistrationsThisInterval.set(netuid, 0)
