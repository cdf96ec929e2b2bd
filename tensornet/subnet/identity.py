"""A coldkey's on-chain identity: set_identity (68), as ``utils/identity.rs``; a part class of
SubtensorModule. (Subnet identities live with the subnets, in ``subnets.py``.)

Only a coldkey with a hotkey registered on some subnet may publish one. The byte limits are
subtensor's, total included; that total leaves out ``github_repo``, as subtensor's does.
"""
from __future__ import annotations

from tensornet.primitives.scale import Bytes
from tensornet.runtime.dispatch import Weight
from tensornet.runtime.pallet import call

#: ChainIdentityV2's fields in call order, with their byte limits
IDENTITY_LIMITS = {"name": 256, "url": 256, "github_repo": 256, "image": 1024, "discord": 256,
                   "description": 1024, "additional": 1024}
_TOTAL_LIMIT = 256 + 256 + 256 + 1024 + 256 + 1024 + 1024
_TOTALLED = ("name", "url", "image", "discord", "description", "additional")


def is_valid_identity(identity: dict) -> bool:
    """``is_valid_identity``: every field within its limit and the (github-less) total within 4096."""
    return sum(len(identity[name]) for name in _TOTALLED) <= _TOTAL_LIMIT \
        and all(len(identity[name]) <= limit for name, limit in IDENTITY_LIMITS.items())


class IdentityCalls:
    """Part class: set_identity."""

    def is_hotkey_registered_on_any_network(self, hotkey: bytes) -> bool:
        return any(registered for _, registered in self.IsNetworkMember.iter(hotkey))

    @call(68, [(name, Bytes, "Vec<u8>") for name in IDENTITY_LIMITS],
          weight=Weight.db(32_040_000, reads=3, writes=1, proof_size=6829))
    def set_identity(self, origin, **fields: bytes) -> None:
        """Publish the caller's identity (a coldkey with a hotkey registered on some subnet)."""
        coldkey = origin.ensure_signed()
        if not any(self.is_hotkey_registered_on_any_network(h) for h in self.OwnedHotkeys.get(coldkey)):
            raise self.error("HotKeyNotRegisteredInNetwork")
        if not is_valid_identity(fields):
            raise self.error("InvalidIdentity")
        self.IdentitiesV2.set(coldkey, fields)
        self.deposit_event("ChainIdentitySet", coldkey)
