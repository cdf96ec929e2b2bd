"""Signed extensions: their wire shapes (for decoding and metadata) in Substrate's canonical order.

Clients encode ``extra`` and ``additional_signed`` by identifier in a fixed order and skip every
identifier they do not know, so the unknown ones (subtensor's custom extensions) must be zero-sized.
The checks themselves live in the executive, which reads top to bottom like Substrate's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tensornet.primitives.scale import (
    Array, Compact, Enum, Field, H256, Option, ScaleType, Struct, Tuple, U8, U32, U64,
)

from .types import ERA

UNIT = Tuple()
METADATA_HASH_MODE = Enum(("frame_metadata_hash_extension", "Mode"), ["Disabled", "Enabled"], type_name="Mode")


@dataclass(frozen=True)
class SignedExtension:
    identifier: str
    ty: ScaleType          # the extension type (its encoding is the ``extra``)
    additional: ScaleType  # the ``additional_signed`` type


def _zero_sized(path: str) -> Struct:
    return Struct(path, [], params=(("T", None),))


SIGNED_EXTENSIONS: tuple[SignedExtension, ...] = (
    SignedExtension("CheckNonZeroSender", _zero_sized("frame_system::extensions::check_non_zero_sender::CheckNonZeroSender"), UNIT),
    SignedExtension("CheckSpecVersion", _zero_sized("frame_system::extensions::check_spec_version::CheckSpecVersion"), U32),
    SignedExtension("CheckTxVersion", _zero_sized("frame_system::extensions::check_tx_version::CheckTxVersion"), U32),
    SignedExtension("CheckGenesis", _zero_sized("frame_system::extensions::check_genesis::CheckGenesis"), H256),
    SignedExtension("CheckMortality", Struct("frame_system::extensions::check_mortality::CheckMortality",
                                             [Field(None, ERA, "Era")], params=(("T", None),)), H256),
    SignedExtension("CheckNonce", Struct("frame_system::extensions::check_nonce::CheckNonce",
                                         [Field(None, Compact(U32), "T::Nonce")], params=(("T", None),)), UNIT),
    SignedExtension("CheckWeight", _zero_sized("frame_system::extensions::check_weight::CheckWeight"), UNIT),
    SignedExtension("ChargeTransactionPayment", Struct("pallet_transaction_payment::ChargeTransactionPayment",
                                                       [Field(None, Compact(U64), "BalanceOf<T>")], params=(("T", None),)), UNIT),
    SignedExtension("SudoTransactionExtension", _zero_sized("pallet_sudo::extension::CheckOnlySudoAccount"), UNIT),
    SignedExtension("SubtensorTransactionExtension", _zero_sized("pallet_subtensor::transaction_extension::SubtensorTransactionExtension"), UNIT),
    SignedExtension("DrandPriority", _zero_sized("pallet_drand::drand_priority::DrandPriority"), UNIT),
    SignedExtension("CheckMetadataHash", Struct("frame_metadata_hash_extension::CheckMetadataHash",
                                                [Field("mode", METADATA_HASH_MODE, "Mode")], params=(("T", None),)),
                    Option(Array(U8, 32))),
)


@dataclass(frozen=True)
class Extra:
    """The decoded ``extra`` of a signed extrinsic."""

    era: Any
    nonce: int
    tip: int
    metadata_hash_mode: str


class ExtensionCodec:
    """Decodes the ``extra`` of our extension tuple and encodes ``additional_signed``."""

    def __init__(self, extensions: tuple[SignedExtension, ...] = SIGNED_EXTENSIONS) -> None:
        self.extensions = extensions

    def decode_extra(self, data: bytes, offset: int) -> tuple[Extra, int]:
        values: dict[str, Any] = {}
        for ext in self.extensions:
            values[ext.identifier], offset = ext.ty.decode(data, offset)
        mode = values["CheckMetadataHash"]["mode"]
        return Extra(values["CheckMortality"], values["CheckNonce"], values["ChargeTransactionPayment"], mode), offset

    def encode_extra(self, era: Any, nonce: int, tip: int, mode: str = "Disabled") -> bytes:
        values = {"CheckMortality": era, "CheckNonce": nonce, "ChargeTransactionPayment": tip,
                  "CheckMetadataHash": {"mode": mode}}
        return b"".join(ext.ty.encode(values.get(ext.identifier)) for ext in self.extensions)

    def encode_additional(self, spec_version: int, tx_version: int, genesis: bytes, birth_hash: bytes,
                          metadata_hash: bytes | None = None) -> bytes:
        values = {"CheckSpecVersion": spec_version, "CheckTxVersion": tx_version, "CheckGenesis": genesis,
                  "CheckMortality": birth_hash, "CheckMetadataHash": metadata_hash}
        return b"".join(ext.additional.encode(values.get(ext.identifier, ())) for ext in self.extensions)
