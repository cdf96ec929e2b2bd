"""One keyfile on disk, in bittensor-wallet's JSON format.

A keyfile is a JSON object of hex strings (``0x``-prefixed) and text::

    accountId, publicKey   the 32-byte public key (the same value twice)
    privateKey             sr25519: 64-byte secret key (key ‖ nonce); ed25519: the 32-byte seed
    secretPhrase           the BIP-39 mnemonic, when the key came from one
    secretSeed             the 32-byte mini-secret seed, when known
    ss58Address            the address, SS58 format 42
    cryptoType             (bittensor-wallet ≥ 4) 1 = sr25519, 0 = ed25519; absent means sr25519

Public files (``coldkeypub.txt``, ``hotkeys/<name>pub.txt``) hold only the public fields. We never
write ``cryptoType`` for sr25519 so that bittensor-wallet 3.x, which only accepts string values, still
reads our files. The file bytes are the JSON itself or its encryption (see :mod:`encryption`).
Files are written atomically with mode 0600.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tensornet.wallet import encryption, keys, password as passwords
from tensornet.wallet.address import decode_ss58, encode_ss58
from tensornet.wallet.errors import KeyfileExists, KeyfileFormatError, KeyfileNotFound, WalletError, WrongPassword

if TYPE_CHECKING:
    from substrateinterface import Keypair

FILE_MODE = 0o600
DIR_MODE = 0o700


@dataclass(frozen=True)
class PublicKey:
    """What can be known about a key without its secret."""

    public_key: bytes
    ss58_address: str
    crypto_type: int = keys.SR25519


# ---- JSON format -------------------------------------------------------------------------------


def _hex(data: bytes) -> str:
    return "0x" + data.hex()


def _unhex(value: str, field: str) -> bytes:
    text = value[2:] if value.startswith("0x") else value
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise KeyfileFormatError(f"keyfile field {field} is not hex") from None


def public_to_json(public_key: bytes, crypto_type: int = keys.SR25519) -> bytes:
    fields: dict[str, Any] = {
        "accountId": _hex(public_key),
        "publicKey": _hex(public_key),
        "ss58Address": encode_ss58(public_key),
    }
    if crypto_type != keys.SR25519:
        fields["cryptoType"] = crypto_type
    return json.dumps(fields).encode("utf-8")


def keypair_to_json(keypair: Keypair) -> bytes:
    fields: dict[str, Any] = {
        "accountId": _hex(keypair.public_key),
        "publicKey": _hex(keypair.public_key),
    }
    if keypair.private_key:
        fields["privateKey"] = _hex(keypair.private_key)
    if keypair.mnemonic:
        fields["secretPhrase"] = keypair.mnemonic
    seed = keys.seed_of(keypair)
    if seed is not None:
        fields["secretSeed"] = _hex(seed)
    fields["ss58Address"] = encode_ss58(keypair.public_key)
    if keypair.crypto_type != keys.SR25519:
        fields["cryptoType"] = keypair.crypto_type
    return json.dumps(fields).encode("utf-8")


def _parse(data: bytes) -> dict[str, Any]:
    try:
        fields = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise KeyfileFormatError("keyfile is neither keyfile JSON nor a known encryption format") from None
    if not isinstance(fields, dict):
        raise KeyfileFormatError("keyfile JSON is not an object")
    crypto_type = fields.get("cryptoType", keys.SR25519)
    if crypto_type is None:
        crypto_type = keys.SR25519
    if crypto_type not in (keys.SR25519, keys.ED25519):
        raise KeyfileFormatError(f"keyfile cryptoType {crypto_type!r} is not supported (sr25519=1, ed25519=0)")
    fields["cryptoType"] = crypto_type
    for name in ("accountId", "publicKey", "privateKey", "secretPhrase", "secretSeed", "ss58Address"):
        if fields.get(name) is not None and not isinstance(fields[name], str):
            raise KeyfileFormatError(f"keyfile field {name} must be a string")
    return fields


def _declared_public_key(fields: dict[str, Any]) -> bytes | None:
    if fields.get("publicKey"):
        return _unhex(fields["publicKey"], "publicKey")
    if fields.get("accountId"):
        return _unhex(fields["accountId"], "accountId")
    if fields.get("ss58Address"):
        return decode_ss58(fields["ss58Address"])
    return None


def public_from_json(data: bytes) -> PublicKey:
    """The public key declared by plaintext keyfile JSON; cheap (no key derivation)."""
    fields = _parse(data)
    public_key = _declared_public_key(fields)
    if public_key is None or len(public_key) != 32:
        raise KeyfileFormatError("keyfile has no 32-byte publicKey, accountId or ss58Address")
    return PublicKey(public_key, encode_ss58(public_key), fields["cryptoType"])


def keypair_from_json(data: bytes) -> Keypair:
    """The keypair of plaintext keyfile JSON, derived from the strongest secret present (phrase, seed,
    private key), and checked against the public key the file declares."""
    fields = _parse(data)
    crypto_type = fields["cryptoType"]
    declared = _declared_public_key(fields)
    if fields.get("secretPhrase"):
        keypair = keys.from_mnemonic(fields["secretPhrase"], crypto_type)
    elif fields.get("secretSeed"):
        keypair = keys.from_seed(fields["secretSeed"], crypto_type)
    elif fields.get("privateKey"):
        keypair = keys.from_private_key(_unhex(fields["privateKey"], "privateKey"), crypto_type, declared)
    else:
        raise KeyfileFormatError("keyfile holds no secret (secretPhrase, secretSeed or privateKey)")
    if declared is not None and declared != keypair.public_key:
        raise KeyfileFormatError("keyfile is inconsistent: its secret does not match its publicKey")
    return keypair


# ---- the file ----------------------------------------------------------------------------------


def write_private_file(path: str, data: bytes, overwrite: bool) -> None:
    """Write ``data`` to ``path`` atomically with mode 0600, creating parent directories (0700)."""
    if os.path.exists(path) and not overwrite:
        raise KeyfileExists(f"{path} already exists: pass --overwrite to replace it")
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, mode=DIR_MODE, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)  # mkstemp creates the file 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@dataclass(frozen=True)
class Keyfile:
    """A keyfile path plus the operations btcli performs on it."""

    path: str

    def exists(self) -> bool:
        return os.path.isfile(self.path)

    def read_bytes(self) -> bytes:
        try:
            with open(self.path, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            raise KeyfileNotFound(f"keyfile {self.path} does not exist") from None
        except PermissionError:
            raise WalletError(f"keyfile {self.path} is not readable: check its owner and permissions") from None

    def encryption(self) -> encryption.Encryption:
        return encryption.detect(self.read_bytes())

    def is_encrypted(self) -> bool:
        return encryption.is_encrypted(self.read_bytes())

    def env_var_name(self) -> str:
        return passwords.btwallet_env_var_name(self.path)

    def load_public(self) -> PublicKey:
        """The public key of a plaintext keyfile (public or secret) without deriving anything."""
        data = self.read_bytes()
        if encryption.is_encrypted(data):
            raise KeyfileFormatError(f"{self.path} is encrypted: its public key is in the matching pub file")
        try:
            return public_from_json(data)
        except KeyfileFormatError as exc:
            raise KeyfileFormatError(f"{self.path}: {exc}") from None

    def load_keypair(self, password: str | None = None, prompt: passwords.Prompt | None = None) -> Keypair:
        """The keypair in this file, decrypting it when needed (password resolved as in :mod:`password`)."""
        data = self.read_bytes()
        if encryption.is_encrypted(data):
            secret = passwords.resolve_password(self.path, password, prompt)
            try:
                data = encryption.decrypt(data, secret)
            except WrongPassword:
                raise WrongPassword(
                    f"wrong password for {self.path}: try again (or fix ${passwords.PASSWORD_ENV})"
                ) from None
        try:
            return keypair_from_json(data)
        except KeyfileFormatError as exc:
            raise KeyfileFormatError(f"{self.path}: {exc}") from None

    def store_keypair(self, keypair: Keypair, password: str | None, overwrite: bool) -> None:
        """Write the full keypair; encrypted (``$NACL``) when a password is given, else plaintext."""
        data = keypair_to_json(keypair)
        if password is not None:
            data = encryption.encrypt(data, password)
        write_private_file(self.path, data, overwrite)

    def store_public(self, public_key: bytes, crypto_type: int, overwrite: bool) -> None:
        write_private_file(self.path, public_to_json(public_key, crypto_type), overwrite)
