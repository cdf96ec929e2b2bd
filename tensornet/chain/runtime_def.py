"""The composed runtime: which pallets, at which indices, with which runtime APIs.

Pallet names and indices follow subtensor's ``construct_runtime!`` (spec §1.2). ``SPEC_VERSION`` must
be bumped whenever the metadata changes (tests/runtime/test_metadata_version.py enforces it), because
clients cache metadata per spec version.
"""
from __future__ import annotations

from tensornet.amm.pallet import Swap
from tensornet.pallets.admin_utils import AdminUtils
from tensornet.pallets.aura import Aura
from tensornet.pallets.balances import Balances
from tensornet.pallets.commitments import Commitments
from tensornet.pallets.multisig import Multisig
from tensornet.pallets.proxy import Proxy
from tensornet.pallets.shield import MevShield
from tensornet.pallets.sudo import Sudo
from tensornet.pallets.system import System
from tensornet.pallets.timestamp import Timestamp
from tensornet.pallets.transaction_payment import TransactionPayment
from tensornet.pallets.utility import Utility
from tensornet.runtime.runtime import Runtime, RuntimeConfig
from tensornet.subnet.pallet import SubtensorModule

SPEC_VERSION = 454

PALLETS = [System, Timestamp, Aura, Balances, TransactionPayment, SubtensorModule, Utility, Sudo, Multisig, Proxy, Commitments, AdminUtils, Swap, MevShield]


def build_runtime(config: RuntimeConfig | None = None) -> Runtime:
    from tensornet.chain.runtime_apis import core_apis
    from tensornet.pallets.proxy_api import proxy_filter_api

    from tensornet.subnet.apis_stake import dtao_apis, dynamic_info_methods
    from tensornet.subnet.apis_subnet_info import incentive_apis

    return Runtime(PALLETS, SPEC_VERSION, config,
                   apis=core_apis() + incentive_apis(dynamic_info_methods()) + dtao_apis() + [proxy_filter_api()])
