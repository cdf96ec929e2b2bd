"""Chain spec and genesis: presets as subtensor's localnet, stable genesis hash, build-spec round trip."""
from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from tensornet.chain.genesis import genesis_block
from tensornet.chain.runtime_def import build_runtime
from tensornet.chain.spec import ChainSpec, TAO, preset
from tensornet.primitives.keys import dev_keypair


def _hash(spec: ChainSpec) -> bytes:
    return genesis_block(build_runtime(), spec)[0].hash


def test_genesis_hash_is_stable_and_follows_the_genesis_state():
    a, b = _hash(preset("test")), _hash(preset("test"))
    assert a == b
    other = preset("test")
    other.genesis.balances = other.genesis.balances + [(dev_keypair("Zed").ss58, 10 * TAO)]
    assert _hash(other) != a


def test_dev_accounts_are_funded_as_subtensors_localnet(node, tn):
    big = {"Alice", "Bob", "Charlie"}
    total = 0
    for name in ("Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"):
        free = tn.free(node, dev_keypair(name).public)
        assert free == (1_000_000 if name in big else 2_000) * TAO
        total += free
    with tn.read_state(node) as rt:
        assert rt.pallets["Sudo"].Key.get() == dev_keypair("Alice").public
        assert rt.pallets["Balances"].TotalIssuance.get() >= total
        assert rt.pallets["System"].BlockHash.get(0) == b"\x45" * 32  # Substrate's hash69 at genesis
    node.seal_block()
    with tn.read_state(node) as rt:
        assert rt.pallets["System"].BlockHash.get(0) == node.genesis_hash


def test_presets():
    assert preset("mainnet").block_time_ms == 12_000 and preset("mainnet").fast_runtime is False
    assert preset("fast").block_time_ms == 250 and preset("fast").sealing == "250"
    assert preset("test").sealing == "instant"
    with pytest.raises(ValueError):
        preset("nope")


def test_build_spec_round_trip_keeps_the_genesis_hash(tmp_path, tn):
    out = tmp_path / "spec.json"
    res = tn.run_tnet("chain", "build-spec", "--preset", "test", "--out", str(out))
    assert res.returncode == 0, res.stderr
    loaded = ChainSpec.from_file(str(out))
    assert loaded == preset("test")
    assert _hash(loaded) == _hash(preset("test"))


def test_bad_specs_are_refused(tmp_path):
    data = json.loads(preset("test").to_json())
    data["genesis"]["balances"][0][1] = 2**64
    with pytest.raises(ValidationError):
        ChainSpec.model_validate(data)
    data = json.loads(preset("test").to_json())
    data["genesis"]["balances"][0][0] = "not-an-address"
    with pytest.raises(ValidationError):
        ChainSpec.model_validate(data)
    data = json.loads(preset("test").to_json())
    data["surprise"] = 1
    with pytest.raises(ValidationError):
        ChainSpec.model_validate(data)
