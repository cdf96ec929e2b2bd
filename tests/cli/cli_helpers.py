"""`tnet devnet` as a subprocess, and `tnet` run as a user runs it (the installed binary)."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TNET = str(REPO / ".venv" / "bin" / "tnet")


class Devnet:
    def __init__(self, proc_cls, free_port, extra: list[str] | None = None, env: dict | None = None) -> None:
        port = free_port()
        self.proc = proc_cls([TNET, "devnet", "--preset", "test", "--rpc-port", str(port), *(extra or [])], port)
        self.env = env

    @property
    def url(self) -> str:
        return self.proc.url

    def rpc(self, method: str, params=None):
        return self.proc.rpc(method, params)


def run(*args: str, url: str | None = None, input: str | None = None, env: dict | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = [TNET, *args] + (["--url", url] if url else [])
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=input, check=False,
                          env={**os.environ, **(env or {})}, cwd=str(REPO))


def run_json(*args: str, url: str | None = None, env: dict | None = None):
    res = run(*args, "--json", url=url, env=env)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)
