"""Hotkey swaps: ``swap_hotkey`` (70) and ``swap_hotkey_v2`` (72) as ``swap/swap_hotkey.rs``; a part
class of SubtensorModule.

A coldkey moves one of its hotkeys to a new key, on every subnet (paying KeySwapCost, recycled) or on
one subnet (paying KeySwapOnSubnetCost, at most once per HotkeySwapOnSubnetInterval blocks per
subnet). What moves on each subnet: membership, uid and key, axon, prometheus, TLS certificate,
weight commits, loaded emission, childkey take, the parent/child relations (pending ones included),
auto-stake destinations and the subnet owner hotkey; unless ``keep_stake``, also the stake of every
coldkey, the last epoch's alpha, the dividends, the voting power and, on root, the root-claim books.
The all-subnets swap also moves the owner, the delegate take and the rate-limit blocks.

The call reports the weight subtensor accumulates (``DbWeight`` reads and writes), which is what
its fee is finally computed from. (Subtensor also moves stake locks, which this runtime does not have.)
"""
from __future__ import annotations

from tensornet.primitives.scale import AccountId, Bool, Option
from tensornet.runtime.dispatch import PostDispatchInfo, Weight
from tensornet.runtime.pallet import call

from .coldkey_swap import KEY_SWAP_COST
from .registration import mech_index
from .share_pool import SafeFloat
from .stake import ROOT
from .types import NetUid

KEY_SWAP_ON_SUBNET_COST = 1_000_000
"""``KeySwapOnSubnetCost``: 0.001 TAO."""
HOTKEY_SWAP_ON_SUBNET_INTERVAL = 7_200
"""``HotkeySwapOnSubnetInterval``: a day of blocks between a coldkey's swaps on one subnet (1 block
under the fast runtime, ``prod_or_fast!``)."""
_U64_MAX = 2**64 - 1
_I96F32_MAX = 2**127 - 1
_SWAP_ARGS = [("hotkey", AccountId, "T::AccountId"), ("new_hotkey", AccountId, "T::AccountId"),
              ("netuid", Option(NetUid), "Option<NetUid>")]


class _Tally:
    """The DbWeight reads and writes a swap accrues, as subtensor counts them."""

    __slots__ = ("reads", "writes")

    def __init__(self) -> None:
        self.reads = self.writes = 0

    def add(self, reads: int = 0, writes: int = 0) -> None:
        self.reads += reads
        self.writes += writes

    def post_info(self) -> PostDispatchInfo:
        return PostDispatchInfo(actual_weight=Weight.db(0, reads=self.reads, writes=self.writes))


def _upsert_edge(edges: list, proportion: int, who: bytes) -> list:
    """``PCRelations::upsert_edge``: set ``who``'s proportion in place, or append it."""
    out = list(edges)
    for i, (_, other) in enumerate(out):
        if other == who:
            out[i] = (proportion, who)
            return out
    return out + [(proportion, who)]


def _remove_edge(edges: list, who: bytes) -> list:
    return [(p, other) for p, other in edges if other != who]


def _set_edges(item, key: bytes, netuid: int, edges: list) -> None:
    """``set_childkeys`` / ``set_parentkeys``: an empty vector is removed, not stored."""
    if edges:
        item.set(key, netuid, edges)
    else:
        item.remove(key, netuid)


def _move_entry(item, old_keys: tuple, new_keys: tuple) -> bool:
    """Move a stored entry (not a default) to new keys, as subtensor's take-and-insert; False if absent."""
    value = item.try_get(*old_keys)
    if value is None:
        return False
    item.remove(*old_keys)
    item.set(*new_keys, value)
    return True


class HotkeySwapCalls:
    """Part class: hotkey swaps (see the module docstring)."""

    @call(70, _SWAP_ARGS, weight=Weight.db(1_242_038_000, reads=182, writes=99, proof_size=28912))
    def swap_hotkey(self, origin, hotkey: bytes, new_hotkey: bytes, netuid: int | None) -> PostDispatchInfo:
        """Move a hotkey to a new key, on one subnet or on all of them (deprecated: swap_hotkey_v2)."""
        return self.do_swap_hotkey(origin.ensure_signed(), hotkey, new_hotkey, netuid, False)

    @call(72, _SWAP_ARGS + [("keep_stake", Bool, "bool")],
          weight=Weight.db(275_300_000, reads=52, writes=35))
    def swap_hotkey_v2(self, origin, hotkey: bytes, new_hotkey: bytes, netuid: int | None,
                       keep_stake: bool) -> PostDispatchInfo:
        """swap_hotkey; with ``keep_stake`` the stake stays on the old hotkey and the rest moves."""
        return self.do_swap_hotkey(origin.ensure_signed(), hotkey, new_hotkey, netuid, keep_stake)

    # --- the checks shared by both paths ---------------------------------------------------------------
    def do_swap_hotkey(self, coldkey: bytes, old: bytes, new: bytes, netuid: int | None,
                       keep_stake: bool) -> PostDispatchInfo:
        if not self.coldkey_owns_hotkey(coldkey, old):
            raise self.error("NonAssociatedColdKey")
        if self.hotkey_account_exists(new) and not self.coldkey_owns_hotkey(coldkey, new):
            raise self.error("NonAssociatedColdKey")
        tally = _Tally()
        tally.add(reads=2)
        if old == new:
            raise self.error("NewHotKeyIsSameWithOld")
        block = self.block_number
        if self._exceeds_tx_rate_limit(self._last_tx_block("LastTxBlock", coldkey), block):
            raise self.error("HotKeySetTxRateLimitExceeded")
        tally.add(reads=2)
        if netuid is not None:
            registered = self.Uids.try_get(netuid, new) is not None
        else:
            registered = any(member for _, member in self.IsNetworkMember.iter(new))
        if registered:
            raise self.error("HotKeyAlreadyRegisteredInSubNet")
        if (netuid is None or netuid == ROOT) and not self._clean_for_root_swap(new):
            raise self.error("NewHotKeyNotCleanForRootSwap")
        for kind in ("LastTxBlock", "LastTxBlockDelegateTake", "LastTxBlockChildKeyTake"):
            self.LastRateLimitedBlock.set({kind: new}, self._last_tx_block(kind, old))
            tally.add(1, 1)
        if netuid is not None:
            return self._swap_hotkey_on_subnet(coldkey, old, new, netuid, keep_stake, tally)
        return self._swap_hotkey_everywhere(coldkey, old, new, keep_stake, tally)

    def hotkey_swap_on_subnet_interval(self) -> int:
        return 1 if self.env.runtime.config.fast else HOTKEY_SWAP_ON_SUBNET_INTERVAL

    def _last_tx_block(self, kind: str, account: bytes) -> int:
        return self.LastRateLimitedBlock.get({kind: account})

    def _exceeds_tx_rate_limit(self, previous: int, block: int) -> bool:
        limit = self.TxRateLimit.get()
        return limit != 0 and previous != 0 and max(block - previous, 0) <= limit

    def _clean_for_root_swap(self, new: bytes) -> bool:
        """No root-claim book and no root stake on the new hotkey (a merge would misallocate them)."""
        return (not self.RootClaimable.get(new) and self.get_stake_for_hotkey_on_subnet(new, ROOT) == 0
                and next(iter(self.RootClaimed.iter(ROOT, new)), None) is None)

    def _charge_key_swap(self, coldkey: bytes, cost: int) -> None:
        if cost > self.pallet("Balances").reducible_balance(coldkey, False):
            raise self.error("NotEnoughBalanceToPaySwapHotKey")
        self.recycle_tao(coldkey, cost)

    # --- on every subnet ---------------------------------------------------------------------------------
    def _swap_hotkey_everywhere(self, coldkey: bytes, old: bytes, new: bytes, keep_stake: bool,
                                tally: _Tally) -> PostDispatchInfo:
        block = self.block_number
        netuids, interval = self.get_all_subnet_netuids(), self.hotkey_swap_on_subnet_interval()
        tally.add(reads=2 * len(netuids) + 1)
        # the subnets the old hotkey is a member or a parent on keep the per-subnet cooldown
        affected = [n for n in netuids if self.IsNetworkMember.get(old, n) or self.ChildKeys.get(old, n)]
        for n in affected:
            last = self.LastHotkeySwapOnNetuid.get(n, coldkey)
            if last != 0 and not last + interval < block:
                raise self.error("HotKeySwapOnSubnetIntervalNotPassed")
            tally.add(reads=1)
        self._charge_key_swap(coldkey, KEY_SWAP_COST)
        tally.add(3, 0)
        tally.add(0, 2)
        # the old hotkey's shares as they stood (V1 then V2 entries), for the StakingHotkeys update
        shares = [(ck, SafeFloat.from_u64f64(v)) for (ck, _), v in self.Alpha.iter(old)]
        shares += [(ck, SafeFloat.from_value(v)) for (ck, _), v in self.AlphaV2.iter(old)]
        tally.add(reads=len(shares))
        tally.add(*self.swap_hotkey_locks(old, new))
        self.Owner.remove(old)
        if self.is_subnet_account_id(new) is not None:
            raise self.error("CannotUseSystemAccount")
        self.Owner.set(new, coldkey)
        tally.add(1, 1)
        owned = self.OwnedHotkeys.get(coldkey)
        if new not in owned:
            owned = owned + [new]
        self.OwnedHotkeys.set(coldkey, [h for h in owned if h != old])
        tally.add(1, 1)
        for n in netuids:
            self._swap_hotkey_on_one_subnet(old, new, n, keep_stake, tally)
        for kind in ("LastTxBlock", "LastTxBlockDelegateTake", "LastTxBlockChildKeyTake"):
            self.LastRateLimitedBlock.remove({kind: old})
            tally.add(1, 2)
        if _move_entry(self.Delegates, (old,), (new,)):
            tally.add(2, 2)
        if not keep_stake:
            for staker, share in shares:
                if share.is_zero():
                    continue
                hotkeys = self.StakingHotkeys.get(staker)
                tally.add(reads=1)
                if old in hotkeys:
                    self.StakingHotkeys.set(staker, [h for h in hotkeys if h not in (old, new)] + [new])
                    tally.add(writes=1)
        for n in affected:
            self.LastHotkeySwapOnNetuid.set(n, coldkey, block)
            tally.add(writes=1)
        self.LastRateLimitedBlock.set({"LastTxBlock": coldkey}, block)
        tally.add(writes=1)
        self.deposit_event("HotkeySwapped", {"coldkey": coldkey, "old_hotkey": old, "new_hotkey": new})
        return tally.post_info()

    # --- on one subnet ------------------------------------------------------------------------------------
    def _swap_hotkey_on_subnet(self, coldkey: bytes, old: bytes, new: bytes, netuid: int, keep_stake: bool,
                               tally: _Tally) -> PostDispatchInfo:
        block = self.block_number
        # (unlike the all-subnets path, a first swap waits for the interval too: the chain's check)
        if not self.LastHotkeySwapOnNetuid.get(netuid, coldkey) + self.hotkey_swap_on_subnet_interval() < block:
            raise self.error("HotKeySwapOnSubnetIntervalNotPassed")
        tally.add(3, 0)
        if self.is_subnet_account_id(new) is not None:
            raise self.error("CannotUseSystemAccount")
        if self.Uids.try_get(netuid, new) is not None:
            raise self.error("HotKeyAlreadyRegisteredInSubNet")
        tally.add(1, 0)
        tally.add(1, 0)
        self._charge_key_swap(coldkey, KEY_SWAP_ON_SUBNET_COST)
        tally.add(1, 1)
        self.Owner.set(new, coldkey)
        tally.add(1, 1)
        owned = self.OwnedHotkeys.get(coldkey)
        if new not in owned:
            self.OwnedHotkeys.set(coldkey, owned + [new])
            tally.add(1, 1)
        tally.add(*self.swap_hotkey_locks(old, new, [netuid]))
        self._swap_hotkey_on_one_subnet(old, new, netuid, keep_stake, tally)
        self.LastRateLimitedBlock.set({"LastTxBlock": coldkey}, block)
        self.LastHotkeySwapOnNetuid.set(netuid, coldkey, block)
        tally.add(writes=2)
        self.deposit_event("HotkeySwappedOnSubnet", {"coldkey": coldkey, "old_hotkey": old, "new_hotkey": new,
                                                     "netuid": netuid})
        return tally.post_info()

    def _swap_hotkey_on_one_subnet(self, old: bytes, new: bytes, netuid: int, keep_stake: bool,
                                   tally: _Tally) -> None:
        """``perform_hotkey_swap_on_one_subnet``."""
        member = self.IsNetworkMember.get(old, netuid)
        self.IsNetworkMember.remove(old, netuid)
        self.IsNetworkMember.set(new, netuid, member)
        tally.add(1, 2)
        if member:
            self._swap_member_items(old, new, netuid, tally)
        if _move_entry(self.ChildkeyTake, (old, netuid), (new, netuid)):
            tally.add(1, 2)
        self._swap_parent_child_relations(old, new, netuid, tally)
        for (parent,), (children, cooldown) in list(self.PendingChildKeys.iter(netuid)):
            tally.add(reads=1)
            at = next((i for i, (_, child) in enumerate(children) if child == old), None)
            if at is not None:
                moved = list(children)
                proportion, _ = moved.pop(at)
                self.PendingChildKeys.remove(netuid, parent)
                self.PendingChildKeys.set(netuid, parent, (moved + [(proportion, new)], cooldown))
                tally.add(1, 2)
        destinations = self.AutoStakeDestinationColdkeys.try_get(old, netuid)
        if destinations is not None:
            for staker in destinations:
                self.AutoStakeDestination.set(staker, netuid, new)
            self.AutoStakeDestinationColdkeys.remove(old, netuid)
            self.AutoStakeDestinationColdkeys.set(new, netuid, destinations)
        owner_hotkey = self.SubnetOwnerHotkey.try_get(netuid)
        if owner_hotkey is not None:
            tally.add(reads=1)
            if owner_hotkey == old:
                self.set_subnet_owner_hotkey(netuid, new)
                tally.add(writes=1)
        if not keep_stake:
            self._swap_hotkey_stake(old, new, netuid, tally)

    def _swap_member_items(self, old: bytes, new: bytes, netuid: int, tally: _Tally) -> None:
        """What a registered hotkey has on the subnet: uid and key, endpoints, commits, emission."""
        uid = self.Uids.try_get(netuid, old)
        if uid is not None:
            self.Uids.remove(netuid, old)
            self.Uids.set(netuid, new, uid)
            tally.add(1, 2)
            self.Keys.set(netuid, uid, new)
            tally.add(0, 1)
        for item in (self.Prometheus, self.Axons):
            if _move_entry(item, (netuid, old), (netuid, new)):
                tally.add(1, 2)
        for mecid in range(self.MechanismCountCurrent.get(netuid)):
            index = mech_index(netuid, mecid)
            if _move_entry(self.WeightCommits, (index, old), (index, new)):
                tally.add(1, 2)
        loaded = self.LoadedEmission.try_get(netuid)
        if loaded is not None:
            self.LoadedEmission.set(netuid, [(new if h == old else h, s, v) for h, s, v in loaded])
            tally.add(1, 2)
        if _move_entry(self.NeuronCertificates, (netuid, old), (netuid, new)):
            tally.add(1, 2)

    def _swap_hotkey_stake(self, old: bytes, new: bytes, netuid: int, tally: _Tally) -> None:
        """The stake and the per-hotkey books of dividends (``keep_stake`` off)."""
        last_epoch = self.TotalHotkeyAlphaLastEpoch.get(old, netuid)
        self.TotalHotkeyAlphaLastEpoch.remove(old, netuid)
        self.TotalHotkeyAlphaLastEpoch.set(new, netuid, min(last_epoch + self.TotalHotkeyAlphaLastEpoch.get(new, netuid),
                                                            _U64_MAX))
        tally.add(2, 2)
        dividends = self.AlphaDividendsPerSubnet.get(netuid, old) + self.AlphaDividendsPerSubnet.get(netuid, new)
        self.AlphaDividendsPerSubnet.remove(netuid, old)
        self.AlphaDividendsPerSubnet.set(netuid, new, min(dividends, _U64_MAX))
        tally.add(2, 2)
        power = self.VotingPower.take(netuid, old)
        if power > 0:
            self.VotingPower.set(netuid, new, min(power + self.VotingPower.get(netuid, new), _U64_MAX))
        tally.add(2, 2)
        v1 = [key for key, _ in self.Alpha.iter(old)]
        v2 = [key for key, _ in self.AlphaV2.iter(old)]
        tally.add(len(v1), len(v1))
        tally.add(len(v2), len(v2))
        for staker in sorted({ck for ck, n in v1 + v2 if n == netuid}):  # (a BTreeSet: account order)
            alpha = self.get_stake_for_hotkey_and_coldkey_on_subnet(old, staker, netuid)
            self.decrease_stake_for_hotkey_and_coldkey_on_subnet(old, staker, netuid, alpha)
            self.increase_stake_for_hotkey_and_coldkey_on_subnet(new, staker, netuid, alpha)
            tally.add(2, 2)
            hotkeys = self.StakingHotkeys.get(staker)
            tally.add(reads=1)
            if old in hotkeys and new not in hotkeys:
                self.StakingHotkeys.set(staker, hotkeys + [new])
                tally.add(writes=1)
        if netuid == ROOT:
            self._swap_root_claims(old, new, tally)

    def _swap_root_claims(self, old: bytes, new: bytes, tally: _Tally) -> None:
        """``transfer_root_claimable_for_new_hotkey`` and every RootClaimed watermark of the old hotkey."""
        claimable = dict(self.RootClaimable.get(new))
        for n, rate in self.RootClaimable.get(old):
            claimable[n] = min(claimable.get(n, 0) + rate, _I96F32_MAX)
        self.RootClaimable.remove(old)
        self.RootClaimable.set(new, sorted(claimable.items()))
        tally.add(2, 2)
        tally.add(reads=1)
        for n in sorted(claimable):
            stakers = [ck for (ck,), _ in self.RootClaimed.iter(n, old)]
            tally.add(reads=len(stakers))
            for staker in stakers:
                self.transfer_root_claimed_for_new_keys(n, old, new, staker, staker)
                tally.add(2, 2)
        if _move_entry(self.AutoParentDelegationEnabled, (old,), (new,)):
            tally.add(1, 2)

    # --- parents and children (``parent_child_swap_hotkey``) ----------------------------------------------
    def _swap_parent_child_relations(self, old: bytes, new: bytes, netuid: int, tally: _Tally) -> None:
        children = self._relation_map(self.ChildKeys.get(old, netuid), old)
        parents = self._relation_map(self.ParentKeys.get(old, netuid), old)
        if sum(children.values()) > _U64_MAX:
            raise self.error("ProportionOverflow")
        if any(child in parents for child in children):
            raise self.error("ChildParentInconsistency")
        tally.add(2, 0)
        for child in children:
            _set_edges(self.ParentKeys, child, netuid, _remove_edge(self.ParentKeys.get(child, netuid), old))
            tally.add(1, 1)
        for parent in parents:
            self.ChildKeys.set(parent, netuid, _remove_edge(self.ChildKeys.get(parent, netuid), old))
            tally.add(1, 1)
        self.ChildKeys.set(old, netuid, [])
        _set_edges(self.ParentKeys, old, netuid, [])
        tally.add(0, 2)
        if new in children or new in parents:
            raise self.error("InvalidChild")
        if self.PendingChildKeys.contains(netuid, old):
            pending, cooldown = self.PendingChildKeys.get(netuid, old)
            scheduled = {child: p for p, child in pending}
            if new in scheduled:
                raise self.error("InvalidChild")
            if len(scheduled) > 5:
                raise self.error("TooManyChildren")
            if sum(scheduled.values()) > _U64_MAX:
                raise self.error("ProportionOverflow")
            if any(child in parents for child in scheduled):
                raise self.error("ChildParentInconsistency")
            self.PendingChildKeys.remove(netuid, old)
            self.PendingChildKeys.set(netuid, new, (pending, cooldown))
            tally.add(1, 2)
        self._persist_relations(new, netuid, children, parents, tally)

    @staticmethod
    def _relation_map(edges: list, pivot: bytes) -> dict[bytes, int]:
        """(proportion, key) edges as a key-ordered map without self-loops (a BTreeMap: last wins)."""
        out: dict[bytes, int] = {}
        for proportion, other in edges:
            if other != pivot:
                out[other] = proportion
        return dict(sorted(out.items()))

    def _persist_relations(self, pivot: bytes, netuid: int, children: dict, parents: dict, tally: _Tally) -> None:
        """``persist_child_parent_relations``: the pivot's children, then its parents."""
        self._persist_side(pivot, netuid, self.ChildKeys, self.ParentKeys, children, tally, weighed=True)
        self._persist_side(pivot, netuid, self.ParentKeys, self.ChildKeys, parents, tally, weighed=False)

    @staticmethod
    def _persist_side(pivot: bytes, netuid: int, own, other, linked: dict, tally: _Tally, weighed: bool) -> None:
        """The pivot's vector in ``own`` becomes ``linked``; each counterpart's vector in ``other`` gains,
        updates (added, then common, in key order) or loses its edge to the pivot. Subtensor weighs the
        pivot's own read and write on the children side only (``weighed``)."""
        previous = {key for _, key in own.get(pivot, netuid)}
        _set_edges(own, pivot, netuid, [(p, key) for key, p in linked.items()])
        if weighed:
            tally.add(1, 1)
        for key in sorted(set(linked) - previous) + sorted(set(linked) & previous):
            _set_edges(other, key, netuid, _upsert_edge(other.get(key, netuid), linked[key], pivot))
            tally.add(1, 1)
        for key in sorted(previous - set(linked)):
            _set_edges(other, key, netuid, _remove_edge(other.get(key, netuid), pivot))
            tally.add(1, 1)
