"""Test your subnet against a real (in-process) chain: the ``chain`` and ``devnet`` pytest fixtures
and helpers named as in subtensor's test mock. See :mod:`tensornet.testing.plugin`."""
from tensornet.testing.accounts import account_id, keypair
from tensornet.testing.chain import Chain, Receipt
from tensornet.testing.devnet import Devnet, DevnetError

__all__ = ["Chain", "Devnet", "DevnetError", "Receipt", "account_id", "keypair"]
