"""wallet layer of tensornet."""
