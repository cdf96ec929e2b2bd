"""``tnet node`` / ``tnet devnet`` as a user runs them: SIGTERM stops cleanly and keeps every block."""
from __future__ import annotations

import signal
import time

from tensornet.primitives.keys import dev_keypair


def _wait_number(proc, n: int, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        head = int(proc.rpc("chain_getHeader")["number"], 16)
        if head >= n:
            return head
        time.sleep(0.05)
    raise TimeoutError(f"no block #{n}")


def test_devnet_sigterm_flushes_and_restart_resumes(tmp_path, tn):
    d = str(tmp_path / "devnet")
    port = tn.free_port()
    args = [tn.PYTHON, "-m", "tensornet.cli.main", "devnet", "--base-path", d, "--sealing", "100",
            "--rpc-port", str(port)]
    proc = tn.TnetProcess(args, port).start()
    _wait_number(proc, 3)
    proc.proc.send_signal(signal.SIGTERM)
    assert proc.proc.wait(20) == 0
    last = None
    again = tn.TnetProcess(args[:-4] + ["--sealing", "manual", "--rpc-port", str(port)], port).start()
    try:
        head = int(again.rpc("chain_getHeader")["number"], 16)
        assert head >= 3
        last = again.rpc("chain_getBlockHash", [head])
        assert again.rpc("chain_getBlock", [last])["block"]["header"]["number"] == hex(head)
    finally:
        assert again.terminate() == 0


def test_node_serves_real_clients_and_transfers(tmp_path, tn):
    from substrateinterface import Keypair, SubstrateInterface

    proc = tn.TnetProcess.node(str(tmp_path / "db"), sealing="instant").start()
    try:
        s = SubstrateInterface(url=proc.url)
        alice = Keypair.create_from_uri("//Alice")
        call = s.compose_call("Balances", "transfer_keep_alive",
                              {"dest": dev_keypair("Bob").ss58, "value": 10**9})
        rec = s.submit_extrinsic(s.create_signed_extrinsic(call, alice), wait_for_inclusion=True)
        assert rec.is_success
        s.close()
    finally:
        assert proc.terminate() == 0
