"""What both subnet test drivers (``Net``, ``StakeNet``) share for transaction-extension tests: offer a
call to the pool as a client would and read the refusal, or dispatch it inside a batch where only the
dispatch guards look at it."""
from __future__ import annotations

from tensornet.runtime.validity import TransactionValidityError


class PoolRefusals:
    """Mixin for a driver with ``node``, ``ext(signer, pallet, call, args)`` and ``call(...)``."""

    def offer(self, signer: str, pallet: str, call: str, args: dict) -> TransactionValidityError | None:
        """Submit as a client does: the pool's refusal (nothing is submitted then), or None."""
        try:
            self.node.submit(self.ext(signer, pallet, call, args))
        except TransactionValidityError as exc:
            return exc
        return None

    def refused(self, signer: str, pallet: str, call: str, args: dict) -> str:
        """The pool's refusal as ``"<kind> <detail>"`` (e.g. ``"Custom(6) RateLimitExceeded"``); fails
        the test if the pool takes the call."""
        exc = self.offer(signer, pallet, call, args)
        assert exc is not None, f"{pallet}.{call} was admitted"
        return f"{exc.kind} {exc.detail}".strip()

    def nested(self, signer: str, pallet: str, call: str, args: dict):
        """The call dispatched inside ``Utility.batch_all`` (no transaction extension looks at a batched
        call; the dispatch guards still do): the batch's outcome carries the call's error."""
        return self.call(signer, "Utility", "batch_all", {"calls": [{pallet: {call: args}}]})
