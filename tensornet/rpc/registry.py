"""The method registry: which JSON-RPC names exist, which handler serves each, and how params bind.

Namespace modules (system, chain, state, author, ...) register into one `MethodRegistry`; the server
resolves every request by name here, so `rpc_methods` and the dispatcher can never disagree.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Literal, Sequence

from tensornet.rpc.errors import RpcError

if TYPE_CHECKING:
    from tensornet.rpc.subscriptions import SubscriptionTable

RESERVED_NAMES = frozenset({"rpc_methods"})  # served by the server itself

Kind = Literal["call", "subscribe", "unsubscribe"]


@dataclass(slots=True)
class CallContext:
    """What a handler may know about the caller and its connection."""

    method: str  # the name the client used (may be an alias)
    remote: str | None
    is_websocket: bool
    connection_id: int
    subscriptions: SubscriptionTable | None = None  # None over HTTP

    @property
    def subscriptions_allowed(self) -> bool:
        return self.subscriptions is not None


_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def positional_arity(signature: inspect.Signature) -> tuple[int, int] | None:
    """(required, total) for a signature of plain positional parameters, else None.

    Lets the common case skip `Signature.bind`, which costs more than a typical handler.
    """
    required = total = 0
    for param in signature.parameters.values():
        if param.kind not in _POSITIONAL:
            return None
        total += 1
        if param.default is param.empty:
            required += 1
    return required, total


@dataclass(frozen=True)
class Entry:
    """One registered handler; aliases share the same entry."""

    name: str  # canonical name
    kind: Kind
    handler: Callable[..., Any]
    unsafe: bool
    signature: inspect.Signature
    subscription_kind: str | None = None  # for subscribe/unsubscribe: the subscribe method's name
    notification: str | None = None  # for subscribe: the notification method name
    arity: tuple[int, int] | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "arity", positional_arity(self.signature))

    def bind(self, leading: tuple[Any, ...], params: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """Bind JSON params (list → positional, object → keywords) after the leading arguments.

        A mismatch is the client's fault, so it is reported as -32602 rather than a server error.
        """
        if params is None:
            params = []
        if isinstance(params, list) and self.arity is not None:
            required, total = self.arity
            if required <= len(leading) + len(params) <= total:
                return (*leading, *params), {}
            lo, hi = required - len(leading), total - len(leading)
            expected = str(lo) if lo == hi else f"{lo} to {hi}"
            raise RpcError.invalid_params(f"expected {expected} params, got {len(params)}")
        try:
            if isinstance(params, list):
                bound = self.signature.bind(*leading, *params)
            elif isinstance(params, dict):
                bound = self.signature.bind(*leading, **params)
            else:
                raise RpcError.invalid_params("params must be an array or an object")
        except TypeError as exc:
            raise RpcError.invalid_params(str(exc)) from None
        return bound.args, bound.kwargs

    def call(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Run the handler. An async handler's awaitable is returned as it is, for the server to
        await; a plain one is answered without a task or an await (almost every handler is plain)."""
        return self.handler(*args, **kwargs)


def _unsubscribe_signature(sub_id: Any) -> None:
    """Signature every unsubscribe method binds its params against: exactly one subscription id."""


_UNSUBSCRIBE_SIGNATURE = inspect.signature(_unsubscribe_signature)


class MethodRegistry:
    """Name → handler table shared by every connection of one server."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}

    def _add(self, *groups: tuple[Sequence[str], Entry]) -> None:
        """Register every (names, entry) group, or none of them if any name is unusable."""
        all_names = [name for names, _ in groups for name in names]
        if len(set(all_names)) != len(all_names):
            raise ValueError(f"duplicate names in {all_names}")
        for name in all_names:
            if not isinstance(name, str) or not name:
                raise ValueError(f"invalid RPC method name {name!r}")
            if name in RESERVED_NAMES:
                raise ValueError(f"{name} is served by the RPC server itself")
            if name in self._entries:
                raise ValueError(f"RPC method {name} is already registered")
        for names, entry in groups:
            for name in names:
                self._entries[name] = entry

    def method(self, name: str, *, aliases: Sequence[str] = (), unsafe: bool = False
               ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register `f(ctx, *params)` (sync or async) under `name` and its aliases."""

        def decorator(handler: Callable[..., Any]) -> Callable[..., Any]:
            entry = Entry(name=name, kind="call", handler=handler, unsafe=unsafe,
                          signature=inspect.signature(handler))
            self._add(([name, *aliases], entry))
            return handler

        return decorator

    def subscription(self, subscribe: str, unsubscribe: str, notification: str, *,
                     aliases: Sequence[str] = (), unsubscribe_aliases: Sequence[str] = (),
                     unsafe: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register `f(ctx, sub, *params)` as the subscribe method; the unsubscribe is generated.

        The handler runs before the id is answered, so it should register (e.g. with an event hub,
        cleaning up through `sub.on_close`) and return promptly. If it raises, the client gets that
        error instead of an id (how an invalid extrinsic becomes 1010 on the submit call itself)
        and the subscription is closed; what it `send`s meanwhile is held back until the id has
        been queued, so the id always reaches the client first.
        """

        def decorator(handler: Callable[..., Any]) -> Callable[..., Any]:
            sub_entry = Entry(name=subscribe, kind="subscribe", handler=handler, unsafe=unsafe,
                              signature=inspect.signature(handler), subscription_kind=subscribe,
                              notification=notification)
            unsub_entry = Entry(name=unsubscribe, kind="unsubscribe", handler=_unsubscribe_signature,
                                unsafe=unsafe, signature=_UNSUBSCRIBE_SIGNATURE,
                                subscription_kind=subscribe)
            self._add(([subscribe, *aliases], sub_entry), ([unsubscribe, *unsubscribe_aliases], unsub_entry))
            return handler

        return decorator

    def lookup(self, name: str) -> Entry | None:
        return self._entries.get(name)

    def names(self, *, include_unsafe: bool = True) -> list[str]:
        """All served names including aliases, sorted (what `rpc_methods` lists)."""
        return sorted(n for n, e in self._entries.items() if include_unsafe or not e.unsafe)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

