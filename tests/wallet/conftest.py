"""Wallet tests run against a temporary wallet path with a clean password environment."""
from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _clean_password_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A password left in the developer's environment must not change what the tests see."""
    for name in list(os.environ):
        if name == "TNET_WALLET_PASSWORD" or name.startswith("BT_PW_"):
            monkeypatch.delenv(name)


@pytest.fixture
def wallet_path(tmp_path) -> str:
    return str(tmp_path / "wallets")
