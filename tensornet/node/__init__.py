"""node layer of tensornet."""
