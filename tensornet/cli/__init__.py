"""cli layer of tensornet."""
