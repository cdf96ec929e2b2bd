"""subnet layer of tensornet."""
