"""The pytest example in docs/test-your-subnet.md runs as written, in a project outside this repo
(the plugin is found through its pytest11 entry point, nothing imported or configured)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_docs_pytest_example_passes(tmp_path):
    text = (REPO / "docs" / "test-your-subnet.md").read_text()
    code = re.search(r"```python\n(.*?)```", text, re.DOTALL).group(1)
    (tmp_path / "test_my_subnet.py").write_text(code)
    env = {**os.environ, "NUMBA_CACHE_DIR": os.environ.get("NUMBA_CACHE_DIR", str(REPO / ".numba_cache"))}
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                          str(tmp_path / "test_my_subnet.py")], capture_output=True, text=True, cwd=tmp_path,
                         env=env, timeout=300, check=False)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    assert "2 passed" in res.stdout
