"""The node's heap policy: start-up objects frozen out of the collector, the young generation paced
for burst allocation (checked in a fresh interpreter: the policy is process-wide)."""
from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import gc
from tensornet.node.heap import YOUNG_GENERATION_THRESHOLD, settle_startup_heap
middle, old = gc.get_threshold()[1:]
settle_startup_heap()
assert gc.get_freeze_count() > 0
assert gc.get_threshold() == (YOUNG_GENERATION_THRESHOLD, middle, old), gc.get_threshold()
print("ok")
"""


def test_settle_startup_heap_freezes_and_paces_the_collector():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
