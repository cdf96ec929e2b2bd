"""Making keys and putting them into a wallet: the flows behind ``tnet wallet create | new-* | regen-*``.

Each flow builds the keypair first (so a bad mnemonic, seed or URI writes nothing), then writes all
its files or none, and returns what the user must see (the address and, for fresh keys, the mnemonic).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tensornet.wallet import keys
from tensornet.wallet.address import encode_ss58, parse_account
from tensornet.wallet.errors import InvalidMnemonic, KeyfileExists, WalletError
from tensornet.wallet.wallet import Wallet

if TYPE_CHECKING:
    from substrateinterface import Keypair


@dataclass(frozen=True)
class NewKey:
    """A key just written: which one, where, its address, and the mnemonic to back up (if fresh)."""

    role: str  # "coldkey" | "coldkeypub" | "hotkey"
    wallet: str
    hotkey: str | None
    path: str
    ss58_address: str
    mnemonic: str | None
    encrypted: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "role": self.role,
            "wallet": self.wallet,
            "hotkey": self.hotkey,
            "path": self.path,
            "ss58_address": self.ss58_address,
            "mnemonic": self.mnemonic,
            "encrypted": self.encrypted,
        }


def keypair_from_secret(mnemonic: str | None = None, seed: str | None = None, uri: str | None = None) -> Keypair:
    """Exactly one of mnemonic, seed or secret URI, turned into an sr25519 keypair."""
    given = [value for value in (mnemonic, seed, uri) if value is not None]
    if len(given) != 1:
        raise WalletError("give exactly one of --mnemonic, --seed or --uri")
    if mnemonic is not None:
        return keys.from_mnemonic(mnemonic)
    if seed is not None:
        return keys.from_seed(seed)
    assert uri is not None
    return keys.from_uri(uri)


def fresh_keypair(n_words: int) -> tuple[Keypair, str]:
    mnemonic = keys.generate_mnemonic(n_words)
    return keys.from_mnemonic(mnemonic), mnemonic


def write_coldkey(wallet: Wallet, keypair: Keypair, password: str | None, overwrite: bool,
                  mnemonic: str | None = None) -> NewKey:
    wallet.set_coldkey(keypair, password, overwrite)
    return NewKey("coldkey", wallet.name, None, wallet.coldkey_file.path,
                  encode_ss58(keypair.public_key), mnemonic, password is not None)


def write_hotkey(wallet: Wallet, keypair: Keypair, overwrite: bool, mnemonic: str | None = None) -> NewKey:
    wallet.set_hotkey(keypair, overwrite)
    return NewKey("hotkey", wallet.name, wallet.hotkey, wallet.hotkey_file.path,
                  encode_ss58(keypair.public_key), mnemonic, False)


def new_coldkey(wallet: Wallet, password: str | None, n_words: int = 12, uri: str | None = None,
                overwrite: bool = False) -> NewKey:
    """A fresh coldkey from a new mnemonic, or the key of a secret URI such as ``//Alice``."""
    if uri is not None:
        return write_coldkey(wallet, keys.from_uri(uri), password, overwrite)
    keypair, mnemonic = fresh_keypair(n_words)
    return write_coldkey(wallet, keypair, password, overwrite, mnemonic)


def new_hotkey(wallet: Wallet, n_words: int = 12, uri: str | None = None, overwrite: bool = False) -> NewKey:
    if uri is not None:
        return write_hotkey(wallet, keys.from_uri(uri), overwrite)
    keypair, mnemonic = fresh_keypair(n_words)
    return write_hotkey(wallet, keypair, overwrite, mnemonic)


def create_wallet(wallet: Wallet, password: str | None, n_words: int = 12,
                  overwrite: bool = False) -> tuple[NewKey, NewKey]:
    """A coldkey and the wallet's hotkey; refuses up front if any of their files exists."""
    if not overwrite:
        for keyfile in (wallet.coldkey_file, wallet.coldkeypub_file, wallet.hotkey_file, wallet.hotkeypub_file):
            if keyfile.exists():
                raise KeyfileExists(
                    f"{keyfile.path} already exists: use new-hotkey to add a hotkey, or --overwrite to replace"
                )
    if n_words not in keys.MNEMONIC_WORD_COUNTS:
        raise InvalidMnemonic(f"--n-words must be one of {', '.join(map(str, keys.MNEMONIC_WORD_COUNTS))}")
    coldkey = new_coldkey(wallet, password, n_words, overwrite=overwrite)
    hotkey = new_hotkey(wallet, n_words, overwrite=overwrite)
    return coldkey, hotkey


def regen_coldkey(wallet: Wallet, password: str | None, mnemonic: str | None = None, seed: str | None = None,
                  overwrite: bool = False) -> NewKey:
    """Restore a coldkey from its mnemonic or seed (the mnemonic is not echoed back)."""
    return write_coldkey(wallet, keypair_from_secret(mnemonic=mnemonic, seed=seed), password, overwrite)


def regen_hotkey(wallet: Wallet, mnemonic: str | None = None, seed: str | None = None,
                 overwrite: bool = False) -> NewKey:
    return write_hotkey(wallet, keypair_from_secret(mnemonic=mnemonic, seed=seed), overwrite)


def regen_coldkeypub(wallet: Wallet, account: str, overwrite: bool = False) -> NewKey:
    """A watch-only wallet from an SS58 address or 0x public key."""
    public_key = parse_account(account)
    wallet.set_coldkeypub(public_key, overwrite)
    return NewKey("coldkeypub", wallet.name, None, wallet.coldkeypub_file.path,
                  encode_ss58(public_key), None, False)
