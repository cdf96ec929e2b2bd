"""A decoded extrinsic crosses from the transaction workers to the node by pickle: every field and the
executive's memos survive, and the immortal era comes back as the module's one instance."""
from __future__ import annotations

import pickle

from tensornet.primitives.era import IMMORTAL, Era


def test_a_checked_extrinsic_survives_pickling(node, tn):
    raw = tn.transfer(node, "Alice", bytes(32), 10**9)
    mortal = tn.transfer(node, "Bob", bytes(32), 10**9, era=Era.mortal(64, node.head.number),
                         birth_hash=node.store.hash_of(node.head.number))
    executive = node.query_executive
    for data in (raw, mortal):
        xt = executive.decode(data)
        executive.check(xt, node.head.number + 1)
        back = pickle.loads(pickle.dumps(xt, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == xt
        assert (back.checked, back.prepared) == (xt.checked, xt.prepared)
    assert pickle.loads(pickle.dumps(IMMORTAL)) is IMMORTAL
    assert executive.decode(raw).extra.era is IMMORTAL
