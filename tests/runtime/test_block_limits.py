"""subtensor's BlockWeights / BlockLength (``with_sensible_defaults(4 s, 75 %)``,
``max_with_normal_ratio(10 MiB, 75 %)``) and CheckWeight's per-class accounting."""
from __future__ import annotations

from tensornet.runtime.block_limits import MAX_LENGTH, PER_CLASS, U64_MAX, ConsumedWeight, block_weights_value, \
    exceeds_max_extrinsic, perbill_mul
from tensornet.runtime.dispatch import EXTRINSIC_BASE_WEIGHT, DispatchInfo, Weight


def test_the_constants_are_what_with_sensible_defaults_builds():
    assert perbill_mul(750_000_000, U64_MAX) == 13_835_058_055_282_163_711   # .25 rounds down
    assert perbill_mul(100_000_000, U64_MAX) == 1_844_674_407_370_955_161    # .5 rounds down
    w = block_weights_value()
    assert w["max_block"] == {"ref_time": 4 * 10**12, "proof_size": U64_MAX}
    normal, operational, mandatory = (w["per_class"][c] for c in ("normal", "operational", "mandatory"))
    assert normal["max_total"] == {"ref_time": 3 * 10**12, "proof_size": 13_835_058_055_282_163_711}
    # max_extrinsic = max_total − 10 % of max_block (average initialisation) − base_extrinsic
    assert normal["max_extrinsic"] == {"ref_time": 3 * 10**12 - 4 * 10**11 - EXTRINSIC_BASE_WEIGHT,
                                       "proof_size": 13_835_058_055_282_163_711 - 1_844_674_407_370_955_161}
    assert normal["reserved"] == {"ref_time": 0, "proof_size": 0}
    assert operational["reserved"] == {"ref_time": 10**12, "proof_size": U64_MAX - 13_835_058_055_282_163_711}
    assert mandatory == {"base_extrinsic": {"ref_time": EXTRINSIC_BASE_WEIGHT, "proof_size": 0},
                         "max_extrinsic": None, "max_total": None, "reserved": None}
    assert MAX_LENGTH == {"normal": 7_864_320, "operational": 10_485_760, "mandatory": 10_485_760}


def _info(ref: int, cls: str = "Normal") -> DispatchInfo:
    return DispatchInfo(Weight(ref, 100), cls)


def test_normal_fills_its_75_percent_operational_its_reserve_mandatory_anything():
    consumed = ConsumedWeight()
    consumed.register(Weight(5 * 10**11))  # hooks: mandatory, counted in the block total
    big = PER_CLASS["normal"].max_extrinsic.ref_time
    fit = consumed.fit(_info(big), 10)
    assert fit is not None
    consumed.accrue(fit)
    room = 3 * 10**12 - (big + EXTRINSIC_BASE_WEIGHT)
    assert consumed.fit(_info(room - EXTRINSIC_BASE_WEIGHT + 1), 0) is None   # one over the class total
    assert consumed.fit(_info(room - EXTRINSIC_BASE_WEIGHT), 0) is not None
    # the block total passes 4 s only within the operational reserve (1 s)
    op = consumed.fit(_info(10**12 - EXTRINSIC_BASE_WEIGHT, "Operational"), 0)
    assert op is not None
    consumed.accrue(op)
    assert consumed.fit(_info(1, "Operational"), 0) is None
    assert consumed.fit(_info(10**15, "Mandatory"), 0) is not None
    value = consumed.value()
    assert value["normal"] == {"ref_time": big + EXTRINSIC_BASE_WEIGHT, "proof_size": 110}
    assert value["mandatory"]["ref_time"] == 5 * 10**11


def test_an_extrinsic_heavier_than_max_extrinsic_is_invalid():
    limit = PER_CLASS["normal"].max_extrinsic.ref_time
    assert not exceeds_max_extrinsic(_info(limit), 0)
    assert exceeds_max_extrinsic(_info(limit + 1), 0)
    assert not exceeds_max_extrinsic(_info(10**15, "Mandatory"), 0)


def test_mandatory_weight_saturates_at_u64():
    consumed = ConsumedWeight()
    consumed.register(Weight(U64_MAX - 5, 7))
    consumed.register(Weight(10, U64_MAX))
    assert consumed.value()["mandatory"] == {"ref_time": U64_MAX, "proof_size": U64_MAX}
    assert consumed.fit(_info(1), 0) is None  # the block is past max_block and Normal has no reserve
