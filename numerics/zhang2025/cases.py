"""The three noise cases of Sec. 4.1 (ZP-C1, ZP-C2, ZP-C3) at the SET of global minimisers.

Every sub-statement is evaluated at every minimiser (`numerics.optima.minimiser_set`): span(B) from the
members (unique up to an invertible latent map when there are no spare latent rows), the latent's
information as a range over the set. "The latent" is the surrogate B^+(o_hat' - o) that Sec. 4.1 probes
(`MinimiserSet.given_core` / `core_llo_range`: an invertible map of the core, the same at every minimiser
up to ties); the true z's ranges (`given_z`, `llo_range`: it may carry o, ZP-O1) are reported beside it.
LLO's action term is q (ZP-D1's statement) where the sub-statement is about q, a (the authors' code) in
the LLO ranges of `numerics.optima`.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from numerics import linear_lam as ll
from numerics.domains import int_matrices
from numerics.optima import minimiser_set
from numerics.processes import LAMConfig, LinearProcess, orthonormal
from numerics.zhang2025.assumptions import action_rank
from numerics.zhang2025.model import llo

Array = np.ndarray
#: rank and equality decisions: integer-factor covariances have nonzero eigenvalues >= ~1e-3 and round-off
#: ~1e-15 relative, so 1e-9 separates them with six orders of margin on either side.
RTOL = 1e-9


def span_equal(M1: Array, M2: Array, tol: float = 1e-7) -> bool:
    """span(M1) = span(M2): equal ranks and largest principal angle <= tol (radians)."""
    Q1, Q2 = ll.orthonormal_basis(M1), ll.orthonormal_basis(M2)
    if Q1.shape[1] != Q2.shape[1]:
        return False
    return Q1.shape[1] == 0 or float(np.max(ll.principal_angles(Q1, Q2))) <= tol


def _top_space(S: Array, k: int) -> Array:
    w, V = np.linalg.eigh((S + S.T) / 2)
    return V[:, ::-1][:, :k]


# --- ZP-C1 ---------------------------------------------------------------------------------------------

def c1_sub_statements(p: LinearProcess, repaired: bool = False) -> dict[str, bool]:
    """Each numbered sub-statement of ZP-C1 on one noise-free process, at every minimiser (as written, or
    with d_a replaced by r = rank(X E[aa^T] X^T))."""
    Sq = p.cov("q", "q")
    r = action_rank(p)
    k = r if repaired else p.d_a
    d_z = p.d_z
    ms = minimiser_set(p)
    tol = RTOL * (1 + float(np.trace(Sq)))
    out = {"(1) Sigma_q has d_a nonzero eigenvalues": r == k}
    B = ms.canonical()["B"]
    if d_z >= k:
        out["(2) d_z >= d_a: L* = 0"] = ms.value <= tol and ll.eigen_tail(Sq, d_z) <= tol
        if np.trace(Sq) > 0 and np.trace(p.Sigma_o) > 0:
            q, o = ms.given_core("q"), ms.given_core("o")
            out["(2) d_z >= d_a: LLO (q-form) of the surrogate latent = 2 at every minimiser"] = q.hi <= 1e-7 and o.lo >= 1 - 1e-7
    if d_z == k:
        # no spare rows when d_z = rank: B is unique up to an invertible latent map, so one member decides
        target = Sq if repaired else p.X
        out["(3) d_z = d_a: span(B) = span(X) at every minimiser"] = ms.spare == 0 and span_equal(B[:, :ms.k], target)
    if d_z < k:
        out["(4) d_z < d_a: L* > 0"] = ms.value > tol
        if ms.gap > 1e-9 and not ms.tied:
            out["(4) d_z < d_a: span(B) = top-d_z eigenspace of Sigma_q"] = span_equal(B, _top_space(Sq, d_z))
    return out


def c1_violation(p: LinearProcess, repaired: bool = False) -> tuple[float, str]:
    facts = c1_sub_statements(p, repaired)
    failed = [k for k, v in facts.items() if not v]
    return (1.0 if failed else -1.0), f"failed: {failed}; rank Sigma_q = {action_rank(p)}, d_a = {p.d_a}, d_z = {p.d_z}"


def c1_paper_domain(seed: int, d_o: int = 128, d_a: int = 8, d_zs=tuple(range(1, 17))) -> dict:
    """The paper's setting (X orthonormal by QR, E[aa^T] = I, learned A, d_o = 128, d_a = 8): L*, the surrogate's
    LLO (unique: the tied eigenspace is taken whole or any d_z-subspace of it gives the same value by
    isotropy) and the true z's LLO range over the minimiser set, by d_z."""
    X = orthonormal(np.random.default_rng(seed), d_o, d_a)
    rows = []
    for d_z in d_zs:
        ms = minimiser_set(LinearProcess(X=X, lam=LAMConfig(d_z=d_z)))
        s, z = ms.core_llo_range(), ms.llo_range()
        rows.append({"d_z": d_z, "L_star": ms.value, "llo_surrogate_min": s.lo, "llo_surrogate_max": s.hi,
                     "llo_z_min": z.lo, "llo_z_max": z.hi, "llo_z_min_attained": z.lo_attained, "tied": ms.tied})
    return {"d_o": d_o, "d_a": d_a, "rows": rows}


# --- ZP-C2 ---------------------------------------------------------------------------------------------

def c2_violation(p: LinearProcess, rng: np.random.Generator | None = None, members: int = 3) -> tuple[float, str]:
    """Isotropic noise: (a) Sigma_q and Sigma_q + sigma^2 I commute; (b) every noisy minimiser (members with
    random tie choice, mixing and spare rows) is a noise-free minimiser: its noise-free loss is tail(Sigma_q)
    (numerics.linear_lam, not the minimiser set's value); (c) L*(sigma) = L*(0) + sigma^2 (d_o - d_z) > L*(0)."""
    rng = rng or np.random.default_rng(0)
    clean = p.clean()
    s2 = float(np.trace(p.Sigma_eps)) / p.d_o
    Sq, Sr = p.cov("q", "q"), p.Sigma_delta
    sc = 1 + float(np.linalg.norm(Sr, 2))
    tol = 1e-10 * sc * p.d_o
    comm = float(np.max(np.abs(Sq @ Sr - Sr @ Sq)))
    tail0 = ll.eigen_tail(Sq, p.d_z)
    ms = minimiser_set(p)
    worst = 0.0
    for _ in range(members):
        W = np.linalg.qr(rng.standard_normal((ms.n_tie, ms.j)))[0] if ms.tied else None
        m = ms.mix_basis(ms.core_map(W)).shape[1]
        prm = ms.member(W, rng.standard_normal((m, p.d_o)) if m else None,
                        rng.standard_normal((ms.spare, 2 * p.d_o)) if ms.spare else None)
        L0 = ll.lam_loss(prm["A"], prm["B"], prm["C"], prm["D"], clean.moments())
        scale = 1 + sum(float(np.sum(v**2)) for v in prm.values())
        worst = max(worst, abs(L0 - tail0) / scale)
    increase = abs(ms.value - tail0 - s2 * (p.d_o - p.d_z))
    strict = s2 * (p.d_o - p.d_z) > 0
    excess = max(comm - tol, worst - 1e-9, increase - tol) if strict else 1.0
    return excess, (f"commutator {comm:.2g}, noisy minimiser's noise-free loss excess {worst:.2g} (relative), "
                    f"loss increase error {increase:.2g}")


def c2_protocol_llo(p: LinearProcess, rng: np.random.Generator, members: int = 3) -> tuple[float, float, float, float]:
    """Fig. 3 middle's probes (fitted and evaluated on noise-free data, noise term 1) on the surrogate latent
    of members of the NOISY minimiser set: (min, max) over the members, and the noise-free minimiser set's
    surrogate LLO range (lo, hi). Equal sets mean the noise leaves the latent's LLO unchanged."""
    ms = minimiser_set(p)
    vals = []
    for _ in range(members):
        W = np.linalg.qr(rng.standard_normal((ms.n_tie, ms.j)))[0] if ms.tied else None
        prm = ms.member(W)
        vals.append(llo(prm, p, fit=p.clean(), action_from="surrogate", rest_from="surrogate", noise_term_one=True).value)
    ref = minimiser_set(p.clean()).core_llo_range(noise_term_one=True)
    return min(vals), max(vals), ref.lo, ref.hi


# --- ZP-C3 ---------------------------------------------------------------------------------------------

def c3_2_violation(p: LinearProcess) -> tuple[float, str]:
    """(2) as written, 'non-orthogonal Y and X affect B': with d_z = d_a and X of full column rank, Y^T X != 0
    must move span(B) off span(X). Violated where span(B) = span(X) at every minimiser nonetheless."""
    if p.d_z != p.d_a or action_rank(p) < p.d_a or not np.any(np.abs(p.F_e.T @ p.X) > 0):
        return -1.0, "outside sub-statement (2)'s premise"
    ms = minimiser_set(p)
    same = ms.spare == 0 and not ms.tied and span_equal(ms.canonical()["B"], p.X)
    return (1.0 if same else -1.0), "Y^T X != 0, yet span(B) = span(X) at every minimiser"


def c3_2_repair_violation(p: LinearProcess) -> tuple[float, str]:
    """Repair of (2): for d_z = d_a, X full column rank, span(B) = span(X) at every minimiser iff span(X) is
    invariant under Sigma_eps and lambda_min(Sigma_r | span X) > lambda_max(Sigma_r | span X^perp)."""
    if p.d_z != p.d_a or action_rank(p) < p.d_a or p.d_a >= p.d_o:
        return -1.0, "outside"
    Sr, Se = p.Sigma_delta, p.Sigma_eps
    Qx = ll.orthonormal_basis(p.X)
    Qp = np.linalg.svd(np.eye(p.d_o) - Qx @ Qx.T)[0][:, : p.d_o - p.d_a]
    invariant = float(np.max(np.abs(Qp.T @ Se @ Qx))) <= 1e-9
    inside = float(np.linalg.eigvalsh(Qx.T @ Sr @ Qx)[0])
    outside = float(np.linalg.eigvalsh(Qp.T @ Sr @ Qp)[-1])
    if invariant and abs(inside - outside) <= 1e-9:
        return -1.0, "tie: span(X) is one of several optimal subspaces"
    predicted = invariant and inside > outside + 1e-9
    ms = minimiser_set(p)
    actual = ms.spare == 0 and not ms.tied and span_equal(ms.canonical()["B"], p.X)
    return (1.0 if predicted != actual else -1.0), f"predicted {predicted}, actual {actual}"


def c3_spectral_facts(p: LinearProcess) -> dict[str, bool]:
    """Repaired (3) and (4) for span(Y) perpendicular to span(X) (any X, Y; r = rank Sigma_q):
    (3') Sigma_eps != 0 and lambda_min^+(Sigma_q) > lambda_max(Sigma_eps) => the surrogate's LLO (q-form) is 2
    at every minimiser iff d_z = r; (4') lambda_max(Sigma_eps) > lambda_max(Sigma_q) => NMSE(noise | surrogate)
    < 1 at every minimiser (for this process's d_z; the strategy draws every d_z)."""
    Sq, Se = p.cov("q", "q"), p.Sigma_eps
    wq = np.linalg.eigvalsh(Sq)
    r = action_rank(p)
    wq_pos = wq[wq > RTOL * max(1.0, float(wq.max(initial=0.0)))]
    we_max = float(np.linalg.eigvalsh(Se)[-1]) if Se.size else 0.0
    facts: dict[str, bool] = {}
    ms = minimiser_set(p)
    if np.any(Se) and wq_pos.size and wq_pos.min() > we_max * (1 + 1e-9) and np.trace(p.Sigma_o) > 0:
        q, o = ms.given_core("q"), ms.given_core("o")
        n = ms.given_core("noise")
        two = q.hi <= 1e-7 and o.lo >= 1 - 1e-7 and (n is None or n.lo >= 1 - 1e-7)
        facts["(3') LLO = 2 at every minimiser iff d_z = r"] = two == (p.d_z == r)
    if wq_pos.size and we_max > float(wq_pos.max()) * (1 + 1e-9):
        n = ms.given_core("noise")
        facts["(4') NMSE(noise | surrogate) < 1 at every minimiser"] = n is not None and n.hi < 1 - 1e-9
    return facts


@st.composite
def orthogonal_structured_processes(draw, max_d_o: int = 5):
    """Proposals for the C3 repair's (3')/(4') domain: X (integer, any rank) on the first d_s coordinates,
    the noise factor Y on the others (span Y perpendicular to span X; up to a rotation every such pair; the
    statements are rotation invariant), either noise target, any Sigma_o, Sigma_a, d_z < d_o, loss (4)."""
    d_o = draw(st.integers(2, max_d_o))
    d_s = draw(st.integers(1, d_o - 1))
    d_a = draw(st.integers(1, d_o))
    X = np.vstack([draw(int_matrices(d_s, d_a)), np.zeros((d_o - d_s, d_a))])
    d_e = draw(st.integers(1, d_o - d_s))
    F_e = np.vstack([np.zeros((d_s, d_e)), draw(int_matrices(d_o - d_s, d_e))])
    F_o = draw(int_matrices(d_o, d_o)) if draw(st.booleans()) else None
    F_a = draw(int_matrices(d_a, d_a)) if draw(st.booleans()) else None
    return LinearProcess(X=X, lam=LAMConfig(d_z=draw(st.integers(1, d_o - 1))), F_o=F_o, F_a=F_a, F_e=F_e,
                         noise_target=draw(st.sampled_from(("eps", "b"))))


def c3_paper_setting(seed: int, d_o: int = 128, d_a: int = 8, d_b: int = 8, d_zs=tuple(range(1, 25)),
                     sigmas=(0.5, 2.0)) -> dict:
    """Sub-statements (3), (4) in the paper's parametrisation at its size: X, Y_0 independent QR draws (so
    they overlap slightly, as in the authors' code), a ~ N(0, I) (sigma_q = 1), eps = sigma_exo Y_0 b, noise
    probe on b, learned A. Per d_z: the surrogate's LLO range and NMSE(b | surrogate) range at every minimiser."""
    rng = np.random.default_rng(seed)
    X, Y0 = orthonormal(rng, d_o, d_a), orthonormal(rng, d_o, d_b)
    out = {}
    for s in sigmas:
        rows = []
        for d_z in d_zs:
            ms = minimiser_set(LinearProcess(X=X, lam=LAMConfig(d_z=d_z), F_e=s * Y0, noise_target="b"))
            L, n = ms.core_llo_range(), ms.given_core("noise")
            rows.append({"d_z": d_z, "llo_min": L.lo, "llo_max": L.hi, "nmse_b_min": n.lo, "nmse_b_max": n.hi,
                         "exact": L.exact and n.exact})
        out[s] = rows
    return {"d_o": d_o, "d_a": d_a, "d_b": d_b, "max_cos_X_Y0": float(np.max(np.abs(X.T @ Y0))), "by_sigma": out}
