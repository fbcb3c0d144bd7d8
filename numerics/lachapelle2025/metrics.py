"""Metrics of a learned labelling against the true actions (Lachapelle 2025, this project's continuous test bed; numpy only).

Each is tested first on an oracle (code = action), an anti-oracle (a constant code) and degenerate cases (codes
duplicated per action, a random code) before it is allowed to judge a claim (tests/test_lachapelle2025_metrics.py),
as disentanglement_lib does. Notation: a (n,) true actions in 0..m-1, c (n,) codes in 0..k-1, q (n, k) IDM
probabilities. P(c|a) is the empirical conditional.

    mean / max entropy            E[H(q)], max H(q)
    purity(a)                     max_c P(c | a)                       (1: every transition of a gets one code)
    modal codes                   |{argmax_c P(c | a) : a}|            (m: distinct actions have distinct modes)
    switches along a line         sum_a #{i : c(s_i, a) != c(s_{i+1}, a)}
    lookup accuracy               decoder code -> action fitted on ONE labelled transition per action (the first
                                  of each in ``labelled``), unseen codes -> the most frequent labelled action
    Hungarian accuracy            max over injective maps action -> code of the matched fraction / n
    NMI                           I(A; C) / sqrt(H(A) H(C))            (0 when H(C) = 0 or H(A) = 0)
    H(A | code)                   sum_c P(c) H(A | C = c)              (frequency-weighted; 0: code determines action)
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def _entropy(p: np.ndarray, axis: int = -1) -> np.ndarray:
    return -(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)).sum(axis)


def idm_entropy(q: np.ndarray) -> tuple[float, float]:
    """(mean, max) of H(q(.|s,s')) over rows."""
    h = _entropy(np.asarray(q, float))
    return float(h.mean()), float(h.max())


def confusion(a: np.ndarray, c: np.ndarray, m: int, k: int) -> np.ndarray:
    """Counts N[a, c]."""
    N = np.zeros((m, k))
    np.add.at(N, (np.asarray(a), np.asarray(c)), 1)
    return N


def purity(a: np.ndarray, c: np.ndarray, m: int, k: int) -> np.ndarray:
    """max_c P(c | a) per action (nan for an action absent from ``a``)."""
    N = confusion(a, c, m, k)
    tot = N.sum(1)
    return np.where(tot > 0, N.max(1) / np.where(tot > 0, tot, 1), np.nan)


def modal_codes(a: np.ndarray, c: np.ndarray, m: int, k: int) -> int:
    N = confusion(a, c, m, k)
    present = N.sum(1) > 0
    return int(len(set(N[present].argmax(1).tolist())))


def switches(codes_along_line: np.ndarray) -> int:
    """codes_along_line (L, m): the code of action a at consecutive states of a line; number of changes."""
    c = np.asarray(codes_along_line)
    return int((c[1:] != c[:-1]).sum())


def lookup_accuracy(a_lab: np.ndarray, c_lab: np.ndarray, a_test: np.ndarray, c_test: np.ndarray, m: int,
                    per_action: int = 1) -> float:
    """Fit the code -> action table on the first ``per_action`` labelled transitions of each action, then score."""
    table: dict[int, int] = {}
    taken = np.zeros(m, dtype=int)
    for ai, ci in zip(np.asarray(a_lab), np.asarray(c_lab)):
        if taken[ai] < per_action:
            taken[ai] += 1
            table.setdefault(int(ci), int(ai))
    if not table:
        return 0.0
    default = int(np.bincount(list(table.values()), minlength=m).argmax())
    pred = np.array([table.get(int(ci), default) for ci in np.asarray(c_test)])
    return float((pred == np.asarray(a_test)).mean())


def table_decoder_accuracy(a_lab: np.ndarray, c_lab: np.ndarray, a_test: np.ndarray, c_test: np.ndarray,
                           m: int) -> float:
    """ERM over the finite class {codes -> actions}: majority label per labelled code, unseen codes -> the most
    frequent labelled action (LA-S2's lookup decoder from n labels)."""
    a_lab, c_lab = np.asarray(a_lab), np.asarray(c_lab)
    if len(a_lab) == 0:
        return 0.0
    table = {}
    for ci in np.unique(c_lab):
        table[int(ci)] = int(np.bincount(a_lab[c_lab == ci], minlength=m).argmax())
    default = int(np.bincount(a_lab, minlength=m).argmax())
    pred = np.array([table.get(int(ci), default) for ci in np.asarray(c_test)])
    return float((pred == np.asarray(a_test)).mean())


def hungarian_accuracy(a: np.ndarray, c: np.ndarray, m: int, k: int) -> float:
    N = confusion(a, c, m, k)
    r, col = linear_sum_assignment(-N)
    return float(N[r, col].sum() / max(1, len(np.asarray(a))))


def nmi(a: np.ndarray, c: np.ndarray, m: int, k: int) -> float:
    N = confusion(a, c, m, k)
    P = N / N.sum()
    pa, pc = P.sum(1), P.sum(0)
    ha, hc = float(_entropy(pa)), float(_entropy(pc))
    if ha <= 0 or hc <= 0:
        return 0.0
    mi = ha + hc - float(_entropy(P.ravel()))
    return float(mi / np.sqrt(ha * hc))


def conditional_action_entropy(a: np.ndarray, c: np.ndarray, m: int, k: int) -> float:
    """H(A | C) = sum_c P(c) H(A | C = c) (nats)."""
    N = confusion(a, c, m, k)
    pc = N.sum(0) / N.sum()
    cond = np.where(N.sum(0) > 0, N / np.where(N.sum(0) > 0, N.sum(0), 1), 0)
    return float((pc * _entropy(cond, axis=0)).sum())


def summary(a: np.ndarray, c: np.ndarray, m: int, k: int, q: np.ndarray | None = None) -> dict:
    """The metric set of the continuous test bed for one labelling (lookup accuracy: first half labels, second half tests)."""
    a, c = np.asarray(a), np.asarray(c)
    half = len(a) // 2
    pur = purity(a, c, m, k)
    out = {"purity_min": float(np.nanmin(pur)), "purity_mean": float(np.nanmean(pur)),
           "modal_codes": modal_codes(a, c, m, k),
           "lookup_accuracy": lookup_accuracy(a[:half], c[:half], a[half:], c[half:], m),
           "hungarian_accuracy": hungarian_accuracy(a, c, m, k), "nmi": nmi(a, c, m, k),
           "H_A_given_code": conditional_action_entropy(a, c, m, k)}
    if q is not None:
        out["entropy_mean"], out["entropy_max"] = idm_entropy(q)
    return out
