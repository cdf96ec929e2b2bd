"""Reference epoch: a step-by-step restatement of subtensor's epoch on Python integers.

Slow and obvious on purpose: sparse rows are lists of ``(uid, raw I32F32)`` in stored order and
every operation is one of ``fixed``'s.  The numba kernels are tested against this module, and
it is also what runs the (test-only) dense variant.  Steps are numbered as in ``spec/yuma.md``.
"""
from __future__ import annotations

import numpy as np

from tensornet.consensus import fixed as fx
from tensornet.consensus.types import Csr, EpochInputs, EpochOutputs

Row = list[tuple[int, int]]


# ---------------------------------------------------------------------------- vector helpers

def normalize(x: list[int]) -> list[int]:
    """Sum to one (unchanged when the sum is zero)."""
    s = sum(x)
    return list(x) if s == 0 else [fx.safe_div(v, s) for v in x]


def is_topk_nonzero(x: list[int], k: int) -> list[bool]:
    """Top-k by value among non-zero entries; the stable ascending sort makes lower uids lose ties."""
    n = len(x)
    out = [v != 0 for v in x]
    if n < k:
        return out
    for idx in sorted(range(n), key=lambda i: x[i])[: n - k]:
        out[idx] = False
    return out


def weighted_median(stake: list[int], score: list[int], minority: int, hi: int) -> int:
    """The chain's deterministic mid-pivot partition search for the stake-weighted median."""
    part = list(range(len(stake)))
    lo = 0
    for _ in range(len(stake) + 1):
        if not part:
            return 0
        if len(part) == 1:
            return score[part[0]]
        pivot = score[part[len(part) // 2]]
        lower = [i for i in part if score[i] < pivot]
        upper = [i for i in part if score[i] > pivot]
        lo_stake = sum(stake[i] for i in lower)
        hi_stake = sum(stake[i] for i in upper)
        if minority < lo + lo_stake and lower:
            part, hi = lower, lo + lo_stake
        elif hi - hi_stake <= minority and upper:
            part, lo = upper, hi - hi_stake
        else:
            return pivot
    return 0


def median_columns(active_stake: list[int], dense_rows: list[list[int]], kappa: int) -> list[int]:
    """Consensus per column over the rows with positive active stake."""
    n = len(active_stake)
    used = [i for i in range(n) if active_stake[i] > 0]
    use_stake = normalize([active_stake[i] for i in used])
    stake_sum = sum(use_stake)
    minority = fx.sub(stake_sum, kappa)
    cols = len(dense_rows[0]) if dense_rows else 0
    return [weighted_median(use_stake, [dense_rows[i][j] for i in used], minority, stake_sum)
            for j in range(cols)]


# ---------------------------------------------------------------------------- sparse helpers

def col_normalize(rows: list[Row], n: int) -> list[Row]:
    sums = [0] * n
    for row in rows:
        for j, v in row:
            sums[j] = fx.add(sums[j], v)
    return [[(j, fx.safe_div(v, sums[j]) if sums[j] != 0 else v) for j, v in row] for row in rows]


def col_max_upscale(rows: list[Row], n: int) -> list[Row]:
    mx = [0] * n
    for row in rows:
        for j, v in row:
            mx[j] = max(mx[j], v)
    return [[(j, fx.safe_div(v, mx[j]) if mx[j] != 0 else v) for j, v in row] for row in rows]


def densify(row: Row, n: int) -> list[int]:
    d = [0] * n
    for j, v in row:
        d[j] = v
    return d


def interpolate(w: list[Row], c: list[Row], n: int, ratio: int) -> list[Row]:
    """``W + ratio·(Ŵ − W)`` keeping entries > 0 (exactly W or Ŵ at the ends)."""
    if ratio == 0:
        return [list(r) for r in w]
    if ratio == fx.ONE:
        return [list(r) for r in c]
    out = []
    for r1, r2 in zip(w, c):
        d1, d2 = densify(r1, n), densify(r2, n)
        vals = [fx.add(a, fx.mul(ratio, fx.sub(b, a))) for a, b in zip(d1, d2)]
        out.append([(j, v) for j, v in enumerate(vals) if v > 0])
    return out


def ema_sparse(new: list[Row], old: list[Row], alpha: int, n: int) -> list[Row]:
    """``alpha·new + (1−alpha)·old`` over the union of entries, keeping > 0 (sorted)."""
    one_minus = fx.sub(fx.ONE, alpha)
    out = []
    for nr, orow in zip(new, old):
        acc = [0] * n
        for j, v in nr:
            acc[j] = fx.add(acc[j], fx.mul(alpha, v))
        for j, v in orow:
            acc[j] = fx.add(acc[j], fx.mul(one_minus, v))
        out.append([(j, v) for j, v in enumerate(acc) if v > 0])
    return out


def walk_lookup(row: Row, n: int) -> list[int]:
    """Dense view of a row as the chain reads it: a forward walk that assumes sorted uids."""
    out = [0] * n
    pos = 0
    for j in range(n):
        while pos < len(row):
            i, v = row[pos]
            if i < j:
                pos += 1
                continue
            if i == j:
                out[j] = v
            break
    return out


def liquid_alphas(wb: list[Row], bonds: list[Row], consensus: list[int], inp: EpochInputs,
                  n: int) -> list[list[int]]:
    lo, hi = fx.u16_proportion(inp.alpha_low), fx.u16_proportion(inp.alpha_high)
    steep = fx.from_int(inp.alpha_sigmoid_steepness)
    out = []
    for wr, br in zip(wb, bonds):
        wd, bd = walk_lookup(wr, n), walk_lookup(br, n)
        out.append([fx.alpha_sigmoid(consensus[j], wd[j], bd[j], lo, hi, steep) for j in range(n)])
    return out


def ema_alpha_sparse(new: list[Row], old: list[Row], alphas: list[list[int]]) -> list[Row]:
    """Liquid-alpha EMA: only entries of the new (weight) row survive; others are dropped."""
    out = []
    for nr, orow, ar in zip(new, old, alphas):
        decayed = [0] * len(ar)
        for j, v in orow:
            decayed[j] = fx.mul(fx.sub(fx.ONE, ar[j]), v)
        row = []
        for j, v in nr:
            val = min(fx.add(decayed[j], max(fx.mul(ar[j], v), 0)), fx.ONE)
            if val > 0:
                row.append((j, val))
        out.append(row)
    return out


# ---------------------------------------------------------------------------- shared steps

def _activity(inp: EpochInputs) -> list[bool]:
    lu = inp.last_update.tolist()
    return [not (lu[i] + inp.activity_cutoff < inp.current_block) for i in range(inp.n)]


def _last_tempo(inp: EpochInputs) -> int:
    if inp.last_mechanism_step_block == 0:
        return max(inp.current_block - inp.tempo, 0)
    return inp.last_mechanism_step_block + 1


def _emissions(inp: EpochInputs, stake: list[int], active_stake: list[int],
               incentive: list[int], dividends: list[int]) -> tuple[list[int], ...]:
    combined = [fx.add(a, b) for a, b in zip(incentive, dividends)]
    total = sum(combined)
    if total != 0:
        nse = [fx.safe_div(v, total) for v in incentive]
        nve = [fx.safe_div(v, total) for v in dividends]
    else:
        nse, nve = list(incentive), list(dividends)
    nce = normalize(combined)
    if total == 0:
        fallback = stake if sum(active_stake) == 0 else active_stake
        nve, nce = list(fallback), list(fallback)
    rao = inp.rao_emission
    return ([fx.emission_rao(v, rao) for v in nce], [fx.emission_rao(v, rao) for v in nse],
            [fx.emission_rao(v, rao) for v in nve])


def _outputs(inp, active, new_permit, stake, consensus, incentive, dividends, vtrust,
             emissions, bond_rows) -> EpochOutputs:
    u16 = lambda xs: np.array([fx.proportion_to_u16(v) for v in xs], np.int64)  # noqa: E731
    emission, server, validator = emissions
    return EpochOutputs(
        active=np.array(active, np.bool_), new_validator_permit=np.array(new_permit, np.bool_),
        stake_weight=u16(stake), consensus=u16(consensus), incentive=u16(incentive),
        dividends=u16(dividends), validator_trust=u16(vtrust),
        emission=np.array(emission, np.uint64), server_emission=np.array(server, np.uint64),
        validator_emission=np.array(validator, np.uint64), bonds=Csr.from_rows(bond_rows))


# ---------------------------------------------------------------------------- the sparse epoch

def epoch_sparse(inp: EpochInputs) -> EpochOutputs:
    """``epoch_mechanism``: the live epoch."""
    inp = inp.filled()
    n, owner = inp.n, inp.owner_uid
    reg = inp.block_at_registration.tolist()
    lu = inp.last_update.tolist()
    active = _activity(inp)                                                       # 1
    stake = fx.normalize_stake(inp.stake.tolist(), inp.stake_fraction.tolist(),  # 2
                               inp.stake_threshold, owner)
    permit = [bool(p) for p in inp.validator_permit]                              # 3
    new_permit = is_topk_nonzero(stake, inp.max_allowed_validators)
    if owner is not None and owner < n:
        permit[owner] = new_permit[owner] = True
    active_stake = normalize([s if active[i] and permit[i] else 0                  # 4
                              for i, s in enumerate(stake)])
    weights: list[Row] = []                                                       # 5
    cbk = inp.commit_blocks.tolist()
    for i, row in enumerate(inp.weights.rows()):
        if not permit[i]:
            weights.append([])
            continue
        kept = []
        for j, w in row:
            if j == i and not (owner is not None and i == owner):
                continue
            if lu[i] <= reg[j]:
                continue
            if inp.commit_reveal_enabled and cbk[i] < reg[j]:
                continue
            kept.append((j, fx.from_int(w)))
        s = sum(v for _, v in kept)
        weights.append([(j, fx.safe_div(v, s)) for j, v in kept] if s > 0 else kept)
    kappa = fx.u16_proportion(inp.kappa)                                           # 6
    consensus = median_columns(active_stake, [densify(r, n) for r in weights], kappa)
    clipped = []                                                                  # 7
    for row in weights:
        out = []
        for j, v in row:
            if consensus[j] < v:
                if consensus[j] > 0:
                    out.append((j, consensus[j]))
            else:
                out.append((j, v))
        clipped.append(out)
    vtrust = [sum(v for _, v in row) for row in clipped]                          # 8
    ranks = [0] * n
    for i, row in enumerate(clipped):
        for j, v in row:
            ranks[j] = fx.add(ranks[j], fx.mul(active_stake[i], v))
    incentive = normalize(ranks)
    wb = interpolate(weights, clipped, n, fx.u16_proportion(inp.bonds_penalty))    # 9
    last_tempo = _last_tempo(inp)                                                  # 10
    keep = [not (last_tempo <= reg[j]) for j in range(n)]
    stored = inp.bonds.rows()
    if inp.yuma3_enabled:                                                          # 11
        bonds = [[(j, fx.u16_proportion(b)) for j, b in row if keep[j]] for row in stored]
        if inp.liquid_alpha_enabled and any(c != 0 for c in consensus):
            ema = ema_alpha_sparse(wb, bonds, liquid_alphas(wb, bonds, consensus, inp, n))
        else:
            ema = ema_sparse(wb, bonds, fx.bonds_moving_average_alpha(inp.bonds_moving_average), n)
        ema_norm = col_normalize(ema, n)
        per_validator = [sum(fx.mul(v, incentive[j]) for j, v in row) for row in ema_norm]
        dividends = normalize([fx.mul(t, a) for t, a in zip(per_validator, active_stake)])
    else:
        bonds = col_normalize([[(j, fx.from_int(b)) for j, b in row if keep[j]]
                               for row in stored], n)
        delta = col_normalize([[(j, fx.mul(v, active_stake[i])) for j, v in row]
                               for i, row in enumerate(wb)], n)
        ema = col_normalize(ema_sparse(delta, bonds,
                                       fx.bonds_moving_average_alpha(inp.bonds_moving_average),
                                       n), n)
        dividends = normalize([sum(fx.mul(incentive[j], v) for j, v in row) for row in ema])
        ema = col_max_upscale(ema, n)
    emissions = _emissions(inp, stake, active_stake, incentive, dividends)        # 12
    bond_rows = [[(j, fx.proportion_to_u16(v)) for j, v in ema[i]] if new_permit[i] else []
                 for i in range(n)]                                               # 13
    return _outputs(inp, active, new_permit, stake, consensus, incentive, dividends, vtrust,
                    emissions, bond_rows)


# ---------------------------------------------------------------------------- the dense variant

def epoch_dense(inp: EpochInputs) -> EpochOutputs:
    """``epoch_dense_mechanism`` (test-only on chain): n×n matrices, no owner exceptions."""
    inp = inp.filled()
    n = inp.n
    reg = inp.block_at_registration.tolist()
    lu = inp.last_update.tolist()
    active = _activity(inp)
    stake = fx.normalize_stake(inp.stake.tolist(), inp.stake_fraction.tolist(),
                               inp.stake_threshold, None)
    permit = [bool(p) for p in inp.validator_permit]
    new_permit = is_topk_nonzero(stake, inp.max_allowed_validators)
    active_stake = normalize([s if active[i] and permit[i] else 0 for i, s in enumerate(stake)])
    w = [[0] * n for _ in range(n)]
    for i, row in enumerate(inp.weights.rows()):
        for j, v in row:
            w[i][j] = fx.from_int(v)
    for i in range(n):
        if not permit[i]:
            w[i] = [0] * n
        w[i][i] = 0
        for j in range(n):
            if lu[i] <= reg[j]:
                w[i][j] = 0
        s = sum(w[i])
        if s > 0:
            w[i] = [fx.safe_div(v, s) for v in w[i]]
    consensus = median_columns(active_stake, w, fx.u16_proportion(inp.kappa))
    clipped = [[min(v, consensus[j]) for j, v in enumerate(row)] for row in w]
    vtrust = [sum(row) for row in clipped]
    ranks = [0] * n
    for i in range(n):
        for j in range(n):
            ranks[j] = fx.add(ranks[j], fx.mul(active_stake[i], clipped[i][j]))
    incentive = normalize(ranks)
    ratio = fx.u16_proportion(inp.bonds_penalty)
    if ratio == 0:
        wb = w
    elif ratio == fx.ONE:
        wb = clipped
    else:
        wb = [[fx.add(a, fx.mul(ratio, fx.sub(b, a))) for a, b in zip(r1, r2)]
              for r1, r2 in zip(w, clipped)]
    last_tempo = _last_tempo(inp)
    masked = [last_tempo <= reg[j] for j in range(n)]
    b_dense = [[0] * n for _ in range(n)]
    for i, row in enumerate(inp.bonds.rows()):
        for j, v in row:
            b_dense[i][j] = v
    alpha = fx.bonds_moving_average_alpha(inp.bonds_moving_average)

    def ema(new, old, a):
        return [[fx.add(fx.mul(a, x), fx.mul(fx.sub(fx.ONE, a), y)) for x, y in zip(r1, r2)]
                for r1, r2 in zip(new, old)]

    def col_norm(m):
        sums = [sum(m[i][j] for i in range(n)) for j in range(n)]
        return [[fx.safe_div(v, sums[j]) if sums[j] != 0 else v for j, v in enumerate(r)]
                for r in m]

    if inp.yuma3_enabled:
        b = [[0 if masked[j] else fx.u16_proportion(v) for j, v in enumerate(r)] for r in b_dense]
        if inp.liquid_alpha_enabled and any(c != 0 for c in consensus):
            lo, hi = fx.u16_proportion(inp.alpha_low), fx.u16_proportion(inp.alpha_high)
            steep = fx.from_int(inp.alpha_sigmoid_steepness)
            ema_b = []
            for i in range(n):
                row = []
                for j in range(n):
                    a = fx.alpha_sigmoid(consensus[j], wb[i][j], b[i][j], lo, hi, steep)
                    val = fx.add(fx.mul(fx.sub(fx.ONE, a), b[i][j]), max(fx.mul(a, wb[i][j]), 0))
                    row.append(min(val, fx.ONE))
                ema_b.append(row)
        else:
            ema_b = ema(wb, b, alpha)
        norm = col_norm(ema_b)
        per_validator = [sum(fx.mul(v, incentive[j]) for j, v in enumerate(r)) for r in norm]
        dividends = normalize([fx.mul(t, a) for t, a in zip(per_validator, active_stake)])
    else:
        b = col_norm([[0 if masked[j] else fx.from_int(v) for j, v in enumerate(r)]
                      for r in b_dense])
        delta = col_norm([[fx.mul(active_stake[i], v) for v in wb[i]] for i in range(n)])
        ema_b = col_norm(ema(delta, b, alpha))
        dividends = normalize([sum(fx.mul(v, incentive[j]) for j, v in enumerate(r))
                               for r in ema_b])
        mx = [max(ema_b[i][j] for i in range(n)) if n else 0 for j in range(n)]
        ema_b = [[fx.safe_div(v, mx[j]) if mx[j] != 0 else v for j, v in enumerate(r)]
                 for r in ema_b]
    emissions = _emissions(inp, stake, active_stake, incentive, dividends)
    old_rows = inp.bonds.rows()
    bond_rows = []
    for i in range(n):
        if new_permit[i]:
            bond_rows.append([(j, fx.proportion_to_u16(v)) for j, v in enumerate(ema_b[i])])
        elif permit[i]:
            bond_rows.append([])
        else:
            bond_rows.append(old_rows[i])
    return _outputs(inp, active, new_permit, stake, consensus, incentive, dividends, vtrust,
                    emissions, bond_rows)


def epoch(inp: EpochInputs) -> EpochOutputs:
    """Run the variant the inputs ask for."""
    return epoch_dense(inp) if inp.variant == "dense" else epoch_sparse(inp)
