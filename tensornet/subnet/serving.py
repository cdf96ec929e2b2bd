"""Serving: serve_axon (4), serve_axon_tls (40), serve_prometheus (5) as ``subnets/serving.rs``.

The real chain refuses loopback addresses (127.0.0.1, ::1); a devnet's miners and validators all
live on one machine, so the runtime config flag ``allow_loopback_axons`` lets them through.
"""
from __future__ import annotations

from tensornet.primitives.scale import U8, U16, U32, U128, Bytes
from tensornet.runtime.dispatch import Weight
from tensornet.runtime.pallet import call

from .types import NetUid

IPV4_LOOPBACK = 0x7F000001
U32_MAX = 0xFFFF_FFFF
U128_MAX = (1 << 128) - 1

_AXON_ARGS = [("netuid", NetUid, "NetUid"), ("version", U32, "u32"), ("ip", U128, "u128"),
              ("port", U16, "u16"), ("ip_type", U8, "u8"), ("protocol", U8, "u8"),
              ("placeholder1", U8, "u8"), ("placeholder2", U8, "u8")]


def is_valid_ip_address(ip_type: int, addr: int, allow_zero: bool, allow_loopback: bool = False) -> bool:
    """``is_valid_ip_address`` (IPv4 below u32::MAX and not 127.0.0.1; IPv6 not ::1 nor all-ones)."""
    if not allow_zero and addr == 0:
        return False
    if ip_type == 4:
        if addr >= U32_MAX:
            return False
        if addr == IPV4_LOOPBACK and not allow_loopback:
            return False
    if ip_type == 6:
        if addr == U128_MAX:
            return False
        if addr == 1 and not allow_loopback:
            return False
    return True


def passes_serving_rate_limit(rate_limit: int, last_serve: int, block: int) -> bool:
    return rate_limit == 0 or last_serve == 0 or block - last_serve >= rate_limit


class ServingPart:
    """The serving calls of SubtensorModule (all ``Pays::No``)."""

    def _allow_loopback(self) -> bool:
        return bool(getattr(self.env.runtime.config, "allow_loopback_axons", False))

    @call(4, _AXON_ARGS, weight=Weight.db(31_278_000, reads=3, writes=1, proof_size=4178), pays_fee=False)
    def serve_axon(self, origin, netuid, version, ip, port, ip_type, protocol, placeholder1, placeholder2):
        """Publish the axon endpoint of a registered hotkey."""
        self._serve_axon(origin.ensure_signed(), netuid, version, ip, port, ip_type, protocol,
                         placeholder1, placeholder2, None)

    @call(40, _AXON_ARGS + [("certificate", Bytes, "Vec<u8>")], weight=Weight.db(30_617_000, reads=3, writes=1, proof_size=4149), pays_fee=False)
    def serve_axon_tls(self, origin, netuid, version, ip, port, ip_type, protocol, placeholder1,
                       placeholder2, certificate):
        """serve_axon plus the neuron's TLS certificate (first byte algorithm, ≤ 64-byte key)."""
        self._serve_axon(origin.ensure_signed(), netuid, version, ip, port, ip_type, protocol,
                         placeholder1, placeholder2, certificate)

    @call(5, [("netuid", NetUid, "NetUid"), ("version", U32, "u32"), ("ip", U128, "u128"),
              ("port", U16, "u16"), ("ip_type", U8, "u8")], weight=Weight.db(29_294_000, reads=3, writes=1, proof_size=4277), pays_fee=False)
    def serve_prometheus(self, origin, netuid, version, ip, port, ip_type):
        """Publish the prometheus endpoint of a registered hotkey."""
        hotkey = origin.ensure_signed()
        self.validate_serve_prometheus(hotkey, netuid, ip, port, ip_type)
        self.Prometheus.set(netuid, hotkey, {"block": self.block_number, "version": version, "ip": ip,
                                             "port": port, "ip_type": ip_type})
        self.deposit_event("PrometheusServed", (netuid, hotkey))

    def validate_serve_axon(self, hotkey: bytes, netuid: int, ip: int, port: int, ip_type: int) -> None:
        """``validate_serve_axon``: serve_axon's checks in the chain's order, before anything is
        written (the call and the CheckServingEndpoints guard both ask it)."""
        if self.Uids.get(netuid, hotkey) is None:
            raise self.error("HotKeyNotRegisteredInNetwork")
        if ip_type not in (4, 6):
            raise self.error("InvalidIpType")
        if not is_valid_ip_address(ip_type, ip, True, self._allow_loopback()):
            raise self.error("InvalidIpAddress")
        prev = self.Axons.try_get(netuid, hotkey)
        last = prev["block"] if prev else 0
        if not passes_serving_rate_limit(self.ServingRateLimit.get(netuid), last, self.block_number):
            raise self.error("ServingRateLimitExceeded")
        if port == 0:
            raise self.error("InvalidPort")

    def validate_serve_prometheus(self, hotkey: bytes, netuid: int, ip: int, port: int, ip_type: int) -> None:
        """``validate_serve_prometheus``: serve_prometheus's checks (its order differs from the axon's)."""
        if ip_type not in (4, 6):
            raise self.error("InvalidIpType")
        if not is_valid_ip_address(ip_type, ip, False, self._allow_loopback()):
            raise self.error("InvalidIpAddress")
        if self.Uids.get(netuid, hotkey) is None:
            raise self.error("HotKeyNotRegisteredInNetwork")
        prev = self.Prometheus.try_get(netuid, hotkey)
        last = prev["block"] if prev else 0
        if not passes_serving_rate_limit(self.ServingRateLimit.get(netuid), last, self.block_number):
            raise self.error("ServingRateLimitExceeded")
        if port == 0:
            raise self.error("InvalidPort")

    def _serve_axon(self, hotkey, netuid, version, ip, port, ip_type, protocol, p1, p2, certificate):
        self.validate_serve_axon(hotkey, netuid, ip, port, ip_type)
        if certificate is not None and 1 <= len(certificate) <= 65:
            # NeuronCertificate::try_from: algorithm byte then the public key (≤ 64 bytes)
            self.NeuronCertificates.set(netuid, hotkey, {"public_key": bytes(certificate[1:]),
                                                         "algorithm": certificate[0]})
        self.Axons.set(netuid, hotkey, {"block": self.block_number, "version": version, "ip": ip,
                                        "port": port, "ip_type": ip_type, "protocol": protocol,
                                        "placeholder1": p1, "placeholder2": p2})
        self.deposit_event("AxonServed", (netuid, hotkey))
