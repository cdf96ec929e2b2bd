"""storage layer of tensornet."""
