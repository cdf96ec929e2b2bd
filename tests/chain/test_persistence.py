"""Persistence: restart resumes at the head, foreign/corrupt directories are refused and left alone, and a
``tnet node`` killed with SIGKILL while sealing restarts with every block it had and no half block."""
from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

import pytest

from tensornet.chain.store import ChainStore, DatabaseError
from tensornet.primitives.keys import dev_keypair

ALICE, BOB = dev_keypair("Alice").public, dev_keypair("Bob").public


def _tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def test_restart_resumes_at_the_head_with_identical_history(tmp_path, tn):
    d = str(tmp_path / "db")
    node = tn.make_node(base_path=d)
    for i in range(3):
        node.submit(tn.transfer(node, "Alice", BOB, 10**9))
        node.seal_block()
    node.seal_blocks(2)
    hashes = [node.store.hash_of(n) for n in range(node.head.number + 1)]
    head, alice = node.head, tn.account(node, ALICE)
    old_root = node.store.header(hashes[2]).state_root
    node.store.close()

    again = tn.make_node(base_path=d)
    assert again.head == head and again.genesis_hash == hashes[0]
    assert [again.store.hash_of(n) for n in range(head.number + 1)] == hashes
    assert tn.account(again, ALICE) == alice
    assert again.store.state_at(hashes[2]).root == old_root            # history readable after restart
    assert tn.account(again, ALICE, hashes[1])["nonce"] == 1
    assert again.store.tx_location(__import__("hashlib").blake2b(again.store.body(hashes[1])[2],
                                                                  digest_size=32).digest()) == (hashes[1], 2)
    again.submit(tn.transfer(again, "Alice", BOB, 10**9))
    built = again.seal_block()
    assert built.block.header.parent_hash == hashes[-1] and len(built.applied) == 1
    again.store.close()


def test_a_foreign_directory_is_refused_and_left_untouched(tmp_path, tn):
    d = tmp_path / "photos"
    d.mkdir()
    (d / "cat.jpg").write_bytes(b"\xff\xd8 not a database")
    before = _tree(d)
    with pytest.raises(DatabaseError, match="not a tensornet database"):
        tn.make_node(base_path=str(d))
    assert _tree(d) == before
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(DatabaseError):
        ChainStore.open(str(f))


def test_a_leveldb_of_another_application_is_refused(tmp_path, tn):
    import plyvel

    d = tmp_path / "other"
    db = plyvel.DB(str(d), create_if_missing=True)
    db.put(b"someone", b"else's data")
    db.close()
    with pytest.raises(DatabaseError, match="not tensornet's"):
        tn.make_node(base_path=str(d))
    db = plyvel.DB(str(d))
    assert list(db.iterator()) == [(b"someone", b"else's data")]
    db.close()


def test_a_corrupt_database_is_refused_and_its_files_kept(tmp_path, tn):
    d = tmp_path / "db"
    node = tn.make_node(base_path=str(d))
    node.seal_blocks(2)
    node.store.close()
    (d / "CURRENT").write_bytes(b"MANIFEST-999999\n")  # points at a manifest that does not exist
    keep = {k: v for k, v in _tree(d).items() if not k.startswith("LOG")}
    with pytest.raises(DatabaseError, match="cannot open"):
        tn.make_node(base_path=str(d))
    after = {k: v for k, v in _tree(d).items() if not k.startswith("LOG")}
    assert {k: after.get(k) for k in keep} == keep


def test_another_chains_database_is_refused(tmp_path, tn):
    from tensornet.chain.spec import preset
    from tensornet.node.node import Node, NodeConfig

    d = str(tmp_path / "db")
    tn.make_node(base_path=d, preset_name="fast").store.close()
    # same genesis state, different runtime rules (the test preset's devnet conveniences)
    with pytest.raises(DatabaseError, match="differs in"):
        tn.make_node(base_path=d, preset_name="test")
    other = preset("fast")
    other.genesis.balances = other.genesis.balances[:1]
    with pytest.raises(DatabaseError, match="belongs to another chain"):
        Node(NodeConfig(other, base_path=d, sealing="manual"))
    # the original spec still opens it, whatever the sealing mode
    tn.make_node(base_path=d, preset_name="fast", sealing="instant").store.close()


def test_tnet_node_refuses_a_foreign_directory_with_one_line(tmp_path, tn):
    d = tmp_path / "notes"
    d.mkdir()
    (d / "todo.txt").write_text("buy milk")
    res = tn.run_tnet("node", "--base-path", str(d), "--preset", "test", "--rpc-port", "0")
    assert res.returncode == 1 and "refusing" in res.stderr and "Traceback" not in res.stderr
    assert (d / "todo.txt").read_text() == "buy milk" and os.listdir(d) == ["todo.txt"]


# --- kill -9 while sealing -----------------------------------------------------------------------------

def _submitter(proc, stop: threading.Event) -> None:
    """Keeps transactions flowing so blocks have bodies (errors while the node dies are expected)."""
    from tensornet.chain.runtime_def import build_runtime
    from tensornet.runtime.signer import sign_extrinsic

    rt = build_runtime()
    try:
        genesis = bytes.fromhex(proc.rpc("chain_getBlockHash", [0])[2:])
    except Exception:
        return
    sender = dev_keypair("Charlie")
    call = rt.encode_call("Balances", "transfer_keep_alive", {"dest": {"Id": BOB}, "value": 10**9})
    while not stop.is_set():
        try:
            nonce = proc.rpc("account_nextIndex", [sender.ss58])
            raw = sign_extrinsic(rt, call, sender, nonce, genesis)
            proc.rpc("author_submitExtrinsic", ["0x" + raw.hex()])
        except Exception:
            time.sleep(0.01)


def _crash_once(base: str, tn, rng: random.Random, seen: dict[int, str]) -> None:
    proc = tn.TnetProcess.node(base, sealing="50")
    proc.start()
    stop = threading.Event()
    t = threading.Thread(target=_submitter, args=(proc, stop), daemon=True)
    t.start()
    deadline = time.monotonic() + rng.uniform(0.4, 1.5)
    last_reported = 0
    while time.monotonic() < deadline:
        head = proc.rpc("chain_getHeader", [])
        n = int(head["number"], 16)
        seen[n] = proc.rpc("chain_getBlockHash", [n])
        last_reported = max(last_reported, n)
    proc.kill()                                   # SIGKILL while it keeps sealing every 50 ms
    stop.set()
    t.join(5)

    again = tn.TnetProcess.node(base, sealing="manual")
    again.start()
    try:
        head_n = int(again.rpc("chain_getHeader", [])["number"], 16)
        assert head_n >= last_reported, "the restarted head is behind what RPC reported before the crash"
        for n, h in seen.items():
            assert again.rpc("chain_getBlockHash", [n]) == h, f"block #{n} changed across the crash"
        parent = None
        for n in range(head_n + 1):          # a complete chain: every block, body and parent link present
            h = again.rpc("chain_getBlockHash", [n])
            block = again.rpc("chain_getBlock", [h])["block"]
            assert int(block["header"]["number"], 16) == n
            if parent is not None:
                assert block["header"]["parentHash"] == parent
                assert len(block["extrinsics"]) >= 1  # at least the timestamp inherent
            parent = h
            seen[n] = h
    finally:
        again.terminate()
    # the flat head state agrees with the head's state root (no half-applied state)
    store = ChainStore.open(base)
    try:
        from tensornet.chain.store import TrieState

        head = store.head
        flat, trie = store.state_at(None), TrieState(head.state_root, store.nodes)
        keys = [k for k, _ in flat.iterate(b"")]
        assert keys == [k for k, _ in trie.iterate(b"")]
        assert all(flat.get(k) == trie.get(k) for k in keys)
    finally:
        store.close()


def test_sigkill_while_sealing_loses_nothing(tmp_path, tn):
    seen: dict[int, str] = {}
    _crash_once(str(tmp_path / "db"), tn, random.Random(1), seen)
    assert len(seen) >= 2


@pytest.mark.slow
def test_sigkill_while_sealing_repeatedly(tmp_path, tn):
    rng = random.Random(7)
    seen: dict[int, str] = {}
    for _ in range(5):
        _crash_once(str(tmp_path / "db"), tn, rng, seen)
    assert len(seen) >= 10
