"""primitives layer of tensornet."""
