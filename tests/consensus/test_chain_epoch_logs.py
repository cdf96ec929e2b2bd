"""subtensor's epoch_logs.rs and commit-reveal / owner tests, through the JSON face.

The Rust tests read the epoch's trace logs; the values they assert there are checked here on the
stored outputs they determine (u16 = floor(x·65535), emission = floor(x·rao)).
"""
from __future__ import annotations

import pytest

from tensornet.consensus.errors import ScenarioError
from tensornet.consensus.yuma import epoch_json

M = 65535
TEMPO = 10
CUTOFF = 13_889 * TEMPO // 1000  # the epoch reads ActivityCutoffFactorMilli·tempo, not ActivityCutoff


def logs_scenario(stakes, permits, last_update, block=1, weights=None, **extra) -> dict:
    n = len(stakes)
    doc = {"n": n, "stake": stakes, "weights": weights or [[] for _ in range(n)],
           "validator_permit": permits, "last_update": last_update,
           "block_at_registration": [0] * n, "current_block": block, "tempo": TEMPO,
           "activity_cutoff": CUTOFF, "max_allowed_validators": 100}
    doc.update(extra)
    return doc


def test_simple() -> None:
    out = epoch_json(logs_scenario([10**9, 10**9], [True, True], [1, 1]))
    assert out["active"] == [True, True]
    assert out["stake_weight"] == [32767, 32767]  # Normalised Stake: [0.5, 0.5]
    assert out["new_validator_permit"] == [True, True]
    assert out["consensus"] == [0, 0]
    assert out["validator_emission"] == [500_000_000, 500_000_000]
    assert out["emission"] == [500_000_000, 500_000_000]


def test_bad_permit_vector_is_refused() -> None:
    """The chain masks the missing permit and logs a math error; we refuse the input."""
    with pytest.raises(ScenarioError, match="validator_permit"):
        epoch_json(logs_scenario([10**9, 10**9], [True], [1, 1]))


def test_inactive_mask_zeroes_active_stake_and_emergency_mode() -> None:
    out = epoch_json(logs_scenario([10**9, 10**9], [True, True], [0, 0], block=1_000_000))
    assert out["active"] == [False, False]
    assert out["emission"] == [500_000_000, 500_000_000]  # Normalized Combined Emission: [0.5, 0.5]


def test_validator_permit_masks_active_stake() -> None:
    out = epoch_json(logs_scenario([10**9, 10**9], [True, False], [1, 1]))
    assert out["validator_emission"] == [10**9, 0]  # Active Stake: [1, 0]


def test_epoch_uses_active_stake_when_nonzero_active() -> None:
    out = epoch_json(logs_scenario([10**9, 10**9], [True, True], [999, 1], block=1000))
    assert out["active"] == [True, False]
    assert out["emission"] == [10**9, 0]


def test_epoch_topk_validator_permits() -> None:
    out = epoch_json(logs_scenario([2 * 10**9, 10**9], [True, True], [1, 1],
                                   max_allowed_validators=1))
    assert out["stake_weight"][0] == 43689  # 0.666… floored twice (I32F32, then u16)
    assert out["new_validator_permit"] == [True, False]


FIVE = dict(stakes=[10**9] * 3 + [0, 0], permits=[True, True, True, False, False],
            last_update=[1] * 5)


def test_validators_weight_two_distinct_servers() -> None:
    w = [[[3, M], [4, 0]], [[3, 0], [4, M]], [[3, M], [4, 0]], [], []]
    out = epoch_json(logs_scenario(**FIVE, weights=w))
    assert out["consensus"] == [0, 0, 0, M, 0]
    assert out["validator_trust"] == [M, 0, M, 0, 0]
    assert out["dividends"] == [32767, 0, 32767, 0, 0]
    assert out["emission"] == [250_000_000, 0, 250_000_000, 500_000_000, 0]


def test_validator_splits_weight_across_two_servers() -> None:
    w = [[[3, M], [4, 0]], [[3, 0], [4, M]], [[3, M], [4, M]], [], []]
    out = epoch_json(logs_scenario(**FIVE, weights=w))
    assert out["dividends"] == [16383, 16383, 32767, 0, 0]
    assert out["emission"] == [125_000_000, 125_000_000, 250_000_000, 250_000_000, 250_000_000]


@pytest.mark.parametrize("rows,emission", [
    ([[[3, M]], [[4, M]], [[3, M]], [], []], [250, 0, 250, 500, 0]),
    ([[[4, M]], [[3, M]], [[4, M]], [], []], [250, 0, 250, 0, 500]),
])
def test_epoch_mechanism_reads_weights_per_mechanism(rows, emission) -> None:
    out = epoch_json(logs_scenario(**FIVE, weights=rows, rao_emission=1000))
    assert out["emission"] == emission


@pytest.mark.parametrize("rows,emission", [
    ([[[2, M]], [[2, M]], [], []], [250, 250, 500, 0]),
    ([[[2, M], [3, M]], [[2, M], [3, M]], [], []], [250, 250, 250, 250]),
    ([[[3, M]], [[3, M]], [], []], [250, 250, 0, 500]),
])
def test_epoch_mechanism_three_mechanisms_separate_state(rows, emission) -> None:
    out = epoch_json(logs_scenario([10**9, 10**9, 0, 0], [True, True, False, False], [1] * 4,
                                   weights=rows, rao_emission=1000))
    assert out["emission"] == emission


def test_can_set_self_weight_as_subnet_owner() -> None:
    """The owner's self-weight survives the diagonal mask; both uids earn the same incentive."""
    doc = {"n": 2, "stake": [5_000_000_000_000, 0], "owner_uid": 0,
           "weights": [[[0, M // 2], [1, M // 2]], []], "validator_permit": [True, False],
           "last_update": [2, 0], "block_at_registration": [1, 1], "current_block": 2,
           "rao_emission": 10**9}
    out = epoch_json(doc)
    assert out["server_emission"][0] > 0 and out["server_emission"][1] > 0
    assert out["server_emission"][0] == out["server_emission"][1]
    no_owner = epoch_json({**doc, "owner_uid": None})
    assert no_owner["server_emission"] == [0, 10**9 // 2]


def test_epoch_outputs_single_staker_registered_no_weights() -> None:
    out = epoch_json({"n": 1, "stake": [1], "weights": [[]], "current_block": 1,
                      "tempo": M - 1, "rao_emission": 10**9})
    total = sum(out["server_emission"]) + sum(out["validator_emission"])
    assert abs(total - 10**9) <= 1000


def sniped_uid(commit_reveal: bool) -> dict:
    """``test_epoch_masks_incoming_to_sniped_uid_prevents_inheritance`` at the input level:
    the validator's earliest unexpired commit (block 21) predates uid 2's registration (22)."""
    return {"n": 3, "stake": [10_000, 5_000, 10_000], "validator_permit": [True, False, False],
            "weights": [[[0, M], [2, M]], [], []], "last_update": [23, 1, 22],
            "block_at_registration": [1, 1, 22], "current_block": 23, "tempo": TEMPO,
            "max_allowed_validators": 3, "commit_reveal_enabled": commit_reveal,
            "commit_blocks": [21, None, None], "rao_emission": 1000}


def test_epoch_masks_incoming_to_sniped_uid() -> None:
    assert epoch_json(sniped_uid(True))["incentive"][2] == 0
    assert epoch_json(sniped_uid(False))["incentive"][2] > 0


def test_epoch_does_not_mask_outside_window_but_masks_inside() -> None:
    doc = {"n": 4, "stake": [10_000, 1_000, 1_000, 1_000],
           "validator_permit": [True, False, False, False], "max_allowed_validators": 1,
           "weights": [[[1, M], [2, M], [3, M]], [], [], []], "last_update": [34, 8, 33, 33],
           "block_at_registration": [1, 8, 33, 33], "current_block": 34, "tempo": 8,
           "commit_reveal_enabled": True, "commit_blocks": [32, None, None, None]}
    out = epoch_json(doc)
    assert out["incentive"][1] > 0
    assert out["incentive"][2] == 0 and out["incentive"][3] == 0
