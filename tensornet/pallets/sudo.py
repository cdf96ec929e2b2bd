"""pallet_sudo (index 12): one key (Alice on a devnet) may dispatch any call as Root."""
from __future__ import annotations

from tensornet.primitives.scale import AccountId, Option
from tensornet.runtime.dispatch import (
    DISPATCH_RESULT,
    WEIGHT_TYPE,
    Origin,
    PostDispatchInfo,
    Weight,
    dispatch_result,
)
from tensornet.runtime.outer import RUNTIME_CALL, call_class, call_weight
from tensornet.runtime.pallet import EventDef, Pallet, call
from tensornet.runtime.types import MULTI_ADDRESS, lookup_address
from tensornet.storage.items import StorageValue

#: what a successful sudo call reports: ``Pays::No``, the sudo key pays no fee
_NO_FEE = PostDispatchInfo(pays_fee="No")


class Sudo(Pallet):
    NAME, INDEX = "Sudo", 12
    DOCS = "A single key that can dispatch calls as Root."

    Key = StorageValue(AccountId, optional=True, docs="The `AccountId` of the sudo key.")

    EVENTS = [
        EventDef("Sudid", [("sudo_result", DISPATCH_RESULT, "DispatchResult")], "A sudo call just took place."),
        EventDef("KeyChanged", [("old", Option(AccountId), "Option<T::AccountId>"), ("new", AccountId, "T::AccountId")],
                 "The sudo key has been updated."),
        EventDef("KeyRemoved", [], "The key was permanently removed."),
        EventDef("SudoAsDone", [("sudo_result", DISPATCH_RESULT, "DispatchResult")], "A [sudo_as](Pallet::sudo_as) call just took place."),
    ]
    ERRORS = [("RequireSudo", "Sender must be the Sudo account.")]

    def _ensure_sudo(self, origin: Origin) -> bytes:
        who = origin.ensure_signed()
        if self.Key.get() != who:
            raise self.error("RequireSudo")
        return who

    @call(0, [("call", RUNTIME_CALL, "Box<<T as Config>::RuntimeCall>")], weight=lambda call: Weight.db(10_729_000, reads=1, proof_size=1517) + call_weight(call),
          dispatch_class=lambda call: call_class(call))
    def sudo(self, origin, call) -> PostDispatchInfo:
        """Authenticates the sudo key and dispatches a function call with `Root` origin."""
        self._ensure_sudo(origin)
        self.deposit_event("Sudid", {"sudo_result": dispatch_result(self.env.runtime, call, Origin.root())})
        return _NO_FEE

    @call(1, [("call", RUNTIME_CALL, "Box<<T as Config>::RuntimeCall>"), ("weight", WEIGHT_TYPE, "Weight")],
          weight=lambda call, weight: Weight(weight["ref_time"], weight["proof_size"]),
          dispatch_class=lambda call, weight: call_class(call))
    def sudo_unchecked_weight(self, origin, call, weight) -> PostDispatchInfo:
        """Authenticates the sudo key and dispatches a function call with `Root` origin, with a given weight."""
        self._ensure_sudo(origin)
        self.deposit_event("Sudid", {"sudo_result": dispatch_result(self.env.runtime, call, Origin.root())})
        return _NO_FEE

    @call(2, [("new", MULTI_ADDRESS, "AccountIdLookupOf<T>")], weight=Weight.db(9_663_000, reads=1, writes=1, proof_size=1517))
    def set_key(self, origin, new) -> PostDispatchInfo:
        """Authenticates the current sudo key and sets the given AccountId (`new`) as the new sudo key."""
        if not origin.is_root:
            self._ensure_sudo(origin)
        new_key = lookup_address(new)
        self.deposit_event("KeyChanged", {"old": self.Key.get(), "new": new_key})
        self.Key.set(new_key)
        return _NO_FEE

    @call(3, [("who", MULTI_ADDRESS, "AccountIdLookupOf<T>"), ("call", RUNTIME_CALL, "Box<<T as Config>::RuntimeCall>")],
          weight=lambda who, call: Weight.db(11_003_000, reads=1, proof_size=1517) + call_weight(call),
          dispatch_class=lambda who, call: call_class(call))
    def sudo_as(self, origin, who, call) -> PostDispatchInfo:
        """Authenticates the sudo key and dispatches a function call with `Signed` origin from a given account."""
        self._ensure_sudo(origin)
        result = dispatch_result(self.env.runtime, call, Origin.signed(lookup_address(who)))
        self.deposit_event("SudoAsDone", {"sudo_result": result})
        return _NO_FEE

    @call(4, [], weight=Weight.db(9_127_000, reads=1, writes=1, proof_size=1517))
    def remove_key(self, origin) -> PostDispatchInfo:
        """Permanently removes the sudo key."""
        self._ensure_sudo(origin)
        self.deposit_event("KeyRemoved")
        self.Key.remove()
        return _NO_FEE

    def build_genesis(self, config: dict) -> None:
        if config.get("key") is not None:
            self.Key.set(config["key"])
