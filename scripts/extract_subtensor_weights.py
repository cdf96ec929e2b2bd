"""Extract every dispatchable's declared weight from a subtensor checkout into a JSON table.

Why: fees are charged on declared weight, so ours must equal subtensor's to the unit. Reading the
numbers from the Rust source (instead of copying them by hand) keeps the table honest; the JSON is
committed so the test suite does not need the mirror.

Usage: ``python scripts/extract_subtensor_weights.py <subtensor git dir or work tree> [out.json]``

Per call the table holds ``index``, ``class``, ``pays`` and either a constant weight
(``ref_time`` = benchmark ref_time, ``proof_size``, ``reads``, ``writes``; the DB ops are priced with
``RocksDbWeight``) or, for weights that depend on arguments, ``base`` + ``per`` (linear components per
benchmark parameter, with ``param_of`` naming the call argument expression) or only a ``note``.
Balances/Sudo/Timestamp/System take their weights from polkadot-sdk (opentensor fork, pinned in
subtensor's Cargo.toml); the pinned values are listed in ``_sdk_table`` below with their provenance.

It also writes ``subtensor_extension_weights.json`` next to the table: the transaction extensions'
weights, which ``pallet_transaction_payment`` adds to the call weight (``info.total_weight()``).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

#: (pallet name in our runtime, dispatchables source, WeightInfo source)
SUBTENSOR_PALLETS = [
    ("SubtensorModule", "pallets/subtensor/src/macros/dispatches.rs", "pallets/subtensor/src/weights.rs"),
    ("AdminUtils", "pallets/admin-utils/src/lib.rs", "pallets/admin-utils/src/weights.rs"),
    ("Swap", "pallets/swap/src/pallet/mod.rs", "pallets/swap/src/weights.rs"),
    ("Utility", "pallets/utility/src/lib.rs", "pallets/utility/src/weights.rs"),
    ("Commitments", "pallets/commitments/src/lib.rs", "pallets/commitments/src/weights.rs"),
    ("Proxy", "pallets/proxy/src/lib.rs", "pallets/proxy/src/weights.rs"),
]

#: polkadot-sdk ``SubstrateWeight`` values at opentensor/polkadot-sdk rev 7cc54bf2 (frame-support 41,
#: the rev subtensor's Cargo.toml pins); index/class/pays from each pallet's ``#[pallet::call]``.
#: Read from substrate/frame/{balances,sudo,timestamp,system}/src/weights.rs at that rev.
def _c(index: int, ref_time: int, proof_size: int = 0, reads: int = 0, writes: int = 0,
       cls: str = "Normal", pays: str = "Yes", **extra) -> dict:
    part = {"ref_time": ref_time, "proof_size": proof_size, "reads": reads, "writes": writes}
    return {"index": index, "class": cls, "pays": pays, **part, "total_ref_time": _total(part), **extra}


def _lin(index: int, base: tuple, per: tuple, param_of: str, cls: str = "Normal", **extra) -> dict:
    keys = ("ref_time", "proof_size", "reads", "writes")
    return {"index": index, "class": cls, "pays": "Yes", "base": dict(zip(keys, base)),
            "per": {"n": dict(zip(keys, per))}, "param_of": {"n": param_of}, **extra}



DB_READ = 25_000_000
DB_WRITE = 100_000_000


def _sdk_table() -> dict[str, dict[str, dict]]:
    """The polkadot-sdk pallets' weights (numbers only, read from their ``weights.rs``)."""
    return {
        "Balances": {
            "transfer_allow_death": _c(0, 48_363_000, 3593, 1, 1),
            "force_transfer": _c(2, 49_944_000, 6196, 2, 2),
            "transfer_keep_alive": _c(3, 38_159_000, 3593, 1, 1),
            "transfer_all": _c(4, 47_385_000, 3593, 1, 1),
            "force_unreserve": _c(5, 17_233_000, 3593, 1, 1),
            "force_set_balance": _c(8, 19_929_000, 3593, 1, 1),
            "force_adjust_total_issuance": _c(9, 6_594_000, 0, cls="Operational"),
            "burn": _c(10, 30_968_000, 0, note="burn_allow_death if keep_alive is false, else burn_keep_alive "
                                                 "(20_711_000)"),
        },
        "Sudo": {
            "sudo": {"index": 0, "class": "inner", "pays": "Yes", "plus_inner_calls": True,
                     "own": _c(0, 10_729_000, 1517, 1, 0)},
            "sudo_unchecked_weight": {"index": 1, "class": "inner", "pays": "Yes", "note": "the weight argument"},
            "set_key": _c(2, 9_663_000, 1517, 1, 1),
            "sudo_as": {"index": 3, "class": "inner", "pays": "Yes", "plus_inner_calls": True,
                        "own": _c(3, 11_003_000, 1517, 1, 0)},
            "remove_key": _c(4, 9_127_000, 1517, 1, 1),
        },
        "Timestamp": {"set": _c(0, 8_684_000, 1493, 2, 1, cls="Mandatory")},
        # pallet_multisig's weights take the call length and the signatory count (polkadot-sdk's
        # 2025-02-25 benchmark, the release line with poke_deposit): tests/subnet/test_multisig.py
        "Multisig": {name: {"index": i, "class": "inner" if i == 0 else "Normal", "pays": "Yes",
                            "note": "pallet_multisig SubstrateWeight of (signatories, call length)"}
                     for i, name in enumerate(("as_multi_threshold_1", "as_multi", "approve_as_multi",
                                               "cancel_as_multi", "poke_deposit"))},
        "System": {
            "remark": _lin(0, (2_119_000, 0, 0, 0), (390, 0, 0, 0), "remark.len() as u32"),
            "set_heap_pages": _c(1, 4_782_000, 1485, 1, 2, cls="Operational"),
            "set_code": _c(2, 87_586_619_000, 1485, 1, 2, cls="Operational"),
            "set_code_without_checks": _c(3, 87_586_619_000, 1485, 1, 2, cls="Operational"),
            "set_storage": _lin(4, (2_175_000, 0, 0, 0), (841_511, 0, 0, 1), "items.len() as u32",
                                cls="Operational"),
            "kill_storage": _lin(5, (2_255_000, 0, 0, 0), (662_473, 0, 0, 1), "keys.len() as u32",
                                 cls="Operational"),
            "kill_prefix": _lin(6, (4_270_000, 128, 0, 0), (1_389_650, 70, 1, 1), "subkeys.saturating_add(1)",
                                cls="Operational"),
            "remark_with_event": _lin(7, (8_097_000, 0, 0, 0), (1_455, 0, 0, 0), "remark.len() as u32"),
        },
    }


def _git_reader(src: str):
    """Return ``read(path) -> str`` for a bare git dir (HEAD) or a work tree."""
    root = Path(src)
    if (root / "HEAD").exists() and (root / "objects").exists():
        return lambda p: subprocess.run(["git", f"--git-dir={root}", "show", f"HEAD:{p}"], check=True,
                                        capture_output=True, text=True).stdout
    return lambda p: (root / p).read_text()


def _strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*", "", text)


def _balanced(text: str, start: int) -> tuple[str, int]:
    """The text inside the parenthesis opening at ``start`` and the index after its close."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in "([{":
            depth += 1
        elif text[i] in ")]}":
            depth -= 1
            if depth == 0:
                return text[start + 1:i], i + 1
    raise ValueError("unbalanced")


def _num(s: str) -> int:
    return int(s.replace("_", "").removesuffix("u64").removesuffix("u32").rstrip("_"))


def _linear_terms(expr: str) -> tuple[dict, dict] | None:
    """Parse a ``Weight::from_parts(..)`` / ``DbWeight`` chain into base and per-parameter parts."""
    base = {"ref_time": 0, "proof_size": 0, "reads": 0, "writes": 0}
    per: dict[str, dict] = {}
    rest = re.sub(r"\s+", "", expr)
    rest = rest.replace("<Tasframe_system::Config>::DbWeight", "T::DbWeight")
    pat = re.compile(
        r"Weight::from_parts\(([\d_]+),([\d_]+)\)(?:\.saturating_mul\((\w+)\.into\(\)\))?"
        r"|T::DbWeight::get\(\)\.(reads|writes)\(\(?([\d_]+(?:u64)?)\)?(?:\.saturating_mul\((\w+)\.into\(\)\))?\)?"
        r"|T::DbWeight::get\(\)\.reads_writes\(([\d_]+(?:u64)?),([\d_]+(?:u64)?)\)")
    pos, found = 0, False
    for m in pat.finditer(rest):
        gap = rest[pos:m.start()]
        if re.sub(r"[().,]|saturating_add", "", gap):
            return None
        pos, found = m.end(), True
        if m.group(1) is not None:
            tgt = per.setdefault(m.group(3), dict.fromkeys(base, 0)) if m.group(3) else base
            tgt["ref_time"] += _num(m.group(1))
            tgt["proof_size"] += _num(m.group(2))
        elif m.group(4) is not None:
            tgt = per.setdefault(m.group(6), dict.fromkeys(base, 0)) if m.group(6) else base
            tgt[m.group(4)] += _num(m.group(5))
        else:
            base["reads"] += _num(m.group(7))
            base["writes"] += _num(m.group(8))
    if not found or re.sub(r"[().,]|saturating_add", "", rest[pos:]):
        return None
    return base, per


def parse_weight_info(text: str) -> dict[str, dict]:
    """``fn name(params) -> Weight { .. }`` bodies of ``impl WeightInfo for SubstrateWeight<T>``."""
    text = _strip_comments(text)
    start = text.index("WeightInfo for SubstrateWeight<T>")
    body, _ = _balanced(text, text.index("{", start))
    out = {}
    for m in re.finditer(r"fn (\w+)\(([^)]*)\)\s*->\s*Weight\s*\{", body):
        inner, _ = _balanced(body, m.end() - 1)
        parsed = _linear_terms(inner)
        params = [p.split(":")[0].strip() for p in m.group(2).split(",") if p.strip()]
        out[m.group(1)] = {"params": params, "terms": parsed, "src": " ".join(inner.split())}
    return out


def _total(part: dict) -> int:
    return part["ref_time"] + part["reads"] * DB_READ + part["writes"] * DB_WRITE


def _resolve(expr: str, winfo: dict[str, dict]) -> dict:
    """Weight entry for one ``#[pallet::weight(..)]`` expression (class/pays filled by the caller)."""
    flat = " ".join(expr.split())
    m = re.fullmatch(r"\(?\s*(?:<T as [\w:]+>|T)::WeightInfo::(\w+)\(((?:[^()]|\([^()]*\))*)\)\s*\)?", flat)
    if m:
        fn = winfo[m.group(1)]
        if fn["terms"] is None:
            return {"note": f"WeightInfo::{m.group(1)}: {fn['src']}"}
        base, per = fn["terms"]
        if not fn["params"]:
            return {**base, "total_ref_time": _total(base), "weight_info": m.group(1)}
        args = [a.strip() for a in m.group(2).split(",") if a.strip()]
        return {"base": base, "per": per, "param_of": dict(zip(fn["params"], args)),
                "weight_info": m.group(1)}
    parsed = _linear_terms(flat)
    if parsed and not parsed[1]:
        return {**parsed[0], "total_ref_time": _total(parsed[0])}
    return {"note": flat}


def _dynamic(block: str, winfo: dict[str, dict]) -> dict:
    """Weights built from inner calls (utility): the pallet's own ``WeightInfo`` part plus a note."""
    flat = " ".join(block.split())
    entry: dict = {"note": flat, "plus_inner_calls": True}
    m = re.search(r"T::WeightInfo::(\w+)\(((?:[^()]|\([^()]*\))*)\)", flat)
    if m:
        own = _resolve(f"T::WeightInfo::{m.group(1)}({m.group(2)})", winfo)
        own.pop("weight_info", None)
        entry["own"] = own
        entry["weight_info"] = m.group(1)
    rw = re.search(r"DbWeight::get\(\)\.reads_writes\((\d+), (\d+)\)", flat)
    if rw:
        entry["extra_reads_writes"] = [int(rw.group(1)), int(rw.group(2))]
    return entry


def _split_tuple(expr: str) -> tuple[str, str, str]:
    """``(weight, DispatchClass::X, Pays::Y)`` -> parts; bare weight -> Normal/Yes."""
    e = expr.strip()
    cls = re.search(r"DispatchClass::(\w+)\s*,?\s*(?:Pays::(\w+))?\s*,?\s*\)?\s*$", e)
    pays = re.search(r"Pays::(\w+)\s*,?\s*\)?\s*$", e)
    if e.startswith("(") and (cls or pays):
        inner, end = _balanced(e, 0)
        if end == len(e):
            head = re.split(r",\s*(?:DispatchClass|Pays)::", inner)[0].strip().rstrip(",")
            return head, cls.group(1) if cls else "Normal", pays.group(1) if pays else "Yes"
    if e.startswith("{"):
        return e, cls.group(1) if cls else "Normal", "dynamic"
    return e, "Normal", "Yes"


def parse_calls(text: str, winfo: dict[str, dict]) -> dict[str, dict]:
    text = _strip_comments(text)
    start = text.index("#[pallet::call")
    calls = {}
    prev = start
    for m in re.finditer(r"pub fn (\w+)", text[start:]):
        seg = text[prev:start + m.start()]
        prev = start + m.end()
        idx = re.search(r"#\[pallet::call_index\((\d+)\)\]", seg)
        w = re.search(r"#\[pallet::weight", seg)
        if not idx or not w:
            continue
        expr, _ = _balanced(seg, w.end())
        head, cls, pays = _split_tuple(expr)
        entry = _resolve(head, winfo) if not head.startswith("{") else _dynamic(head, winfo)
        calls[m.group(1)] = {"index": int(idx.group(1)), "class": cls, "pays": pays, **entry}
    return calls


def extract(src: str) -> dict:
    read = _git_reader(src)
    out: dict = {}
    for pallet, calls_path, weights_path in SUBTENSOR_PALLETS:
        out[pallet] = parse_calls(read(calls_path), parse_weight_info(read(weights_path)))
    for pallet, calls in _sdk_table().items():
        out[pallet] = calls
    return out


#: SubtensorTransactionExtension's guards: guard file -> WeightInfo function charged when it applies
GUARDS = {
    "check_weights": "check_weights_extension", "check_rate_limits": "check_rate_limits_extension",
    "check_delegate_take": "check_delegate_take_extension",
    "check_serving_endpoints": "check_serving_endpoints_extension",
    "check_evm_key_association": "check_evm_key_association_extension",
}


def _fn_body(text: str, name: str) -> str:
    m = re.search(rf"fn {name}\([^)]*\)[^{{]*\{{", _strip_comments(text))
    return _balanced(_strip_comments(text), m.end() - 1)[0]


def _const_part(expr: str) -> dict:
    parsed = _linear_terms(expr)
    if parsed is None or parsed[1]:
        raise ValueError(f"not a constant weight: {expr}")
    return {**parsed[0], "total_ref_time": _total(parsed[0])}


def extract_extensions(src: str) -> dict:
    """Weights of the transaction extensions every signed extrinsic pays for (``info.total_weight()``).

    ``always``: charged for every call; ``per_call``: SubtensorModule guards charged only for the
    top-level calls their ``applies_to`` lists. frame_system / pallet_transaction_payment parts are
    polkadot-sdk ``SubstrateWeight`` values (extensions weights.rs benchmarked 2024-03-01).
    """
    read = _git_reader(src)
    winfo = parse_weight_info(read("pallets/subtensor/src/weights.rs"))
    wrapper = _fn_body(read("runtime/src/transaction_payment_wrapper.rs"), "weight")
    extra_reads = int(re.search(r"reads\((\d+)\)", wrapper).group(1))
    shield = _fn_body(read("pallets/shield/src/extension.rs"), "weight")
    for zero in ("runtime/src/check_nonce.rs", "pallets/drand/src/drand_priority.rs"):
        assert "Weight::zero()" in _fn_body(read(zero), "weight"), zero

    def info_fn(name: str) -> dict:
        base, per = winfo[name]["terms"]
        assert not per
        return {**base, "total_ref_time": _total(base)}

    always = {
        "CheckNonZeroSender": _c(0, 527_000), "CheckSpecVersion": _c(0, 461_000),
        "CheckTxVersion": _c(0, 439_000), "CheckGenesis": _c(0, 4_160_000, 3509, 1, 0),
        "CheckMortality": _c(0, 6_523_000, 3509, 1, 0), "CheckNonce": _c(0, 0),
        "CheckWeight": _c(0, 4_747_000, 1489, 1, 1),
        "ChargeTransactionPaymentWrapper": _c(0, 51_786_000, 3593, 4 + extra_reads, 1),
        "SudoTransactionExtension": _c(0, 0),
        "CheckShieldedTxValidity": _const_part(shield),
        "SubtensorTransactionExtension.CheckColdkeySwap": info_fn("check_coldkey_swap_extension"),
        "DrandPriority": _c(0, 0), "CheckMetadataHash": _c(0, 0),
    }
    for part in always.values():
        for k in ("index", "class", "pays"):
            part.pop(k, None)
    per_call = {}
    for guard, fn in GUARDS.items():
        body = _fn_body(read(f"pallets/subtensor/src/guards/{guard}.rs"), "applies_to")
        calls = sorted(set(re.findall(r"Call::(\w+)\s*\{\s*\.\.\s*\}", body)))
        per_call[guard] = {**info_fn(fn), "pallet": "SubtensorModule", "calls": calls}
    return {"always": always, "per_call": per_call}


def main(argv: list[str]) -> None:
    src = argv[1] if len(argv) > 1 else "/work/.mirror/opentensor+subtensor/repo"
    dst = Path(argv[2] if len(argv) > 2 else "tests/runtime/subtensor_weights.json")
    table = extract(src)
    dst.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    print(f"{dst}: " + ", ".join(f"{p} {len(c)}" for p, c in table.items()))
    ext_dst = dst.with_name("subtensor_extension_weights.json")
    ext = extract_extensions(src)
    ext_dst.write_text(json.dumps(ext, indent=1, sort_keys=True) + "\n")
    total = sum(part["total_ref_time"] for part in ext["always"].values())
    print(f"{ext_dst}: {len(ext['always'])} extensions on every call (ref_time {total:_}), "
          f"{len(ext['per_call'])} call-specific guards")


if __name__ == "__main__":
    main(sys.argv)
