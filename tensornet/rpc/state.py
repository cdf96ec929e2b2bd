"""``state_*``: storage reads at any kept block, keys paging, metadata, runtime calls, proofs and
storage / runtime-version subscriptions."""
from __future__ import annotations

from typing import Any

from tensornet.primitives.hashing import blake2_256
from tensornet.rpc.chain import _listen
from tensornet.rpc.errors import RpcError
from tensornet.rpc.params import parse_count, parse_hash, parse_hex, to_hex, unknown_block
from tensornet.rpc.registry import MethodRegistry
from tensornet.runtime.apis import ApiCallFailed, ApiNotFound
from tensornet.storage.trie import read_proof

MAX_QUERY_KEYS = 1000
MAX_QUERY_RANGE = 10_000


def register(registry: MethodRegistry, node) -> None:
    store = node.store

    def state(block_hash: Any):
        h = parse_hash(block_hash)
        st = store.state_at(h)
        if st is None:
            raise unknown_block(h)  # type: ignore[arg-type]
        return st

    def keys_param(keys: Any) -> list[bytes]:
        if not isinstance(keys, list):
            raise RpcError.invalid_params("keys: expected a list of hex keys")
        if len(keys) > MAX_QUERY_KEYS:
            raise RpcError.invalid_params(f"keys: at most {MAX_QUERY_KEYS} keys per query")
        return [parse_hex(k, "key") for k in keys]

    @registry.method("state_getStorage", aliases=("state_getStorageAt",))
    def get_storage(ctx, key, block_hash=None):
        return to_hex(state(block_hash).get(parse_hex(key, "key")))

    @registry.method("state_getStorageHash", aliases=("state_getStorageHashAt",))
    def get_storage_hash(ctx, key, block_hash=None):
        value = state(block_hash).get(parse_hex(key, "key"))
        return None if value is None else to_hex(blake2_256(value))

    @registry.method("state_getStorageSize", aliases=("state_getStorageSizeAt",))
    def get_storage_size(ctx, key, block_hash=None):
        value = state(block_hash).get(parse_hex(key, "key"))
        return None if value is None else len(value)

    @registry.method("state_getKeysPaged", aliases=("state_getKeysPagedAt",))
    def get_keys_paged(ctx, prefix, count, start_key=None, block_hash=None):
        pfx = parse_hex(prefix, "prefix") if prefix is not None else b""
        n = parse_count(count)
        start = parse_hex(start_key, "startKey") if start_key is not None else None
        out = []
        if n == 0:
            return out
        for key, _ in state(block_hash).iterate(pfx, start):
            if start is not None and key <= start:
                continue
            out.append(to_hex(key))
            if len(out) >= n:
                break
        return out

    @registry.method("state_getKeys")
    def get_keys(ctx, prefix, block_hash=None):
        """Every key under a prefix (deprecated in Substrate, still used by async-substrate-interface's
        ``query_map(fully_exhaust=True)``, e.g. btcli's ``subnets list``)."""
        pfx = parse_hex(prefix, "prefix") if prefix is not None else b""
        return [to_hex(key) for key, _ in state(block_hash).iterate(pfx, None)]

    @registry.method("state_queryStorageAt")
    def query_storage_at(ctx, keys, block_hash=None):
        h = parse_hash(block_hash) or store.head_hash
        st = state(to_hex(h))
        changes = [[to_hex(k), to_hex(st.get(k))] for k in keys_param(keys)]
        return [{"block": to_hex(h), "changes": changes}]

    @registry.method("state_queryStorage")
    def query_storage(ctx, keys, from_block, to_block=None):
        ks = keys_param(keys)
        start_h = parse_hash(from_block)
        end_h = parse_hash(to_block) or store.head_hash
        start, end = store.header(start_h), store.header(end_h)
        if start is None:
            raise unknown_block(start_h)
        if end is None:
            raise unknown_block(end_h)
        if end.number < start.number:
            raise RpcError.invalid_params("the 'from' block is after the 'to' block")
        if end.number - start.number > MAX_QUERY_RANGE:
            raise RpcError.invalid_params(f"at most {MAX_QUERY_RANGE} blocks per query")
        result = []
        last: dict[bytes, bytes | None] = {}
        for n in range(start.number, end.number + 1):
            h = store.hash_of(n)
            st = store.state_at(h)
            changes = []
            for k in ks:
                v = st.get(k)
                if n == start.number or last.get(k) != v:
                    changes.append([to_hex(k), to_hex(v)])
                last[k] = v
            if changes:
                result.append({"block": to_hex(h), "changes": changes})
        return result

    @registry.method("state_getMetadata")
    def get_metadata(ctx, block_hash=None):
        state(block_hash)
        return to_hex(node.metadata.v14())

    @registry.method("state_getRuntimeVersion", aliases=("chain_getRuntimeVersion",))
    def get_runtime_version(ctx, block_hash=None):
        state(block_hash)
        return runtime_version_json(node)

    @registry.method("state_call", aliases=("state_callAt",))
    def call(ctx, name, data, block_hash=None):
        if not isinstance(name, str):
            raise RpcError.invalid_params("method: expected a string")
        args = parse_hex(data, "data") if data not in (None, "") else b""
        h = parse_hash(block_hash)
        if h is not None and store.header(h) is None:
            raise unknown_block(h)
        try:
            return to_hex(node.call_api(name, args, h))
        except ApiNotFound:
            raise RpcError(4003, f"Client error: Execution failed: Other: Exported method {name} is not found") from None
        except ApiCallFailed as exc:
            raise RpcError(4003, f"Client error: Execution failed: {exc}") from None
        except ValueError as exc:
            raise RpcError(4003, f"Client error: Execution failed: Runtime panicked: {exc}") from None

    @registry.method("state_getReadProof")
    def get_read_proof(ctx, keys, block_hash=None):
        h = parse_hash(block_hash) or store.head_hash
        header = store.header(h)
        if header is None:
            raise unknown_block(h)
        proof = read_proof(header.state_root, keys_param(keys), store.nodes)
        return {"at": to_hex(h), "proof": [to_hex(p) for p in proof]}

    @registry.subscription("state_subscribeStorage", "state_unsubscribeStorage", "state_storage")
    def subscribe_storage(ctx, sub, keys=None):
        watched = keys_param(keys) if keys is not None else None
        if watched is not None:
            st = store.state_at(None)
            sub.send({"block": to_hex(store.head_hash), "changes": [[to_hex(k), to_hex(st.get(k))] for k in watched]})

        def on_block(built) -> None:
            changed = built.changes
            if watched is None:
                items = [[to_hex(k), to_hex(v)] for k, v in changed.items()]
            else:
                items = [[to_hex(k), to_hex(changed[k])] for k in watched if k in changed]
            if items:
                sub.send({"block": to_hex(built.hash), "changes": items})
        _listen(node, sub, on_block)

    @registry.subscription("state_subscribeRuntimeVersion", "state_unsubscribeRuntimeVersion", "state_runtimeVersion",
                           aliases=("chain_subscribeRuntimeVersion",),
                           unsubscribe_aliases=("chain_unsubscribeRuntimeVersion",))
    def subscribe_runtime_version(ctx, sub):
        sub.send(runtime_version_json(node))


def runtime_version_json(node) -> dict:
    v = node.query_runtime.version_value()
    return {"specName": v["spec_name"], "implName": v["impl_name"], "authoringVersion": v["authoring_version"],
            "specVersion": v["spec_version"], "implVersion": v["impl_version"],
            "apis": [["0x" + api_id.hex(), ver] for api_id, ver in v["apis"]],
            "transactionVersion": v["transaction_version"], "systemVersion": v["system_version"],
            "stateVersion": 1}
