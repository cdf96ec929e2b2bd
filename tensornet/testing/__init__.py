"""testing layer of tensornet."""
