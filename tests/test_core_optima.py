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


def test_helpers_by_hand():
    T = np.array([[1.0, 1.0, 0.0], [0.0, 2.0, 1.0]])
    base = np.array([[1.0, 0.0, 0.0]])
    assert np.array_equal(optima.residual(T, np.zeros((0, 3))), T)
    R = optima.residual(T, base)
    assert np.allclose(R @ base.T, 0) and np.allclose(R, [[0.0, 1.0, 0.0], [0.0, 2.0, 1.0]])
    assert optima.explained(T, np.zeros((0, 3))) == 0.0 and optima.explained(np.zeros((0, 3)), T) == 0.0
    # y = w1 from v = (w1 + w2, 2 w2 + w3): Cov(v) = [[2, 2], [2, 5]], Cov(y, v) = (1, 0): explained 5 / 6
    assert optima.explained(base, T) == pytest.approx(5 / 6)
    assert optima._nmse(2.0, 1.0) == 0.0 and optima._nmse(-1.0, 1.0) == 1.0 and optima._nmse(0.25, 1.0) == 0.75
    assert optima._stack().shape == (0, 0) and optima._stack(np.zeros((0, 3))).shape == (0, 0)
    assert optima._stack(base, np.zeros((0, 3)), T).shape == (3, 3)
    assert optima.kyfan(np.diag([3.0, 1.0, 2.0]), 2) == 5.0 and optima.kyfan(np.diag([3.0, 1.0, 2.0]), 2, top=False) == 3.0
    assert optima.kyfan(np.eye(2), 0) == 0.0


def test_gap_value_and_heads():
    """Sigma_r = diag(3, 2, 1) (X = I, F_a = diag(sqrt 3, sqrt 2, 1)), plain LAM, d_z = 1: the score is Sigma_r,
    mu = (3, 2, 1), k = 1, gap 1, value 6 - 3 = 3; no action head: no E in the parameters."""
    p = LinearProcess(X=np.eye(3), lam=LAMConfig(d_z=1), F_a=np.diag([np.sqrt(3.0), np.sqrt(2.0), 1.0]), F_o=np.eye(3))
    ms = minimiser_set(p)
    assert np.allclose(ms.mu, [3, 2, 1]) and ms.k == 1 and ms.gap == pytest.approx(1.0) and ms.value == pytest.approx(3.0)
    assert "E" not in ms.canonical()
    full = minimiser_set(p.with_lam(d_z=2))
    assert full.gap == pytest.approx(1.0) and full.value == pytest.approx(1.0)


def test_members_under_a_correlated_policy_attain_the_minimum():
    """chi = 1/2: E[o'|o] = (I + chi X Pi) o != o, so the optimal A is K = S_no S_oo^+, not I: the canonical
    member's population loss (numerics.linear_lam.lam_loss on the raw moments) equals the minimum."""
    from numerics.linear_lam import lam_loss

    Pi = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.0]])
    p = LinearProcess(X=E3[:, :2], lam=LAMConfig(d_z=1), chi=0.5, Pi=Pi)
    ms = minimiser_set(p)
    prm = ms.canonical()
    assert lam_loss(prm["A"], prm["B"], prm["C"], prm["D"], p.moments()) == pytest.approx(ms.value, abs=1e-9)
    assert not np.allclose(prm["A"], np.eye(3))
