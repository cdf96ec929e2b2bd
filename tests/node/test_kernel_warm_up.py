"""The Yuma kernels are loaded only when a subnet needs them, and then ahead of its epoch: a serving
node starts loading them in the background a few blocks before the first epoch too large for the
pure-Python path, so that epoch does not stall a block; a devnet whose subnets stay small never
loads numba at all."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from tensornet.consensus.yuma import SMALL_EPOCH_NEURONS
from tensornet.primitives.keys import keypair_from_uri


def _neurons(node, netuid: int) -> int:
    with node.query_runtime.at(node.store.state_at(None), node.head.number) as rt:
        return rt.pallets["SubtensorModule"].SubnetworkN.get(netuid)


def _due_in(node, netuid: int) -> int:
    with node.query_runtime.at(node.store.state_at(None), node.head.number) as rt:
        return rt.pallets["SubtensorModule"].next_epoch_start_block(netuid) - node.head.number


def test_kernels_load_ahead_of_the_first_large_epoch(node, tn):
    async def run() -> None:
        await node.start(serve_rpc=False)
        try:
            warm = node.kernel_warm_up
            node.seal_block()
            assert warm.thread is None  # netuid 1 has its owner only: the pure path serves it
            i = 0
            while _neurons(node, 1) <= SMALL_EPOCH_NEURONS:
                assert warm.thread is None
                hotkey = keypair_from_uri(f"//warm_up_hotkey_{i}").public
                node.submit(tn.signed(node, "SubtensorModule", "burned_register",
                                      {"netuid": 1, "hotkey": hotkey}, signer="Bob"))
                assert all(outcome.success for _, outcome in node.seal_block().applied)
                i += 1
            while _due_in(node, 1) > warm.ahead:
                assert warm.thread is None  # large now, but its epoch is still far
                node.seal_block()
            assert _due_in(node, 1) > 0 and warm.thread is not None and warm.thread.daemon
            await asyncio.to_thread(warm.thread.join, 120)
            assert not warm.thread.is_alive()
        finally:
            node._sealing_task.cancel()

    assert node.kernel_warm_up is None  # building a node (tests, tools) loads nothing
    asyncio.run(run())
    from tensornet.consensus import kernels
    assert kernels.epoch_sparse_kernel.signatures  # loaded, so the first large epoch only runs


SMALL_DEVNET_EPOCHS = """
import sys
from tensornet.testing import Chain
chain = Chain("test")
before = chain.read("SubtensorModule", "SubnetEpochIndex", 1)
chain.step_epochs(2, 1)
assert chain.read("SubtensorModule", "SubnetEpochIndex", 1) == before + 2
assert chain.read("SubtensorModule", "SubnetworkN", 1) == 1
print("numba" in sys.modules)
chain.close()
"""


def test_small_subnets_epochs_never_load_numba():
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    out = subprocess.run([sys.executable, "-c", SMALL_DEVNET_EPOCHS], capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
