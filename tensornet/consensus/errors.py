"""Errors a caller can cause by feeding the epoch bad input."""
from __future__ import annotations


class ScenarioError(ValueError):
    """Epoch input that the engine refuses; the message names the offending key."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem
