"""The per-paper assumption evaluators: each one accepts a process inside its domain and rejects one just
outside, on small hand-built processes whose answer is read off their construction (written next to each).

Written from the mutants that survived the papers' own tests (docs/mutation.md); the papers' tests stay
the primary ones. Zhang: numerics/zhang2025/assumptions.py; Lee (reconstruction): numerics/lee2026/assumptions.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from numerics.processes import LAMConfig, LinearProcess, lee_process
from theory.assumptions import evaluate

pytest.importorskip("numerics.zhang2025.assumptions")
pytest.importorskip("numerics.lee2026.assumptions")

E3 = np.eye(3)


def holds(name, p):
    e = evaluate(name, p)
    assert e.holds is not None, f"{name} has no evaluator for {type(p).__name__}"
    return e.holds


def lp(X=E3[:, :2], d_z=1, **kw):
    lam = kw.pop("lam", None) or LAMConfig(d_z=d_z, **{k: kw.pop(k) for k in list(kw) if k in LAM_FIELDS})
    return LinearProcess(X=np.asarray(X, float), lam=lam, **kw)


LAM_FIELDS = {"learn_A", "tie_CD", "kappa", "action_weight", "loss_normalisation", "label_fraction", "label_average",
              "batch", "Phi"}


# --- Zhang et al. 2025 ----------------------------------------------------------------------------------

def test_zp_linear_model():
    assert holds("zp-linear-model", lp())
    assert holds("zp-linear-model", lp(G_x=np.zeros((3, 1))))  # an all-zero exogenous map is no exogenous block
    assert not holds("zp-linear-model", lp(G_x=E3[:, [2]]))
    assert not holds("zp-linear-model", lp(Phi=E3[:2]))


@pytest.mark.parametrize("kw,ok", [
    ({}, True), (dict(learn_A=False), False), (dict(tie_CD=True), False), (dict(kappa=0.1), False),
    (dict(action_weight=1e-3), False), (dict(action_weight=2.0, label_fraction=0.0), True),  # effective weight 0
])
def test_zp_reconstruction_loss(kw, ok):
    assert holds("zp-reconstruction-loss", lp(**kw)) is ok


def test_zp_uncorrelated_change():
    """chi = 0: E[o delta^T] = 0. chi = 1/2 with Pi = e1^T: E[o (X a)^T] = Sigma_o Pi^T X^T chi = (1/2) e1 e1^T."""
    assert holds("zp-uncorrelated-change", lp())
    assert not holds("zp-uncorrelated-change", lp(chi=0.5, Pi=np.array([[1.0, 0, 0], [0, 0, 0]])))
    assert not holds("zp-uncorrelated-change", lp(chi=1e-6, Pi=np.array([[1.0, 0, 0], [0, 0, 0]])))  # 5e-7 > 1e-10 * 2
    # exogenous drift: o' = P o + ..., P != I correlates o with the change
    assert not holds("zp-uncorrelated-change", lp(G_x=E3[:, [2]], Gamma=np.array([[0.5]])))


def test_zp_noise_evaluators():
    assert holds("zp-no-noise", lp()) and holds("zp-no-noise", lp(F_e=np.zeros((3, 2))))
    assert not holds("zp-no-noise", lp(F_e=1e-3 * E3[:, [0]]))
    iso = lp(F_e=0.5 * E3)
    assert holds("zp-isotropic-noise", iso) and "0.25" in evaluate("zp-isotropic-noise", iso).reason
    assert not holds("zp-isotropic-noise", lp())  # no noise: sigma = 0
    assert "no noise" in evaluate("zp-isotropic-noise", lp()).reason
    assert not holds("zp-isotropic-noise", lp(F_e=np.diag([0.5, 0.5, 0.5 + 1e-6])))  # not a multiple of I
    assert not holds("zp-isotropic-noise", lp(F_e=0.5 * E3[:, :2]))  # rank 2 of 3
    assert holds("zp-structured-noise", lp(F_e=E3[:, :1])) and holds("zp-structured-noise", lp(F_e=0.5 * E3))


def test_zp_isotropic_level():
    from numerics.zhang2025.assumptions import isotropic_level

    assert isotropic_level(lp(F_e=0.5 * E3)) == pytest.approx(0.25)
    assert isotropic_level(lp()) is None and isotropic_level(lp(F_e=E3[:, :1])) is None
    R = np.linalg.qr(np.array([[1.0, 2, 0], [0, 1, 1], [1, 0, 1]]))[0]
    assert isotropic_level(lp(F_e=2.0 * R)) == pytest.approx(4.0)  # Sigma_eps = 4 R R^T = 4 I


def test_zp_correlated_policy():
    Pi = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    assert holds("zp-correlated-policy", lp(chi=0.5, Pi=Pi))
    assert not holds("zp-correlated-policy", lp())  # chi = 0
    assert not holds("zp-correlated-policy", lp(chi=0.5, Pi=np.zeros((2, 3))))  # Pi = 0
    assert not holds("zp-correlated-policy", lp(chi=0.5, Pi=Pi, F_o=np.diag([1.0, 1.0, 0.0])))  # Sigma_o singular
    assert holds("zp-correlated-policy", lp(chi=0.5, Pi=Pi, F_o=np.diag([1.0, 1.0, 1e-3])))  # 1e-6 > 1e-10 scale


@pytest.mark.parametrize("kw,ok", [
    (dict(kappa=0.5), True), ({}, False), (dict(kappa=0.5, learn_A=False), False), (dict(kappa=0.5, tie_CD=True), False),
])
def test_zp_augmentation(kw, ok):
    assert holds("zp-augmentation", lp(**kw)) is ok


def test_zp_action_head_evaluators():
    assert holds("zp-no-action-head", lp()) and holds("zp-no-action-head", lp(action_weight=1.0, label_fraction=0.0))
    assert not holds("zp-no-action-head", lp(action_weight=1e-6))
    head = dict(action_weight=1.0, d_z=2)
    assert holds("zp-action-labels", lp(**head))
    assert not holds("zp-action-labels", lp())  # no action loss
    assert not holds("zp-action-labels", lp(action_weight=1.0, d_z=1))  # d_z < d_a
    assert not holds("zp-action-labels", lp(**head, F_e=E3[:, [0]]))  # noise along the action column: X^T F_e != 0
    assert holds("zp-action-labels", lp(**head, F_e=E3[:, [2]]))  # noise orthogonal to X


def test_zp_llo_and_rank():
    from numerics.zhang2025.assumptions import action_rank

    assert holds("zp-llo-defined", lp())
    assert not holds("zp-llo-defined", lp(X=np.zeros((3, 2))))  # Var q = 0
    assert not holds("zp-llo-defined", lp(F_o=np.zeros((3, 3))))  # Var o = 0
    assert action_rank(lp()) == 2 and holds("zp-full-rank-action-effect", lp())
    assert action_rank(lp(X=np.array([[1.0, 2.0], [1.0, 2.0], [0, 0]]))) == 1
    assert not holds("zp-full-rank-action-effect", lp(F_a=np.diag([1.0, 0.0])))  # Sigma_a singular
    assert holds("zp-full-rank-action-effect", lp(F_a=np.diag([1.0, 1e-3])))  # eigenvalue 1e-6 > 1e-9 relative
    assert not holds("zp-full-rank-action-effect", lp(F_a=np.diag([1.0, 1e-5])))  # 1e-10 < 1e-9 relative
    assert holds("zp-action-noise-uncorrelated", lp(F_e=E3)) and holds("zp-population-probes", lp())
    assert holds("zp-bottleneck", lp(d_z=2))


# --- Lee et al. 2026 (reconstruction) ----------------------------------------------------------------------

def lee(**kw):
    return lee_process(np.random.default_rng(0), d_o=6, d_s=2, d_x=2, d_a=2, **kw)


def test_lee_model_and_a1_a4():
    p = lee(sigma_xi=2.0)
    for name in ("exogenous-linear-model", "A1-zero-mean", "A2-random-policy", "A3-observation-identifies-state",
                 "A4-bottleneck", "A6-non-overlap", "isotropic", "orthonormal-action-map", "orthonormal-exogenous-map",
                 "lee-linear-lam", "action-supervision"):
        assert holds(name, p), name
    E = np.eye(3)
    no_exo = LinearProcess(X=E[:, :1], lam=LAMConfig(d_z=1), G_s=E[:, :1], W=np.eye(1))
    assert not holds("exogenous-linear-model", no_exo) and not holds("A3-observation-identifies-state", no_exo)
    assert not holds("orthonormal-exogenous-map", no_exo)
    noisy = LinearProcess(X=E[:, :1], lam=LAMConfig(d_z=1), G_s=E[:, :1], W=np.eye(1), G_x=E[:, [1]], F_e=E[:, [2]])
    assert not holds("exogenous-linear-model", noisy)
    clean = LinearProcess(X=E[:, :1], lam=LAMConfig(d_z=1), G_s=E[:, :1], W=np.eye(1), G_x=E[:, [1]])
    assert holds("exogenous-linear-model", clean) and holds("A3-observation-identifies-state", clean)
    bad_H = LinearProcess(X=E[:, :1], lam=LAMConfig(d_z=1), G_s=E[:, :1], W=np.eye(1), G_x=E[:, [1]],
                          H_x=np.array([[0.0, 1.0 + 1e-6, 0.0]]))
    assert not holds("A3-observation-identifies-state", bad_H)
    pol = LinearProcess(X=E[:, :1], lam=LAMConfig(d_z=1), G_s=E[:, :1], W=np.eye(1), G_x=E[:, [1]], chi=1e-6,
                        Pi=np.array([[1.0, 0, 0]]))
    assert not holds("A2-random-policy", pol)


def test_lee_overlap_isotropy_and_orthonormality():
    assert not holds("A6-non-overlap", lee(overlap=1e-3))
    assert not holds("isotropic", lee(sigma_xi=1.0))  # sigma_a = sigma_xi: a tie
    assert holds("isotropic", lee(sigma_xi=1.0 + 1e-6))
    p = lee(sigma_xi=2.0)
    aniso_a = LinearProcess(X=p.X, lam=p.lam, F_a=np.diag([1.0, 1.0 + 1e-6]), G_x=p.G_x, H_x=p.H_x, Gamma=p.Gamma,
                            F_xi=p.F_xi, G_s=p.G_s, W=p.W, H_s=p.H_s)
    assert not holds("isotropic", aniso_a)
    aniso_x = LinearProcess(X=p.X, lam=p.lam, F_a=p.F_a, G_x=p.G_x, H_x=p.H_x, Gamma=p.Gamma,
                            F_xi=np.diag([2.0, 2.0 + 1e-6]), G_s=p.G_s, W=p.W, H_s=p.H_s)
    assert not holds("isotropic", aniso_x)
    scaled = lee(W=np.eye(2) * (1 + 1e-6), sigma_xi=2.0)
    assert not holds("orthonormal-action-map", scaled)
    assert not holds("orthonormal-exogenous-map", lee(overlap=0.5))


def test_lee_eigengap():
    """sigma_xi = sigma_a = 1 and d_z = 3 of the 4 unit directions (2 action + 2 exogenous): a tie."""
    assert not holds("A5-eigengap", lee(sigma_xi=1.0, d_z=3))
    assert holds("A5-eigengap", lee(sigma_xi=2.0, d_z=2))  # the two xi directions (variance 4) fill both slots
    assert not holds("A5-eigengap", lee(sigma_xi=2.0, kappa=0.5).with_lam(Phi=np.eye(6)[:5]))  # no closed form


def test_lee_lam_evaluators():
    p = lee(sigma_xi=2.0)
    for kw in (dict(learn_A=False), dict(tie_CD=True), dict(kappa=0.5), dict(Phi=np.eye(6)[:4])):
        assert not holds("lee-linear-lam", p.with_lam(**kw)), kw
        assert not holds("action-supervision", p.with_lam(**kw)), kw
    assert holds("residual-fdm", p.with_lam(learn_A=False))
    assert not holds("residual-fdm", p)
    for kw in (dict(tie_CD=True), dict(kappa=0.5), dict(Phi=np.eye(6)[:4])):
        assert not holds("residual-fdm", p.with_lam(learn_A=False, **kw)), kw
    Phi_s = p.H_s  # reads only s: Phi U_x = 0, rank(Phi U_a) = 2 = d_a
    assert holds("fixed-representation", p.with_lam(Phi=Phi_s)) and not holds("fixed-representation", p)
    for kw in (dict(learn_A=False), dict(tie_CD=True), dict(kappa=0.5)):
        assert not holds("fixed-representation", p.with_lam(Phi=Phi_s, **kw)), kw
    assert holds("endogenous-representation", p.with_lam(Phi=Phi_s))
    assert not holds("endogenous-representation", p)  # no Phi
    assert not holds("endogenous-representation", p.with_lam(Phi=np.eye(6)))  # reads x too
    assert not holds("endogenous-representation", p.with_lam(Phi=Phi_s[:1]))  # rank 1 < d_a
    assert not holds("endogenous-representation", p.with_lam(Phi=Phi_s, d_z=1))  # d_a > k
    w = evaluate("action-supervision", p.with_lam(action_weight=2.0)).reason
    assert "2" in w


def test_lee_base_model_and_contexts():
    E = np.eye(3)
    base = LinearProcess(X=E[:, :1], lam=LAMConfig(d_z=1))
    assert holds("lee-base-model", base) and holds("lee-augmentation", base)
    assert not holds("lee-base-model", LinearProcess(X=E[:, :1], lam=LAMConfig(d_z=1), F_o=2 * E))  # Cov(o) != I
    assert not holds("lee-base-model", LinearProcess(X=E[:, :1], lam=LAMConfig(d_z=1), chi=0.5, Pi=E[:1]))
    for kw in (dict(learn_A=False), dict(tie_CD=True), dict(Phi=E[:2])):
        assert not holds("lee-base-model", base.with_lam(**kw)), kw
    assert "N(0, 0.5^2 I)" in evaluate("lee-augmentation", base.with_lam(kappa=0.5)).reason
    assert not holds("paired-contexts", base)


# --- Lachapelle 2025 (reconstruction): the finite process and the continuous test bed ---------------------

def _finite(**kw):
    from numerics.lachapelle2025.process import FiniteProcess

    base = dict(states=3, actions=2, codes=2, edges=((0, 1), (1, 2)))
    return FiniteProcess(**{**base, **kw})


def test_la_finite_evaluators():
    pytest.importorskip("numerics.lachapelle2025.assumptions")
    p = _finite()  # a path of 3 states, both actions everywhere, no merge, k = m = 2
    for name in ("la-finite-setting", "la-A2-continuity", "la-continuous-encoder", "la-A3-connectivity",
                 "la-A4-injectivity", "la-separated-action-graphs", "la-overlap", "la-positive-lambda",
                 "la-idm-entropy-regulariser", "la-A1-realisability"):
        assert holds(name, p), name
    for name in ("la-no-entropy-term", "la-spare-codes", "la-continuous-latent"):
        assert not holds(name, p), name
    assert not holds("la-finite-setting", _finite(codes=1)) and not holds("la-A1-realisability", _finite(codes=1))
    assert holds("la-spare-codes", _finite(codes=3)) and holds("la-no-entropy-term", _finite(lam=0.0))
    assert not holds("la-positive-lambda", _finite(lam=0.0))
    free = _finite(continuity=False)
    assert not holds("la-A2-continuity", free) and not holds("la-continuous-encoder", free)
    merged = _finite(merge=((1, 0, 1),))  # g(1, 0) = g(1, 1)
    assert not holds("la-A4-injectivity", merged) and not holds("la-separated-action-graphs", merged)
    assert "(1, 0, 1)" in evaluate("la-A4-injectivity", merged).reason
    # action 1 only at the two ends of the path: S_1 = {0, 2} is disconnected
    split = _finite(available=((0, 1), (0,), (0, 1)))
    assert not holds("la-A3-connectivity", split) and "S_1 has 2 components" in evaluate("la-A3-connectivity", split).reason
    assert holds("la-overlap", split)  # they co-occur (unmerged) at states 0 and 2
    apart = _finite(available=((0,), (0, 1), (1,)), merge=((1, 0, 1),))  # co-occur only at 1, merged there
    assert not holds("la-overlap", apart)
    assert holds("la-overlap", _finite(available=((0,), (0, 1), (1,))))
    assert not holds("la-idm-entropy-regulariser", _finite(regulariser="conditional-entropy"))


def test_la_testbed_evaluators():
    pytest.importorskip("numerics.lachapelle2025.assumptions")
    from numerics.lachapelle2025.testbed import ContinuousTestBed as TB

    b = TB()  # connected square, 4 actions, 4 codes, softmax latent, full support
    for name in ("la-finite-setting", "la-A1-realisability", "la-A2-continuity", "la-continuous-encoder",
                 "la-A3-connectivity", "la-A4-injectivity", "la-separated-action-graphs", "la-overlap",
                 "la-positive-lambda", "la-idm-entropy-regulariser"):
        assert holds(name, b), name
    for name in ("la-no-entropy-term", "la-spare-codes", "la-continuous-latent"):
        assert not holds(name, b), name
    assert not holds("la-finite-setting", TB(codes=3)) and not holds("la-A1-realisability", TB(codes=3))
    assert holds("la-finite-setting", TB(codes=3, latent="continuous"))
    assert holds("la-spare-codes", TB(codes=5)) and holds("la-spare-codes", TB(latent="continuous"))
    assert holds("la-continuous-latent", TB(latent="continuous"))
    assert not holds("la-A2-continuity", TB(latent="vq")) and holds("la-continuous-encoder", TB(latent="vq"))
    assert not holds("la-A3-connectivity", TB(domain="disconnected"))
    assert not holds("la-overlap", TB(full_support=False))
    same = TB(same_dynamics=(0, 1))  # g(s, 1) = g(s, 0): gap 0
    assert not holds("la-A4-injectivity", same) and not holds("la-separated-action-graphs", same)
    assert not holds("la-A1-realisability", same)
    assert holds("la-no-entropy-term", TB(lam=0.0)) and not holds("la-positive-lambda", TB(lam=0.0))


# --- Lee: tolerances and reasons, from the mutants that survived tests/test_lee2026.py ---------------------

def test_lee_tolerances_are_the_stated_ones():
    """REL_TOL = 1e-9 relative to max(1, scale): an error of 1.5e-9 on O(1) entries is rejected everywhere."""
    E = np.eye(3)
    bad_H = LinearProcess(X=E[:, :1], lam=LAMConfig(d_z=1), G_s=E[:, :1], W=np.eye(1), G_x=E[:, [1]],
                          H_x=np.array([[0.0, 1.0 + 1.5e-9, 0.0]]))
    assert not holds("A3-observation-identifies-state", bad_H)  # H G - I = 1.5e-9 > 1e-9 * max(1, 1)
    tilt = LinearProcess(X=E[:, :1], lam=LAMConfig(d_z=1), G_s=E[:, :1], W=np.eye(1), G_x=(E[:, 1] + 1.5e-9 * E[:, 0])[:, None])
    assert not holds("A6-non-overlap", tilt)  # U_a^T U_x = 1.5e-9 > 1e-9 * max(1, |U_a| |U_x|) = 1e-9
    p = lee(sigma_xi=2.0)
    # a near-collinear [G_s G_x]: singular values (sqrt 2, 1, 1.7e-10); 1.7e-10 > 1e-10 * max(1, sqrt 2): full rank
    G_x = p.G_s[:, [0]] + 2.4e-10 * p.G_x[:, [0]]
    near = LinearProcess(X=p.X, lam=p.lam, F_a=p.F_a, G_x=G_x, G_s=p.G_s, W=p.W)
    assert holds("exogenous-linear-model", near)
    flat = LinearProcess(X=p.X, lam=p.lam, F_a=p.F_a, G_x=p.G_s[:, [0]], G_s=p.G_s, W=p.W)
    e = evaluate("exogenous-linear-model", flat)
    assert e.holds is False and e.reason == "[G_s G_x] has rank 2 < 3 columns"
    # sigma_a^2 and sigma_xi^2 within 1e-9 * max(1, sigma_a^2) are a tie; at sigma_a^2 = 4 the band is 4e-9
    tie = lee(sigma_a=2.0, sigma_xi=np.sqrt(4.0 + 3e-9))
    assert not holds("isotropic", tie)
    assert holds("isotropic", lee(sigma_a=2.0, sigma_xi=np.sqrt(4.0 + 6e-9)))


def test_lee_representation_rank_is_relative():
    """Phi U_a = diag(1e3, 1e-8): the rank tolerance 1e-10 * 1e3 = 1e-7 sees rank 1 < d_a = 2."""
    p = lee(sigma_xi=2.0)
    Phi = np.diag([1e3, 1e-8]) @ p.W.T @ p.H_s  # Phi G_s W = diag(1e3, 1e-8) W^T W, Phi G_x = 0
    assert not holds("endogenous-representation", p.with_lam(Phi=Phi))
    assert holds("endogenous-representation", p.with_lam(Phi=np.diag([1e3, 1e-3]) @ p.W.T @ p.H_s))


def test_lee_reasons_say_what_was_decided():
    p = lee(sigma_xi=2.0)
    assert evaluate("orthonormal-action-map", p).reason == "U_a^T U_a = I"
    assert evaluate("orthonormal-exogenous-map", p).reason == "U_x^T U_x = I"
    skew = lee(W=np.eye(2) * 1.00001, sigma_xi=2.0)
    assert evaluate("orthonormal-action-map", skew).reason == "U_a^T U_a != I (singular values of U_a [1.0, 1.0])"
    wide = lee(overlap=0.5, sigma_xi=2.0)
    r = evaluate("orthonormal-exogenous-map", wide).reason
    sv = np.linalg.svd(wide.G_x, compute_uv=False)
    assert r == f"U_x^T U_x != I (singular values of U_x {np.round(sv, 4).tolist()})" and np.any(np.round(sv, 5) != np.round(sv, 4))
    assert evaluate("lee-augmentation", p).reason.startswith("kappa = 0")


@pytest.mark.parametrize("a,x", [(0.5, 3.0), (3.0, 0.5)])
def test_lee_overlap_tolerance_scales_with_both_maps(a, x):
    """U_a = a e1, U_x = x e2 + d e1: U_a^T U_x = a d; tolerance 1e-9 * max(1, a x) = 1.5e-9. a d = 2e-9 is an
    overlap; a d = 1e-9 is not."""
    E = np.eye(3)

    def proc(ad):
        Ux = (x * E[:, 1] + (ad / a) * E[:, 0])[:, None]
        return LinearProcess(X=a * E[:, :1], lam=LAMConfig(d_z=1), G_s=E[:, :1], W=np.array([[a]]), G_x=Ux)

    assert not holds("A6-non-overlap", proc(2e-9)) and holds("A6-non-overlap", proc(1e-9))


def test_lee_more_reasons_and_edges():
    p = lee(sigma_xi=2.0)
    assert evaluate("lee-linear-lam", p).reason == "z = C o + D o', o_hat' = A o + B z with A, B, C, D learnable"
    assert evaluate("lee-linear-lam", p.with_lam(learn_A=False)).reason == "A fixed (learn_A=False)"
    assert evaluate("residual-fdm", p.with_lam(learn_A=False)).reason == "A = I fixed, B, C, D learnable"
    assert evaluate("residual-fdm", p.with_lam(learn_A=False, tie_CD=True)).reason == "tied C = -D"
    assert evaluate("A6-non-overlap", p).reason == "U_a^T U_x = 0"
    # no exogenous block: isotropy reads sigma_xi^2 = 0 (no division by d_x = 0)
    E = np.eye(3)
    assert holds("isotropic", LinearProcess(X=E[:, :1], lam=LAMConfig(d_z=1)))
    # the tie band is 1e-9 * max(1, sigma_a^2): at sigma_a^2 = 0.01 it is still 1e-9
    assert not holds("isotropic", lee(sigma_a=0.1, sigma_xi=np.sqrt(0.01 + 5e-10)))
    # rank(Phi U_a): exactly rank 1 (two equal rows), and a small Phi whose second singular value 5e-12 is below 1e-10
    Phi_twice = np.vstack([p.H_s[:1], p.H_s[:1]])
    assert not holds("endogenous-representation", p.with_lam(Phi=Phi_twice))
    Phi_small = np.diag([1e-3, 5e-12]) @ p.W.T @ p.H_s
    assert not holds("endogenous-representation", p.with_lam(Phi=Phi_small))


# --- Zhang: tolerances and reasons, from the mutants that survived ------------------------------------------

def test_zp_scale_and_tolerance():
    """TOL * scale with scale = 1 + (largest factor entry)^2 (module docstring), TOL = 1e-10."""
    from numerics.zhang2025.assumptions import TOL, _scale

    assert TOL == 1e-10
    assert _scale(np.array([[3.0, -1.0]]), np.zeros((0, 2))) == 10.0 and _scale(np.array([[-0.5]])) == 1.25
    assert _scale() == 1.0 and _scale(np.zeros((0, 0))) == 1.0
    # F_o = 2 I, X = [e1 e2], chi = 1/2, Pi = c e1^T: E[o q^T] = chi Sigma_o Pi^T X^T = 2 c e1 e1^T; scale = 1 + 4 = 5
    def pol(c):
        return lp(F_o=2 * E3, chi=0.5, Pi=np.array([[c, 0, 0], [0, 0, 0]]))

    assert holds("zp-uncorrelated-change", pol(1e-10))  # 2e-10 <= 5e-10
    assert not holds("zp-uncorrelated-change", pol(5e-10))  # 1e-9 > 5e-10


def test_zp_reasons():
    assert evaluate("zp-uncorrelated-change", lp()).reason == "E[o (q+eps)^T] = 0 (max entry 0.0e+00)"
    assert evaluate("zp-no-noise", lp()).reason == "eps = 0"
    assert evaluate("zp-no-noise", lp(F_e=0.5 * E3)).reason == "noise present (max |F_e| = 0.5)"
    assert evaluate("zp-structured-noise", lp(F_e=E3[:, :1])).reason == (
        "eps = Y b with Y = F_e (1 columns), b independent of a and o")
    assert evaluate("zp-no-action-head", lp()).reason == "no action loss"
    assert evaluate("zp-no-action-head", lp(action_weight=2.0)).reason == "action head with effective weight 2"
    assert evaluate("zp-action-noise-uncorrelated", lp(F_e=E3)).reason == "E[a eps^T] = 0 (max 0.0e+00)"
    assert holds("zp-bottleneck", lp(d_z=1)) and evaluate("zp-bottleneck", lp(d_z=1)).reason == "d_z = 1, d_o = 3"


@pytest.mark.parametrize("F_a,rank", [
    # Sigma_q eigenvalues (1, 1.2e-9): 1.2e-9 > 1e-9 * max(1, 1) -> rank 2
    (np.diag([1.0, np.sqrt(1.2e-9)]), 2),
    # (0.01, 1e-10): the cut is 1e-9 * max(1, 0.01) = 1e-9, not 1e-9 * 0.01 -> rank 1
    (np.diag([0.1, 1e-5]), 1),
    # (100, 1e-8): the cut is 1e-9 * 100 = 1e-7 -> rank 1
    (np.diag([10.0, 1e-4]), 1),
])
def test_zp_action_rank_cut(F_a, rank):
    from numerics.zhang2025.assumptions import action_rank

    assert action_rank(lp(F_a=F_a)) == rank


def test_la_reasons():
    pytest.importorskip("numerics.lachapelle2025.assumptions")
    from numerics.lachapelle2025.testbed import ContinuousTestBed as TB

    r = lambda name, p: evaluate(name, p).reason  # noqa: E731
    p, free = _finite(), _finite(continuity=False)
    assert r("la-A2-continuity", p) == "IDM class: continuity surrogate (codes tied across edges)"
    assert r("la-A2-continuity", free) == "IDM class: unrestricted (continuity = false)"
    assert r("la-continuous-encoder", p) == "continuity surrogate of the code map"
    assert r("la-continuous-encoder", free) == "unrestricted code map (no continuity surrogate)"
    assert r("la-A4-injectivity", p) == "g(s, .) injective at every s"
    assert r("la-separated-action-graphs", p) == "distinct next states at every state (gap >= 1)"
    assert r("la-A3-connectivity", p) == "every S_a is connected"
    assert r("la-overlap", p) == "every pair of actions co-occurs with distinct next states"
    assert r("la-finite-setting", p) == "k = 2 >= m = 2" and r("la-finite-setting", _finite(codes=1)) == "k = 1 < m = 2"
    assert r("la-spare-codes", p) == "k = 2, m = 2" and r("la-positive-lambda", p) == "lambda = 1"
    assert r("la-idm-entropy-regulariser", p) == "regulariser 'idm-entropy'"
    assert r("la-overlap", TB()) == "pi(a|s) = softmax(W s + b) > 0 everywhere"
    assert r("la-overlap", TB(full_support=False)) == "policy without full support"
    assert r("la-A2-continuity", TB()).startswith("g(., a) is continuous")
    assert r("la-continuous-latent", TB()) == "latent discrete"


F_CUT = 3.1622776601683795e-05  # the float whose square is exactly 1e-9 (fl(F_CUT * F_CUT) == 1e-9)


def test_cuts_are_strict_at_exact_boundaries():
    """A value exactly at a cut: Zhang's action rank counts eigenvalues strictly above 1e-9 * max(1, max|w|);
    Lee's isotropy calls |sigma_a^2 - sigma_xi^2| <= 1e-9 * max(1, sigma_a^2) a tie."""
    from numerics.zhang2025.assumptions import action_rank

    assert F_CUT * F_CUT == 1e-9
    assert action_rank(lp(F_a=np.diag([1.0, F_CUT]))) == 1  # Sigma_q = diag(1, 1e-9, 0): 1e-9 is not > 1e-9
    assert not holds("isotropic", lee(sigma_a=0.0, sigma_xi=F_CUT))  # |0 - 1e-9| = 1e-9: a tie
