"""Transaction validity, as sp_runtime's ``TransactionValidity``: what the pool needs from the runtime."""
from __future__ import annotations

from typing import NamedTuple

#: sp_runtime InvalidTransaction variants and the text Substrate's RPC shows for each
INVALID_MESSAGES = {
    "Call": "Transaction call is not expected",
    "Payment": "Inability to pay some fees (e.g. account balance too low)",
    "Future": "Transaction will be valid in the future",
    "Stale": "Transaction is outdated",
    "BadProof": "Transaction has a bad signature",
    "AncientBirthBlock": "Transaction has an ancient birth block",
    "ExhaustsResources": "Transaction would exhaust the block limits",
    "BadMandatory": "A call was labelled as mandatory, but resulted in an Error.",
    "MandatoryValidation": "Transaction dispatch is mandatory; transactions must not be validated.",
    "BadSigner": "Invalid signing address",
    "IndeterminateImplicit": "The implicit data was unable to be calculated",
    "UnknownOrigin": "The transaction extension did not authorize any origin",
}

#: subtensor's InvalidTransaction::Custom codes (common/src/transaction_error.rs)
CUSTOM_CODES = {
    "ColdkeyInSwapSchedule": 0, "StakeAmountTooLow": 1, "BalanceTooLow": 2, "SubnetNotExists": 3,
    "HotkeyAccountDoesntExist": 4, "NotEnoughStakeToWithdraw": 5, "RateLimitExceeded": 6,
    "InsufficientLiquidity": 7, "SlippageTooHigh": 8, "TransferDisallowed": 9, "HotKeyNotRegisteredInNetwork": 10,
    "InvalidIpAddress": 11, "ServingRateLimitExceeded": 12, "InvalidPort": 13, "ZeroMaxAmount": 14,
    "InvalidRevealRound": 15, "CommitNotFound": 16, "CommitBlockNotInRevealRange": 17, "InputLengthsUnequal": 18,
    "UidNotFound": 19, "EvmKeyAssociateRateLimitExceeded": 20, "ColdkeySwapDisputed": 21, "InvalidRealAccount": 22,
    "FailedShieldedTxParsing": 23, "InvalidShieldedTxPubKeyHash": 24, "NonAssociatedColdKey": 25,
    "DelegateTakeTooLow": 26, "DelegateTakeTooHigh": 27, "BadRequest": 255,
}


class TransactionValidityError(Exception):
    """An extrinsic that must not be included. ``kind`` is the sp_runtime variant name."""

    #: JSON-RPC code: 1010 for invalid, 1011 for unknown validity
    rpc_code = 1010

    def __init__(self, kind: str, detail: str = "") -> None:
        self.kind = kind
        self.detail = detail
        super().__init__(self.message)

    @property
    def message(self) -> str:
        base = INVALID_MESSAGES.get(self.kind, f"Custom error: {self.kind}")
        return f"{base}: {self.detail}" if self.detail else base


class InvalidTransaction(TransactionValidityError):
    """sp_runtime ``InvalidTransaction``; custom subtensor errors use kind ``Custom(<code>)``."""

    @classmethod
    def custom(cls, name: str) -> "InvalidTransaction":
        return cls(f"Custom({CUSTOM_CODES.get(name, 255)})", name)


class UnknownTransaction(TransactionValidityError):
    rpc_code = 1011

    @property
    def message(self) -> str:
        return {"CannotLookup": "Could not lookup information required to validate the transaction",
                "NoUnsignedValidator": "Could not find an unsigned validator for the unsigned transaction"}.get(
            self.kind, f"Unknown transaction validity: {self.kind}")


class ValidTransaction(NamedTuple):
    """What a valid transaction means to the pool (Substrate's ``ValidTransaction``). A named tuple:
    immutable like a frozen dataclass, and one is built per validation, where its cost shows."""

    priority: int
    requires: tuple[bytes, ...]
    provides: tuple[bytes, ...]
    longevity: int
    propagate: bool = True
