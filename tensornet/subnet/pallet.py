"""SubtensorModule (pallet index 7): the Bittensor logic, composed from part classes.

The pallet class only lists its parts. Storage lives in ``storage.py`` (plain classes of items),
events and errors in ``events.py`` / ``errors.py``, stake primitives in ``stake.py``; each area of
calls (subnets, staking, registration, weights, serving …) is one part class with its ``@call``
methods. To add an area, add its part class to the bases below (one line).

Genesis follows ``macros/genesis.rs``: root (netuid 0) and netuid 1 (a dynamic subnet owned by the
zero account with 10 TAO / 10 alpha reserves and 1 alpha staked by the zero hotkey as uid 0),
plus what the migrations that run at block 1 of a fresh chain leave behind
(``migrate_subnet_balances``: each subnet account holds its SubnetTAO and TotalIssuance follows
Balances; ``migrate_set_subtoken_enabled``: root staking is enabled). The chain spec's
``genesis.subtensor`` dict then overrides item values: ``{"Item": value}`` for a StorageValue,
``{"Item": {key: value, …}}`` for a single-key map (keys as ints or SS58 addresses).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from tensornet.primitives.scale import AccountId
from tensornet.runtime.pallet import Pallet

from .alpha_fees import AlphaFees
from .coldkey_swap import ColdkeySwapCalls
from .constants import CONSTANTS, FAST_RUNTIME_VALUES
from .errors import ERRORS
from .events import EVENTS
from .guards import CallGuards
from .hotkey_swap import HotkeySwapCalls
from .identity import IdentityCalls
from .incentive import INCENTIVE_PARTS
from .locks import LockOps
from .recycle import RecycleCalls
from .stake import StakeOps
from .staking import StakingCalls
from .storage import (
    AccountStorage,
    ClientCompatStorage,
    GlobalStorage,
    NeuronStorage,
    SubnetStorage,
    bind_fast_defaults,
)
from .subnets import SubnetCalls
from .types import ZERO_ACCOUNT
from .voting_power import VotingPowerPart

ROOT_NETUID = 0
GENESIS_SUBNET = 1
ALICE_HOTKEY_URI = "//Alice_hk"


class SubtensorModule(CallGuards, SubnetCalls, StakingCalls, RecycleCalls, ColdkeySwapCalls, HotkeySwapCalls, IdentityCalls, VotingPowerPart,
                      AlphaFees, LockOps, StakeOps, *INCENTIVE_PARTS,
                      GlobalStorage, SubnetStorage, NeuronStorage, AccountStorage, ClientCompatStorage,
                      Pallet):
    NAME, INDEX = "SubtensorModule", 7
    CRATE = "pallet_subtensor"
    DOCS = "Subnets, neurons, staking and emission."
    EVENTS = EVENTS
    ERRORS = ERRORS
    CONSTANTS = CONSTANTS

    @classmethod
    def constants(cls, runtime) -> list:
        """The fast runtime's ``prod_or_fast!`` values, in place of the production ones."""
        if not runtime.config.fast:
            return []
        return [replace(c, value=FAST_RUNTIME_VALUES[c.name]) for c in CONSTANTS if c.name in FAST_RUNTIME_VALUES]

    def __init__(self, env) -> None:
        super().__init__(env)
        bind_fast_defaults(self)

    # --- genesis --------------------------------------------------------------------------------
    def build_genesis(self, config: dict) -> None:
        self._genesis_root()
        self._genesis_subnet_one()
        self._genesis_migrations()
        self._apply_overrides(config)

    def _genesis_root(self) -> None:
        from tensornet.primitives.keys import dev_keypair, keypair_from_uri

        fast = self.env.runtime.config.fast
        owner = dev_keypair("Alice").public if fast else ZERO_ACCOUNT
        owner_hotkey = keypair_from_uri(ALICE_HOTKEY_URI).public if fast else ZERO_ACCOUNT
        self.NetworksAdded.set(ROOT_NETUID, True)
        self.TotalNetworks.mutate(lambda n: n + 1)
        self.SubnetOwner.set(ROOT_NETUID, owner)
        self.SubnetOwnerHotkey.set(ROOT_NETUID, owner_hotkey)
        self.SubnetworkN.set(ROOT_NETUID, 0)
        self.MaxAllowedUids.set(ROOT_NETUID, 64)
        self.MaxAllowedValidators.set(ROOT_NETUID, 64)
        self.MinAllowedWeights.set(ROOT_NETUID, 0)
        self.Tempo.set(ROOT_NETUID, 100)
        self.NetworkRegistrationAllowed.set(ROOT_NETUID, True)
        self.TargetRegistrationsPerInterval.set(ROOT_NETUID, 1)
        self.TokenSymbol.set(ROOT_NETUID, self.get_symbol_for_subnet(ROOT_NETUID))

    def _genesis_subnet_one(self) -> None:
        netuid, hotkey = GENESIS_SUBNET, ZERO_ACCOUNT
        block = self.block_number
        self.SubnetMechanism.set(netuid, 1)
        self.Owner.set(hotkey, hotkey)
        self.SubnetAlphaIn.set(netuid, 10_000_000_000)
        self.SubnetTAO.set(netuid, 10_000_000_000)
        self.NetworksAdded.set(netuid, True)
        self.TotalNetworks.mutate(lambda n: n + 1)
        self.SubnetworkN.set(netuid, 0)
        self.MaxAllowedUids.set(netuid, 256)
        self.MaxAllowedValidators.set(netuid, 64)
        self.MinAllowedWeights.set(netuid, 0)
        self.Tempo.set(netuid, 100)
        self.NetworkRegistrationAllowed.set(netuid, True)
        self.SubnetOwner.set(netuid, hotkey)
        self.SubnetLocked.set(netuid, 1)
        self.LargestLocked.set(netuid, 1)
        one_alpha = {"mantissa": 10**21, "exponent": -12}  # SafeFloat::from(1_000_000_000)
        self.AlphaV2.set(hotkey, hotkey, netuid, one_alpha)
        self.TotalHotkeyAlpha.set(hotkey, netuid, 1_000_000_000)
        self.TotalHotkeySharesV2.set(hotkey, netuid, one_alpha)
        self.SubnetAlphaOut.set(netuid, 1_000_000_000)
        if hotkey not in self.StakingHotkeys.get(hotkey):
            self.StakingHotkeys.set(hotkey, self.StakingHotkeys.get(hotkey) + [hotkey])
        self.SubnetworkN.set(netuid, 1)
        self.Active.mutate(netuid, lambda v: v + [True])
        self.Emission.mutate(netuid, lambda v: v + [0])
        self.Consensus.mutate(netuid, lambda v: v + [0])
        self.Incentive.mutate(netuid, lambda v: v + [0])
        self.Dividends.mutate(netuid, lambda v: v + [0])
        self.LastUpdate.mutate(netuid, lambda v: v + [block])
        self.ValidatorTrust.mutate(netuid, lambda v: v + [0])
        self.ValidatorPermit.mutate(netuid, lambda v: v + [False])
        self.Keys.set(netuid, 0, hotkey)
        self.Uids.set(netuid, hotkey, 0)
        self.BlockAtRegistration.set(netuid, 0, block)
        self.IsNetworkMember.set(hotkey, netuid, True)
        self.TokenSymbol.set(netuid, self.get_symbol_for_subnet(netuid))

    def _genesis_migrations(self) -> None:
        """The state the first block's migrations give a fresh localnet (see the module docstring)."""
        balances = self.pallet("Balances")
        for (netuid,), tao in list(self.SubnetTAO.iter()):
            account = self.get_subnet_account_id(netuid)
            if account is not None and tao:
                balances.deposit(account, tao, event=False)
        self.TotalIssuance.set(balances.TotalIssuance.get())
        self.SubtokenEnabled.set(ROOT_NETUID, True)
        if self.env.runtime.config.fast:
            # clients read absent values as the metadata (production) default: store the fast ones
            for item in self.storage_items:
                fast = getattr(item, "fast_default", None)
                if fast is not None and not item.keys:
                    item.set(self.state, fast)

    def _apply_overrides(self, config: dict[str, Any]) -> None:
        items = {item.name: item for item in self.storage_items}
        for name, value in config.items():
            item = items.get(name)
            if item is None:
                raise ValueError(f"genesis.subtensor: SubtensorModule has no storage item {name!r}")
            if not item.keys:
                item.set(self.state, value)
                continue
            if len(item.keys) != 1 or not isinstance(value, dict):
                raise ValueError(f"genesis.subtensor.{name}: give {{key: value}} for a single-key map")
            key_type = item.keys[0][1]
            for key, entry in value.items():
                item.set(self.state, _genesis_key(key, key_type), entry)


def _genesis_key(key: Any, key_type) -> Any:
    """A chain-spec JSON key as the item's key value (JSON object keys are strings)."""
    if key_type is AccountId:
        from tensornet.chain.spec import account_id

        return key if isinstance(key, bytes) else account_id(key)
    return int(key) if isinstance(key, str) else key
