"""Counterexample search over a claim's whole stated domain, with hypothesis.

`search_counterexample` runs a property over instances drawn from a hypothesis strategy and, if the
property fails anywhere, returns hypothesis's *shrunk* (smallest) failing instance with the size of
the violation. Derandomised (fixed seed, no example database), so audits and tests are reproducible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

T = TypeVar("T")

#: Budget of drawn instances per property: enough for hypothesis to reach the boundaries of the
#: integer-grid strategies we use (zeros, ties, rank deficiency) in well under a second per claim.
DEFAULT_EXAMPLES = {"ci": 150, "full": 1500}


@dataclass(frozen=True)
class SearchOutcome(Generic[T]):
    """``counterexample`` is None when no instance violated the property; ``violation`` is the
    property's excess (positive means violated); ``examples`` how many instances were evaluated."""

    examples: int
    counterexample: T | None = None
    violation: float = 0.0
    detail: str = ""

    @property
    def found(self) -> bool:
        return self.counterexample is not None

    def witness(self, describe: Callable[[T], dict] = lambda x: x.to_json()) -> dict | None:
        """The counterexample as report data, ``describe(instance) | {"violation": detail}``; None if none found."""
        return (describe(self.counterexample) | {"violation": self.detail}) if self.found else None

    def process(self):
        """The counterexample's typed process (the first item when instances are tuples such as
        (process, B, C, D)), for `CheckResult.process`; None if none found."""
        x = self.counterexample
        return x[0] if isinstance(x, tuple) else x


class _Violated(AssertionError):
    pass


def search_counterexample(
    strategy: st.SearchStrategy[T],
    violation: Callable[[T], tuple[float, str]],
    *,
    max_examples: int = DEFAULT_EXAMPLES["ci"],
) -> SearchOutcome[T]:
    """Look for an instance x with ``violation(x)[0] > 0``; return the shrunk smallest one.

    ``violation`` returns (excess, description): excess <= 0 means the statement holds on x (it is
    typically ``error - tolerance``). Hypothesis replays the minimal failing example last, so the last
    failing instance seen is the shrunk one.
    """
    seen = {"n": 0, "last": None}

    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(strategy)
    def prop(x: Any) -> None:
        seen["n"] += 1
        excess, what = violation(x)
        if excess > 0:
            seen["last"] = (x, excess, what)
            raise _Violated(what)

    try:
        prop()
    except _Violated:
        x, excess, what = seen["last"]
        return SearchOutcome(examples=seen["n"], counterexample=x, violation=float(excess), detail=what)
    return SearchOutcome(examples=seen["n"])
