"""The plugin's helpers behave as their namesakes in subtensor's tests/mock.rs."""
from __future__ import annotations

import pytest

from tensornet.runtime.dispatch import DispatchError
from tensornet.testing import account_id

TAO = 10**9


def test_step_block_and_run_to_block(chain):
    chain.step_block(3)
    assert chain.block_number == 3
    chain.run_to_block(10)
    assert chain.block_number == 10
    chain.run_to_block(5)  # never goes back
    assert chain.block_number == 10


def test_add_network_sets_what_the_mock_sets(chain):
    chain.add_network(3, tempo=7)
    with chain.state() as rt:
        st = rt.pallets["SubtensorModule"]
        assert st.NetworksAdded.get(3) and st.Tempo.get(3) == 7
        assert st.NetworkRegistrationAllowed.get(3) and st.SubtokenEnabled.get(3)
        assert st.FirstEmissionBlockNumber.get(3) == 1
        assert st.BurnHalfLife.get(3) == 1 and st.BurnIncreaseMult.get(3) == 1 << 64
    chain.add_network_disable_commit_reveal(4, tempo=7)
    assert chain.read("SubtensorModule", "CommitRevealWeightsEnabled", 4) is False


def test_add_dynamic_network_registers_through_the_call(chain):
    netuid = chain.add_dynamic_network(hotkey=1001, coldkey=1002)
    assert netuid == 2  # root 0 and subnet 1 exist at genesis
    assert chain.read("SubtensorModule", "SubnetOwner", netuid) == account_id(1002)
    assert chain.read("SubtensorModule", "SubnetOwnerHotkey", netuid) == account_id(1001)
    assert chain.read("SubtensorModule", "FirstEmissionBlockNumber", netuid) == 0


def test_setup_reserves_and_register_ok_neuron(chain):
    chain.add_network(3, tempo=10)
    chain.setup_reserves(3, 5 * TAO, 7 * TAO)
    assert (chain.read("SubtensorModule", "SubnetTAO", 3), chain.read("SubtensorModule", "SubnetAlphaIn", 3)) == \
        (5 * TAO, 7 * TAO)
    uids = [chain.register_ok_neuron(3, hot, 99) for hot in (11, 12, 13)]
    assert uids == [0, 1, 2]
    assert chain.read("SubtensorModule", "Burn", 3) == 0
    ev = chain.assert_last_event("SubtensorModule", "NeuronRegistered")
    assert ev["fields"] == (3, 2, account_id(13))


def test_assert_last_event_says_what_it_found(chain):
    chain.add_balance_to_coldkey_account(12345, TAO)  # a new account: System.NewAccount, Balances.Endowed
    chain.assert_last_event("Balances", "Endowed", {"account": account_id(12345), "free_balance": TAO})
    with pytest.raises(AssertionError, match="last event is Balances.Endowed"):
        chain.assert_last_event("SubtensorModule", "NeuronRegistered")


def test_dispatch_raises_the_module_error_and_rolls_back(chain):
    block = chain.block_number
    with pytest.raises(DispatchError) as info:
        chain.dispatch("Alice", "SubtensorModule", "burned_register", netuid=77, hotkey=account_id(5))
    assert info.value.name == "SubnetNotExists"
    assert chain.block_number == block + 1  # the block was sealed, without the failed call's writes


def test_submit_reports_fee_error_and_events(chain):
    ok = chain.submit("Alice", "Balances", "transfer_keep_alive", dest={"Id": account_id(7)}, value=TAO)
    assert ok.success and ok.fee > 0
    assert ("Balances", "Transfer") in [(e["pallet"], e["name"]) for e in ok.events]
    assert chain.free_balance(7) == TAO
    bad = chain.submit("Dave", "Balances", "transfer_keep_alive", dest={"Id": account_id(7)}, value=10**6 * TAO)
    assert not bad.success and bad.fee > 0


def test_step_epochs_counts_epochs_and_next_epoch_block_seals_nothing(chain):
    chain.add_network(1, tempo=4)  # seals block 1
    at = chain.next_epoch_block(1)
    assert chain.block_number == 1 < at
    index = chain.read("SubtensorModule", "SubnetEpochIndex", 1)
    chain.step_epochs(2, 1)
    assert chain.read("SubtensorModule", "SubnetEpochIndex", 1) == index + 2
    assert chain.block_number > at


@pytest.mark.parametrize("who", ["Alice", "//Alice", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"])
def test_accounts_by_any_name(who):
    assert account_id(who).hex().startswith("d43593c7")


def test_integer_accounts_are_u256_little_endian():
    assert account_id(1) == b"\x01" + bytes(31)
    with pytest.raises(TypeError):
        account_id(True)


@pytest.mark.tensornet(subnets=2)
def test_marker_prepares_subnets(chain):
    assert chain.read("SubtensorModule", "NetworksAdded", 2)
    assert chain.read("SubtensorModule", "CommitRevealWeightsEnabled", 2) is False
