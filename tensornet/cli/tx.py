"""Sending a transaction from the CLI: estimate the fee, confirm, submit, wait, report.

Every transaction command ends here so they all behave alike: the fee is shown before asking, the
result after inclusion (events, or the module error's name and docs), and ``--json`` prints the
same facts as one object. substrate-interface is imported only on this path.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import click

from tensornet.cli.amounts import format_tao, tao_str


@dataclass
class TxResult:
    success: bool
    block_hash: str
    block_number: int | None
    extrinsic_hash: str
    fee: int
    events: list[dict] = field(default_factory=list)
    error: dict | None = None

    def to_json(self) -> dict:
        return {"success": self.success, "block_hash": self.block_hash, "block_number": self.block_number,
                "extrinsic_hash": self.extrinsic_hash, "fee_rao": self.fee, "fee_tao": tao_str(self.fee),
                "events": self.events, "error": self.error}


def connect(url: str):
    """A SubstrateInterface, or a one-line error saying how to get a node."""
    from tensornet.cli.rpc_client import NodeUnreachable, http_url

    http_url(url)  # validates the scheme
    from substrateinterface import SubstrateInterface

    try:
        return SubstrateInterface(url=url, ss58_format=42)
    except (ConnectionError, OSError, TimeoutError) as exc:
        raise NodeUnreachable(url, str(getattr(exc, "strerror", None) or exc)) from None
    except Exception as exc:  # noqa: BLE001 - websocket handshake errors come in several types
        raise NodeUnreachable(url, type(exc).__name__ + (f": {exc}" if str(exc) else "")) from None


def compose(substrate, pallet: str, call: str, params: dict) -> Any:
    try:
        return substrate.compose_call(pallet, call, params)
    except ValueError as exc:
        raise click.ClickException(f"the node does not offer {pallet}.{call} ({exc})") from None


def estimate_fee(substrate, call, keypair) -> int:
    try:
        info = substrate.get_payment_info(call, keypair)
        return int(info["partial_fee"])
    except Exception:  # noqa: BLE001 - an estimate is a courtesy; submission reports the real fee
        return 0


def _event_json(event) -> dict:
    value = event.value if hasattr(event, "value") else event
    return {"pallet": value.get("module_id"), "name": value.get("event_id"), "attributes": value.get("attributes")}


# sp_runtime's non-module DispatchError variants and their documentation
NON_MODULE_DOCS = {
    "Token": {
        "FundsUnavailable": "Funds are unavailable.",
        "OnlyProvider": "Some part of the balance gives the only provider reference to the account and thus cannot be (re)moved.",
        "BelowMinimum": "Account cannot exist with the funds that would be given.",
        "CannotCreate": "Account cannot be created.",
        "UnknownAsset": "The asset in question is unknown.",
        "Frozen": "Funds exist but are frozen.",
        "Unsupported": "Operation is not supported by the asset.",
        "CannotCreateHold": "Account cannot be created for a held balance.",
        "NotExpendable": "Withdrawal would cause unwanted loss of account.",
        "Blocked": "Account cannot receive the assets.",
    },
    "Arithmetic": {"Underflow": "An underflow would occur.", "Overflow": "An overflow would occur.",
                   "DivisionByZero": "Division by zero."},
}
SIMPLE_DOCS = {"BadOrigin": "Bad origin.", "CannotLookup": "Failed to lookup some data.",
               "Other": "Some error occurred.", "ConsumerRemaining": "At least one consumer is remaining.",
               "NoProviders": "There are no providers so the account cannot be created.",
               "TooManyConsumers": "There are too many consumers so the account cannot be created.",
               "Exhausted": "Resources exhausted.", "Corruption": "The state is corrupt.",
               "Unavailable": "Some resource is unavailable.", "RootNotAllowed": "Root origin is not allowed."}


def dispatch_error_json(substrate, dispatch_error) -> dict:
    """{type, name, docs} of an ``sp_runtime::DispatchError`` value as substrate-interface decodes it:
    module errors through the metadata, the others (Token, Arithmetic, BadOrigin …) from
    sp_runtime's documentation."""
    if isinstance(dispatch_error, str):
        return {"type": "DispatchError", "name": dispatch_error, "docs": SIMPLE_DOCS.get(dispatch_error, "")}
    if isinstance(dispatch_error, dict) and "Module" in dispatch_error:
        module = dispatch_error["Module"]
        index, error = (module if isinstance(module, tuple) else (module["index"], module["error"]))
        if isinstance(error, str):
            error = int(error[2:4], 16)
        try:
            found = substrate.metadata.get_module_error(module_index=index, error_index=error)
            docs = found.docs
            return {"type": "Module", "pallet": _pallet_name(substrate, index), "name": found.name,
                    "docs": " ".join(docs) if isinstance(docs, list) else docs}
        except Exception:  # noqa: BLE001 - an index the metadata does not know
            return {"type": "Module", "name": f"error {error} of pallet {index}", "docs": ""}
    if isinstance(dispatch_error, dict) and dispatch_error:
        (kind, detail), = dispatch_error.items()
        name = detail if isinstance(detail, str) else json.dumps(detail)
        return {"type": kind, "name": name, "docs": NON_MODULE_DOCS.get(kind, {}).get(name, "")}
    return {"type": "Unknown", "name": str(dispatch_error), "docs": ""}


def _pallet_name(substrate, index: int) -> str | None:
    for module in substrate.metadata.pallets:
        if module.value.get("index") == index:
            return module.name
    return None


def find_failure(substrate, events: list[dict]) -> dict | None:
    """The error of a failed extrinsic, or of the call a successful wrapper (Sudo, Proxy, Multisig) ran."""
    for e in events:
        attrs = e.get("attributes")
        if e["pallet"] == "System" and e["name"] == "ExtrinsicFailed":
            return dispatch_error_json(substrate, attrs.get("dispatch_error") if isinstance(attrs, dict) else attrs[0])
        wrapped = _WRAPPER_RESULTS.get((e["pallet"], e["name"]))
        if wrapped is not None:
            field_name, via = wrapped
            result = attrs.get(field_name) if isinstance(attrs, dict) else attrs
            if isinstance(result, dict) and "Err" in result:
                return {**dispatch_error_json(substrate, result["Err"]), "via": via}
    return None


#: events that carry the result of a call dispatched inside a successful wrapper: (field, wrapper)
_WRAPPER_RESULTS = {("Sudo", "Sudid"): ("sudo_result", "Sudo.sudo"), ("Sudo", "SudoAsDone"): ("sudo_result", "Sudo.sudo_as"),
                    ("Proxy", "ProxyExecuted"): ("result", "Proxy.proxy"),
                    ("Multisig", "MultisigExecuted"): ("result", "Multisig")}


def submit(substrate, call, keypair, *, description: str, yes: bool, as_json: bool) -> TxResult:
    """Confirm (unless --yes), sign, submit, wait for inclusion and print the outcome."""
    from substrateinterface.exceptions import SubstrateRequestException

    fee = estimate_fee(substrate, call, keypair)
    if not yes and not as_json:
        click.echo(f"{description}\n  signer {keypair.ss58_address} · estimated fee {format_tao(fee)} TAO")
        if not click.confirm("Send?", default=True):
            raise click.ClickException("cancelled; nothing was sent")
    xt = substrate.create_signed_extrinsic(call=call, keypair=keypair)
    try:
        receipt = substrate.submit_extrinsic(xt, wait_for_inclusion=True)
    except SubstrateRequestException as exc:
        detail = exc.args[0] if exc.args else exc
        if isinstance(detail, dict):
            detail = detail.get("data") or detail.get("message")
        raise click.ClickException(f"the node refused the transaction: {detail}; nothing was sent") from None
    events = [_event_json(e) for e in receipt.triggered_events]
    error = find_failure(substrate, events)
    block_number = None
    try:
        block_number = substrate.get_block_number(receipt.block_hash)
    except Exception:  # noqa: BLE001, S110 - only cosmetic
        pass
    result = TxResult(error is None, receipt.block_hash, block_number, receipt.extrinsic_hash,
                      int(receipt.total_fee_amount or 0), events, error)
    report(result, as_json)
    if not result.success:
        raise SystemExit(1)
    return result


def report(result: TxResult, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, default=str))
        return
    from tensornet.cli.output import console as make_console

    console = make_console()
    where = f"block #{result.block_number}" if result.block_number is not None else result.block_hash
    if result.success:
        console.print(f"[green]✔ included[/] in {where} · fee {format_tao(result.fee)} TAO")
    else:
        err = result.error or {}
        console.print(f"[red]✘ failed[/] in {where} · fee {format_tao(result.fee)} TAO: "
                      f"[bold]{err.get('pallet') or err.get('type', 'Module')}.{err.get('name')}[/]"
                      + (f" — {err['docs']}" if err.get("docs") else ""))
    for ev in result.events:
        attrs = ev["attributes"]
        console.print(f"  {ev['pallet']}.{ev['name']} {json.dumps(attrs, default=str) if attrs else ''}")
