"""Yuma consensus: subtensor's epoch as pure functions over arrays, bit-exact (I32F32 semantics).

Modules, each with one job:

* ``types``     — ``EpochInputs`` / ``EpochOutputs`` / ``Csr``: the typed face the runtime fills
                  from storage (field names follow ``spec/yuma-scenario.md``).
* ``yuma``      — the faces: ``epoch(inputs)``, ``epoch_many(list)`` (many subnets, threaded),
                  ``epoch_json(dict)``, ``run_scenario`` (carried sequences) and ``warm_up()``.
* ``validate``  — every input check; refusals are ``errors.ScenarioError`` naming the key.
* ``fixed``     — substrate-fixed 0.6 arithmetic (I32F32, I64F64, I96F32) on Python integers.
* ``reference`` — the epoch restated step by step on Python integers (the test oracle).
* ``kernels``   — the same epoch as numba kernels over CSR arrays (``@njit(cache=True,
                  nogil=True)``; cache directory from ``NUMBA_CACHE_DIR``).
* ``plot``      — matplotlib view of a sequence (optional extra).

Nothing here touches storage; importing this package does not import numba.
"""
