"""Example: test a subnet's validator/miner loop with tensornet's pytest plugin.

The ``chain`` and ``devnet`` fixtures come from ``tensornet.testing`` (installed as a pytest11 plugin,
nothing to import or configure). Copy this file next to your subnet's code and replace the scoring
function with your validator's.

* ``chain``: the runtime in-process. Helpers are named as in subtensor's test mock
  (``add_network``, ``register_ok_neuron``, ``step_epochs``, ``assert_last_event`` …); accounts
  may be dev names, secret URIs such as ``"//miner1"``, SS58 addresses or integers.
* ``devnet``: the same chain served over JSON-RPC at ``devnet.url`` for real clients
  (substrate-interface here; the bittensor SDK or btcli work the same way).
"""
from __future__ import annotations

import pytest

NETUID = 1
TEMPO = 10
VALIDATOR = ("//validator_hot", "//validator_cold")
MINERS = [("//miner1_hot", "//miner1_cold"), ("//miner2_hot", "//miner2_cold")]


def score(responses: dict[int, int]) -> dict[int, int]:
    """The validator's scoring (stand-in): weight proportional to each miner's answer quality."""
    return {uid: quality for uid, quality in responses.items() if quality > 0}


def build_subnet(chain) -> tuple[int, list[int]]:
    """A subnet with one staked validator and two miners; returns (validator uid, miner uids)."""
    chain.add_network_disable_commit_reveal(NETUID, TEMPO)
    v_uid = chain.register_ok_neuron(NETUID, *VALIDATOR)
    chain.assert_last_event("SubtensorModule", "NeuronRegistered")
    m_uids = [chain.register_ok_neuron(NETUID, hot, cold) for hot, cold in MINERS]
    chain.increase_stake_on_coldkey_hotkey_account(VALIDATOR[1], VALIDATOR[0], 100_000 * 10**9, NETUID)
    chain.edit(lambda rt: rt.pallets["SubtensorModule"].WeightsSetRateLimit.set(NETUID, 0))
    chain.add_balance_to_coldkey_account(VALIDATOR[0], 10**9)  # the hotkey signs set_weights
    return v_uid, m_uids


def test_validator_miner_loop(chain):
    v_uid, m_uids = build_subnet(chain)
    assert (v_uid, m_uids) == (0, [1, 2])
    chain.step_epochs(1, NETUID)  # the first epoch hands out validator permits
    assert chain.read("SubtensorModule", "ValidatorPermit", NETUID)[v_uid]

    # the miners serve; the validator queries them, scores and sets weights (one loop iteration)
    for port, (hot, _) in zip((8091, 8092), MINERS):
        chain.add_balance_to_coldkey_account(hot, 10**9)
        receipt = chain.submit(hot, "SubtensorModule", "serve_axon", netuid=NETUID, version=1,
                               ip=0x7F000001, port=port, ip_type=4, protocol=4, placeholder1=0, placeholder2=0)
        assert receipt.success, receipt.error_name  # loopback allowed: the test preset is a devnet
    weights = score({m_uids[0]: 1, m_uids[1]: 3})
    receipt = chain.submit(VALIDATOR[0], "SubtensorModule", "set_weights", netuid=NETUID,
                           dests=list(weights), weights=list(weights.values()), version_key=0)
    assert receipt.success, receipt.error_name
    assert next((e["pallet"], e["name"]) for e in receipt.events) == ("SubtensorModule", "WeightsSet")

    chain.step_epochs(1, NETUID)
    incentive = chain.read("SubtensorModule", "Incentive", NETUID)
    dividends = chain.read("SubtensorModule", "Dividends", NETUID)
    assert incentive[m_uids[1]] > incentive[m_uids[0]] > 0  # the better miner earns more
    assert dividends[v_uid] > 0


def test_failed_call_reports_the_module_error(chain):
    build_subnet(chain)
    # before the first epoch nobody holds a validator permit
    receipt = chain.submit(VALIDATOR[0], "SubtensorModule", "set_weights", netuid=NETUID, dests=[1],
                           weights=[1], version_key=0)
    assert not receipt.success
    assert receipt.error_name == "NeuronNoValidatorPermit"


@pytest.mark.tensornet(sealing="manual")
def test_devnet_serves_real_clients(devnet):
    substrate = devnet.substrate()
    snap = devnet.snapshot()
    devnet.set_balance("//miner1_cold", 42 * 10**9)
    bob = substrate.query("System", "Account", ["5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"])
    assert bob.value["data"]["free"] == 10**15
    assert devnet.new_block(3) == devnet.block_number
    devnet.revert(snap)
    assert devnet.block_number == 0
