"""btcli 9.x (bittensor-cli, its own venv .venv-btcli) driven as a user would, non-interactively, against
``tnet devnet --preset test --sealing instant``.

Setup: ``scripts/setup_btcli_venv.sh``. btcli and bittensor 11 both install a ``btcli`` script, so this
venv is kept apart from .venv-bt. Wallets are made with btcli itself (``wallet regen-coldkey --seed`` of
//Alice's seed, ``wallet new-coldkey/new-hotkey`` without a password). MEV protection stays on (btcli's
default): ``subnets create`` and the stake commands send ``MevShield.submit_encrypted`` and the devnet's
author includes the decrypted call in the same block; ``test_shielded_calls_land_next_to_their_wrapper``
checks that on chain. Each step also checks chain state through substrate-interface, so a btcli message
that claims success without an extrinsic cannot pass.

The tests of this module run in order and share one devnet: create → start → register → stake add / list /
remove / move / transfer / swap → axon → show / metagraph → hyperparameters and sudo set → weights (commit-reveal, then direct set_weights)
→ wallet swap-hotkey → proxy add and stake add --proxy → lock add and list.
Not covered because it cannot work here: ``subnets price`` on a subnet
younger than its history window (btcli raises on the ``get_dynamic_info`` = None of blocks before the
subnet existed, as it would on a real chain).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
BTCLI = REPO / ".venv-btcli" / "bin" / "btcli"
ALICE_SEED = "0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a"
ALICE_SS58 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
NETUID = 2  # the subnet btcli creates (the devnet has root and netuid 1)


def _btcli_ok() -> bool:
    """bittensor-cli 9.x installed in .venv-btcli (read from its dist-info: no subprocess at collection)."""
    return BTCLI.exists() and any(BTCLI.parent.parent.glob("lib/python3*/site-packages/bittensor_cli-9.*.dist-info"))


if not _btcli_ok():
    pytest.skip(".venv-btcli with bittensor-cli 9.x missing (scripts/setup_btcli_venv.sh)", allow_module_level=True)


class Btcli:
    """Runs btcli against one node with a private HOME (btcli's config and caches) and wallet dir."""

    def __init__(self, url: str, home: Path) -> None:
        self.url, self.home, self.wallets = url, home, home / "wallets"
        self.env = {**os.environ, "HOME": str(home), "DISK_CACHE": "0", "COLUMNS": "200", "NO_COLOR": "1"}

    def __call__(self, *args: str, network: bool = True, timeout: float = 240) -> str:
        cmd = [str(BTCLI), *args, "--wallet-path", str(self.wallets)] if args[0] == "wallet" or "--wallet-name" in args \
            else [str(BTCLI), *args]
        if network:
            cmd += ["--network", self.url]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=self.env, check=False,
                             stdin=subprocess.DEVNULL, cwd=str(self.home))
        out = res.stdout + res.stderr
        assert res.returncode == 0 and "❌" not in out and "Traceback" not in out, f"{cmd}\n{out[-4000:]}"
        return out

    def address(self, wallet: str, hotkey: str | None = None) -> str:
        path = self.wallets / wallet / ("coldkeypub.txt" if hotkey is None else f"hotkeys/{hotkey}")
        return json.loads(path.read_text())["ss58Address"]


class Chain:
    """Read-only chain state through substrate-interface (project venv)."""

    def __init__(self, url: str) -> None:
        from substrateinterface import SubstrateInterface

        self.si = SubstrateInterface(url)

    def sm(self, name: str, params: list):
        return self.si.query("SubtensorModule", name, params).value

    def weight_commits(self, netuid: int, hotkey: str):
        return self.sm("WeightCommits", [netuid, hotkey])


@pytest.fixture(scope="module")
def env(tmp_path_factory, tn):
    home = tmp_path_factory.mktemp("btcli-home")
    port = tn.free_port()
    proc = tn.TnetProcess([tn.PYTHON, "-m", "tensornet.cli.main", "devnet", "--preset", "test", "--sealing",
                           "instant", "--subnet", "1", "--rpc-port", str(port)], port)
    proc.log_path = str(home / "devnet.log")
    proc.start()
    cli = Btcli(proc.url, home)
    cli("wallet", "regen-coldkey", "--wallet-name", "alice", "--seed", ALICE_SEED, "--no-use-password", network=False)
    cli("wallet", "new-hotkey", "--wallet-name", "alice", "--hotkey", "default", "--n-words", "12", network=False)
    cli("wallet", "new-coldkey", "--wallet-name", "miner", "--n-words", "12", "--no-use-password", network=False)
    cli("wallet", "new-hotkey", "--wallet-name", "miner", "--hotkey", "default", "--n-words", "12", network=False)
    try:
        yield cli, Chain(proc.url), proc
    finally:
        proc.terminate()


def _events(chain: Chain, number: int) -> set[str]:
    return {e.value["event_id"] for e in chain.si.get_events(chain.si.get_block_hash(number))}


def _alice(*extra: str) -> list[str]:
    return ["--wallet-name", "alice", "--hotkey", "default", *extra]


def test_wallet_regen_gives_alice(env):
    cli, _, _ = env
    assert cli.address("alice") == ALICE_SS58


def test_wallet_balance(env):
    cli, _, _ = env
    out = cli("wallet", "balance", "--wallet-name", "alice", "--json-output")
    data = json.loads(out[out.index("{"):])
    assert data["balances"]["alice"]["coldkey"] == ALICE_SS58
    assert data["balances"]["alice"]["free"] == pytest.approx(1_000_000)


def test_subnets_list(env):
    cli, _, _ = env
    out = cli("subnets", "list", "--json-output")
    data = json.loads(out[out.index("{"):])
    assert {"0", "1"} <= set(map(str, data["subnets"]))


def test_subnets_create_and_start(env):
    cli, chain, _ = env
    out = cli("subnets", "create", *_alice("--subnet-name", "demo", "--github-repo", "https://github.com/example/demo",
                                           "--subnet-contact", "dev@example.com", "--subnet-url", "https://example.com",
                                           "--discord-handle", "demo", "--description", "demo subnet",
                                           "--logo-url", "https://example.com/logo.png", "--additional-info", "none",
                                           "--no-prompt"))
    assert f"Registered subnetwork with netuid: {NETUID}" in out
    assert chain.sm("SubnetOwner", [NETUID]) == ALICE_SS58
    out = cli("subnets", "start", "--wallet-name", "alice", "--netuid", str(NETUID), "--no-prompt")
    assert f"Successfully started subnet {NETUID}" in out
    assert chain.sm("SubtokenEnabled", [NETUID]) is True


def test_subnets_register(env):
    cli, chain, _ = env
    cli("wallet", "transfer", "--wallet-name", "alice", "--destination", cli.address("miner"), "--amount", "5000",
        "--no-prompt")
    out = cli("subnets", "register", "--wallet-name", "miner", "--hotkey", "default", "--netuid", str(NETUID),
              "--no-prompt")
    assert f"Registered on netuid {NETUID} with UID 1" in out
    assert chain.sm("Uids", [NETUID, cli.address("miner", "default")]) == 1


def test_stake_add_and_list(env):
    cli, chain, _ = env
    hotkey = cli.address("alice", "default")
    # a fresh pool holds ~1000 TAO: 10 TAO moves the price ~2%, beyond btcli's 0.5% default tolerance
    out = cli("stake", "add", *_alice("--netuid", str(NETUID), "--amount", "10", "--tolerance", "0.1",
                                      "--no-prompt"))
    assert f"Subnet: {NETUID} Stake" in out
    assert chain.sm("TotalHotkeyAlpha", [hotkey, NETUID]) > 9 * 10**9
    out = cli("stake", "list", "--wallet-name", "alice", "--no-prompt", "--json-output")
    data = json.loads(out[out.index("{"):])
    assert any(int(s["netuid"]) == NETUID for s in data["stake_info"][hotkey])


def test_shielded_calls_land_next_to_their_wrapper(env):
    """create and stake add went through MevShield: each wrapper is followed, in its block, by the
    decrypted call, signed by the same account at the next nonce."""
    _, chain, _ = env
    follows = []
    for number in range(1, chain.si.get_block_number(None) + 1):
        xts = chain.si.get_block(block_number=number)["extrinsics"]
        for wrapper, inner in zip(xts, xts[1:]):
            if wrapper.value["call"]["call_function"] == "submit_encrypted":
                assert wrapper.value["address"] == inner.value["address"] == ALICE_SS58
                assert inner.value["nonce"] == wrapper.value["nonce"] + 1
                follows.append(inner.value["call"]["call_function"])
    assert "register_network" in " ".join(follows) and "add_stake" in " ".join(follows)


def test_stake_remove_overview_and_burn_cost(env):
    cli, chain, _ = env
    hotkey = cli.address("alice", "default")
    before = chain.sm("TotalHotkeyAlpha", [hotkey, NETUID])
    out = cli("stake", "remove", *_alice("--netuid", str(NETUID), "--amount", "1", "--tolerance", "0.1",
                                         "--no-prompt"))
    assert "Unstaking operations completed" in out
    assert before - chain.sm("TotalHotkeyAlpha", [hotkey, NETUID]) == 10**9
    assert "Wallet free balance" in cli("wallet", "overview", "--wallet-name", "alice")
    assert "Subnet burn cost" in cli("subnets", "burn-cost")


def test_stake_move_transfer_swap(env):
    cli, chain, _ = env
    hotkey, miner_hotkey, miner = cli.address("alice", "default"), cli.address("miner", "default"), cli.address("miner")
    common = ("--origin-netuid", str(NETUID), "--amount", "1", "--no-prompt")
    cli("stake", "move", *_alice("--dest-netuid", str(NETUID), "--dest", miner_hotkey, *common))
    assert chain.sm("TotalHotkeyAlpha", [miner_hotkey, NETUID]) == 10**9
    cli("stake", "transfer", *_alice("--dest-netuid", str(NETUID), "--dest", miner, *common))
    assert hotkey in chain.sm("StakingHotkeys", [miner])
    cli("stake", "swap", *_alice("--dest-netuid", "1", "--tolerance", "0.5", *common))
    assert chain.sm("TotalHotkeyAlpha", [hotkey, 1]) > 0


def test_axon_set_loopback(env):
    cli, chain, _ = env
    cli("axon", "set", "--wallet-name", "miner", "--hotkey", "default", "--netuid", str(NETUID), "--ip", "127.0.0.1",
        "--port", "8091", "--no-prompt")
    axon = chain.sm("Axons", [NETUID, cli.address("miner", "default")])
    assert axon["ip"] == 0x7F000001 and axon["port"] == 8091


def test_subnets_show_and_metagraph(env):
    cli, _, _ = env
    out = cli("subnets", "show", "--netuid", str(NETUID), "--no-prompt", "--json-output")
    data = json.loads(out[out.index("{"):])
    assert len(data["uids"]) == 2
    out = cli("subnets", "metagraph", "--netuid", str(NETUID), "--no-prompt")
    assert "demo" in out


def test_hyperparameters_and_sudo_set(env):
    cli, chain, _ = env
    out = cli("subnets", "hyperparameters", "--netuid", str(NETUID), "--json-output")
    params = {p["hyperparameter"]: p["value"] for p in json.loads(out[out.index("["):])}
    assert params["commit_reveal_weights_enabled"] is True and params["weights_rate_limit"] == 100
    # root-only (Sudo-wrapped by btcli; Alice is the sudo key)
    cli("sudo", "set", "--wallet-name", "alice", "--netuid", str(NETUID), "--param", "weights_rate_limit",
        "--value", "0", "--no-prompt")
    assert chain.sm("WeightsSetRateLimit", [NETUID]) == 0


def test_weights_commit_then_reveal(env, tn):
    cli, chain, proc = env
    hotkey = cli.address("alice", "default")
    assert chain.si.query("System", "Account", [hotkey]).value["providers"] == 0  # Pays::No: no funds needed
    # btcli commits, sleeps until its estimate of the reveal epoch (0 s when the next block starts an epoch),
    # then reveals. On an instant-sealing chain no block comes by itself: when the reveal is early it fails
    # (btcli prints success anyway) and the commit stays; then the test advances an epoch and reveals.
    head = chain.si.get_block_number(None)
    cli("weights", "commit", *_alice("--netuid", str(NETUID), "--uids", "0,1", "--weights", "0.5,0.5",
                                     "--salt", "1,2,3", "--no-prompt"))
    assert "WeightsCommitted" in _events(chain, head + 1), "commit_weights did not land"
    if chain.weight_commits(NETUID, hotkey):
        res = tn.run_tnet("chain", "advance", "--epochs", "1", "--netuid", str(NETUID), "--url", proc.url,
                          timeout=120)
        assert res.returncode == 0, res.stderr
        cli("weights", "reveal", *_alice("--netuid", str(NETUID), "--uids", "0,1", "--weights", "0.5,0.5",
                                         "--salt", "1,2,3", "--no-prompt"))
    assert not chain.weight_commits(NETUID, hotkey)
    assert chain.sm("Weights", [NETUID, 0]) == [(0, 65535), (1, 65535)]


def test_sudo_set_owner_param_then_weights_without_commit_reveal(env):
    cli, chain, _ = env
    cli("sudo", "set", "--wallet-name", "alice", "--netuid", str(NETUID), "--param", "commit_reveal_weights_enabled",
        "--value", "False", "--no-prompt")
    assert chain.sm("CommitRevealWeightsEnabled", [NETUID]) is False
    # btcli reads the bogus `get_commit_reveal_weights_enabled` item; with it False, `weights commit` sends set_weights
    out = cli("weights", "commit", *_alice("--netuid", str(NETUID), "--uids", "1", "--weights", "1",
                                           "--salt", "1", "--no-prompt"))
    assert "Weights set successfully" in out
    assert chain.sm("Weights", [NETUID, 0]) == [(1, 65535)]


def test_wallet_swap_hotkey_on_all_subnets(env):
    """btcli's `wallet swap-hotkey` (SubtensorModule.swap_hotkey without a netuid): the miner's
    registration and ownership move to a fresh hotkey of the same wallet; KeySwapCost is recycled."""
    cli, chain, _ = env
    cli("wallet", "new-hotkey", "--wallet-name", "miner", "--hotkey", "swapped", "--n-words", "12", network=False)
    old, new = cli.address("miner", "default"), cli.address("miner", "swapped")
    uid = chain.sm("Uids", [NETUID, old])
    free = chain.si.query("System", "Account", [cli.address("miner")]).value["data"]["free"]
    cli("wallet", "swap-hotkey", "swapped", "--wallet-name", "miner", "--hotkey", "default", "--all-netuids",
        "--no-prompt")
    assert chain.sm("Uids", [NETUID, new]) == uid and chain.sm("Uids", [NETUID, old]) is None
    assert chain.sm("Owner", [new]) == cli.address("miner")
    assert chain.sm("OwnedHotkeys", [cli.address("miner")]) == [new]
    paid = free - chain.si.query("System", "Account", [cli.address("miner")]).value["data"]["free"]
    assert 10**8 < paid < 10**8 + 10**7  # KeySwapCost and the transaction fee


def test_proxy_add_then_stake_through_the_delegate(env):
    """btcli's `proxy add` and `stake add --proxy`: Alice lets a fresh coldkey stake for her (Staking
    proxy, deposit reserved from Alice); the delegate signs Proxy.proxy(add_stake) and pays its fee,
    the stake is Alice's."""
    cli, chain, _ = env
    cli("wallet", "new-coldkey", "--wallet-name", "bot", "--n-words", "12", "--no-use-password", network=False)
    alice, bot, hotkey = ALICE_SS58, cli.address("bot"), cli.address("alice", "default")
    cli("wallet", "transfer", "--dest", bot, "--amount", "5", "--wallet-name", "alice", "--no-prompt")
    out = cli("proxy", "add", "--delegate", bot, "--proxy-type", "Staking", "--delay", "0", "--wallet-name", "alice",
              "--no-prompt")
    assert f"Added proxy delegatee '{bot}'" in out
    proxies, deposit = chain.si.query("Proxy", "Proxies", [alice]).value
    assert proxies == [{"delegate": bot, "proxy_type": "Staking", "delay": 0}] and deposit == 93_000_000
    assert chain.si.query("System", "Account", [alice]).value["data"]["reserved"] == deposit
    alpha_before = chain.sm("TotalHotkeyAlpha", [hotkey, NETUID])
    bot_before = chain.si.query("System", "Account", [bot]).value["data"]["free"]
    cli("stake", "add", "--wallet-name", "bot", "--proxy", alice, "--netuid", str(NETUID), "--amount", "1",
        "--include-hotkeys", hotkey, "--tolerance", "0.5", "--no-prompt")
    assert chain.sm("TotalHotkeyAlpha", [hotkey, NETUID]) - alpha_before > 9 * 10**8
    assert not chain.sm("StakingHotkeys", [bot])  # the stake is Alice's, not the delegate's
    paid = bot_before - chain.si.query("System", "Account", [bot]).value["data"]["free"]
    assert 0 < paid < 10**7  # the delegate paid only its fee; the TAO came from Alice


def test_lock_add_and_list(env):
    """btcli's `lock add` (SubtensorModule.lock_stake) locks 1 alpha of Alice's stake to her hotkey;
    `lock list` reads it back; the chain holds the lock and refuses to unstake it."""
    cli, chain, _ = env
    alice, hotkey = ALICE_SS58, cli.address("alice", "default")
    cli("lock", "add", "--wallet-name", "alice", "--netuid", str(NETUID), "--hotkey-ss58", hotkey, "--amount", "1",
        "--mode", "decaying", "--no-graph", "--no-prompt")
    lock = chain.sm("Lock", [alice, NETUID, hotkey])
    assert 0.99 * 10**9 < lock["locked_mass"] <= 10**9
    out = cli("lock", "list", "--wallet-name", "alice")
    assert str(NETUID) in out and hotkey[:6] in out
    assert chain.sm("LockingColdkeys", [NETUID, hotkey, alice]) is not None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-m", "e2e", "-v"]))
