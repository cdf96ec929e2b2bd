"""A wallet is a directory in btcli's layout; this module maps names to files and reads/writes them.

    <path>/<name>/coldkey                 the coldkey, usually encrypted
    <path>/<name>/coldkeypub.txt          its public key (plaintext JSON)
    <path>/<name>/hotkeys/<hotkey>        a hotkey, plaintext JSON
    <path>/<name>/hotkeys/<hotkey>pub.txt its public key (written by bittensor-wallet ≥ 3.1)

``path`` defaults to ``~/.bittensor/wallets/`` and is relocatable, so the same wallets are shared
with btcli and the bittensor SDK.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tensornet.wallet import keys
from tensornet.wallet.errors import (
    HotkeyNotFound,
    InvalidName,
    KeyfileExists,
    KeyfileFormatError,
    KeyfileNotFound,
    WalletNotFound,
)
from tensornet.wallet.keyfile import Keyfile, PublicKey
from tensornet.wallet.password import Prompt

if TYPE_CHECKING:
    from substrateinterface import Keypair

DEFAULT_WALLET_PATH = "~/.bittensor/wallets/"
DEFAULT_WALLET_NAME = "default"
DEFAULT_HOTKEY_NAME = "default"
PUB_SUFFIX = "pub.txt"


def check_name(name: str, what: str) -> str:
    """Refuse names that are empty or would leave the wallet directory."""
    if not name or name in (".", "..") or "/" in name or os.sep in name or "\0" in name:
        raise InvalidName(f"invalid {what} name {name!r}: use a plain name without '/'")
    return name


@dataclass(frozen=True)
class Wallet:
    """A (wallet name, hotkey name, wallet path) triple, as btcli's ``--wallet.*`` options give it."""

    name: str = DEFAULT_WALLET_NAME
    hotkey: str = DEFAULT_HOTKEY_NAME
    path: str = DEFAULT_WALLET_PATH

    def __post_init__(self) -> None:
        check_name(self.name, "wallet")
        check_name(self.hotkey, "hotkey")

    def with_hotkey(self, hotkey: str) -> Wallet:
        return dataclasses.replace(self, hotkey=hotkey)

    # ---- paths (joined as bittensor-wallet joins them, so BT_PW_* variable names agree) ----------

    @property
    def root(self) -> str:
        return os.path.expanduser(self.path)

    @property
    def directory(self) -> str:
        return os.path.join(self.root, self.name)

    @property
    def hotkeys_directory(self) -> str:
        return os.path.join(self.directory, "hotkeys")

    @property
    def coldkey_file(self) -> Keyfile:
        return Keyfile(os.path.join(self.directory, "coldkey"))

    @property
    def coldkeypub_file(self) -> Keyfile:
        return Keyfile(os.path.join(self.directory, "coldkeypub.txt"))

    @property
    def hotkey_file(self) -> Keyfile:
        return Keyfile(os.path.join(self.hotkeys_directory, self.hotkey))

    @property
    def hotkeypub_file(self) -> Keyfile:
        return Keyfile(os.path.join(self.hotkeys_directory, self.hotkey + PUB_SUFFIX))

    # ---- reading --------------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.coldkey_file.exists() or self.coldkeypub_file.exists()

    def require_exists(self) -> None:
        if not self.exists():
            raise WalletNotFound(
                f"no wallet {self.name!r} under {self.root}: check --wallet.name / --wallet.path "
                f"or create it with `tnet wallet create --wallet.name {self.name}`"
            )

    def require_directory(self) -> None:
        if not os.path.isdir(self.directory):
            raise WalletNotFound(
                f"no wallet {self.name!r} under {self.root}: check --wallet.name / --wallet.path "
                f"or create it with `tnet wallet create --wallet.name {self.name}`"
            )

    def hotkey_names(self) -> list[str]:
        """Hotkeys present, by name (a hotkey known only by its pub file counts too)."""
        try:
            entries = os.listdir(self.hotkeys_directory)
        except (FileNotFoundError, NotADirectoryError):
            return []
        names: set[str] = set()
        for entry in entries:
            if entry.startswith(".") or not os.path.isfile(os.path.join(self.hotkeys_directory, entry)):
                continue
            names.add(entry[: -len(PUB_SUFFIX)] if entry.endswith(PUB_SUFFIX) else entry)
        return sorted(names)

    def coldkeypub(self) -> PublicKey:
        """The coldkey's public key: from coldkeypub.txt, else from a plaintext coldkey."""
        self.require_exists()
        if self.coldkeypub_file.exists():
            return self.coldkeypub_file.load_public()
        if not self.coldkey_file.is_encrypted():
            return self.coldkey_file.load_public()
        raise KeyfileNotFound(
            f"{self.coldkeypub_file.path} is missing and the coldkey is encrypted: "
            "restore it with `tnet wallet regen-coldkeypub --ss58 ADDRESS`"
        )

    def coldkey(self, password: str | None = None, prompt: Prompt | None = None) -> Keypair:
        """The coldkey keypair, decrypted; checked against coldkeypub.txt when both exist."""
        self.require_exists()
        if not self.coldkey_file.exists():
            raise KeyfileNotFound(
                f"wallet {self.name!r} has only a public coldkey (no {self.coldkey_file.path}): "
                "restore it with `tnet wallet regen-coldkey`"
            )
        keypair = self.coldkey_file.load_keypair(password, prompt)
        if self.coldkeypub_file.exists() and self.coldkeypub_file.load_public().public_key != keypair.public_key:
            raise KeyfileFormatError(
                f"{self.coldkey_file.path} does not match {self.coldkeypub_file.path}: "
                "regenerate one of them (regen-coldkey / regen-coldkeypub --overwrite)"
            )
        return keypair

    def _require_hotkey(self) -> None:
        self.require_directory()
        if not (self.hotkey_file.exists() or self.hotkeypub_file.exists()):
            known = ", ".join(self.hotkey_names()) or "none"
            raise HotkeyNotFound(
                f"wallet {self.name!r} has no hotkey {self.hotkey!r} (hotkeys: {known}): "
                f"create it with `tnet wallet new-hotkey --wallet.name {self.name} --wallet.hotkey {self.hotkey}`"
            )

    def hotkeypub(self) -> PublicKey:
        """The hotkey's public key: from the (plaintext) hotkey file, else from its pub file."""
        self._require_hotkey()
        if self.hotkey_file.exists() and not self.hotkey_file.is_encrypted():
            return self.hotkey_file.load_public()
        if self.hotkeypub_file.exists():
            return self.hotkeypub_file.load_public()
        raise KeyfileNotFound(f"{self.hotkey_file.path} is encrypted and has no {PUB_SUFFIX} beside it")

    def hotkey_keypair(self, password: str | None = None, prompt: Prompt | None = None) -> Keypair:
        """The hotkey keypair (hotkeys are plaintext unless created with a password)."""
        self._require_hotkey()
        if not self.hotkey_file.exists():
            raise KeyfileNotFound(f"hotkey {self.hotkey!r} has only a public key ({self.hotkeypub_file.path})")
        return self.hotkey_file.load_keypair(password, prompt)

    # ---- writing --------------------------------------------------------------------------------

    def set_coldkey(self, keypair: Keypair, password: str | None, overwrite: bool) -> None:
        """Write coldkey (encrypted when ``password`` is given) and coldkeypub.txt, or neither."""
        _refuse_existing([self.coldkey_file, self.coldkeypub_file], overwrite)
        self.coldkey_file.store_keypair(keypair, password, overwrite=True)
        self.coldkeypub_file.store_public(keypair.public_key, keypair.crypto_type, overwrite=True)

    def set_coldkeypub(self, public_key: bytes, overwrite: bool) -> None:
        """A watch-only wallet, or a restored pub file (``Wallet.coldkey`` later checks it against the coldkey)."""
        _refuse_existing([self.coldkeypub_file], overwrite)
        self.coldkeypub_file.store_public(public_key, keys.SR25519, overwrite=True)

    def set_hotkey(self, keypair: Keypair, overwrite: bool, password: str | None = None) -> None:
        """Write the hotkey (plaintext unless a password is given) and its pub file, or neither."""
        _refuse_existing([self.hotkey_file, self.hotkeypub_file], overwrite)
        self.hotkey_file.store_keypair(keypair, password, overwrite=True)
        self.hotkeypub_file.store_public(keypair.public_key, keypair.crypto_type, overwrite=True)


def _refuse_existing(files: list[Keyfile], overwrite: bool) -> None:
    """Check every target before writing any, so a refusal never leaves a half-written key."""
    if overwrite:
        return
    for keyfile in files:
        if os.path.exists(keyfile.path):
            raise KeyfileExists(f"{keyfile.path} already exists: pass --overwrite to replace it")
