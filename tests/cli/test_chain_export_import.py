"""`tnet chain export` / `tnet chain import` on stopped nodes' databases: a verified round trip with
--json and exit codes, one-line refusals (locked, tampered, another chain, bad ranges), and the
progress bars of export, import and `chain advance`."""
from __future__ import annotations

import json
import os
import struct

import pytest
from cli_helpers import Devnet, run, run_json

from tensornet.chain.export import read_header
from tensornet.chain.spec import ChainSpec
from tensornet.chain.store import ChainStore
from tensornet.node.node import Node, NodeConfig
from tensornet.primitives.keys import dev_keypair

TAO = 10**9
BOB = dev_keypair("Bob").public
SPEC_FLAGS = ("--preset", "test")


@pytest.fixture(scope="module")
def source_db(tmp_path_factory, tn):
    """A stopped test-preset node's database: transfers, a failed call and a sudo call."""
    path = str(tmp_path_factory.mktemp("export") / "db")
    node = tn.make_node(base_path=path)
    for i in range(4):
        node.submit(tn.transfer(node, "Alice", BOB, (i + 1) * TAO))
        node.seal_block()
    node.submit(tn.transfer(node, "Eve", BOB, 10**18))                   # fails: more than Eve has
    sudo = {"call": {"Balances": {"force_set_balance": {"who": {"Id": BOB}, "new_free": 7 * TAO}}}}
    node.submit(tn.signed(node, "Sudo", "sudo", sudo, "Alice"))
    node.seal_block()
    node.seal_blocks(3)
    node.store.close()
    return path


def _hashes_and_roots(path: str) -> list[tuple[bytes, bytes]]:
    store = ChainStore.open(path)
    try:
        out = []
        for n in range(store.head.number + 1):
            h = store.hash_of(n)
            out.append((h, store.header(h).state_root))
        return out
    finally:
        store.close()


def _one_error_line(res, fragment: str) -> str:
    assert res.returncode == 1, (res.returncode, res.stderr)
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0], res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    return lines[0]


def test_round_trip_gives_identical_hashes_and_roots(source_db, tmp_path):
    out = str(tmp_path / "chain.tnet")
    exp = run_json("chain", "export", "--base-path", source_db, *SPEC_FLAGS, "--out", out)
    assert (exp["first"], exp["last"], exp["blocks"]) == (0, 8, 9) and exp["bytes"] == os.path.getsize(out)
    with open(out, "rb") as fh:
        assert read_header(fh).genesis_hash.hex() == exp["genesis"][2:]
    fresh = str(tmp_path / "fresh")
    imp = run_json("chain", "import", "--base-path", fresh, out)        # the file's own spec creates the DB
    assert (imp["imported"], imp["skipped"], imp["head"]) == (8, 1, 8)
    assert _hashes_and_roots(fresh) == _hashes_and_roots(source_db)
    again = run_json("chain", "import", "-d", fresh, *SPEC_FLAGS, out)
    assert (again["imported"], again["skipped"]) == (0, 9)
    human = run("chain", "export", "-d", source_db, "--out", str(tmp_path / "part.tnet"), "--from", "2", "--to", "5")
    assert human.returncode == 0 and "exported blocks #2..#5 (4 block(s)" in human.stdout


def test_a_tampered_file_is_refused_and_nothing_is_left(source_db, tmp_path):
    out = str(tmp_path / "chain.tnet")
    run_json("chain", "export", "-d", source_db, "--out", out)
    with open(out, "rb") as fh:
        data = bytearray(fh.read())
    # the last record is block #8: its header follows the u32 length, and its state root follows the
    # parent hash (32 bytes) and the compact number (1 byte for 8): flip a bit of the state root
    with open(out, "rb") as fh:
        header = read_header(fh)
        for _ in range(header.count - 1):
            (length,) = struct.unpack("<I", fh.read(4))
            fh.seek(length, 1)
        offset = fh.tell() + 4 + 32 + 1
    data[offset] ^= 1
    bad = tmp_path / "bad.tnet"
    bad.write_bytes(bytes(data))
    fresh = tmp_path / "fresh"
    line = _one_error_line(run("chain", "import", "-d", str(fresh), str(bad)), "block #8")
    assert "state root differs" in line and "nothing was imported" in line
    assert not fresh.exists()                                            # the DB it created is gone again
    truncated = tmp_path / "short.tnet"
    truncated.write_bytes(bytes(data[:-3]))
    _one_error_line(run("chain", "import", "-d", str(fresh), str(truncated)), "truncated")
    _one_error_line(run("chain", "import", "-d", str(fresh), os.__file__), "not an exported tensornet chain")


def test_import_into_another_chain_or_spec_is_refused(source_db, tmp_path, tn):
    out = str(tmp_path / "chain.tnet")
    run_json("chain", "export", "-d", source_db, "--out", out)
    spec = json.loads(tn.make_node().spec.to_json())
    spec["genesis"]["balances"].append([dev_keypair("Ferdie").ss58, 1])
    other_spec = tmp_path / "other.json"
    other_spec.write_text(json.dumps(spec))
    other = str(tmp_path / "other")
    _one_error_line(run("chain", "import", "-d", other, "--chain", str(other_spec), out), "differs in genesis")
    _one_error_line(run("chain", "import", "-d", other, "--preset", "fast", out), "differs in id, preset")
    node = Node(NodeConfig(ChainSpec.model_validate(spec), base_path=other, sealing="manual"))
    node.seal_block()
    node.store.close()
    before = _hashes_and_roots(other)
    _one_error_line(run("chain", "import", "-d", other, out), "belongs to another chain")
    assert _hashes_and_roots(other) == before


def test_a_locked_database_is_refused(source_db, tmp_path):
    out = str(tmp_path / "x.tnet")
    run_json("chain", "export", "-d", source_db, "--out", out)
    before = _hashes_and_roots(source_db)
    store = ChainStore.open(source_db)                                   # as a running node holds it
    try:
        for args in (["export", "-d", source_db, "--out", str(tmp_path / "y.tnet")],
                     ["import", "-d", source_db, out]):
            _one_error_line(run("chain", *args), "in use (a running node holds its lock); stop that node first")
    finally:
        store.close()
    assert _hashes_and_roots(source_db) == before and not (tmp_path / "y.tnet").exists()


@pytest.mark.parametrize("args,code,fragment", [
    (["--to", "99"], 2, "head is #8"),
    (["--from", "5", "--to", "2"], 2, "after --to"),
    (["--preset", "fast"], 1, "differs in"),
])
def test_export_bad_ranges_and_specs(source_db, tmp_path, args, code, fragment):
    res = run("chain", "export", "-d", source_db, "--out", str(tmp_path / "x.tnet"), *args)
    assert res.returncode == code and fragment in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert not (tmp_path / "x.tnet").exists() and not (tmp_path / "x.tnet.partial").exists()


def test_export_needs_an_existing_database(tmp_path):
    _one_error_line(run("chain", "export", "-d", str(tmp_path / "none"), "--out", str(tmp_path / "x")),
                    "no tensornet database")
    assert not (tmp_path / "none").exists()


def test_progress_bars_show_rate_and_eta(source_db, tmp_path, tn):
    forced = {"FORCE_COLOR": "1", "COLUMNS": "160"}
    res = run("chain", "export", "-d", source_db, "--out", str(tmp_path / "c.tnet"), env=forced)
    assert res.returncode == 0 and "exporting" in res.stderr and "blocks/s" in res.stderr and "ETA" in res.stderr
    res = run("chain", "import", "-d", str(tmp_path / "db"), str(tmp_path / "c.tnet"), env=forced)
    assert res.returncode == 0 and "importing" in res.stderr and "9/9" in res.stderr
    net = Devnet(tn.TnetProcess, tn.free_port, extra=["--sealing", "manual"])
    net.proc.log_path = str(tmp_path / "devnet.log")
    net.proc.start(timeout=120)
    try:
        res = run("chain", "advance", "--blocks", "120", url=net.url, env=forced)
    finally:
        net.proc.terminate()
    assert res.returncode == 0 and "sealing" in res.stderr and "120/120" in res.stderr and "blocks/s" in res.stderr
    assert "ETA" in res.stderr and "sealed 120 block(s)" in res.stdout
