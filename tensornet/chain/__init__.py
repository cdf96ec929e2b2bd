"""chain layer of tensornet."""
