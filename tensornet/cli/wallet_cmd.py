"""`tnet wallet …`: btcli-compatible wallets on disk.

The options are spelled as btcli spells them (``--wallet.name`` / ``--wallet-name`` …) so commands can
be copied between the two tools. Errors a user can cause (unknown wallet, wrong password, malformed
address, existing file) end as one ``Error: …`` line with exit code 1, never a traceback.

Besides the group, this module exports the pieces other command modules reuse for "a wallet or a dev
URI": :func:`wallet_options`, :func:`wallet_from_options`, :func:`coldkey_signer`,
:func:`hotkey_signer` and :class:`WalletErrorsGroup`. Importing it costs click and the wallet package
only (no substrate-interface until a key is derived, no numpy/numba).
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tensornet.wallet import create, keys
from tensornet.wallet.errors import HotkeyNotFound, WalletError
from tensornet.wallet.listing import WalletInfo, describe, list_wallets
from tensornet.wallet.password import PASSWORD_ENV, plain_password_from_env
from tensornet.wallet.wallet import DEFAULT_HOTKEY_NAME, DEFAULT_WALLET_NAME, DEFAULT_WALLET_PATH, Wallet

if TYPE_CHECKING:
    from substrateinterface import Keypair

F = TypeVar("F", bound=Callable[..., Any])


class WalletErrorsGroup(click.Group):
    """Turns :class:`WalletError` raised by any subcommand into click's one-line ``Error: …`` exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WalletError as exc:
            raise click.ClickException(str(exc)) from None


# ---- shared options and helpers ------------------------------------------------------------------


def wallet_options(func: F) -> F:
    """``--wallet.name``, ``--wallet.hotkey``, ``--wallet.path`` (and their dashed btcli spellings)."""
    func = click.option(
        "--wallet.path", "--wallet-path", "--wallet_path", "-p", "wallet_path",
        default=DEFAULT_WALLET_PATH, show_default=True, metavar="DIR",
        help="Directory holding the wallets (btcli's default is shared).",
    )(func)
    func = click.option(
        "--wallet.hotkey", "--wallet-hotkey", "--wallet_hotkey", "-H", "wallet_hotkey",
        default=None, metavar="NAME", help=f"Hotkey name  [default: {DEFAULT_HOTKEY_NAME}]",
    )(func)
    func = click.option(
        "--wallet.name", "--wallet-name", "--wallet_name", "-w", "wallet_name",
        default=DEFAULT_WALLET_NAME, show_default=True, metavar="NAME", help="Wallet name.",
    )(func)
    return func


def wallet_from_options(wallet_name: str, wallet_hotkey: str | None, wallet_path: str) -> Wallet:
    return Wallet(name=wallet_name, hotkey=wallet_hotkey or DEFAULT_HOTKEY_NAME, path=wallet_path)


def _unlock_prompt(path: str) -> Callable[[], str]:
    return lambda: _ask(lambda: click.prompt(f"Password for {path}", hide_input=True))


def coldkey_signer(wallet: Wallet, uri: str | None = None) -> Keypair:
    """The coldkey to sign with: a dev account when ``uri`` is given (e.g. ``//Alice``), else the
    wallet's coldkey, decrypted with the password from the environment or a prompt."""
    if uri is not None:
        return keys.from_uri(uri)
    return wallet.coldkey(prompt=_unlock_prompt(wallet.coldkey_file.path))


def hotkey_signer(wallet: Wallet, uri: str | None = None) -> Keypair:
    if uri is not None:
        return keys.from_uri(uri)
    return wallet.hotkey_keypair(prompt=_unlock_prompt(wallet.hotkey_file.path))


def _new_password(no_password: bool, what: str) -> str | None:
    """The password to encrypt a new coldkey: none, ``TNET_WALLET_PASSWORD``, or asked twice."""
    if no_password:
        return None
    from_env = plain_password_from_env()
    if from_env:
        return from_env
    password = _ask(lambda: click.prompt(f"Password to encrypt the {what}", hide_input=True, confirmation_prompt=True))
    if not password:
        raise click.ClickException("an empty password is not allowed: type one, or pass --no-password")
    return password


def _ask(prompt: Callable[[], str]) -> str:
    """A prompt that ends in one clear line when stdin closes (scripts without a password)."""
    try:
        return prompt()
    except click.Abort:
        raise click.ClickException(
            f"no password given: type it, set {PASSWORD_ENV} for scripts, or pass --no-password when creating"
        ) from None


def _emit(as_json: bool, payload: Any, human: Callable[[], None]) -> None:
    if as_json:
        click.echo(json.dumps(payload, indent=2))
    else:
        human()


def _print_new_key(key: create.NewKey) -> None:
    label = key.role if key.hotkey is None else f"hotkey {key.hotkey!r}"
    lock = " (encrypted)" if key.encrypted else ""
    click.echo(f"{label} of wallet {key.wallet!r}: {key.ss58_address}")
    click.echo(f"  written to {key.path}{lock}")
    if key.mnemonic:
        click.echo(f"  mnemonic: {key.mnemonic}")
        click.echo("  Store this mnemonic offline: anyone who has it controls the key, and it is the only way to restore it.")


def _n_words_option(func: F) -> F:
    return click.option(
        "--n-words", type=click.Choice([str(n) for n in keys.MNEMONIC_WORD_COUNTS]), default="12",
        show_default=True, help="Words in the new mnemonic.",
    )(func)


_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
_overwrite_option = click.option("--overwrite", is_flag=True, help="Replace existing key files.")
_no_password_option = click.option(
    "--no-password", "--no-use-password", "no_password", is_flag=True,
    help=f"Store the coldkey unencrypted (devnets only). Otherwise the password comes from {PASSWORD_ENV} or a prompt.",
)


# ---- the group -----------------------------------------------------------------------------------


@click.group(cls=WalletErrorsGroup)
def wallet() -> None:
    """Create, restore and inspect wallets in btcli's layout (~/.bittensor/wallets)."""


@wallet.command("create")
@wallet_options
@_n_words_option
@_no_password_option
@_overwrite_option
@_json_option
def create_cmd(wallet_name: str, wallet_hotkey: str | None, wallet_path: str, n_words: str,
               no_password: bool, overwrite: bool, as_json: bool) -> None:
    """Create a wallet: a new coldkey (encrypted) and a new hotkey."""
    target = wallet_from_options(wallet_name, wallet_hotkey, wallet_path)
    if not overwrite and target.exists():
        raise WalletError(
            f"wallet {target.name!r} already exists under {target.root}: add a hotkey with new-hotkey, "
            "or pass --overwrite to replace it"
        )
    password = _new_password(no_password, "coldkey")
    coldkey, hotkey = create.create_wallet(target, password, int(n_words), overwrite)
    if as_json:
        click.echo(json.dumps({"coldkey": coldkey.as_dict(), "hotkey": hotkey.as_dict()}, indent=2))
        return
    _print_new_key(coldkey)
    _print_new_key(hotkey)


@wallet.command("new-coldkey")
@wallet_options
@_n_words_option
@click.option("--uri", default=None, metavar="URI", help="Use a dev account instead of a new mnemonic, e.g. //Alice.")
@_no_password_option
@_overwrite_option
@_json_option
def new_coldkey_cmd(wallet_name: str, wallet_hotkey: str | None, wallet_path: str, n_words: str, uri: str | None,
                    no_password: bool, overwrite: bool, as_json: bool) -> None:
    """Create a new coldkey (and coldkeypub.txt) for a wallet."""
    target = wallet_from_options(wallet_name, wallet_hotkey, wallet_path)
    if uri is not None:
        keys.from_uri(uri)  # reject a bad URI before asking for a password
    _refuse_if_exists(target.coldkey_file.path, overwrite)
    _refuse_if_exists(target.coldkeypub_file.path, overwrite)
    key = create.new_coldkey(target, _new_password(no_password, "coldkey"), int(n_words), uri, overwrite)
    _emit(as_json, key.as_dict(), lambda: _print_new_key(key))


@wallet.command("new-hotkey")
@wallet_options
@_n_words_option
@click.option("--uri", default=None, metavar="URI", help="Use a dev account instead of a new mnemonic, e.g. //Alice.")
@_overwrite_option
@_json_option
def new_hotkey_cmd(wallet_name: str, wallet_hotkey: str | None, wallet_path: str, n_words: str, uri: str | None,
                   overwrite: bool, as_json: bool) -> None:
    """Create a new hotkey (plaintext, like btcli's) in a wallet."""
    target = wallet_from_options(wallet_name, wallet_hotkey, wallet_path)
    key = create.new_hotkey(target, int(n_words), uri, overwrite)
    _emit(as_json, key.as_dict(), lambda: _print_new_key(key))


def _secret_options(func: F) -> F:
    func = click.option("--seed", default=None, metavar="HEX", help="32-byte seed as hex (0x optional).")(func)
    func = click.option("--mnemonic", default=None, metavar="WORDS", help="The 12-24 word mnemonic, quoted.")(func)
    return func


def _one_secret(mnemonic: str | None, seed: str | None) -> None:
    if (mnemonic is None) == (seed is None):
        raise click.UsageError("give exactly one of --mnemonic or --seed")


def _refuse_if_exists(path: str, overwrite: bool) -> None:
    """Checked before prompting for a password, so the user does not type one for nothing."""
    if not overwrite and os.path.exists(path):
        raise WalletError(f"{path} already exists: pass --overwrite to replace it")


@wallet.command("regen-coldkey")
@wallet_options
@_secret_options
@_no_password_option
@_overwrite_option
@_json_option
def regen_coldkey_cmd(wallet_name: str, wallet_hotkey: str | None, wallet_path: str, mnemonic: str | None,
                      seed: str | None, no_password: bool, overwrite: bool, as_json: bool) -> None:
    """Restore a coldkey from its mnemonic or seed."""
    _one_secret(mnemonic, seed)
    target = wallet_from_options(wallet_name, wallet_hotkey, wallet_path)
    create.keypair_from_secret(mnemonic=mnemonic, seed=seed)  # validate before asking for a password
    _refuse_if_exists(target.coldkey_file.path, overwrite)
    _refuse_if_exists(target.coldkeypub_file.path, overwrite)
    key = create.regen_coldkey(target, _new_password(no_password, "coldkey"), mnemonic, seed, overwrite)
    _emit(as_json, key.as_dict(), lambda: _print_new_key(key))


@wallet.command("regen-hotkey")
@wallet_options
@_secret_options
@_overwrite_option
@_json_option
def regen_hotkey_cmd(wallet_name: str, wallet_hotkey: str | None, wallet_path: str, mnemonic: str | None,
                     seed: str | None, overwrite: bool, as_json: bool) -> None:
    """Restore a hotkey from its mnemonic or seed."""
    _one_secret(mnemonic, seed)
    key = create.regen_hotkey(wallet_from_options(wallet_name, wallet_hotkey, wallet_path), mnemonic, seed, overwrite)
    _emit(as_json, key.as_dict(), lambda: _print_new_key(key))


@wallet.command("regen-coldkeypub")
@wallet_options
@click.option("--ss58", "--ss58-address", "account", required=True, metavar="ADDRESS",
              help="The coldkey's SS58 address (or 0x public key).")
@_overwrite_option
@_json_option
def regen_coldkeypub_cmd(wallet_name: str, wallet_hotkey: str | None, wallet_path: str, account: str,
                         overwrite: bool, as_json: bool) -> None:
    """Write coldkeypub.txt from an address: a watch-only wallet."""
    key = create.regen_coldkeypub(wallet_from_options(wallet_name, wallet_hotkey, wallet_path), account, overwrite)
    _emit(as_json, key.as_dict(), lambda: _print_new_key(key))


@wallet.command("list")
@click.option("--wallet.path", "--wallet-path", "--wallet_path", "-p", "wallet_path",
              default=DEFAULT_WALLET_PATH, show_default=True, metavar="DIR", help="Directory holding the wallets.")
@_json_option
def list_cmd(wallet_path: str, as_json: bool) -> None:
    """List the wallets under the wallet path with their coldkey and hotkey addresses."""
    infos = list_wallets(wallet_path)
    _emit(as_json, [info.as_dict() for info in infos], lambda: _print_wallets(infos, wallet_path))


@wallet.command("show")
@wallet_options
@click.option("--uri", default=None, metavar="URI", help="Show a dev account (e.g. //Alice) instead of a wallet.")
@click.option("--unlock", is_flag=True, help="Decrypt the coldkey to check the password (and that it matches coldkeypub.txt).")
@_json_option
def show_cmd(wallet_name: str, wallet_hotkey: str | None, wallet_path: str, uri: str | None, unlock: bool,
             as_json: bool) -> None:
    """Show one wallet's addresses (or a dev account's); no password needed unless --unlock."""
    if uri is not None:
        keypair = keys.from_uri(uri)
        payload = {"uri": uri, "ss58_address": keypair.ss58_address, "public_key": "0x" + keypair.public_key.hex()}
        _emit(as_json, payload, lambda: click.echo(f"{uri}: {keypair.ss58_address}  (public key {payload['public_key']})"))
        return
    target = wallet_from_options(wallet_name, wallet_hotkey, wallet_path)
    info = describe(target)
    if wallet_hotkey is not None:
        chosen = [h for h in info.hotkeys if h.name == wallet_hotkey]
        if not chosen:
            known = ", ".join(h.name for h in info.hotkeys) or "none"
            raise HotkeyNotFound(f"wallet {target.name!r} has no hotkey {wallet_hotkey!r} (hotkeys: {known})")
        info = WalletInfo(info.name, info.path, info.coldkey_ss58, info.coldkey_encryption, chosen, info.error)
    if unlock:
        coldkey_signer(target)  # raises on a wrong password or a coldkey that contradicts coldkeypub.txt
    payload = info.as_dict()
    payload["unlocked"] = unlock
    _emit(as_json, payload, lambda: _print_wallets([info], wallet_path, unlock))


def _print_wallets(infos: list[WalletInfo], wallet_path: str, unlocked: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not infos:
        console.print(f"No wallets under {wallet_path}. Create one with `tnet wallet create`.")
        return
    table = Table(title=f"Wallets in {wallet_path}")
    table.add_column("wallet / hotkey")
    table.add_column("ss58 address", no_wrap=True, min_width=48)  # never truncate an address
    table.add_column("notes")
    for info in infos:
        if info.coldkey_encryption is None:
            note = "public only"
        elif info.coldkey_encryption == "none":
            note = "not encrypted"
        elif info.coldkey_encryption == "NaCl":
            note = "encrypted"
        else:
            note = f"encrypted ({info.coldkey_encryption})"
        if unlocked:
            note += ", unlocked"
        table.add_row(f"{info.name} (coldkey)", info.coldkey_ss58 or "?", info.error or note)
        for hotkey in info.hotkeys:
            table.add_row(f"  └ {hotkey.name}", hotkey.ss58_address or "?",
                          hotkey.error or ("" if hotkey.has_secret else "public only"))
    console.print(table)
