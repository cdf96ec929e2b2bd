"""The spec-version guard: metadata may not change unless ``SPEC_VERSION`` changes with it.

Clients cache metadata per spec version (substrate-interface in memory, bittensor on disk keyed by
genesis + specVersion), so changed metadata under an old spec version makes them decode with stale
types. ``metadata_fingerprint.json`` records the spec version and the sha256 of the V14 and V15 blobs
of the default runtime. When this test fails: bump ``SPEC_VERSION`` in tensornet/chain/runtime_def.py,
then regenerate the record from the repository root with

    .venv/bin/python -m tensornet.runtime.metadata --fingerprint > tests/runtime/metadata_fingerprint.json
"""
from __future__ import annotations

import json
from pathlib import Path

from tensornet.chain import runtime_def
from tensornet.runtime.metadata import FINGERPRINT_COMMAND, fingerprint_record

RECORD = Path(__file__).with_name("metadata_fingerprint.json")


def guard_failure(recorded: dict, current: dict, spec: int) -> str | None:
    """Why the metadata and the spec version disagree with the record, or None when they agree."""
    if spec < recorded["spec_version"]:
        return f"SPEC_VERSION went down ({recorded['spec_version']} -> {spec}); spec versions only increase"
    if spec == recorded["spec_version"]:
        if current["sha256"] == recorded["sha256"]:
            return None
        return (f"The runtime metadata changed (V14 {recorded['v14_bytes']} -> {current['v14_bytes']} bytes, "
                f"V15 {recorded['v15_bytes']} -> {current['v15_bytes']} bytes) but SPEC_VERSION is still {spec}. "
                f"Bump SPEC_VERSION in tensornet/chain/runtime_def.py, then regenerate the fingerprint: "
                f"{FINGERPRINT_COMMAND}")
    return (f"SPEC_VERSION is {spec} but the metadata fingerprint was recorded at {recorded['spec_version']}; "
            f"regenerate it so the next metadata change is caught: {FINGERPRINT_COMMAND}")


def test_metadata_changes_only_with_a_spec_version_bump():
    recorded = json.loads(RECORD.read_text())
    current = fingerprint_record(runtime_def.build_runtime())
    failure = guard_failure(recorded, current, runtime_def.SPEC_VERSION)
    assert failure is None, failure


def test_guard_messages():
    rec = {"spec_version": 5, "sha256": "aa", "v14_bytes": 1, "v15_bytes": 2}
    changed = {**rec, "sha256": "bb"}
    assert guard_failure(rec, rec, 5) is None
    assert "Bump SPEC_VERSION" in guard_failure(rec, changed, 5)
    assert FINGERPRINT_COMMAND in guard_failure(rec, changed, 5)
    assert "regenerate" in guard_failure(rec, changed, 6)
    assert "went down" in guard_failure(rec, rec, 4)


def test_the_fingerprint_sees_every_byte_of_both_blobs():
    runtime = runtime_def.build_runtime()
    before = fingerprint_record(runtime)["sha256"]
    bumped = runtime_def.build_runtime()
    bumped.spec_version += 1  # System.Version is a constant, so this alone changes the metadata
    assert fingerprint_record(bumped)["sha256"] != before
