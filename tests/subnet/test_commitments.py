"""Commitments pallet: a registered hotkey publishes fields per subnet; the space limit per epoch, the
field limit, the registration check, timelocked index and bonds reset follow pallet_commitments."""
from __future__ import annotations

import pytest
from incentive_net import TAO, Net, key

from tensornet.pallets.commitments import Data, field_space


@pytest.fixture(scope="module")
def net():
    n = Net(fund={"alice_hk": TAO, "c_hk": TAO})
    n.netuid = n.subnet()
    yield n
    n.close()


def _commitments(net: Net, item: str, *keys):
    with net.state() as rt:
        return getattr(rt.pallets["Commitments"], item).get(*keys)


def test_data_encoding_matches_subtensor_tags():
    assert Data.encode("None") == b"\x00"
    assert Data.encode({"Raw3": b"abc"}) == b"\x04abc"
    assert Data.encode({"Sha256": b"\x01" * 32})[0] == 131
    assert Data.encode("ResetBondsFlag") == bytes([135])
    assert Data.decode_all(bytes([136, 8]) + b"xy") == {"BigRaw": b"xy"}
    assert field_space({"Raw3": b"abc"}) == 3 and field_space("ResetBondsFlag") == 0


def test_registered_hotkey_commits(net):
    hk = key("alice_hk").public
    info = {"fields": [{"Raw11": b"127.0.0.1:9"}]}
    net.ok("alice_hk", "Commitments", "set_commitment", {"netuid": net.netuid, "info": info})
    reg = _commitments(net, "CommitmentOf", net.netuid, hk)
    assert reg == {"deposit": 0, "block": net.block, "info": info}
    assert _commitments(net, "LastCommitment", net.netuid, hk) == net.block
    assert _commitments(net, "UsedSpaceOf", net.netuid, hk)["used_space"] == 100  # at least MIN_USED_SPACE
    assert any(e["pallet"] == "Commitments" and e["name"] == "Commitment" for e in net.events())


def test_unregistered_hotkey_and_too_many_fields_are_refused(net):
    out = net.call("c_hk", "Commitments", "set_commitment", {"netuid": net.netuid, "info": {"fields": []}})
    assert out.error == "AccountNotAllowedCommit"
    out = net.call("alice_hk", "Commitments", "set_commitment",
                   {"netuid": net.netuid, "info": {"fields": ["None"] * 4}})
    assert out.error == "TooManyFieldsInCommitmentInfo"


def test_space_limit_per_epoch(net):
    net.sudo("Commitments", "set_max_space", {"new_limit": 250})
    args = {"netuid": net.netuid, "info": {"fields": [{"Raw1": b"x"}]}}
    net.ok("alice_hk", "Commitments", "set_commitment", args)  # 100 (+100 from the earlier test if same epoch)
    used = _commitments(net, "UsedSpaceOf", net.netuid, key("alice_hk").public)["used_space"]
    while used + 100 <= 250:
        net.ok("alice_hk", "Commitments", "set_commitment", args)
        used += 100
    assert net.call("alice_hk", "Commitments", "set_commitment", args).error == "SpaceLimitExceeded"


def test_timelocked_commitment_is_indexed(net):
    net.sudo("Commitments", "set_max_space", {"new_limit": 10_000})
    hk = key("alice_hk").public
    info = {"fields": [{"TimelockEncrypted": {"encrypted": b"\x01" * 40, "reveal_round": 7}}]}
    net.ok("alice_hk", "Commitments", "set_commitment", {"netuid": net.netuid, "info": info})
    assert (net.netuid, hk) in [tuple(e) for e in _commitments(net, "TimelockedIndex")]
    assert any(e["name"] == "TimelockCommitment" and e["fields"]["reveal_round"] == 7 for e in net.events())
    net.ok("alice_hk", "Commitments", "set_commitment", {"netuid": net.netuid, "info": {"fields": ["None"]}})
    assert (net.netuid, hk) not in [tuple(e) for e in _commitments(net, "TimelockedIndex")]
