"""TAO amounts typed by users and shown to them: Decimal in, integer rao out, never a float.

``parse_tao("1.5") == 1_500_000_000``; anything finer than a rao, negative, or not a number is a
one-line usage error. ``format_tao`` prints the exact amount with trailing zeros trimmed.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click

RAO_PER_TAO = 10**9
U64_MAX = 2**64 - 1


def parse_tao(text: str, what: str = "amount", allow_zero: bool = False) -> int:
    """Rao for a TAO amount such as ``10``, ``0.000000001`` or ``1_000``; raises click.BadParameter."""
    cleaned = str(text).strip().replace("_", "").replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise click.BadParameter(f"{text!r} is not a number of TAO (e.g. 10 or 0.5)", param_hint=what) from None
    if not value.is_finite():
        raise click.BadParameter(f"{text!r} is not a finite amount", param_hint=what)
    if value < 0:
        raise click.BadParameter(f"{text} is negative; give a positive amount of TAO", param_hint=what)
    rao = value * RAO_PER_TAO
    if rao != rao.to_integral_value():
        raise click.BadParameter(f"{text} has more than 9 decimals (1 rao = 0.000000001 TAO)", param_hint=what)
    rao_int = int(rao)
    if rao_int == 0 and not allow_zero:
        raise click.BadParameter("the amount must be more than 0", param_hint=what)
    if rao_int > U64_MAX:
        raise click.BadParameter(f"{text} TAO does not fit a u64 balance", param_hint=what)
    return rao_int


def tao_param(what: str = "amount", allow_zero: bool = False):
    """A click callback turning the argument into rao."""
    return lambda ctx, param, value: None if value is None else parse_tao(value, what, allow_zero)


def format_tao(rao: int) -> str:
    """``1_500_000_000`` → ``"1.5"``; exact, no float."""
    sign = "-" if rao < 0 else ""
    whole, frac = divmod(abs(rao), RAO_PER_TAO)
    text = f"{whole:,}"
    if frac:
        text += "." + f"{frac:09d}".rstrip("0")
    return sign + text


def tao_str(rao: int) -> str:
    """The plain decimal string for JSON (no thousands separators)."""
    return format_tao(rao).replace(",", "")
