"""`tnet proxy` and `tnet stake … --proxy`: Alice lets Bob stake for her; Bob's stake lands on Alice's
coldkey; a call outside the proxy type is reported as the chain's CallFiltered, with exit status 1.
`tnet stake lock`: the lock shows in `tnet stake list`, and unstaking it fails with StakeUnavailable."""
from __future__ import annotations

import json

import pytest
from cli_helpers import Devnet, run, run_json

ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
BOB = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
NETUID = 2


@pytest.fixture(scope="module")
def net(tn, tmp_path_factory):
    d = Devnet(tn.TnetProcess, tn.free_port, extra=["--sealing", "instant", "--subnet", "2"])
    d.proc.log_path = str(tmp_path_factory.mktemp("proxy") / "devnet.log")
    d.proc.start(timeout=120)
    yield d
    d.proc.terminate()


def owner_hotkey(net) -> str:
    from substrateinterface import SubstrateInterface

    return SubstrateInterface(net.url).query("SubtensorModule", "SubnetOwnerHotkey", [NETUID]).value


def test_a_staking_proxy_stakes_for_the_coldkey_and_nothing_else(net):
    added = run_json("proxy", "add", "//Bob", "--type", "Staking", "--uri", "//Alice", "--yes", url=net.url)
    assert added["success"] and any(e["name"] == "ProxyAdded" for e in added["events"])
    listed = run_json("proxy", "list", "//Alice", url=net.url)
    assert listed == {"account": ALICE, "deposit_rao": 93_000_000,
                      "proxies": [{"delegate": BOB, "proxy_type": "Staking", "delay": 0}]}

    hotkey = owner_hotkey(net)
    staked = run_json("stake", "add", str(NETUID), "5", "--hotkey", hotkey, "--proxy", "//Alice", "--uri", "//Bob",
                      "--yes", url=net.url)
    assert staked["success"]
    added_events = [e["attributes"] for e in staked["events"] if e["name"] == "StakeAdded"]
    assert added_events and added_events[0][0] == ALICE  # the coldkey that staked is Alice, not Bob

    # transfer_stake is not a Staking proxy's call: the extrinsic is included, the call filtered
    res = run("stake", "transfer", str(NETUID), str(NETUID), "1", "--dest", "//Bob", "--hotkey", hotkey,
              "--proxy", "//Alice", "--uri", "//Bob", "--yes", "--json", url=net.url)
    receipt = json.loads(res.stdout)
    assert res.returncode == 1 and receipt["error"]["name"] == "CallFiltered"
    assert receipt["error"]["via"] == "Proxy.proxy"

    removed = run_json("proxy", "remove", "//Bob", "--type", "Staking", "--uri", "//Alice", "--yes", url=net.url)
    assert removed["success"]
    assert run_json("proxy", "list", "//Alice", url=net.url)["proxies"] == []


def test_stake_lock_then_list_shows_it_and_unstaking_it_fails(net):
    hotkey = owner_hotkey(net)
    assert run_json("stake", "add", str(NETUID), "3", "--hotkey", hotkey, "--uri", "//Charlie", "--yes",
                    url=net.url)["success"]
    locked = run_json("stake", "lock", str(NETUID), "1", "--hotkey", hotkey, "--uri", "//Charlie", "--yes",
                      url=net.url)
    assert locked["success"] and any(e["name"] == "StakeLocked" for e in locked["events"])
    listed = run_json("stake", "list", "//Charlie", url=net.url)
    (row,) = listed["locks"]
    stake = sum(s["stake_alpha_rao"] for s in listed["stakes"] if s["netuid"] == NETUID)
    assert row["netuid"] == NETUID and 0.99 * 10**9 < row["locked_rao"] <= 10**9
    assert row["available_rao"] == stake - row["locked_rao"]
    res = run("stake", "remove", str(NETUID), str(stake / 10**9), "--hotkey", hotkey, "--uri", "//Charlie", "--yes",
              "--json", url=net.url)
    assert res.returncode == 1 and json.loads(res.stdout)["error"]["name"] == "StakeUnavailable"
