"""Keyfile JSON: the fields btcli writes, read back from the strongest secret, checked for consistency."""
from __future__ import annotations

import json
import os
import stat

import pytest

import btwallet_vectors as v
from tensornet.wallet import encryption, keys
from tensornet.wallet.errors import KeyfileExists, KeyfileFormatError, KeyfileNotFound, WrongPassword
from tensornet.wallet.keyfile import Keyfile, keypair_from_json, keypair_to_json, public_from_json, public_to_json


def test_reads_bittensor_wallet_json():
    keypair = keypair_from_json(v.KEYFILE_JSON)
    assert keypair.ss58_address == v.SS58
    assert keypair.mnemonic == v.MNEMONIC


def test_reads_a_dev_uri_keyfile_that_has_only_a_private_key():
    keypair = keypair_from_json(v.ALICE_KEYFILE_JSON)
    assert keypair.ss58_address == v.ALICE_SS58
    assert keypair.private_key.hex() == json.loads(v.ALICE_KEYFILE_JSON)["privateKey"][2:]


def test_writes_the_same_fields_and_values_as_bittensor_wallet():
    ours = json.loads(keypair_to_json(keys.from_mnemonic(v.MNEMONIC)))
    theirs = json.loads(v.KEYFILE_JSON)
    theirs.pop("cryptoType")  # omitted for sr25519 so that bittensor-wallet 3.x can read our files
    assert ours == theirs
    assert all(isinstance(value, str) for value in ours.values())


def test_uri_keyfile_matches_bittensor_wallet():
    ours = json.loads(keypair_to_json(keys.from_uri("//Alice")))
    theirs = json.loads(v.ALICE_KEYFILE_JSON)
    theirs.pop("cryptoType")
    assert ours == theirs


def test_secret_precedence_seed_then_private_key():
    fields = json.loads(v.KEYFILE_JSON)
    del fields["secretPhrase"]
    assert keypair_from_json(json.dumps(fields).encode()).ss58_address == v.SS58
    del fields["secretSeed"]
    assert keypair_from_json(json.dumps(fields).encode()).ss58_address == v.SS58


def test_ed25519_keyfile_is_read():
    ed = keys.from_mnemonic(v.MNEMONIC, crypto_type=keys.ED25519)
    data = keypair_to_json(ed)
    assert json.loads(data)["cryptoType"] == keys.ED25519
    assert keypair_from_json(data).public_key == ed.public_key
    fields = json.loads(data)
    del fields["secretPhrase"], fields["secretSeed"]
    assert keypair_from_json(json.dumps(fields).encode()).public_key == ed.public_key


@pytest.mark.parametrize(
    "data, match",
    [
        (b"not json", "neither keyfile JSON"),
        (b"[1, 2]", "not an object"),
        (b'{"ss58Address": "5CaeuC3n41L99CnYvEiuE2HqmEhNV1CzfhFJ3tkcdbFL73uN"}', "no secret"),
        (b'{"privateKey": 5}', "must be a string"),
        (b'{"cryptoType": 2, "privateKey": "0x00"}', "cryptoType"),
        (b'{"privateKey": "0xzz"}', "not hex"),
    ],
)
def test_malformed_json_is_a_format_error(data, match):
    with pytest.raises(KeyfileFormatError, match=match):
        keypair_from_json(data)


def test_secret_that_contradicts_the_public_key_is_refused():
    fields = json.loads(v.KEYFILE_JSON)
    fields["publicKey"] = fields["accountId"] = "0x" + "11" * 32
    with pytest.raises(KeyfileFormatError, match="inconsistent"):
        keypair_from_json(json.dumps(fields).encode())


def test_public_file_round_trip():
    public_key = bytes.fromhex(v.PUBLIC_KEY[2:])
    data = public_to_json(public_key)
    assert json.loads(data) == {"accountId": v.PUBLIC_KEY, "publicKey": v.PUBLIC_KEY, "ss58Address": v.SS58}
    assert public_from_json(data).ss58_address == v.SS58
    assert public_from_json(b'{"ss58Address": "%s"}' % v.SS58.encode()).public_key == public_key


def test_files_are_0600_and_not_overwritten_by_accident(tmp_path):
    keyfile = Keyfile(str(tmp_path / "deep" / "dir" / "coldkey"))
    keypair = keys.from_mnemonic(v.MNEMONIC)
    keyfile.store_keypair(keypair, None, overwrite=False)
    assert stat.S_IMODE(os.stat(keyfile.path).st_mode) == 0o600
    with pytest.raises(KeyfileExists, match="--overwrite"):
        keyfile.store_keypair(keypair, None, overwrite=False)
    keyfile.store_keypair(keypair, None, overwrite=True)
    assert stat.S_IMODE(os.stat(keyfile.path).st_mode) == 0o600
    assert os.listdir(os.path.dirname(keyfile.path)) == ["coldkey"]  # no temp file left behind


def test_encrypted_keyfile_round_trip_and_wrong_password(tmp_path):
    keyfile = Keyfile(str(tmp_path / "coldkey"))
    keyfile.store_keypair(keys.from_mnemonic(v.MNEMONIC), v.PASSWORD, overwrite=False)
    assert keyfile.encryption() is encryption.Encryption.NACL
    assert keyfile.load_keypair(v.PASSWORD).ss58_address == v.SS58
    with pytest.raises(WrongPassword, match=keyfile.path):
        keyfile.load_keypair(v.WRONG_PASSWORD)
    with pytest.raises(KeyfileFormatError, match="encrypted"):
        keyfile.load_public()


def test_bittensor_wallet_files_open_from_disk(tmp_path):
    for name, blob in (("nacl", v.NACL_KEYFILE), ("vault", v.ANSIBLE_VAULT_KEYFILE)):
        path = tmp_path / name
        path.write_bytes(blob)
        assert Keyfile(str(path)).load_keypair(prompt=lambda: v.PASSWORD).ss58_address == v.SS58


def test_missing_keyfile(tmp_path):
    with pytest.raises(KeyfileNotFound):
        Keyfile(str(tmp_path / "nope")).read_bytes()
