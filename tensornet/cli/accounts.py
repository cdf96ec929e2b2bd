"""Who a command is about: an SS58 address, a 0x public key, a dev name/URI or a btcli wallet name.

Resolving a *target* never needs a secret (a wallet's coldkeypub.txt is enough) and never imports
substrate-interface for the six dev accounts, whose addresses are fixed (checked against the
derivation in tests), so read commands stay fast.
"""
from __future__ import annotations

from dataclasses import dataclass

import click

# //Alice … //Ferdie: sr25519 dev accounts (substrate's well-known addresses, ss58 prefix 42)
DEV_ADDRESSES = {
    "Alice": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
    "Bob": "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
    "Charlie": "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y",
    "Dave": "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy",
    "Eve": "5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw",
    "Ferdie": "5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL",
}


@dataclass(frozen=True)
class Account:
    public: bytes
    ss58: str
    label: str  # how the user named it


def _dev_name(text: str) -> str | None:
    name = text.removeprefix("//")
    for dev in DEV_ADDRESSES:
        if name.lower() == dev.lower():
            return dev
    return None


def resolve_target(text: str, wallet_path: str) -> Account:
    """An account to read or pay: address, 0x key, ``//Alice``/``alice``, a wallet name (its
    coldkey) or ``WALLET/HOTKEY`` (that hotkey)."""
    from tensornet.primitives.ss58 import ss58_encode
    from tensornet.wallet.address import parse_account
    from tensornet.wallet.errors import WalletError

    value = text.strip()
    if not value:
        raise click.BadParameter("empty account: give an SS58 address, //Alice or a wallet name")
    if value[:2].lower() == "0x" or (len(value) >= 46 and value[0].isalnum() and _looks_ss58(value)):
        try:
            public = parse_account(value)
        except WalletError as exc:
            raise click.BadParameter(str(exc)) from None
        return Account(public, ss58_encode(public, 42), value)
    dev = _dev_name(value)
    if dev is not None and (value.startswith("//") or not _wallet_exists(value, wallet_path)):
        from tensornet.primitives.ss58 import ss58_decode

        return Account(ss58_decode(DEV_ADDRESSES[dev]), DEV_ADDRESSES[dev], "//" + dev)
    if value.startswith("//"):
        from tensornet.wallet.keys import from_uri

        try:
            kp = from_uri(value)
        except WalletError as exc:
            raise click.BadParameter(str(exc)) from None
        return Account(kp.public_key, kp.ss58_address, value)
    name, slash, hotkey = value.partition("/")
    if slash and name and hotkey and "/" not in hotkey:
        return wallet_hotkey_account(name, hotkey, wallet_path)
    return wallet_coldkey_account(value, wallet_path)


def _looks_ss58(value: str) -> bool:
    import string

    alphabet = set(string.ascii_letters + string.digits) - set("0OIl")
    return all(c in alphabet for c in value)


def _wallet_exists(name: str, wallet_path: str) -> bool:
    import os

    return os.path.isdir(os.path.join(os.path.expanduser(wallet_path), name))


def wallet_coldkey_account(name: str, wallet_path: str) -> Account:
    from tensornet.wallet.errors import WalletError
    from tensornet.wallet.wallet import Wallet

    try:
        pub = Wallet(name=name, hotkey="default", path=wallet_path).coldkeypub()
    except WalletError as exc:
        raise click.ClickException(
            f"{exc} (an account is an SS58 address, //Alice, or the name of a wallet in {wallet_path})") from None
    return Account(pub.public_key, pub.ss58_address, f"wallet {name}")


def wallet_hotkey_account(name: str, hotkey: str, wallet_path: str) -> Account:
    from tensornet.wallet.errors import WalletError
    from tensornet.wallet.wallet import Wallet

    try:
        pub = Wallet(name=name, hotkey=hotkey, path=wallet_path).hotkeypub()
    except WalletError as exc:
        raise click.ClickException(str(exc)) from None
    return Account(pub.public_key, pub.ss58_address, f"{name}/{hotkey}")
