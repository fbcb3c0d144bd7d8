"""The SET of global minimisers of the linear LAM objectives, and the range of every probe quantity over it.

"The optimum" is a set (docs/contract.md, "Quantifiers"). For a `LinearProcess` p with its `LAMConfig`,
every global minimiser has a latent of the form

    z = [ c(W) + V_mix H h ;  H_2 h' ]   (up to an invertible d_z x d_z map, which no probe sees),

where h = Phi o (h = o without a representation) and

* c(W) = U(W)^T u_in is the CORE: k = min(d_z, rank) unit-variance, mutually uncorrelated linear
  statistics of the objective's input u_in. U(W) = [U_>, U_T W] spans a top-k eigenspace of the
  objective's SCORE matrix in whitened input coordinates; W (t x j, orthonormal columns) chooses
  j = k - n_> directions inside the tied eigenspace U_T (t = multiplicity of the k-th eigenvalue).
  Without ties (t = j) the core is unique.
* V_mix H h: an ARBITRARY linear function of h added inside the core's latent subspace V_mix
  ("mixing", as A absorbs it: Zhang's over-parameterisation ZP-O1): all of it for the plain LAM, the
  null space of the action readout E for an action head (Lee EX-T4), nothing under augmentation,
  a residual FDM (A = I) or C = -D.
* H_2 h': s = d_z - k SPARE coordinates (only when d_z exceeds the rank of the score), arbitrary
  linear statistics of what the core leaves of the input (for learned A that is h itself).

Objective families (``family``), with y the regression target and u_in the input the core reads:

    learned-A  (A learnable; also augmentation kappa > 0 and tied C = -D, which need E[h'|h] = h):
               u_in = r_h = h' - K h (K = S_no S_oo^+), y = [r_h; sqrt(w) a]; value tr Cov(y) - sum_{i<=k} mu_i
    residual   (A = I fixed, no augmentation): u_in = (h, h' - h), y = [h' - h; sqrt(w) a]

and SCORE = Cov(u~, y) Cov(y, u~), u~ the whitened input, mu its eigenvalues (reduced-rank regression;
w = 0 gives PCA of the input: Zhang Prop. 4.2, Lee EX-T1/EX-T2c; w > 0 Lee EX-T4, Zhang Sec. 4.4).
w is the effective action weight in per-sample-sum units (`LAMConfig.effective_action_weight`).

Ranges (`Range`): given (z, o) the mixing and spare coordinates add nothing, so a quantity moves only
with W; its explained variance is linear in the projector W W^T whenever the residualised tied
statistics are isotropic (always for learned A, since r_h is uncorrelated with h), and its range is
then a Ky Fan sum (exact). Given z alone, mixing lowers the information about every target
uncorrelated with h down to the core outside V_mix (a supremum, approached as H grows), and can carry
up to dim V_mix + s statistics of h; LLO is linear in T = (S + I)^{-1} (S = H Sigma_h H^T) when
Sigma_o = sigma^2 I, so its range is exact too. Anything else is an enclosure (``exact=False``).
Processes outside the closed forms raise `NotClosedForm` (e.g. augmentation with a correlated policy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from numerics.processes import LinearProcess
from theory.checks import Range

Array = np.ndarray

#: Relative eigenvalue cut-offs. RANK_RTOL decides ranks of covariances (float64 round-off on
#: products of O(1) matrices is ~1e-15, so 1e-10 is safe by five orders); TIE_RTOL decides whether the
#: k-th and (k+1)-th score eigenvalues are tied (1e-9 relative: a gap below it is a tie for every
#: practical purpose, one above it is resolved by eigh to ~1e-15).
RANK_RTOL = 1e-10
TIE_RTOL = 1e-9
#: Largest tie problem (t x j free coordinates) searched numerically; beyond it an enclosure is reported.
GRASSMANN_MAX_DIM = 24


class NotClosedForm(ValueError):
    """The process lies outside the closed-form description of the minimiser set (the reason says why)."""


# --- small linear-algebra helpers on source maps (rows: variables; columns: source coordinates) -----

def _pinv(S: Array) -> Array:
    return np.linalg.pinv((S + S.T) / 2, rcond=RANK_RTOL, hermitian=True) if S.size else S


def whitening(T: Array) -> Array:
    """Functionals L (rho x dim) with L T T^T L^T = I_rho on the range of Cov = T T^T."""
    S = T @ T.T
    w, V = np.linalg.eigh((S + S.T) / 2)
    keep = w > RANK_RTOL * max(1.0, float(w.max(initial=0.0)))
    return (V[:, keep] / np.sqrt(w[keep])).T


def residual(T: Array, T_base: Array) -> Array:
    """T minus its best linear prediction from T_base: the part of the variable uncorrelated with base."""
    if T_base.size == 0:
        return T
    return T - (T @ T_base.T) @ _pinv(T_base @ T_base.T) @ T_base


def explained(T_y: Array, T_v: Array) -> float:
    """tr(S_yv S_vv^+ S_vy): variance of y explained by the best linear probe from v."""
    if T_v.size == 0 or T_y.size == 0:
        return 0.0
    S_yv = T_y @ T_v.T
    return float(np.trace(S_yv @ _pinv(T_v @ T_v.T) @ S_yv.T))


def kyfan(M: Array, j: int, top: bool = True) -> float:
    """Sum of the j largest (top) or smallest eigenvalues of the symmetric M (Ky Fan's principle)."""
    if j <= 0:
        return 0.0
    w = np.linalg.eigvalsh((M + M.T) / 2)
    return float(np.sum(w[::-1][:j] if top else w[:j]))


def _nmse(expl: float, total: float) -> float:
    return float(np.clip(1.0 - expl / total, 0.0, 1.0))


def _stack(*Ts: Array) -> Array:
    Ts = [T for T in Ts if T.size]
    n = next((T.shape[1] for T in Ts), 0)
    return np.vstack(Ts) if Ts else np.zeros((0, n))


# --- the minimiser set ------------------------------------------------------------------------------

@dataclass(frozen=True)
class MinimiserSet:
    """The set of global minimisers of ``process``'s LAM objective (module docstring)."""

    process: LinearProcess
    family: str  # "learned-A" | "residual"
    mixing: str  # "all" | "kerE" | "none"
    weight: float  # effective action weight w (sum units)
    T_in: Array  # source map of the core's input u_in
    L_in: Array  # whitening functionals of u_in (rho x dim u_in)
    T_y: Array  # source map of the regression target y
    mu: Array  # score eigenvalues, descending
    U: Array  # score eigenvectors (rho x rho), columns in the order of mu
    k: int  # core size
    n_strict: int  # eigenvalues strictly above mu_k
    n_tie: int  # t: multiplicity of mu_k (0 when k = 0)
    spare: int  # s = d_z - k
    value: float  # the global minimum (sum units): tr Cov(y) - sum_{i <= k} mu_i
    notes: tuple[str, ...] = field(default=())

    # --- structure ------------------------------------------------------------------------------------
    @property
    def j(self) -> int:
        """How many core directions are chosen inside the tied eigenspace."""
        return self.k - self.n_strict

    @property
    def tied(self) -> bool:
        """True when the core is not unique (a tie straddles the k-th eigenvalue)."""
        return 0 < self.j < self.n_tie

    @property
    def gap(self) -> float:
        return float(self.mu[self.k - 1] - self.mu[self.k]) if 0 < self.k < len(self.mu) else float("inf")

    @property
    def source(self):
        return self.process.source

    @cached_property
    def T_h(self) -> Array:
        Phi = self.process.lam.Phi
        T_o = self.source.T("o")
        return T_o if Phi is None else Phi @ T_o

    @cached_property
    def _canonical_core(self) -> Array:
        """`core_map()` at the canonical tie-break (computed once per set; every ``given_z`` reads it)."""
        return self.core_map()

    @cached_property
    def _rank_h(self) -> int:
        return _rank(self.T_h)

    @cached_property
    def _spare_whitened(self) -> Array:
        """The canonical core's spare input, whitened (`whitening`): the same for every probe target."""
        T_v = self._spare_input(self._canonical_core)
        return whitening(T_v) @ T_v

    def _whitened_in(self) -> Array:
        return self.L_in @ self.T_in

    def core_map(self, W: Array | None = None) -> Array:
        """Source map (k x n) of the core c(W); W (t x j, orthonormal columns) picks the tied directions
        (default: eigh's first j, the canonical tie-break)."""
        u = self._whitened_in()
        strict = self.U[:, :self.n_strict].T @ u
        if self.j == 0:
            return strict
        U_T = self.U[:, self.n_strict:self.n_strict + self.n_tie]
        W = np.eye(self.n_tie)[:, :self.j] if W is None else np.asarray(W, float)
        return np.vstack([strict, (U_T @ W).T @ u])

    def tie_map(self) -> Array:
        """Source map (t x n) of all tied candidate statistics (unit variance, uncorrelated)."""
        U_T = self.U[:, self.n_strict:self.n_strict + self.n_tie]
        return U_T.T @ self._whitened_in()

    def strict_map(self) -> Array:
        return self.U[:, :self.n_strict].T @ self._whitened_in()

    def readout(self, T_c: Array) -> Array:
        """The action readout E = Cov(a, c) of a unit-covariance core (d_a x k)."""
        return self.source.T("a") @ T_c.T

    def mix_basis(self, T_c: Array) -> Array:
        """Orthonormal basis (k x m) of the latent subspace where h may be mixed into the core."""
        k = T_c.shape[0]
        if self.mixing == "all":
            return np.eye(k)
        if self.mixing == "none" or k == 0:
            return np.zeros((k, 0))
        E = self.readout(T_c)
        _, s, Vt = np.linalg.svd(E, full_matrices=True)
        rank = int(np.sum(s > RANK_RTOL * max(1.0, float(s.max(initial=0.0)))))
        return Vt[rank:].T

    # --- the canonical minimiser ----------------------------------------------------------------------
    def canonical(self) -> dict[str, Array]:
        """The minimiser with no mixing, zero spare rows and eigh's tie-break: for learned A it is
        A = K, C = -D K (A = I, C = -D, z = D(o' - o) when E[o'|o] = o: the one augmentation selects);
        for the residual FDM, A = I and z = the core statistic of (h, h' - h). Keys A, B, C, D (and E)."""
        return self.member()

    def member(self, W: Array | None = None, H: Array | None = None, spare: Array | None = None) -> dict[str, Array]:
        """The parameters (A, B, C, D[, E]) of one global minimiser: tie choice ``W`` (t x j, orthonormal
        columns), mixing ``H`` (m x d_h: z gains V_mix H h; learned A without augmentation only) and spare
        rows ``spare`` (s x 2 d_h: (C, D) rows of the spare coordinates, any values)."""
        p, d_z = self.process, self.process.d_z
        U_core = self.U[:, :self.n_strict]
        if self.j:
            U_T = self.U[:, self.n_strict:self.n_strict + self.n_tie]
            W = np.eye(self.n_tie)[:, :self.j] if W is None else np.asarray(W, float)
            U_core = np.hstack([U_core, U_T @ W])
        F_c = U_core.T @ self.L_in  # c = F_c u_in
        T_c = F_c @ self.T_in
        T_h, T_hn = self.T_h, self._T_hn
        d_h = T_h.shape[0]
        K = (T_hn @ T_h.T) @ _pinv(T_h @ T_h.T)
        if self.family == "learned-A":
            # A = K on the range of S_oo; under augmentation or a fixed A it is I (K = I there, checked by
            # minimiser_set, and the penalty kappa^2 ||A - I||^2 fixes A on the null space of S_oo too)
            # (and C = -D: B(C + D) = 0 is what the penalty asks of C on that null space)
            if p.lam.kappa > 0 or not p.lam.learn_A:
                K = np.eye(d_h)
            D_k, C_k, A = F_c, -F_c @ K, K.copy()
            T_target = T_hn - K @ T_h
        else:
            D_k, C_k, A = F_c[:, d_h:], F_c[:, :d_h] - F_c[:, d_h:], np.eye(d_h)
            T_target = T_hn - T_h
        B_k = T_target @ T_c.T
        V = self.mix_basis(T_c)
        if H is not None and np.any(H):
            if V.shape[1] != np.asarray(H).shape[0]:
                raise ValueError(f"H needs {V.shape[1]} rows (the mixing subspace), got {np.asarray(H).shape[0]}")
            C_k = C_k + V @ np.asarray(H, float)
            A = A - B_k @ V @ np.asarray(H, float)
        pad = d_z - self.k
        sp = np.zeros((pad, 2 * d_h)) if spare is None else np.asarray(spare, float).reshape(pad, 2 * d_h)
        C = np.vstack([C_k, sp[:, :d_h]])
        D = np.vstack([D_k, sp[:, d_h:]])
        B = np.hstack([B_k, np.zeros((d_h, pad))])
        out = {"A": A, "B": B, "C": C, "D": D}
        if self.weight > 0:
            out["E"] = np.hstack([self.readout(T_c), np.zeros((p.d_a, pad))])
        return out

    def latent_map(self, params: dict[str, Array]) -> Array:
        """Source map of z = C h + D h' for parameters in h coordinates."""
        return params["C"] @ self.T_h + params["D"] @ self._T_hn

    @cached_property
    def _T_hn(self) -> Array:
        Phi = self.process.lam.Phi
        T = self.source.T("o_next")
        return T if Phi is None else Phi @ T

    # --- probe quantities -----------------------------------------------------------------------------
    def _target(self, y: str) -> Array:
        return self.source.T(y)

    def given_zo(self, y: str) -> Range | None:
        """Range of NMSE(y | z, o) over the minimiser set (None if y has no variance)."""
        T_y = self._target(y)
        total = float(np.trace(T_y @ T_y.T))
        if total <= 0:
            return None
        base = _stack(self.source.T("o"), self.strict_map())
        lo_e, hi_e, exact, method = self._tie_explained(T_y, base)
        return Range(_nmse(hi_e, total), _nmse(lo_e, total), exact=exact, method=method)

    def _tie_explained(self, T_y: Array, base: Array) -> tuple[float, float, bool, str]:
        """[min, max] over W of explained(y | base, W^T tie) (both attained)."""
        e0 = explained(T_y, base)
        if not self.tied:
            full = _stack(base, self.tie_map()[: self.j]) if self.j else base
            e = explained(T_y, full)
            return e, e, True, "unique"
        Tt = residual(self.tie_map(), base)
        Ty = residual(T_y, base)
        Ct = Tt @ Tt.T
        alpha = float(np.trace(Ct)) / self.n_tie
        if alpha <= RANK_RTOL or np.max(np.abs(Ct - alpha * np.eye(self.n_tie))) <= 1e-9 * max(1.0, alpha):
            if alpha <= RANK_RTOL:
                return e0, e0, True, "ky-fan"
            M = (Tt @ Ty.T) @ (Tt @ Ty.T).T / alpha
            return e0 + kyfan(M, self.j, top=False), e0 + kyfan(M, self.j, top=True), True, "ky-fan"
        if self.n_tie * self.j <= GRASSMANN_MAX_DIM:
            lo, hi = _grassmann_extremes(lambda W: explained(T_y, _stack(base, W.T @ self.tie_map())), self.n_tie, self.j)
            return lo, hi, False, "grassmannian-search"
        # too many tied directions to search: the certain enclosure [nothing of the tie, all of it]
        return e0, explained(T_y, _stack(base, self.tie_map())), False, "tie-enclosure"

    def given_z(self, y: str) -> Range | None:
        """Range of NMSE(y | z) over the minimiser set (None if y has no variance)."""
        T_y = self._target(y)
        total = float(np.trace(T_y @ T_y.T))
        if total <= 0:
            return None
        T_h = self.T_h
        T_all = _stack(self.strict_map(), self.tie_map()) if self.tied else self._canonical_core
        tol = 1e-9 * max(1.0, total)
        c_perp_h = np.max(np.abs(T_all @ T_h.T), initial=0.0) <= 1e-9
        y_perp_h = np.max(np.abs(T_y @ T_h.T), initial=0.0) <= tol
        y_perp_c = np.max(np.abs(T_y @ T_all.T), initial=0.0) <= tol
        rank_h = self._rank_h
        if self.tied:  # no spare coordinates then (a tie means the core does not exhaust the score)
            lo_e, hi_e, exact, method = self._tie_explained(T_y, self.strict_map())
            if self.mixing == "none":
                return Range(_nmse(hi_e, total), _nmse(lo_e, total), exact=exact, method=method)
            if self.mixing == "all" and c_perp_h and rank_h >= self.k:
                if y_perp_h:  # best core at H = 0; mixing every coordinate dilutes the information to 0
                    return Range(_nmse(hi_e, total), 1.0, hi_attained=hi_e <= tol and lo_e <= tol, exact=exact,
                                 method=method + "+mixing-dilution")
                if y_perp_c:
                    return self._h_only(T_y, total, self.k)
            return self._enclosure(T_y, T_all, total, self.k)
        T_c = self._canonical_core
        V = self.mix_basis(T_c)
        m = V.shape[1]
        m_eff = min(m, rank_h)
        e_core = explained(T_y, T_c)
        if m == 0:  # no mixing: spare coordinates can only add information
            gain = kyfan(_rrr_whitened(residual(T_y, T_c), self._spare_whitened), self.spare)
            return Range(_nmse(e_core + gain, total), _nmse(e_core, total), method="core+spare-rrr")
        if not c_perp_h:
            return self._enclosure(T_y, T_c, total, m_eff)
        if y_perp_h:  # mixing only dilutes: the core outside V_mix survives; spare (pure h) adds nothing
            G = T_y @ T_c.T  # d_y x k
            K = G.T @ G
            V_perp = _complement(V)
            e_rest = float(np.trace(V_perp.T @ K @ V_perp))
            K_mm = V.T @ K @ V
            lo_e = e_rest + kyfan(K_mm, m - m_eff, top=False)
            lo_att = kyfan(K_mm, m_eff, top=True) <= 1e-12 * max(1.0, total)
            return Range(_nmse(e_core, total), _nmse(lo_e, total), hi_attained=lo_att, method="mixing-dilution")
        if y_perp_c:  # only h carries y: up to m + s statistics of h
            return self._h_only(T_y, total, m_eff)
        return self._enclosure(T_y, T_c, total, m_eff)

    def _h_only(self, T_y: Array, total: float, m_eff: int) -> Range:
        """A target carried only by h: the latent holds up to m_eff mixed plus s spare statistics of h
        (mixed ones only in the limit of large H), and none at H = 0."""
        M = _rrr_matrix(T_y, self.T_h)
        hi_e = kyfan(M, m_eff + self.spare)
        att = m_eff == 0 or abs(hi_e - kyfan(M, self.spare)) <= 1e-12 * max(1.0, total)
        return Range(_nmse(hi_e, total), 1.0, lo_attained=att, method="mixing-h-statistics")

    def _enclosure(self, T_y: Array, T_c: Array, total: float, m_eff: int) -> Range:
        """A certain enclosure when no closed form applies: the core outside V_mix is always in z (only
        without ties); nothing beyond (T_c, m + s statistics of h) can be."""
        lo_e = 0.0
        if not self.tied:
            lo_e = explained(T_y, _complement(self.mix_basis(T_c)).T @ T_c)
        gain = kyfan(_rrr_matrix(residual(T_y, T_c), residual(self.T_h, T_c)), m_eff + self.spare)
        hi_e = explained(T_y, T_c) + gain
        return Range(_nmse(hi_e, total), _nmse(lo_e, total), lo_attained=False, hi_attained=False, exact=False,
                     method="enclosure")

    def _spare_input(self, T_c: Array) -> Array:
        """What spare coordinates may read: the objective's inputs (h and u_in) residualised on the core."""
        return residual(_stack(self.T_h, self.T_in), T_c)

    # --- LLO (Zhang et al. Eq. 6) ---------------------------------------------------------------------
    def llo(self, T_z: Array, *, noise_term_one: bool = False) -> float:
        """LLO = -NMSE(a|z) + NMSE(noise|z) + NMSE(o|z) of a latent with source map T_z (noise term 1
        when the process has no noise or ``noise_term_one``)."""
        return _llo_of(self.process, T_z, noise_term_one)

    def llo_range(self, *, noise_term_one: bool = False) -> Range | None:
        """Range of LLO over the minimiser set; None when LLO is undefined (Var a = 0 or Var o = 0)."""
        p = self.process
        taus = self._llo_taus(noise_term_one)
        if taus[0] <= 0 or taus[2] <= 0:
            return None
        if self.tied and self.mixing == "none":
            lin = self._llo_tie_linear(noise_term_one)
            if lin is not None:
                c0, M = lin
                return Range(c0 + kyfan(M, self.j, top=False), c0 + kyfan(M, self.j, top=True), method="ky-fan")
            if self.n_tie * self.j > GRASSMANN_MAX_DIM:
                return self._llo_enclosure(taus)
            f = lambda W: _llo_of(p, _stack(self.strict_map(), W.T @ self.tie_map()), noise_term_one)  # noqa: E731
            lo, hi = _grassmann_extremes(f, self.n_tie, self.j)
            return Range(lo, hi, exact=False, method="grassmannian-search")
        T_c = _stack(self.strict_map(), self.tie_map()) if self.tied else self.core_map()
        if not self.tied:
            base = _llo_of(p, T_c, noise_term_one)
            V = self.mix_basis(T_c)
            if V.shape[1] == 0:
                Q = self._llo_quadratic(self._spare_input(T_c), T_c, taus)
                return Range(base + kyfan(Q, self.spare, top=False), base + kyfan(Q, self.spare, top=True),
                             method="core+spare-ky-fan")
        Sigma_o = p.Sigma_o
        src = self.source
        iso = p.lam.Phi is None and np.allclose(Sigma_o, Sigma_o[0, 0] * np.eye(p.d_o), atol=1e-12)
        perp = lambda name: np.max(np.abs(src.T(name) @ src.T("o").T), initial=0.0) <= 1e-9  # noqa: E731
        c_perp_o = np.max(np.abs(T_c @ src.T("o").T), initial=0.0) <= 1e-9
        closed = iso and c_perp_o and perp("a") and (taus[1] is None or perp("noise"))
        if self.tied and self.mixing != "all":
            closed = False
        if not closed:
            return self._llo_enclosure(taus)
        tau_a, tau_n, _ = taus
        G_a = src.T("a") @ T_c.T
        Q = G_a.T @ G_a / tau_a
        if tau_n is not None:
            G_n = src.T("noise") @ T_c.T
            Q = Q - G_n.T @ G_n / tau_n
        Q = Q + np.eye(T_c.shape[0]) / p.d_o
        if self.tied:  # Q over (strict, tied) coordinates; exact when the tied block is isotropic and decoupled
            ns, t = self.n_strict, self.n_tie
            Q_TT, Q_sT = Q[ns:, ns:], Q[:ns, ns:]
            alpha = float(np.trace(Q_TT)) / t
            if np.max(np.abs(Q_sT), initial=0.0) > 1e-9 or np.max(np.abs(Q_TT - alpha * np.eye(t))) > 1e-9:
                return self._llo_enclosure(taus)
            Q = np.block([[Q[:ns, :ns], np.zeros((ns, self.j))], [np.zeros((self.j, ns)), alpha * np.eye(self.j)]])
            V = np.eye(self.k)
        else:
            V = self.mix_basis(T_c)
            Q = V.T @ Q @ V
            base = _llo_of(p, T_c, noise_term_one)
        m = V.shape[1]
        q = np.linalg.eigvalsh((Q + Q.T) / 2)
        if self.tied:  # V = all: LLO(H = 0) = 1 - k/d_o + tr Q for every W
            base = 1 - self.k / p.d_o + float(np.sum(q))
        s = min(self.spare, p.d_o - m)
        hi = base - float(np.sum(np.minimum(q, 0)))  # T -> 0 on the negative eigenvectors of Q
        lo = base - float(np.sum(np.maximum(q, 0))) - s / p.d_o  # T -> 0 on the positive ones; spare carries o
        return Range(lo, hi, lo_attained=bool(np.all(q <= 1e-12)), hi_attained=bool(np.all(q >= -1e-12)),
                     method="mixing-T-linear")

    def _llo_enclosure(self, taus) -> Range:
        a, o = self.given_z("a"), self.given_z("o")
        n = None if taus[1] is None else self.given_z("noise")
        lo = -a.hi + (1.0 if n is None else n.lo) + o.lo
        hi = -a.lo + (1.0 if n is None else n.hi) + o.hi
        return Range(lo, hi, lo_attained=False, hi_attained=False, exact=False, method="termwise-enclosure")

    def _llo_taus(self, noise_term_one: bool) -> tuple[float, float | None, float]:
        src = self.source
        tr = lambda name: float(np.trace(src.cov(name, name)))  # noqa: E731
        tau_n = None if (noise_term_one or not self.process.has_noise) else tr("noise")
        return tr("a"), tau_n, tr("o")

    def _llo_quadratic(self, T_f: Array, T_c: Array, taus) -> Array:
        """LLO(core + f) - LLO(core) = tr(P Q) over unit-covariance statistics P^T f~ of the residual
        input f (whitened here): Q = K_a/tau_a - K_n/tau_n - K_o/tau_o on the residual targets."""
        L = whitening(T_f)
        F = L @ T_f
        tau_a, tau_n, tau_o = taus
        def K(name):
            G = F @ residual(self.source.T(name), T_c).T
            return G @ G.T
        Q = K("a") / tau_a - K("o") / tau_o
        if tau_n is not None:
            Q = Q - K("noise") / tau_n
        return Q

    def _llo_tie_linear(self, noise_term_one: bool):
        """LLO(W) = c0 + tr(W^T M W) when every residualised tied statistic is isotropic; else None."""
        base = self.strict_map()
        Tt = residual(self.tie_map(), base)
        Ct = Tt @ Tt.T
        alpha = float(np.trace(Ct)) / self.n_tie
        if alpha <= RANK_RTOL or np.max(np.abs(Ct - alpha * np.eye(self.n_tie))) > 1e-9 * max(1.0, alpha):
            return None
        tau_a, tau_n, tau_o = self._llo_taus(noise_term_one)
        def M(name):
            G = Tt @ residual(self.source.T(name), base).T
            return G @ G.T / alpha
        Mq = M("a") / tau_a - M("o") / tau_o - (M("noise") / tau_n if tau_n is not None else 0.0)
        return _llo_of(self.process, base, noise_term_one), Mq

    # --- the core alone: the surrogate latent B^+(o_hat' - o) (added for Zhang et al. Sec. 4.1) ---------
    def given_core(self, y: str) -> Range | None:
        """Range over the minimiser set of NMSE(y | c(W)): what the surrogate latent B^+(o_hat' - o) carries
        at every minimiser (B^+ is injective on range B, so it is an invertible map of the core; mixing and
        spare coordinates cancel in o_hat' - o = (K - I) h + B_core c). Only W moves it. None if Var y = 0."""
        T_y = self._target(y)
        total = float(np.trace(T_y @ T_y.T))
        if total <= 0:
            return None
        lo_e, hi_e, exact, method = self._tie_explained(T_y, self.strict_map())
        return Range(_nmse(hi_e, total), _nmse(lo_e, total), exact=exact, method=method)

    def core_llo_range(self, *, noise_term_one: bool = False) -> Range | None:
        """Range over the minimiser set of the LLO of the core c(W) (the surrogate latent; see `given_core`)."""
        taus = self._llo_taus(noise_term_one)
        if taus[0] <= 0 or taus[2] <= 0:
            return None
        if not self.tied:
            v = _llo_of(self.process, self.core_map(), noise_term_one)
            return Range(v, v, method="unique")
        lin = self._llo_tie_linear(noise_term_one)
        if lin is not None:
            c0, M = lin
            return Range(c0 + kyfan(M, self.j, top=False), c0 + kyfan(M, self.j, top=True), method="ky-fan")
        f = lambda W: _llo_of(self.process, _stack(self.strict_map(), W.T @ self.tie_map()), noise_term_one)  # noqa: E731
        lo, hi = _grassmann_extremes(f, self.n_tie, self.j)
        return Range(lo, hi, exact=False, method="grassmannian-search")

    # --- everything a report needs ----------------------------------------------------------------------
    def quantities(self) -> dict[str, Range | None]:
        """The probe quantities of `lamcheck check` and the claims, each a Range (None if absent)."""
        p = self.process
        out: dict[str, Range | None] = {
            "action_given_z": self.given_z("a"), "action_given_z_o": self.given_zo("a"),
            "noise_given_z": self.given_z("noise") if p.has_noise else None,
            "observation_given_z": self.given_z("o"),
            "exo_innovation_given_z_o": self.given_zo("xi") if p.has_exogenous else None,
            "exo_state_given_z": self.given_z("x") if p.has_exogenous else None,
        }
        return out


def _rank(T: Array) -> int:
    S = T @ T.T
    w = np.linalg.eigvalsh((S + S.T) / 2) if S.size else np.zeros(0)
    return int(np.sum(w > RANK_RTOL * max(1.0, float(w.max(initial=0.0)))))


def _complement(V: Array) -> Array:
    """Orthonormal basis of the orthogonal complement of span(V) (V: k x m, orthonormal columns)."""
    k = V.shape[0]
    if V.shape[1] == 0:
        return np.eye(k)
    U, _, _ = np.linalg.svd(V, full_matrices=True)
    return U[:, V.shape[1]:]


def _rrr_matrix(T_y: Array, T_v: Array) -> Array:
    """Cov(v~, y) Cov(y, v~) for the whitened v: its top-s eigenvalues are the variance of y that the
    best s linear statistics of v explain (reduced-rank regression)."""
    return _rrr_whitened(T_y, whitening(T_v) @ T_v)


def _rrr_whitened(T_y: Array, T_w: Array) -> Array:
    """`_rrr_matrix` for an already whitened source map T_w = L T_v (rho x n)."""
    if T_w.shape[0] == 0:
        return np.zeros((0, 0))
    G = T_w @ T_y.T
    return G @ G.T


def _llo_of(p: LinearProcess, T_z: Array, noise_term_one: bool) -> float:
    src = p.source

    def nm(name: str) -> float:
        T_y = src.T(name)
        total = float(np.trace(T_y @ T_y.T))
        return 1.0 if total <= 0 else _nmse(explained(T_y, T_z), total)

    noise = 1.0 if (noise_term_one or not p.has_noise) else nm("noise")
    return -nm("a") + noise + nm("o")


def _grassmann_extremes(f, t: int, j: int, starts: int = 6, seed: int = 0) -> tuple[float, float]:
    """min and max of f(W) over t x j orthonormal W (projected coordinate search; a numeric
    enclosure-free estimate, used only where no closed form applies and reported as not exact)."""
    from scipy.optimize import minimize

    rng = np.random.default_rng(seed)

    def W_of(x):
        return np.linalg.qr(x.reshape(t, j))[0]

    vals = []
    for sign in (1.0, -1.0):
        best = None
        for _ in range(starts):
            res = minimize(lambda x: sign * f(W_of(x)), rng.standard_normal(t * j), method="Nelder-Mead",
                           options={"maxiter": 400 * t * j, "xatol": 1e-10, "fatol": 1e-12})
            best = res.fun if best is None else min(best, res.fun)
        vals.append(sign * best)
    return vals[0], vals[1]


def minimiser_set(p: LinearProcess) -> MinimiserSet:
    """The set of global minimisers of p's LAM objective (module docstring); raises NotClosedForm."""
    lam = p.lam
    src = p.source
    Phi = lam.Phi
    T_o, T_on = src.T("o"), src.T("o_next")
    T_h, T_hn = (T_o, T_on) if Phi is None else (Phi @ T_o, Phi @ T_on)
    d_h = T_h.shape[0]
    w = lam.effective_action_weight(d_h, p.d_a)
    K = (T_hn @ T_h.T) @ _pinv(T_h @ T_h.T)
    T_r = T_hn - K @ T_h
    uncorrelated = np.allclose(K @ T_h, T_h, atol=1e-10 * max(1.0, float(np.abs(T_h).max(initial=0.0))))
    notes: list[str] = []
    if lam.kappa > 0 or lam.tie_CD:
        what = "augmentation" if lam.kappa > 0 else "tied C = -D"
        if Phi is not None:
            raise NotClosedForm(f"{what} with a representation Phi")
        if not uncorrelated:
            raise NotClosedForm(f"{what} with E[o'|o] != o (a correlated policy or exogenous drift): "
                                "the penalty on A - I competes with the reconstruction")
        family, mixing = "learned-A", "none"
        notes.append(f"{what}: A = I and B(C + D) = 0 at every minimiser, so no o is mixed into the core")
    elif lam.learn_A:
        family = "learned-A"
        mixing = "kerE" if w > 0 else "all"
    else:
        family, mixing = "residual", "none"
    if w > 0 and family == "learned-A" and np.max(np.abs(src.T("a") @ T_h.T), initial=0.0) > 1e-10:
        raise NotClosedForm("action head with a policy correlated with o (E[a o^T] != 0)")
    if family == "learned-A":
        T_in, T_target = T_r, T_r
    else:
        T_in, T_target = _stack(T_h, T_hn - T_h), T_hn - T_h
    T_y = _stack(T_target, np.sqrt(w) * src.T("a")) if w > 0 else T_target
    L_in = whitening(T_in)
    G = (L_in @ T_in) @ T_y.T
    score = G @ G.T
    mu, U = np.linalg.eigh((score + score.T) / 2)
    mu, U = mu[::-1], U[:, ::-1]
    pos = int(np.sum(mu > RANK_RTOL * max(1.0, float(mu.max(initial=0.0)))))
    k = min(p.d_z, pos)
    if k:
        tol = TIE_RTOL * max(1.0, float(mu[0]))
        n_strict = int(np.sum(mu > mu[k - 1] + tol))
        n_tie = int(np.sum(np.abs(mu - mu[k - 1]) <= tol))
    else:
        n_strict = n_tie = 0
    value = float(np.trace(T_y @ T_y.T)) - float(np.sum(mu[:k]))
    return MinimiserSet(process=p, family=family, mixing=mixing, weight=w, T_in=T_in, L_in=L_in, T_y=T_y, mu=mu,
                        U=U, k=k, n_strict=n_strict, n_tie=n_tie, spare=p.d_z - k, value=value, notes=tuple(notes))
