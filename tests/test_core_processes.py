"""numerics.processes: validation names the field; every closed-form moment against Monte-Carlo.

Monte-Carlo route (independent of the source maps): draw n_o, n_a, n_e, n_xi and simulate the
generative equations of the module docstring literally,

    o = F_o n_o, pi_s = F_a n_a, a = chi Pi o + (1 - chi) pi_s, eps = F_e n_e, x = H_x o,
    xi = F_xi n_xi, x' = Gamma x + xi, o' = o + X a + eps + G_x (x' - x)

(the exogenous part of o moves from x to x'; P never appears), and the innovation by hand:
o' = (I + chi X Pi + G_x (Gamma - I) H_x) o + [(1 - chi) X pi_s + eps + G_x xi], where the bracket is
independent of o, so r = (1 - chi) X pi_s + eps + G_x xi whatever the rank of Sigma_o.

Tolerance: for zero-mean jointly Gaussian u, v the raw sample moment S^_ij = (1/n) sum u_i v_j has
variance (S_uu,ii S_vv,jj + S_uv,ij^2) / n, so each entry is compared within z = 5 standard errors
(two-sided tail 5.7e-7 per entry; over the < 400 entries compared here the union bound is < 3e-4;
the seed is fixed, so the test is deterministic). n = 100000.

Instance: non-symmetric F_o, F_a, F_e, Gamma, F_xi; a correlated policy chi = 0.5 with a
non-orthonormal Pi; G_x overlapping the action map X (G_x[:, 0] = X[:, 0] + e_4) and not orthonormal;
a read-out H_x that is NOT the pseudo-inverse of G_x.
"""

from __future__ import annotations

import numpy as np
import pytest

from numerics.probes import latent_map
from numerics.processes import LAMConfig, LinearProcess, ProcessError, lee_process, orthonormal, zhang_process

N = 100_000
Z = 5.0

X = np.array([[1.0, 0.5], [0.0, 1.0], [2.0, 0.0], [0.0, -1.0]])
F_O = np.array([[1.0, 0.5, 0.0, 0.0], [0.0, 1.0, -0.5, 0.0], [0.3, 0.0, 1.0, 0.2], [0.0, 0.0, 0.4, 0.8]])
F_A = np.array([[1.0, 0.7], [0.0, 0.5]])
F_E = np.array([[0.5, 0.0], [0.2, 0.3], [0.0, 0.0], [0.0, 0.4]])  # d_e = 2 < d_o: structured noise
PI = np.array([[0.5, 0.0, 1.0, 0.0], [0.0, -1.0, 0.0, 0.5]])
G_X = np.column_stack([X[:, 0] + np.eye(4)[:, 3], [0.0, 1.0, 1.0, 0.0]])
H_X = np.array([[0.2, 0.0, 0.1, 0.5], [0.0, 0.3, 0.3, -0.2]])
GAMMA = np.array([[0.5, 0.2], [-0.1, 0.8]])
F_XI = np.array([[0.6, 0.0], [0.3, 0.4]])
CHI = 0.5


def process(F_o=F_O, **kw) -> LinearProcess:
    return LinearProcess(X=X, lam=LAMConfig(d_z=2), F_o=F_o, F_a=F_A, F_e=F_E, chi=CHI, Pi=PI, G_x=G_X, H_x=H_X,
                         Gamma=GAMMA, F_xi=F_XI, **kw)


def simulate(F_o=F_O, n=N, seed=0, chi=CHI) -> dict[str, np.ndarray]:
    """The generative equations, literally (module docstring); columns are draws."""
    rng = np.random.default_rng(seed)
    n_o, n_a = rng.standard_normal((F_o.shape[1], n)), rng.standard_normal((2, n))
    n_e, n_xi = rng.standard_normal((2, n)), rng.standard_normal((2, n))
    o = F_o @ n_o
    pi_s = F_A @ n_a
    a = chi * PI @ o + (1 - chi) * pi_s
    eps = F_E @ n_e
    x = H_X @ o
    xi = F_XI @ n_xi
    x_next = GAMMA @ x + xi
    o_next = o + X @ a + eps + G_X @ (x_next - x)
    r = (1 - chi) * X @ pi_s + eps + G_X @ xi
    return {"o": o, "pi_s": pi_s, "a": a, "q": X @ a, "eps": eps, "b": n_e, "x": x, "xi": xi, "x_next": x_next,
            "o_next": o_next, "delta": o_next - o, "r": r}


@pytest.fixture(scope="module")
def draws():
    return simulate()


def assert_moment(closed: np.ndarray, u: np.ndarray, v: np.ndarray, S_uu: np.ndarray, S_vv: np.ndarray):
    """closed vs (1/n) u v^T, entrywise within Z standard errors sqrt((S_uu,ii S_vv,jj + closed_ij^2) / n)."""
    n = u.shape[1]
    sample = u @ v.T / n
    se = np.sqrt((np.outer(np.diag(S_uu), np.diag(S_vv)) + closed**2) / n)
    err = np.abs(sample - closed)
    assert closed.shape == sample.shape
    assert np.all(err <= Z * se + 1e-12), f"max |err|/se = {np.max(err / (se + 1e-300)):.2f}"


@pytest.mark.parametrize("pair", [
    ("o", "o"), ("pi_s", "pi_s"), ("a", "a"), ("q", "q"), ("eps", "eps"), ("b", "b"), ("x", "x"), ("xi", "xi"),
    ("r", "r"), ("o_next", "o"), ("o_next", "o_next"), ("x", "o"), ("xi", "r"), ("x_next", "x"),
    ("delta", "delta"), ("a", "o"), ("q", "o"), ("r", "o"), ("eps", "b"), ("x_next", "o_next"), ("a", "pi_s"),
    ("r", "pi_s"), ("o_next", "xi"),
])
def test_closed_form_moment_against_monte_carlo(draws, pair):
    p = process()
    u, v = pair
    assert_moment(p.cov(u, v), draws[u], draws[v], p.cov(u, u), p.cov(v, v))


def test_named_moments_against_monte_carlo(draws):
    p = process()
    S = lambda name: p.cov(name, name)  # noqa: E731
    assert_moment(p.Sigma_o, draws["o"], draws["o"], S("o"), S("o"))
    assert_moment(p.Sigma_a, draws["pi_s"], draws["pi_s"], S("pi_s"), S("pi_s"))
    assert_moment(p.Sigma_eps, draws["eps"], draws["eps"], S("eps"), S("eps"))
    assert_moment(p.Sigma_xi, draws["xi"], draws["xi"], S("xi"), S("xi"))
    assert_moment(p.Sigma_r, draws["r"], draws["r"], S("r"), S("r"))
    assert_moment(p.Sigma_delta, draws["delta"], draws["delta"], S("delta"), S("delta"))
    m = p.moments()
    assert_moment(m.S_oo, draws["o"], draws["o"], S("o"), S("o"))
    assert_moment(m.S_no, draws["o_next"], draws["o"], S("o_next"), S("o"))
    assert_moment(m.S_nn, draws["o_next"], draws["o_next"], S("o_next"), S("o_next"))
    # the innovation is uncorrelated with o (what makes it the innovation), and not with the state change
    assert np.allclose(p.cov("r", "o"), 0, atol=1e-12) and np.abs(p.cov("r", "delta")).max() > 0.1


def test_P_is_what_o_predicts_through_the_exogenous_dynamics(draws):
    """Per draw, o' - X a - eps - G_x xi = o + G_x (Gamma x - x) = P o exactly (no sampling error)."""
    p = process()
    lhs = draws["o_next"] - X @ draws["a"] - draws["eps"] - G_X @ draws["xi"]
    assert np.allclose(lhs, p.P @ draws["o"], atol=1e-10)
    assert np.allclose(p.P, np.eye(4) + G_X @ (GAMMA - np.eye(2)) @ H_X)
    assert np.allclose(LinearProcess(X=X, lam=LAMConfig(d_z=2)).P, np.eye(4))  # no exogenous block: P = I


def test_probe_cross_covariances_against_monte_carlo(draws):
    """The latent z = C o + D o' of an arbitrary (non-optimal) IDM: Cov(y, z) for every probe target."""
    p = process()
    C = np.array([[1.0, 0.0, -0.5, 0.2], [0.0, 0.3, 0.0, 1.0]])
    D = np.array([[0.5, 1.0, 0.0, 0.0], [-1.0, 0.0, 0.7, 0.0]])
    T_z = latent_map(p.source, C, D)
    z = C @ draws["o"] + D @ draws["o_next"]
    S_zz = T_z @ T_z.T
    assert_moment(S_zz, z, z, S_zz, S_zz)
    for name in ("a", "o", "eps", "xi", "x", "r", "q"):
        assert_moment(p.cov(name, T_z), draws[name], z, p.cov(name, name), S_zz)
    assert np.array_equal(p.source.maps["noise"], p.source.maps["eps"])  # noise_target "eps" (default)


def test_innovation_with_a_rank_deficient_observation():
    """F_o of rank 3 (last column zero, first two equal): S_oo singular, S_oo^+ still gives the innovation."""
    F = F_O.copy()
    F[:, 3] = 0.0
    F[:, 1] = F[:, 0]
    p = process(F_o=F)
    d = simulate(F_o=F, n=N, seed=1)
    assert np.linalg.matrix_rank(p.Sigma_o) == 2
    assert_moment(p.Sigma_r, d["r"], d["r"], p.Sigma_r, p.Sigma_r)
    assert np.allclose(p.cov("r", "o"), 0, atol=1e-10)


def test_representation_moments():
    Phi = np.array([[1.0, 0.0, 0.5, 0.0], [0.0, 1.0, 0.0, -1.0], [0.2, 0.2, 0.2, 0.2]])
    p = process().with_lam(Phi=Phi)
    d = simulate(seed=2)
    h, hn = Phi @ d["o"], Phi @ d["o_next"]
    m = p.moments()
    assert_moment(m.S_oo, h, h, m.S_oo, m.S_oo)
    assert_moment(m.S_no, hn, h, m.S_nn, m.S_oo)
    assert_moment(m.S_nn, hn, hn, m.S_nn, m.S_nn)
    assert m.S_oo.shape == (3, 3) and np.array_equal(p.lam.Phi, Phi)


def test_sample_draws_from_the_same_distribution():
    p = process()
    s = p.sample(N, np.random.default_rng(5), names=("o", "a", "o_next", "r"))
    assert set(s) == {"o", "a", "o_next", "r"} and s["o"].shape == (N, 4) and s["a"].shape == (N, 2)
    for u, v in (("o", "o"), ("o_next", "o"), ("a", "o"), ("r", "r")):
        assert_moment(p.cov(u, v), s[u].T, s[v].T, p.cov(u, u), p.cov(v, v))
    assert set(p.sample(3, np.random.default_rng(0))) == {"o", "a", "o_next"}


def test_noise_target_b_and_no_noise():
    pb = process(noise_target="b")
    assert np.array_equal(pb.source.T("noise"), pb.source.T("b")) and pb.source.T("noise").shape[0] == 2
    assert np.allclose(pb.cov("b", "b"), np.eye(2))
    clean = process().clean()
    assert not clean.has_noise and clean.d_e == 0 and clean.source.T("noise").shape == (0, clean.source.n_source)
    assert process().has_noise and process().d_e == 2
    zero = LinearProcess(X=X, lam=LAMConfig(d_z=2))
    assert not zero.has_noise and zero.F_e.shape == (4, 0)
    zero_but_present = LinearProcess(X=X, lam=LAMConfig(d_z=2), F_e=np.zeros((4, 2)))
    assert not zero_but_present.has_noise and zero_but_present.d_e == 2


def test_dimensions_and_defaults():
    p = process()
    assert (p.d_o, p.d_a, p.d_z, p.d_x, p.d_e) == (4, 2, 2, 2, 2) and p.has_exogenous
    bare = LinearProcess(X=X, lam=LAMConfig(d_z=3))
    assert np.array_equal(bare.F_o, np.eye(4)) and np.array_equal(bare.F_a, np.eye(2))
    assert bare.Pi.shape == (2, 4) and not bare.Pi.any() and bare.chi == 0.0
    assert bare.G_x.shape == (4, 0) and bare.H_x.shape == (0, 4) and bare.Gamma.shape == (0, 0)
    assert bare.F_xi.shape == (0, 0) and not bare.has_exogenous and bare.d_x == 0
    assert bare.G_s is None and "s" not in bare.source.maps
    # H_x defaults to the pseudo-inverse of G_x
    q = LinearProcess(X=X, lam=LAMConfig(d_z=2), G_x=G_X)
    assert np.allclose(q.H_x, np.linalg.pinv(G_X)) and np.allclose(q.H_x @ G_X, np.eye(2))
    assert np.array_equal(q.Gamma, np.zeros((2, 2))) and q.F_xi.shape == (2, 0)


def test_variants():
    p = process()
    assert p.random_actions().chi == 0.0 and np.array_equal(p.random_actions().Pi, PI) and p.chi == CHI
    r = p.random_actions()
    assert np.allclose(r.cov("a", "o"), 0) and np.allclose(r.cov("a", "a"), F_A @ F_A.T)
    w = p.with_lam(d_z=3, kappa=0.5)
    assert (w.lam.d_z, w.lam.kappa, p.lam.d_z, p.lam.kappa) == (3, 0.5, 2, 0.0)


# --- Lee's endogenous factorisation ------------------------------------------------------------------

def test_lee_process_structure():
    p = lee_process(np.random.default_rng(3), d_o=8, d_s=3, d_x=2, d_a=2, sigma_a=0.7, sigma_xi=1.5, gamma=0.4,
                    overlap=0.6)
    assert np.allclose(p.X, p.G_s @ p.W) and p.d_z == 2 and p.lam.d_z == 2
    assert np.allclose(p.H_s @ p.G_s, np.eye(3)) and np.allclose(p.H_x @ p.G_x, np.eye(2))
    assert np.allclose(p.H_s @ p.G_x, 0, atol=1e-10) and np.allclose(p.H_x @ p.G_s, 0, atol=1e-10)
    assert np.allclose(p.Gamma, 0.4 * np.eye(2)) and np.allclose(p.Sigma_xi, 2.25 * np.eye(2))
    assert np.allclose(p.Sigma_a, 0.49 * np.eye(2)) and np.allclose(p.W.T @ p.W, np.eye(2))
    assert not np.allclose(p.G_s.T @ p.G_x, 0)  # the overlap tilts G_x toward the action pixels
    flat = lee_process(np.random.default_rng(3), d_o=8, d_s=3, d_x=2, d_a=2)
    assert np.allclose(flat.G_s.T @ flat.G_x, 0, atol=1e-12) and np.allclose(flat.G_x.T @ flat.G_x, np.eye(2))
    assert lee_process(d_z=4).d_z == 4 and lee_process().d_o == 16  # defaults: rng 0, d_o = 16
    W = np.array([[1.0], [0.0], [2.0], [0.0]])
    assert np.array_equal(lee_process(d_a=1, W=W).W, W)


def test_lee_endogenous_state_moves_by_W_a():
    """s = H_s o and s' = s + W a: per draw of the source, s' - s - W a = 0; x' = Gamma x + xi."""
    p = lee_process(np.random.default_rng(4), d_o=8, d_s=3, d_x=2, d_a=2, overlap=0.3)
    src = p.source
    w = np.random.default_rng(0).standard_normal((src.n_source, 1000))
    s, sn, a = src.T("s") @ w, src.T("s_next") @ w, src.T("a") @ w
    assert np.allclose(sn - s - p.W @ a, 0, atol=1e-10)
    o, on, xi = src.T("o") @ w, src.T("o_next") @ w, src.T("xi") @ w
    assert np.allclose(s, p.H_s @ o, atol=1e-12)
    # o' = o + G_s W a + G_x (x' - x) with x' = Gamma x + xi (Lee A1-A3), per draw
    x = p.H_x @ o
    assert np.allclose(on, o + p.G_s @ p.W @ a + p.G_x @ (p.Gamma @ x + xi - x), atol=1e-10)


# --- the Zhang constructor -------------------------------------------------------------------------

def test_zhang_process_draw_order_and_noise():
    p = zhang_process(np.random.default_rng(9), d_o=6, d_a=2, d_z=2, noise="exo", sigma=0.5, d_b=3, chi=0.5)
    rng = np.random.default_rng(9)
    X_, Y_, Pi_ = orthonormal(rng, 6, 2), orthonormal(rng, 6, 3), orthonormal(rng, 6, 2).T
    assert np.allclose(p.X, X_) and np.allclose(p.F_e, 0.5 * Y_) and np.allclose(p.Pi, Pi_) and p.chi == 0.5
    assert p.noise_target == "b" and np.allclose(p.X.T @ p.X, np.eye(2)) and np.allclose(p.Pi @ p.Pi.T, np.eye(2))
    iid = zhang_process(np.random.default_rng(9), d_o=6, d_a=2, d_z=2, noise="iid", sigma=0.3)
    assert np.allclose(iid.F_e, 0.3 * np.eye(6)) and iid.noise_target == "eps" and not iid.Pi.any()
    none = zhang_process(np.random.default_rng(9), d_o=6, d_a=2, d_z=3, action_weight=2.0)
    assert not none.has_noise and none.lam.action_weight == 2.0 and none.d_z == 3
    assert zhang_process(np.random.default_rng(0)).X.shape == (128, 8)
    with pytest.raises(ProcessError) as e:
        zhang_process(np.random.default_rng(0), noise="pink")
    assert e.value.field == "noise.type"
    Q = orthonormal(np.random.default_rng(1), 5, 3)
    assert Q.shape == (5, 3) and np.allclose(Q.T @ Q, np.eye(3))


# --- validation: every bad field is named ---------------------------------------------------------

BASE = dict(X=X, lam=LAMConfig(d_z=2))


@pytest.mark.parametrize("changes,field", [
    (dict(X="abc"), "X"), (dict(X=[1.0, 2.0]), "X"), (dict(X=np.full((4, 2), np.nan)), "X"),
    (dict(X=np.full((4, 2), np.inf)), "X"), (dict(X=np.zeros((4, 0))), "X"), (dict(X=np.ones((2, 3))), "dims.d_a"),
    (dict(lam=2), "lam"), (dict(lam=LAMConfig(d_z=4)), "dims.d_z"), (dict(F_o=np.eye(3)), "F_o"),
    (dict(F_a=np.eye(3)), "F_a"), (dict(F_e=np.eye(3)), "F_e"), (dict(noise_target="n"), "noise_target"),
    (dict(chi=1.5), "policy.chi"), (dict(chi=-0.1), "policy.chi"), (dict(chi=True), "policy.chi"),
    (dict(chi="0.5"), "policy.chi"), (dict(chi=float("nan")), "policy.chi"), (dict(Pi=np.eye(4)), "Pi"),
    (dict(H_x=np.ones((1, 4))), "H_x"), (dict(Gamma=np.eye(1)), "Gamma"), (dict(F_xi=np.eye(1)), "F_xi"),
    (dict(G_x=np.ones((3, 1))), "G_x"), (dict(G_x=np.ones((4, 1)), H_x=np.ones((2, 4))), "H_x"),
    (dict(G_x=np.ones((4, 1)), H_x=np.ones((1, 3))), "H_x"), (dict(G_x=np.ones((4, 1)), Gamma=np.eye(2)), "Gamma"),
    (dict(G_x=np.ones((4, 1)), F_xi=np.ones((2, 1))), "F_xi"), (dict(G_s=X), "W"), (dict(W=np.eye(2)), "G_s"),
    (dict(G_s=X, W=np.array([[1.0, 0.0], [0.0, 2.0]])), "X"), (dict(H_s=np.ones((2, 4))), "H_s"),
    (dict(G_s=X, W=np.eye(2), H_s=np.ones((3, 4))), "H_s"), (dict(G_s=np.ones((3, 2)), W=np.eye(2)), "G_s"),
    (dict(G_s=X, W=np.eye(3)), "W"), (dict(lam=LAMConfig(d_z=2, Phi=np.ones((2, 3)))), "lam.Phi"),
])
def test_process_validation_names_the_field(changes, field):
    with pytest.raises(ProcessError) as e:
        LinearProcess(**{**BASE, **changes})
    assert e.value.field == field and str(e.value).startswith(f"{field}: ") and e.value.reason
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize("changes,field", [
    (dict(d_z=0), "lam.d_z"), (dict(d_z=True), "lam.d_z"), (dict(d_z=2.0), "lam.d_z"),
    (dict(learn_A=1), "lam.learn_A"), (dict(tie_CD="no"), "lam.tie_CD"), (dict(kappa=-1e-9), "lam.kappa"),
    (dict(kappa=float("inf")), "lam.kappa"), (dict(action_weight=-1.0), "lam.action_weight"),
    (dict(label_fraction=1.01), "lam.label_fraction"), (dict(label_fraction=-0.01), "lam.label_fraction"),
    (dict(loss_normalisation="avg"), "lam.loss_normalisation"), (dict(label_average="some"), "lam.label_average"),
    (dict(batch=0), "lam.batch"), (dict(batch=False), "lam.batch"), (dict(batch=1.5), "lam.batch"),
    (dict(Phi=np.ones(3)), "lam.Phi"), (dict(Phi="x"), "lam.Phi"),
])
def test_lam_config_validation_names_the_field(changes, field):
    with pytest.raises(ProcessError) as e:
        LAMConfig(**{"d_z": 2, **changes})
    assert e.value.field == field


def test_validation_boundaries_are_allowed():
    for chi in (0.0, 1.0, 0):
        assert LinearProcess(**BASE, chi=chi).chi == float(chi)
    for lf in (0.0, 1.0):
        assert LAMConfig(d_z=1, label_fraction=lf).label_fraction == lf
    c = LAMConfig(d_z=np.int64(3), kappa=0, action_weight=np.float32(0.5), batch=np.int64(1))
    assert type(c.d_z) is int and c.d_z == 3 and type(c.kappa) is float and c.action_weight == 0.5 and c.batch == 1
    assert LinearProcess(X=np.ones((2, 2)), lam=LAMConfig(d_z=1)).d_a == 2  # d_a = d_o allowed
    assert LinearProcess(X=X, lam=LAMConfig(d_z=3)).d_z == 3  # d_z = d_o - 1 allowed
    ok = LinearProcess(X=X, lam=LAMConfig(d_z=2), G_s=X, W=np.eye(2))
    assert np.allclose(ok.H_s, np.linalg.pinv(X)) and "s_next" in ok.source.maps
    tol = LinearProcess(X=X * 1e6, lam=LAMConfig(d_z=2), G_s=X, W=np.eye(2) * 1e6 + 1e-7)  # relative tolerance
    assert tol.W[0, 1] == 1e-7  # |G_s W - X| = 1.5e-7 <= 1e-9 * max|X| = 2e-3: accepted
    with pytest.raises(ProcessError, match="X: must equal G_s W"):
        LinearProcess(X=X, lam=LAMConfig(d_z=2), G_s=X, W=np.eye(2) + 1e-6)
    with pytest.raises(ProcessError, match="X: must equal G_s W"):
        LinearProcess(X=np.zeros((4, 2)), lam=LAMConfig(d_z=2), G_s=X, W=np.eye(2) * 1e-8)  # scale floor 1


@pytest.mark.parametrize("kw,d_o,d_a,expected", [
    # "sum" units: w (1 - (1 - p)^batch) for "labelled", w p for "all"
    (dict(action_weight=2.0), 128, 8, 2.0),
    (dict(action_weight=2.0, label_fraction=0.5, batch=2), 128, 8, 2.0 * 0.75),
    (dict(action_weight=2.0, label_fraction=0.5, label_average="all"), 128, 8, 1.0),
    # "mean" units: times d_o / d_a = 16
    (dict(action_weight=1.0, loss_normalisation="mean"), 128, 8, 16.0),
    (dict(action_weight=1.0, loss_normalisation="mean", label_fraction=0.01, batch=128), 128, 8,
     16.0 * (1 - 0.99**128)),
    (dict(action_weight=0.72, loss_normalisation="mean", label_fraction=0.01, label_average="all"), 128, 8, 0.72 * 16 * 0.01),
    (dict(action_weight=0.0, loss_normalisation="mean"), 128, 8, 0.0),
    (dict(action_weight=3.0, label_fraction=0.0), 4, 2, 0.0),
    (dict(action_weight=0.5), 4, 2, 0.5),  # a weight below 1 is a weight
    (dict(action_weight=1.0, loss_normalisation="mean"), 10, 4, 2.5),  # d_o / d_a, not d_o // d_a
])
def test_effective_action_weight_by_hand(kw, d_o, d_a, expected):
    assert LAMConfig(d_z=1, **kw).effective_action_weight(d_o, d_a) == pytest.approx(expected, rel=1e-12)


# --- serialisation ---------------------------------------------------------------------------------

def test_json_round_trip():
    Phi = np.array([[1.0, 0.0, 0.5, 0.0], [0.0, 1.0, 0.0, -1.0], [0.2, 0.2, 0.2, 0.2]])
    lam = LAMConfig(d_z=2, learn_A=False, tie_CD=True, kappa=0.5, action_weight=2.0, loss_normalisation="mean",
                    label_fraction=0.25, label_average="all", batch=16, Phi=Phi)
    p = LinearProcess(X=X, lam=lam, F_o=F_O, F_a=F_A, F_e=F_E, noise_target="b", chi=CHI, Pi=PI, G_x=G_X, H_x=H_X,
                      Gamma=GAMMA, F_xi=F_XI, G_s=X, W=np.eye(2), label="witness")
    data = p.to_json()
    assert (data["d_o"], data["d_a"], data["d_z"], data["d_x"], data["noise_target"], data["chi"]) == (4, 2, 2, 2, "b", CHI)
    assert data["label"] == "witness" and data["lam"]["Phi"] == Phi.tolist() and data["lam"]["batch"] == 16
    import json

    q = LinearProcess.from_json(json.loads(json.dumps(data)))
    assert q.to_json() == data and q.label == "witness" and q.lam.batch == 16 and q.lam.d_z == 2
    for name in ("X", "F_o", "F_a", "F_e", "Pi", "G_x", "H_x", "Gamma", "F_xi", "G_s", "W", "H_s"):
        assert np.array_equal(getattr(q, name), getattr(p, name)), name
    assert np.array_equal(q.lam.Phi, Phi) and q.lam.learn_A is False and q.lam.tie_CD is True
    assert (q.lam.kappa, q.lam.action_weight, q.lam.loss_normalisation, q.lam.label_fraction, q.lam.label_average) == (
        0.5, 2.0, "mean", 0.25, "all")
    assert np.allclose(q.Sigma_r, p.Sigma_r)


def test_json_of_a_bare_process():
    p = LinearProcess(X=X, lam=LAMConfig(d_z=1))
    data = p.to_json()
    assert "F_e" not in data and "G_x" not in data and "label" not in data and "Phi" not in data["lam"]
    assert data["F_o"] == np.eye(4).tolist()  # present matrices are written, empty ones are not
    q = LinearProcess.from_json(data)
    assert q.to_json() == data and q.F_e.shape == (4, 0) and q.noise_target == "eps" and q.chi == 0.0 and q.label == ""
    minimal = LinearProcess.from_json({"X": X.tolist(), "lam": {"d_z": 1}})
    assert minimal.d_e == 0 and minimal.to_json()["d_z"] == 1


def test_number_and_matrix_helpers():
    from numerics.processes import _matrix, _number

    assert _number("f", 0.0, 0.0) == 0.0 and _number("f", 1, 0.0, 1.0) == 1.0 and _number("f", np.float32(0.5)) == 0.5
    with pytest.raises(ProcessError, match="f: must be > 0.0, got 0"):
        _number("f", 0.0, 0.0, lo_open=True)
    assert _number("f", 1e-12, 0.0, lo_open=True) == 1e-12
    with pytest.raises(ProcessError, match="f: must be < 1.0, got 1"):
        _number("f", 1.0, 0.0, 1.0, hi_open=True)
    assert _number("f", 0.5, 0.0, 1.0, hi_open=True) == 0.5 and _number("f", 2.0, hi=2.0) == 2.0
    with pytest.raises(ProcessError, match="f: must be <= 2.0, got 2.5"):
        _number("f", 2.5, hi=2.0)
    with pytest.raises(ProcessError, match="f: must be >= -1.0, got -2"):
        _number("f", -2, lo=-1.0)
    with pytest.raises(ProcessError, match="must be finite"):
        _number("f", float("-inf"))
    with pytest.raises(ProcessError, match="must be a number, got bool"):
        _number("f", False)
    M = _matrix("M", [[1, 2], [3, 4]], 2, 2)
    assert M.dtype == float and M.shape == (2, 2)
    with pytest.raises(ProcessError, match="M: has 2 columns, expected 3"):
        _matrix("M", M, cols=3)
    with pytest.raises(ProcessError, match="M: has 2 rows, expected 1"):
        _matrix("M", M, rows=1)
    with pytest.raises(ProcessError, match="M: must be a matrix, got 3 dimension"):
        _matrix("M", np.zeros((1, 1, 1)))
    with pytest.raises(ProcessError, match="M: not a numeric matrix"):
        _matrix("M", [[1, "a"]])
    with pytest.raises(ProcessError) as e:
        LinearProcess(X=np.zeros((0, 1)), lam=LAMConfig(d_z=1))
    assert e.value.field == "X"


def test_defaults_are_pinned():
    """The documented defaults: a plain LAM in population (sum) units, every sample labelled, batch 128 (Zhang's
    code); Zhang's simulation at d_o = 128, d_a = d_z = 8; Lee's reconstruction at d_o = 16, d_s = d_x = 4,
    d_a = 3, sigma_a = sigma_xi = 1, gamma = 1/2."""
    import dataclasses

    c = LAMConfig(d_z=1)
    assert (c.learn_A, c.tie_CD, c.kappa, c.action_weight, c.loss_normalisation, c.label_fraction, c.label_average,
            c.batch, c.Phi) == (True, False, 0.0, 0.0, "sum", 1.0, "labelled", 128, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.d_z = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        process().chi = 0.0
    z = zhang_process(np.random.default_rng(0))
    assert (z.d_o, z.d_a, z.d_z, z.chi, z.has_noise) == (128, 8, 8, 0.0, False)
    p = lee_process()
    assert (p.d_o, p.G_s.shape[1], p.d_x, p.d_a, p.d_z) == (16, 4, 4, 3, 3)
    assert np.allclose(p.Sigma_a, np.eye(3)) and np.allclose(p.Sigma_xi, np.eye(4)) and np.allclose(p.Gamma, 0.5 * np.eye(4))


def test_X_must_equal_G_s_W_to_the_stated_tolerance():
    """|G_s W - X| <= 1e-9 * max(1, max|X|) entrywise, as the check states: a relative error of 1e-7 on O(1)
    entries is a different action map, not round-off (np.allclose's default rtol = 1e-5 would accept it)."""
    W = np.eye(2) * (1 + 1e-7)
    with pytest.raises(ProcessError, match="X: must equal G_s W"):
        LinearProcess(X=X, lam=LAMConfig(d_z=2), G_s=X, W=W)
    ok = LinearProcess(X=X, lam=LAMConfig(d_z=2), G_s=X, W=np.eye(2) * (1 + 1e-10))  # 2e-10 <= 2e-9
    assert ok.W[0, 0] == 1 + 1e-10


def test_source_dimension_and_constructor_signatures():
    p = process()
    assert p.source.n_source == 4 + 2 + 2 + 2  # n_o + n_a + n_e + n_xi
    one = LinearProcess(X=np.ones((2, 1)), lam=LAMConfig(d_z=1), F_o=np.ones((2, 1)))  # n_o = n_a = 1
    assert one.source.n_source == 2 and np.allclose(one.Sigma_o, np.ones((2, 2)))
    with pytest.raises(ProcessError, match="M: has 2 rows, expected 1"):
        from numerics.processes import _matrix

        _matrix("M", np.ones((2, 3)), rows=1)
    with pytest.raises(TypeError):
        zhang_process(np.random.default_rng(0), 6)  # sizes are keyword-only
    with pytest.raises(TypeError):
        lee_process(np.random.default_rng(0), 8)
    assert zhang_process(rng=np.random.default_rng(0), d_o=6, d_a=2, d_z=2).d_o == 6
    assert lee_process(rng=np.random.default_rng(0), d_o=8, d_s=2, d_x=2, d_a=2).d_o == 8
    exo = zhang_process(np.random.default_rng(0), noise="exo", sigma=1.0)
    assert exo.F_e.shape == (128, 8) and exo.noise_target == "b"  # d_b = 8 by default


def test_a_one_dimensional_observation_fails_the_bottleneck_not_the_shape():
    """X = [[1]] is a valid action map; what fails is d_z = 1 >= d_o = 1 (no bottleneck)."""
    with pytest.raises(ProcessError) as e:
        LinearProcess(X=[[1.0]], lam=LAMConfig(d_z=1))
    assert e.value.field == "dims.d_z"


def test_lee_process_draw_order():
    """Reproducibility: Q (d_o x d_o) by QR, then W (first d_a of a d_s x d_s QR), then the overlap tilt
    G_x + overlap G_s R with R ~ N(0, 1)^(d_s x d_x) -- the documented order, so a seed names one process."""
    rng = np.random.default_rng(5)
    Q = orthonormal(rng, 8, 8)
    W = orthonormal(rng, 3, 3)[:, :2]
    R = rng.standard_normal((3, 2))
    p = lee_process(np.random.default_rng(5), d_o=8, d_s=3, d_x=2, d_a=2, overlap=0.4)
    assert np.allclose(p.G_s, Q[:, :3]) and np.allclose(p.W, W)
    assert np.allclose(p.G_x, Q[:, 3:5] + 0.4 * Q[:, :3] @ R)
