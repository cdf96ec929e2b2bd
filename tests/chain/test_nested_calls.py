"""Calls nested in calls (Utility batches, Proxy, Sudo): weighing them costs time linear in their size,
and an extrinsic nested deeper than Substrate's MAX_EXTRINSIC_DEPTH (256) is refused as malformed
before anything else looks at it, so a tiny extrinsic can neither stall nor crash the node."""
from __future__ import annotations

import pytest

from tensornet.primitives.keys import dev_keypair
from tensornet.runtime.apis import ApiCallFailed
from tensornet.runtime.dispatch import DB_READ, Weight
from tensornet.runtime.extrinsic import MalformedExtrinsic
from tensornet.runtime.signer import sign_extrinsic

BATCH = (11, 0)  # Utility.batch
REMARK_WEIGHT = 2_119_000  # System.remark of one byte: 2_119_000 + 390 per byte


def nested_batch(node, depth: int) -> bytes:
    """The call bytes of ``depth`` batches, each holding the next, around ``System.remark(b"x")``:
    built by hand (3 bytes a level) as a client could, whatever our encoder would say."""
    inner = node.runtime.encode_call("System", "remark", {"remark": b"x"})
    return bytes([*BATCH, 4]) * depth + inner


def signed(node, call_bytes: bytes, nonce: int = 0) -> bytes:
    return sign_extrinsic(node.runtime, call_bytes, dev_keypair("Alice"), nonce, node.genesis_hash)


def test_a_deep_batch_is_weighed_in_linear_time(node):
    """Before, a batch's weight, class and pays each re-weighed its inner calls: 3^depth work, so an
    extrinsic of about 100 bytes stalled the node. (The suite's timeout catches a regression.)"""
    depth = 50
    call = node.runtime.decode_call(nested_batch(node, depth))
    info = node.runtime.call_info(call)
    per_level = Weight(19_446_696 + 5_450_264 + 2 * DB_READ, 3983)  # batch(1): one call's overhead
    expected = Weight(REMARK_WEIGHT + 390)
    for _ in range(depth):
        expected = expected + per_level
    assert info.weight == expected and info.pays_fee == "Yes"
    node.submit(signed(node, nested_batch(node, depth)))  # admitted: deep, but within the limit


@pytest.mark.parametrize("depth", [64, 300, 100_000])
def test_a_call_nested_beyond_the_limit_is_refused_and_the_node_goes_on(node, tn, depth):
    with pytest.raises(MalformedExtrinsic, match="nested deeper than 256"):
        node.submit(signed(node, nested_batch(node, depth)))
    bob = dev_keypair("Bob").public
    node.submit(tn.transfer(node, "Alice", bob, 10**9, nonce=0))
    built = node.seal_block()
    assert [outcome.success for _, outcome in built.applied] == [True]


def test_a_runtime_api_refuses_an_over_deep_call_argument(node):
    call = nested_batch(node, 100_000)
    args = call + (100).to_bytes(4, "little")
    with pytest.raises(ApiCallFailed, match="nested deeper than 256"):
        node.call_api("TransactionPaymentCallApi_query_call_info", args)
