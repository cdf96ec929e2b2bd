"""Test driver for the dTAO tests: a manual-sealing node driven only by signed extrinsics.

``StakeNet`` seals one block per call and reports (success, error name, fee). Emission is off by
default (genesis TotalIssuance at the 21M cap, so the block emission is 0): pools then move only
because of the calls under test and expected values can be computed by hand. Reads go through the
query runtime at the head.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tensornet.chain.spec import preset
from tensornet.node.node import Node, NodeConfig
from tensornet.primitives.hashing import blake2_256
from tensornet.primitives.keys import dev_keypair, keypair_from_uri
from tensornet.runtime.signer import sign_extrinsic

from pool_refusals import PoolRefusals

TAO = 10**9
SUPPLY_CAP = 21_000_000 * TAO
SM = "SubtensorModule"


def key(name: str):
    """A dev key ("Alice") or a test key derived from ``//name`` ("hk1")."""
    try:
        return dev_keypair(name)
    except Exception:  # noqa: BLE001 - not a dev account name
        return keypair_from_uri(f"//{name}")


def acc(name_or_account) -> bytes:
    return name_or_account if isinstance(name_or_account, bytes) else key(name_or_account).public


@dataclass
class Outcome:
    success: bool
    error: str | None
    fee: int
    events: list[dict]


class StakeNet(PoolRefusals):
    def __init__(self, *, emission: bool = False, fund: dict[str, int] | None = None,
                 subtensor: dict[str, Any] | None = None) -> None:
        spec = preset("test")
        genesis = spec.genesis
        overrides = {"AdminFreezeWindow": 0, **(subtensor or {})}
        if not emission:
            overrides.setdefault("TotalIssuance", SUPPLY_CAP)
        self.quiet = not emission
        balances = list(genesis.balances) + [(key(n).ss58, v) for n, v in (fund or {}).items()]
        genesis = genesis.model_copy(update={"balances": balances, "subtensor": overrides})
        self.node = Node(NodeConfig(spec.model_copy(update={"genesis": genesis}), sealing="manual"))
        self.author = self.node.author

    def close(self) -> None:
        self.node.store.close()

    # --- writes ---------------------------------------------------------------------------------
    def ext(self, signer: str, pallet: str, call: str, args: dict, nonce: int | None = None) -> bytes:
        kp = key(signer)
        raw = self.node.runtime.encode_call(pallet, call, args)
        nonce = self.node.account_nonce(kp.public) if nonce is None else nonce
        return sign_extrinsic(self.node.runtime, raw, kp, nonce, self.node.genesis_hash)

    def call(self, signer: str, pallet: str, call: str, args: dict) -> Outcome:
        xt = self.ext(signer, pallet, call, args)
        self.node.submit(xt)
        built = self.node.seal_block()
        for applied, outcome in built.applied:
            if applied in (xt, blake2_256(xt)):
                err = outcome.error
                name = (err.name or (err.value if isinstance(err.value, str) else repr(err.value))) if err else None
                return Outcome(outcome.success, name, outcome.fee, self.events())
        raise AssertionError("extrinsic not included")

    def ok(self, signer: str, pallet: str, call: str, args: dict) -> Outcome:
        out = self.call(signer, pallet, call, args)
        assert out.success, f"{pallet}.{call} failed: {out.error}"
        return out

    def sm(self, signer: str, call: str, **args) -> Outcome:
        return self.call(signer, SM, call, args)

    def sudo(self, pallet: str, call: str, args: dict) -> Outcome:
        return self.ok("Alice", "Sudo", "sudo", {"call": {pallet: {call: args}}})

    def seal(self, n: int = 1) -> None:
        self.node.seal_blocks(n)

    @property
    def block(self) -> int:
        return self.node.head.number

    # --- reads ----------------------------------------------------------------------------------
    @contextmanager
    def state(self) -> Iterator[Any]:
        with self.node.query_runtime.at(self.node.store.state_at(None), self.node.head.number) as rt:
            yield rt

    def get(self, item: str, *keys: Any, pallet: str = SM) -> Any:
        with self.state() as rt:
            return getattr(rt.pallets[pallet], item).get(*keys)

    def free(self, who) -> int:
        with self.state() as rt:
            return rt.pallets["System"].Account.get(acc(who))["data"]["free"]

    def stake(self, hotkey, coldkey, netuid: int) -> int:
        with self.state() as rt:
            return rt.pallets[SM].get_stake_for_hotkey_and_coldkey_on_subnet(acc(hotkey), acc(coldkey), netuid)

    def subnet_account(self, netuid: int) -> bytes:
        with self.state() as rt:
            return rt.pallets[SM].get_subnet_account_id(netuid)

    def events(self) -> list[dict]:
        with self.state() as rt:
            raw = rt.env.state.get(rt.events_item.key())
            records = rt.events_item.value_type.decode_all(raw) if raw else []
        out = []
        for rec in records:
            (pallet, inner), = rec["event"].items()
            name, fields = next(iter(inner.items())) if isinstance(inner, dict) else (inner, None)
            out.append({"pallet": pallet, "name": name, "fields": fields})
        return out

    def sm_events(self, name: str) -> list:
        return [e["fields"] for e in self.events() if e["pallet"] == SM and e["name"] == name]

    # --- scenarios ------------------------------------------------------------------------------
    def subnet(self, owner: str = "Alice", hotkey: str = "owner_hk", start: bool = True) -> int:
        """register_network (+ start_call). Without emission the tempo is set to 50_000 so no epoch
        pays dividends into the stakes under test."""
        self.ok(owner, SM, "register_network", {"hotkey": acc(hotkey)})
        netuid = self.sm_events("NetworkAdded")[-1][0]
        if self.quiet:
            self.sudo("AdminUtils", "sudo_set_tempo", {"netuid": netuid, "tempo": 50_000})
        if start:
            self.ok(owner, SM, "start_call", {"netuid": netuid})
        return netuid


@contextmanager
def subnet_net(**kw: Any) -> Iterator[StakeNet]:
    """A StakeNet (``kw`` as its constructor's) with one started subnet, ``net.netuid``; closed after."""
    net = StakeNet(**kw)
    net.netuid = net.subnet()
    try:
        yield net
    finally:
        net.close()
