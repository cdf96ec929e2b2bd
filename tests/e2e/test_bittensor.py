"""bittensor 11 (its own venv, .venv-bt) reads a balance and transfers through ``Subtensor.execute``.

Setup: ``python3 -m venv .venv-bt && .venv-bt/bin/pip install 'bittensor>=11'``. The SDK connects by
listing ``SubtensorModule.TokenSymbol``, so this needs the SubtensorModule pallet in the runtime.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tensornet.runtime.dispatch import (
    EXTRINSIC_BASE_WEIGHT, transaction_extension_weight, weight_to_fee,
)

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
VENV_PY = REPO / ".venv-bt" / "bin" / "python"
SCRIPT = REPO / "scripts" / "e2e" / "bittensor_flow.py"


def _venv_ok() -> bool:
    return VENV_PY.exists() and subprocess.run([str(VENV_PY), "-c", "import bittensor"],
                                               capture_output=True).returncode == 0


def _has_token_symbol() -> bool:
    from tensornet.chain.runtime_def import build_runtime

    module = build_runtime().pallets.get("SubtensorModule")
    return module is not None and hasattr(module, "TokenSymbol")


@pytest.mark.skipif(not _venv_ok(), reason=".venv-bt with bittensor>=11 missing")
def test_bittensor_balance_read_and_transfer(tmp_path, tn):
    if not _has_token_symbol():
        pytest.skip("SubtensorModule.TokenSymbol is not in the runtime yet; bittensor 11 cannot connect without it")
    node = tn.TnetProcess.node(str(tmp_path / "db"), sealing="instant").start()
    env = {**os.environ, "BITTENSOR_RUNTIME_CACHE_DIR": str(tmp_path / "bt-cache")}
    try:
        res = subprocess.run([str(VENV_PY), str(SCRIPT), node.url], capture_output=True, text=True, timeout=240,
                             env=env)
    finally:
        node.terminate()
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["bob_before_rao"] == 1_000_000 * 10**9
    assert out["existential_deposit_rao"] == 500
    assert out["success"] is True, out["result"]
    assert out["bob_after_rao"] - out["bob_before_rao"] == 1_500_000_000
    # subtensor's weights (tests/chain/test_fees.py has them exactly): base + the transfer call +
    # the transaction extensions, at 0.0005 rao per unit, plus 1 rao per byte of the extrinsic
    ext = transaction_extension_weight({"Balances": {"transfer_keep_alive": {}}}).ref_time
    keep_alive = weight_to_fee(EXTRINSIC_BASE_WEIGHT + 163_159_000 + ext)
    allow_death = weight_to_fee(EXTRINSIC_BASE_WEIGHT + 173_363_000 + ext)
    assert keep_alive + 100 < out["fee_rao"] < allow_death + 300
