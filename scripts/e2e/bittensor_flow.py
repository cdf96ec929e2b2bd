"""bittensor 11 (run inside .venv-bt): balance read and a transfer through ``Subtensor.execute``.

    .venv-bt/bin/python scripts/e2e/bittensor_flow.py ws://127.0.0.1:9944

Prints one JSON object of observations; tests/e2e/test_bittensor.py asserts on it.
"""
from __future__ import annotations

import json
import sys

import bittensor as bt
from bittensor.sp_core import Keypair


def main(url: str) -> dict:
    out: dict = {}
    alice, bob = Keypair.create_from_uri("//Alice"), Keypair.create_from_uri("//Bob")
    sub = bt.Subtensor(url)
    out["block"] = int(sub.block)
    before = sub.balances.get(bob.ss58_address)
    out["bob_before_rao"] = int(getattr(before, "rao", before))
    out["existential_deposit_rao"] = int(getattr(sub.balances.existential_deposit(), "rao", 0))
    result = sub.execute(bt.intents.Transfer(bob.ss58_address, 1.5), alice)
    out["success"] = bool(getattr(result, "success", False))
    fee = getattr(result, "fee", None)
    out["fee_rao"] = int(getattr(fee, "rao", fee or 0))
    after = sub.balances.get(bob.ss58_address)
    out["bob_after_rao"] = int(getattr(after, "rao", after))
    out["result"] = repr(result)[:500]
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1]), default=str))
