"""``payment_*``: fee estimates for an encoded extrinsic (used when ``state_call`` is not advertised)."""
from __future__ import annotations

from tensornet.primitives.scale import U32
from tensornet.rpc.errors import RpcError
from tensornet.rpc.params import parse_hash, parse_hex, unknown_block
from tensornet.rpc.registry import MethodRegistry
from tensornet.runtime.apis import ApiCallFailed
from tensornet.chain.runtime_apis import FEE_DETAILS, RUNTIME_DISPATCH_INFO


def register(registry: MethodRegistry, node) -> None:
    def run(api: str, extrinsic, block_hash):
        raw = parse_hex(extrinsic, "extrinsic")
        h = parse_hash(block_hash)
        if h is not None and node.store.header(h) is None:
            raise unknown_block(h)
        try:
            return node.call_api(api, raw + U32.encode(len(raw)), h)
        except (ApiCallFailed, ValueError) as exc:
            raise RpcError(1002, "Runtime error", str(exc)) from None

    @registry.method("payment_queryInfo")
    def query_info(ctx, extrinsic, block_hash=None):
        info = RUNTIME_DISPATCH_INFO.decode_all(run("TransactionPaymentApi_query_info", extrinsic, block_hash))
        return {"weight": {"ref_time": info["weight"]["ref_time"], "proof_size": info["weight"]["proof_size"]},
                "class": info["class"].lower(), "partialFee": str(info["partial_fee"])}

    @registry.method("payment_queryFeeDetails")
    def query_fee_details(ctx, extrinsic, block_hash=None):
        details = FEE_DETAILS.decode_all(run("TransactionPaymentApi_query_fee_details", extrinsic, block_hash))
        fee = details["inclusion_fee"]
        return {"inclusionFee": None if fee is None else {
            "baseFee": hex(fee["base_fee"]), "lenFee": hex(fee["len_fee"]),
            "adjustedWeightFee": hex(fee["adjusted_weight_fee"])}, "tip": hex(details["tip"])}
