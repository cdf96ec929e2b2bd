"""The whole subnet-developer flow with the `tnet` binary, as a user runs it, against `tnet devnet`.

Wallets (ours, and one made by bittensor-wallet when its venv exists) → fund → subnet create +
start → register a validator and two miners → stake → serve → set weights → advance epochs →
metagraph with non-zero incentive and dividends; snapshot/revert restores balances exactly; every
``--json`` output parses. The tests share one devnet and run in file order. About two minutes
(each `tnet` is a fresh process with substrate-interface), hence ``slow``: ``make test-all`` runs it;
``tests/cli/test_cli_basics.py`` covers the same commands quickly in the default suite.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_helpers import Devnet, run, run_json

PASSWORD = "correct horse battery"
ENV = {"TNET_WALLET_PASSWORD": PASSWORD}
NETUID = 2  # root is 0 and genesis creates 1: the first user subnet is 2, as on subtensor's localnet
BTWALLET_PYTHON = Path(os.environ.get("BTWALLET_VENV", Path(__file__).resolve().parents[2] / ".venv-btwallet")) / "bin" / "python"
state: dict = {}
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def net(tn, tmp_path_factory):
    root = tmp_path_factory.mktemp("flow")
    d = Devnet(tn.TnetProcess, tn.free_port)
    d.proc.log_path = str(root / "devnet.log")
    d.proc.start(timeout=120)
    state["wallets"] = str(root / "wallets")
    yield d
    d.proc.terminate()


def tnet(net, *args, json_out=False, ok=True):
    """Run ``tnet ARGS --url <devnet>``; with ``json_out`` add ``--json`` and parse stdout."""
    if json_out:
        return run_json(*args, url=net.url, env=ENV)
    res = run(*args, url=net.url, env=ENV)
    if ok:
        assert res.returncode == 0, res.stderr + res.stdout
    return res


def w(name: str) -> list[str]:
    return ["-w", name, "--wallet.path", state["wallets"]]


def hotkey_address(name: str) -> str:
    data = json.loads((Path(state["wallets"]) / name / "hotkeys" / "default").read_text())
    return data["ss58Address"]


def test_wallets_are_created_and_funded(net):
    for name in ("val", "m1", "m2"):
        res = run("wallet", "create", *w(name), "--json", env=ENV)
        assert res.returncode == 0, res.stderr
        out = tnet(net, "fund", name, "1000.000000001", "--wallet.path", state["wallets"], json_out=True)
        assert out["free_rao"] == 1000 * 10**9 + 1
    rows = tnet(net, "balance", "val", "m1", "//Alice", "--wallet.path", state["wallets"], json_out=True)
    assert [r["free_rao"] for r in rows] == [1000 * 10**9 + 1, 1000 * 10**9 + 1, 10**15]
    assert rows[0]["free"] == "1000.000000001"


def test_subnet_create_start_and_configure(net):
    out = tnet(net, "subnet", "create", "--uri", "//Alice", "--hotkey-uri", "//Alice_hk", "--start", "--yes",
               "--json", ok=True).stdout
    assert '"success": true' in out
    subnets = {s["netuid"]: s for s in tnet(net, "subnet", "list", json_out=True)}
    assert subnets[NETUID]["started"] and subnets[NETUID]["owner"] == "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
    for param, value in (("commit_reveal_weights_enabled", "false"), ("weights_set_rate_limit", "0")):
        res = tnet(net, "subnet", "set", str(NETUID), param, value, "--uri", "//Alice", "--yes", "--json")
        assert json.loads(res.stdout)["success"]
    params = {p["param"]: p for p in tnet(net, "subnet", "hyperparams", str(NETUID), json_out=True)}
    assert params["commit_reveal_weights_enabled"]["value"] is False
    assert params["weights_set_rate_limit"]["value"] == 0
    show = tnet(net, "subnet", "show", str(NETUID), json_out=True)
    assert show["tempo"] == 10 and show["commit_reveal"] is False


def test_register_stake_and_serve(net):
    for name in ("val", "m1", "m2"):
        res = tnet(net, "register", str(NETUID), *w(name), "--yes", "--json")
        assert json.loads(res.stdout)["success"]
    neurons = tnet(net, "metagraph", str(NETUID), json_out=True)["neurons"]
    uids = {name: next(u["uid"] for u in neurons if u["hotkey"] == hotkey_address(name)) for name in ("val", "m1", "m2")}
    state["uids"] = uids
    res = tnet(net, "stake", "add", str(NETUID), "100", *w("val"), "--yes", "--json")
    receipt = json.loads(res.stdout)
    assert receipt["success"] and receipt["fee_rao"] > 0
    stakes = tnet(net, "stake", "list", "val", "--wallet.path", state["wallets"], json_out=True)["stakes"]
    assert stakes[0]["netuid"] == NETUID and stakes[0]["stake_alpha_rao"] > 0
    for name in ("val", "m1", "m2"):  # hotkeys sign weights and axons, so their accounts must exist
        tnet(net, "fund", f"{name}/default", "1", "--wallet.path", state["wallets"])
    for name, port in (("m1", "8091"), ("m2", "8092")):
        res = tnet(net, "axon", "serve", str(NETUID), "--ip", "127.0.0.1", "--port", port, *w(name), "--yes")
        assert "included" in res.stdout


def test_weights_then_epoch_give_incentive_and_dividends(net, tmp_path):
    adv = tnet(net, "chain", "advance", "--epochs", "1", "--netuid", str(NETUID), json_out=True)
    assert len(adv["epoch_blocks"]) == 1
    uids = state["uids"]
    tnet(net, "weights", "set", str(NETUID), "--uids", f"{uids['m1']},{uids['m2']}", "--weights", "1,3",
         *w("val"), "--yes")
    tnet(net, "chain", "advance", "--epochs", "1", "--netuid", str(NETUID))
    png = tmp_path / "metagraph.png"
    graph = tnet(net, "metagraph", str(NETUID), "--plot", str(png), json_out=True)
    by_uid = {n["uid"]: n for n in graph["neurons"]}
    assert by_uid[uids["m2"]]["incentive_u16"] > by_uid[uids["m1"]]["incentive_u16"] > 0
    assert by_uid[uids["val"]]["dividends_u16"] > 0 and by_uid[uids["val"]]["validator_permit"]
    assert by_uid[uids["m1"]]["axon"] == "127.0.0.1:8091"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    emissions_png = tmp_path / "emissions.png"
    em = tnet(net, "subnet", "emissions", str(NETUID), "--plot", str(emissions_png), json_out=True)
    assert em["epochs"] and all(int(p["emission_rao"]) >= 0 for p in em["epochs"])
    assert emissions_png.exists()


def test_snapshot_revert_restores_balances_exactly(net):
    who = ["val", "m1", "//Alice", "//Bob"]
    before = tnet(net, "balance", *who, "--wallet.path", state["wallets"], json_out=True)
    snap = tnet(net, "chain", "snapshot", json_out=True)
    tnet(net, "transfer", "--uri", "//Alice", "m1", "12.345678901", "--wallet.path", state["wallets"], "--yes")
    tnet(net, "fund", "//Bob", "5", "--set")
    tnet(net, "chain", "advance", "--blocks", "75")
    assert tnet(net, "balance", *who, "--wallet.path", state["wallets"], json_out=True) != before
    out = tnet(net, "chain", "revert", snap["id"], json_out=True)
    assert out["head"] == snap["block_number"] and out["removed"] >= 77
    assert tnet(net, "balance", *who, "--wallet.path", state["wallets"], json_out=True) == before


def test_inspection_commands_parse(net):
    res = tnet(net, "transfer", "--uri", "//Alice", "//Charlie", "1", "--yes", "--json")
    receipt = json.loads(res.stdout)
    block = tnet(net, "block", str(receipt["block_number"]), json_out=True)
    assert [x["call"] for x in block["extrinsics"]] == ["Timestamp.set", "Balances.transfer_keep_alive"]
    events = tnet(net, "events", receipt["block_hash"], json_out=True)["events"]
    assert any(e["name"] == "Transfer" for e in events)
    by_index = tnet(net, "extrinsic", f"{receipt['block_number']}-1", json_out=True)
    by_hash = tnet(net, "extrinsic", receipt["extrinsic_hash"], json_out=True)
    assert by_index == by_hash and by_index["success"] and by_index["fee_rao"] == receipt["fee_rao"]


def test_failed_transaction_shows_error_and_fee(net):
    res = tnet(net, "transfer", "--uri", "//Dave", "//Charlie", "1000000", "--yes", "--json", ok=False)
    assert res.returncode == 1
    receipt = json.loads(res.stdout)
    assert receipt["error"] == {"type": "Token", "name": "FundsUnavailable", "docs": "Funds are unavailable."}
    assert receipt["fee_rao"] > 0
    res = tnet(net, "weights", "set", "1", "--uids", "1", "--weights", "1", "--hotkey-uri", "//Bob", "--yes", ok=False)
    assert res.returncode == 1 and "SubtensorModule." in res.stdout


@pytest.mark.skipif(not BTWALLET_PYTHON.exists(), reason="no bittensor-wallet venv (scripts/setup_btwallet_venv.sh)")
def test_wallet_made_by_bittensor_wallet_is_funded_and_signs(net, tmp_path):
    import subprocess

    path = str(tmp_path / "btwallets")
    script = (f"from bittensor_wallet import Wallet\n"
              f"w = Wallet(name='bt', hotkey='default', path={path!r})\n"
              f"w.create_new_coldkey(n_words=12, use_password=True, overwrite=False, suppress=True, "
              f"coldkey_password={PASSWORD!r})\n"
              f"w.create_new_hotkey(n_words=12, use_password=False, overwrite=False, suppress=True)\n"
              f"print(w.coldkeypub.ss58_address)\n")
    made = subprocess.run([str(BTWALLET_PYTHON), "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert made.returncode == 0, made.stderr
    address = made.stdout.strip().splitlines()[-1]
    out = tnet(net, "fund", "bt", "50", "--wallet.path", path, json_out=True)
    assert out["address"] == address and out["free_rao"] == 50 * 10**9
    res = tnet(net, "transfer", "-w", "bt", "--wallet.path", path, "//Eve", "1", "--yes", "--json")
    assert json.loads(res.stdout)["success"]
    bal = tnet(net, "balance", address, json_out=True)[0]
    assert bal["free_rao"] == 49 * 10**9 - json.loads(res.stdout)["fee_rao"]


def test_commit_then_reveal_weights(net, tmp_path):
    env = {**ENV, "HOME": str(tmp_path)}  # the salt is kept under ~/.tensornet/commits
    res = tnet(net, "subnet", "set", str(NETUID), "commit_reveal_weights_enabled", "true", "--uri", "//Alice",
               "--yes", "--json")
    assert json.loads(res.stdout)["success"]
    uids = state["uids"]
    res = run("weights", "commit", str(NETUID), "--uids", str(uids["m1"]), "--weights", "1", *w("val"), "--yes",
              "--json", url=net.url, env=env)
    assert res.returncode == 0 and json.loads(res.stdout)["success"], res.stderr
    assert list((tmp_path / ".tensornet" / "commits").iterdir())
    tnet(net, "chain", "advance", "--epochs", "1", "--netuid", str(NETUID))
    res = run("weights", "reveal", str(NETUID), *w("val"), "--yes", "--json", url=net.url, env=env)
    assert res.returncode == 0 and json.loads(res.stdout)["success"], res.stdout + res.stderr
    again = run("weights", "reveal", str(NETUID), *w("val"), "--yes", url=net.url, env=env)
    assert again.returncode == 1 and "nothing to reveal" in again.stderr


def test_stake_move_transfer_remove(net):
    wp = ["--wallet.path", state["wallets"]]
    res = tnet(net, "stake", "move", str(NETUID), str(NETUID), "1", *w("val"), "--to-hotkey", "m1/default", "--yes",
               "--json")
    assert json.loads(res.stdout)["success"]
    res = tnet(net, "stake", "transfer", str(NETUID), str(NETUID), "1", *w("val"), "--dest", "m2", "--yes", "--json")
    assert json.loads(res.stdout)["success"]
    m2 = tnet(net, "stake", "list", "m2", *wp, json_out=True)["stakes"]
    assert any(s["hotkey"] == hotkey_address("val") and s["stake_alpha_rao"] > 0 for s in m2)
    res = tnet(net, "stake", "remove", str(NETUID), "1", *w("val"), "--limit-price", "1000", "--yes", "--json",
               ok=False)
    receipt = json.loads(res.stdout)
    assert res.returncode == 1 and receipt["error"]["name"] == "PriceLimitExceeded"
    res = tnet(net, "stake", "remove", str(NETUID), "1", *w("val"), "--yes", "--json")
    assert json.loads(res.stdout)["success"]
