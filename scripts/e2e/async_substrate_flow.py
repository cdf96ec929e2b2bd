"""The issue-3 client flow with async-substrate-interface (run inside .venv-async, which has cyscale).

    .venv-async/bin/python scripts/e2e/async_substrate_flow.py ws://127.0.0.1:9944

Prints one JSON object of observations; tests/e2e/test_async_substrate.py asserts on it.
"""
from __future__ import annotations

import asyncio
import json
import sys

from async_substrate_interface import AsyncSubstrateInterface
from async_substrate_interface.errors import SubstrateRequestException
from bittensor_wallet import Keypair

TAO = 10**9


async def main(url: str) -> dict:
    out: dict = {}
    alice, bob, charlie = (Keypair.create_from_uri(f"//{n}") for n in ("Alice", "Bob", "Charlie"))
    async with AsyncSubstrateInterface(url, ss58_format=42) as s:
        out["chain"] = await s.rpc_request("system_chain", [])
        acct = await s.query("System", "Account", [alice.ss58_address])
        out["alice_free"] = acct.value["data"]["free"]
        pages = await s.query_map("System", "Account", page_size=2)
        seen = [k async for k, _ in pages]
        out["accounts"] = len(seen)
        head = await s.get_block_header()
        out["head_number"] = head["header"]["number"]

        call = await s.compose_call("Balances", "transfer_keep_alive", {"dest": bob.ss58_address, "value": TAO})
        xt = await s.create_signed_extrinsic(call=call, keypair=alice)
        rec = await s.submit_extrinsic(xt, wait_for_inclusion=True)
        out["transfer_success"] = await rec.is_success
        out["transfer_fee"] = await rec.total_fee_amount
        out["transfer_events"] = [e["event"]["event_id"] for e in await rec.triggered_events]
        block = await s.get_block(rec.block_hash)
        out["block_calls"] = [x.value["call"]["call_module"] + "." + x.value["call"]["call_function"]
                              for x in block["extrinsics"]]

        xt = await s.create_signed_extrinsic(call=call, keypair=charlie, era={"period": 64})
        rec = await s.submit_extrinsic(xt, wait_for_finalization=True)
        out["mortal_success"] = await rec.is_success

        sudo = await s.compose_call("Sudo", "sudo", {"call": await s.compose_call(
            "Balances", "force_set_balance", {"who": bob.ss58_address, "new_free": 1})})
        xt = await s.create_signed_extrinsic(call=sudo, keypair=bob)
        rec = await s.submit_extrinsic(xt, wait_for_inclusion=True)
        out["sudo_by_bob_success"] = await rec.is_success
        err = await rec.error_message
        out["sudo_by_bob_error"] = err["name"] if err else None

        events = await s.get_events(rec.block_hash)
        out["events_in_block"] = len(events)

        poor = Keypair.create_from_uri("//NoMoney")
        xt = await s.create_signed_extrinsic(call=call, keypair=poor)
        try:
            await s.submit_extrinsic(xt, wait_for_inclusion=True)
            out["invalid_rejected"] = None
        except SubstrateRequestException as exc:
            out["invalid_rejected"] = str(exc)

        nonce = await s.runtime_call("AccountNonceApi", "account_nonce", [alice.ss58_address])
        out["runtime_call_nonce"] = getattr(nonce, "value", nonce)
        out["next_index"] = await s.get_account_next_index(alice.ss58_address)
        fee = await s.get_payment_info(call, alice)
        out["payment_info_fee"] = fee["partial_fee"]

        # Proxy: Charlie lets Bob transfer for him; Bob's Proxy.proxy moves Charlie's TAO, a staking
        # call through the same delegation is filtered; the filter API says why
        add = await s.compose_call("Proxy", "add_proxy", {"delegate": bob.ss58_address, "proxy_type": "Transfer",
                                                          "delay": 0})
        rec = await s.submit_extrinsic(await s.create_signed_extrinsic(add, charlie), wait_for_inclusion=True)
        out["proxy_added"] = [e["event"]["event_id"] for e in await rec.triggered_events
                              if e["event"]["module_id"] == "Proxy"]
        out["proxies"] = str((await s.query("Proxy", "Proxies", [charlie.ss58_address])).value)
        inner = await s.compose_call("Balances", "transfer_keep_alive", {"dest": alice.ss58_address, "value": TAO})
        for name, call in (("transfer", inner), ("stake", await s.compose_call(
                "SubtensorModule", "add_stake", {"hotkey": alice.ss58_address, "netuid": 1, "amount_staked": TAO}))):
            proxied = await s.compose_call("Proxy", "proxy", {"real": charlie.ss58_address, "force_proxy_type": None,
                                                              "call": call})
            rec = await s.submit_extrinsic(await s.create_signed_extrinsic(proxied, bob), wait_for_inclusion=True)
            executed = [e["event"]["attributes"] for e in await rec.triggered_events
                        if e["event"]["event_id"] == "ProxyExecuted"]
            out[f"proxy_{name}"] = str(executed[0])
        filters = await s.runtime_call("ProxyFilterRuntimeApi", "get_proxy_filter", [10])
        out["transfer_filter"] = [c["call_name"] for c in getattr(filters, "value", filters)[0]["calls"]]

        heads: list[int] = []

        async def on_head(obj, *_):
            heads.append(obj["header"]["number"])
            if len(heads) >= 3:
                return heads

        async with AsyncSubstrateInterface(url, ss58_format=42) as sub:  # the node seals on an interval
            out["heads"] = await asyncio.wait_for(sub.subscribe_block_headers(on_head), 30)
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1])), default=str))
