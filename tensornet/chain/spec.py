"""Chain specs and presets: runtime data, not build flags.

A spec is a pydantic model that serialises to JSON (``tnet chain build-spec``) and back
(``--chain FILE``). Presets: ``mainnet`` (12 s blocks, subtensor's production constants), ``fast``
(250 ms blocks, the ``fast-runtime`` constants: tempo 10 …) and ``test`` (instant sealing, fast
constants, for test suites). The genesis hash is a pure function of the spec.
"""
from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tensornet.primitives.keys import DEV_ACCOUNT_NAMES, dev_keypair
from tensornet.primitives.ss58 import AddressError, ss58_decode, ss58_encode

TAO = 10**9
PresetName = Literal["mainnet", "fast", "test"]


class GenesisConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: [ss58 address, balance in rao]
    balances: list[tuple[str, int]] = Field(default_factory=list)
    sudo: str | None = None
    #: the block author (Aura authority); fees and swap fees go to it
    authority: str | None = None
    #: SubtensorModule genesis overrides (storage item name -> value), applied after the defaults
    subtensor: dict[str, Any] = Field(default_factory=dict)

    @field_validator("balances")
    @classmethod
    def _check_balances(cls, v: list[tuple[str, int]]) -> list[tuple[str, int]]:
        for address, amount in v:
            ss58_decode(address)
            if not 0 <= amount < 2**64:
                raise ValueError(f"balance for {address} out of range: {amount}")
        return v


class ChainSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = "Bittensor"
    id: str = "tensornet_devnet"
    chain_type: str = "Development"
    preset: PresetName = "fast"
    block_time_ms: int = 250
    #: default sealing of nodes started on this spec: "instant", "manual" or an interval in ms
    sealing: str = "250"
    #: subtensor's fast-runtime constants (tempo 10, short cooldowns)
    fast_runtime: bool = True
    #: the devnet conveniences (rate limits off, loopback axons) of the test preset
    allow_loopback_axons: bool = False
    properties: dict[str, Any] = Field(default_factory=lambda: {"ss58Format": 42, "tokenDecimals": 9, "tokenSymbol": "TAO"})
    genesis: GenesisConfig = Field(default_factory=GenesisConfig)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True)

    def canonical_bytes(self) -> bytes:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_file(cls, path: str) -> "ChainSpec":
        with open(path, encoding="utf-8") as fh:
            return cls.model_validate_json(fh.read())


def dev_balances() -> list[tuple[str, int]]:
    """subtensor's localnet endowments: Alice, Bob, Charlie 1,000,000 TAO; Dave, Eve, Ferdie 2,000 TAO."""
    out = []
    for name in DEV_ACCOUNT_NAMES:
        amount = 1_000_000 * TAO if name in ("Alice", "Bob", "Charlie") else 2_000 * TAO
        out.append((dev_keypair(name).ss58, amount))
    return out


def preset(name: str) -> ChainSpec:
    """A ready-made devnet spec."""
    alice = dev_keypair("Alice").ss58
    genesis = GenesisConfig(balances=dev_balances(), sudo=alice, authority=alice)
    if name == "mainnet":
        return ChainSpec(preset="mainnet", id="tensornet_mainnet_like", block_time_ms=12_000, sealing="12000",
                         fast_runtime=False, genesis=genesis)
    if name == "fast":
        return ChainSpec(preset="fast", block_time_ms=250, sealing="250", fast_runtime=True, genesis=genesis)
    if name == "test":
        return ChainSpec(preset="test", id="tensornet_test", block_time_ms=250, sealing="instant", fast_runtime=True,
                         allow_loopback_axons=True, genesis=genesis)
    raise ValueError(f"unknown preset {name!r}; choose mainnet, fast or test")


def account_id(address: str) -> bytes:
    try:
        return ss58_decode(address)
    except AddressError as exc:
        raise ValueError(str(exc)) from None


__all__ = ["ChainSpec", "GenesisConfig", "preset", "dev_balances", "account_id", "ss58_encode", "TAO"]
