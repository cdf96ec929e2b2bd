"""Who signs and which hotkey a subtensor command is about, from btcli-style options.

``--uri //Alice`` replaces the wallet's coldkey, ``--hotkey-uri //Alice_hk`` its hotkey, so every
command works with dev accounts as well as with btcli wallets. Wallet errors (unknown wallet or
hotkey, wrong password) become one-line ``Error: …`` exits.
"""
from __future__ import annotations

from dataclasses import dataclass

import click

from tensornet.cli.accounts import Account
from tensornet.cli.wallet_cmd import (
    coldkey_signer,
    hotkey_signer,
    wallet_from_options,
    wallet_options,
)


def signer_options(func):
    func = click.option("--hotkey-uri", default=None, metavar="//NAME",
                        help="Use this secret URI as the hotkey instead of the wallet's.")(func)
    func = click.option("--uri", default=None, metavar="//NAME",
                        help="Use this secret URI (e.g. //Alice) as the coldkey instead of the wallet's.")(func)
    return wallet_options(func)


@dataclass
class Keys:
    wallet_name: str
    wallet_hotkey: str | None
    wallet_path: str
    uri: str | None
    hotkey_uri: str | None

    @classmethod
    def from_kwargs(cls, kw: dict) -> Keys:
        return cls(kw.pop("wallet_name"), kw.pop("wallet_hotkey"), kw.pop("wallet_path"), kw.pop("uri"),
                   kw.pop("hotkey_uri"))

    @property
    def wallet(self):
        return wallet_from_options(self.wallet_name, self.wallet_hotkey, self.wallet_path)

    def coldkey(self):
        """The coldkey key pair (may ask for the password)."""
        from tensornet.wallet.errors import WalletError

        try:
            return coldkey_signer(self.wallet, self.uri)
        except WalletError as exc:
            raise click.ClickException(str(exc)) from None

    def hotkey(self):
        """The hotkey key pair (for commands the hotkey signs: weights, axon)."""
        from tensornet.wallet.errors import WalletError

        try:
            return hotkey_signer(self.wallet, self.hotkey_uri)
        except WalletError as exc:
            raise click.ClickException(str(exc)) from None

    def hotkey_account(self) -> Account:
        """The hotkey's address without its secret (registration, staking targets)."""
        from tensornet.wallet.errors import WalletError

        if self.hotkey_uri is not None:
            kp = self.hotkey()
            return Account(kp.public_key, kp.ss58_address, self.hotkey_uri)
        try:
            pub = self.wallet.hotkeypub()
        except WalletError as exc:
            raise click.ClickException(str(exc)) from None
        return Account(pub.public_key, pub.ss58_address, f"{self.wallet_name}/{self.wallet.hotkey}")

    def coldkey_account(self) -> Account:
        if self.uri is not None:
            from tensornet.cli.accounts import resolve_target

            return resolve_target(self.uri, self.wallet_path)
        from tensornet.cli.accounts import wallet_coldkey_account

        return wallet_coldkey_account(self.wallet_name, self.wallet_path)
