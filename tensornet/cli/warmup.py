"""Fill numba's on-disk cache (``NUMBA_CACHE_DIR``) ahead of time: ``python -m tensornet.cli.warmup``.

The Docker image runs this at build time so a container's first epoch does not pay the JIT compile
(seconds on a small machine). It compiles the Yuma kernels, then runs a subnet through two epochs
on an in-memory chain so the block-step paths are compiled too.
"""
from __future__ import annotations

import os
import time


def main() -> None:
    started = time.perf_counter()
    from tensornet.consensus.yuma import warm_up

    warm_up()
    from tensornet.testing import Chain

    chain = Chain("test")
    try:
        netuid = chain.tools.ensure_subnets(1)[-1]
        validator = chain.register_ok_neuron(netuid, "//warmup_validator", "//warmup_owner")
        chain.register_ok_neuron(netuid, "//warmup_miner", "//warmup_owner")
        chain.increase_stake_on_coldkey_hotkey_account("//warmup_owner", "//warmup_validator", 10**12, netuid)
        chain.step_epochs(2, netuid)
        assert validator is not None
    finally:
        chain.close()
    where = os.environ.get("NUMBA_CACHE_DIR", "numba's default (__pycache__)")
    print(f"numba cache warmed in {time.perf_counter() - started:.1f} s at {where}")


if __name__ == "__main__":
    main()
