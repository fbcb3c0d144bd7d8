"""numerics.probes: NMSE by hand, against least squares on samples, and its conventions.

Hand values: y = a + b, v = a with Var a = 1, Var b = 3 (independent): the best probe explains
Var a = 1 of tr Var y = 4, NMSE = 3/4. The source-model cross-covariances are compared with sample
moments in tests/test_core_processes.py (on non-symmetric factors and overlapping maps).
"""

from __future__ import annotations

import numpy as np
import pytest

from numerics.probes import SourceModel, latent_map, nmse


def test_nmse_by_hand():
    # y = a + b, v = a:   S_yy = 4, S_yv = 1, S_vv = 1   -> 1 - 1/4
    assert nmse(np.array([[4.0]]), np.array([[1.0]]), np.array([[1.0]])) == pytest.approx(0.75)
    # y = v: nothing left
    assert nmse(np.eye(2), np.eye(2), np.eye(2)) == pytest.approx(0.0, abs=1e-15)
    # independent: nothing explained
    assert nmse(np.eye(2), np.zeros((2, 3)), np.eye(3)) == 1.0
    # y = (a, c), v = 2 a + n, Var n = 1: Cov(y1, v) = 2, Var v = 5 -> explained 4/5 of tr S_yy = 1 + 9
    assert nmse(np.diag([1.0, 9.0]), np.array([[2.0], [0.0]]), np.array([[5.0]])) == pytest.approx(1 - 0.8 / 10)


def test_nmse_conventions():
    assert nmse(np.zeros((2, 2)), np.zeros((2, 1)), np.eye(1)) == 1.0  # no variance: "nothing to predict"
    assert nmse(np.array([[-1.0]]), np.zeros((1, 1)), np.eye(1)) == 1.0  # tr <= 0
    assert nmse(np.eye(2), np.zeros((2, 0)), np.zeros((0, 0))) == 1.0  # no predictor
    # a predictor direction with variance 1e-12 (relative, below rcond = 1e-10) is treated as absent
    S_vv = np.diag([1.0, 1e-12])
    assert nmse(np.array([[1e-12]]), np.array([[0.0, 1e-12]]), S_vv) == 1.0
    # ... one at 1e-8 is used: y = v2 exactly
    S_vv = np.diag([1.0, 1e-8])
    assert nmse(np.array([[1e-8]]), np.array([[0.0, 1e-8]]), S_vv) == pytest.approx(0.0, abs=1e-6)
    # clipped into [0, 1] when round-off overshoots: S_yv S_vv^+ S_vy slightly above S_yy
    assert nmse(np.array([[1.0]]), np.array([[1.0 + 1e-9]]), np.array([[1.0]])) == 0.0


def test_nmse_against_least_squares_on_samples():
    """Population NMSE vs the sample least-squares fit on n = 200000 draws: the sample NMSE differs by
    O(d_v / n) bias plus O(1/sqrt(n)) noise; with these variances its standard error is < 0.002, so
    1e-2 is a > 5 sigma margin."""
    rng = np.random.default_rng(11)
    T_y = np.array([[1.0, 0.5, 0.0, 2.0], [0.0, -1.0, 1.0, 0.0]])
    T_v = np.array([[1.0, 0.0, 1.0, 0.0], [0.5, 1.0, 0.0, -1.0], [1.5, 1.0, 1.0, -1.0]])  # rank 2 (row 3 = 1 + 2)
    model = SourceModel({"y": T_y, "v": T_v})
    w = rng.standard_normal((4, 200_000))
    y, v = T_y @ w, T_v @ w
    coef, *_ = np.linalg.lstsq(v.T, y.T, rcond=None)
    sample = float(np.sum((y.T - v.T @ coef) ** 2) / np.sum(y**2))
    assert model.nmse("y", ["v"]) == pytest.approx(sample, abs=1e-2)
    assert 0.05 < sample < 0.95


def test_source_model_maps_and_stacks():
    T_a = np.array([[1.0, 2.0, 0.0]])
    T_b = np.array([[0.0, 1.0, -1.0], [1.0, 0.0, 0.0]])
    m = SourceModel({"a": T_a, "b": T_b})
    assert m.n_source == 3
    assert np.array_equal(m.T("a"), T_a) and np.array_equal(m.T(T_b), T_b)
    assert np.array_equal(m.stack(["a", "b"]), np.vstack([T_a, T_b]))
    assert m.stack([]).shape == (0, 3)
    assert np.array_equal(m.cov("a", "b"), np.array([[2.0, 1.0]]))  # (1, 2, 0) . rows of T_b
    assert np.array_equal(m.cov(T_b, "a"), np.array([[2.0], [1.0]]))
    m2 = m.with_maps(c=np.array([[0.0, 0.0, 3.0]]))
    assert set(m2.maps) == {"a", "b", "c"} and set(m.maps) == {"a", "b"}
    # y = a, given b: Cov(a, b) = (2, 1), Cov(b) = [[2, 0], [0, 1]]: explained 4/2 + 1 = 3 of Var a = 5
    assert m.nmse("a", ["b"]) == pytest.approx(1 - 3 / 5)
    # stacking a with b explains a exactly
    assert m.nmse("a", ["b", "a"]) == pytest.approx(0.0, abs=1e-12)
    assert m.nmse("a", []) == 1.0


def test_latent_map():
    m = SourceModel({"o": np.eye(2), "o_next": np.array([[1.0, 1.0], [0.0, 2.0]]), "p": np.eye(2) * 3})
    C, D = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    assert np.array_equal(latent_map(m, C, D), np.array([[1.0, 2.0]]))  # o_1 + o'_2
    assert np.array_equal(latent_map(m, C, D, o="p", o_next="o"), np.array([[3.0, 1.0]]))


# --- probes fitted on a sample ------------------------------------------------------------------------

from numerics.probes import augmented_moments, moment_nmse, sample_nmse  # noqa: E402


def _lstsq_with_bias(Y, V, Y_eval, V_eval):
    """The independent route: a column of ones appended to V, one least-squares solve, residuals on the
    evaluation sample over its centred target."""
    A = np.hstack([V, np.ones((V.shape[0], 1))])
    W = np.linalg.lstsq(A, Y, rcond=None)[0]
    R = Y_eval - np.hstack([V_eval, np.ones((V_eval.shape[0], 1))]) @ W
    return float(np.sum(R**2) / np.sum((Y_eval - Y_eval.mean(0)) ** 2))


def test_sample_nmse_by_hand():
    V = np.array([[0.0], [1.0], [2.0], [3.0]])
    assert sample_nmse(2 * V + 3, V) == pytest.approx(0.0, abs=1e-12)  # the bias absorbs the offset
    # y = (0, 1, 0, 1) on v = (0, 1, 2, 3): slope 0.2, intercept 0.2; residuals (-.2, .6, -.6, .2): SSR 0.8,
    # SST = 1 -> NMSE 0.8
    assert sample_nmse(np.array([[0.0], [1.0], [0.0], [1.0]]), V) == pytest.approx(0.8)
    assert sample_nmse(np.full((4, 1), 5.0), V) == 1.0  # no variance to explain
    assert sample_nmse(np.array([[0.0], [1.0], [0.0], [1.0]]), np.zeros((4, 0))) == 1.0  # no predictor
    # evaluated elsewhere: fit y = v + 1 exactly, evaluate where y = v: residual 1 per sample, SST 5
    Ve = np.array([[0.0], [1.0], [2.0], [3.0]])
    assert sample_nmse(V + 1, V, Y_eval=Ve, V_eval=Ve) == pytest.approx(4 / 5)


def test_sample_and_moment_nmse_against_least_squares():
    rng = np.random.default_rng(21)
    T_y = np.array([[1.0, 0.5, 0.0, 2.0, 0.0], [0.0, -1.0, 1.0, 0.0, 0.3]])
    T_v = np.array([[1.0, 0.0, 1.0, 0.0, 0.0], [0.5, 1.0, 0.0, -1.0, 0.0]])
    w, we = rng.standard_normal((300, 5)) + 0.7, rng.standard_normal((200, 5)) - 0.2  # non-zero means
    Y, V, Ye, Ve = w @ T_y.T, w @ T_v.T, we @ T_y.T, we @ T_v.T
    ref = _lstsq_with_bias(Y, V, Y, V)
    ref_e = _lstsq_with_bias(Y, V, Ye, Ve)
    assert sample_nmse(Y, V) == pytest.approx(ref, rel=1e-10)
    assert sample_nmse(Y, V, Ye, Ve) == pytest.approx(ref_e, rel=1e-10)
    G, Ge = augmented_moments(w), augmented_moments(we)
    assert G.shape == (6, 6) and G[-1, -1] == 1.0 and np.allclose(G[:-1, -1], w.mean(0))
    assert np.allclose(G[:-1, :-1], w.T @ w / 300)
    assert moment_nmse(G, T_y, T_v) == pytest.approx(ref, rel=1e-8)
    assert moment_nmse(G, T_y, T_v, Ge) == pytest.approx(ref_e, rel=1e-8)
    assert 0.05 < ref < 0.95 and ref_e != pytest.approx(ref)
    assert moment_nmse(G, T_y, np.zeros((0, 5))) == 1.0
    assert moment_nmse(G, np.zeros((1, 5)), T_v) == 1.0  # a target with no variance


def test_sample_nmse_cut_and_empty_predictors():
    # V's second column is the first plus 1e-12 u (u orthogonal to v, centred): a direction 1e-12 relative,
    # below rcond = 1e-10, so y = u is NOT explained through it (NMSE 1); without the cut y = 1e12 (v2 - v1).
    v = np.array([1.0, -1.0, 1.0, -1.0])
    u = np.array([1.0, 1.0, -1.0, -1.0])
    V = np.column_stack([v, v + 1e-12 * u])
    assert sample_nmse(u[:, None], V) == pytest.approx(1.0, abs=1e-6)
    assert sample_nmse(u[:, None], V, rcond=1e-14) < 1e-3
    # no predictor: 1 on any evaluation sample (the "nothing fitted" convention), even with shifted means
    Y = np.array([[0.0], [1.0], [2.0], [3.0]])
    assert sample_nmse(Y, np.zeros((4, 0)), Y_eval=Y + 3, V_eval=np.zeros((4, 0))) == 1.0


def test_moment_nmse_with_one_predictor():
    """y = v + n, Var v = Var n = 1 (means 0.5 and 0): on a large sample NMSE ~ 1/2; by moments it equals the
    sample probe exactly."""
    rng = np.random.default_rng(2)
    w = rng.standard_normal((2000, 2)) + np.array([0.5, 0.0])
    T_y, T_v = np.array([[1.0, 1.0]]), np.array([[1.0, 0.0]])
    ref = _lstsq_with_bias(w @ T_y.T, w @ T_v.T, w @ T_y.T, w @ T_v.T)
    assert moment_nmse(augmented_moments(w), T_y, T_v) == pytest.approx(ref, rel=1e-9)
    assert ref == pytest.approx(0.5, abs=0.05)


def test_transfer_nmse():
    from numerics.probes import transfer_nmse

    # same process: the population NMSE (y = a + b, v = a: 3/4)
    m = SourceModel({"y": np.array([[1.0, np.sqrt(3.0)]]), "v": np.array([[1.0, 0.0]])})
    assert transfer_nmse(m, m, "y", m.T("v"), m.T("v")) == pytest.approx(0.75)
    # fitted where y = 2 v (M = 2), evaluated where y = v: residual -v, E r^2 = 1 over Var y = 1 -> 1 (unclipped)
    fit = SourceModel({"y": np.array([[2.0]]), "v": np.array([[1.0]])})
    ev = SourceModel({"y": np.array([[1.0]]), "v": np.array([[1.0]])})
    assert transfer_nmse(fit, ev, "y", fit.T("v"), ev.T("v")) == pytest.approx(1.0)
    # evaluated where y = v / 2: residual -1.5 v, 2.25 / 0.25 = 9 (a transferred probe may be worse than nothing)
    ev2 = SourceModel({"y": np.array([[0.5]]), "v": np.array([[1.0]])})
    assert transfer_nmse(fit, ev2, "y", fit.T("v"), ev2.T("v")) == pytest.approx(9.0)
    zero = SourceModel({"y": np.zeros((1, 1)), "v": np.array([[1.0]])})
    assert transfer_nmse(fit, zero, "y", fit.T("v"), zero.T("v")) == 1.0
    assert transfer_nmse(fit, ev, "y", np.zeros((0, 1)), np.zeros((0, 1))) == 1.0
    # the cut: a fit direction of variance 1e-24 (1e-12 std) is ignored
    tiny = SourceModel({"y": np.array([[0.0, 1e-12]]), "v": np.array([[1.0, 0.0], [0.0, 1e-12]])})
    assert transfer_nmse(tiny, tiny, "y", tiny.T("v"), tiny.T("v")) == pytest.approx(1.0)


def test_moment_nmse_without_predictors_is_one_on_any_sample():
    rng = np.random.default_rng(4)
    G, Ge = augmented_moments(rng.standard_normal((50, 2))), augmented_moments(rng.standard_normal((50, 2)) + 2.0)
    T_y = np.array([[1.0, 0.5]])
    assert moment_nmse(G, T_y, np.zeros((0, 2)), Ge) == 1.0  # not the shifted-mean error of an intercept-only fit


@pytest.mark.parametrize("scale", [1e-10, 1e5])
def test_moment_nmse_is_scale_invariant(scale):
    """A normalised error: scaling the target by 1e-10 (variance 1e-20, far below any absolute cut) or 1e5
    changes nothing; only a target with no variance at all reads 1."""
    rng = np.random.default_rng(6)
    w = rng.standard_normal((400, 3))
    G = augmented_moments(w)
    T_y, T_v = np.array([[1.0, 1.0, 0.0]]), np.array([[1.0, 0.0, 0.5]])
    base = moment_nmse(G, T_y, T_v)
    assert 0.2 < base < 0.8
    assert moment_nmse(G, scale * T_y, T_v) == pytest.approx(base, rel=1e-9)
    assert sample_nmse(scale * (w @ T_y.T), w @ T_v.T) == pytest.approx(base, rel=1e-9)


def test_nmse_clips_into_the_unit_interval_and_models_are_frozen():
    import dataclasses

    # an indefinite "covariance" (not a valid input, e.g. round-off in a caller) cannot push NMSE above 1
    assert nmse(np.array([[1.0]]), np.array([[1.0]]), np.array([[-1.0]])) == 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        SourceModel({"a": np.eye(1)}).maps = {}


def test_moment_nmse_cuts_tiny_predictor_directions():
    """v2 = v1 + 1e-12 w2 and y = w2: the predictor direction 1e-12 (variance 1e-24 relative) is below
    rcond = 1e-10 and is cut, so y is not explained (NMSE 1); without the cut y = 1e12 (v2 - v1)."""
    w = np.random.default_rng(8).standard_normal((500, 2))
    G = augmented_moments(w)
    T_y, T_v = np.array([[0.0, 1.0]]), np.array([[1.0, 0.0], [1.0, 1e-12]])
    assert moment_nmse(G, T_y, T_v) == pytest.approx(1.0, abs=1e-2)
