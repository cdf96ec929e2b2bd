"""SubtensorModule's call guards (``guards/*.rs``) and ``SubtensorTransactionExtension``
(``extensions/subtensor.rs``); a part class of SubtensorModule.

Subtensor checks some calls of signed origins before they run, twice over:
- as frame_system's dispatch extensions, at every dispatch (batched and proxied calls included), in
  the runtime's order: CheckColdkeySwap (every call), then, for SubtensorModule's calls,
  CheckWeights, CheckRateLimits, CheckDelegateTake and CheckServingEndpoints. A failure is the
  call's module error, before the call body runs;
- as the transaction extension's ``validate``, on a transaction's top-level call at pool admission
  and when a block includes it. A failure is ``InvalidTransaction::Custom(code)``, so the
  transaction never reaches a block (a rate-limited ``set_weights`` is refused at submission, not
  included as a failure).

(CheckEvmKeyAssociation guards ``associate_evm_key``, which this runtime does not have. CheckWeights
also refuses timelocked commits whose reveal round is behind drand's last stored round; with no drand
pallet here that round is 0, and the timelocked calls are refused as ``CallDisabled`` anyway.)
"""
from __future__ import annotations

from typing import Any

from tensornet.runtime.dispatch import DispatchError, Origin
from tensornet.runtime.validity import InvalidTransaction

from . import weights_rules as wr
from .registration import mech_index

#: pallet errors whose CustomTransactionError has the same name
_SAME_NAMED = ("SubnetNotExists", "NotEnoughStakeToWithdraw", "InsufficientLiquidity", "SlippageTooHigh",
               "TransferDisallowed", "HotKeyNotRegisteredInNetwork", "InvalidIpAddress", "ServingRateLimitExceeded",
               "InvalidPort", "NonAssociatedColdKey", "DelegateTakeTooLow", "DelegateTakeTooHigh",
               "InputLengthsUnequal", "InvalidRevealRound", "EvmKeyAssociateRateLimitExceeded", "ColdkeySwapDisputed")
#: pallet error → CustomTransactionError (``From<Error<T>> for CustomTransactionError``); others are BadRequest
CUSTOM_ERROR_OF = {
    **{name: name for name in _SAME_NAMED},
    "AmountTooLow": "StakeAmountTooLow", "NotEnoughStakeToSetWeights": "StakeAmountTooLow",
    "NotEnoughBalanceToStake": "BalanceTooLow", "HotKeyAccountNotExists": "HotkeyAccountDoesntExist",
    "NoWeightsCommitFound": "CommitNotFound", "RevealTooEarly": "CommitBlockNotInRevealRange",
    "CommittingWeightsTooFast": "RateLimitExceeded", "SettingWeightsTooFast": "RateLimitExceeded",
    "NetworkTxRateLimitExceeded": "RateLimitExceeded", "HotKeyNotRegisteredInSubNet": "UidNotFound",
    "ColdkeySwapAnnounced": "ColdkeyInSwapSchedule",
}

_WEIGHT_CALLS = frozenset((
    "batch_commit_weights", "batch_reveal_weights", "batch_set_weights", "commit_weights",
    "commit_mechanism_weights", "reveal_weights", "reveal_mechanism_weights", "set_weights",
    "set_mechanism_weights", "commit_timelocked_weights", "commit_timelocked_mechanism_weights",
    "commit_crv3_mechanism_weights"))
_RATE_LIMITED_CALLS = frozenset(("commit_weights", "commit_mechanism_weights", "set_weights",
                                 "set_mechanism_weights", "register_network"))
_TAKE_CALLS = frozenset(("increase_take", "decrease_take"))
_SERVING_CALLS = frozenset(("serve_axon", "serve_axon_tls", "serve_prometheus"))
#: the batch calls' arguments that must be as long as one another (``check_input_lengths``)
_PARALLEL_LISTS = {"batch_commit_weights": ("netuids", "commit_hashes"),
                   "batch_reveal_weights": ("uids_list", "values_list", "salts_list", "version_keys"),
                   "batch_set_weights": ("netuids", "weights", "version_keys")}
#: every SubtensorModule call some guard after CheckColdkeySwap looks at
GUARDED_CALLS = _WEIGHT_CALLS | _RATE_LIMITED_CALLS | _TAKE_CALLS | _SERVING_CALLS


class CallGuards:
    """Part class: the guards above, as a dispatch extension and as a transaction extension."""

    def check_dispatch(self, origin: Origin, pallet_name: str, call_name: str, args: dict) -> None:
        if origin.kind == "Signed":
            self.check_guards(origin.who, pallet_name, call_name, args)

    def check_transaction(self, who: bytes, pallet_name: str, call_name: str, args: dict) -> None:
        try:
            self.check_guards(who, pallet_name, call_name, args)
        except DispatchError as exc:
            raise InvalidTransaction.custom(CUSTOM_ERROR_OF.get(exc.name, "BadRequest")) from None

    def check_guards(self, who: bytes, pallet_name: str, call_name: str, args: dict) -> None:
        """Every guard, in the runtime's order; raises the first one's module error."""
        self.check_coldkey_swap(who, pallet_name, call_name)
        if pallet_name != "SubtensorModule" or call_name not in GUARDED_CALLS:
            return
        if call_name in _WEIGHT_CALLS:
            self._check_weights_guard(who, call_name, args)
        if call_name in _RATE_LIMITED_CALLS:
            self._check_rate_limits_guard(who, call_name, args)
        if call_name in _TAKE_CALLS:
            self._check_delegate_take_guard(who, args["hotkey"], args["take"])
        if call_name == "serve_prometheus":
            self.validate_serve_prometheus(who, args["netuid"], args["ip"], args["port"], args["ip_type"])
        elif call_name in _SERVING_CALLS:
            self.validate_serve_axon(who, args["netuid"], args["ip"], args["port"], args["ip_type"])

    # --- CheckWeights -----------------------------------------------------------------------------
    def _check_weights_guard(self, who: bytes, call_name: str, args: dict[str, Any]) -> None:
        """Input lengths, then the weights minimum stake on each subnet, then commit–reveal."""
        lists = _PARALLEL_LISTS.get(call_name)
        if lists and len({len(args[name]) for name in lists}) > 1:
            raise self.error("InputLengthsUnequal")
        for netuid in args["netuids"] if "netuids" in args else (args["netuid"],):
            if not self.check_weights_min_stake(who, netuid):
                raise self.error("NotEnoughStakeToSetWeights")
        if call_name in ("reveal_weights", "reveal_mechanism_weights"):
            netuid = args["netuid"]
            self._check_reveal(who, netuid, mech_index(netuid, args.get("mecid", 0)),
                               [(args["uids"], args["values"], args["salt"], args["version_key"])])
        elif call_name == "batch_reveal_weights":
            netuid = args["netuid"]
            self._check_reveal(who, netuid, mech_index(netuid, 0), list(zip(
                args["uids_list"], args["values_list"], args["salts_list"], args["version_keys"])))

    def _check_reveal(self, who: bytes, netuid: int, index: int, reveals: list[tuple]) -> None:
        """Each reveal matches a stored commit (expired ones included) whose reveal epoch is now."""
        commits = self.WeightCommits.try_get(index, who)
        if commits is None:
            raise self.error("NoWeightsCommitFound")
        epoch = period = None
        for uids, values, salt, version_key in reveals:
            provided = wr.commit_hash(who, index, uids, values, salt, version_key)
            commit_epoch = next((c[1] for c in commits if c[0] == provided), None)
            if commit_epoch is None:
                raise self.error("NoWeightsCommitFound")
            if epoch is None:
                epoch, period = self.current_epoch_with_lookahead(netuid), self.RevealPeriodEpochs.get(netuid)
            if not wr.is_reveal_epoch(epoch, commit_epoch, period):
                raise self.error("RevealTooEarly")

    # --- CheckRateLimits --------------------------------------------------------------------------
    def _check_rate_limits_guard(self, who: bytes, call_name: str, args: dict[str, Any]) -> None:
        if call_name == "register_network":
            if not self.passes_network_rate_limit():
                raise self.error("NetworkTxRateLimitExceeded")
            return
        netuid = args["netuid"]
        if call_name.startswith("commit"):
            error = "CommittingWeightsTooFast"
        elif self.CommitRevealWeightsEnabled.get(netuid):
            return  # set_weights under commit–reveal fails in its body (CommitRevealEnabled)
        else:
            error = "SettingWeightsTooFast"
        uid = self.Uids.get(netuid, who)
        if uid is not None and not self._weights_rate_limit_passes(netuid, args.get("mecid", 0), uid):
            raise self.error(error)

    def _weights_rate_limit_passes(self, netuid: int, mecid: int, uid: int) -> bool:
        """``check_rate_limit``: a registered uid of an existing mechanism that never set weights, or
        did at least WeightsSetRateLimit blocks ago."""
        if self.MechanismCountCurrent.get(netuid) <= mecid or not self.Keys.contains(netuid, uid):
            return False
        last_update = self.get_last_update(mech_index(netuid, mecid))
        last = last_update[uid] if uid < len(last_update) else 0
        return wr.passes_rate_limit(last, self.WeightsSetRateLimit.get(netuid), self.block_number)

    # --- CheckDelegateTake ------------------------------------------------------------------------
    def _check_delegate_take_guard(self, who: bytes, hotkey: bytes, take: int) -> None:
        if take < self.MinDelegateTake.get():
            raise self.error("DelegateTakeTooLow")
        if take > self.MaxDelegateTake.get():
            raise self.error("DelegateTakeTooHigh")
        self.do_take_checks(who, hotkey)
