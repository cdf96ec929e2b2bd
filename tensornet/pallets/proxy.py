"""pallet_proxy (index 16, subtensor's fork ``pallets/proxy``): accounts let other accounts dispatch
calls from their signed origin, limited by a proxy type, optionally after an announcement delay.

Deposits are reserved from the delegator (``ProxyDepositBase`` + ``ProxyDepositFactor`` per proxy)
and from an announcing delegate, as the runtime's ``deposit(items, bytes)`` prices them. A proxied
call is dispatched with ``Signed(real)`` and an origin filter (``proxy_filter.allows``), which also
holds for the calls a batch inside it makes. ``RealPaysFee`` lets the real account pay a delegate's
transaction fees (see ``fee_payer``; the executive asks it, as subtensor's
``ChargeTransactionPaymentWrapper`` does).
"""
from __future__ import annotations

from typing import Any

from tensornet.primitives.hashing import blake2_256
from tensornet.primitives.scale import (
    H256,
    U16,
    U32,
    U64,
    AccountId,
    Bool,
    Compact,
    Enum,
    Field,
    Option,
    Struct,
    Tuple,
    Vec,
)
from tensornet.runtime.dispatch import (
    DISPATCH_RESULT,
    DispatchError,
    Origin,
    PostDispatchInfo,
    Weight,
    dispatch_result,
)
from tensornet.runtime.outer import RUNTIME_CALL, call_pays, call_weight
from tensornet.runtime.pallet import ConstantDef, EventDef, Pallet, call
from tensornet.runtime.types import MULTI_ADDRESS, lookup_address
from tensornet.storage.items import StorageDoubleMap, StorageMap

from .proxy_filter import PROXY_TYPE, PROXY_TYPES, allows, call_name, is_superset

CRATE = "pallet_subtensor_proxy"


def _deposit(items: int, num_bytes: int) -> int:
    """The runtime's ``deposit(items, bytes)``: 0.02 TAO per storage item, 0.001 TAO per byte."""
    return items * 20_000_000 + num_bytes * 1_000_000


PROXY_DEPOSIT_BASE = _deposit(1, 40)      # one item: a 32-byte key and an 8-byte balance
PROXY_DEPOSIT_FACTOR = _deposit(0, 33)    # 32 bytes + the proxy type
MAX_PROXIES = 20
MAX_PENDING = 15 * 5
ANNOUNCEMENT_DEPOSIT_BASE = _deposit(1, 16)
ANNOUNCEMENT_DEPOSIT_FACTOR = _deposit(0, 68)
_PURE_ENTROPY_PREFIX = b"modlpy/proxy____"

PROXY_DEFINITION = Struct((CRATE, "ProxyDefinition"), [
    Field("delegate", AccountId, "AccountId"), Field("proxy_type", PROXY_TYPE, "ProxyType"),
    Field("delay", U32, "BlockNumber")], params=(("AccountId", AccountId), ("ProxyType", PROXY_TYPE),
                                                   ("BlockNumber", U32)))
ANNOUNCEMENT = Struct((CRATE, "Announcement"), [
    Field("real", AccountId, "AccountId"), Field("call_hash", H256, "Hash"), Field("height", U32, "BlockNumber")],
    params=(("AccountId", AccountId), ("Hash", H256), ("BlockNumber", U32)))
DEPOSIT_KIND = Enum((CRATE, "DepositKind"), ["Proxies", "Announcements"])

_ACCOUNT = ("real", MULTI_ADDRESS, "AccountIdLookupOf<T>")
_DELEGATE = ("delegate", MULTI_ADDRESS, "AccountIdLookupOf<T>")
_PROXY_TYPE = ("proxy_type", PROXY_TYPE, "T::ProxyType")
_DELAY = ("delay", U32, "BlockNumberFor<T>")
_FORCE = ("force_proxy_type", Option(PROXY_TYPE), "Option<T::ProxyType>")
_CALL = ("call", RUNTIME_CALL, "Box<<T as Config>::RuntimeCall>")
_HASH = ("call_hash", H256, "CallHashOf<T>")
#: the fields ProxyAdded and ProxyRemoved share, and the tail PureCreated and PureKilled share
_DELEGATION = [("delegator", AccountId, "T::AccountId"), ("delegatee", AccountId, "T::AccountId"),
               ("proxy_type", PROXY_TYPE, "T::ProxyType"), ("delay", U32, "BlockNumberFor<T>")]
_PURE_TAIL = [("proxy_type", PROXY_TYPE, "T::ProxyType"), ("disambiguation_index", U16, "u16")]


# --- weights: pallet_subtensor_proxy::weights::SubstrateWeight at p = MaxProxies, a = MaxPending ---------
def _w(base: int, per_a: int, per_p: int, reads: int, writes: int, proof: int, proof_a: int = 0,
       proof_p: int = 0) -> Weight:
    return Weight.db(base + per_a * MAX_PENDING + per_p * MAX_PROXIES, reads=reads, writes=writes,
                     proof_size=proof + proof_a * MAX_PENDING + proof_p * MAX_PROXIES)


_PROXY = _w(28_026_265, 0, 53_205, 3, 1, 4254, proof_p=37)
_PROXY_ANNOUNCED = _w(53_234_507, 228_831, 54_037, 5, 3, 8615, 68, 37)
_INNER_ORIGIN_ACCOUNT = Weight.db(0, reads=1, writes=1)  # "AccountData for inner call origin accountdata"


def _proxy_weight(real, force_proxy_type, call) -> Weight:
    return _PROXY + _INNER_ORIGIN_ACCOUNT + call_weight(call)


def _proxy_announced_weight(delegate, real, force_proxy_type, call) -> Weight:
    return _PROXY_ANNOUNCED + _INNER_ORIGIN_ACCOUNT + call_weight(call)


class Proxy(Pallet):
    NAME, INDEX, CRATE = "Proxy", 16, CRATE
    DOCS = "Accounts acting for other accounts, within a proxy type."

    Proxies = StorageMap("Twox64Concat", AccountId, Tuple(Vec(PROXY_DEFINITION), U64),
                         docs="The set of account proxies. Maps the account which has delegated to the accounts "
                              "which are being delegated to, together with the amount held on deposit.")
    Announcements = StorageMap("Twox64Concat", AccountId, Tuple(Vec(ANNOUNCEMENT), U64),
                               docs="The announcements made by the proxy (key).")
    LastCallResult = StorageMap("Twox64Concat", AccountId, DISPATCH_RESULT, optional=True,
                                docs="The result of the last call made by the proxy (key).")
    RealPaysFee = StorageDoubleMap("Twox64Concat", AccountId, "Twox64Concat", AccountId, Tuple(), optional=True,
                                   docs="Tracks which (real, delegate) pairs have opted in to the real account "
                                        "paying transaction fees for proxy calls made by the delegate.")

    EVENTS = [
        EventDef("ProxyExecuted", [("result", DISPATCH_RESULT, "DispatchResult")],
                 "A proxy was executed correctly, with the given."),
        EventDef("PureCreated", [("pure", AccountId, "T::AccountId"), ("who", AccountId, "T::AccountId"), *_PURE_TAIL],
                 "A pure account has been created by new proxy with given disambiguation index and proxy type."),
        EventDef("PureKilled", [("pure", AccountId, "T::AccountId"), ("spawner", AccountId, "T::AccountId"),
                                *_PURE_TAIL], "A pure proxy was killed by its spawner."),
        EventDef("Announced", [("real", AccountId, "T::AccountId"), ("proxy", AccountId, "T::AccountId"),
                               ("call_hash", H256, "CallHashOf<T>")],
                 "An announcement was placed to make a call in the future."),
        EventDef("ProxyAdded", _DELEGATION, "A proxy was added."),
        EventDef("ProxyRemoved", _DELEGATION, "A proxy was removed."),
        EventDef("DepositPoked", [("who", AccountId, "T::AccountId"), ("kind", DEPOSIT_KIND, "DepositKind"),
                                  ("old_deposit", U64, "BalanceOf<T>"), ("new_deposit", U64, "BalanceOf<T>")],
                 "A deposit stored for proxies or announcements was poked / updated."),
        EventDef("RealPaysFeeSet", [("real", AccountId, "T::AccountId"), ("delegate", AccountId, "T::AccountId"),
                                    ("pays_fee", Bool, "bool")],
                 "The real-pays-fee setting was updated for a proxy relationship."),
    ]
    ERRORS = [
        ("TooMany", "There are too many proxies registered or too many announcements pending."),
        ("NotFound", "Proxy registration not found."),
        ("NotProxy", "Sender is not a proxy of the account to be proxied."),
        ("Unproxyable", "A call which is incompatible with the proxy type's filter was attempted."),
        ("Duplicate", "Account is already a proxy."),
        ("NoPermission", "Call may not be made by proxy because it may escalate its privileges."),
        ("Unannounced", "Announcement, if made at all, was made too recently."),
        ("NoSelfProxy", "Cannot add self as proxy."),
        ("AnnouncementDepositInvariantViolated",
         "Invariant violated: deposit recomputation returned None after updating announcements."),
        ("InvalidDerivedAccountId", "Failed to derive a valid account id from the provided entropy."),
    ]
    CONSTANTS = [
        ConstantDef("ProxyDepositBase", U64, PROXY_DEPOSIT_BASE,
                    "The base amount of currency needed to reserve for creating a proxy."),
        ConstantDef("ProxyDepositFactor", U64, PROXY_DEPOSIT_FACTOR, "The amount of currency needed per proxy added."),
        ConstantDef("MaxProxies", U32, MAX_PROXIES, "The maximum amount of proxies allowed for a single account."),
        ConstantDef("MaxPending", U32, MAX_PENDING,
                    "The maximum amount of time-delayed announcements that are allowed to be pending."),
        ConstantDef("AnnouncementDepositBase", U64, ANNOUNCEMENT_DEPOSIT_BASE,
                    "The base amount of currency needed to reserve for creating an announcement."),
        ConstantDef("AnnouncementDepositFactor", U64, ANNOUNCEMENT_DEPOSIT_FACTOR,
                    "The amount of currency needed per announcement made."),
    ]

    # --- calls -----------------------------------------------------------------------------------
    @call(0, [_ACCOUNT, _FORCE, _CALL], weight=_proxy_weight,
          pays_fee=lambda real, force_proxy_type, call: call_pays(call))
    def proxy(self, origin, real, force_proxy_type, call) -> None:
        """Dispatch the given `call` from an account that the sender is authorised for through `add_proxy`."""
        who = origin.ensure_signed()
        real = lookup_address(real)
        definition = self.find_proxy(real, who, force_proxy_type)
        if definition["delay"]:
            raise self.error("Unannounced")
        self._do_proxy(definition, real, call)

    @call(1, [_DELEGATE, _PROXY_TYPE, _DELAY], weight=_w(25_770_804, 0, 80_892, 1, 1, 4254))
    def add_proxy(self, origin, delegate, proxy_type: str, delay: int) -> None:
        """Register a proxy account for the sender that is able to make calls on its behalf."""
        self.add_proxy_delegate(origin.ensure_signed(), lookup_address(delegate), proxy_type, delay)

    @call(2, [_DELEGATE, _PROXY_TYPE, _DELAY], weight=_w(27_827_049, 0, 64_054, 1, 2, 4254))
    def remove_proxy(self, origin, delegate, proxy_type: str, delay: int) -> None:
        """Unregister a proxy account for the sender."""
        self.remove_proxy_delegate(origin.ensure_signed(), lookup_address(delegate), proxy_type, delay)

    @call(3, [], weight=_w(27_407_028, 0, 55_808, 1, 1, 4254))
    def remove_proxies(self, origin) -> None:
        """Unregister all proxy accounts for the sender."""
        self.remove_all_proxy_delegates(origin.ensure_signed())

    @call(4, [_PROXY_TYPE, _DELAY, ("index", U16, "u16")], weight=_w(27_853_436, 0, 20_160, 1, 1, 4254))
    def create_pure(self, origin, proxy_type: str, delay: int, index: int) -> None:
        """Spawn a fresh new account that is guaranteed to be otherwise inaccessible, and initialize it
        with a proxy of `proxy_type` for `origin` sender."""
        who = origin.ensure_signed()
        pure = self.pure_account(who, proxy_type, index)
        if self.Proxies.try_get(pure) is not None:
            raise self.error("Duplicate")
        deposit = PROXY_DEPOSIT_BASE + PROXY_DEPOSIT_FACTOR
        self._balances().reserve(who, deposit)
        self.Proxies.set(pure, ([{"delegate": who, "proxy_type": proxy_type, "delay": delay}], deposit))
        self.deposit_event("PureCreated", {"pure": pure, "who": who, "proxy_type": proxy_type,
                                           "disambiguation_index": index})

    @call(5, [("spawner", MULTI_ADDRESS, "AccountIdLookupOf<T>"), _PROXY_TYPE, ("index", U16, "u16"),
              ("height", Compact(U32), "BlockNumberFor<T>"), ("ext_index", Compact(U32), "u32")],
          weight=_w(26_529_087, 0, 48_014, 1, 1, 4254))
    def kill_pure(self, origin, spawner, proxy_type: str, index: int, height: int, ext_index: int) -> None:
        """Removes a previously spawned pure proxy."""
        who = origin.ensure_signed()
        spawner = lookup_address(spawner)
        if self.pure_account(spawner, proxy_type, index, (height, ext_index)) != who:
            raise self.error("NoPermission")
        _, deposit = self.Proxies.take(who)
        self._balances().unreserve(spawner, deposit)
        self.deposit_event("PureKilled", {"pure": who, "spawner": spawner, "proxy_type": proxy_type,
                                          "disambiguation_index": index})

    @call(6, [_ACCOUNT, _HASH], weight=_w(34_286_251, 194_092, 53_615, 3, 2, 8615))
    def announce(self, origin, real, call_hash: bytes) -> None:
        """Publish the hash of a proxy-call that will be made in the future."""
        who = origin.ensure_signed()
        real = lookup_address(real)
        if not any(d["delegate"] == who for d in self.Proxies.get(real)[0]):
            raise self.error("NotProxy")
        pending, deposit = self.Announcements.get(who)
        if len(pending) >= MAX_PENDING:
            raise self.error("TooMany")
        pending.append({"real": real, "call_hash": call_hash, "height": self.block_number})
        new_deposit = self._rejig_deposit(who, deposit, ANNOUNCEMENT_DEPOSIT_BASE, ANNOUNCEMENT_DEPOSIT_FACTOR,
                                          len(pending))
        self.Announcements.set(who, (pending, new_deposit))
        self.deposit_event("Announced", {"real": real, "proxy": who, "call_hash": call_hash})

    @call(7, [_ACCOUNT, _HASH], weight=_w(25_595_226, 205_163, 40_277, 2, 2, 8615))
    def remove_announcement(self, origin, real, call_hash: bytes) -> None:
        """Remove a given announcement (by the proxy that made it); the deposit is returned."""
        who = origin.ensure_signed()
        real = lookup_address(real)
        self._edit_announcements(who, lambda a: a["real"] != real or a["call_hash"] != call_hash)

    @call(8, [_DELEGATE, _HASH], weight=_w(26_388_332, 199_703, 17_846, 2, 2, 8615))
    def reject_announcement(self, origin, delegate, call_hash: bytes) -> None:
        """Remove the given announcement of a delegate (by the real account); the deposit is returned."""
        who = origin.ensure_signed()
        self._edit_announcements(lookup_address(delegate),
                                 lambda a: a["real"] != who or a["call_hash"] != call_hash)

    @call(9, [_DELEGATE, _ACCOUNT, _FORCE, _CALL], weight=_proxy_announced_weight)
    def proxy_announced(self, origin, delegate, real, force_proxy_type, call) -> None:
        """Dispatch the given `call` from an account that the sender is authorized for through
        `add_proxy`, once announced long enough ago. Removes any corresponding announcement(s)."""
        origin.ensure_signed()
        delegate, real = lookup_address(delegate), lookup_address(real)
        definition = self.find_proxy(real, delegate, force_proxy_type)
        call_hash = blake2_256(RUNTIME_CALL.encode(call))
        now, delay = self.block_number, definition["delay"]
        try:
            self._edit_announcements(delegate, lambda a: a["real"] != real or a["call_hash"] != call_hash
                                     or now - a["height"] < delay)
        except DispatchError:
            raise self.error("Unannounced") from None
        self._do_proxy(definition, real, call)

    @call(10, [], weight=Weight.db(46_757_000, reads=3, writes=3, proof_size=8615))
    def poke_deposit(self, origin) -> PostDispatchInfo:
        """Adjust the deposits held for proxies and announcements to the current prices; free when a
        deposit changed."""
        who = origin.ensure_signed()
        updated = False
        for item, kind, base, factor in ((self.Proxies, "Proxies", PROXY_DEPOSIT_BASE, PROXY_DEPOSIT_FACTOR),
                                         (self.Announcements, "Announcements", ANNOUNCEMENT_DEPOSIT_BASE,
                                          ANNOUNCEMENT_DEPOSIT_FACTOR)):
            stored = item.try_get(who)
            entries, old = stored if stored is not None else ([], 0)
            new = self._rejig_deposit(who, old, base, factor, len(entries))
            if new is None:
                if stored is not None:
                    item.remove(who)
                new = 0
            else:
                item.set(who, (entries, new))
            if new != old:
                updated = True
                self.deposit_event("DepositPoked", {"who": who, "kind": kind, "old_deposit": old,
                                                    "new_deposit": new})
        return PostDispatchInfo(pays_fee="No" if updated else "Yes")

    @call(11, [_DELEGATE, ("pays_fee", Bool, "bool")], weight=_w(14_259_931, 0, 42_799, 1, 1, 4254))
    def set_real_pays_fee(self, origin, delegate, pays_fee: bool) -> None:
        """Set whether the real account pays transaction fees for proxy calls made by a specific delegate."""
        real = origin.ensure_signed()
        delegate = lookup_address(delegate)
        self.find_proxy(real, delegate, None)
        if pays_fee:
            self.RealPaysFee.set(real, delegate, ())
        else:
            self.RealPaysFee.remove(real, delegate)
        self.deposit_event("RealPaysFeeSet", {"real": real, "delegate": delegate, "pays_fee": pays_fee})

    # --- hooks -----------------------------------------------------------------------------------
    def on_finalize(self, block_number: int) -> None:
        self.LastCallResult.clear_prefix()

    # --- helpers ---------------------------------------------------------------------------------
    def _balances(self):
        return self.pallet("Balances")

    def find_proxy(self, real: bytes, delegate: bytes, force_proxy_type: str | None) -> dict:
        """The proxy definition letting ``delegate`` act for ``real`` (of the forced type), or NotProxy."""
        for definition in self.Proxies.get(real)[0]:
            if definition["delegate"] == delegate and force_proxy_type in (None, definition["proxy_type"]):
                return definition
        raise self.error("NotProxy")

    def pure_account(self, who: bytes, proxy_type: str, index: int, when: tuple[int, int] | None = None) -> bytes:
        """The pure account ``who`` spawns with these parameters at (block height, extrinsic index),
        by default now: blake2_256 of their SCALE encoding."""
        if when is None:
            phase = self.env.phase
            when = (self.block_number, phase.get("ApplyExtrinsic", 0) if isinstance(phase, dict) else 0)
        height, ext_index = when
        return blake2_256(_PURE_ENTROPY_PREFIX + who + U32.encode(height) + U32.encode(ext_index)
                          + PROXY_TYPE.encode(proxy_type) + U16.encode(index))

    def add_proxy_delegate(self, delegator: bytes, delegatee: bytes, proxy_type: str, delay: int) -> None:
        if delegator == delegatee:
            raise self.error("NoSelfProxy")
        proxies, deposit = self.Proxies.get(delegator)
        definition = {"delegate": delegatee, "proxy_type": proxy_type, "delay": delay}
        if definition in proxies:
            raise self.error("Duplicate")
        if len(proxies) >= MAX_PROXIES:
            raise self.error("TooMany")
        proxies = sorted([*proxies, definition], key=_definition_order)  # the bounded vec stays sorted
        new_deposit = self._proxies_deposit(len(proxies))
        self._adjust_reserve(delegator, deposit, new_deposit)
        self.Proxies.set(delegator, (proxies, new_deposit))
        self.deposit_event("ProxyAdded", {"delegator": delegator, "delegatee": delegatee, "proxy_type": proxy_type,
                                          "delay": delay})

    def remove_proxy_delegate(self, delegator: bytes, delegatee: bytes, proxy_type: str, delay: int) -> None:
        stored = self.Proxies.try_get(delegator)
        if stored is None:
            raise self.error("NotFound")
        proxies, old_deposit = stored
        definition = {"delegate": delegatee, "proxy_type": proxy_type, "delay": delay}
        if definition not in proxies:
            raise self.error("NotFound")
        proxies.remove(definition)
        new_deposit = self._proxies_deposit(len(proxies))
        self._adjust_reserve(delegator, old_deposit, new_deposit)
        if proxies:
            self.Proxies.set(delegator, (proxies, new_deposit))
        else:
            self.Proxies.remove(delegator)
        self.RealPaysFee.remove(delegator, delegatee)
        self.deposit_event("ProxyRemoved", {"delegator": delegator, "delegatee": delegatee,
                                            "proxy_type": proxy_type, "delay": delay})

    def remove_all_proxy_delegates(self, delegator: bytes) -> None:
        _, deposit = self.Proxies.take(delegator)
        self._balances().unreserve(delegator, deposit)
        self.RealPaysFee.clear_prefix(delegator)

    @staticmethod
    def _proxies_deposit(count: int) -> int:
        return PROXY_DEPOSIT_BASE + PROXY_DEPOSIT_FACTOR * count if count else 0

    def _adjust_reserve(self, who: bytes, old: int, new: int) -> None:
        """Reserve or release the difference between a held deposit and its new amount."""
        if new > old:
            self._balances().reserve(who, new - old)
        elif new < old:
            self._balances().unreserve(who, old - new)

    def _rejig_deposit(self, who: bytes, old: int, base: int, factor: int, count: int) -> int | None:
        """``rejig_deposit``: hold ``base + factor × count`` (None when nothing is left to cover)."""
        new = base + factor * count if count else 0
        self._adjust_reserve(who, old, new)
        return new if count else None

    def _edit_announcements(self, delegate: bytes, keep) -> None:
        """Drop ``delegate``'s announcements that ``keep`` refuses (NotFound when none is dropped) and
        re-price their deposit."""
        stored = self.Announcements.try_get(delegate)
        if stored is None:
            raise self.error("NotFound")
        pending, old_deposit = stored
        kept = [a for a in pending if keep(a)]
        if len(kept) == len(pending):
            raise self.error("NotFound")
        deposit = self._rejig_deposit(delegate, old_deposit, ANNOUNCEMENT_DEPOSIT_BASE, ANNOUNCEMENT_DEPOSIT_FACTOR,
                                      len(kept))
        if deposit is None:
            self.Announcements.remove(delegate)
        else:
            self.Announcements.set(delegate, (kept, deposit))

    def _do_proxy(self, definition: dict, real: bytes, call_value: Any) -> None:
        """Dispatch ``call_value`` as ``real`` under ``definition``'s proxy type; its result is
        recorded (LastCallResult, ProxyExecuted), not raised."""
        proxy_type = definition["proxy_type"]

        def permitted(pallet: str, name: str, args: dict) -> bool:
            if pallet == "Proxy":
                # a proxy cannot grant or revoke more than it holds, nor drop all proxies without Any
                if name in ("add_proxy", "remove_proxy") and not is_superset(proxy_type, args["proxy_type"]):
                    return False
                if name in ("remove_proxies", "kill_pure") and proxy_type != PROXY_TYPES[0]:
                    return False
            return allows(proxy_type, pallet, name, args)

        result = dispatch_result(self.env.runtime, call_value, Origin.signed(real).filtered(permitted))
        self.LastCallResult.set(real, result)
        self.deposit_event("ProxyExecuted", {"result": result})

    # --- fees ------------------------------------------------------------------------------------
    def fee_payer(self, signer: bytes, call_value: Any) -> bytes | None:
        """Who pays for a signed ``Proxy.proxy`` when a real account opted in (RealPaysFee), following
        subtensor's ChargeTransactionPaymentWrapper two levels deep: the outer real; the inner real of
        a proxy inside it; the common real of a batch made only of proxies for one real. None: the
        signer pays."""
        parts = _proxy_parts(call_value, signer)
        if parts is None or not self._real_pays(*parts[:2]):
            return None
        outer_real, inner = parts[0], parts[2]
        nested = _proxy_parts(inner, outer_real)
        if nested is not None:
            return nested[0] if self._real_pays(*nested[:2]) else outer_real
        pallet, name = call_name(inner)
        if pallet == "Utility" and name in ("batch", "batch_all", "force_batch"):
            items = [_proxy_parts(c, outer_real) for c in inner[pallet][name]["calls"]]
            if items and all(items) and len({p[0] for p in items}) == 1 \
                    and self._real_pays(items[0][0], items[0][1]):  # type: ignore[index]
                return items[0][0]  # type: ignore[index]
        return outer_real

    def _real_pays(self, real: bytes, delegate: bytes) -> bool:
        return self.RealPaysFee.contains(real, delegate)


def _proxy_parts(call_value: Any, signer: bytes) -> tuple[bytes, bytes, Any] | None:
    """(real, delegate, inner call) of a ``Proxy.proxy`` call made by ``signer``; None for any other
    call or an unresolvable address."""
    if call_name(call_value) != ("Proxy", "proxy"):
        return None
    args = call_value["Proxy"]["proxy"]
    try:
        return lookup_address(args["real"]), signer, args["call"]
    except DispatchError:
        return None


def _definition_order(definition: dict) -> tuple:
    """``ProxyDefinition``'s derived ``Ord``: delegate, then proxy type (its index), then delay."""
    return definition["delegate"], PROXY_TYPES.index(definition["proxy_type"]), definition["delay"]
