"""@polkadot/api (npm, installed into .e2e-node/) reads a balance and sends a transfer to ``tnet node``.

Setup: ``cd .e2e-node && npm install @polkadot/api@16 @polkadot/keyring`` (the mirror's 17.0.1 lacks
its api-augment dependency).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "e2e" / "polkadot_smoke.mjs"
NODE_JS = shutil.which("node")
MODULES = REPO / ".e2e-node" / "node_modules" / "@polkadot" / "api"


@pytest.mark.skipif(NODE_JS is None or not MODULES.exists(), reason="Node.js or .e2e-node/@polkadot/api missing")
def test_polkadot_js_reads_a_balance_and_sends_a_transfer(tmp_path, tn):
    node = tn.TnetProcess.node(str(tmp_path / "db"), sealing="instant").start()
    try:
        res = subprocess.run([NODE_JS, str(SCRIPT), node.url], capture_output=True, text=True, timeout=120)
    finally:
        node.terminate()
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert "error" not in out, out.get("error")
    assert out["chain"] == "Bittensor" and int(out["aliceFree"]) > 0
    assert out["transfer"]["status"] in ("InBlock", "Finalized")
    assert out["transfer"]["events"][-1] == "system.ExtrinsicSuccess"
    assert "balances.Transfer" in out["transfer"]["events"]
    assert out["bobDelta"] == "1000000000"
    assert out["blockExtrinsics"] == ["timestamp.set", "mevShield.announceNextKey", "balances.transferKeepAlive"]
