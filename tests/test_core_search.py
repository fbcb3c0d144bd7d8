"""numerics.search: the counterexample search returns hypothesis's SHRUNK smallest counterexample,
counts what it evaluated, treats excess <= 0 as holding, and writes no example database."""

from __future__ import annotations

import os

import pytest
from hypothesis import strategies as st

from numerics.search import DEFAULT_EXAMPLES, SearchOutcome, search_counterexample


def test_returns_the_shrunk_smallest_counterexample():
    """'x <= 10' over [0, 10^6] fails first at some large x; shrinking ends at x = 11, excess 1."""
    out = search_counterexample(st.integers(0, 10**6), lambda x: (x - 10, f"x = {x}"), max_examples=100)
    assert out.found and out.counterexample == 11 and out.violation == 1.0 and out.detail == "x = 11"
    assert isinstance(out.violation, float) and out.examples > 1


def test_shrinks_structured_instances():
    """'sum <= 5' over lists: the minimal failing list is [6] (one element, smallest value)."""
    out = search_counterexample(st.lists(st.integers(0, 100), max_size=8),
                                lambda xs: (sum(xs) - 5, f"sum = {sum(xs)}"), max_examples=200)
    assert out.counterexample == [6] and out.violation == 1.0 and out.detail == "sum = 6"


def test_excess_zero_holds():
    out = search_counterexample(st.integers(0, 10**6), lambda x: (0.0, "on the boundary"), max_examples=30)
    assert not out.found and out.counterexample is None and out.violation == 0.0 and out.detail == ""
    neg = search_counterexample(st.integers(0, 10**6), lambda x: (-1e-300, ""), max_examples=30)
    assert not neg.found


def test_counts_every_evaluated_instance():
    calls = []

    def viol(x):
        calls.append(x)
        return -1.0, ""

    out = search_counterexample(st.integers(0, 10**6), viol, max_examples=37)
    assert out.examples == 37 == len(calls) and not out.found


def test_default_budget():
    assert DEFAULT_EXAMPLES == {"ci": 150, "full": 1500}
    calls = []
    search_counterexample(st.integers(0, 10**9), lambda x: (calls.append(x), (-1.0, ""))[1])
    assert len(calls) == 150


def test_deterministic():
    f = lambda xs: (max(xs, default=0) - 50, "")  # noqa: E731
    a = search_counterexample(st.lists(st.integers(0, 1000)), f, max_examples=50)
    b = search_counterexample(st.lists(st.integers(0, 1000)), f, max_examples=50)
    assert a == b and a.counterexample == [51]


def test_writes_no_example_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = search_counterexample(st.integers(0, 1000), lambda x: (x - 3, ""), max_examples=50)
    assert out.counterexample == 4
    assert os.listdir(tmp_path) == []  # no .hypothesis directory


def test_a_crashing_property_propagates():
    """Only violations are counterexamples: an exception inside ``violation`` is a bug, not a witness."""

    def boom(x):
        raise ZeroDivisionError("bug")

    with pytest.raises(ZeroDivisionError):
        search_counterexample(st.integers(0, 10), boom, max_examples=5)


def test_outcome_witness():
    class Inst:
        def to_json(self):
            return {"d_o": 2}

    found = SearchOutcome(examples=3, counterexample=Inst(), violation=0.5, detail="tail = 0.5")
    assert found.found and found.witness() == {"d_o": 2, "violation": "tail = 0.5"}
    assert found.witness(lambda x: {"k": 1}) == {"k": 1, "violation": "tail = 0.5"}
    none = SearchOutcome(examples=3)
    assert not none.found and none.witness() is None and (none.violation, none.detail) == (0.0, "")
    zero = SearchOutcome(examples=1, counterexample=0, violation=1.0, detail="x")
    assert zero.found and zero.witness(lambda x: {"x": x}) == {"x": 0, "violation": "x"}  # a falsy witness is found


def test_outcome_process_is_the_instance_or_the_first_item_of_a_tuple():
    proc, B = object(), [[1.0]]
    assert SearchOutcome(examples=1, counterexample=(proc, B), violation=1.0).process() is proc
    assert SearchOutcome(examples=1, counterexample=proc, violation=1.0).process() is proc
    assert SearchOutcome(examples=1).process() is None


def test_outcome_is_frozen_and_the_budget_is_keyword_only():
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        SearchOutcome(examples=1).examples = 2
    with pytest.raises(TypeError):
        search_counterexample(st.integers(0, 3), lambda x: (-1.0, ""), 10)
    out = search_counterexample(strategy=st.integers(0, 3), violation=lambda x: (-1.0, ""), max_examples=3)
    assert not out.found


def test_one_answer_even_when_the_property_also_crashes():
    """x in [10, 500] violates, x > 500 crashes: the search gives ONE answer (the smallest violation, or the
    crash), never a group of failures."""

    def viol(x):
        if x > 500:
            raise ValueError("crash")
        return x - 9, f"x = {x}"

    try:
        out = search_counterexample(st.integers(0, 10**6), viol, max_examples=200)
    except ValueError:
        return
    assert out.counterexample == 10
