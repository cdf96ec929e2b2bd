"""Interop with the real `bittensor-wallet` from PyPI (btcli's wallet library), in its own venv.

Wallets written by bittensor-wallet open in tensornet, and ours open in bittensor-wallet: encrypted
coldkey (with the password, and with btcli's BT_PW_* variable), coldkeypub.txt, hotkeys, dev-URI keys.
Create the venv with ``scripts/setup_btwallet_venv.sh``; without it these tests skip.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import btwallet_vectors as v
from tensornet.cli.wallet_cmd import wallet as wallet_cli
from tensornet.wallet import password as passwords
from tensornet.wallet.listing import list_wallets
from tensornet.wallet.wallet import Wallet

REPO = Path(__file__).resolve().parents[2]
BTWALLET_PYTHON = Path(os.environ.get("BTWALLET_VENV", REPO / ".venv-btwallet")) / "bin" / "python"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not BTWALLET_PYTHON.exists(),
        reason=f"no bittensor-wallet venv at {BTWALLET_PYTHON.parent.parent}: run scripts/setup_btwallet_venv.sh",
    ),
]


def btwallet(script: str, env: dict[str, str] | None = None) -> dict:
    """Run ``script`` with bittensor-wallet; it must assign a JSON-able ``result``."""
    code = textwrap.dedent(script) + "\nimport json, sys\njson.dump(result, open(sys.argv[1], 'w'))\n"
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    clean_env = {k: val for k, val in os.environ.items() if not k.startswith(("BT_PW_", "TNET_"))}
    proc = subprocess.run(
        [str(BTWALLET_PYTHON), "-c", code, str(out)],
        capture_output=True, text=True, env={**clean_env, **(env or {})}, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    try:
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def test_bittensor_wallet_is_the_real_one():
    info = btwallet("import importlib.metadata as m\nresult = {'version': m.version('bittensor-wallet')}")
    assert info["version"]


def test_wallet_made_by_bittensor_wallet_opens_in_tensornet(wallet_path, monkeypatch):
    made = btwallet(f"""
        from bittensor_wallet import Wallet
        w = Wallet(name="bt", hotkey="miner", path={wallet_path!r})
        w.create_new_coldkey(n_words=12, use_password=True, overwrite=False, suppress=True,
                             coldkey_password={v.PASSWORD!r})
        w.create_new_hotkey(n_words=12, use_password=False, overwrite=False, suppress=True)
        a = Wallet(name="alice", hotkey="default", path={wallet_path!r})
        a.create_coldkey_from_uri("//Alice", use_password=False, overwrite=False, suppress=True)
        a.create_hotkey_from_uri("//Alice//hot", use_password=False, overwrite=False, suppress=True)
        result = {{"coldkey": w.coldkeypub.ss58_address, "hotkey": w.hotkey.ss58_address,
                  "alice_hot": a.hotkey.ss58_address,
                  "env_name": w.coldkey_file.env_var_name(),
                  "env_value": w.coldkey_file.save_password_to_env({v.PASSWORD!r})}}
    """)
    ours = Wallet("bt", "miner", wallet_path)
    assert ours.coldkey(v.PASSWORD).ss58_address == made["coldkey"]
    assert ours.coldkeypub().ss58_address == made["coldkey"]
    assert ours.hotkey_keypair().ss58_address == made["hotkey"]
    assert ours.hotkeypub().ss58_address == made["hotkey"]
    # btcli's per-keyfile password variable unlocks it too
    assert ours.coldkey_file.env_var_name() == made["env_name"]
    monkeypatch.setenv(made["env_name"], made["env_value"])
    assert ours.coldkey().ss58_address == made["coldkey"]
    monkeypatch.delenv(made["env_name"])
    alice = Wallet("alice", "default", wallet_path)
    assert alice.coldkey().ss58_address == v.ALICE_SS58
    assert alice.hotkey_keypair().ss58_address == made["alice_hot"]
    listed = {w.name: w for w in list_wallets(wallet_path)}
    assert listed["bt"].coldkey_ss58 == made["coldkey"] and listed["bt"].coldkey_encryption == "NaCl"
    assert [(h.name, h.ss58_address) for h in listed["bt"].hotkeys] == [("miner", made["hotkey"])]
    shown = CliRunner().invoke(
        wallet_cli, ["show", "--wallet.name", "bt", "--wallet.path", wallet_path, "--unlock", "--json"],
        env={"TNET_WALLET_PASSWORD": v.PASSWORD},
    )
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["coldkey"]["ss58_address"] == made["coldkey"]


def test_legacy_ansible_vault_coldkey_from_bittensor_wallet(wallet_path):
    btwallet(f"""
        import os
        from bittensor_wallet import Keypair, keyfile
        data = keyfile.serialized_keypair_to_keyfile_data(Keypair.create_from_mnemonic({v.MNEMONIC!r}))
        os.makedirs(os.path.join({wallet_path!r}, "old"))
        with open(os.path.join({wallet_path!r}, "old", "coldkey"), "wb") as f:
            f.write(keyfile.legacy_encrypt_keyfile_data(data, {v.PASSWORD!r}))
        result = {{}}
    """)
    assert Wallet("old", path=wallet_path).coldkey(v.PASSWORD).ss58_address == v.SS58


def test_wallet_made_by_tensornet_opens_in_bittensor_wallet(wallet_path):
    runner = CliRunner()

    def tnet(*args: str, **env: str) -> dict:
        result = runner.invoke(wallet_cli, [*args, "--wallet.path", wallet_path, "--json"], env=env)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    created = tnet("create", "--wallet.name", "tn", "--wallet.hotkey", "val", TNET_WALLET_PASSWORD=v.PASSWORD)
    regen = tnet("regen-coldkey", "--wallet.name", "restored", "--mnemonic", v.MNEMONIC, "--no-password")
    tnet("regen-hotkey", "--wallet.name", "restored", "--wallet.hotkey", "h", "--seed", v.SEED)
    bob = tnet("new-coldkey", "--wallet.name", "bob", "--uri", "//Bob", "--no-password")
    tnet("new-hotkey", "--wallet.name", "bob", "--uri", "//Bob//hot")
    coldkey_path = Wallet("tn", "val", wallet_path).coldkey_file.path
    env_name = passwords.btwallet_env_var_name(coldkey_path)
    env_value = passwords.encode_btwallet_env_password(env_name, v.PASSWORD)

    seen = btwallet(f"""
        import os
        from bittensor_wallet import Wallet
        tn = Wallet(name="tn", hotkey="val", path={wallet_path!r})
        by_password = tn.get_coldkey(password={v.PASSWORD!r}).ss58_address
        by_env = tn.coldkey.ss58_address          # unlocks with the BT_PW_* variable we encoded
        restored = Wallet(name="restored", hotkey="h", path={wallet_path!r})
        bob = Wallet(name="bob", hotkey="default", path={wallet_path!r})
        result = {{
            "env_name": tn.coldkey_file.env_var_name(),
            "coldkey": by_password, "coldkey_env": by_env,
            "coldkeypub": tn.coldkeypub.ss58_address, "hotkey": tn.hotkey.ss58_address,
            "hotkeypub": tn.get_hotkeypub().ss58_address,
            "encrypted": tn.coldkey_file.is_encrypted(),
            "restored": restored.coldkey.ss58_address, "restored_mnemonic_ok": restored.coldkey_file.keypair.ss58_address,
            "restored_hot": restored.hotkey.ss58_address,
            "bob": bob.coldkey.ss58_address, "bob_pub": bob.coldkeypub.ss58_address, "bob_hot": bob.hotkey.ss58_address,
        }}
    """, env={env_name: env_value})
    assert seen["env_name"] == env_name
    assert seen["encrypted"]
    assert seen["coldkey"] == seen["coldkey_env"] == seen["coldkeypub"] == created["coldkey"]["ss58_address"]
    assert seen["hotkey"] == seen["hotkeypub"] == created["hotkey"]["ss58_address"]
    assert seen["restored"] == seen["restored_mnemonic_ok"] == regen["ss58_address"] == v.SS58
    assert seen["restored_hot"] == v.SS58
    assert seen["bob"] == seen["bob_pub"] == bob["ss58_address"]
    assert seen["bob_hot"] == Wallet("bob", path=wallet_path).hotkeypub().ss58_address


def test_wrong_password_is_refused_by_both(wallet_path):
    made = CliRunner().invoke(wallet_cli, ["new-coldkey", "--wallet.name", "x", "--wallet.path", wallet_path],
                              env={"TNET_WALLET_PASSWORD": v.PASSWORD})
    assert made.exit_code == 0, made.output
    seen = btwallet(f"""
        from bittensor_wallet import Wallet
        try:
            Wallet(name="x", path={wallet_path!r}).get_coldkey(password={v.WRONG_PASSWORD!r})
            result = {{"refused": False}}
        except Exception as exc:
            result = {{"refused": True, "error": str(exc)}}
    """)
    assert seen["refused"], seen
    assert "password" in seen["error"].lower()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-m", "e2e", "-q"]))
