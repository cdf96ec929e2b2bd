"""set_identity (68) through signed extrinsics: who may publish a coldkey identity, subtensor's limits."""
from __future__ import annotations

import pytest
from stake_net import acc, subnet_net

EMPTY = {name: b"" for name in ("name", "url", "github_repo", "image", "discord", "description", "additional")}


@pytest.fixture(scope="module")
def net():
    with subnet_net() as n:  # Alice owns the subnet; her hotkey owner_hk is its uid 0
        yield n


def test_a_coldkey_with_a_registered_hotkey_publishes_its_identity(net):
    identity = {**EMPTY, "name": b"Alice's validator", "url": b"https://example.org", "github_repo": b"a" * 256,
                "description": b"d" * 1024}
    out = net.sm("Alice", "set_identity", **identity)
    assert out.success
    assert net.get("IdentitiesV2", acc("Alice")) == identity
    assert net.sm_events("ChainIdentitySet") == [acc("Alice")]


@pytest.mark.parametrize("signer,fields,error", [
    ("Bob", {"name": b"bob"}, "HotKeyNotRegisteredInNetwork"),  # owns no registered hotkey
    ("Alice", {"name": b"n" * 257}, "InvalidIdentity"),
    ("Alice", {"github_repo": b"g" * 257}, "InvalidIdentity"),
    ("Alice", {"image": b"i" * 1025}, "InvalidIdentity"),
])
def test_refusals_pay_the_fee_and_change_nothing(net, signer, fields, error):
    before, free = net.get("IdentitiesV2", acc(signer)), net.free(signer)
    out = net.sm(signer, "set_identity", **{**EMPTY, **fields})
    assert (out.success, out.error) == (False, error)
    paid = 0 if acc(signer) == net.author else out.fee  # (the author's fee comes back to it)
    assert net.get("IdentitiesV2", acc(signer)) == before and net.free(signer) == free - paid
