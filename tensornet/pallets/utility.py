"""pallet_utility (index 11, subtensor's fork): batches of calls from one origin.

Nested batches are refused as subtensor's ``NoNestingCallFilter`` refuses them: the base call filter
rejects a *signed* batch whose direct children include a batch, so the whole extrinsic fails with
``System.CallFiltered`` before any child runs. Root (e.g. through Sudo) bypasses call filters.
"""
from __future__ import annotations

from tensornet.primitives.scale import U32, Vec
from tensornet.runtime.dispatch import (
    DISPATCH_ERROR_TYPE,
    WEIGHT_TYPE,
    DispatchError,
    Origin,
    PostDispatchInfo,
    Weight,
    actual_weight,
)
from tensornet.runtime.outer import RUNTIME_CALL, call_class, call_pays, call_weight
from tensornet.runtime.pallet import EventDef, Pallet, call

BATCH_CALLS = ("batch", "batch_all", "force_batch")
MAX_CALLS = 1024 * 10


def _base_weight(base: int, per_call: int):
    """Subtensor's utility ``WeightInfo::<batch>(c)``: c calls' overhead (2 reads, proof 3983)."""
    def weight(n_calls: int) -> Weight:
        return Weight.db(base + per_call * n_calls, reads=2, proof_size=3983)
    return weight


_BATCH, _BATCH_ALL, _FORCE_BATCH = (_base_weight(19_446_696, 5_450_264), _base_weight(13_428_230, 5_663_250),
                                    _base_weight(12_134_867, 5_477_293))


def _declared(base):
    """A batch's declared weight: its overhead for every call plus the calls' own weights."""
    def weight(calls) -> Weight:
        total = base(len(calls))
        for c in calls:
            total = total + call_weight(c)
        return total
    return weight


def _batch_pays(calls) -> str:
    """``weight_and_dispatch_class``'s pays: a batch is free when every call in it is (an empty one too)."""
    return "Yes" if any(call_pays(c) == "Yes" for c in calls) else "No"


def _is_batch(call_value) -> bool:
    (pallet, inner), = call_value.items()
    name = inner if isinstance(inner, str) else next(iter(inner))
    return pallet == "Utility" and name in BATCH_CALLS


class Utility(Pallet):
    NAME, INDEX, CRATE = "Utility", 11, "pallet_subtensor_utility"
    DOCS = "Batch dispatch."

    EVENTS = [
        EventDef("BatchInterrupted", [("index", U32, "u32"), ("error", DISPATCH_ERROR_TYPE, "DispatchError")],
                 "Batch of dispatches did not complete fully. Index of first failing dispatch given, as well as the error."),
        EventDef("BatchCompleted", [], "Batch of dispatches completed fully with no error."),
        EventDef("BatchCompletedWithErrors", [], "Batch of dispatches completed but has errors."),
        EventDef("ItemCompleted", [], "A single item within a Batch of dispatches has completed with no error."),
        EventDef("ItemFailed", [("error", DISPATCH_ERROR_TYPE, "DispatchError")], "A single item within a Batch of dispatches has completed with error."),
    ]
    ERRORS = [("TooManyCalls", "Too many calls batched."), ("InvalidDerivedAccount", "Bad input data for derived account ID")]

    def _check(self, calls: list, origin: Origin) -> None:
        if not origin.is_root and any(_is_batch(c) for c in calls):
            raise self.pallet("System").error("CallFiltered")
        if len(calls) > MAX_CALLS:
            raise self.error("TooManyCalls")

    def _dispatch(self, call_value, origin: Origin) -> tuple[Weight, DispatchError | None]:
        """Dispatch one item: (the weight it used, ``extract_actual_weight``: its declaration unless
        it reported less; its error, None when it succeeded)."""
        runtime = self.env.runtime
        resolved = runtime.resolve_call(call_value)  # (once: for its weight and for the dispatch)
        info = resolved[1].info(resolved[2])
        try:
            post = runtime.dispatch(call_value, origin, resolved)
        except DispatchError as exc:
            return actual_weight(info, exc.post_info), exc
        return actual_weight(info, post), None

    @call(0, [("calls", Vec(RUNTIME_CALL), "Vec<<T as Config>::RuntimeCall>")], weight=_declared(_BATCH),
          pays_fee=_batch_pays)
    def batch(self, origin, calls: list) -> PostDispatchInfo:
        """Send a batch of dispatch calls; stops at the first failure (earlier calls stay applied)."""
        self._check(calls, origin)
        used = Weight()
        for i, c in enumerate(calls):
            weight, error = self._dispatch(c, origin)
            used = used + weight
            if error is not None:
                self.deposit_event("BatchInterrupted", {"index": i, "error": error.value})
                return PostDispatchInfo(_BATCH(i + 1) + used)
            self.deposit_event("ItemCompleted")
        self.deposit_event("BatchCompleted")
        return PostDispatchInfo(_BATCH(len(calls)) + used)

    @call(2, [("calls", Vec(RUNTIME_CALL), "Vec<<T as Config>::RuntimeCall>")], weight=_declared(_BATCH_ALL),
          pays_fee=_batch_pays)
    def batch_all(self, origin, calls: list) -> PostDispatchInfo:
        """Send a batch of dispatch calls and atomically execute them: one failure reverts them all."""
        self._check(calls, origin)
        used = Weight()
        for i, c in enumerate(calls):
            weight, error = self._dispatch(c, origin)
            used = used + weight
            if error is not None:  # the surrounding layer rolls everything back; the weight so far counts
                error.post_info = PostDispatchInfo(_BATCH_ALL(i + 1) + used)
                raise error
            self.deposit_event("ItemCompleted")
        self.deposit_event("BatchCompleted")
        return PostDispatchInfo(_BATCH_ALL(len(calls)) + used)

    @call(4, [("calls", Vec(RUNTIME_CALL), "Vec<<T as Config>::RuntimeCall>")], weight=_declared(_FORCE_BATCH),
          pays_fee=_batch_pays)
    def force_batch(self, origin, calls: list) -> PostDispatchInfo:
        """Send a batch of dispatch calls; failures are reported and the rest still run."""
        self._check(calls, origin)
        failed = False
        used = Weight()
        for c in calls:
            weight, error = self._dispatch(c, origin)
            used = used + weight
            if error is None:
                self.deposit_event("ItemCompleted")
            else:
                failed = True
                self.deposit_event("ItemFailed", {"error": error.value})
        self.deposit_event("BatchCompletedWithErrors" if failed else "BatchCompleted")
        return PostDispatchInfo(_FORCE_BATCH(len(calls)) + used)

    @call(5, [("call", RUNTIME_CALL, "Box<<T as Config>::RuntimeCall>"), ("weight", WEIGHT_TYPE, "Weight")],
          weight=lambda call, weight: Weight(weight["ref_time"], weight["proof_size"]),
          dispatch_class=lambda call, weight: call_class(call))
    def with_weight(self, origin, call, weight) -> None:
        """Dispatch a function call with a specified weight (root only)."""
        origin.ensure_root()
        self.env.runtime.dispatch(call, origin)
