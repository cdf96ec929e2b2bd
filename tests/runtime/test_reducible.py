"""The reducible balance, written with comparisons on the hot path, equals its definition:
free - frozen (not below 0), and not below the existential deposit when the account must stay alive."""
from __future__ import annotations

from hypothesis import given, strategies as st

from tensornet.pallets.balances import EXISTENTIAL_DEPOSIT, Balances

amounts = st.one_of(st.integers(0, 2**64 - 1), st.integers(0, 2 * EXISTENTIAL_DEPOSIT))


@given(amounts, amounts, st.booleans())
def test_reducible_balance_equals_its_definition(free: int, frozen: int, keep_alive: bool) -> None:
    expected = max(free - frozen, 0)
    if keep_alive:
        expected = min(expected, max(free - EXISTENTIAL_DEPOSIT, 0))
    assert Balances._reducible({"free": free, "frozen": frozen}, keep_alive) == expected
