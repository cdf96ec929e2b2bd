"""What ``tnet wallet list`` and ``show`` report: public facts only, read without any password."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from tensornet.wallet.errors import WalletError
from tensornet.wallet.wallet import DEFAULT_WALLET_PATH, Wallet


@dataclass(frozen=True)
class HotkeyInfo:
    name: str
    ss58_address: str | None
    has_secret: bool
    error: str | None = None


@dataclass(frozen=True)
class WalletInfo:
    name: str
    path: str
    coldkey_ss58: str | None
    coldkey_encryption: str | None  # "NaCl", "Ansible Vault", "none"; None when there is no coldkey file
    hotkeys: list[HotkeyInfo] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "path": self.path,
            "coldkey": {"ss58_address": self.coldkey_ss58, "encryption": self.coldkey_encryption},
            "hotkeys": [
                {"name": h.name, "ss58_address": h.ss58_address, "has_secret": h.has_secret, "error": h.error}
                for h in self.hotkeys
            ],
            "error": self.error,
        }


def describe(wallet: Wallet) -> WalletInfo:
    """Public facts of one existing wallet; a damaged file is reported in ``error`` instead of raising,
    so one bad wallet never hides the others in a listing."""
    wallet.require_exists()
    coldkey_ss58: str | None = None
    encryption: str | None = None
    error: str | None = None
    try:
        if wallet.coldkey_file.exists():
            encryption = wallet.coldkey_file.encryption().value
        coldkey_ss58 = wallet.coldkeypub().ss58_address
    except WalletError as exc:
        error = str(exc)
    hotkeys = [_describe_hotkey(wallet.with_hotkey(name)) for name in wallet.hotkey_names()]
    return WalletInfo(wallet.name, wallet.directory, coldkey_ss58, encryption, hotkeys, error)


def _describe_hotkey(wallet: Wallet) -> HotkeyInfo:
    has_secret = wallet.hotkey_file.exists()
    try:
        return HotkeyInfo(wallet.hotkey, wallet.hotkeypub().ss58_address, has_secret)
    except WalletError as exc:
        return HotkeyInfo(wallet.hotkey, None, has_secret, str(exc))


def list_wallets(path: str = DEFAULT_WALLET_PATH) -> list[WalletInfo]:
    """Every wallet directory under ``path`` (a directory holding a coldkey or coldkeypub.txt)."""
    root = os.path.expanduser(path)
    try:
        names = sorted(os.listdir(root))
    except (FileNotFoundError, NotADirectoryError):
        return []
    wallets = []
    for name in names:
        if name.startswith(".") or not os.path.isdir(os.path.join(root, name)):
            continue
        wallet = Wallet(name=name, path=path)
        if wallet.exists():
            wallets.append(describe(wallet))
    return wallets
