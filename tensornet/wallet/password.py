"""Where keyfile passwords come from, in the order scripts and btcli users expect.

1. ``TNET_WALLET_PASSWORD``: a plain environment variable for scripts and CI.
2. bittensor-wallet's per-keyfile variable ``BT_PW_<KEYFILE PATH>`` (path separators and dots become
   ``_``, upper-cased). btcli stores the password there XOR-ed with the variable's own name and
   base64-encoded (an obfuscation, not encryption); we read and write the same encoding so a variable
   set by ``Keyfile.save_password_to_env`` unlocks our commands too.
3. An interactive prompt, when the caller provides one.
"""
from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable, Mapping

from tensornet.wallet.errors import PasswordRequired

PASSWORD_ENV = "TNET_WALLET_PASSWORD"
BTWALLET_ENV_PREFIX = "BT_PW_"

Prompt = Callable[[], str]


def btwallet_env_var_name(keyfile_path: str) -> str:
    """The variable bittensor-wallet consults for the keyfile at ``keyfile_path`` (as it spells the
    path: the wallet path with ``~`` expanded, joined with the wallet name and file name)."""
    return BTWALLET_ENV_PREFIX + keyfile_path.replace(os.sep, "_").replace(".", "_").upper()


def _xor(data: bytes, key: bytes) -> bytes:
    return bytes(b ^ key[i % len(key)] for i, b in enumerate(data))


def encode_btwallet_env_password(var_name: str, password: str) -> str:
    """The value bittensor-wallet puts in ``var_name`` to remember ``password``."""
    return base64.b64encode(_xor(password.encode("utf-8"), var_name.encode("utf-8"))).decode("ascii")


def decode_btwallet_env_password(var_name: str, value: str) -> str | None:
    """Inverse of :func:`encode_btwallet_env_password`; ``None`` for a value that is not ours."""
    try:
        raw = base64.b64decode(value, validate=True)
        return _xor(raw, var_name.encode("utf-8")).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def plain_password_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """``TNET_WALLET_PASSWORD`` if set and non-empty: the one variable that also encrypts new keys."""
    env = os.environ if environ is None else environ
    return env.get(PASSWORD_ENV) or None


def password_from_env(keyfile_path: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The password for ``keyfile_path`` from the environment, or ``None``."""
    env = os.environ if environ is None else environ
    plain = plain_password_from_env(env)
    if plain:
        return plain
    var_name = btwallet_env_var_name(keyfile_path)
    stored = env.get(var_name)
    if stored:
        return decode_btwallet_env_password(var_name, stored)
    return None


def resolve_password(
    keyfile_path: str,
    password: str | None = None,
    prompt: Prompt | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """An explicit password wins, then the environment, then the prompt."""
    if password is not None:
        return password
    found = password_from_env(keyfile_path, environ)
    if found is not None:
        return found
    if prompt is not None:
        return prompt()
    raise PasswordRequired(
        f"{keyfile_path} is encrypted: set {PASSWORD_ENV} or run interactively to enter the password"
    )
