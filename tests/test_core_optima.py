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


@pytest.mark.parametrize("lam", [dict(kappa=0.5), dict(learn_A=False)])
def test_llo_range_over_a_tie_by_hand(lam):
    """tests/test_optima.py's tied process (d_o = 3, X = [e1 e2], Sigma_a = diag(1, 1/2), noise e2 n of variance
    1/2, d_z = 1) under augmentation or a residual FDM (no mixing): z = cos t r1 + sin t r2. At t = 0, z = a1:
    NMSE(a|z) = 1 - 1/(3/2) = 1/3, noise and o unexplained: LLO = -1/3 + 1 + 1 = 5/3. At t = pi/2, z = r2 = a2 + eps2
    (variance 1): Cov(a2, z) = 1/2 -> NMSE(a|z) = 1 - (1/4)/(3/2) = 5/6; Cov(eps2, z) = 1/2 -> NMSE(noise|z) = 1/2:
    LLO = 2/3. The range is [2/3, 5/3], exact; every tie choice on a fine circle lies inside and reaches both ends
    (LLO evaluated with probes, not with optima)."""
    X = E3[:, :2]
    p = LinearProcess(X=X, lam=LAMConfig(d_z=1, **lam), F_a=np.diag([1.0, np.sqrt(0.5)]), F_e=np.sqrt(0.5) * E3[:, [1]])
    ms = minimiser_set(p)
    r = ms.llo_range()
    assert ms.tied and ms.mixing == "none" and r.exact
    assert (r.lo, r.hi) == (pytest.approx(2 / 3), pytest.approx(5 / 3))
    src = p.source
    vals = []
    for t in np.linspace(0, np.pi, 361):
        T_z = ms.latent_map(ms.member(W=np.array([[np.cos(t)], [np.sin(t)]])))
        vals.append(-src.nmse("a", [T_z]) + src.nmse("noise", [T_z]) + src.nmse("o", [T_z]))
    assert min(vals) == pytest.approx(2 / 3, abs=1e-9) and max(vals) == pytest.approx(5 / 3, abs=1e-9)
    plain = minimiser_set(p.with_lam(kappa=0.0, learn_A=True))  # mixing o into z: an enclosure containing them
    e = plain.llo_range()
    assert not e.exact and e.lo <= min(vals) + 1e-12 and max(vals) <= e.hi + 1e-12
