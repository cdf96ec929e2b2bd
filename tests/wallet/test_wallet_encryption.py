"""Keyfile encryption: our $NACL matches btcli's byte for byte in format, and legacy files open."""
from __future__ import annotations

import pytest

import btwallet_vectors as v
from tensornet.wallet import encryption
from tensornet.wallet.encryption import Encryption
from tensornet.wallet.errors import KeyfileFormatError, UnsupportedEncryption, WrongPassword


def test_detects_formats_by_prefix():
    assert encryption.detect(v.NACL_KEYFILE) is Encryption.NACL
    assert encryption.detect(v.ANSIBLE_VAULT_KEYFILE) is Encryption.ANSIBLE_VAULT
    assert encryption.detect(b"gAAAAABfoo") is Encryption.FERNET
    assert encryption.detect(v.KEYFILE_JSON) is Encryption.NONE
    assert not encryption.is_encrypted(v.KEYFILE_JSON)


def test_decrypts_a_nacl_keyfile_written_by_bittensor_wallet():
    assert encryption.decrypt(v.NACL_KEYFILE, v.PASSWORD) == v.KEYFILE_JSON


def test_decrypts_an_ansible_vault_keyfile_written_by_bittensor_wallet():
    assert encryption.decrypt(v.ANSIBLE_VAULT_KEYFILE, v.PASSWORD) == v.KEYFILE_JSON


def test_nacl_round_trip_has_btcli_layout():
    blob = encryption.encrypt(b'{"a": "b"}', v.PASSWORD)
    assert blob.startswith(b"$NACL")
    # prefix + 24-byte nonce + 16-byte MAC + ciphertext of the same length as the plaintext
    assert len(blob) == 5 + 24 + 16 + len(b'{"a": "b"}')
    assert encryption.decrypt(blob, v.PASSWORD) == b'{"a": "b"}'
    assert encryption.encrypt(b"x", v.PASSWORD) != encryption.encrypt(b"x", v.PASSWORD)  # fresh nonce


def test_wrong_password_is_reported_as_such():
    with pytest.raises(WrongPassword):
        encryption.decrypt(v.NACL_KEYFILE, v.WRONG_PASSWORD)
    with pytest.raises(WrongPassword):
        encryption.decrypt(v.ANSIBLE_VAULT_KEYFILE, v.WRONG_PASSWORD)


def test_damaged_files_are_format_errors():
    with pytest.raises(KeyfileFormatError):
        encryption.decrypt(b"$NACL" + b"\0" * 10, v.PASSWORD)
    with pytest.raises(KeyfileFormatError):
        encryption.decrypt(b"$ANSIBLE_VAULT;1.1;AES256\nzz-not-hex\n", v.PASSWORD)
    with pytest.raises(KeyfileFormatError):
        encryption.decrypt(b"$ANSIBLE_VAULT;9.9;ROT13\n00\n", v.PASSWORD)


def test_legacy_fernet_is_refused_with_a_way_out():
    with pytest.raises(UnsupportedEncryption, match="regen-coldkey"):
        encryption.decrypt(b"gAAAAABkZXZpY2U=", v.PASSWORD)


def test_plaintext_passes_through():
    assert encryption.decrypt(v.KEYFILE_JSON, "anything") == v.KEYFILE_JSON
