"""Runtime APIs behind ``state_call``: declared once (name, inputs, output type), served and listed.

An API method is called as ``<Api>_<method>`` with SCALE-encoded arguments and returns SCALE bytes.
Declarations carry real input and output types so the V15 metadata ``apis`` section can describe
them and clients (async-substrate-interface, bittensor) decode results with our types. Pallets in
later layers (SubtensorModule, Swap) contribute their own ``RuntimeApi`` objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from tensornet.primitives.scale import ScaleError, ScaleType
from tensornet.runtime.extrinsic import MAX_EXTRINSIC_DEPTH, nesting_depth


class ApiNotFound(LookupError):
    """``state_call`` named a method no API declares."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"Exported method {name} is not found")


class ApiCallFailed(ValueError):
    """The arguments did not decode, or the method rejected them."""


@dataclass(frozen=True)
class ApiMethod:
    name: str
    inputs: Sequence[tuple[str, ScaleType]]
    output: ScaleType
    #: fn(ctx, *decoded_inputs) -> output value; ``ctx`` is a ``CallContext`` of the node
    fn: Callable[..., Any]
    docs: str = ""


@dataclass(frozen=True)
class RuntimeApi:
    name: str
    version: int
    methods: Sequence[ApiMethod]
    docs: str = ""

    @property
    def id(self) -> bytes:
        import hashlib

        return hashlib.blake2b(self.name.encode(), digest_size=8).digest()


def api_ids(apis: Sequence[RuntimeApi]) -> list[tuple[bytes, int]]:
    """The ``apis`` list of RuntimeVersion: (blake2_64(name), version)."""
    return [(api.id, api.version) for api in apis]


@dataclass
class ApiRegistry:
    apis: list[RuntimeApi] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._methods: dict[str, ApiMethod] = {}
        for api in self.apis:
            self._index(api)

    def _index(self, api: RuntimeApi) -> None:
        for m in api.methods:
            self._methods[f"{api.name}_{m.name}"] = m

    def add(self, api: RuntimeApi) -> None:
        self.apis.append(api)
        self._index(api)

    def method(self, full_name: str) -> ApiMethod:
        try:
            return self._methods[full_name]
        except KeyError:
            raise ApiNotFound(full_name) from None

    def call(self, full_name: str, args: bytes, ctx: Any) -> bytes:
        """Decode ``args``, run the method with ``ctx``, encode its result."""
        m = self.method(full_name)
        offset = 0
        values = []
        try:
            for _, t in m.inputs:
                v, offset = t.decode(args, offset)
                values.append(v)
        except ScaleError as exc:
            raise ApiCallFailed(f"Could not decode the arguments of {full_name}: {exc}") from None
        except RecursionError:
            values = None
        if values is None or nesting_depth(values) > MAX_EXTRINSIC_DEPTH:
            raise ApiCallFailed(f"Could not decode the arguments of {full_name}: nested deeper than "
                                f"{MAX_EXTRINSIC_DEPTH} levels")
        if offset != len(args):
            raise ApiCallFailed(f"{len(args) - offset} trailing byte(s) in the arguments of {full_name}")
        return m.output.encode(m.fn(ctx, *values))
