"""A small JSON-RPC client over HTTP for read commands and ``dev_*`` powers.

substrate-interface costs ~0.8 s to import, more than the whole budget of a read command, so
reads that need no metadata (balances, heads, dev powers) go through this client instead: one POST
per call with the standard library. The node serves HTTP and WebSocket on the same port, so
``ws://host:port`` becomes ``http://host:port``.
"""
from __future__ import annotations

import json
from typing import Any

import click

DEFAULT_URL = "ws://127.0.0.1:9944"


class NodeUnreachable(click.ClickException):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot reach a node at {url} ({reason}): start one with `tnet devnet` or pass --url")


class RpcFailed(click.ClickException):
    """The node answered with a JSON-RPC error."""

    def __init__(self, method: str, error: dict) -> None:
        self.code = error.get("code")
        message = error.get("message", "error")
        if self.code == -32601 and method.startswith("dev_"):
            message = f"{method} is not served here: dev powers exist only on `tnet devnet`"
        elif error.get("message") == "RPC call is unsafe to be called externally":
            message = f"{method} is refused: restart the devnet with --rpc-methods unsafe"
        super().__init__(message)


def http_url(url: str) -> str:
    if url.startswith("ws://"):
        return "http://" + url[5:]
    if url.startswith("wss://"):
        return "https://" + url[6:]
    if url.startswith(("http://", "https://")):
        return url
    raise click.BadParameter(f"{url!r} is not a ws://, wss://, http:// or https:// URL", param_hint="--url")


class RpcClient:
    def __init__(self, url: str, timeout: float = 600.0) -> None:
        self.url = url
        self.endpoint = http_url(url)
        self.timeout = timeout
        self._id = 0

    def call(self, method: str, *params: Any) -> Any:
        import urllib.error
        import urllib.request

        self._id += 1
        body = json.dumps({"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)}).encode()
        request = urllib.request.Request(self.endpoint, body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                reply = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise NodeUnreachable(self.url, f"HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise NodeUnreachable(self.url, str(getattr(reason, "strerror", None) or reason)) from None
        except ValueError:
            raise NodeUnreachable(self.url, "the answer is not JSON-RPC") from None
        if "error" in reply:
            raise RpcFailed(method, reply["error"])
        return reply.get("result")


def url_option(func):
    return click.option("--url", "--subtensor.chain_endpoint", "url", default=DEFAULT_URL, show_default=True,
                        envvar="TNET_URL", help="The node's RPC endpoint.")(func)


def json_option(func):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def yes_option(func):
    return click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")(func)
