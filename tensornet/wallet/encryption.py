"""Keyfile encryption in the formats bittensor-wallet (btcli) reads and writes.

Current format, written by us and by btcli: ``b"$NACL" ‖ nonce(24) ‖ secretbox(MAC ‖ ciphertext)``,
with the XSalsa20-Poly1305 key derived from the password by Argon2i (libsodium's "sensitive" limits:
8 passes, 512 MiB) over a salt that is a fixed constant of the format — every btcli keyfile uses the
same one, so a file needs no header to be opened.

Legacy format, read only: Ansible Vault 1.1 (``$ANSIBLE_VAULT;1.1;AES256``), which older bittensor
versions wrote and bittensor-wallet still reads. Fernet files (``gAAAAA…``) from the oldest versions
are recognised but refused with a clear error.
"""
from __future__ import annotations

import binascii
import enum
import functools
import hashlib
import hmac

import nacl.exceptions
import nacl.pwhash.argon2i
import nacl.secret
import nacl.utils

from tensornet.wallet.errors import KeyfileFormatError, UnsupportedEncryption, WrongPassword

NACL_PREFIX = b"$NACL"
ANSIBLE_PREFIX = b"$ANSIBLE_VAULT"
FERNET_PREFIX = b"gAAAAA"

# The fixed Argon2i salt of the $NACL keyfile format (16 bytes); part of the file format, not a secret.
NACL_SALT = b"\x13q\x83\xdf\xf1Z\t\xbc\x9c\x90\xb5Q\x879\xe9\xb1"
NACL_OPSLIMIT = nacl.pwhash.argon2i.OPSLIMIT_SENSITIVE
NACL_MEMLIMIT = nacl.pwhash.argon2i.MEMLIMIT_SENSITIVE

_ANSIBLE_KDF_ITERATIONS = 10_000


class Encryption(enum.Enum):
    """How the bytes of a keyfile are protected."""

    NONE = "none"
    NACL = "NaCl"
    ANSIBLE_VAULT = "Ansible Vault"
    FERNET = "legacy Fernet"


def detect(data: bytes) -> Encryption:
    """Classify keyfile bytes by their prefix, as btcli does."""
    if data.startswith(NACL_PREFIX):
        return Encryption.NACL
    if data.startswith(ANSIBLE_PREFIX):
        return Encryption.ANSIBLE_VAULT
    if data.startswith(FERNET_PREFIX):
        return Encryption.FERNET
    return Encryption.NONE


def is_encrypted(data: bytes) -> bool:
    return detect(data) is not Encryption.NONE


@functools.lru_cache(maxsize=4)
def _nacl_key(password: str) -> bytes:
    """Argon2i costs ~2.5 s and 512 MiB; cache it so one process pays once per password (e.g. a
    command that writes a coldkey and reads it back, or a test run)."""
    return nacl.pwhash.argon2i.kdf(
        nacl.secret.SecretBox.KEY_SIZE,
        password.encode("utf-8"),
        NACL_SALT,
        opslimit=NACL_OPSLIMIT,
        memlimit=NACL_MEMLIMIT,
    )


def encrypt(data: bytes, password: str) -> bytes:
    """Encrypt plaintext keyfile bytes into the ``$NACL`` format."""
    box = nacl.secret.SecretBox(_nacl_key(password))
    nonce = nacl.utils.random(nacl.secret.SecretBox.NONCE_SIZE)
    return NACL_PREFIX + bytes(box.encrypt(data, nonce))


def decrypt(data: bytes, password: str) -> bytes:
    """Decrypt keyfile bytes in any format we read; plaintext is returned unchanged."""
    method = detect(data)
    if method is Encryption.NONE:
        return data
    if method is Encryption.NACL:
        return _decrypt_nacl(data, password)
    if method is Encryption.ANSIBLE_VAULT:
        return _decrypt_ansible_vault(data, password)
    raise UnsupportedEncryption(
        "keyfile uses the legacy Fernet encryption, which tensornet does not read: "
        "regenerate the key from its mnemonic (tnet wallet regen-coldkey --mnemonic ...)"
    )


def _decrypt_nacl(data: bytes, password: str) -> bytes:
    body = data[len(NACL_PREFIX):]
    if len(body) < nacl.secret.SecretBox.NONCE_SIZE + nacl.secret.SecretBox.MACBYTES:
        raise KeyfileFormatError("NaCl keyfile is truncated")
    try:
        return nacl.secret.SecretBox(_nacl_key(password)).decrypt(body)
    except nacl.exceptions.CryptoError:
        raise WrongPassword("wrong password: the keyfile did not decrypt") from None


def _decrypt_ansible_vault(data: bytes, password: str) -> bytes:
    """Ansible Vault 1.1: PBKDF2-SHA256 → AES-256-CTR key, HMAC-SHA256 key and IV; PKCS#7 padding."""
    lines = data.decode("ascii", errors="replace").strip().splitlines()
    header = lines[0].strip().split(";") if lines else []
    if len(header) < 3 or header[1] not in ("1.1", "1.2") or header[2] != "AES256":
        raise KeyfileFormatError(f"unsupported Ansible Vault header {';'.join(header)!r}")
    try:
        inner = binascii.unhexlify("".join(line.strip() for line in lines[1:]))
        salt_hex, mac_hex, cipher_hex = inner.split(b"\n", 2)
        salt, mac, ciphertext = (binascii.unhexlify(x.strip()) for x in (salt_hex, mac_hex, cipher_hex))
    except (ValueError, binascii.Error):
        raise KeyfileFormatError("Ansible Vault keyfile is corrupt") from None
    derived = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, _ANSIBLE_KDF_ITERATIONS, 80)
    aes_key, mac_key, iv = derived[:32], derived[32:64], derived[64:]
    if not hmac.compare_digest(hmac.new(mac_key, ciphertext, hashlib.sha256).digest(), mac):
        raise WrongPassword("wrong password: the keyfile did not decrypt")
    from Crypto.Cipher import AES  # pycryptodome, a dependency of substrate-interface

    padded = AES.new(aes_key, AES.MODE_CTR, nonce=b"", initial_value=iv).decrypt(ciphertext)
    pad = padded[-1] if padded else 0
    if not 1 <= pad <= 16 or padded[-pad:] != bytes([pad]) * pad:
        raise KeyfileFormatError("Ansible Vault keyfile has bad padding")
    return padded[:-pad]
