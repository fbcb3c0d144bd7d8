"""numerics.optima: small pieces the minimiser-set tests (tests/test_optima.py) reach only indirectly,
written from mutants that survived them (docs/mutation.md). Expected values are hand-derived."""

from __future__ import annotations

import numpy as np
import pytest

from numerics import optima
from numerics.optima import NotClosedForm, minimiser_set
from numerics.processes import LAMConfig, LinearProcess

E3 = np.eye(3)


def test_grassmann_extremes_of_a_known_function():
    """f(W) = W_11^2 over unit vectors W in R^2 ranges over [0, 1]; f(W) = (W^T A W) over 3 x 1 with
    A = diag(3, 1, -2) ranges over [-2, 3] (Rayleigh quotient)."""
    lo, hi = optima._grassmann_extremes(lambda W: float(W[0, 0] ** 2), 2, 1)
    assert lo == pytest.approx(0.0, abs=1e-8) and hi == pytest.approx(1.0, abs=1e-8)
    A = np.diag([3.0, 1.0, -2.0])
    lo, hi = optima._grassmann_extremes(lambda W: float((W.T @ A @ W)[0, 0]), 3, 1)
    assert lo == pytest.approx(-2.0, abs=1e-6) and hi == pytest.approx(3.0, abs=1e-6)


def test_quantities_name_only_what_the_process_has():
    plain = minimiser_set(LinearProcess(X=E3[:, :2], lam=LAMConfig(d_z=1)))
    q = plain.quantities()
    assert q["noise_given_z"] is None and q["exo_state_given_z"] is None and q["exo_innovation_given_z_o"] is None
    assert q["action_given_z"] is not None and q["observation_given_z"] is not None
    exo = minimiser_set(LinearProcess(X=E3[:, :1], lam=LAMConfig(d_z=1), G_x=E3[:, [2]], F_xi=np.eye(1),
                                      F_e=0.5 * E3[:, [1]]))
    qe = exo.quantities()
    assert qe["exo_state_given_z"] is not None and qe["exo_innovation_given_z_o"] is not None
    assert qe["noise_given_z"] is not None


def test_an_action_head_with_a_correlated_policy_is_not_closed_form():
    """E[a o^T] = chi Pi Sigma_o = 0.05 e1 e1^T: well above 1e-10, far below 1."""
    Pi = np.array([[0.1, 0.0, 0.0], [0.0, 0.0, 0.0]])
    p = LinearProcess(X=E3[:, :2], lam=LAMConfig(d_z=2, action_weight=1.0), chi=0.5, Pi=Pi)
    with pytest.raises(NotClosedForm, match="action head with a policy correlated"):
        minimiser_set(p)
    assert minimiser_set(p.with_lam(action_weight=0.0)).k == 2  # without the head it is closed form
