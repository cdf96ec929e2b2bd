"""Wallet directories in btcli's layout: create, regenerate, open and list."""
from __future__ import annotations

import json
import os
import stat

import pytest

import btwallet_vectors as v
from tensornet.wallet import create
from tensornet.wallet.errors import (
    HotkeyNotFound,
    InvalidMnemonic,
    InvalidName,
    InvalidSeed,
    InvalidUri,
    KeyfileExists,
    KeyfileFormatError,
    KeyfileNotFound,
    WalletNotFound,
    WrongPassword,
)
from tensornet.wallet.listing import describe, list_wallets
from tensornet.wallet.wallet import Wallet


def _files(root: str) -> dict[str, int]:
    out = {}
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            out[os.path.relpath(path, root)] = stat.S_IMODE(os.stat(path).st_mode)
    return out


def test_default_path_is_btclis():
    wallet = Wallet()
    assert (wallet.name, wallet.hotkey) == ("default", "default")
    assert wallet.coldkey_file.path == os.path.expanduser("~/.bittensor/wallets/default/coldkey")
    assert wallet.hotkey_file.path == os.path.expanduser("~/.bittensor/wallets/default/hotkeys/default")


def test_create_writes_btcli_layout_with_0600_files(wallet_path):
    wallet = Wallet("alice", "miner", wallet_path)
    coldkey, hotkey = create.create_wallet(wallet, v.PASSWORD)
    assert _files(wallet_path) == {
        "alice/coldkey": 0o600,
        "alice/coldkeypub.txt": 0o600,
        "alice/hotkeys/miner": 0o600,
        "alice/hotkeys/minerpub.txt": 0o600,
    }
    assert len(coldkey.mnemonic.split()) == 12 and coldkey.encrypted
    assert open(wallet.coldkey_file.path, "rb").read().startswith(b"$NACL")
    hot = json.loads(open(wallet.hotkey_file.path).read())
    assert hot["secretPhrase"] == hotkey.mnemonic and hot["ss58Address"] == hotkey.ss58_address
    reopened = Wallet("alice", "miner", wallet_path)
    assert reopened.coldkey(v.PASSWORD).ss58_address == coldkey.ss58_address
    assert reopened.coldkeypub().ss58_address == coldkey.ss58_address
    assert reopened.hotkeypub().ss58_address == hotkey.ss58_address
    assert reopened.hotkey_keypair().ss58_address == hotkey.ss58_address


def test_create_refuses_existing_wallet_without_writing(wallet_path):
    wallet = Wallet("w", "h", wallet_path)
    create.new_hotkey(wallet)
    before = _files(wallet_path)
    with pytest.raises(KeyfileExists):
        create.create_wallet(wallet, None)
    assert _files(wallet_path) == before


def test_regen_coldkey_from_mnemonic_and_seed(wallet_path):
    by_mnemonic = create.regen_coldkey(Wallet("m", path=wallet_path), None, mnemonic="  " + v.MNEMONIC.replace(" ", "\n "))
    by_seed = create.regen_coldkey(Wallet("s", path=wallet_path), None, seed=v.SEED)
    assert by_mnemonic.ss58_address == by_seed.ss58_address == v.SS58
    assert by_mnemonic.mnemonic is None  # a restored mnemonic is not echoed back
    assert Wallet("s", path=wallet_path).coldkey().ss58_address == v.SS58
    with pytest.raises(KeyfileExists):
        create.regen_coldkey(Wallet("s", path=wallet_path), None, seed=v.SEED)
    create.regen_coldkey(Wallet("s", path=wallet_path), v.PASSWORD, mnemonic=v.MNEMONIC, overwrite=True)
    assert Wallet("s", path=wallet_path).coldkey(v.PASSWORD).ss58_address == v.SS58


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"mnemonic": "not a real mnemonic at all"}, InvalidMnemonic),
        ({"mnemonic": v.MNEMONIC.replace("category", "categories")}, InvalidMnemonic),
        ({"seed": "0x1234"}, InvalidSeed),
        ({"seed": "zz" * 32}, InvalidSeed),
    ],
)
def test_bad_secrets_write_nothing(wallet_path, kwargs, error):
    with pytest.raises(error):
        create.regen_coldkey(Wallet("x", path=wallet_path), None, **kwargs)
    assert not os.path.exists(wallet_path)


def test_dev_uri_wallet(wallet_path):
    key = create.new_coldkey(Wallet("alice", path=wallet_path), None, uri="//Alice")
    assert key.ss58_address == v.ALICE_SS58 and key.mnemonic is None
    assert create.new_hotkey(Wallet("alice", "hk", wallet_path), uri="//Alice//stash").ss58_address != v.ALICE_SS58
    for bad in ("", "/", "Alice", "//Alice///password"):
        with pytest.raises(InvalidUri, match="//Alice"):
            create.new_coldkey(Wallet("bad", path=wallet_path), None, uri=bad)
    assert create.new_coldkey(Wallet("raw", path=wallet_path), None, uri=v.SEED).ss58_address == v.SS58


def test_watch_only_wallet(wallet_path):
    wallet = Wallet("watch", path=wallet_path)
    create.regen_coldkeypub(wallet, v.SS58)
    assert wallet.exists() and wallet.coldkeypub().ss58_address == v.SS58
    with pytest.raises(KeyfileNotFound, match="regen-coldkey"):
        wallet.coldkey()
    info = describe(wallet)
    assert info.coldkey_ss58 == v.SS58 and info.coldkey_encryption is None


def test_coldkey_that_contradicts_coldkeypub_is_refused(wallet_path):
    wallet = Wallet("mix", path=wallet_path)
    create.regen_coldkey(wallet, None, mnemonic=v.MNEMONIC)
    create.regen_coldkeypub(wallet, v.ALICE_SS58, overwrite=True)
    with pytest.raises(KeyfileFormatError, match="does not match"):
        wallet.coldkey()


def test_unknown_wallet_and_hotkey(wallet_path):
    with pytest.raises(WalletNotFound, match="tnet wallet create"):
        Wallet("ghost", path=wallet_path).coldkeypub()
    create.create_wallet(Wallet("real", "h1", wallet_path), None)
    with pytest.raises(HotkeyNotFound, match="h1"):
        Wallet("real", "h2", wallet_path).hotkeypub()


def test_wrong_password_on_wallet(wallet_path):
    wallet = Wallet("locked", path=wallet_path)
    create.new_coldkey(wallet, v.PASSWORD)
    with pytest.raises(WrongPassword):
        wallet.coldkey(v.WRONG_PASSWORD)
    assert wallet.coldkey(prompt=lambda: v.PASSWORD).public_key == wallet.coldkeypub().public_key


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "../x"])
def test_names_cannot_escape_the_wallet_directory(name):
    with pytest.raises(InvalidName):
        Wallet(name)
    with pytest.raises(InvalidName):
        Wallet("ok", hotkey=name)


def test_listing(wallet_path):
    assert list_wallets(wallet_path) == []
    create.create_wallet(Wallet("b", "h1", wallet_path), None)
    create.new_hotkey(Wallet("b", "h0", wallet_path))
    create.new_coldkey(Wallet("a", path=wallet_path), v.PASSWORD)
    os.makedirs(os.path.join(wallet_path, "not-a-wallet"))
    infos = list_wallets(wallet_path)
    assert [i.name for i in infos] == ["a", "b"]
    assert infos[0].coldkey_encryption == "NaCl" and infos[0].hotkeys == []
    assert infos[1].coldkey_encryption == "none"
    assert [h.name for h in infos[1].hotkeys] == ["h0", "h1"]  # pub files are not hotkeys of their own
    assert all(h.ss58_address and h.has_secret for h in infos[1].hotkeys)


def test_listing_reports_a_damaged_file_instead_of_failing(wallet_path):
    create.create_wallet(Wallet("good", path=wallet_path), None)
    create.create_wallet(Wallet("bad", path=wallet_path), None)
    with open(Wallet("bad", path=wallet_path).coldkeypub_file.path, "w") as handle:
        handle.write("garbage")
    infos = {i.name: i for i in list_wallets(wallet_path)}
    assert infos["good"].error is None and infos["bad"].error and infos["bad"].coldkey_ss58 is None
