"""amm layer of tensornet."""
