#!/usr/bin/env bash
# Create the side venv used by the wallet interop tests (tests/wallet/test_btwallet_interop.py).
# It holds only `bittensor-wallet` from PyPI, so that a wallet written by btcli's own library can be
# read by tensornet and vice versa, without mixing its dependencies into the project venv.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${BTWALLET_VENV:-$ROOT/.venv-btwallet}"
PYTHON="${PYTHON:-python3}"
SPEC="${BTWALLET_SPEC:-bittensor-wallet}"

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "$SPEC"
"$VENV/bin/python" -c 'import bittensor_wallet, importlib.metadata as m; print("bittensor-wallet", m.version("bittensor-wallet"), "in", __import__("sys").prefix)'
