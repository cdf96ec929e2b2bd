"""consensus layer of tensornet."""
