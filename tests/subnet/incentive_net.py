"""A small driver for incentive-engine tests: a manual-sealing node, signed extrinsics, reads.

Every state change goes through signed extrinsics (``Net.call``) or sudo (``Net.sudo``); reads use
the query runtime at the head. Subnets are created with SubtensorModule.register_network +
start_call; ``Net.subnet`` then sets the devnet conveniences through AdminUtils (commit-reveal off,
emission enabled, weights rate limit 0) unless asked otherwise.
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


def key(name: str):
    """Dev keys by name; ``"x_hk"``-style names derive ``//x_hk``."""
    try:
        return dev_keypair(name)
    except Exception:  # noqa: BLE001 - not a dev name: a derived test key
        return keypair_from_uri(f"//{name}")


@dataclass
class Outcome:
    success: bool
    error: str | None
    fee: int


class Net(PoolRefusals):
    def __init__(self, spec=None, fund: dict[str, int] | None = None) -> None:
        spec = spec or preset("test")
        if fund:
            balances = list(spec.genesis.balances) + [(key(n).ss58, amount) for n, amount in fund.items()]
            spec = spec.model_copy(update={"genesis": spec.genesis.model_copy(update={"balances": balances})})
        self.node = Node(NodeConfig(spec, sealing="manual"))

    def close(self) -> None:
        self.node.store.close()

    # --- writes -----------------------------------------------------------------------------------
    def ext(self, signer: str, pallet: str, call: str, args: dict) -> bytes:
        kp = key(signer)
        raw = self.node.runtime.encode_call(pallet, call, args)
        return sign_extrinsic(self.node.runtime, raw, kp, self.node.account_nonce(kp.public), self.node.genesis_hash)

    def submit(self, signer: str, pallet: str, call: str, args: dict) -> bytes:
        xt = self.ext(signer, pallet, call, args)
        self.node.submit(xt)
        return xt

    def call(self, signer: str, pallet: str, call: str, args: dict) -> Outcome:
        """Submit one extrinsic and seal a block with it; its outcome."""
        xt = self.submit(signer, pallet, call, args)
        built = self.node.seal_block()
        for applied, outcome in built.applied:
            if applied in (xt, blake2_256(xt)):
                err = outcome.error
                return Outcome(outcome.success, err.name or repr(err.value) if err else None, outcome.fee)
        raise AssertionError("extrinsic not included")

    def ok(self, signer: str, pallet: str, call: str, args: dict) -> Outcome:
        out = self.call(signer, pallet, call, args)
        assert out.success, f"{pallet}.{call} failed: {out.error}"
        return out

    def sudo(self, pallet: str, call: str, args: dict) -> Outcome:
        """Root call through Sudo; fails the test if the inner call failed."""
        self.ok("Alice", "Sudo", "sudo", {"call": {pallet: {call: args}}})
        ev = [e for e in self.events() if e["pallet"] == "Sudo"]
        assert ev and "Ok" in ev[-1]["fields"]["sudo_result"], ev
        return Outcome(True, None, 0)

    def seal(self, n: int = 1) -> None:
        self.node.seal_blocks(n)

    @property
    def block(self) -> int:
        return self.node.head.number

    # --- reads ------------------------------------------------------------------------------------
    @contextmanager
    def state(self) -> Iterator[Any]:
        with self.node.query_runtime.at(self.node.store.state_at(None), self.node.head.number) as rt:
            yield rt

    def sm(self, item: str, *keys: Any) -> Any:
        with self.state() as rt:
            return getattr(rt.pallets["SubtensorModule"], item).get(*keys)

    def free(self, name_or_account) -> int:
        who = key(name_or_account).public if isinstance(name_or_account, str) else name_or_account
        with self.state() as rt:
            return rt.pallets["System"].Account.get(who)["data"]["free"]

    def stake(self, hotkey: str, coldkey: str, netuid: int) -> int:
        with self.state() as rt:
            return rt.pallets["SubtensorModule"].get_stake_for_hotkey_and_coldkey_on_subnet(
                key(hotkey).public, key(coldkey).public, netuid)

    def events(self) -> list[dict]:
        with self.state() as rt:
            raw = rt.env.state.get(rt.events_item.key())
            records = rt.events_item.value_type.decode_all(raw) if raw else []
        out = []
        for rec in records:
            (pallet, inner), = rec["event"].items()
            name, fields = (next(iter(inner.items())) if isinstance(inner, dict) else (inner, None))
            out.append({"pallet": pallet, "name": name, "fields": fields})
        return out

    # --- scenario building blocks ---------------------------------------------------------------
    def subnet(self, owner: str = "Alice", owner_hotkey: str = "alice_hk", *, cr: bool = False,
               emission: bool = True, rate_limit: int | None = 0) -> int:
        """register_network + start_call, then devnet settings via sudo; returns the netuid."""
        self.ok(owner, "SubtensorModule", "register_network", {"hotkey": key(owner_hotkey).public})
        netuid = next(e["fields"][0] for e in reversed(self.events()) if e["name"] == "NetworkAdded")
        self.ok(owner, "SubtensorModule", "start_call", {"netuid": netuid})
        # tempo 10 ≤ AdminFreezeWindow 10 keeps the window shut on fast chains (the SDK's e2e suite
        # opens it the same way)
        self.sudo("AdminUtils", "sudo_set_admin_freeze_window", {"window": 0})
        if not cr:
            self.sudo("AdminUtils", "sudo_set_commit_reveal_weights_enabled", {"netuid": netuid, "enabled": False})
        if emission:
            self.sudo("AdminUtils", "sudo_set_subnet_emission_enabled", {"netuid": netuid, "enabled": True})
        if rate_limit is not None:
            self.sudo("AdminUtils", "sudo_set_weights_set_rate_limit",
                      {"netuid": netuid, "weights_set_rate_limit": rate_limit})
        return netuid

    def staked_subnet(self, validator: tuple[str, str], miners: list[tuple[str, str]], stake: int) -> int:
        """A new subnet (as ``subnet``) with the ``validator`` (coldkey, hotkey) and the ``miners``
        registered in that order, and ``stake`` TAO staked by the validator's coldkey; its netuid."""
        netuid = self.subnet()
        for coldkey, hotkey in [validator, *miners]:
            self.register(coldkey, hotkey, netuid)
        self.add_stake(*validator, netuid, stake)
        return netuid

    def register(self, coldkey: str, hotkey: str, netuid: int) -> int:
        self.ok(coldkey, "SubtensorModule", "burned_register", {"netuid": netuid, "hotkey": key(hotkey).public})
        return self.sm("Uids", netuid, key(hotkey).public)

    def add_stake(self, coldkey: str, hotkey: str, netuid: int, tao: int) -> None:
        self.ok(coldkey, "SubtensorModule", "add_stake",
                {"hotkey": key(hotkey).public, "netuid": netuid, "amount_staked": tao})

    def set_weights(self, hotkey: str, netuid: int, uids: list[int], values: list[int], version_key: int = 0) -> Outcome:
        return self.call(hotkey, "SubtensorModule", "set_weights",
                         {"netuid": netuid, "dests": uids, "weights": values, "version_key": version_key})
