"""async-substrate-interface (its own venv: it brings cyscale) runs the issue-3 flow against ``tnet node``."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
VENV_PY = REPO / ".venv-async" / "bin" / "python"
SCRIPT = REPO / "scripts" / "e2e" / "async_substrate_flow.py"


def _venv_ok() -> bool:
    if not VENV_PY.exists():
        return False
    probe = subprocess.run([str(VENV_PY), "-c", "import async_substrate_interface, bittensor_wallet"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _venv_ok(), reason=".venv-async missing (scripts/setup_client_venvs.sh creates it)")
def test_async_substrate_interface_flow(tmp_path, tn):
    node = tn.TnetProcess.node(str(tmp_path / "db"), sealing="300").start()
    try:
        res = subprocess.run([str(VENV_PY), str(SCRIPT), node.url], capture_output=True, text=True, timeout=240)
    finally:
        node.terminate()
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["alice_free"] > 0 and out["accounts"] >= 6
    assert out["transfer_success"] is True and out["transfer_fee"] > 0
    assert out["transfer_events"][-1] == "ExtrinsicSuccess" and "TransactionFeePaid" in out["transfer_events"]
    assert out["block_calls"][0] == "Timestamp.set" and "Balances.transfer_keep_alive" in out["block_calls"]
    assert out["mortal_success"] is True
    assert out["sudo_by_bob_success"] is False and out["sudo_by_bob_error"] == "RequireSudo"
    assert out["events_in_block"] >= 3
    assert "1010" in out["invalid_rejected"] and "Inability to pay" in out["invalid_rejected"]
    assert out["runtime_call_nonce"] == out["next_index"] >= 1
    assert out["payment_info_fee"] == out["transfer_fee"]
    assert len(out["heads"]) == 3 and out["heads"] == sorted(set(out["heads"]))
    assert out["proxy_added"] == ["ProxyAdded"] and "'proxy_type': 'Transfer'" in out["proxies"]
    assert "Ok" in out["proxy_transfer"]
    assert "'index': 0, 'error': '0x05000000'" in out["proxy_stake"]  # System.CallFiltered
    assert out["transfer_filter"] == ["transfer_keep_alive", "transfer_allow_death", "transfer_all", "transfer_stake"]
