"""Errors a wallet user can cause.

Every message is one line that names the file or value at fault and says what to do, so the CLI can
print it as is (no traceback) and library callers can still catch a precise type.
"""
from __future__ import annotations


class WalletError(Exception):
    """Base of all user-facing wallet errors."""


class WalletNotFound(WalletError):
    """No wallet directory (or no coldkey in it) under the wallet path."""


class HotkeyNotFound(WalletError):
    """The wallet exists but has no hotkey of that name."""


class KeyfileNotFound(WalletError):
    """A keyfile the operation needs is missing."""


class KeyfileExists(WalletError):
    """Refusing to replace an existing keyfile without an explicit overwrite."""


class KeyfileFormatError(WalletError):
    """A keyfile is not valid keyfile JSON, or its keys disagree with each other."""


class UnsupportedEncryption(WalletError):
    """An encrypted keyfile whose scheme we do not read (e.g. legacy Fernet)."""


class WrongPassword(WalletError):
    """The password does not decrypt the keyfile."""


class PasswordRequired(WalletError):
    """An encrypted keyfile, no password in the environment, and no way to prompt."""


class InvalidMnemonic(WalletError):
    """A mnemonic phrase that is not valid BIP-39."""


class InvalidSeed(WalletError):
    """A seed that is not 32 bytes of hex."""


class InvalidUri(WalletError):
    """A secret URI (e.g. ``//Alice``) that cannot be turned into a key."""


class InvalidAddress(WalletError):
    """A malformed SS58 address or public key."""


class InvalidName(WalletError):
    """A wallet or hotkey name that would escape the wallet directory."""
