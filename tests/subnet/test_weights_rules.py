"""Weight validation order, max-upscaling and the commit hash (pure)."""
from __future__ import annotations

import dataclasses

from tensornet.primitives.hashing import blake2_256
from tensornet.subnet.weights_rules import (
    WeightsContext,
    check_weights,
    commit_hash,
    is_commit_expired,
    is_reveal_epoch,
    max_upscale,
    max_weight_limited,
)

CTX = WeightsContext(netuid=2, mechanism_exists=True, subnetwork_n=4, uid=1, stake_ok=True,
                     network_version_key=0, commit_reveal_enabled=False, last_update=0, rate_limit=100,
                     current_block=50, validator_permit=True, owner_uid=0, min_allowed_weights=2,
                     max_weight_limit=65535)


def err(ctx=CTX, uids=(2, 3), values=(1, 2), vk=0, **kw):
    return check_weights(dataclasses.replace(ctx, **kw), list(uids), list(values), vk)[0]


def test_happy_path_stores_max_upscaled():
    assert check_weights(CTX, [2, 3], [1, 2], 0) == (None, [32768, 65535])


def test_errors_in_chain_order():
    assert err(netuid=0) == "CanNotSetRootNetworkWeights"
    assert err(values=(1,)) == "WeightVecNotEqualSize"
    assert err(mechanism_exists=False) == "MechanismDoesNotExist"
    assert err(uids=(0, 1, 2, 3, 0), values=(1,) * 5) == "UidsLengthExceedUidsInSubNet"
    assert err(uid=None) == "HotKeyNotRegisteredInSubNet"
    assert err(stake_ok=False) == "NotEnoughStakeToSetWeights"
    assert err(network_version_key=5, vk=4) == "IncorrectWeightVersionKey"
    assert err(network_version_key=5, vk=5) is None
    assert err(last_update=10, current_block=50) == "SettingWeightsTooFast"
    assert err(last_update=10, current_block=50, commit_reveal_enabled=True) is None
    assert err(validator_permit=False) == "NeuronNoValidatorPermit"
    assert err(validator_permit=False, uids=(1,), values=(5,)) is None  # self weight
    assert err(validator_permit=False, uid=0) is None  # owner uid
    assert err(uids=(2, 2)) == "DuplicateUids"
    assert err(uids=(2, 9)) == "UidVecContainInvalidOne"
    assert err(uids=(2,), values=(1,)) == "WeightVecLengthIsLow"
    assert err(max_weight_limit=40000) == "MaxWeightExceeded"  # 2/3 > 40000/65535
    assert err(max_weight_limit=45000) is None


def test_max_upscale_matches_chain_rounding():
    assert max_upscale([0, 0]) == [0, 0]
    assert max_upscale([1, 2, 3]) == [21845, 43690, 65535]
    assert max_upscale([65535, 1]) == [65535, 1]
    assert max_upscale([]) == []
    assert max_weight_limited([65535, 65535], 32768)


def test_commit_hash_is_blake2_of_scale_tuple():
    hk = bytes(range(32))
    h = commit_hash(hk, 2, [0, 1], [10, 20], [7], 3)
    expected = blake2_256(hk + b"\x02\x00" + b"\x08" + b"\x00\x00\x01\x00" + b"\x08" + b"\x0a\x00\x14\x00"
                          + b"\x04\x07\x00" + (3).to_bytes(8, "little"))
    assert h == expected


def test_reveal_windows():
    assert is_reveal_epoch(5, 4, 1) and not is_reveal_epoch(4, 4, 1)
    assert is_commit_expired(6, 4, 1) and not is_commit_expired(5, 4, 1)
