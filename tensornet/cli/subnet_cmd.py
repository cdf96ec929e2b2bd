"""`tnet subnet …`: create, start, list, show, hyperparams, set, emissions.

``set`` finds the AdminUtils setter from the parameter name and signs it the way the chain wants:
directly when the signer owns the subnet and the parameter is owner-settable, wrapped in
``Sudo.sudo`` when it is root-only (or the signer is the sudo key but not the owner).
"""
from __future__ import annotations

import json

import click

from tensornet.cli.amounts import format_tao, tao_str
from tensornet.cli.keys_opts import Keys, signer_options
from tensornet.cli.rpc_client import json_option, url_option, yes_option


@click.group("subnet")
def subnet() -> None:
    """Create, start, inspect and configure subnets."""


def _connect(url):
    from tensornet.cli.tx import connect

    return connect(url)


@subnet.command("create")
@signer_options
@click.option("--start", is_flag=True, help="Also call start_call (emission and staking begin).")
@url_option
@yes_option
@json_option
def create(start, url, yes, as_json, **kw):
    """Register a new subnet owned by the coldkey, with the wallet's hotkey as owner hotkey (locks TAO)."""
    from tensornet.cli.subtensor_reads import netuids
    from tensornet.cli.tx import compose, submit

    keys = Keys.from_kwargs(kw)
    hotkey = keys.hotkey_account()
    signer = keys.coldkey()
    substrate = _connect(url)
    before = set(netuids(substrate))
    call = compose(substrate, "SubtensorModule", "register_network", {"hotkey": hotkey.ss58})
    result = submit(substrate, call, signer, yes=yes, as_json=as_json,
                    description=f"Register a subnet owned by {signer.ss58_address} (owner hotkey {hotkey.ss58})")
    new = sorted(set(netuids(substrate)) - before)
    netuid = next((e["attributes"][0] for e in result.events if e["name"] == "NetworkAdded"),
                  new[0] if new else None)
    if not as_json:
        click.echo(f"subnet {netuid} created")
    if start and netuid is not None:
        call = compose(substrate, "SubtensorModule", "start_call", {"netuid": netuid})
        submit(substrate, call, signer, yes=True, as_json=as_json, description=f"Start subnet {netuid}")


@subnet.command("start")
@click.argument("netuid", type=click.IntRange(1, 65535))
@signer_options
@url_option
@yes_option
@json_option
def start_cmd(netuid, url, yes, as_json, **kw):
    """start_call: begin emission and staking on a subnet you own."""
    from tensornet.cli.subtensor_reads import require_subnet
    from tensornet.cli.tx import compose, submit

    keys = Keys.from_kwargs(kw)
    signer = keys.coldkey()
    substrate = _connect(url)
    require_subnet(substrate, netuid)
    call = compose(substrate, "SubtensorModule", "start_call", {"netuid": netuid})
    submit(substrate, call, signer, yes=yes, as_json=as_json, description=f"Start subnet {netuid}")


@subnet.command("list")
@url_option
@json_option
def list_cmd(url, as_json):
    """All subnets with owner, tempo, neurons, pool and price."""
    from tensornet.cli.subtensor_reads import netuids, subnet_row

    substrate = _connect(url)
    rows = [subnet_row(substrate, n) for n in netuids(substrate)]
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    from rich.table import Table

    from tensornet.cli.output import console

    table = Table(title=f"Subnets at {url}")
    for col in ("netuid", "owner", "tempo", "neurons", "started", "TAO in pool", "price (TAO/α)", "burn"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["netuid"]), r["owner"], str(r["tempo"]), f"{r['neurons']}/{r['max_neurons']}",
                      "yes" if r["started"] else "no", format_tao(r["tao_in_rao"]), r["price"],
                      format_tao(r["burn_rao"]))
    console().print(table)


@subnet.command("show")
@click.argument("netuid", type=click.IntRange(0, 65535))
@url_option
@json_option
def show(netuid, url, as_json):
    """One subnet's state: owner, pool, price, epoch, registration burn."""
    from tensornet.cli.subtensor_reads import require_subnet, subnet_row

    substrate = _connect(url)
    require_subnet(substrate, netuid)
    row = subnet_row(substrate, netuid)
    if as_json:
        click.echo(json.dumps(row, indent=2, default=str))
        return
    for key, value in row.items():
        if key.endswith("_rao"):
            key, value = key[:-4] + " (TAO)", format_tao(value)
        click.echo(f"{key:>18}: {value}")


# --- hyperparameters -------------------------------------------------------------------------------

def _setters() -> dict:
    """param name -> AdminUtils Setter for per-subnet parameters (``sudo_set_`` dropped)."""
    from tensornet.pallets.admin_utils import SETTERS

    out = {}
    for s in SETTERS:
        if s.args and s.args[0][0] == "netuid" and len(s.args) == 2 and s.name.startswith("sudo_set_"):
            out[s.name[len("sudo_set_"):]] = s
    return out


def _value_kind(setter) -> str:
    type_name = setter.args[1][2]
    if type_name == "bool":
        return "bool"
    return "int" if type_name in INT_RANGES else type_name


#: integer argument types of AdminUtils setters and their ranges
INT_RANGES = {"u8": (0, 2**8 - 1), "u16": (0, 2**16 - 1), "u64": (0, 2**64 - 1), "TaoBalance": (0, 2**64 - 1),
              "AlphaBalance": (0, 2**64 - 1), "i16": (-(2**15), 2**15 - 1), "MechId": (0, 2**8 - 1)}


@subnet.command("hyperparams")
@click.argument("netuid", type=click.IntRange(0, 65535))
@url_option
@json_option
def hyperparams(netuid, url, as_json):
    """Every settable hyperparameter: current value, who may set it (owner or root), its storage item."""
    from tensornet.cli.subtensor_reads import q, require_subnet

    substrate = _connect(url)
    require_subnet(substrate, netuid)
    rows = []
    for name, setter in sorted(_setters().items()):
        try:
            value = q(substrate, setter.item, netuid)
        except Exception:  # noqa: BLE001 - an item keyed otherwise (per mechanism): shown without a value
            value = None
        rows.append({"param": name, "value": value, "set_by": "owner or root" if setter.origin == "owner" else "root",
                     "type": setter.args[1][2], "item": setter.item, "call": f"AdminUtils.{setter.name}"})
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    from rich.table import Table

    from tensornet.cli.output import console

    table = Table(title=f"Hyperparameters of subnet {netuid} (tnet subnet set {netuid} PARAM VALUE)")
    for col in ("param", "value", "set by", "type"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["param"], "" if r["value"] is None else str(r["value"]), r["set_by"], r["type"])
    console().print(table)


def _parse_value(setter, text: str):
    kind = _value_kind(setter)
    if kind == "bool":
        lowered = text.strip().lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
        raise click.BadParameter(f"{text!r}: this parameter is true or false", param_hint="VALUE")
    if kind == "int":
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            raise click.BadParameter(f"{text!r} is not an integer", param_hint="VALUE") from None
        low, high = INT_RANGES[setter.args[1][2]]
        if not low <= value <= high:
            raise click.BadParameter(f"{value} is outside {low}…{high} ({setter.args[1][2]})", param_hint="VALUE")
        return value
    raise click.BadParameter(f"parameters of type {kind} are not settable from tnet yet; use a client with "
                             f"AdminUtils.{setter.name}", param_hint="PARAM")


@subnet.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("netuid", type=click.IntRange(0, 65535))
@click.argument("param")
@click.argument("value")
@signer_options
@url_option
@yes_option
@json_option
def set_cmd(netuid, param, value, url, yes, as_json, **kw):
    """Set a hyperparameter (see `tnet subnet hyperparams NETUID` for names)."""
    from tensornet.cli.subtensor_reads import q, require_subnet
    from tensornet.cli.tx import compose, submit

    setters = _setters()
    key = param.strip().lower().replace("-", "_")
    setter = setters.get(key) or next((s for s in setters.values() if s.item.lower() == key), None)
    if setter is None:
        raise click.BadParameter(f"unknown parameter {param!r}: see `tnet subnet hyperparams {netuid}`",
                                 param_hint="PARAM")
    parsed = _parse_value(setter, value)
    keys = Keys.from_kwargs(kw)
    signer = keys.coldkey()
    substrate = _connect(url)
    require_subnet(substrate, netuid)
    owner = q(substrate, "SubnetOwner", netuid)
    sudo_key = substrate.query("Sudo", "Key").value
    inner = compose(substrate, "AdminUtils", setter.name, {"netuid": netuid, setter.args[1][0]: parsed})
    as_owner = setter.origin == "owner" and signer.ss58_address == owner
    if as_owner:
        call = inner
    elif signer.ss58_address == sudo_key:
        call = compose(substrate, "Sudo", "sudo", {"call": inner})
    else:
        who = "the subnet owner or the sudo key" if setter.origin == "owner" else "the sudo key (root)"
        raise click.ClickException(f"{key} can be set only by {who}; sign with --uri //Alice on a devnet "
                                   "or with the owner's wallet")
    submit(substrate, call, signer, yes=yes, as_json=as_json,
           description=f"Set {key} of subnet {netuid} to {parsed}{'' if as_owner else ' (as root, via Sudo)'}")


# --- emissions ---------------------------------------------------------------------------------------

@subnet.command("emissions")
@click.argument("netuid", type=click.IntRange(0, 65535))
@click.option("--blocks", type=click.IntRange(1, 100_000), default=200, show_default=True,
              help="How many recent blocks to look at.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None, help="Write a PNG chart here.")
@url_option
@json_option
def emissions(netuid, blocks, plot_path, url, as_json):
    """Emission per epoch over recent blocks (sum of the subnet's Emission vector at each epoch)."""
    from tensornet.cli.subtensor_reads import require_subnet

    substrate = _connect(url)
    require_subnet(substrate, netuid)
    head = substrate.get_block_number(None)
    points = []
    last_step = None
    for number in range(max(head - blocks + 1, 0), head + 1):
        h = substrate.get_block_hash(number)
        step = substrate.query("SubtensorModule", "LastMechansimStepBlock", [netuid], block_hash=h).value
        if step == number and number > 0 and step != last_step:
            vec = substrate.query("SubtensorModule", "Emission", [netuid], block_hash=h).value or []
            points.append({"block": number, "emission_rao": sum(vec), "emission": tao_str(sum(vec))})
        last_step = step
    if plot_path:
        from tensornet.cli.plots import plot_emissions

        plot_emissions(points, netuid, plot_path)
    if as_json:
        click.echo(json.dumps({"netuid": netuid, "epochs": points}, indent=2))
        return
    if not points:
        click.echo(f"no epoch of subnet {netuid} in the last {blocks} blocks (try `tnet chain advance --epochs 1 "
                   f"--netuid {netuid}`)")
    for p in points:
        click.echo(f"block {p['block']:>8}: {p['emission']} α")
    if plot_path:
        click.echo(f"chart written to {plot_path}")
