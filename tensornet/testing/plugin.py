"""pytest plugin entry point (``pytest11``) for tensornet's fixtures."""
