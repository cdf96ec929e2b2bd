"""Building signed extrinsics in-process (tests, benchmarks, the devnet's own tooling).

Real clients build the same bytes from our metadata; this mirrors them so the node can be driven
without a client library.
"""
from __future__ import annotations

from tensornet.primitives.era import Era
from tensornet.primitives.keys import KeyPair

from .extensions import ExtensionCodec
from .extrinsic import encode_signed, signing_payload


def sign_extrinsic(runtime, call_bytes: bytes, signer: KeyPair, nonce: int, genesis_hash: bytes, *,
                   era: Era = Era(), birth_hash: bytes | None = None, tip: int = 0,
                   codec: ExtensionCodec | None = None) -> bytes:
    """A signed v4 extrinsic for ``call_bytes``; ``birth_hash`` is required for mortal eras."""
    codec = codec or ExtensionCodec()
    if not era.immortal and birth_hash is None:
        raise ValueError("a mortal era needs the birth block's hash")
    extra = codec.encode_extra(era, nonce, tip)
    additional = codec.encode_additional(runtime.spec_version, runtime.transaction_version, genesis_hash,
                                         genesis_hash if era.immortal else birth_hash)
    signature = signer.sign(signing_payload(call_bytes, extra, additional))
    return encode_signed(call_bytes, signer.public, signature, extra)
