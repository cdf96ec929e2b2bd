"""Reading SubtensorModule storage through substrate-interface for the subnet commands.

Reads go by storage item (names as subtensor's, so these functions work against a real subtensor
node too) rather than by runtime API, whose layouts change between chain versions.
"""
from __future__ import annotations

from decimal import Decimal

import click

U16_MAX = 65535
PALLET = "SubtensorModule"


def q(substrate, item: str, *params, block_hash: str | None = None):
    value = substrate.query(PALLET, item, list(params), block_hash=block_hash)
    return value.value if value is not None else None


def netuids(substrate) -> list[int]:
    return sorted(int(k.value) for k, v in substrate.query_map(PALLET, "NetworksAdded", page_size=200) if v.value)


def require_subnet(substrate, netuid: int) -> None:
    if not q(substrate, "NetworksAdded", netuid):
        raise click.ClickException(f"subnet {netuid} does not exist: see `tnet subnet list`")


def price(tao_in: int, alpha_in: int) -> Decimal:
    """Spot price in TAO per alpha (pool weights 1:1, as every new subnet's)."""
    return Decimal(tao_in) / Decimal(alpha_in) if alpha_in else Decimal(0)


def subnet_row(substrate, netuid: int) -> dict:
    tao_in, alpha_in = q(substrate, "SubnetTAO", netuid), q(substrate, "SubnetAlphaIn", netuid)
    owner = q(substrate, "SubnetOwner", netuid)
    return {"netuid": netuid, "owner": owner, "owner_hotkey": q(substrate, "SubnetOwnerHotkey", netuid),
            "tempo": q(substrate, "Tempo", netuid), "neurons": q(substrate, "SubnetworkN", netuid),
            "max_neurons": q(substrate, "MaxAllowedUids", netuid),
            "started": q(substrate, "FirstEmissionBlockNumber", netuid) is not None,
            "tao_in_rao": tao_in, "alpha_in": alpha_in, "alpha_out": q(substrate, "SubnetAlphaOut", netuid),
            "price": _decimal_str(price(tao_in, alpha_in)),
            "burn_rao": q(substrate, "Burn", netuid),
            "commit_reveal": q(substrate, "CommitRevealWeightsEnabled", netuid),
            "last_epoch_block": q(substrate, "LastMechansimStepBlock", netuid),
            "epoch_index": q(substrate, "SubnetEpochIndex", netuid)}


def _decimal_str(value: Decimal) -> str:
    """Nine decimals, trailing zeros trimmed (``0``, ``1``, ``0.5``)."""
    text = f"{value.quantize(Decimal('0.000000001')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def metagraph(substrate, netuid: int) -> list[dict]:
    """One row per uid: hotkey, coldkey, stake (alpha), incentive, dividends, emission, permit, axon."""
    require_subnet(substrate, netuid)
    n = q(substrate, "SubnetworkN", netuid)
    incentive = q(substrate, "Incentive", netuid) or []
    dividends = q(substrate, "Dividends", netuid) or []
    emission = q(substrate, "Emission", netuid) or []
    permit = q(substrate, "ValidatorPermit", netuid) or []
    trust = q(substrate, "Consensus", netuid) or []
    rows = []
    for uid in range(n):
        hotkey = q(substrate, "Keys", netuid, uid)
        axon = q(substrate, "Axons", netuid, hotkey)
        rows.append({
            "uid": uid, "hotkey": hotkey, "coldkey": q(substrate, "Owner", hotkey),
            "stake": q(substrate, "TotalHotkeyAlpha", hotkey, netuid),
            "incentive_u16": _at(incentive, uid), "dividends_u16": _at(dividends, uid),
            "consensus_u16": _at(trust, uid), "emission": _at(emission, uid),
            "validator_permit": bool(_at(permit, uid)),
            "axon": _axon(axon)})
    return rows


def _at(vec: list, i: int):
    return vec[i] if i < len(vec) else 0


def _axon(info: dict | None) -> str | None:
    if not info or not info.get("ip"):
        return None
    ip = int(info["ip"])
    if info.get("ip_type") == 4:
        text = ".".join(str((ip >> s) & 0xFF) for s in (24, 16, 8, 0))
    else:
        import ipaddress

        text = f"[{ipaddress.IPv6Address(ip)}]"
    return f"{text}:{info['port']}"
