"""The JSON face, the typed face's validation, sequences with carry, and `tnet yuma run`."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from tensornet.cli.yuma_cmd import yuma
from tensornet.consensus.errors import ScenarioError
from tensornet.consensus.types import Csr, EpochInputs
from tensornet.consensus.yuma import epoch, epoch_json, run_scenario, warm_up

M = 65535
BASE = {"n": 3, "stake": [100, 50, 0], "weights": [[[2, M]], [[2, M]], []],
        "validator_permit": [True, True, False], "current_block": 1, "last_update": [1, 1, 0]}

OUTPUT_KEYS = {"active", "new_validator_permit", "stake_weight", "consensus", "incentive",
               "dividends", "validator_trust", "emission", "server_emission",
               "validator_emission", "bonds"}


def test_json_face_shape_and_values() -> None:
    out = epoch_json(BASE)
    assert set(out) == OUTPUT_KEYS
    assert out["incentive"] == [0, 0, M]
    assert out["bonds"] == [[[2, M]], [[2, 32767]], []]
    assert json.loads(json.dumps(out)) == out
    assert epoch_json(BASE, engine="reference") == out


def test_explicit_zero_weight_differs_from_absent() -> None:
    """A stored 0 keeps a Yuma-3 bond decaying under liquid alpha; an absent entry drops it."""
    common = {**BASE, "yuma3_enabled": True, "liquid_alpha_enabled": True,
              "bonds": [[[1, 30000], [2, 40000]], [[2, 100]], []], "current_block": 400,
              "last_update": [400, 400, 0]}
    zero = epoch_json({**common, "weights": [[[1, 0], [2, M]], [[2, M]], []]})
    absent = epoch_json({**common, "weights": [[[2, M]], [[2, M]], []]})
    assert [j for j, _ in zero["bonds"][0]] == [1, 2]
    assert [j for j, _ in absent["bonds"][0]] == [2]


BAD = [
    ({"stake": [1, 2]}, "stake", "expected n = 3"),
    ({"n": -1}, "n", "out of range"),
    ({"n": 2.0}, "n", "expected an integer"),
    ({"n": True}, "n", "expected an integer"),
    ({"stake": [1, -2, 0]}, "stake[1]", "out of range"),
    ({"stake": [1, float("nan"), 0]}, "stake[1]", "NaN"),
    ({"stake": [1, 2**64, 0]}, "stake[1]", "out of range"),
    ({"weights": [[[3, M]], [], []]}, "weights[0]", "not below n"),
    ({"weights": [[[2, M + 1]], [], []]}, "weights[0]", "out of range"),
    ({"weights": [[[2, 5], [2, 6]], [], []]}, "weights[0]", "duplicate uid 2"),
    ({"weights": [[[2]], [], []]}, "weights[0][0]", "pair"),
    ({"weights": [[[2, 1.5]], [], []]}, "weights[0][0] value", "integer"),
    ({"weights": [[], []]}, "weights", "expected n = 3"),
    ({"bonds": [[], [[0, -1]], []]}, "bonds[1]", "out of range"),
    ({"validator_permit": [1, 0, 0]}, "validator_permit[0]", "true/false"),
    ({"kappa": 70000}, "kappa", "out of range"),
    ({"yuma3_enabled": 1}, "yuma3_enabled", "true/false"),
    ({"owner_uid": 3}, "owner_uid", "out of range"),
    ({"variant": "fast"}, "variant", "sparse"),
    ({"alpha_sigmoid_steepness": 40000}, "alpha_sigmoid_steepness", "out of range"),
    ({"commit_blocks": [None, "x", None]}, "commit_blocks[1]", "integer"),
    ({"kapa": 1}, "kapa", "unknown key"),
    ({"stake": [2**63, 2**63, 0]}, "stake", "I64F64"),
]


@pytest.mark.parametrize("patch,key,words", BAD)
def test_bad_input_names_the_key(patch, key, words) -> None:
    with pytest.raises(ScenarioError) as info:
        epoch_json({**BASE, **patch})
    assert info.value.key == key
    assert words in str(info.value)
    assert isinstance(info.value, ValueError)


def test_missing_required_key() -> None:
    doc = dict(BASE)
    del doc["weights"]
    with pytest.raises(ScenarioError, match="weights: is required"):
        epoch_json(doc)


def test_typed_face_validates_arrays() -> None:
    inp = EpochInputs(n=3, stake=np.array([1, 2, 3], np.uint64),
                      weights=Csr(np.array([0, 1, 1, 1]), np.array([5]), np.array([1])))
    with pytest.raises(ScenarioError, match="weights"):
        epoch(inp)
    inp = EpochInputs(n=3, stake=np.array([1.0, 2.0, 3.0]), weights=Csr.empty(3))
    with pytest.raises(ScenarioError, match="stake"):
        epoch(inp)
    with pytest.raises(ScenarioError, match="weights: expected a Csr"):
        epoch(EpochInputs(n=3, stake=np.ones(3, np.uint64), weights=[[], [], []]))
    with pytest.raises(ScenarioError, match="validator_permit"):
        epoch(EpochInputs(n=3, stake=np.ones(3, np.uint64), weights=Csr.empty(3),
                          validator_permit=np.ones(2, bool)))


def test_empty_network() -> None:
    out = epoch_json({"n": 0, "stake": [], "weights": []})
    assert out["emission"] == [] and out["bonds"] == []


def test_sequence_carries_bonds_and_permits() -> None:
    first = {**BASE, "validator_permit": [False, False, False]}
    seq = run_scenario({"epochs": [first, {**BASE, "current_block": 2}], "carry": True})
    a, b = seq["epochs"]
    assert a["bonds"] == [[], [], []]  # nobody had a permit yet: no weights count
    manual = epoch_json({**BASE, "current_block": 2, "bonds": a["bonds"],
                         "validator_permit": a["new_validator_permit"]})
    assert b == manual
    nocarry = run_scenario({"epochs": [first, {**BASE, "current_block": 2}]})
    assert nocarry["epochs"][1] == epoch_json({**BASE, "current_block": 2})


def test_sequence_errors_name_the_epoch() -> None:
    with pytest.raises(ScenarioError, match=r"epochs\[1\].kappa"):
        run_scenario({"epochs": [BASE, {**BASE, "kappa": -1}], "carry": True})


def test_cli_run_writes_result(tmp_path) -> None:
    scen = tmp_path / "s.json"
    scen.write_text(json.dumps({"epochs": [BASE, BASE], "carry": True}))
    out = tmp_path / "r.json"
    res = CliRunner().invoke(yuma, ["run", str(scen), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert len(json.loads(out.read_text())["epochs"]) == 2


def test_cli_plot(tmp_path) -> None:
    pytest.importorskip("matplotlib")
    scen = tmp_path / "s.json"
    scen.write_text(json.dumps({"epochs": [BASE, BASE, BASE], "carry": True}))
    png = tmp_path / "p.png"
    res = CliRunner().invoke(yuma, ["run", str(scen), "--out", str(tmp_path / "o.json"),
                                    "--plot", str(png)])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("content,words", [
    ("{not json", "not valid JSON"),
    (json.dumps({**BASE, "stake": [1]}), "stake: has 1 entries"),
    (json.dumps([1, 2]), "expected a JSON object"),
])
def test_cli_bad_input_exits_2_with_one_line(tmp_path, content, words) -> None:
    scen = tmp_path / "s.json"
    scen.write_text(content)
    res = CliRunner().invoke(yuma, ["run", str(scen)])
    assert res.exit_code == 2
    assert words in res.output
    assert "Traceback" not in res.output


def test_cli_missing_file_exits_2(tmp_path) -> None:
    res = CliRunner().invoke(yuma, ["run", str(tmp_path / "nope.json")])
    assert res.exit_code == 2


def test_importing_the_cli_does_not_import_numba() -> None:
    code = ("import sys; import tensornet.cli.yuma_cmd; import tensornet.cli.main; "
            "print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_warm_up_runs() -> None:
    warm_up()


def test_stake_fraction_is_exact_i64f64() -> None:
    """Stake weights carry 64 fractional bits on chain (tao·tao_weight); they are honoured."""
    base = dict(n=2, weights=Csr.empty(2), validator_permit=np.array([True, True]))
    whole = epoch(EpochInputs(stake=np.array([1, 1], np.uint64), **base))
    half = epoch(EpochInputs(stake=np.array([1, 1], np.uint64),
                             stake_fraction=np.array([1 << 63, 0], np.uint64), **base))
    assert whole.stake_weight.tolist() == [32767, 32767]
    assert half.stake_weight.tolist() == [39320, 26213]  # 1.5/2.5 and 1/2.5, floored twice
    ref = epoch(EpochInputs(stake=np.array([1, 1], np.uint64),
                            stake_fraction=np.array([1 << 63, 0], np.uint64), **base),
                engine="reference")
    assert ref.stake_weight.tolist() == half.stake_weight.tolist()
