"""rpc layer of tensornet."""
