"""`tnet devnet` options: --fund WALLET[=TAO], --subnet N, --allow-loopback-axons, the banner."""
from __future__ import annotations

from pathlib import Path

from cli_helpers import Devnet, run, run_json


def test_fund_subnets_loopback_and_banner(tn, tmp_path):
    wallets = str(tmp_path / "wallets")
    for name in ("alpha", "beta"):
        res = run("wallet", "create", "-w", name, "--wallet.path", wallets, "--no-password", "--json")
        assert res.returncode == 0, res.stderr
    d = Devnet(tn.TnetProcess, tn.free_port, extra=[
        "--preset", "fast", "--sealing", "manual", "--fund", "alpha=12.5", "--fund", "beta",
        "--wallet.path", wallets, "--subnet", "2", "--allow-loopback-axons"])
    d.proc.log_path = str(tmp_path / "devnet.log")
    d.proc.start(timeout=120)
    try:
        rows = run_json("balance", "alpha", "beta", "--wallet.path", wallets, url=d.url)
        assert [r["free_rao"] for r in rows] == [12_500_000_000, 1_000_000 * 10**9]
        subnets = {s["netuid"]: s for s in run_json("subnet", "list", url=d.url)}
        assert all(subnets[n]["started"] and subnets[n]["commit_reveal"] is False for n in (1, 2))
        banner = Path(d.proc.log_path).read_text()
        for text in ("wallet alpha", "12.5", "Subnets ready", "loopback axons allowed", "tnet chain advance"):
            assert text in banner, text
    finally:
        d.proc.terminate()


def test_bad_devnet_options_are_one_line(tmp_path):
    for args, fragment in ((["--fund", "nosuch", "--wallet.path", str(tmp_path)], "no wallet 'nosuch'"),
                           (["--fund", "//Bob=abc"], "not a number"),
                           (["--purge"], "--purge needs --base-path"),
                           (["--sealing", "sometimes"], "--sealing")):
        res = run("devnet", "--rpc-port", "0", *args, timeout=60)
        lines = [line for line in res.stderr.splitlines() if line.strip()]
        assert res.returncode != 0 and len(lines) == 1 and fragment in lines[0], res.stderr
