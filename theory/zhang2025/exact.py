"""Exact zero tests and substitution for the symbolic Zhang derivations (library; no checks).

`sympy.simplify` tries trigonometric, power and combinatorial rewrites before it gives up; for the
polynomial and rational identities of this paper a canonical form decides equality directly:

* `is_zero_rational`: p/q in lowest terms with expanded p and q (`sympy.cancel`, which first combines nested
  fractions through `as_numer_denom`) is 0 iff the rational function is identically 0 -- a complete decision
  procedure over Q(symbols).
* `exact_substitute`: `theory.linear_lam.substitute` through ``xreplace`` (every replaced item is a Symbol,
  so structural replacement is substitution), without `subs`' per-node rewriting.
"""

from __future__ import annotations

from itertools import product

import sympy as sp

from theory import linear_lam as ll


def is_zero_rational(expr) -> bool:
    """True iff ``expr`` (a rational function of its symbols, or a matrix of them) is identically 0."""
    items = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
    return all(sp.cancel(e) == 0 for e in items)


def exact_substitute(s: ll.LinearLAMSymbols, expr, A, B, C, D, So, Sr, K):
    """Explicit matrices for every symbol of ``s`` in ``expr`` (the values of `theory.linear_lam.substitute`)."""
    table = {}
    for sym_mat, val in ((s.A, A), (s.B, B), (s.C, C), (s.D, D), (s.Sigma_o, So), (s.Sigma_r, Sr), (s.K, K)):
        for idx in product(range(sym_mat.rows), range(sym_mat.cols)):
            table[sym_mat[idx]] = sp.sympify(val[idx])
    return expr.xreplace(table)


def on(symbols: sp.Matrix, values: sp.Matrix) -> dict:
    """{symbol: value} entrywise, for ``xreplace`` (values free of the symbols: simultaneous substitution)."""
    return dict(zip(list(symbols), list(values)))
