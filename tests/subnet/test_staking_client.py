"""dTAO through the unmodified substrate-interface client: calls composed from our metadata, events
and module errors decoded by the client, storage read by name (what btcli and the SDK rely on)."""
from __future__ import annotations

import pytest
from substrateinterface import Keypair, SubstrateInterface
from substrateinterface.exceptions import SubstrateRequestException

TAO = 10**9


@pytest.fixture(scope="module")
def si(live_node):
    s = SubstrateInterface(url=live_node.url)
    yield s
    s.close()


def _send(si, kp, call, args):
    xt = si.create_signed_extrinsic(si.compose_call("SubtensorModule", call, args), kp)
    return si.submit_extrinsic(xt, wait_for_inclusion=True)


def _event(rec, name):
    return next(e.value["attributes"] for e in rec.triggered_events if e.value["event_id"] == name)


def _started_subnet(si, owner, hotkey: str) -> int:
    """register_network then start_call, both by ``owner``; the new netuid."""
    rec = _send(si, owner, "register_network", {"hotkey": hotkey})
    assert rec.is_success, rec.error_message
    netuid = _event(rec, "NetworkAdded")[0]
    assert _send(si, owner, "start_call", {"netuid": netuid}).is_success
    return netuid


def test_register_start_stake_and_unstake_with_a_real_client(si):
    alice, bob = Keypair.create_from_uri("//Alice"), Keypair.create_from_uri("//Bob")
    hotkey = Keypair.create_from_uri("//client_owner_hk").ss58_address
    netuid = _started_subnet(si, alice, hotkey)
    assert si.query("SubtensorModule", "SubtokenEnabled", [netuid]).value is True

    pool_tao = si.query("SubtensorModule", "SubnetTAO", [netuid]).value
    rec = _send(si, bob, "add_stake", {"hotkey": hotkey, "netuid": netuid, "amount_staked": 5 * TAO})
    assert rec.is_success, rec.error_message
    coldkey, hot, tao, alpha, ev_netuid, fee = _event(rec, "StakeAdded")
    assert (coldkey, hot, tao, ev_netuid, fee) == (bob.ss58_address, hotkey, 5 * TAO, netuid, 5 * TAO * 33 // 65_535)
    assert si.query("SubtensorModule", "SubnetTAO", [netuid]).value >= pool_tao + tao - fee
    assert si.query("SubtensorModule", "TotalHotkeyAlpha", [hotkey, netuid]).value >= alpha
    shares = si.query("SubtensorModule", "AlphaV2", [hotkey, bob.ss58_address, netuid]).value
    assert set(shares) == {"mantissa", "exponent"} and shares["mantissa"] > 0
    staking = si.query("SubtensorModule", "StakingHotkeys", [bob.ss58_address]).value
    assert hotkey in staking

    rec = _send(si, bob, "remove_stake", {"hotkey": hotkey, "netuid": netuid, "amount_unstaked": alpha // 2})
    assert rec.is_success, rec.error_message
    assert _event(rec, "StakeRemoved")[3] + _event(rec, "StakeRemoved")[5] == alpha // 2

    rec = _send(si, bob, "add_stake", {"hotkey": hotkey, "netuid": 999, "amount_staked": 5 * TAO})
    assert not rec.is_success
    assert rec.error_message["name"] == "SubnetNotExists"


def test_bogus_btcli_storage_names_read_like_the_real_items(si):
    alice = Keypair.create_from_uri("//Alice")
    inner = si.compose_call("AdminUtils", "sudo_set_commit_reveal_weights_enabled", {"netuid": 1, "enabled": False})
    xt = si.create_signed_extrinsic(si.compose_call("Sudo", "sudo", {"call": inner}), alice)
    assert si.submit_extrinsic(xt, wait_for_inclusion=True).is_success
    assert si.query("SubtensorModule", "get_commit_reveal_weights_enabled", [1]).value is False
    for netuid in (0, 1):
        real = si.query("SubtensorModule", "CommitRevealWeightsEnabled", [netuid]).value
        assert si.query("SubtensorModule", "get_commit_reveal_weights_enabled", [netuid]).value == real
        period = si.query("SubtensorModule", "RevealPeriodEpochs", [netuid]).value
        assert si.query("SubtensorModule", "get_commit_reveal_period", [netuid]).value == period


def test_fast_runtime_values_are_what_clients_read(si):
    """The fast runtime's prod_or_fast! globals are stored at genesis, so a client reading them by
    name (metadata default = production value) sees the fast ones."""
    assert si.query("SubtensorModule", "MaxEpochsPerBlock").value == 32
    assert si.query("SubtensorModule", "TxChildkeyTakeRateLimit").value == 5
    assert si.query("SubtensorModule", "NetworkRateLimit").value == 0


def test_pallet_constants_through_the_client(si):
    assert si.get_constant("SubtensorModule", "InitialMinStake").value == 2_000_000
    assert si.get_constant("SubtensorModule", "InitialNetworkMinLockCost").value == 1_000 * TAO
    assert si.get_constant("Swap", "MaxFeeRate").value == 10_000


def test_a_coldkey_without_tao_unstakes_paying_in_alpha_and_recycles_with_a_real_client(si):
    """The fee fallback and the recycle call as the client sees them: the transaction is accepted
    although the coldkey holds only the existential deposit, and the client decodes the new events."""
    alice, poor = Keypair.create_from_uri("//Alice"), Keypair.create_from_uri("//client_poor")
    hotkey = Keypair.create_from_uri("//client_alpha_fee_hk").ss58_address
    netuid = _started_subnet(si, alice, hotkey)
    fund = si.compose_call("Balances", "transfer_keep_alive", {"dest": poor.ss58_address, "value": 20 * TAO})
    assert si.submit_extrinsic(si.create_signed_extrinsic(fund, alice), wait_for_inclusion=True).is_success
    assert _send(si, poor, "add_stake", {"hotkey": hotkey, "netuid": netuid, "amount_staked": 10 * TAO}).is_success
    drain = si.compose_call("Balances", "transfer_all", {"dest": alice.ss58_address, "keep_alive": True})
    assert si.submit_extrinsic(si.create_signed_extrinsic(drain, poor), wait_for_inclusion=True).is_success
    assert si.query("System", "Account", [poor.ss58_address]).value["data"]["free"] == 500

    rec = _send(si, poor, "remove_stake", {"hotkey": hotkey, "netuid": netuid, "amount_unstaked": TAO})
    assert rec.is_success, rec.error_message
    paid = _event(rec, "TransactionFeePaidWithAlpha")
    assert paid["who"] == poor.ss58_address and paid["netuid"] == netuid and paid["alpha_fee"] > 0
    assert rec.total_fee_amount > 0  # TransactionFeePaid still reports the fee in TAO terms

    left = si.query("SubtensorModule", "AlphaV2", [hotkey, poor.ss58_address, netuid]).value
    assert left["mantissa"] > 0
    rec = _send(si, poor, "recycle_alpha", {"hotkey": hotkey, "amount": 10**18, "netuid": netuid})
    assert rec.is_success, rec.error_message
    assert _event(rec, "AlphaRecycled")[0] == poor.ss58_address
    gone = si.query("SubtensorModule", "AlphaV2", [hotkey, poor.ss58_address, netuid]).value
    assert gone == {"mantissa": 0, "exponent": 0}  # (the query's default: no entry)


def test_a_coldkey_swap_announcement_with_a_real_client(si):
    """btcli's `wallet swap-coldkey announce`: the hash goes in as hex, the events and the guard's
    module error come back decoded."""
    from tensornet.primitives.hashing import blake2_256

    alice, old = Keypair.create_from_uri("//Alice"), Keypair.create_from_uri("//client_swapper")
    new = Keypair.create_from_uri("//client_swapper_new")
    fund = si.compose_call("Balances", "transfer_keep_alive", {"dest": old.ss58_address, "value": 5 * TAO})
    assert si.submit_extrinsic(si.create_signed_extrinsic(fund, alice), wait_for_inclusion=True).is_success
    digest = "0x" + blake2_256(new.public_key).hex()
    rec = _send(si, old, "announce_coldkey_swap", {"new_coldkey_hash": digest})
    assert rec.is_success, rec.error_message
    assert _event(rec, "ColdkeySwapAnnounced")["new_coldkey_hash"] == digest
    when, stored = si.query("SubtensorModule", "ColdkeySwapAnnouncements", [old.ss58_address]).value
    assert stored == digest and when > 0
    # SubtensorTransactionExtension refuses the coldkey's other calls at submission: Custom(0)
    with pytest.raises(SubstrateRequestException) as refused:
        _send(si, old, "try_associate_hotkey", {"hotkey": new.ss58_address})
    assert refused.value.args[0] == {"code": 1010, "message": "Invalid Transaction", "data": "Custom error: 0"}
