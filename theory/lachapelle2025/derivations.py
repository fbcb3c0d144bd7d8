"""Sympy derivations for Lachapelle 2025 — THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``).

The paper's formal body was not available; the lemmas below are this project's. Each ``derive_*`` returns named
facts (name -> bool) computed by sympy; the check module `theory.lachapelle2025.symbolic` judges them. Every general
identity is also evaluated on an explicit rational instance, and tests cross-check them against the numerics
(finite differences, the finite enumeration, cvxpy).
"""

from __future__ import annotations

import itertools

import sympy as sp


def _zero(e) -> bool:
    """Exact zero test of an expression or matrix: ``cancel`` (lowest terms as a rational function of its atoms:
    symbols, exp(.), log(.) taken as independent generators; 0 proves the identity) first, ``simplify`` only if
    cancel leaves something (so never weaker than simplify alone, and much faster on these rational identities)."""
    if isinstance(e, sp.MatrixBase):
        return all(_zero(x) for x in e)
    return sp.cancel(e) == 0 or sp.simplify(e) == 0


def _H(q) -> sp.Expr:
    return -sum(qi * sp.log(qi) for qi in q)


# --- LA-D1 --------------------------------------------------------------------------------------------------------
def derive_d1() -> dict[str, bool]:
    """One state, three transitions with weights w_i > 0 and next states y_i in R^2, codes c = (1, 1, 2):
    L(g_1, g_2) = sum_i w_i ||y_i - g_{c(i)}||^2 is minimised at the weighted means and its minimum is the
    within-code variance sum_c [sum w ||y||^2 - ||sum w y||^2 / sum w]."""
    w = sp.symbols("w1:4", positive=True)
    y = [sp.Matrix(sp.symbols(f"y{i}_1:3", real=True)) for i in range(1, 4)]
    g1, g2 = sp.Matrix(sp.symbols("g1_1:3", real=True)), sp.Matrix(sp.symbols("g2_1:3", real=True))
    code = [g1, g1, g2]
    L = sum(w[i] * ((y[i] - code[i]).T * (y[i] - code[i]))[0] for i in range(3))
    vars_ = list(g1) + list(g2)
    sol = sp.solve([sp.diff(L, v) for v in vars_], vars_, dict=True)[0]
    mean1 = (w[0] * y[0] + w[1] * y[1]) / (w[0] + w[1])
    facts = {}
    facts["dL/dg = 0 at g_c = weighted mean of the next states labelled c"] = all(
        _zero(sol[g1[j]] - mean1[j]) and _zero(sol[g2[j]] - y[2][j]) for j in range(2))
    H = sp.hessian(L, vars_)
    facts["Hessian = 2 diag(w1 + w2, w1 + w2, w3, w3) > 0 (unique optimal FDM where a code is used)"] = (
        _zero(H - 2 * sp.diag(w[0] + w[1], w[0] + w[1], w[2], w[2])))
    Lmin = sp.cancel(L.subs(sol))
    sq = lambda v: (v.T * v)[0]  # noqa: E731
    var = (w[0] * sq(y[0]) + w[1] * sq(y[1]) - sq(w[0] * y[0] + w[1] * y[1]) / (w[0] + w[1]))
    facts["min_g L = within-code variance sum w||y||^2 - ||sum w y||^2/sum w"] = _zero(Lmin - var)
    inst = {w[0]: sp.Rational(1, 2), w[1]: sp.Rational(1, 4), w[2]: sp.Rational(1, 4),
            y[0][0]: 0, y[0][1]: 0, y[1][0]: 1, y[1][1]: 0, y[2][0]: 5, y[2][1]: 5}
    facts["explicit: w = (1/2, 1/4, 1/4), y = (0,0), (1,0), (5,5) -> min L = 1/6"] = Lmin.subs(inst) == sp.Rational(1, 6)
    return facts


# --- LA-D2 --------------------------------------------------------------------------------------------------------
def derive_d2() -> dict[str, bool]:
    """q = softmax(z), k = 3: f(z) = <q, l> + lam H(q). The exact gradient is df/dz_j = q_j (u_j - <q, u>) with
    u_i = l_i - lam log q_i (finite for finite z, since log q_i = z_i - logsumexp z), and f -> l_1 as z_1 -> inf
    (the one-hot limit reduces L_lam to L_rec)."""
    z = sp.symbols("z1:4", real=True)
    l = sp.symbols("l1:4", real=True)
    lam = sp.Symbol("lambda", positive=True)
    Z = sum(sp.exp(zi) for zi in z)
    q = [sp.exp(zi) / Z for zi in z]
    logq = [zi - sp.log(Z) for zi in z]
    f = sum(qi * li for qi, li in zip(q, l)) - lam * sum(qi * lq for qi, lq in zip(q, logq))
    u = [li - lam * lq for li, lq in zip(l, logq)]
    ubar = sum(qi * ui for qi, ui in zip(q, u))
    facts = {}
    df = [sp.diff(f, zj) for zj in z]
    facts["df/dz_j = q_j (u_j - <q,u>), u = l - lam log q (entrywise, k = 3)"] = all(
        _zero(df[j] - q[j] * (u[j] - ubar)) for j in range(3))
    t = sp.Symbol("t", positive=True)
    lim = sp.limit(f.subs({z[0]: t, z[1]: 0, z[2]: 0}), t, sp.oo)
    facts["lim_{z_1 -> inf} f = l_1 (one-hot limit: L_lam -> L_rec)"] = sp.simplify(lim - l[0]) == 0
    at0 = f.subs({z[0]: 0, z[1]: 0, z[2]: 0})
    facts["at z = 0 (uniform q): f = mean(l) + lam log 3"] = sp.simplify(at0 - (sum(l) / 3 + lam * sp.log(3))) == 0
    inst = {z[0]: 1, z[1]: -1, z[2]: 2, l[0]: 3, l[1]: 1, l[2]: 2, lam: sp.Rational(1, 2)}
    g = [dfj.subs(inst) for dfj in df]
    facts["explicit gradient at z = (1,-1,2), l = (3,1,2), lam = 1/2 is finite and sums to 0"] = (
        all(sp.N(gj).is_finite for gj in g) and abs(sp.N(sum(g))) < 1e-12)
    return facts


# --- LA-L1 --------------------------------------------------------------------------------------------------------
def derive_l1() -> dict[str, bool]:
    q = sp.Symbol("q", positive=True)
    l1, l2 = sp.symbols("l1 l2", real=True)
    lam = sp.Symbol("lambda", positive=True)
    f = q * l1 + (1 - q) * l2 + lam * (-q * sp.log(q) - (1 - q) * sp.log(1 - q))
    facts = {}
    facts["k = 2: f''(q) = -lam / (q (1 - q)) < 0 on (0,1)"] = _zero(sp.diff(f, q, 2) + lam / (q * (1 - q)))
    facts["k = 2: f(0+) = l2, f(1-) = l1 (the vertices)"] = (sp.limit(f, q, 0, "+") == l2 and sp.limit(f, q, 1, "-") == l1)
    # general k = 3: Hessian of H on the tangent space of the simplex
    qs = sp.symbols("q1:4", positive=True)
    Hs = sp.hessian(_H(qs), qs)
    facts["Hessian of H = -diag(1/q)"] = _zero(Hs + sp.diag(*[1 / qi for qi in qs]))
    T = sp.Matrix([[1, 1], [-1, 0], [0, -1]])  # tangent basis: sum u = 0
    R = (T.T * Hs * T).applyfunc(sp.cancel)
    facts["tangent Hessian: trace < 0 and det = (q1 + q2 + q3)/(q1 q2 q3) > 0 (negative definite)"] = (
        _zero(R.trace() + 2 / qs[0] + 1 / qs[1] + 1 / qs[2])
        and _zero(R.det() - (qs[0] + qs[1] + qs[2]) / (qs[0] * qs[1] * qs[2])))
    # ties: l = (c, c, d), d > c: the mixture of the two argmin vertices costs lam H > 0
    c, d = sp.Symbol("c", real=True), sp.Symbol("d", real=True)
    t = sp.Symbol("t", positive=True)
    mix = t * c + (1 - t) * c + lam * (-t * sp.log(t) - (1 - t) * sp.log(1 - t))
    facts["ties: value on the segment between tied argmin vertices = c + lam H(t), > c at t = 1/2"] = (
        sp.simplify(mix.subs(t, sp.Rational(1, 2)) - (c + lam * sp.log(2))) == 0)
    inst = {l1: 2, l2: 5, lam: sp.Rational(1, 3)}
    vals = [f.subs(inst).subs(q, sp.Rational(i, 10)) for i in range(1, 10)]
    facts["explicit l = (2, 5), lam = 1/3: f(q) > min l = 2 at q = 0.1..0.9"] = all(sp.N(v) > 2 for v in vals)
    return facts


# --- LA-L3 --------------------------------------------------------------------------------------------------------
def derive_l3() -> dict[str, bool]:
    """The quantitative form: H(q) >= -log max q (each term q_i log(max/q_i) >= 0, since -t log t >= 0 on [0,1]),
    so a continuous softmax path whose arg max changes crosses a point with top-two tie, max q <= 1/2, H >= log 2."""
    t = sp.Symbol("t", positive=True)
    g = -t * sp.log(t)
    facts = {}
    facts["-t log t: -> 0 at t -> 0+, = 0 at t = 1, second derivative -1/t < 0 (concave, so >= 0 on [0,1])"] = (
        sp.limit(g, t, 0, "+") == 0 and g.subs(t, 1) == 0 and sp.simplify(sp.diff(g, t, 2) + 1 / t) == 0)
    q1, r2, r3 = sp.symbols("q1 r2 r3", positive=True)  # q_i = q1 r_i, r_i in (0, 1]
    H = _H([q1, q1 * r2, q1 * r3])
    facts["H(q) + log max q = q1 sum_i (-r_i log r_i) when the constraint sum q = 1 holds"] = sp.simplify(
        sp.expand_log(H + sp.log(q1) * (q1 + q1 * r2 + q1 * r3) - q1 * (-r2 * sp.log(r2) - r3 * sp.log(r3)),
                      force=True)) == 0
    p = sp.Symbol("p", positive=True)
    top2 = _H([p, p, 1 - 2 * p])
    facts["top-two tie (p, p, 1-2p), 1/3 <= p <= 1/2: H >= log 2 (H(1/2) = log 2, H(1/3) = log 3, dH/dp <= 0)"] = (
        sp.simplify(sp.limit(top2, p, sp.Rational(1, 2), "-") - sp.log(2)) == 0
        and sp.simplify(top2.subs(p, sp.Rational(1, 3)) - sp.log(3)) == 0
        and all(sp.N(sp.diff(top2, p).subs(p, sp.Rational(i, 60))) <= 0 for i in range(20, 30)))
    beta, s = sp.Symbol("beta", positive=True), sp.Symbol("s", real=True)
    phi1 = sp.exp(beta * s) / (sp.exp(beta * s) + sp.exp(-beta * s))
    facts["path softmax(beta s, -beta s): arg max switches at s = 0 where phi = (1/2, 1/2) and H = log 2"] = (
        sp.simplify(phi1.subs(s, 0) - sp.Rational(1, 2)) == 0 and sp.simplify(sp.diff(phi1, s)) .subs(s, 0) == beta / 2)
    return facts


# --- LA-X1 --------------------------------------------------------------------------------------------------------
def derive_x1() -> dict[str, bool]:
    tau = sp.Symbol("tau", positive=True)
    l = sp.symbols("l1:4", real=True)
    q = sp.symbols("q1:4", positive=True)
    f = sum(qi * li for qi, li in zip(q, l)) - tau * _H(q)
    Z = sum(sp.exp(-li / tau) for li in l)
    gibbs = [sp.exp(-li / tau) / Z for li in l]
    log_gibbs = [-li / tau - sp.log(Z) for li in l]
    nu_star = tau * sp.log(Z) - tau
    # d/dq_i [f + nu (sum q - 1)] = l_i + tau (log q_i + 1) + nu, evaluated at q = softmax(-l/tau), nu = nu*
    grad = [li + tau * (lg + 1) + nu_star for li, lg in zip(l, log_gibbs)]
    facts = {}
    facts["softmax(-l/tau) with nu* = tau log Z - tau is a stationary point of the Lagrangian, and sums to 1"] = (
        all(_zero(gi) for gi in grad) and _zero(sum(gibbs) - 1))
    facts["Hessian tau diag(1/q) > 0: strictly convex, the stationary point is the unique minimiser"] = (
        _zero(sp.hessian(f, q) - tau * sp.diag(*[1 / qi for qi in q])))
    val = sum(gi * li for gi, li in zip(gibbs, l)) + tau * sum(gi * lg for gi, lg in zip(gibbs, log_gibbs))
    facts["optimal value = -tau log sum exp(-l/tau) (the dual function at nu*: zero gap)"] = _zero(
        val + tau * sp.log(Z))
    facts["every Gibbs weight exp(-l_i/tau)/Z > 0: never one-hot for finite l"] = all(gi.is_positive for gi in
                                                                                   [g.subs({l[0]: 1, l[1]: 2, l[2]: 3, tau: 1}) for g in gibbs])
    return facts


# --- LA-S1 --------------------------------------------------------------------------------------------------------
def derive_s1() -> dict[str, bool]:
    """Push-forward of pi(.|s) through a state-independent labelling v: pi_hat(x) = sum_a pi_a [v(a) = x]."""
    pi = sp.symbols("pi0:3", positive=True)
    v = {0: 2, 1: 0, 2: 3}  # injective into k = 4 codes
    pihat = [sum(pi[a] for a in v if v[a] == x) for x in range(4)]
    facts = {}
    facts["v injective: pi_hat(v(a)) = pi(a) for every a"] = all(sp.simplify(pihat[v[a]] - pi[a]) == 0 for a in v)
    facts["v injective: pi_hat(x) = 0 for x outside v(A) (x = 1)"] = pihat[1] == 0
    facts["pi_hat sums to 1 when pi does"] = sp.simplify(sum(pihat).subs(pi[2], 1 - pi[0] - pi[1]) - 1) == 0
    w = {0: 0, 1: 0, 2: 1}  # not injective (D3 fails)
    bad = [sum(pi[a] for a in w if w[a] == x) for x in range(4)]
    facts["v not injective (v(0) = v(1)): pi_hat(v(0)) = pi0 + pi1 != pi0 (the relabelled policy is wrong)"] = (
        sp.simplify(bad[0] - pi[0] - pi[1]) == 0 and sp.simplify(bad[0] - pi[0]) != 0)
    return facts


# --- LA-S2 --------------------------------------------------------------------------------------------------------
def coupon_failure_exact(p: list[sp.Rational], n: int) -> sp.Rational:
    """P(some action unseen in n i.i.d. draws) = sum_{J != empty} (-1)^{|J|+1} (1 - p_J)^n (inclusion-exclusion)."""
    m = len(p)
    total = sp.Integer(0)
    for r in range(1, m + 1):
        for J in itertools.combinations(range(m), r):
            total += (-1) ** (r + 1) * (1 - sum(p[j] for j in J)) ** n
    return total


def coupon_failure_brute(p: list[sp.Rational], n: int) -> sp.Rational:
    """The same probability by enumerating all m^n label sequences (independent route)."""
    m = len(p)
    total = sp.Integer(0)
    for seq in itertools.product(range(m), repeat=n):
        if len(set(seq)) < m:
            prob = sp.Integer(1)
            for a in seq:
                prob *= p[a]
            total += prob
    return total


def derive_s2() -> dict[str, bool]:
    p = [sp.Rational(1, 2), sp.Rational(1, 3), sp.Rational(1, 6)]
    facts = {}
    facts["inclusion-exclusion = enumeration of all 3^n label sequences, n = 1..7"] = all(
        coupon_failure_exact(p, n) == coupon_failure_brute(p, n) for n in range(1, 8))
    ok_union, ok_min = True, True
    for n in range(1, 40):
        exact = coupon_failure_exact(p, n)
        union = sum((1 - pa) ** n for pa in p)
        ok_union &= exact <= union
        ok_min &= union <= len(p) * (1 - min(p)) ** n
    facts["P(fail) <= sum_a (1 - p_a)^n <= m (1 - p_min)^n for n = 1..39 (exact rationals)"] = bool(ok_union and ok_min)
    eps, delta = sp.Rational(1, 10), sp.Rational(1, 20)
    k, m = 6, 4
    n = sp.ceiling((k * sp.log(m) + sp.log(1 / delta)) / eps)
    facts["ERM: n = ceil((k log m + log 1/delta)/eps) gives |H| (1 - eps)^n <= |H| e^{-eps n} <= delta (k = 6, m = 4)"] = bool(
        sp.N(m**k * (1 - eps) ** n) <= sp.N(m**k * sp.exp(-eps * n)) <= delta)
    return facts


# --- LA-U1 --------------------------------------------------------------------------------------------------------
def derive_u1() -> dict[str, bool]:
    """A = {L, R}, codes {1, 2, 3}, g_hat(s,1) = g_hat(s,3) = g(s,L), g_hat(s,2) = g(s,R); q_L = (1/2, 0, 1/2),
    q_R = e_2. Per transition: loss sum_c q(c) ||s' - g_hat(s,c)||^2 and entropy."""
    gL, gR = sp.Matrix(sp.symbols("gL1:3", real=True)), sp.Matrix(sp.symbols("gR1:3", real=True))
    lam, pL = sp.Symbol("lambda", nonnegative=True), sp.Symbol("P_L", positive=True)
    ghat = {1: gL, 2: gR, 3: gL}
    qL = {1: sp.Rational(1, 2), 2: 0, 3: sp.Rational(1, 2)}
    qR = {1: 0, 2: 1, 3: 0}
    sq = lambda v: (v.T * v)[0]  # noqa: E731
    lossL = sum(qL[c] * sq(gL - ghat[c]) for c in ghat)
    lossR = sum(qR[c] * sq(gR - ghat[c]) for c in ghat)
    HL = _H([x for x in qL.values() if x != 0])
    HR = sp.Integer(0)
    value = pL * (lossL + lam * HL) + (1 - pL) * (lossR + lam * HR)
    facts = {}
    facts["loss on L- and R-transitions = 0"] = sp.simplify(lossL) == 0 and sp.simplify(lossR) == 0
    facts["H(q_L) = log 2"] = sp.simplify(HL - sp.log(2)) == 0
    facts["L_lam = lam P(L) log 2: = 0 at lam = 0 (a minimiser of L_0), > 0 for lam > 0"] = (
        sp.simplify(value - lam * pL * sp.log(2)) == 0 and value.subs(lam, 0) == 0)
    return facts


# --- LA-U3 --------------------------------------------------------------------------------------------------------
def derive_u3() -> dict[str, bool]:
    """Delta s code of the continuous test bed: z(s, a) = step (cos(pi s_1 + pi a/2), sin(pi s_1 + pi a/2))."""
    s1, step = sp.Symbol("s1", real=True), sp.Symbol("step", positive=True)
    a = sp.Symbol("a", integer=True)
    z = lambda x, act: sp.Matrix([step * sp.cos(sp.pi * x + sp.pi * act / 2), step * sp.sin(sp.pi * x + sp.pi * act / 2)])  # noqa: E731
    facts = {}
    facts["z(s + (1/2, 0), a) = z(s, a + 1): action a+1's code at s is action a's code at a state 1/2 away"] = (
        sp.simplify(z(s1 + sp.Rational(1, 2), a) - z(s1, a + 1)) == sp.zeros(2, 1))
    facts["so z(s, a) = z(s', b) with a != b at s = (-1/4, .), s' = (1/4, .) inside [-1,1]^2: no state-free decoder "
          "separates a from b, and z is not a function of a alone (D2 fails)"] = (
        sp.simplify(z(sp.Rational(1, 4), 0) - z(-sp.Rational(1, 4), 1)) == sp.zeros(2, 1))
    s2 = sp.Symbol("s2", real=True)
    state = sp.Matrix([s1, s2])
    nxt = state + z(s1, a)  # s' = g(s, a)
    facts["zero loss: g_hat(s, z) = s + z reproduces s' = g(s, a) exactly"] = (
        sp.simplify(nxt - (state + (nxt - state))) == sp.zeros(2, 1))
    return facts
