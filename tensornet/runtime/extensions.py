"""Signed extensions: their wire shapes (for decoding and metadata) in Substrate's canonical order.

Clients encode ``extra`` and ``additional_signed`` by identifier in a fixed order and skip every
identifier they do not know, so the unknown ones (subtensor's custom extensions) must be zero-sized.
The checks themselves live in the executive, which reads top to bottom like Substrate's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from tensornet.primitives.scale import (
    Array, Compact, Enum, Field, H256, Option, ScaleType, Struct, Tuple, U8, U32, U64,
)

from tensornet.primitives.era import decode_era
from tensornet.primitives.scale import ScaleError

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
    SignedExtension("CheckShieldedTxValidity", _zero_sized("pallet_shield::extension::CheckShieldedTxValidity"), UNIT),
    SignedExtension("SubtensorTransactionExtension", _zero_sized("pallet_subtensor::transaction_extension::SubtensorTransactionExtension"), UNIT),
    SignedExtension("DrandPriority", _zero_sized("pallet_drand::drand_priority::DrandPriority"), UNIT),
    SignedExtension("CheckMetadataHash", Struct("frame_metadata_hash_extension::CheckMetadataHash",
                                                [Field("mode", METADATA_HASH_MODE, "Mode")], params=(("T", None),)),
                    Option(Array(U8, 32))),
)


_NONCE = Compact(U32)
_TIP = Compact(U64)
_MODES = {0: "Disabled", 1: "Enabled"}


class Extra(NamedTuple):
    """The decoded ``extra`` of a signed extrinsic (a named tuple: one is built per decode)."""

    era: Any
    nonce: int
    tip: int
    metadata_hash_mode: str


class ExtensionCodec:
    """Decodes the ``extra`` of our extension tuple and encodes ``additional_signed``."""

    def __init__(self, extensions: tuple[SignedExtension, ...] = SIGNED_EXTENSIONS) -> None:
        self.extensions = extensions
        # Our canonical tuple's extra is era ‖ Compact nonce ‖ Compact tip ‖ mode: decoded directly
        # (every submitted and every included transaction goes through here).
        self._canonical = extensions == SIGNED_EXTENSIONS
        self._additional: dict[tuple, bytes] = {}

    def decode_extra(self, data: bytes, offset: int) -> tuple[Extra, int]:
        if self._canonical:
            era, offset = decode_era(data, offset)
            nonce, offset = _NONCE.decode(data, offset)
            tip, offset = _TIP.decode(data, offset)
            try:
                mode = _MODES[data[offset]]
            except IndexError:
                raise ScaleError("unexpected end of input reading the metadata-hash mode") from None
            except KeyError:
                raise ScaleError(f"Mode has no variant with index {data[offset]}") from None
            return Extra(era, nonce, tip, mode), offset + 1
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
        key = (spec_version, tx_version, genesis, birth_hash, metadata_hash)
        cached = self._additional.get(key)
        if cached is not None:
            return cached
        if len(self._additional) > 8192:
            self._additional.clear()
        self._additional[key] = out = self._encode_additional(spec_version, tx_version, genesis, birth_hash,
                                                              metadata_hash)
        return out

    def _encode_additional(self, spec_version: int, tx_version: int, genesis: bytes, birth_hash: bytes,
                           metadata_hash: bytes | None) -> bytes:
        values = {"CheckSpecVersion": spec_version, "CheckTxVersion": tx_version, "CheckGenesis": genesis,
                  "CheckMortality": birth_hash, "CheckMetadataHash": metadata_hash}
        return b"".join(ext.additional.encode(values.get(ext.identifier, ())) for ext in self.extensions)
