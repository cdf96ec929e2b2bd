"""Direct runtime access for tests: an in-process node (memory backend, manual sealing) plus the
helpers of subtensor's test mock (``pallets/subtensor/src/tests/mock.rs``), named as there.

Every helper that changes state does it inside a sealed block (a dev edit applied at the block's
initialisation), so what a test builds is a real chain: roots, events and RPC all agree.

    chain.add_network(1, tempo=10)
    chain.register_ok_neuron(1, hotkey="//v_hot", coldkey="//v_cold")
    chain.step_epochs(1, netuid=1)
    chain.assert_last_event("SubtensorModule", "NeuronRegistered")
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tensornet.testing.accounts import AccountLike, account_id, keypair

U64F64_ONE = 1 << 64
STEP_EPOCHS_MAX_BLOCKS = 50_000
#: events the executive adds around every extrinsic; ``assert_last_event`` looks past them, as
#: subtensor's mock tests (which dispatch calls directly) never see them
BOOKKEEPING_EVENTS = {("System", "ExtrinsicSuccess"), ("System", "ExtrinsicFailed"),
                      ("TransactionPayment", "TransactionFeePaid"), ("Balances", "Withdraw"),
                      ("Balances", "Deposit")}


@dataclass
class Receipt:
    """What a signed extrinsic did: inclusion, success, the module error, the fee and its events."""

    block_number: int
    success: bool
    error: Any
    fee: int
    events: list[dict] = field(default_factory=list)

    @property
    def error_name(self) -> str | None:
        return None if self.error is None else getattr(self.error, "name", None) or str(self.error.value)


class Chain:
    def __init__(self, preset_name: str = "test", node=None) -> None:
        from tensornet.chain.spec import preset
        from tensornet.node.devtools import enable
        from tensornet.node.node import Node, NodeConfig

        self.node = node or Node(NodeConfig(preset(preset_name), sealing="manual", rpc_port=0))
        self.tools = enable(self.node)

    def close(self) -> None:
        self.node.store.close()

    # --- reading ---------------------------------------------------------------------------------
    @property
    def block_number(self) -> int:
        return self.node.head.number

    @contextmanager
    def state(self) -> Iterator[Any]:
        """The runtime pointed at the head's state (read-only); ``rt.pallets["SubtensorModule"]``…"""
        node = self.node
        rt = node.query_runtime
        with rt.at(node.store.state_at(None), node.head.number):
            yield rt

    def read(self, pallet: str, item: str, *keys: Any) -> Any:
        """One storage value at the head: ``chain.read("SubtensorModule", "Tempo", 1)``."""
        with self.state() as rt:
            return getattr(rt.pallets[pallet], item).get(*keys)

    def pallet_call(self, pallet: str, method: str, *args: Any) -> Any:
        """Call a read-only pallet method at the head: ``chain.pallet_call("Balances", "free_balance", who)``."""
        with self.state() as rt:
            return getattr(rt.pallets[pallet], method)(*args)

    def free_balance(self, who: AccountLike) -> int:
        return self.pallet_call("Balances", "free_balance", account_id(who))

    def events(self, block_hash: bytes | None = None) -> list[dict]:
        """The decoded events of a block (the head by default): ``{pallet, name, phase, fields}``."""
        node = self.node
        h = node.resolve_block(block_hash)
        rt = node.query_runtime
        with rt.at(node.store.state_at(h), node.store.header(h).number):
            raw = rt.env.state.get(rt.events_item.key())
            records = rt.events_item.value_type.decode_all(raw) if raw else []
        out = []
        for rec in records:
            (pallet, inner), = rec["event"].items()
            name, fields = (next(iter(inner.items())) if isinstance(inner, dict) else (inner, None))
            out.append({"pallet": pallet, "name": name, "phase": rec["phase"], "fields": fields})
        return out

    # --- writing ---------------------------------------------------------------------------------
    def edit(self, fn: Callable[[Any], Any]) -> Any:
        """Seal one block whose initialisation runs ``fn(runtime)``; returns what ``fn`` returned.
        An exception in ``fn`` is re-raised after the block is sealed (its writes rolled back)."""
        result: dict[str, Any] = {}

        def wrapped(rt) -> None:
            state = rt.env.state
            mark = rt.env.event_mark()
            state.begin()
            try:
                result["value"] = fn(rt)
            except BaseException as exc:  # noqa: BLE001 - re-raised below, outside block building
                state.rollback()
                rt.env.truncate_events(mark)
                result["error"] = exc
                return
            state.commit()

        self.tools.seal_with([wrapped])
        if "error" in result:
            raise result["error"]
        return result.get("value")

    def dispatch(self, origin: AccountLike | None, pallet: str, call: str, **args: Any) -> Any:
        """Dispatch a call as ``origin`` (None = root) in a sealed block, without signature or fee,
        as mock tests call ``SubtensorModule::call(RuntimeOrigin::signed(..), ..)``; raises
        ``DispatchError`` on failure."""
        from tensornet.runtime.dispatch import Origin

        who = None if origin is None else account_id(origin)

        def run(rt):
            value = rt.decode_call(rt.encode_call(pallet, call, args))
            return rt.dispatch(value, Origin.root() if who is None else Origin.signed(who))

        return self.edit(run)

    def submit(self, signer: Any, pallet: str, call: str, **args: Any) -> Receipt:
        """Sign with ``signer`` (dev name, URI or KeyPair), submit through the pool and seal a block."""
        from tensornet.runtime.signer import sign_extrinsic

        node = self.node
        kp = keypair(signer)
        raw = sign_extrinsic(node.runtime, node.runtime.encode_call(pallet, call, args), kp,
                             node.account_nonce(kp.public), node.genesis_hash)
        xt_hash = node.submit(raw)
        built = node.seal_block()
        outcome = next((o for h, o in built.applied if h == xt_hash), None)
        if outcome is None:
            raise RuntimeError(f"{pallet}.{call} was not included: {[str(e) for _, e in built.rejected]}")
        index = built.block.extrinsics.index(raw)  # after the block's inherents
        events = [e for e in self.events() if e["phase"] == {"ApplyExtrinsic": index}]
        return Receipt(built.block.header.number, outcome.success, outcome.error, outcome.fee, events)

    # --- time (mock.rs names) ----------------------------------------------------------------------
    def step_block(self, n: int = 1) -> None:
        """``step_block(n)``: n more blocks with all hooks."""
        if n > 0:
            self.node.seal_blocks(n)

    def run_to_block(self, n: int) -> None:
        """``run_to_block(n)``: seal until the head is block ``n``."""
        while self.node.head.number < n:
            self.node.seal_block()

    def step_epochs(self, count: int, netuid: int) -> None:
        """``step_epochs(count, netuid)``: blocks until ``count`` more epochs of the subnet ran
        (counted by ``SubnetEpochIndex``, robust to any tempo and to the per-block epoch cap)."""
        target = self.read("SubtensorModule", "SubnetEpochIndex", netuid) + count
        for _ in range(STEP_EPOCHS_MAX_BLOCKS):
            if self.read("SubtensorModule", "SubnetEpochIndex", netuid) >= target:
                return
            self.node.seal_block()
        raise AssertionError("step_epochs: epoch counter never advanced (tempo == 0?)")

    def next_epoch_block(self, netuid: int) -> int:
        """The block at which ``step_epochs(1, netuid)`` would stop (seals nothing)."""
        snap = self.tools.snapshot()
        try:
            self.step_epochs(1, netuid)
            return self.block_number
        finally:
            self.tools.revert(snap)

    # --- networks and neurons (mock.rs names) -------------------------------------------------------
    def add_network(self, netuid: int, tempo: int, modality: int = 0) -> None:
        """``add_network``: a subnet with registration allowed, emission started, subtoken enabled,
        and a one-block burn half-life so tests can register by stepping a block."""

        def run(rt):
            st = rt.pallets["SubtensorModule"]
            st.init_new_network(netuid, tempo)
            st.NetworkRegistrationAllowed.set(netuid, True)
            st.FirstEmissionBlockNumber.set(netuid, 1)
            st.SubtokenEnabled.set(netuid, True)
            st.BurnHalfLife.set(netuid, 1)
            st.BurnIncreaseMult.set(netuid, U64F64_ONE)

        self.edit(run)

    def add_network_disable_commit_reveal(self, netuid: int, tempo: int, modality: int = 0) -> None:
        self.add_network(netuid, tempo, modality)
        self.edit(lambda rt: rt.pallets["SubtensorModule"].CommitRevealWeightsEnabled.set(netuid, False))

    def add_dynamic_network(self, hotkey: AccountLike, coldkey: AccountLike) -> int:
        """``add_dynamic_network``: ``register_network`` signed by ``coldkey`` (lock cost funded),
        then registration allowed, emission started at block 0, subtoken enabled."""
        hot, cold = account_id(hotkey), account_id(coldkey)
        netuid = self.pallet_call("SubtensorModule", "get_next_netuid")
        lock = self.pallet_call("SubtensorModule", "get_network_lock_cost")
        self.edit(lambda rt: rt.pallets["Balances"].set_free_balance(
            cold, rt.pallets["Balances"].free_balance(cold) + lock))
        self.dispatch(cold, "SubtensorModule", "register_network", hotkey=hot)

        def run(rt):
            st = rt.pallets["SubtensorModule"]
            st.NetworkRegistrationAllowed.set(netuid, True)
            st.FirstEmissionBlockNumber.set(netuid, 0)
            st.SubtokenEnabled.set(netuid, True)
            st.BurnHalfLife.set(netuid, 1)
            st.BurnIncreaseMult.set(netuid, U64F64_ONE)

        self.edit(run)
        return netuid

    def setup_reserves(self, netuid: int, tao: int, alpha: int) -> None:
        """``setup_reserves``: set the pool's TAO and alpha reserves."""

        def run(rt):
            st = rt.pallets["SubtensorModule"]
            st.SubnetTAO.set(netuid, tao)
            st.SubnetAlphaIn.set(netuid, alpha)

        self.edit(run)

    def add_balance_to_coldkey_account(self, coldkey: AccountLike, amount: int) -> None:
        who = account_id(coldkey)
        self.edit(lambda rt: rt.pallets["Balances"].set_free_balance(
            who, rt.pallets["Balances"].free_balance(who) + amount))

    def register_ok_neuron(self, netuid: int, hotkey: AccountLike, coldkey: AccountLike, start_nonce: int = 0) -> int:
        """``register_ok_neuron``: burned registration at burn 0 (reserves of 1,000 TAO/alpha when the
        pool is empty, the coldkey topped up); returns the new uid."""
        from tensornet.runtime.dispatch import Origin

        hot, cold = account_id(hotkey), account_id(coldkey)
        reserve = 1_000_000_000_000

        def run(rt):  # one block: the burn is 0 when the call runs, whatever on_initialize did
            st = rt.pallets["SubtensorModule"]
            st.Burn.set(netuid, 0)
            if st.SubnetTAO.get(netuid) == 0 and st.SubnetAlphaIn.get(netuid) == 0:
                st.SubnetTAO.set(netuid, reserve)
                st.SubnetAlphaIn.set(netuid, reserve)
            balances = rt.pallets["Balances"]
            needed = st.Burn.get(netuid) + 500 + 10  # burn + existential deposit + buffer, as the mock
            if balances.free_balance(cold) < needed:
                balances.set_free_balance(cold, needed)
            call = rt.decode_call(rt.encode_call("SubtensorModule", "burned_register",
                                                 {"netuid": netuid, "hotkey": hot}))
            rt.dispatch(call, Origin.signed(cold))
            st.Burn.set(netuid, 0)
            return st.Uids.get(netuid, hot)

        return self.edit(run)

    def increase_stake_on_coldkey_hotkey_account(self, coldkey: AccountLike, hotkey: AccountLike, alpha: int,
                                                 netuid: int) -> None:
        """``increase_stake_on_coldkey_hotkey_account``: credit alpha stake without a swap."""
        hot, cold = account_id(hotkey), account_id(coldkey)
        self.edit(lambda rt: rt.pallets["SubtensorModule"].increase_stake_for_hotkey_and_coldkey_on_subnet(
            hot, cold, netuid, alpha))

    # --- assertions ----------------------------------------------------------------------------------
    def last_event(self) -> dict:
        """The head block's last event, looking past the executive's bookkeeping (fees, success)."""
        for ev in reversed(self.events()):
            if (ev["pallet"], ev["name"]) not in BOOKKEEPING_EVENTS and ev["phase"] != {"ApplyExtrinsic": 0}:
                return ev
        raise AssertionError("the head block has no events")

    def assert_last_event(self, pallet: str, name: str, fields: Any = None) -> dict:
        """``assert_last_event``: the last event is ``pallet.name`` (with ``fields`` when given)."""
        ev = self.last_event()
        assert (ev["pallet"], ev["name"]) == (pallet, name), f"last event is {ev['pallet']}.{ev['name']}: {ev}"
        if fields is not None:
            assert ev["fields"] == fields, f"{pallet}.{name} fields {ev['fields']!r} != {fields!r}"
        return ev
