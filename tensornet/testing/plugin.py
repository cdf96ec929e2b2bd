"""pytest plugin (entry point ``pytest11``: loaded automatically once tensornet is installed).

Fixtures:

* ``chain`` — direct runtime access: an in-process node on the memory backend, manual sealing, no
  RPC, with subtensor's mock helpers (:class:`tensornet.testing.chain.Chain`). Fast: use it for
  pallet-level tests of your subnet's economics.
* ``devnet`` — the same node serving JSON-RPC on an ephemeral port from its own thread
  (:class:`tensornet.testing.devnet.Devnet`): point your validator, miner, the bittensor SDK or
  substrate-interface at ``devnet.url``. Manual sealing by default: ``devnet.new_block()``.

Options per test: ``@pytest.mark.tensornet(preset="test", sealing="instant", subnets=2)``.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tensornet.testing.chain import Chain
from tensornet.testing.devnet import Devnet


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "tensornet(preset='test', sealing='manual', subnets=0): options of the devnet/chain fixtures")


def _options(request: pytest.FixtureRequest) -> dict:
    marker = request.node.get_closest_marker("tensornet")
    return dict(marker.kwargs) if marker is not None else {}


@pytest.fixture
def chain(request: pytest.FixtureRequest) -> Iterator[Chain]:
    """A fresh chain for the test (direct runtime access, manual sealing)."""
    opts = _options(request)
    c = Chain(opts.get("preset", "test"))
    if opts.get("subnets"):
        c.tools.ensure_subnets(opts["subnets"])
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def devnet(request: pytest.FixtureRequest) -> Iterator[Devnet]:
    """A fresh devnet serving RPC for the test (``devnet.url``)."""
    opts = _options(request)
    d = Devnet(opts.get("preset", "test"), opts.get("sealing", "manual"), opts.get("subnets", 0)).start()
    try:
        yield d
    finally:
        d.stop()
