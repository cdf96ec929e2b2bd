"""bittensor 11 SDK (its own venv, .venv-bt) on a devnet with subnet 1: subnet reads, registration,
staking, weights and neuron reads (scripts/e2e/bittensor_subnet_flow.py does the client side).

The ``BurnedRegister`` intent is ``mev_shield_required``: the SDK always sends it through
``MevShield.submit_encrypted``; the devnet's author decrypts it and includes the inner ``burned_register``.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
VENV_PY = REPO / ".venv-bt" / "bin" / "python"
SCRIPT = REPO / "scripts" / "e2e" / "bittensor_subnet_flow.py"
TAO = 10**9


def _venv_ok() -> bool:
    return VENV_PY.exists() and subprocess.run([str(VENV_PY), "-c", "import bittensor"],
                                               capture_output=True, check=False).returncode == 0


@pytest.fixture(scope="module")
def flow(tmp_path_factory, tn) -> dict:
    if not _venv_ok():
        pytest.skip(".venv-bt with bittensor>=11 missing")
    tmp = tmp_path_factory.mktemp("bt-sdk")
    port = tn.free_port()
    proc = tn.TnetProcess([tn.PYTHON, "-m", "tensornet.cli.main", "devnet", "--preset", "test", "--sealing",
                           "instant", "--subnet", "1", "--rpc-port", str(port)], port)
    proc.log_path = str(tmp / "devnet.log")
    proc.start()
    env = {**os.environ, "BITTENSOR_RUNTIME_CACHE_DIR": str(tmp / "bt-cache")}
    try:
        res = subprocess.run([str(VENV_PY), str(SCRIPT), proc.url], capture_output=True, text=True, timeout=300, check=False,
                             env=env, cwd=str(tmp))
    finally:
        proc.terminate()
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def _ok(flow: dict, step: str):
    assert flow[step]["ok"], flow[step]
    return flow[step]["value"]


def test_subnet_reads(flow):
    assert [row[0] for row in _ok(flow, "subnets_all")] == [0, 1]
    assert _ok(flow, "burn") > 0
    assert _ok(flow, "metagraph") == 1  # the genesis neuron of subnet 1


def test_metagraph_with_commitments(flow):
    assert _ok(flow, "metagraph_with_commitments") == 1  # the default read lists Commitments.CommitmentOf
    assert _ok(flow, "set_commitment")["fee_rao"] == 0  # Pays::No
    seen = _ok(flow, "metagraph_commitment")
    assert seen["neurons"] == 2 and "data='hello'" in seen["commitment"] and "uid=1" in seen["commitment"]


def test_registration_intent_goes_through_the_mev_shield(flow):
    registered = _ok(flow, "register_intent")
    assert registered["shielded"] and registered["fee_rao"] > 0  # the inner burned_register's receipt
    assert _ok(flow, "bob_uid") == 1


def test_add_stake_intent(flow):
    assert _ok(flow, "add_stake")["fee_rao"] > 0
    stakes = dict(_ok(flow, "stake_after"))
    assert 0.5 * TAO < stakes[1] < TAO  # 1 TAO into a 10 TAO pool buys < 1 alpha


def test_set_weights_intent(flow):
    assert _ok(flow, "set_weights")["fee_rao"] == 0  # Pays::No: the unfunded hotkey signs set_mechanism_weights
    assert _ok(flow, "weights_on_chain") == [[1, 65535]]


def test_staking_through_a_proxy(flow):
    """AddProxy, then AddStake with proxy_for: the delegate (//Charlie) signs Proxy.proxy, the stake is
    //Bob's; a Transfer through the Staking delegation fails with the chain's CallFiltered."""
    assert _ok(flow, "add_proxy")["fee_rao"] > 0
    assert "Staking" in _ok(flow, "proxies") and "93000000" in _ok(flow, "proxies")
    assert _ok(flow, "proxied_stake")["fee_rao"] > 0
    before, after = dict(_ok(flow, "stake_after")), dict(_ok(flow, "stake_after_proxy"))
    assert after[1] - before[1] > 0.5 * TAO
    refused = flow["proxied_transfer"]
    assert not refused["ok"] and "origin filter prevent the call" in refused["error"], refused  # CallFiltered


def test_a_two_of_three_multisig_pays_out(flow):
    """MultisigExecute opens (Bob) and completes (Charlie, with the timepoint read back through the
    SDK's multisig read): the account the SDK derives is the chain's, and the transfer runs from it."""
    assert _ok(flow, "multisig_account").startswith("5")
    pending = _ok(flow, "multisig_pending")
    assert pending["depositor"] == "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"  # //Bob
    assert _ok(flow, "multisig_execute")["fee_rao"] > 0
    assert _ok(flow, "ferdie_after") == TAO and _ok(flow, "multisig_after") == 4 * TAO


def test_stake_lock_intent_and_reads(flow):
    """LockStake, then the SDK's lock reads decode the chain's Lock rows and StakeInfoRuntimeApi."""
    assert _ok(flow, "lock_stake")["fee_rao"] > 0
    lock = _ok(flow, "coldkey_lock")
    assert "'netuid': 1, 'locked_alpha': 0.500000000" in lock and "'is_perpetual': False" in lock
    assert _ok(flow, "locks_for_coldkey") == "[" + lock + "]"
    assert _ok(flow, "accepts_locked_alpha") is False  # coldkeys reject locked alpha by default
    assert f"'hotkey': '{_ok(flow, 'most_convicted')}'" in lock  # Bob's hotkey, the only one locked to


def test_neuron_reads(flow):
    hotkeys = dict(_ok(flow, "neurons_lite"))
    assert sorted(hotkeys) == [0, 1]
    assert dict(_ok(flow, "neurons_full")) == hotkeys
    assert _ok(flow, "neuron_uid") == 1
    assert _ok(flow, "hotkey_owner") == "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"  # //Bob
    assert _ok(flow, "netuids_for_hotkey") == [1]
