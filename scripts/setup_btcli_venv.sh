#!/usr/bin/env bash
# Create the side venv for btcli (bittensor-cli 9.x), used by tests/e2e/test_btcli*.py.
# bittensor-cli and bittensor 11 both install a `btcli` console script (and pull different
# async-substrate-interface / bittensor-wallet pins), so btcli gets its own venv, apart from .venv-bt.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${BTCLI_VENV:-$ROOT/.venv-btcli}"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "bittensor-cli>=9.20,<10"
"$VENV/bin/btcli" --version
