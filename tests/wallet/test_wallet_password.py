"""Password sources: TNET_WALLET_PASSWORD, btcli's BT_PW_* variable, explicit value, prompt."""
from __future__ import annotations

import os

import pytest

import btwallet_vectors as v
from tensornet.wallet import password as pw
from tensornet.wallet.errors import PasswordRequired

COLDKEY = "/root/.bittensor/wallets/default/coldkey"


def test_env_var_name_matches_bittensor_wallet():
    assert pw.btwallet_env_var_name(COLDKEY) == v.BT_PW_NAME
    assert pw.btwallet_env_var_name("wallets/my.w/hotkeys/h-1") == "BT_PW_WALLETS_MY_W_HOTKEYS_H-1"


def test_env_value_encoding_matches_bittensor_wallet():
    assert pw.encode_btwallet_env_password(v.BT_PW_NAME, v.PASSWORD) == v.BT_PW_VALUE
    assert pw.decode_btwallet_env_password(v.BT_PW_NAME, v.BT_PW_VALUE) == v.PASSWORD
    assert pw.decode_btwallet_env_password(v.BT_PW_NAME, "%%% not base64") is None


def test_resolution_order():
    env = {pw.PASSWORD_ENV: "plain", v.BT_PW_NAME: v.BT_PW_VALUE}
    assert pw.resolve_password(COLDKEY, "explicit", environ=env) == "explicit"
    assert pw.resolve_password(COLDKEY, environ=env) == "plain"
    assert pw.resolve_password(COLDKEY, environ={v.BT_PW_NAME: v.BT_PW_VALUE}) == v.PASSWORD
    assert pw.resolve_password(COLDKEY, prompt=lambda: "typed", environ={}) == "typed"


def test_no_source_is_a_clear_error():
    with pytest.raises(PasswordRequired, match=pw.PASSWORD_ENV):
        pw.resolve_password(COLDKEY, environ={})


def test_reads_os_environ_by_default(monkeypatch):
    monkeypatch.setenv(pw.PASSWORD_ENV, "from-env")
    assert pw.password_from_env(COLDKEY) == "from-env"
    monkeypatch.delenv(pw.PASSWORD_ENV)
    assert pw.password_from_env(COLDKEY) is None
    assert os.environ.get(pw.PASSWORD_ENV) is None
