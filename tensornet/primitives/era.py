"""Transaction mortality (``sp_runtime::generic::Era``): immortal or a (period, phase) window."""
from __future__ import annotations

from dataclasses import dataclass

from .scale import ScaleError


@dataclass(frozen=True)
class Era:
    """``period == 0`` means immortal. Mortal eras are valid from ``birth`` for ``period`` blocks."""

    period: int = 0
    phase: int = 0

    @property
    def immortal(self) -> bool:
        return self.period == 0

    @classmethod
    def mortal(cls, period: int, current: int) -> "Era":
        """The era a wallet builds for ``period`` blocks starting at block ``current``."""
        period = min(max(1 << (max(period, 4) - 1).bit_length(), 4), 1 << 16)
        phase = current % period
        quantize = max(period >> 12, 1)
        return cls(period, phase // quantize * quantize)

    def birth(self, current: int) -> int:
        if self.immortal:
            return 0
        return (max(current, self.phase) - self.phase) // self.period * self.period + self.phase

    def death(self, current: int) -> int:
        if self.immortal:
            return 2**64 - 1
        return self.birth(current) + self.period

    def __reduce__(self):
        # the immortal era unpickles as the module's one instance (a decoded extrinsic crosses from
        # the transaction workers to the node with its era: no object per transaction)
        return (_immortal, ()) if self.immortal else (Era, (self.period, self.phase))

    def encode(self) -> bytes:
        if self.immortal:
            return b"\x00"
        quantize = max(self.period >> 12, 1)
        trailing = min(max((self.period).bit_length() - 2, 1), 15)
        encoded = trailing | ((self.phase // quantize) << 4)
        return encoded.to_bytes(2, "little")


#: the immortal era, shared (eras are immutable; most transactions decode to this one)
IMMORTAL = Era()


def _immortal() -> Era:
    return IMMORTAL


def encode_era(value) -> bytes:
    if isinstance(value, Era):
        return value.encode()
    if value in (None, "Immortal", "00", b"\x00"):
        return b"\x00"
    if isinstance(value, dict) and "period" in value:
        return Era(value["period"], value.get("phase", 0)).encode()
    if isinstance(value, tuple) and len(value) == 2:
        return Era(*value).encode()
    raise ScaleError(f"cannot encode {value!r} as an Era")


def decode_era(data: bytes, offset: int = 0) -> tuple[Era, int]:
    """Decode an era; rejects the encodings Substrate rejects (period < 4 or phase ≥ period)."""
    try:
        first = data[offset]
    except IndexError:
        raise ScaleError("unexpected end of input reading Era") from None
    if first == 0:
        return IMMORTAL, offset + 1
    if offset + 2 > len(data):
        raise ScaleError("unexpected end of input reading Era")
    encoded = first | (data[offset + 1] << 8)
    period = 2 << (encoded % (1 << 4))
    quantize = max(period >> 12, 1)
    phase = (encoded >> 4) * quantize
    if period < 4 or phase >= period:
        raise ScaleError("invalid mortal era")
    return Era(period, phase), offset + 2
