"""`tnet wallet …` as a user runs it: options spelled like btcli, JSON for scripts, one-line errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

import btwallet_vectors as v
from tensornet.cli.wallet_cmd import wallet
from tensornet.wallet.wallet import Wallet


@pytest.fixture
def run(wallet_path):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        return runner.invoke(wallet, [*args, "--wallet.path", wallet_path], input=input, env=env)

    return invoke


def _ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def _fails(result, *needles: str) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output and not isinstance(result.exception, (AssertionError, TypeError, KeyError))
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_create_with_env_password_then_list_and_show(run, wallet_path):
    env = {"TNET_WALLET_PASSWORD": v.PASSWORD}
    created = json.loads(_ok(run("create", "--wallet.name", "val", "--wallet.hotkey", "hk", "--json", env=env)))
    assert created["coldkey"]["encrypted"] and len(created["coldkey"]["mnemonic"].split()) == 12
    listed = json.loads(_ok(run("list", "--json")))
    assert [w["name"] for w in listed] == ["val"]
    assert listed[0]["coldkey"] == {"ss58_address": created["coldkey"]["ss58_address"], "encryption": "NaCl"}
    assert listed[0]["hotkeys"][0]["ss58_address"] == created["hotkey"]["ss58_address"]
    shown = json.loads(_ok(run("show", "--wallet-name", "val", "--unlock", "--json", env=env)))
    assert shown["unlocked"] and shown["coldkey"]["ss58_address"] == created["coldkey"]["ss58_address"]
    human = _ok(run("show", "--wallet-name", "val"))
    assert created["coldkey"]["ss58_address"] in human and created["hotkey"]["ss58_address"] in human


def test_password_prompt_asks_twice(run, wallet_path):
    out = _ok(run("new-coldkey", "--wallet.name", "p", input=f"{v.PASSWORD}\n{v.PASSWORD}\n"))
    assert "mnemonic:" in out and "(encrypted)" in out
    assert Wallet("p", path=wallet_path).coldkey(v.PASSWORD)
    _fails(run("new-coldkey", "--wallet.name", "q", input="\n\n"), "no password given", "TNET_WALLET_PASSWORD")
    _fails(run("show", "--wallet.name", "p", "--unlock", input=""), "no password given")


def test_dashed_and_dotted_spellings_are_the_same_option(run, wallet_path):
    _ok(run("new-hotkey", "--wallet-name", "w", "--wallet-hotkey", "a"))
    _ok(run("new-hotkey", "--wallet_name", "w", "-H", "b"))
    assert Wallet("w", path=wallet_path).hotkey_names() == ["a", "b"]


def test_regen_coldkey_mnemonic_or_seed(run):
    out = json.loads(_ok(run("regen-coldkey", "--wallet.name", "m", "--mnemonic", v.MNEMONIC, "--no-password", "--json")))
    assert out["ss58_address"] == v.SS58 and out["mnemonic"] is None and not out["encrypted"]
    out = json.loads(_ok(run("regen-coldkey", "--wallet.name", "s", "--seed", v.SEED, "--json",
                             env={"TNET_WALLET_PASSWORD": v.PASSWORD})))
    assert out["ss58_address"] == v.SS58 and out["encrypted"]
    _fails(run("regen-coldkey", "--wallet.name", "s", "--seed", v.SEED, "--no-password"), "--overwrite")
    assert run("regen-coldkey", "--wallet.name", "n", "--no-password").exit_code == 2  # neither secret
    _fails(run("regen-coldkey", "--wallet.name", "x", "--mnemonic", "one two three", "--no-password"), "invalid mnemonic")
    _fails(run("regen-coldkey", "--wallet.name", "x", "--seed", "0xabc", "--no-password"), "invalid seed")


def test_regen_hotkey_and_watch_only(run):
    out = json.loads(_ok(run("regen-hotkey", "--wallet.name", "h", "--wallet.hotkey", "k", "--seed", v.SEED, "--json")))
    assert out["ss58_address"] == v.SS58
    out = json.loads(_ok(run("regen-coldkeypub", "--wallet.name", "watch", "--ss58", v.ALICE_SS58, "--json")))
    assert out["ss58_address"] == v.ALICE_SS58
    _fails(run("regen-coldkeypub", "--wallet.name", "w2", "--ss58", v.ALICE_SS58[:-1] + "Z"), "malformed SS58")


def test_dev_uri(run):
    out = json.loads(_ok(run("new-coldkey", "--wallet.name", "alice", "--uri", "//Alice", "--no-password", "--json")))
    assert out["ss58_address"] == v.ALICE_SS58
    shown = json.loads(_ok(run("show", "--uri", "//Alice", "--json")))
    assert shown["ss58_address"] == v.ALICE_SS58 and "private" not in json.dumps(shown).lower()


@pytest.mark.parametrize(
    "args, needles",
    [
        (("show", "--wallet.name", "ghost"), ("no wallet 'ghost'", "tnet wallet create")),
        (("show", "--wallet.name", "w", "--wallet.hotkey", "nope"), ("no hotkey 'nope'",)),
        (("show", "--wallet.name", "../etc"), ("invalid wallet name",)),
        (("new-coldkey", "--wallet.name", "w", "--no-password"), ("already exists", "--overwrite")),
        (("new-coldkey", "--wallet.name", "u", "--uri", "", "--no-password"), ("secret URI",)),
    ],
)
def test_bad_input_is_one_line(run, args, needles):
    _ok(run("new-coldkey", "--wallet.name", "w", "--no-password"))
    _fails(run(*args), *needles)


def test_wrong_password(run):
    _ok(run("new-coldkey", "--wallet.name", "w", env={"TNET_WALLET_PASSWORD": v.PASSWORD}))
    _fails(run("show", "--wallet.name", "w", "--unlock", input=v.WRONG_PASSWORD + "\n"), "wrong password")
    _fails(run("show", "--wallet.name", "w", "--unlock", env={"TNET_WALLET_PASSWORD": v.WRONG_PASSWORD}), "wrong password")


def test_list_empty(run):
    assert json.loads(_ok(run("list", "--json"))) == []
    assert "No wallets" in _ok(run("list"))


def _python(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=60)


def test_real_process_error_is_one_stderr_line(wallet_path):
    proc = _python("from tensornet.cli.wallet_cmd import wallet; wallet()", "show", "--wallet.name", "ghost",
                   "--wallet.path", wallet_path)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and proc.stderr.startswith("Error: no wallet 'ghost'")


def test_import_is_cheap():
    proc = _python(
        "import sys, tensornet.cli.wallet_cmd; "
        "print(sorted(m for m in ('numpy', 'numba', 'substrateinterface') if m in sys.modules))"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_list_does_not_load_substrate_interface(wallet_path):
    Wallet("w", path=wallet_path)
    from tensornet.wallet import create

    create.create_wallet(Wallet("w", path=wallet_path), None)
    proc = _python(
        "import sys; from tensornet.cli.wallet_cmd import wallet\n"
        "try:\n    wallet(['list', '--json', '--wallet.path', sys.argv[1]])\n"
        "except SystemExit:\n    pass\n"
        "print('substrateinterface' in sys.modules, file=sys.stderr)",
        wallet_path,
    )
    assert json.loads(proc.stdout)[0]["name"] == "w"
    assert proc.stderr.strip() == "False"


def test_signer_helpers_for_other_commands(wallet_path, monkeypatch):
    from tensornet.cli.wallet_cmd import coldkey_signer, hotkey_signer, wallet_from_options
    from tensornet.wallet import create

    target = wallet_from_options("s", "hk", wallet_path)
    create.create_wallet(target, v.PASSWORD)
    assert coldkey_signer(target, uri="//Alice").ss58_address == v.ALICE_SS58
    monkeypatch.setenv("TNET_WALLET_PASSWORD", v.PASSWORD)
    assert coldkey_signer(target).public_key == target.coldkeypub().public_key
    assert hotkey_signer(target).public_key == target.hotkeypub().public_key
    assert hotkey_signer(target, uri="//Bob").ss58_address != v.ALICE_SS58
