"""The counterexample search finds a false statement's smallest counterexample, deterministically."""

from __future__ import annotations

import numpy as np

from numerics.domains import linear_processes
from numerics.linear_lam import eigen_tail
from numerics.search import search_counterexample


def clean_processes(noise_kinds=("none",)):
    """Linear processes without policy or exogenous dynamics (the statement's setting), any LAM option."""
    return linear_processes(noise_kinds=noise_kinds, policy=False, exogenous=False)


def false_statement(inst):
    """'With no noise and d_z < d_a the PCA loss is positive' (false when X or Sigma_a is rank deficient)."""
    if inst.d_z >= inst.d_a:
        return -1.0, "outside the statement's domain"
    tail = eigen_tail(inst.Sigma_r, inst.d_z)
    return (1e-12 - tail), f"tail = {tail:.3g}"


def test_search_shrinks_to_the_smallest_counterexample():
    out = search_counterexample(clean_processes(), false_statement, max_examples=200)
    assert out.found
    inst = out.counterexample
    assert (inst.d_o, inst.d_a, inst.d_z) == (2, 2, 1)  # smallest dimensions allowing d_z < d_a (d_z <= d_o - 1)
    assert np.allclose(inst.X, 0) or (inst.F_a is not None and np.allclose(inst.F_a, 0))  # shrunk to the degenerate witness
    again = search_counterexample(clean_processes(), false_statement, max_examples=200)
    assert again.counterexample.to_json() == inst.to_json()  # derandomised: same witness every run


def test_search_reports_no_counterexample_for_a_true_statement():
    out = search_counterexample(clean_processes(("none", "isotropic", "structured", "general")), lambda i: (-float(eigen_tail(i.Sigma_r, i.d_z) >= -1e-9), ""),
                                max_examples=50)
    assert not out.found and out.examples == 50
