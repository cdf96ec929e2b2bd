"""dTAO invariants after random sequences of signed staking extrinsics (some succeed, some fail),
recycling and burning, stake locks, and staking through proxies (with their deposits) included.

After every block:
- Σ free + reserved balances of all accounts (subnet accounts included) = Balances.TotalIssuance;
- the LockingColdkeys index and the Lock rows name the same (coldkey, netuid, hotkey) triples;
- SubnetTAO[n] = free balance of subnet n's account, for every subnet (root included);
- for every (hotkey, netuid) pool, Σ value of the coldkeys' shares ≤ TotalHotkeyAlpha, short by at
  most one rao per staker (rounding dust stays in the pool, never with a staker);
- TotalStake − Σ SubnetTAO changes exactly by the buy-side swap fees (StakeAdded fee fields): the
  chain adds the *gross* TAO of a buy to TotalStake but only the net TAO to SubnetTAO, while the fee
  leaves for the block author (``swap_tao_for_alpha`` in stake_utils.rs). With no buys it is constant.
"""
from __future__ import annotations

import random

import pytest
from stake_net import SM, TAO, StakeNet, acc

COLDKEYS = ["Bob", "Charlie", "Dave", "Eve", "Ferdie"]
HOTKEYS = ["owner_hk", "hk3"]


def _setup(emission: bool) -> tuple[StakeNet, list[int]]:
    n = StakeNet(emission=emission)
    a = n.subnet("Alice", "owner_hk")
    b = n.subnet("Charlie", "hk3")
    return n, [0, a, b]


def _random_extrinsic(rng: random.Random, n: StakeNet, netuids: list[int], signer: str) -> tuple[str, str, dict]:
    """(pallet, call, args): mostly staking calls, some stake locks, some proxy delegations and stake
    sent through them for another coldkey."""
    draw = rng.random()
    if draw < 0.08:
        staked = [(h, x) for h in HOTKEYS for x in netuids if n.stake(h, signer, x)]
        hot, netuid = rng.choice(staked) if staked and rng.random() < 0.8 else (rng.choice(HOTKEYS), rng.choice(netuids))
        stake = n.stake(hot, signer, netuid)
        return SM, "lock_stake", {"hotkey": acc(hot), "netuid": netuid,
                                  "amount": rng.choice([0, stake // 2, stake // 4, stake // 4, 10**18])}
    if draw < 0.11:
        return SM, "set_perpetual_lock", {"netuid": rng.choice(netuids), "enabled": rng.random() < 0.5}
    if draw < 0.13:
        return SM, "set_reject_locked_alpha", {"enabled": rng.random() < 0.5}
    if draw < 0.17:
        call = rng.choice(["add_proxy", "add_proxy", "remove_proxy"])
        return "Proxy", call, {"delegate": {"Id": acc(rng.choice(COLDKEYS))}, "proxy_type": "Staking", "delay": 0}
    if draw < 0.24:  # mostly for a coldkey that made the signer its delegate
        reals = [c for c in COLDKEYS
                 if any(d["delegate"] == acc(signer) for d in n.get("Proxies", acc(c), pallet="Proxy")[0])]
        real = rng.choice(reals) if reals and rng.random() < 0.8 else rng.choice(COLDKEYS)
        call, args = _random_call(rng, n, netuids, real)
        return "Proxy", "proxy", {"real": {"Id": acc(real)}, "force_proxy_type": None, "call": {SM: {call: args}}}
    return (SM, *_random_call(rng, n, netuids, signer))


def _random_call(rng: random.Random, n: StakeNet, netuids: list[int], signer: str) -> tuple[str, dict]:
    hot = acc(rng.choice(HOTKEYS))
    netuid = rng.choice(netuids)
    staked = n.stake(hot, signer, netuid)
    edge = rng.random() < 0.2  # a fifth of the calls use edge amounts that should fail
    alpha = rng.choice([0, 1, staked + 5, 10**18]) if edge else rng.choice([staked // 3, staked, staked // 2 + 1])
    tao = rng.choice([0, 1_000, 2_000_000, 10**17]) if edge else rng.randrange(3_000_000, 60 * TAO)
    price = rng.choice([10**6, 5 * 10**8, 10**9, 1_020_000_000, 2 * 10**9])
    other = rng.choice([x for x in netuids if x != netuid] or [netuid])
    kind = rng.choice(["add", "add", "add_limit", "remove", "remove_limit", "full", "move", "swap", "swap_limit",
                       "transfer", "unstake_all", "unstake_all_alpha", "recycle", "burn", "add_burn"])
    if kind in ("recycle", "burn"):
        return f"{kind}_alpha", {"hotkey": hot, "amount": alpha, "netuid": netuid}
    if kind == "add_burn":
        return "add_stake_burn", {"hotkey": hot, "netuid": netuid, "amount": tao,
                                  "limit": rng.choice([None, price])}
    if kind == "add":
        return "add_stake", {"hotkey": hot, "netuid": netuid, "amount_staked": tao}
    if kind == "add_limit":
        return "add_stake_limit", {"hotkey": hot, "netuid": netuid, "amount_staked": tao, "limit_price": price,
                                   "allow_partial": rng.random() < 0.5}
    if kind == "remove":
        return "remove_stake", {"hotkey": hot, "netuid": netuid, "amount_unstaked": alpha}
    if kind == "remove_limit":
        return "remove_stake_limit", {"hotkey": hot, "netuid": netuid, "amount_unstaked": alpha,
                                      "limit_price": price // 2, "allow_partial": rng.random() < 0.5}
    if kind == "full":
        return "remove_stake_full_limit", {"hotkey": hot, "netuid": netuid,
                                           "limit_price": rng.choice([None, price // 3])}
    if kind == "move":
        return "move_stake", {"origin_hotkey": hot, "destination_hotkey": acc(rng.choice(HOTKEYS)),
                              "origin_netuid": netuid, "destination_netuid": rng.choice(netuids),
                              "alpha_amount": alpha}
    if kind == "swap":
        return "swap_stake", {"hotkey": hot, "origin_netuid": netuid, "destination_netuid": other,
                              "alpha_amount": alpha}
    if kind == "swap_limit":
        return "swap_stake_limit", {"hotkey": hot, "origin_netuid": netuid, "destination_netuid": other,
                                    "alpha_amount": alpha, "limit_price": price // 2,
                                    "allow_partial": rng.random() < 0.5}
    if kind == "transfer":
        return "transfer_stake", {"destination_coldkey": acc(rng.choice(COLDKEYS)), "hotkey": hot,
                                  "origin_netuid": netuid, "destination_netuid": rng.choice(netuids),
                                  "alpha_amount": alpha}
    return kind, {"hotkey": hot}


def check_invariants(n: StakeNet, netuids: list[int]) -> int:
    """Assert the invariants; returns TotalStake − Σ SubnetTAO."""
    with n.state() as rt:
        system, balances, sm = rt.pallets["System"], rt.pallets["Balances"], rt.pallets[SM]
        total_free = sum(info["data"]["free"] + info["data"]["reserved"] for _, info in system.Account.iter())
        assert total_free == balances.TotalIssuance.get()
        live = sm.get_all_subnet_netuids()
        for netuid in live:
            assert sm.SubnetTAO.get(netuid) == balances.free_balance(sm.get_subnet_account_id(netuid)), netuid
        pools: dict[tuple[bytes, int], list[bytes]] = {}
        for (hot, cold, netuid), _ in sm.AlphaV2.iter():
            pools.setdefault((hot, netuid), []).append(cold)
        locks = {(cold, netuid, hot) for (cold, netuid, hot), _ in sm.Lock.iter()}
        assert locks == {(cold, netuid, hot) for (netuid, hot, cold), _ in sm.LockingColdkeys.iter()}
        for (hot, netuid), total in sm.TotalHotkeyAlpha.iter():
            colds = pools.get((hot, netuid), [])
            values = sum(sm.get_stake_for_hotkey_and_coldkey_on_subnet(hot, c, netuid) for c in colds)
            assert values <= total, (hot, netuid)
            assert total - values <= max(len(colds), 1) or not colds, (hot, netuid, total, values)
        return sm.TotalStake.get() - sum(sm.SubnetTAO.get(x) for x in live)


def run_random(ops: int, seed: int, per_block: int = 4, emission: bool = False) -> dict:
    rng = random.Random(seed)
    n, netuids = _setup(emission)
    offset = check_invariants(n, netuids)
    outcomes = {"ok": 0, "failed": 0, "locked": 0, "proxied": 0}
    buy_fees = 0
    done = 0
    while done < ops:
        signers = rng.sample(COLDKEYS, k=min(per_block, ops - done))
        xts = []
        for signer in signers:
            xt = n.ext(signer, *_random_extrinsic(rng, n, netuids, signer))
            n.node.submit(xt)
            xts.append(xt)
        built = n.node.seal_block()
        for _, outcome in built.applied:
            outcomes["ok" if outcome.success else "failed"] += 1
        buy_fees += sum(f[5] for f in n.sm_events("StakeAdded"))
        outcomes["locked"] += len(n.sm_events("StakeLocked"))
        outcomes["proxied"] += sum(1 for e in n.events() if e["name"] == "ProxyExecuted" and "Ok" in e["fields"]["result"])
        done += len(xts)
        drift = check_invariants(n, netuids) - offset
        if not emission:  # emission moves TotalStake and SubnetTAO by its own rules
            assert drift == buy_fees
        else:  # subtensor's own issuance counter follows Balances (nothing here burns or recycles)
            assert n.get("TotalIssuance") == n.get("TotalIssuance", pallet="Balances")
    n.close()
    return outcomes


def test_invariants_after_200_random_operations():
    outcomes = run_random(200, seed=5)
    assert outcomes["ok"] > 40 and outcomes["failed"] > 20  # both paths exercised


def test_invariants_after_1000_random_operations():
    outcomes = run_random(1000, seed=11)
    assert outcomes["ok"] > 350 and outcomes["failed"] > 50
    assert outcomes["locked"] > 5 and outcomes["proxied"] > 5  # locks and proxied stakes happened


def test_invariants_with_emission_and_epochs_running():
    """The same checks while the coinbase injects TAO/alpha and epochs pay dividends (tempo 10)."""
    outcomes = run_random(300, seed=3, emission=True)
    assert outcomes["ok"] > 100


@pytest.mark.slow
def test_invariants_after_3000_random_operations_more_seeds():
    for seed in (21, 22, 23):
        assert run_random(1000, seed=seed)["ok"] > 400
