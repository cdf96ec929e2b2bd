"""JSON-RPC errors and the one place where exceptions become JSON-RPC error objects.

Codes and messages follow jsonrpsee (the library Substrate nodes use), because clients sometimes compare
the message text, not only the code.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

log = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL = -32603
TOO_MANY_SUBSCRIPTIONS = -32006
OVERSIZED_REQUEST = -32007
OVERSIZED_RESPONSE = -32008
SERVER_IS_BUSY = -32009

UNSAFE_CALL_MESSAGE = "RPC call is unsafe to be called externally"


class RpcError(Exception):
    """An error a handler raises to answer with a specific JSON-RPC error object."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error

    def __repr__(self) -> str:
        return f"RpcError({self.code}, {self.message!r}, data={self.data!r})"

    @classmethod
    def parse_error(cls, detail: str | None = None) -> RpcError:
        return cls(PARSE_ERROR, "Parse error", detail)

    @classmethod
    def invalid_request(cls, detail: str | None = None) -> RpcError:
        return cls(INVALID_REQUEST, "Invalid request", detail)

    @classmethod
    def method_not_found(cls) -> RpcError:
        return cls(METHOD_NOT_FOUND, "Method not found")

    @classmethod
    def unsafe_call(cls) -> RpcError:
        """Substrate's answer to an unsafe method on a node that only serves safe ones."""
        return cls(METHOD_NOT_FOUND, UNSAFE_CALL_MESSAGE)

    @classmethod
    def invalid_params(cls, detail: str | None = None) -> RpcError:
        return cls(INVALID_PARAMS, "Invalid params", detail)

    @classmethod
    def internal(cls, detail: str | None = None) -> RpcError:
        return cls(INTERNAL, "Internal error", detail)

    @classmethod
    def too_many_subscriptions(cls, limit: int) -> RpcError:
        return cls(TOO_MANY_SUBSCRIPTIONS, "Too many subscriptions on the connection",
                   f"Exceeded max limit of {limit}")

    @classmethod
    def oversized_request(cls, limit: int) -> RpcError:
        return cls(OVERSIZED_REQUEST, "Request is too big", f"Exceeded max limit of {limit}")

    @classmethod
    def oversized_response(cls, limit: int) -> RpcError:
        return cls(OVERSIZED_RESPONSE, "Response is too big", f"Exceeded max limit of {limit}")

    @classmethod
    def server_busy(cls) -> RpcError:
        return cls(SERVER_IS_BUSY, "Server is busy, try again later")


ExceptionMapper = Callable[[BaseException], RpcError]
_mappers: list[tuple[type[BaseException], ExceptionMapper]] = []


def register_exception(exc_type: type[BaseException], mapper: ExceptionMapper) -> None:
    """Let a lower layer's exception (e.g. the pool's invalid-transaction error) answer as a
    JSON-RPC error without the rpc core importing that layer. The most recent registration wins."""
    _mappers.insert(0, (exc_type, mapper))


def to_rpc_error(exc: BaseException, *, method: str | None = None) -> RpcError:
    """Map any exception raised while serving a call to the error object sent back.

    Unknown exceptions are server bugs: they are logged with their traceback and answered with
    -32603 and a short text, so one bad handler never takes the connection or the node down.
    """
    if isinstance(exc, RpcError):
        return exc
    for exc_type, mapper in _mappers:
        if isinstance(exc, exc_type):
            try:
                return mapper(exc)
            except Exception:  # a broken mapper must not turn an error into a crash
                log.exception("error mapper for %s failed", exc_type.__name__)
                break
    log.error("RPC method %s failed", method or "?", exc_info=exc)
    return RpcError.internal(f"{type(exc).__name__}: {exc}"[:200])
