"""`tnet` basics in the default suite: reads, funding, a transfer, time control, snapshot/revert,
bad input as one line with nothing sent, and the start-up cost of `tnet --help` and a read."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from cli_helpers import REPO, TNET, Devnet, run, run_json

ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
BOB = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"


@pytest.fixture(scope="module")
def net(tn, tmp_path_factory):
    d = Devnet(tn.TnetProcess, tn.free_port, extra=["--sealing", "manual"])
    d.proc.log_path = str(tmp_path_factory.mktemp("basics") / "devnet.log")
    d.proc.start(timeout=120)
    yield d
    d.proc.terminate()


def head(net) -> int:
    return int(net.rpc("chain_getHeader")["number"], 16)


def test_balance_json_and_table(net):
    rows = run_json("balance", "//Alice", "bob", BOB, url=net.url)
    assert [r["address"] for r in rows] == [ALICE, BOB, BOB]
    assert rows[0]["free_rao"] == 10**15 and rows[0]["free"] == "1000000"
    table = run("balance", "//Alice", url=net.url)
    assert table.returncode == 0 and ALICE in table.stdout and "1,000,000" in table.stdout


def test_fund_adds_or_sets_exactly(net):
    out = run_json("fund", "//Dave", "0.000000001", url=net.url)
    assert out["free_rao"] == out["before_rao"] + 1
    out = run_json("fund", "//Dave", "12.5", "--set", url=net.url)
    assert out["free_rao"] == 12_500_000_000


def test_advance_snapshot_revert(net):
    before = run_json("balance", "//Alice", "//Bob", url=net.url)
    snap = run_json("chain", "snapshot", url=net.url)
    # two chunks (50 + 10) behind a progress bar; short of block 99, subnet 1's first epoch, so a
    # cold numba cache (a fresh CI clone) is not compiled here
    adv = run_json("chain", "advance", "--blocks", "60", url=net.url)
    assert adv["head"] == snap["block_number"] + 60
    run("fund", "//Bob", "1", "--set", url=net.url)
    out = run_json("chain", "revert", snap["id"], url=net.url)
    assert out == {"removed": 61, "head": snap["block_number"], "hash": snap["id"]}
    assert run_json("balance", "//Alice", "//Bob", url=net.url) == before


def test_transfer_in_manual_mode_reports_fee_and_events(net):
    import threading

    # manual sealing: seal from another thread once the transfer waits in the pool
    def seal_when_pending() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if net.rpc("author_pendingExtrinsics"):
                net.rpc("dev_newBlock", [1])
                return
            time.sleep(0.05)

    sealer = threading.Thread(target=seal_when_pending, daemon=True)
    sealer.start()
    res = run("transfer", "--uri", "//Alice", BOB, "1.000000001", "--yes", "--json", url=net.url)
    sealer.join(5)
    assert res.returncode == 0, res.stderr
    receipt = json.loads(res.stdout)
    assert receipt["success"] and receipt["fee_rao"] > 0
    names = [(e["pallet"], e["name"]) for e in receipt["events"]]
    assert ("Balances", "Transfer") in names and ("TransactionPayment", "TransactionFeePaid") in names


@pytest.mark.parametrize("args,fragment", [
    (["transfer", "--uri", "//Alice", BOB, "-5", "--yes"], "negative"),
    (["transfer", "--uri", "//Alice", BOB, "ten", "--yes"], "not a number of TAO"),
    (["transfer", "--uri", "//Alice", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQX", "1", "--yes"], "SS58"),
    (["transfer", "-w", "nosuchwallet", "--wallet.path", "/nonexistent", BOB, "1", "--yes"], "no wallet"),
    (["fund", "nosuchwallet", "1", "--wallet.path", "/nonexistent"], "no wallet"),
    (["balance", "//Alice", "--url", "ws://127.0.0.1:9"], "cannot reach a node"),
    (["chain", "revert", "abc"], "snapshot id"),
    (["chain", "advance"], "--blocks"),
    (["subnet", "set", "1", "no_such_param", "1", "--uri", "//Alice"], "unknown parameter"),
    (["metagraph", "77"], "does not exist"),
    (["weights", "set", "1", "--uids", "1,2", "--weights", "1", "--uri", "//Alice"], "2 uids but 1 weights"),
])
def test_bad_input_is_one_line_nothing_sent(net, args, fragment):
    before = head(net)
    url = [] if "--url" in args else ["--url", net.url]
    res = subprocess.run([TNET, *args, *url], capture_output=True, text=True, timeout=60, check=False, cwd=str(REPO))
    assert res.returncode != 0
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0], res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    assert head(net) == before and not net.rpc("author_pendingExtrinsics")


def test_help_and_a_read_are_quick_and_skip_numba(net, capsys):
    """Figures for the report: `tnet --help` and `tnet balance` wall time (not asserted: shared CI
    machines vary); what is asserted is that neither path imports numba, numpy or substrate-interface."""
    probe = ("import sys, runpy; sys.argv = ['tnet'] + sys.argv[1:]\n"
             "try:\n    runpy.run_module('tensornet.cli.main', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "bad = [m for m in ('numba', 'numpy', 'substrateinterface') if m in sys.modules]\n"
             "sys.stderr.write('HEAVY=' + ','.join(bad))\n")
    for args in (["--help"], ["balance", "//Alice", "--url", net.url]):
        res = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60, check=False)
        assert res.stderr.strip().endswith("HEAVY="), res.stderr
    figures = {}
    for label, args in (("tnet --help", ["--help"]), ("tnet balance", ["balance", "//Alice", "--url", net.url])):
        best = min(_timed([TNET, *args]) for _ in range(3))
        figures[label] = best
    with capsys.disabled():
        print("\n" + "  ".join(f"{k}: {v * 1000:.0f} ms" for k, v in figures.items()))


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, timeout=60, check=True)
    return time.perf_counter() - start


def test_wrong_password_and_unknown_hotkey_send_nothing(net, tmp_path):
    wallets = str(tmp_path / "wallets")
    made = run("wallet", "create", "-w", "locked", "--wallet.path", wallets, "--json",
               env={"TNET_WALLET_PASSWORD": "right password"})
    assert made.returncode == 0, made.stderr
    before = head(net)
    wrong = run("transfer", "-w", "locked", "--wallet.path", wallets, BOB, "1", "--yes", url=net.url,
                env={"TNET_WALLET_PASSWORD": "wrong password"})
    unknown = run("register", "1", "-w", "locked", "-H", "nosuch", "--wallet.path", wallets, "--yes", url=net.url)
    for res, fragment in ((wrong, "password"), (unknown, "nosuch")):
        lines = [line for line in res.stderr.splitlines() if line.strip()]
        assert res.returncode == 1 and len(lines) == 1 and fragment in lines[0], res.stderr
    assert head(net) == before and not net.rpc("author_pendingExtrinsics")


def test_set_time_accepts_iso_and_ms(net):
    assert run_json("chain", "set-time", "2031-01-01T00:00:00Z", url=net.url) == {"next_timestamp_ms": 1924992000000}
    out = run_json("chain", "set-time", "1924992060000", url=net.url)
    assert out["next_timestamp_ms"] == 1924992060000
