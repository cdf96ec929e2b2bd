"""tensornet: a Python full node and local devnet for a Bittensor-style chain."""
__version__ = "0.1.0"
