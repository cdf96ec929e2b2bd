"""pallets layer of tensornet."""
