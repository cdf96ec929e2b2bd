#!/usr/bin/env bash
# Create the side venv for the async-substrate-interface client tests (tests/e2e/).
# async-substrate-interface depends on cyscale, which installs a package named `scalecodec` and so
# shadows the pure-Python scalecodec that substrate-interface needs (spec/client-compat.md,
# "Separate virtualenvs are required"). It therefore lives in its own venv, with bittensor-wallet
# for keypairs and bittensor-core (bittensor 11's Rust frame-metadata codec, no dependencies) for the
# strictest metadata decoder we can run; the project venv keeps substrate-interface + scalecodec.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${ASYNC_CLIENT_VENV:-$ROOT/.venv-async}"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "async-substrate-interface" "bittensor-wallet" "bittensor-core"
"$VENV/bin/python" - <<'PY'
import importlib.metadata as m, sys
for name in ("async-substrate-interface", "cyscale", "bittensor-wallet", "bittensor-core"):
    print(name, m.version(name))
print("venv:", sys.prefix)
PY
