"""TAO amounts: Decimal in, integer rao out, exact both ways; bad amounts are usage errors."""
from __future__ import annotations

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tensornet.cli.amounts import format_tao, parse_tao, tao_str


@pytest.mark.parametrize("text,rao", [("1", 10**9), ("0.000000001", 1), ("1.5", 1_500_000_000), ("1_000", 10**12),
                                      ("18446744073.709551615", 2**64 - 1), (" 2 ", 2 * 10**9), ("1e3", 10**12)])
def test_parse(text, rao):
    assert parse_tao(text) == rao


@pytest.mark.parametrize("text,message", [("-1", "negative"), ("abc", "not a number"), ("0.0000000001", "9 decimals"),
                                          ("0", "more than 0"), ("nan", "finite"), ("18446744073.709551616", "u64"),
                                          ("inf", "finite")])
def test_bad_amounts(text, message):
    with pytest.raises(click.BadParameter, match=message):
        parse_tao(text)


def test_zero_when_allowed():
    assert parse_tao("0", allow_zero=True) == 0


@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_round_trip_is_exact(rao):
    assert parse_tao(tao_str(rao), allow_zero=True) == rao
    assert format_tao(rao).replace(",", "") == tao_str(rao)


def test_format():
    assert format_tao(1_234_567_000_000_001) == "1,234,567.000000001"
    assert format_tao(0) == "0" and format_tao(-5) == "-0.000000005"
