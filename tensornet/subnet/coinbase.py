"""The block step (``on_initialize`` of SubtensorModule), in ``coinbase/block_step.rs`` order.

1. registration price decay; 2. TAO block emission by issuance (halvings, 21M cap); 3. (timelocked
reveals: none here); 4. ``run_coinbase``: subnets to emit to, TAO shares by EMA price × (1 −
MinerBurned) with SubnetEmissionEnabled, liquidity injection and the chain buy of the excess,
alpha_out with owner cut and the server/validator/root split into the pending accumulators, then
the epochs due (at most MaxEpochsPerBlock, the rest deferred) drained and distributed; 5. moving
price EMA; 6. RootProp; 7. pending childkeys of subnets whose epoch just ran.

The maths is in ``coinbase_math``; this part only moves values between storage and it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tensornet.amm.errors import AmmError
from tensornet.amm.pool import (
    MAX_PRICE_RAO,
    PoolState,
    SwapResult,
    inject_liquidity,
    spot_price,
    with_reserves,
)
from tensornet.amm.staking import swap_tao_for_alpha as amm_swap_tao_for_alpha
from tensornet.runtime.dispatch import Weight

from . import coinbase_math as cm
from .registration import ROOT
from .stake import subnet_account

MAX_TEMPO = 50_400
TAO_SUPPLY = 21_000_000_000_000_000


@dataclass
class BlockCarry:
    """Per-subnet values one block step reads or computes once and hands to its later stages:
    FirstEmissionBlockNumber, the moving price (U64F64 bits) before this block's update, the pool
    after the injection (the epochs do not trade) and SubnetAlphaOut after the emission."""

    first_emission: dict[int, int] = field(default_factory=dict)
    moving: dict[int, int] = field(default_factory=dict)
    pools: dict[int, PoolState] = field(default_factory=dict)
    alpha_out: dict[int, int] = field(default_factory=dict)


#: hooks.rs on_initialize: what the block step is declared to weigh whatever it did
BLOCK_STEP_WEIGHT = Weight.db(110_634_229_000, reads=8304, writes=110)


class CoinbasePart:
    """Block step of SubtensorModule."""

    def on_initialize(self, block_number: int) -> Weight:
        """The block step, and the weight subtensor's hook declares for it (a constant, plus the
        reads of ``clean_up_hotkey_swap_records`` when there are no swap records to clean)."""
        netuids = self.all_subnet_netuids()
        self.block_step(block_number, netuids)
        return BLOCK_STEP_WEIGHT + Weight.db(0, reads=2 + len(netuids))

    def block_step(self, block: int, netuids: list[int] | None = None) -> None:
        """``netuids``: ``all_subnet_netuids()`` when the caller has it (no subnet is added or
        removed inside the block step)."""
        if netuids is None:
            netuids = self.all_subnet_netuids()
        self.update_registration_prices_for_networks(block, netuids)
        minted = self.mint_block_emission()
        carry = BlockCarry()
        emitting = self.subnets_to_emit_to(netuids, carry.first_emission)
        epoch_slots = self.run_coinbase(block, minted, netuids, emitting, carry)
        moving_alpha = self.SubnetMovingAlpha.get()
        for netuid in emitting:
            self.update_moving_price(netuid, block, carry.pools.get(netuid), carry.first_emission.get(netuid),
                                     moving_alpha, carry.moving.get(netuid))
        tw = cm.tao_weight_u96f32(self.TaoWeight.get())
        root_tao = self.SubnetTAO.get(ROOT)
        for netuid in emitting:  # a subnet whose epoch ran may have recycled alpha: read it again
            out = carry.alpha_out.get(netuid)
            if out is None or netuid in epoch_slots:
                out = self.SubnetAlphaOut.get(netuid)
            self.RootProp.set(netuid, cm.root_proportion(root_tao, carry.pools[netuid].alpha_reserve + out, tw))
        for netuid in netuids:
            if netuid in epoch_slots:  # LastEpochBlock was set to this block by drain_pending
                self.do_set_pending_children(netuid)

    # --- subnets --------------------------------------------------------------------------------
    def all_subnet_netuids(self) -> list[int]:
        return sorted(n for (n,), added in self.NetworksAdded.iter() if added)

    def subnets_to_emit_to(self, netuids: list[int], first_emission: dict[int, int] | None = None) -> list[int]:
        """Subnets with a first emission block, subtoken and registration enabled; fills
        ``first_emission`` (netuid -> FirstEmissionBlockNumber) so the block step reads it once."""
        out = []
        for n in netuids:
            if n == ROOT:
                continue
            first = self.FirstEmissionBlockNumber.try_get(n)
            if first is not None and self.SubtokenEnabled.get(n) and self.NetworkRegistrationAllowed.get(n):
                out.append(n)
                if first_emission is not None:
                    first_emission[n] = first
        return out

    def root_proportion32(self, netuid: int, tao_weight32: int, root_tao: int | None = None) -> int:
        issuance = self.SubnetAlphaIn.get(netuid) + self.SubnetAlphaOut.get(netuid)
        root_tao = self.SubnetTAO.get(ROOT) if root_tao is None else root_tao
        return cm.root_proportion(root_tao, issuance, tao_weight32)

    def moving_price64(self, netuid: int) -> int:
        """``get_moving_alpha_price`` as U64F64 bits (root and stable subnets: 1.0)."""
        if netuid == ROOT or self.SubnetMechanism.get(netuid) == 0:
            return cm.ONE64
        return max(self.SubnetMovingPrice.get(netuid), 0) << (cm.F64 - cm.F32)

    # --- TAO ------------------------------------------------------------------------------------
    def mint_block_emission(self) -> int:
        """``get_block_emission`` + ``mint_tao``: rao of credit for this block (capped at 21M)."""
        amount = cm.block_emission_for_issuance(self.TotalIssuance.get())
        if amount != self.BlockEmission.get():
            self.BlockEmission.set(amount)
        if amount == 0:
            return 0
        balances_issuance = self.pallet("Balances").TotalIssuance.get()
        amount = min(amount, max(TAO_SUPPLY - balances_issuance, 0))
        self.TotalIssuance.set(self.TotalIssuance.get() + amount)
        return amount

    def run_coinbase(self, block: int, credit: int, netuids: list[int], emitting: list[int],
                     carry: BlockCarry | None = None) -> set[int]:
        """Emission, then the epochs due; returns the subnets whose epoch slot was consumed
        (LastEpochBlock set to ``block``). ``carry`` receives what later stages reuse."""
        carry = BlockCarry() if carry is None else carry
        self.SubnetRootSellTao.clear_prefix()
        subnets = [n for n in netuids if n != ROOT]
        prices = carry.moving
        prices.update((n, self.moving_price64(n)) for n in emitting)
        shares = cm.emission_shares(prices, {n: self.MinerBurned.get(n) for n in emitting},
                                    {n: self.SubnetEmissionEnabled.get(n) for n in emitting})
        emissions = cm.subnet_block_emissions(shares, credit)
        root_sell = sum(prices.values()) > cm.ONE64
        remaining = self.emit_to_subnets(emitting, emissions, credit, root_sell, carry.pools, carry.alpha_out)
        if remaining:
            self.TotalIssuance.mutate(lambda v: max(v - remaining, 0))  # recycle_credit
        slots: set[int] = set()
        keys: dict[int, list[tuple[int, bytes]]] = {}
        due = self.drain_pending(subnets, block, slots, keys)
        for netuid, pending in due.items():  # no epoch changes Keys: the drained read is current
            self.distribute_emission(netuid, *pending, keys=keys.get(netuid))
            self.LastMechansimStepBlock.set(netuid, block)
        return slots

    def emit_to_subnets(self, emitting: list[int], emissions: dict[int, int], credit: int,
                        root_sell: bool, pools: dict[int, PoolState] | None = None,
                        alpha_out_after: dict[int, int] | None = None) -> int:
        """Inject liquidity, chain-buy the excess, mint alpha_out into the pending accumulators;
        returns the unspent credit (recycled by the caller).

        Each subnet's pool, alpha issuance and TotalStake are read once and carried along (no
        other subnet's step touches them); each changed value is written once."""
        tw = cm.tao_weight_u96f32(self.TaoWeight.get())
        cut_u16 = self.SubnetOwnerCut.get()
        root_tao = self.SubnetTAO.get(ROOT)
        balances = self.pallet("Balances")
        pools = {} if pools is None else pools
        terms, alpha_out, issued = {}, {}, {}
        for netuid in emitting:
            pool = self.pool_state(netuid)
            alpha_in0, alpha_out0 = pool.alpha_reserve, self.SubnetAlphaOut.get(netuid)
            alpha_emission = cm.block_emission_for_issuance(alpha_in0 + alpha_out0)
            price32 = spot_price(pool).bits >> (cm.F64 - cm.F32)
            rp = cm.root_proportion(root_tao, alpha_in0 + alpha_out0, tw)
            terms[netuid] = cm.subnet_terms(emissions.get(netuid, 0), price32, alpha_emission, rp)
            pools[netuid], alpha_out[netuid], issued[netuid] = pool, alpha_out0, alpha_out0
        total_stake0 = total_stake = self.TotalStake.get()
        for netuid in emitting:
            t, before = terms[netuid], pools[netuid]
            tao_in, alpha_in = cm.to_u64_32(t.tao_in), cm.to_u64_32(t.alpha_in)
            excess = cm.to_u64_32(t.excess_tao)
            tao_in, alpha_in, pool = self.adjust_protocol_liquidity(netuid, tao_in, alpha_in, before)
            # spend_tao: each part is paid from the block's credit while the credit lasts; both
            # parts land in the subnet account (one deposit for both)
            spend_excess = bool(excess) and credit >= excess
            credit -= excess if spend_excess else 0
            spend_tao_in = bool(tao_in) and credit >= tao_in
            credit -= tao_in if spend_tao_in else 0
            paid = (excess if spend_excess else 0) + (tao_in if spend_tao_in else 0)
            if paid:
                balances.deposit(subnet_account(netuid), paid, event=False)  # an added subnet
            excess_paid_in = 0
            if spend_excess:
                result = self.chain_buy(netuid, pool, excess)
                if result is not None:
                    excess_paid_in, bought, pool = result.amount_paid_in, result.amount_paid_out, result.pool
                    alpha_out[netuid] = min(alpha_out[netuid] + bought, cm.U64_MAX)
                    total_stake = min(total_stake + excess, cm.U64_MAX)
                    if bought:
                        self.SubnetProtocolAlpha.set(netuid, self.SubnetProtocolAlpha.get(netuid) + bought)
            self.SubnetExcessTao.set(netuid, excess_paid_in)
            self.SubnetAlphaInEmission.set(netuid, alpha_in)
            self.SubnetTaoInEmission.set(netuid, tao_in if spend_tao_in else 0)
            tao_reserve, alpha_reserve = pool.tao_reserve, pool.alpha_reserve + alpha_in
            if spend_tao_in:
                tao_reserve += tao_in
                total_stake += tao_in
            if alpha_reserve != before.alpha_reserve:
                self.SubnetAlphaIn.set(netuid, alpha_reserve)
            if tao_reserve != before.tao_reserve:
                self.SubnetTAO.set(netuid, tao_reserve)
            if (tao_reserve, alpha_reserve) != (pool.tao_reserve, pool.alpha_reserve):
                pool = with_reserves(pool, tao_reserve, alpha_reserve)
            pools[netuid] = pool
        if total_stake != total_stake0:
            self.TotalStake.set(total_stake)
        for netuid in emitting:
            t = terms[netuid]
            out0, out = issued[netuid], alpha_out[netuid]
            created = cm.to_u64_32(t.alpha_out)
            self.SubnetAlphaOutEmission.set(netuid, created)
            out += created
            # after injection and minting, as the chain reads it
            rp = cm.root_proportion(root_tao, pools[netuid].alpha_reserve + out, tw)
            split = cm.split_alpha_out(t.alpha_out, cut_u16, self.OwnerCutEnabled.get(netuid), rp)
            if split.owner_cut:
                self.PendingOwnerCut.set(netuid, self.PendingOwnerCut.get(netuid) + split.owner_cut)
            if split.server:
                self.PendingServerEmission.set(netuid, self.PendingServerEmission.get(netuid) + split.server)
            if split.validator:
                self.PendingValidatorEmission.set(netuid, self.PendingValidatorEmission.get(netuid) + split.validator)
            if split.root:
                if root_sell:
                    self.PendingRootAlphaDivs.set(netuid, self.PendingRootAlphaDivs.get(netuid) + split.root)
                else:
                    out = max(out - split.root, 0)
            if out != out0:
                self.SubnetAlphaOut.set(netuid, out)
            if alpha_out_after is not None:
                alpha_out_after[netuid] = out
        return credit

    # --- the pool (Swap pallet) ------------------------------------------------------------------
    def alpha_price64(self, netuid: int) -> int:
        """``current_alpha_price`` as U64F64 bits (1.0 for root / stable subnets)."""
        return self.current_alpha_price(netuid).bits

    def _store_pool_params(self, netuid: int, before: PoolState, after: PoolState) -> PoolState:
        """``Swap.write_pool`` for a pool whose stored parameters are ``before``; returns the pool
        as storage now holds it (reserves of ``after``)."""
        swap = self.pallet("Swap")
        initialized = before.initialized
        if after.initialized and not before.initialized:
            swap.PalSwapInitialized.set(netuid, True)
            initialized = True
        if after.quote_weight != before.quote_weight:
            swap.SwapBalancer.set(netuid, {"quote": after.quote_weight})
        return after if after.initialized == initialized else after._replace(initialized=initialized)

    def adjust_protocol_liquidity(self, netuid: int, tao: int, alpha: int,
                                  pool: PoolState) -> tuple[int, int, PoolState]:
        """Re-weight the pool so adding (tao, alpha) keeps the price; returns what may be added
        (nothing when the weights would leave [0.01, 0.99]) and the re-weighted pool. Reserves are
        written by the caller."""
        if pool.mechanism != 1 or (tao == 0 and alpha == 0):
            return tao, alpha, pool
        injection = inject_liquidity(pool, tao, alpha)
        reweighted = with_reserves(injection.pool, pool.tao_reserve, pool.alpha_reserve)
        return injection.tao_added, injection.alpha_added, self._store_pool_params(netuid, pool, reweighted)

    def chain_buy(self, netuid: int, pool: PoolState, tao: int) -> SwapResult | None:
        """The protocol's fee-less buy of alpha with the excess TAO (None when the pool refuses).

        ``swap_tao_for_alpha`` on a known pool: the swap pallet parameters and SubnetVolume are
        written here; the caller carries reserves, SubnetAlphaOut and TotalStake."""
        try:
            result = amm_swap_tao_for_alpha(pool, tao, MAX_PRICE_RAO, True)
        except AmmError:
            return None
        self.SubnetVolume.set(netuid, self.SubnetVolume.get(netuid) + tao)
        stored = self._store_pool_params(netuid, pool, result.pool)
        return result if stored is result.pool else result._replace(pool=stored)

    # --- epochs ---------------------------------------------------------------------------------
    def should_run_epoch(self, netuid: int, block: int) -> bool:
        return self._epoch_due(netuid, block, None)

    def _epoch_due(self, netuid: int, block: int, since: int | None) -> bool:
        """``should_run_epoch``; ``since`` is BlocksSinceLastStep when the caller already has it."""
        tempo = self.Tempo.get(netuid)
        if tempo == 0:
            return False
        pending = self.PendingEpochAt.get(netuid)
        if pending > 0 and block >= pending:
            return True
        if (self.BlocksSinceLastStep.get(netuid) if since is None else since) > MAX_TEMPO:
            return True
        return block - self.LastEpochBlock.get(netuid) >= tempo

    def blocks_until_next_auto_epoch(self, netuid: int, block: int) -> int:
        tempo = self.Tempo.get(netuid)
        if tempo == 0:
            return (1 << 64) - 1
        return max(self.LastEpochBlock.get(netuid) + tempo - block, 0)

    def next_epoch_start_block(self, netuid: int) -> int | None:
        tempo = self.Tempo.get(netuid)
        if tempo == 0:
            return None
        auto = self.LastEpochBlock.get(netuid) + tempo
        pending = self.PendingEpochAt.get(netuid)
        return min(auto, pending) if pending > 0 else auto

    def is_epoch_input_state_consistent(self, netuid: int) -> bool:
        """No hotkey holds two uids (the stored values are compared raw, nothing decoded)."""
        return self._keys_consistent(self.subnet_keys_raw(netuid))

    @staticmethod
    def _keys_consistent(keys: list[tuple[int, bytes]]) -> bool:
        return len({raw for _, raw in keys}) == len(keys)

    def subnet_keys_raw(self, netuid: int) -> list[tuple[int, bytes]]:
        """Keys[netuid] as stored: (uid, encoded hotkey), uid order (Identity hashers: the uid
        is the key's last two bytes)."""
        return [(int.from_bytes(k[-2:], "little"), raw)
                for k, raw in self.env.state.iterate(self.Keys.item.prefix_key(netuid))]

    def drain_pending(self, subnets: list[int], block: int, slots: set[int] | None = None,
                      keys: dict | None = None) -> dict[int, tuple[int, int, int, int]]:
        """Epochs due this block: take the four pending accumulators (at most MaxEpochsPerBlock;
        the rest are deferred to the next block with EpochDeferred). ``slots`` receives every
        subnet whose epoch slot was consumed (run or skipped as inconsistent), ``keys`` the
        stored Keys of each subnet whose epoch runs (read once for the check and the epoch)."""
        cap = self.MaxEpochsPerBlock.get()
        ran = 0
        out: dict[int, tuple[int, int, int, int]] = {}
        for netuid in subnets:
            since = self.BlocksSinceLastStep.get(netuid) + 1
            self.BlocksSinceLastStep.set(netuid, since)
            if not self._epoch_due(netuid, block, since):
                continue
            if ran >= cap:
                self.PendingEpochAt.set(netuid, block + 1)
                self.deposit_event("EpochDeferred", {"netuid": netuid, "from_block": block,
                                                     "to_block": block + 1})
                continue
            stored_keys = self.subnet_keys_raw(netuid)
            if self._keys_consistent(stored_keys):
                if keys is not None:
                    keys[netuid] = stored_keys
                self.BlocksSinceLastStep.set(netuid, 0)
                out[netuid] = (self._take(self.PendingServerEmission, netuid),
                               self._take(self.PendingValidatorEmission, netuid),
                               self._take(self.PendingRootAlphaDivs, netuid),
                               self._take(self.PendingOwnerCut, netuid))
                ran += 1
                self.change_subnet_owner_if_needed(netuid)  # conviction may hand the subnet over
            else:
                self.deposit_event("EpochSkipped", {"netuid": netuid, "block": block})
            self.LastEpochBlock.set(netuid, block)
            self.PendingEpochAt.set(netuid, 0)
            self.SubnetEpochIndex.set(netuid, self.SubnetEpochIndex.get(netuid) + 1)
            if slots is not None:
                slots.add(netuid)
        return out

    @staticmethod
    def _take(item, netuid: int) -> int:
        value = item.get(netuid)
        item.set(netuid, 0)
        return value

    # --- moving price ---------------------------------------------------------------------------
    def update_moving_price(self, netuid: int, block: int, pool: PoolState | None = None,
                            first_emission: int | None = None, moving_alpha: int | None = None,
                            moving64: int | None = None) -> None:
        """``update_moving_price``; the caller may pass what it already read this block (the
        current pool, FirstEmissionBlockNumber, SubnetMovingAlpha, ``moving_price64``)."""
        start = (self.FirstEmissionBlockNumber.try_get(netuid) if first_emission is None else first_emission) or 0
        since = max(block - max(start - 1, 0), 0)
        spot = self.alpha_price64(netuid) if pool is None else spot_price(pool).bits
        alpha = self.SubnetMovingAlpha.get() if moving_alpha is None else moving_alpha
        moving = self.moving_price64(netuid) if moving64 is None else moving64
        new = cm.next_moving_price(moving >> (cm.F64 - cm.F32), spot,
                                   alpha, since, self.EMAPriceHalvingBlocks.get(netuid))
        self.SubnetMovingPrice.set(netuid, new)
