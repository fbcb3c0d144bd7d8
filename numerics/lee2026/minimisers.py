"""Lee et al. 2026 quantities over the SET of global minimisers — THIS PROJECT'S RECONSTRUCTION.

Built on the shared `numerics.optima.minimiser_set` (RRR with the whitened N, PCA of the innovation, residual FDM,
action head, spare and mixing coordinates, ranges `given_z`/`given_zo`). What optima does not provide and the Lee
claims need, derived here on top of it:

* `leakage(ms)` = 1 - NMSE(xi | z, o) as a `Range` over the set (EX-T2; the flip of ``ms.given_zo("xi")``);
* `x_sensitivity(ms)`, `xi_sensitivity(ms)`: ranges of the Jacobian norms S_x = ||dz/dx_t||_F = ||(C + D P) G_x||_F and
  S_xi = ||dz/dxi_t||_F = ||D U_x||_F over the set, for the unit-covariance representative of each latent (z is
  determined only up to an invertible map, which rescales both; whether they vanish is invariant). Ties: Ky Fan over
  the tied block (exact); mixing o into the core adds V H Phi G_x to dz/dx_t (unbounded unless V or Phi G_x is 0);
  spare coordinates may read anything (unbounded);
* `exogenous_free(ms)`: every minimiser has z = T a (NMSE(a|z) = 0 over the whole set, d_z = d_a);
* `lambda_switch`, `beta_switch`: the switch points of action supervision (EX-T4) and of the down-weighting
  representation (EX-T3), found by bisection on `exogenous_free` over minimiser sets, and their closed forms from
  singular values (an independent route under A6 and isotropy);
* `objective_value(p, params)`: J of given parameters straight from the definition (source maps), to certify
  constructed minimisers independently of the RRR;
* `CrossContextSet`: EX-T6's cross-context objective (a latent of transition 1 predicting transition 2), an RRR of
  [r1; r2] (self + cross) or r2 (cross) on r1, which `numerics.optima` does not cover; it uses optima's helpers.

Candidate for the shared module: `x_sensitivity`/`xi_sensitivity` (Jacobian ranges) and `CrossContextSet` (a second
RRR family) - reported to the lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from numerics.lee2026.process import PairedProcess, beta_representation, o_coordinates, singular_values
from numerics.optima import MinimiserSet, explained, kyfan, minimiser_set, residual, whitening
from numerics.processes import LinearProcess
from theory.checks import Range

Array = np.ndarray

#: A probe quantity counts as zero below ZERO_TOL: the instances are integer or QR-built O(1) matrices whose exact
#: zeros evaluate to ~1e-14 in float64 and whose genuine positives are >= ~1e-4 (the smallest non-zero leak of the
#: integer hypothesis grids and of the reference settings); 1e-8 separates both by four orders.
ZERO_TOL = 1e-8
INF = float("inf")


def flip(r: Range | None) -> Range | None:
    """1 - r (explained variance from an NMSE range): lo and hi swap."""
    if r is None:
        return None
    return Range(1.0 - r.hi, 1.0 - r.lo, lo_attained=r.hi_attained, hi_attained=r.lo_attained, exact=r.exact,
                 method=r.method)


def leakage(ms: MinimiserSet) -> Range | None:
    """Range of E_leak = 1 - NMSE(xi | z, o) over the set (None without exogenous innovation)."""
    return flip(ms.given_zo("xi")) if ms.process.has_exogenous else None


def supervised(p: LinearProcess, lam: float) -> LinearProcess:
    """p with an action head of weight ``lam`` in per-sample-sum units on every sample (J_lambda of EX-T4)."""
    return p.with_lam(action_weight=float(lam), loss_normalisation="sum", label_fraction=1.0, label_average="labelled")


def exogenous_free(ms: MinimiserSet, tol: float = ZERO_TOL) -> bool:
    """Every minimiser has z = T a: d_z = d_a and NMSE(a | z) = 0 over the whole set (then z carries no xi and
    no x_t, since a is independent of both)."""
    p = ms.process
    if p.d_z != p.d_a or float(np.trace(p.Sigma_a)) <= 0:
        return False
    r = ms.given_z("a")
    return r is not None and r.hi <= tol


def captures_action_only(ms: MinimiserSet, tol: float = ZERO_TOL) -> bool:
    """Every minimiser captures the action and no xi given o: NMSE(a | z, o) = 0 and E_leak = 0 over the whole set
    (the criterion of EX-T3's capture order and EX-T6's 'action captured', which leave the o-part of z free)."""
    a, lk = ms.given_zo("a"), leakage(ms)
    return a is not None and a.hi <= tol and (lk is None or lk.hi <= tol)


def quantities(ms: MinimiserSet) -> dict[str, Range]:
    """The ranges the Lee checks report (`CheckResult.ranges`); absent quantities are left out."""
    out = {"leakage": leakage(ms), "nmse_a_given_z": ms.given_z("a"), "nmse_a_given_z_o": ms.given_zo("a")}
    if ms.process.has_noise:
        out["nmse_noise_given_z_o"] = ms.given_zo("noise")
    if ms.process.has_exogenous:
        out["nmse_x_given_z"] = ms.given_z("x")
        out["S_x"] = x_sensitivity(ms)
        out["S_xi"] = xi_sensitivity(ms)
    return {k: v for k, v in out.items() if v is not None}


# --- Jacobian ranges ------------------------------------------------------------------------------------------
def _jac_rows(ms: MinimiserSet, W: Array | None) -> tuple[Array, Array]:
    """(dz/dx_t, dz/dxi_t) of the core rows of member(W) (no mixing, no spare), in o coordinates."""
    p = ms.process
    C, D = o_coordinates(p, ms.member(W))
    C, D = C[:ms.k], D[:ms.k]
    return (C + D @ p.P) @ p.G_x, D @ p.G_x


def _tie_rows(ms: MinimiserSet, which: int) -> tuple[Array, Array]:
    """(strict rows, tie rows) of one Jacobian (``which`` 0: dz/dx_t, 1: dz/dxi_t); the tie rows are those of the t
    tied candidate statistics (a row of member(W) is linear in W's column)."""
    t, j, ns = ms.n_tie, ms.j, ms.n_strict
    rows = []
    for i in range(t):
        order = [i] + [c for c in range(t) if c != i][: j - 1]
        rows.append(_jac_rows(ms, np.eye(t)[:, order])[which][ns])
    strict = _jac_rows(ms, None)[which][:ns]
    return strict, np.array(rows)


def _core_sq_range(ms: MinimiserSet, which: int) -> tuple[float, float]:
    """[min, max] over the tie choice W of the squared Frobenius norm of the core rows (Ky Fan, exact)."""
    if not ms.tied:
        J = _jac_rows(ms, None)[which]
        v = float(np.sum(J**2))
        return v, v
    strict, tie = _tie_rows(ms, which)
    base = float(np.sum(strict**2))
    M = tie @ tie.T
    return base + kyfan(M, ms.j, top=False), base + kyfan(M, ms.j, top=True)


def x_sensitivity(ms: MinimiserSet) -> Range:
    """Range of S_x = ||(C + D P) G_x||_F over the set (module docstring)."""
    p = ms.process
    Phi = p.lam.Phi
    Y = p.G_x if Phi is None else Phi @ p.G_x  # what a mixed-in H h contributes to dz/dx_t: V H Y
    lo2, hi2 = _core_sq_range(ms, 0)
    exact = True
    can_mix = ms.mixing != "none" and ms.k > 0 and np.any(np.abs(Y) > ZERO_TOL)
    if can_mix:
        if ms.mixing == "all":
            # mixing adds V H Y (V = I): the rows of H Y span the row space of Y, projector Y^+ Y; it cancels X Y^+ Y
            if ms.tied:
                strict, tie = _tie_rows(ms, 0)
                Q = np.eye(p.d_x) - np.linalg.pinv(Y) @ Y
                lo2 = float(np.sum((strict @ Q) ** 2)) + kyfan(tie @ Q @ Q.T @ tie.T, ms.j, top=False)
            else:
                X = _jac_rows(ms, None)[0]
                lo2 = float(np.sum((X - X @ np.linalg.pinv(Y) @ Y) ** 2))
        else:  # kerE: only inside the readout's null space
            if ms.tied:
                lo2, exact = 0.0, False
            else:
                X = _jac_rows(ms, None)[0]
                V = ms.mix_basis(ms.core_map())
                lo2 = float(np.sum((X - V @ V.T @ X @ np.linalg.pinv(Y) @ Y) ** 2))
        if ms.mixing == "all" or ms.mix_basis(ms.core_map()).shape[1] > 0:
            hi2 = INF
    if ms.spare > 0 and np.any(np.abs(Y) > ZERO_TOL):
        hi2 = INF
    hi = INF if hi2 == INF else float(np.sqrt(max(hi2, 0.0)))
    return Range(float(np.sqrt(max(lo2, 0.0))), hi, hi_attained=hi != INF, exact=exact,
                 method="ky-fan+mixing-least-squares")


def xi_sensitivity(ms: MinimiserSet) -> Range:
    """Range of S_xi = ||D U_x||_F over the set: the core's (Ky Fan over ties); spare rows may read o' (unbounded).
    D is taken on the range of Sigma_r: components of D on its null space do not change z."""
    lo2, hi2 = _core_sq_range(ms, 1)
    hi = INF if ms.spare > 0 else float(np.sqrt(max(hi2, 0.0)))
    return Range(float(np.sqrt(max(lo2, 0.0))), hi, hi_attained=hi != INF, method="ky-fan+spare")


def readout_leakage(ms: MinimiserSet, W: Array | None = None) -> float:
    """1 - NMSE(xi | W_z z, o) for the readout W_z z = E c of member(W) (an action head; mixing lies in ker E)."""
    T_c = ms.core_map(W)
    T_read = ms.readout(T_c) @ T_c
    src = ms.source
    return 1.0 - src.nmse("xi", [T_read, "o"])


# --- the objective straight from its definition -------------------------------------------------------------
def objective_value(p: LinearProcess, params: dict[str, Array]) -> float:
    """J = E||h' - A h - B z||^2 + w E||a - E z||^2 (w the effective action weight in sum units) from the source
    maps (no RRR): the independent certificate of a constructed minimiser."""
    src = p.source
    Phi = p.lam.Phi
    T_h, T_hn = src.T("o"), src.T("o_next")
    if Phi is not None:
        T_h, T_hn = Phi @ T_h, Phi @ T_hn
    T_z = params["C"] @ T_h + params["D"] @ T_hn
    R = T_hn - params["A"] @ T_h - params["B"] @ T_z
    J = float(np.sum(R**2))
    w = p.lam.effective_action_weight(T_h.shape[0], p.d_a)
    if w > 0:
        Ra = src.T("a") - params["E"] @ T_z
        J += w * float(np.sum(Ra**2))
    return J


# --- switch points --------------------------------------------------------------------------------------------
def lambda_star_closed_form(p: LinearProcess) -> float | None:
    """EX-T4 repair: lambda* = lambda_max(U_x Sigma_xi U_x^T)/sigma_a^2 - s_min(U_a)^2 (A6, Sigma_a = sigma_a^2 I,
    k = d_a); None when rank U_a < d_a or sigma_a = 0 (no lambda switches). Every minimiser of J_lambda is then
    exogenous-free iff lambda > max(lambda*, 0): at lambda = 0 the o-part of z is free (EX-T4a)."""
    s = singular_values(p.X)
    sa2 = float(np.trace(p.Sigma_a)) / p.d_a
    if sa2 <= 0 or len(s) < p.d_a or s[-1] <= 1e-10 * max(1.0, s[0]):
        return None
    bx = float(np.max(np.linalg.eigvalsh(p.G_x @ p.Sigma_xi @ p.G_x.T), initial=0.0))
    return bx / sa2 - float(s[-1] ** 2)


def lambda_switch(p: LinearProcess, hi: float = 1e4, iters: int = 60) -> tuple[float | None, dict]:
    """The smallest lambda >= 0 above which every minimiser of J_lambda is exogenous-free, by bisection on
    `exogenous_free` (monotone under A6); None when not exogenous-free even at ``hi``. Returns (lambda*, info)."""
    free = lambda lam: exogenous_free(minimiser_set(supervised(p, lam)))  # noqa: E731
    if free(0.0):
        return 0.0, {"free_at_0": True}
    if not free(hi):
        return None, {"free_at_hi": False, "hi": hi}
    lo_, hi_ = 0.0, hi
    for _ in range(iters):
        mid = 0.5 * (lo_ + hi_)
        lo_, hi_ = (lo_, mid) if free(mid) else (mid, hi_)
    return 0.5 * (lo_ + hi_), {"bracket": (lo_, hi_)}


def beta_star_closed_form(p: LinearProcess) -> float | None:
    """EX-T3 repair: beta* = sigma_a s_min(U_a) / (sigma_xi s_max(U_x)) (A6, isotropic, k = d_a); None when the
    action is never captured (sigma_a = 0 or rank U_a < d_a), inf without exogenous innovation."""
    sa = np.sqrt(float(np.trace(p.Sigma_a)) / p.d_a)
    sx = np.sqrt(float(np.trace(p.Sigma_xi)) / p.d_x)
    s_a, s_x = singular_values(p.X), singular_values(p.G_x)
    if sa <= 0 or len(s_a) < p.d_a or s_a[-1] <= 1e-10 * max(1.0, s_a[0]):
        return None  # the action is never captured
    if sx <= 0:
        return INF  # no exogenous innovation: action-only at every beta
    return float(sa * s_a[-1] / (sx * s_x[0]))


def beta_process(p: LinearProcess, beta: float) -> LinearProcess:
    return p.with_lam(Phi=beta_representation(p, beta))


def beta_switch(p: LinearProcess, hi: float = 1e3, iters: int = 60) -> tuple[float | None, dict]:
    """The largest beta below which every minimiser in Phi_beta space captures the action and no xi
    (`captures_action_only`; k = d_a), by geometric bisection; None when not even at beta -> 0."""
    free = lambda b: captures_action_only(minimiser_set(beta_process(p, b)))  # noqa: E731
    if not free(1e-9):
        return None, {"free_near_0": False}
    if free(hi):
        return INF, {"free_at_hi": True}
    lo_, hi_ = 1e-9, hi
    for _ in range(iters):
        mid = np.sqrt(lo_ * hi_)  # geometric: beta spans decades
        lo_, hi_ = (mid, hi_) if free(mid) else (lo_, mid)
    return float(np.sqrt(lo_ * hi_)), {"bracket": (lo_, hi_)}


# --- EX-T6: cross-context reconstruction --------------------------------------------------------------------------
@dataclass(frozen=True)
class CrossContextSet:
    """The set of global minimisers of the cross-context objective of a `PairedProcess` (EX-T6).

    The FDM's A absorbs every o-term (o^(1), o^(2) are uncorrelated with both innovations), so the objective is the
    rank-k RRR of y = [r1; r2] (self + cross) or y = r2 (cross) on r1, with r_i = U_a a + U_x xi^(i) sharing a:
    value tr Cov(y) - sum_{i<=k} mu_i, mu the eigenvalues of Cov(r1~, y) Cov(y, r1~) (r1~ whitened)."""

    paired: PairedProcess

    @cached_property
    def maps(self) -> dict[str, Array]:
        """Source maps over [w_base; n_xi2]: o, a, xi (= xi^(1)), r1, r2."""
        p = self.paired.base
        src = p.source
        n2 = p.F_xi.shape[1]
        pad = lambda T: np.hstack([T, np.zeros((T.shape[0], n2))])  # noqa: E731
        T_xi2 = np.hstack([np.zeros((p.d_x, src.n_source)), p.F_xi])
        T_r1 = pad(src.T("r"))
        T_r2 = pad(p.X @ src.T("a")) + p.G_x @ T_xi2
        return {"o": pad(src.T("o")), "a": pad(src.T("a")), "xi": pad(src.T("xi")), "r1": T_r1, "r2": T_r2}

    @cached_property
    def _eig(self):
        m = self.maps
        T_y = np.vstack([m["r1"], m["r2"]]) if self.paired.self_term else m["r2"]
        L = whitening(m["r1"])
        G = (L @ m["r1"]) @ T_y.T
        S = G @ G.T
        mu, U = np.linalg.eigh((S + S.T) / 2)
        mu, U = mu[::-1], U[:, ::-1]
        pos = int(np.sum(mu > 1e-10 * max(1.0, float(mu.max(initial=0.0)))))
        k = min(self.paired.base.d_z, pos)
        tol = 1e-9 * max(1.0, float(mu[0])) if len(mu) else 0.0
        ns = int(np.sum(mu > mu[k - 1] + tol)) if k else 0
        nt = int(np.sum(np.abs(mu - mu[k - 1]) <= tol)) if k else 0
        return mu, U, L, k, ns, nt, float(np.trace(T_y @ T_y.T))

    @property
    def mu(self) -> Array:
        return self._eig[0]

    @property
    def value(self) -> float:
        mu, _, _, k, _, _, tr = self._eig
        return tr - float(np.sum(mu[:k]))

    @property
    def tied(self) -> bool:
        _, _, _, k, ns, nt, _ = self._eig
        return 0 < k - ns < nt

    def _maps(self) -> tuple[Array, Array, int]:
        mu, U, L, k, ns, nt, _ = self._eig
        u = L @ self.maps["r1"]
        strict = U[:, :ns].T @ u
        tie = U[:, ns:ns + nt].T @ u if k > ns else np.zeros((0, u.shape[1]))
        return strict, tie, k - ns

    def core_map(self) -> Array:
        strict, tie, j = self._maps()
        return np.vstack([strict, tie[:j]])

    def given_zo(self, y: str) -> Range | None:
        """Range of NMSE(y | z^(1), o^(1)) over the set (Ky Fan over ties; the tied statistics are whitened, mutually
        uncorrelated and uncorrelated with o and the strict core, so the explained variance is linear in W W^T)."""
        T_y = self.maps[y]
        total = float(np.trace(T_y @ T_y.T))
        if total <= 0:
            return None
        strict, tie, j = self._maps()
        base = np.vstack([self.maps["o"], strict])
        e0 = explained(T_y, base)
        if not self.tied:
            e = explained(T_y, np.vstack([base, tie[:j]])) if j else e0
            lo_e = hi_e = e
        else:
            Tt, Ty = residual(tie, base), residual(T_y, base)
            M = (Tt @ Ty.T) @ (Tt @ Ty.T).T
            lo_e, hi_e = e0 + kyfan(M, j, top=False), e0 + kyfan(M, j, top=True)
        nm = lambda e: float(np.clip(1.0 - e / total, 0.0, 1.0))  # noqa: E731
        return Range(nm(hi_e), nm(lo_e), method="ky-fan" if self.tied else "unique")

    def leakage(self) -> Range | None:
        return flip(self.given_zo("xi"))


def cross_context_set(base: LinearProcess, self_term: bool) -> CrossContextSet:
    return CrossContextSet(PairedProcess(base, self_term))
