"""Subnet life cycle of SubtensorModule: token symbols (more calls land here: register/dissolve …)."""
from __future__ import annotations

from .symbols import DEFAULT_SYMBOL, NAMES, SYMBOLS


class SubnetCalls:
    """Part class: subnet registration, start_call, identities, dissolution, token symbols."""

    def get_symbol_for_subnet(self, netuid: int) -> bytes:
        return SYMBOLS[netuid] if netuid < len(SYMBOLS) else DEFAULT_SYMBOL

    def get_name_for_subnet(self, netuid: int) -> bytes:
        identity = self.SubnetIdentitiesV3.try_get(netuid)
        if identity is not None and identity["subnet_name"]:
            return identity["subnet_name"]
        return NAMES[netuid] if netuid < len(NAMES) else b"unknown"

    def get_next_available_symbol(self, netuid: int) -> bytes:
        used = set(self.TokenSymbol.iter_values())
        symbol = self.get_symbol_for_subnet(netuid)
        if symbol not in used:
            return symbol
        return next((s for s in SYMBOLS[1:] if s not in used), DEFAULT_SYMBOL)
