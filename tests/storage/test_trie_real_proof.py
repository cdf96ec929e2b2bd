"""Proof verification against a real chain: a Polkadot genesis storage proof (state version 0)."""
from __future__ import annotations

import pytest

from tensornet.primitives.scale import decode_compact
from tensornet.storage.trie import (
    IncompleteProofError,
    MemoryNodes,
    get,
    iter_keys,
    verify_proof,
)
from tensornet.storage.trie_codec import blake2_256

# SCALE Vec<Vec<u8>> of trie nodes, from smoldot lib/src/trie/proof_decode/tests.rs (EXAMPLE_PROOF,
# "key/value taken from the Polkadot genesis block"); the root is Polkadot's genesis state root.
POLKADOT_GENESIS_PROOF = bytes.fromhex(
    "18d47d01542596adb05d6140c170ac479edf7cfd5aa35357590acfe5d11a804d944e500d1456fdda7b8ec7f9e5c794cd"
    "83194f0593e4ea3505803f93804e4c6c4222b747e507008ef1def063bb0d2deeadf17ef4b10e71624d3a0cf81c80241f"
    "2c06f22ec58968fb68d432319e25e6c8faa3ad2c5ca9ee48f2e8ed158e2480ad8a68234932269846bc40240a47cfd8d8"
    "857b1d81e167bfb24c947a4cdad9e680c84590e39f8b79a2694ad2bf7e7258af686b472f38b064bbce7d08404931a430"
    "805c72f25b1b6304d16667e2766fa1a906cb081788eb4502787df7c3597412b17b806e21c5f1a24a196615b4e5b36d21"
    "280cdcc80098c1e2bce8eeaf301e9951767480424f1acd80ba074a2ce8d180bf3488a5ca91cb81fba96c8c3c1d33eacb"
    "b18160805e849d5c148ca361a55a2c9b384e17ce919e936ccb8011a4f72504e9f93db8cd80edd005a1495c70250d77f8"
    "1c24c15a9919f034f7983df8e505e53a5af7b402138012a0dd90497b65312bda67ea15996578eeb3891bca8666951a32"
    "6612418e3143b10480555d8043fb497c1b2a7b9e4feb59f410c1a29e28b2a628ff9c6003e080f6b9fadd95f9806e8d91"
    "1b6818038eb7c8534af8e78e9920a1ab8d939c36d3e69b0a1e5928110b80ba4d3f543957f422b40c8e74af9de00acbeb"
    "a8154afca57a7f80fbbcfebb1e4a803d1b8f5cf1788b294537b8fd2d34acec4646a7627c6cd3d2039af64ff5d1976d80"
    "e7620f21cf13964f29d34ba708c3b44ea45ea11c58fbbedda29d13470bc80ca080f98aae4f83d81bf15d88019e5c303d"
    "7c19d0524e84c714e05f61517cde0b138280d518faf566fdc4d045094abe372bb3bbecd4753f76db8c41ba9fc015558b"
    "f23a80908f991126d12ce7acd55508ff1e7dffa56f742401e1814fc1469658a78c7a7f8001b0a08da0c83253d5c0cb87"
    "7286c062da2f530ae424fe2545377941fd016913350580b3a780a29fac7f7dfae21d05d9506e7da6515b7fa1ad970ff8"
    "76de35f1bec2599ec002805b6772dc6a4e7604c8d0652479f95b343607c2d9138c59eeb799d85bf43b6bbf803d12becb"
    "6a4b9919ddc7c5973d04eed7696c834f90c779fc1fcf7350ccc28d6b805f33ebcf191fddcf3b3f346ec336c105c74b40"
    "a4d35dfda0c592f2bea00084e980f764c733d6e35771a9b26a1fa86b9bec59742b046f698be6c140af1073897d3d80cd"
    "3bc8c3ce3cf8359f7371a13316f02fd22b02a3d327684a2b61f4a47e0022b880da752afaeb925d5300e45b851052c5f8"
    "a9c5aae884f15d64764edf961b8b22c880bf1fa9c7e4c94340dbafd75cbe016c980d0e5d5b4e76823fa11e61629014c3"
    "4b804f54a15e5d51d02b84e8cae94c9833ae81e56b8f0b684d257f6f722ee66cadf98094833fb2dce8c78d443cd6786e"
    "0c01d8974a4b779c178ef5e66b49e021dd7f1ae1029f0c5d795d0297be56027a4b2464e33397609280f332ff556abf5d"
    "af0d34523df7c8cd1369bcb6adbb23a48093bf070a9711bf3480382934134aa919b59c16ff8de8d97a7fdcc2448ea327"
    "b26f44005d756d1785878081d634140b36ce031c4b6c6266e2a7c19d9a88e38fdd8ad23abd3db20e714f6980fde17041"
    "f22f09609d79dbe38dcccefcaac139c7a10fb23bd284c1c492b004fd80d287ad1d0ade65e64d3969f4ab85a370768160"
    "31438cea0bf8c33b7b2bc6c3308d089f03e6d3c1fb15805edfd024172ea4817dffff80152833e34a852e9751cfc0f954"
    "aeb835e1f843936ba9979853a40e439937255f806a36e0ad23fb3224fff6e6db62048463a7f27ccb92f65b4e348acd5a"
    "7aa3a0688027b6e099c11581fb2e8acf3b6b94eaed442277b9a74ce7f922f6e3bf2959867b80fd0cc2c846db6a9ed19a"
    "715d6c3cd46a48b7f409883c70b2d4c978b306de379e80ab008a78c340f5cc75d99cdb905951936686445c834719be21"
    "f7620b950dcd5c806d86af54d5dfb1c06f3fefdd5a430861c0d19e25fad4bad07c6e70d4a679f0b880f35edc5400b666"
    "1fb1e6fba7c599c8ba891458d14400030fa506999a1972369f80746cdaa0b7da2e9c3864971f50f12d9b4281f804d5a2"
    "dba6ebe06959b2a9fb47802ecfde11456423c87fed8068f414a5ba44ebe3ae91b06d14cc231a78d4aba68e80f6552918"
    "33a49cf23d057bb15c42d377c55d50f5885329060b0aaab22283cbb1808c95fb2b62baf30718b8330ef68a527c97c1bc"
    "9960304353224d8a8ae88a79d58045c1b6d9904ae171d573bdcebaa05142d81648bdbeb16ceeddc54a0ed15d3e2b80a8"
    "ea193282fe85b6481707091c77c9218ea19de914e75950925fe86400fb0cb080c222ceab5355eaa41da807146f2e2df7"
    "ff648c3e8bbb6d8ee23274ba724551b18008f142dc3c59bf1151c829ecefea35919e80453db5e9669f5a73899aaa5166"
    "ee804f1d21fbdc0180c4de886bf40f91dfc2202b3eb6d42548d476908041dd617bb8"
)
POLKADOT_GENESIS_STATE_ROOT = bytes.fromhex("29d0d972cd27cbc511e9589fcb7a4506d5eb6a9e8df205f00472e5ab354a4e17")
KEY = bytes.fromhex("9c5d795d0297be56027a4b2464e3339763e6d3c1fb15805edfd024172ea4817d"
                    "7081542596adb05d6140c170ac479edf7cfd5aa35357590acfe5d11a804d944e")


def _nodes() -> list[bytes]:
    count, pos = decode_compact(POLKADOT_GENESIS_PROOF, 0)
    nodes = []
    for _ in range(count):
        length, pos = decode_compact(POLKADOT_GENESIS_PROOF, pos)
        nodes.append(POLKADOT_GENESIS_PROOF[pos:pos + length])
        pos += length
    assert pos == len(POLKADOT_GENESIS_PROOF)
    return nodes


def test_real_proof_proves_presence_and_absence():
    proof = _nodes()
    assert verify_proof(POLKADOT_GENESIS_STATE_ROOT, proof, KEY) == bytes.fromhex(
        "0d1456fdda7b8ec7f9e5c794cd83194f0593e4ea")
    assert verify_proof(POLKADOT_GENESIS_STATE_ROOT, proof, KEY + b"\x25") is None


def test_real_proof_cannot_decide_other_keys():
    proof = _nodes()
    with pytest.raises(IncompleteProofError):
        verify_proof(POLKADOT_GENESIS_STATE_ROOT, proof, KEY[:33] + b"\x00")
    with pytest.raises(IncompleteProofError):
        verify_proof(bytes(32), proof, b"")


def test_real_proof_nodes_as_a_partial_store():
    store = MemoryNodes({blake2_256(n): n for n in _nodes()})
    assert get(POLKADOT_GENESIS_STATE_ROOT, KEY, store) == bytes.fromhex("0d1456fdda7b8ec7f9e5c794cd83194f0593e4ea")
    # the only key below this 32-byte prefix that the proof holds
    assert list(iter_keys(POLKADOT_GENESIS_STATE_ROOT, KEY[:40], None, store)) == [KEY]
