"""runtime layer of tensornet."""
