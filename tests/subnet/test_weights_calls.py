"""set_weights / batch_set_weights / commit–reveal v2 / serving through signed extrinsics."""
from __future__ import annotations

import pytest
from incentive_net import TAO, Net, key

from tensornet.primitives.hashing import blake2_256
from tensornet.subnet.weights_rules import commit_hash

HOT = ("alice_hk", "v_hk", "m_hk", "m2_hk")


@pytest.fixture(scope="module")
def net():
    n = Net(fund={h: TAO for h in HOT})
    n.netuid = n.staked_subnet(("Bob", "v_hk"), [("Charlie", "m_hk"), ("Dave", "m2_hk")], 10 * TAO)
    n.seal(n.sm("Tempo", n.netuid) + 1)  # an epoch gives v_hk its permit
    assert n.sm("ValidatorPermit", n.netuid)[1]
    yield n
    n.close()


def test_set_weights_stores_max_upscaled_and_updates_last_update(net):
    out = net.set_weights("v_hk", net.netuid, [2, 3], [10, 40])
    assert out.success and out.fee == 0  # Pays::No
    assert net.sm("Weights", net.netuid, 1) == [(2, 16384), (3, 65535)]
    assert net.sm("LastUpdate", net.netuid)[1] == net.block
    assert {"pallet": "SubtensorModule", "name": "WeightsSet", "fields": (net.netuid, 1)} in net.events()


@pytest.mark.parametrize("hotkey,uids,values,vk,setup,error", [
    ("v_hk", [2, 9], [1, 1], 0, None, "UidVecContainInvalidOne"),
    ("v_hk", [2, 2], [1, 1], 0, None, "DuplicateUids"),
    ("v_hk", [2], [1, 1], 0, None, "WeightVecNotEqualSize"),
    ("v_hk", [0, 1, 2, 3, 0], [1] * 5, 0, None, "UidsLengthExceedUidsInSubNet"),
    ("m_hk", [1, 3], [1, 1], 0, None, "NeuronNoValidatorPermit"),
    ("v_hk", [2], [1], 0, ("sudo_set_min_allowed_weights", {"min_allowed_weights": 2}), "WeightVecLengthIsLow"),
    ("v_hk", [2, 3], [1, 1], 3, ("sudo_set_weights_version_key", {"weights_version_key": 4}),
     "IncorrectWeightVersionKey"),
    ("nobody_hk", [2], [1], 0, None, "HotKeyNotRegisteredInSubNet"),
])
def test_bad_weights(net, hotkey, uids, values, vk, setup, error):
    if setup:
        net.sudo("AdminUtils", setup[0], {"netuid": net.netuid, **setup[1]})
    before = net.sm("Weights", net.netuid, 1)
    if hotkey == "nobody_hk":
        net.ok("Alice", "Balances", "transfer_keep_alive", {"dest": {"Id": key(hotkey).public}, "value": TAO})
    out = net.set_weights(hotkey, net.netuid, uids, values, vk)
    assert not out.success and out.error == error
    assert net.sm("Weights", net.netuid, 1) == before
    if setup:  # undo
        undo = {"sudo_set_min_allowed_weights": {"min_allowed_weights": 1},
                "sudo_set_weights_version_key": {"weights_version_key": 0}}[setup[0]]
        net.sudo("AdminUtils", setup[0], {"netuid": net.netuid, **undo})


def test_rate_limited_weights_are_refused_by_the_pool_and_fail_when_batched(net):
    """CheckRateLimits: subtensor's transaction extension keeps a top-level set_weights sent too soon
    out of the pool (Custom(6)); batched, the dispatch guard fails it with SettingWeightsTooFast."""
    netuid = net.netuid
    net.ok("v_hk", "SubtensorModule", "set_weights", {"netuid": netuid, "dests": [2], "weights": [1], "version_key": 0})
    net.sudo("AdminUtils", "sudo_set_weights_set_rate_limit", {"netuid": netuid, "weights_set_rate_limit": 1000})
    try:
        before = net.sm("Weights", netuid, 1)
        args = {"netuid": netuid, "dests": [2, 3], "weights": [1, 1], "version_key": 0}
        assert net.refused("v_hk", "SubtensorModule", "set_weights", args) == "Custom(6) RateLimitExceeded"
        assert len(net.node.pool) == 0
        out = net.nested("v_hk", "SubtensorModule", "set_weights", args)
        assert (out.success, out.error, out.fee) == (False, "SettingWeightsTooFast", 0)
        assert net.sm("Weights", netuid, 1) == before
        # a hotkey with no uid is not rate limited: its set_weights fails in the call
        net.ok("Alice", "Balances", "transfer_keep_alive", {"dest": {"Id": key("late_hk").public}, "value": TAO})
        assert net.set_weights("late_hk", netuid, [2], [1]).error == "HotKeyNotRegisteredInSubNet"
    finally:
        net.sudo("AdminUtils", "sudo_set_weights_set_rate_limit", {"netuid": netuid, "weights_set_rate_limit": 0})


def test_a_block_leaves_out_weights_the_guard_refuses_by_then(net):
    """Two set_weights admitted against the same head: when the block applies them the first one
    starts the rate limit, so the transaction extension refuses the second, which is left out of
    the block (and the pool) rather than included as a failure."""
    netuid = net.netuid
    net.sudo("AdminUtils", "sudo_set_weights_set_rate_limit", {"netuid": netuid, "weights_set_rate_limit": 5})
    try:
        net.seal(5)
        first = net.submit("v_hk", "SubtensorModule", "set_weights",
                           {"netuid": netuid, "dests": [2], "weights": [1], "version_key": 0})
        net.submit("v_hk", "SubtensorModule", "set_weights",
                   {"netuid": netuid, "dests": [3], "weights": [1], "version_key": 0})
        built = net.node.seal_block()
        assert [(applied in (first, blake2_256(first)), outcome.success) for applied, outcome in built.applied] \
            == [(True, True)]
        assert len(net.node.pool) == 0 and net.sm("Weights", netuid, 1) == [(2, 65535)]
    finally:
        net.sudo("AdminUtils", "sudo_set_weights_set_rate_limit", {"netuid": netuid, "weights_set_rate_limit": 0})


def test_weights_min_stake_is_checked_by_the_pool(net):
    """CheckWeights: below StakeThreshold a weights call is refused at submission with Custom(1)."""
    netuid = net.netuid
    net.sudo("AdminUtils", "sudo_set_stake_threshold", {"min_stake": 10**18})
    try:
        args = {"netuid": netuid, "dests": [2], "weights": [1], "version_key": 0}
        assert net.refused("m_hk", "SubtensorModule", "set_weights", args) == "Custom(1) StakeAmountTooLow"
        batch = {"netuids": [netuid], "weights": [[(2, 1)]], "version_keys": [0]}
        assert net.refused("m_hk", "SubtensorModule", "batch_set_weights", batch) == "Custom(1) StakeAmountTooLow"
        assert net.nested("m_hk", "SubtensorModule", "set_weights", args).error == "NotEnoughStakeToSetWeights"
        # the subnet owner's hotkey needs no stake
        assert net.offer("alice_hk", "SubtensorModule", "set_weights", args) is None
        net.seal(1)
        unequal = {"netuids": [netuid, netuid], "weights": [[(2, 1)]], "version_keys": [0]}
        assert net.refused("alice_hk", "SubtensorModule", "batch_set_weights", unequal) == \
            "Custom(18) InputLengthsUnequal"
    finally:
        net.sudo("AdminUtils", "sudo_set_stake_threshold", {"min_stake": 0})


def test_self_weight_needs_no_permit(net):
    assert net.set_weights("m_hk", net.netuid, [2], [5]).success


def test_batch_set_weights_reports_failed_items(net):
    out = net.ok("v_hk", "SubtensorModule", "batch_set_weights",
                 {"netuids": [net.netuid, 77], "weights": [[(2, 1), (3, 3)], [(0, 1)]], "version_keys": [0, 0]})
    names = [e["name"] for e in net.events() if e["pallet"] == "SubtensorModule"]
    assert names[-4:] == ["WeightsSet", "BatchCompletedWithErrors", "BatchWeightItemFailed", "BatchWeightsCompleted"]
    assert net.sm("Weights", net.netuid, 1) == [(2, 21845), (3, 65535)]
    assert out.fee == 0


def test_commit_reveal_v2_round_trip(net):
    netuid = net.netuid
    net.sudo("AdminUtils", "sudo_set_commit_reveal_weights_enabled", {"netuid": netuid, "enabled": True})
    assert net.set_weights("v_hk", netuid, [2, 3], [1, 1]).error == "CommitRevealEnabled"
    uids, values, salt = [2, 3], [7, 9], [1, 2, 3]
    h = commit_hash(key("v_hk").public, netuid, uids, values, salt, 0)
    net.ok("v_hk", "SubtensorModule", "commit_weights", {"netuid": netuid, "commit_hash": h})
    commits = net.sm("WeightCommits", netuid, key("v_hk").public)
    assert commits[0][0] == h and commits[0][2] == net.block
    reveal = {"netuid": netuid, "uids": uids, "values": values, "salt": salt, "version_key": 0}
    # CheckWeights refuses a reveal outside its epoch at the pool (Custom(17)); batched, it fails
    assert net.refused("v_hk", "SubtensorModule", "reveal_weights", reveal) == \
        "Custom(17) CommitBlockNotInRevealRange"
    assert net.nested("v_hk", "SubtensorModule", "reveal_weights", reveal).error == "RevealTooEarly"
    wrong = dict(reveal, salt=[9])
    # next epoch: the reveal window
    while net.sm("SubnetEpochIndex", netuid) == commits[0][1]:
        net.seal(1)
    # a reveal matching no commit: the guard answers before the call compares hashes
    assert net.refused("v_hk", "SubtensorModule", "reveal_weights", wrong) == "Custom(16) CommitNotFound"
    assert net.nested("v_hk", "SubtensorModule", "reveal_weights", wrong).error == "NoWeightsCommitFound"
    net.ok("v_hk", "SubtensorModule", "reveal_weights", reveal)
    assert net.sm("Weights", netuid, 1) == [(2, 50972), (3, 65535)]
    assert net.sm("WeightCommits", netuid, key("v_hk").public) is None
    # a commit not revealed in its window expires
    h2 = commit_hash(key("v_hk").public, netuid, uids, values, [4], 0)
    net.ok("v_hk", "SubtensorModule", "commit_weights", {"netuid": netuid, "commit_hash": h2})
    start = net.sm("SubnetEpochIndex", netuid)
    while net.sm("SubnetEpochIndex", netuid) < start + 3:
        net.seal(1)
    # the expired commit is still stored: its epoch is not the reveal epoch any more
    assert net.refused("v_hk", "SubtensorModule", "reveal_weights", dict(reveal, salt=[4])) == \
        "Custom(17) CommitBlockNotInRevealRange"
    out = net.call("v_hk", "SubtensorModule", "commit_timelocked_weights",
                   {"netuid": netuid, "commit": b"x", "reveal_round": 1, "commit_reveal_version": 4})
    assert out.error == "CallDisabled"
    net.sudo("AdminUtils", "sudo_set_commit_reveal_weights_enabled", {"netuid": netuid, "enabled": False})


AXON = {"version": 1, "ip": 0x0A000001, "port": 8091, "ip_type": 4, "protocol": 4, "placeholder1": 0, "placeholder2": 0}


def test_serving_rules(net):
    netuid = net.netuid
    net.ok("m2_hk", "SubtensorModule", "serve_axon", {"netuid": netuid, **AXON})
    axon = net.sm("Axons", netuid, key("m2_hk").public)
    assert axon["ip"] == 0x0A000001 and axon["block"] == net.block
    # CheckServingEndpoints: the pool refuses what serve_axon would fail with (Custom codes; an unknown
    # ip type maps to BadRequest); batched, the guard fails the call with its own error
    assert net.refused("m2_hk", "SubtensorModule", "serve_axon", {"netuid": netuid, **AXON, "port": 9}) == \
        "Custom(12) ServingRateLimitExceeded"
    assert net.nested("m2_hk", "SubtensorModule", "serve_axon", {"netuid": netuid, **AXON, "port": 9}).error == \
        "ServingRateLimitExceeded"
    net.sudo("AdminUtils", "sudo_set_serving_rate_limit", {"netuid": netuid, "serving_rate_limit": 0})
    for bad, refusal, error in (({"ip_type": 5}, "Custom(255) BadRequest", "InvalidIpType"),
                                ({"ip": 2**32 - 1}, "Custom(11) InvalidIpAddress", "InvalidIpAddress"),
                                ({"port": 0}, "Custom(13) InvalidPort", "InvalidPort"),
                                ({"ip_type": 6, "ip": 2**128 - 1}, "Custom(11) InvalidIpAddress", "InvalidIpAddress")):
        args = {"netuid": netuid, **AXON, **bad}
        assert net.refused("m2_hk", "SubtensorModule", "serve_axon", args) == refusal
        assert net.nested("m2_hk", "SubtensorModule", "serve_axon", args).error == error
    assert net.refused("nobody_hk", "SubtensorModule", "serve_axon", {"netuid": netuid, **AXON}) == \
        "Custom(10) HotKeyNotRegisteredInNetwork"
    # the test preset allows loopback (a devnet convenience the real chain refuses)
    net.ok("m2_hk", "SubtensorModule", "serve_axon", {"netuid": netuid, **AXON, "ip": 0x7F000001})
    net.ok("m2_hk", "SubtensorModule", "serve_axon_tls", {"netuid": netuid, **AXON, "certificate": b"\x01" + b"k" * 32})
    assert net.sm("NeuronCertificates", netuid, key("m2_hk").public)["algorithm"] == 1
    net.ok("m2_hk", "SubtensorModule", "serve_prometheus",
           {"netuid": netuid, "version": 1, "ip": 0x0A000002, "port": 9090, "ip_type": 4})
    assert net.refused("m2_hk", "SubtensorModule", "serve_prometheus",
                       {"netuid": netuid, "version": 1, "ip": 0, "port": 9090, "ip_type": 4}) == \
        "Custom(11) InvalidIpAddress"


def test_loopback_refused_without_the_devnet_flag():
    from tensornet.subnet.serving import is_valid_ip_address

    assert not is_valid_ip_address(4, 0x7F000001, True)
    assert not is_valid_ip_address(6, 1, True)
    assert is_valid_ip_address(4, 0x7F000001, True, allow_loopback=True)
    assert is_valid_ip_address(4, 0, True) and not is_valid_ip_address(4, 0, False)
