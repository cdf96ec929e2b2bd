"""``epoch_many`` (the batched, threaded face) equals ``epoch`` subnet by subnet."""
from __future__ import annotations

import random

import numpy as np
import pytest

from tensornet.consensus.errors import ScenarioError
from tensornet.consensus.types import Csr, EpochInputs
from tensornet.consensus.yuma import epoch, epoch_many, outputs_to_json

from test_kernel_vs_reference import random_inputs


def test_epoch_many_equals_epoch_per_subnet() -> None:
    rng = random.Random(21)
    subnets = [random_inputs(rng) for _ in range(40)]
    want = [outputs_to_json(epoch(x)) for x in subnets]
    for threads in (None, 1, 2, 3):
        got = [outputs_to_json(o) for o in epoch_many(subnets, threads=threads)]
        assert got == want


def test_epoch_many_empty_and_single() -> None:
    assert epoch_many([]) == []
    x = random_inputs(random.Random(4))
    assert outputs_to_json(epoch_many([x])[0]) == outputs_to_json(epoch(x))


def test_epoch_many_names_the_bad_subnet() -> None:
    good = random_inputs(random.Random(5))
    bad = EpochInputs(n=2, stake=np.array([1, 2], np.uint64),
                      weights=Csr.from_rows([[(5, 1)], []]))
    with pytest.raises(ScenarioError) as e:
        epoch_many([good, bad])
    assert e.value.key.startswith("[1].weights")
