"""Targeted mutation testing of lamcheck's core modules with cosmic-ray (docs/mutation.md).

    .venv/bin/python tools/mutation.py numerics/certificates.py [more modules ...]
    .venv/bin/python tools/mutation.py --report numerics/certificates.py   # survivors of the last run

For each module: copy the working tree into a scratch directory (cosmic-ray edits the module in place
there, never in the checkout), write a cosmic-ray config whose test command runs only that module's
fast test selection (`SELECTION`), `cosmic-ray init`, skip every operator outside `KEEP` (the
plausible one-line bugs), `cosmic-ray exec` under `nice -n 19` with one worker, and write the
outcome to ``<scratch>/<module>.json`` (killed, survived, incompetent, and each survivor's diff).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV = REPO / ".venv" / "bin"
SCRATCH = Path(os.environ.get("LAMCHECK_MUTATION_DIR", Path(tempfile.gettempdir()) / "lamcheck-mutation"))

#: module -> the fast test selection its mutants run against (each well under 10 s).
SELECTION = {
    "theory/checks.py": ["tests/test_core_checks.py", "tests/test_core_verdicts.py"],
    "theory/verdicts.py": ["tests/test_core_verdicts.py", "tests/test_verdicts.py"],
    "theory/assumptions.py": ["tests/test_core_assumptions.py"],
    "numerics/certificates.py": ["tests/test_core_certificates.py"],
    "numerics/linear_lam.py": ["tests/test_core_linear_lam.py", "tests/test_core_certificates.py"],
    "numerics/probes.py": ["tests/test_core_probes.py", "tests/test_core_processes.py"],
    "numerics/processes.py": ["tests/test_core_processes.py"],
    "numerics/search.py": ["tests/test_core_search.py", "tests/test_search.py"],
    "numerics/optima.py": ["tests/test_core_optima.py", "tests/test_optima.py"],
    # the papers' own evaluator tests first, then ours (tests/test_core_paper_assumptions.py)
    "numerics/zhang2025/assumptions.py": ["tests/test_core_paper_assumptions.py"],
    "numerics/lee2026/assumptions.py": [
        "tests/test_lee2026.py::test_every_lee_assumption_has_an_evaluator_and_names_are_lee_specific",
        "tests/test_lee2026.py::test_evaluators_accept_and_reject", "tests/test_core_paper_assumptions.py"],
    "numerics/lachapelle2025/assumptions.py": ["tests/test_lachapelle2025_finite.py", "tests/test_lachapelle2025_numeric.py",
                                               "tests/test_core_paper_assumptions.py"],
}

#: The operators kept: plausible one-line bugs. Off: the exotic binary operators (shifts, %, **,
#: bitwise: `|` and `&` appear only in annotations, strings under `from __future__ import
#: annotations`), comparisons swapped for identity or equality tests, decorator removal and
#: variable insertion/replacement.
KEEP = re.compile(
    r"core/(ReplaceBinaryOperator_(Add_Sub|Sub_Add|Mul_Div|Div_Mul|Mul_Add|Add_Mul|Pow_Mul|FloorDiv_Div|Div_FloorDiv)"
    r"|ReplaceComparisonOperator_(Lt_LtE|LtE_Lt|Gt_GtE|GtE_Gt|Lt_GtE|GtE_Lt|Gt_LtE|LtE_Gt|Lt_Gt|Gt_Lt|Eq_NotEq"
    r"|NotEq_Eq|Is_IsNot|IsNot_Is)"
    r"|ReplaceUnaryOperator_(USub_UAdd|Delete_Not|Delete_USub)|NumberReplacer|AddNot|ReplaceTrueWithFalse"
    r"|ReplaceFalseWithTrue|ReplaceOrWithAnd|ReplaceAndWithOr|ZeroIterationForLoop|ExceptionReplacer"
    r"|ReplaceBreakWithContinue|ReplaceContinueWithBreak)$")

PYTEST_ARGS = ["-x", "-q", "--noconftest", "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
#: Third-party modules the fork server imports once; project modules are never imported there, so
#: every forked test run imports the (mutated) project files afresh.
PRELOAD = ("numpy", "scipy.linalg", "scipy.optimize", "sympy", "cvxpy", "clarabel", "hypothesis", "pytest", "torch")


def serve(sock_path: str) -> None:
    """Fork server: preload PRELOAD, then for each request {"cwd", "tests", "timeout"} fork a child that
    runs pytest on the tests in cwd (killed by SIGALRM after the timeout) and answer its exit code.
    It saves the ~2 s of imports each mutant's test run would otherwise pay."""
    import importlib
    import signal
    import socket

    sys.dont_write_bytecode = True  # a mutant must never be shadowed by a stale .pyc
    for m in PRELOAD:
        importlib.import_module(m)
    from hypothesis import settings

    settings.register_profile("mutation", derandomize=True, database=None, deadline=None)
    settings.load_profile("mutation")
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(sock_path):
        os.unlink(sock_path)
    srv.bind(sock_path)
    srv.listen(1)
    while True:
        conn, _ = srv.accept()
        line = conn.makefile().readline()
        if not line.strip():  # a readiness probe
            conn.close()
            continue
        req = json.loads(line)
        pid = os.fork()
        if pid == 0:
            srv.close()
            signal.alarm(max(1, int(req["timeout"]) - 1))  # before the client's own timeout
            os.chdir(req["cwd"])
            sys.path.insert(0, req["cwd"])
            import pytest

            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            code = pytest.main(PYTEST_ARGS + req["tests"])
            os._exit(int(code))
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        try:
            conn.sendall(f"{code}\n".encode())
        except OSError:  # the client was killed by cosmic-ray's timeout
            pass
        conn.close()


CLIENT = ("import json, socket, sys; s = socket.socket(socket.AF_UNIX); s.connect({sock!r}); "
          "s.sendall((json.dumps({{'cwd': {cwd!r}, 'tests': {tests!r}, 'timeout': {timeout!r}}}) + chr(10)).encode()); "
          "sys.exit(0 if int(s.makefile().readline()) == 0 else 1)")


def copy_tree(dest: Path) -> None:
    """The working tree without .git, the venv and caches."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    skip = {".git", ".venv", "__pycache__", "lamcheck-report", ".hypothesis", "build"}
    with tempfile.TemporaryFile() as buf:
        with tarfile.open(fileobj=buf, mode="w") as tar:
            tar.add(REPO, arcname=".", filter=lambda ti: None if set(Path(ti.name).parts) & skip else ti)
        buf.seek(0)
        with tarfile.open(fileobj=buf, mode="r") as tar:
            tar.extractall(dest, filter="data")


def run_module(module: str, timeout: float, survivors_only: bool = False, sample: int = 1) -> dict:
    """Mutate ``module`` and run its selection on every mutant. ``survivors_only``: keep the last session
    (same module source) and re-test only its survivors against the current tests."""
    tag = module.replace("/", "_").removesuffix(".py")
    ws = SCRATCH / tag
    db = ws / "session.sqlite"
    source = (REPO / module).read_text()
    if survivors_only:
        orig = ws / "module.orig" if (ws / "module.orig").exists() else ws / module  # cosmic-ray restores it
        if not db.exists() or orig.read_text() != source:
            raise SystemExit(f"{module}: no session of the current source to re-test; run it in full")
        keep = Path(tempfile.mkdtemp()) / "session.sqlite"
        shutil.copy(db, keep)
        copy_tree(ws)
        shutil.copy(keep, db)
        con = sqlite3.connect(db)
        con.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'")
        con.commit()
        con.close()
    else:
        copy_tree(ws)
    (ws / "module.orig").write_text(source)
    sock = str(SCRATCH / f"{tag}.sock")
    if os.path.exists(sock):  # a stale socket of an earlier server
        os.unlink(sock)
    server = subprocess.Popen(["nice", "-n", "19", str(VENV / "python"), __file__, "--serve", sock])
    try:
        return _run(module, timeout, ws, tag, sock, fresh=not survivors_only, sample=sample)
    finally:
        server.terminate()


def _run(module: str, timeout: float, ws: Path, tag: str, sock: str, fresh: bool, sample: int = 1) -> dict:
    import time

    import socket

    while True:  # until the server answers connections
        try:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.connect(sock)
            break
        except OSError:
            time.sleep(0.5)
    client = CLIENT.format(sock=sock, cwd=str(ws), tests=SELECTION[module], timeout=timeout)
    command = f'{VENV / "python"} -c "{client}"'
    cfg = ws / "cosmic-ray.toml"
    cfg.write_text(
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(module)}\n"
        f"timeout = {timeout}\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(command)}\n"
        "[cosmic-ray.distributor]\nname = \"local\"\n")
    db = ws / "session.sqlite"
    cr = str(VENV / "cosmic-ray")
    base = subprocess.run(command, shell=True, cwd=ws, capture_output=True, text=True)
    if base.returncode != 0:  # a failing baseline would count every mutant as killed
        raise SystemExit(f"baseline of {module} fails:\n{base.stdout[-3000:]}{base.stderr[-3000:]}")
    if fresh:
        if db.exists():
            db.unlink()
        subprocess.run([cr, "init", str(cfg), str(db)], cwd=ws, check=True)
        skip_operators(db, sample)
    subprocess.run(["nice", "-n", "19", cr, "exec", str(cfg), str(db)], cwd=ws, check=True)
    after = subprocess.run(command, shell=True, cwd=ws, capture_output=True, text=True)
    if after.returncode != 0:  # the fork server died: later "kills" are not to be trusted
        raise SystemExit(f"baseline of {module} fails after the run: the fork server died?")
    return summarise(module, db, ws / f"{tag}.json")


def skip_operators(db: Path, sample: int = 1) -> None:
    """Mark every mutant whose operator is not in KEEP as skipped (cosmic-ray's operators filter, inverted);
    with ``sample`` > 1 keep only every sample-th of the rest, in source order (a deterministic subsample)."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT job_id, operator_name FROM mutation_specs "
                       "ORDER BY start_pos_row, start_pos_col, operator_name, occurrence").fetchall()
    kept = [j for j, op in rows if KEEP.match(op)]
    chosen = set(kept[::sample])
    drop = [(j,) for j, _ in rows if j not in chosen]
    con.executemany("INSERT OR REPLACE INTO work_results (worker_outcome, output, test_outcome, diff, job_id) "
                    "VALUES ('SKIPPED', 'operator outside KEEP', NULL, NULL, ?)", drop)
    con.commit()
    con.close()


#: Mutants no test can kill, read one by one (docs/mutation.md): (line, operator, text of the mutated line,
#: reason). Matched on the line, the operator and the mutated line's text.
EQUIVALENT: dict[str, list[tuple[int, str, str, str]]] = {
    "theory/checks.py": [
        (21, "ReplaceFalseWithTrue", "eq=True", "Scale defines __eq__ and __hash__; dataclass(eq=True) keeps explicit ones"),
        (247, "ExceptionReplacer", "CosmicRayTestingException", "numpy is a hard dependency: the import never fails"),
        (250, "ReplaceTrueWithFalse", "x is False or x is False", "dead test: a sympy-typed object is never the builtin True/False"),
        (250, "ReplaceFalseWithTrue", "x is True or x is True", "dead test: a sympy-typed object is never the builtin True/False"),
        (250, "ReplaceOrWithAnd", "x is True and x is False", "dead test: a sympy-typed object is never the builtin True/False"),
        (322, "NumberReplacer", 'split(":", 2)[0]', "the first field of str.split is the same for any maxsplit >= 1"),
    ],
    "numerics/certificates.py": [
        (71, "NumberReplacer", "shape[ -1]", "Sigma is square (it is symmetrised as Sigma + Sigma^T first)"),
        (71, "NumberReplacer", "shape[ 1]", "Sigma is square (it is symmetrised as Sigma + Sigma^T first)"),
        (76, "ReplaceTrueWithFalse", "symmetric=False", "cvxpy's >> constrains the symmetric part and Sigma is symmetric: "
         "the program and every numpy residual see only sym(P)"),
        (80, "ReplaceTrueWithFalse", "symmetric=False", "as for P: only sym(Z) enters tr Z and the two cone constraints"),
        (82, "ReplaceBinaryOperator_Mul_Div", "nu / eye", "cvxpy canonicalises division by a constant through its "
         "structural non-zeros: nu / I is nu I to the solver (same solutions; the residuals use nu * I in numpy)"),
        (88, "NumberReplacer", "max( -1.0,", "|tr P - k| >= 0 is among the terms, so the max is >= 0 anyway"),
        (148, "NumberReplacer", "max( 0.0,", "the rank cut: for G in the row range of S (the documented precondition) a "
         "direction of eigenvalue <= 2e-12 max(1, ||S||) changes W, values and residuals by <= 2e-12 |M|^2, far "
         "below tol = 1e-6 scale n"),
        (148, "ReplaceBinaryOperator_Mul_Div", "1e-12 / max(", "the rank cut (as above)"),
        (148, "NumberReplacer", "max( 2.0,", "the rank cut (as above)"),
        (148, "ReplaceComparisonOperator_Gt_GtE", "w >= 1e-12", "the rank cut (as above)"),
        (151, "NumberReplacer", "initial= 1.0", "max(1.0, ...) already bounds the scale below by 1"),
        (151, "NumberReplacer", "initial= -1.0", "max(1.0, ...) already bounds the scale below by 1"),
        (157, "ReplaceBinaryOperator_Add_Sub", "- c0)).solve", "a constant in the solver's objective moves no argmin; "
         "the value is recomputed in numpy"),
        (159, "ReplaceBinaryOperator_Div_Mul", "sum_squares(V) * 4", "V L^T = 2G has one solution (L has full column "
         "rank by construction), so the dual objective is irrelevant; its value is recomputed in numpy"),
        (159, "NumberReplacer", "sum_squares(V) / 5", "one feasible V (as above)"),
        (159, "NumberReplacer", "sum_squares(V) / 3", "one feasible V (as above)"),
    ],
    "numerics/linear_lam.py": [
        (35, "NumberReplacer", "shape[ -1]", "S_oo is square"),
        (35, "NumberReplacer", "shape[ 1]", "S_oo is square"),
        (73, "NumberReplacer", "shape[ 1]", "Sigma_r is square"),
        (73, "NumberReplacer", "shape[ -1]", "Sigma_r is square"),
        (112, "NumberReplacer", "s[0] == -1", "a zero matrix then falls through to s > rtol * 0, which keeps nothing either"),
        (122, "NumberReplacer", "- 2.0, 1.0", "singular values are >= 0: the lower clip never acts"),
        (122, "NumberReplacer", "- 0.0, 1.0", "singular values are >= 0: the lower clip never acts"),
    ],
    "numerics/probes.py": [
        (29, "NumberReplacer", "size == -1", "an empty S_vv then explains 0 (pinv of the empty matrix): NMSE 1 either way"),
        (31, "ReplaceTrueWithFalse", "hermitian=False", "the same pseudo-inverse of a symmetric matrix (SVD instead of eigh)"),
        (82, "NumberReplacer", "v_fit.size == -1", "an empty probe input then fits M with no columns: R = y, NMSE 1 either way"),
        (84, "ReplaceTrueWithFalse", "hermitian=False", "the same pseudo-inverse of a symmetric matrix (SVD instead of eigh)"),
        (108, "ReplaceBinaryOperator_Sub_Add", "Y + ybar", "V - vbar is centred, so its least-squares solution ignores "
         "constant columns of the right-hand side"),
        (130, "NumberReplacer", "shape[ 1]", "G is square"),
        (130, "NumberReplacer", "shape[ -1]", "G is square"),
        (133, "NumberReplacer", "e[ -1, -1]", "e has one row: index -1 is 0"),
        (136, "NumberReplacer", "max(float(np.trace(Ty @ G_eval @ Ty.T)), -1.0)", "the raw second moment is >= 0; when "
         "it is 0 the centred total is 0 and both thresholds send it to 1"),
        (136, "ReplaceComparisonOperator_LtE_Lt", "total < 1e-14", "the threshold is > 0: the two differ only when the "
         "centred variance equals 1e-14 times the raw second moment exactly"),
        (143, "ReplaceTrueWithFalse", "hermitian=False", "the same pseudo-inverse of a symmetric matrix (SVD instead of eigh)"),
    ],
    "numerics/processes.py": [
        (132, "NumberReplacer", "w <= -1", "w >= 0; at w = 0 the formula gives 0 as well"),
        (132, "ReplaceComparisonOperator_LtE_Lt", "p < 0", "p >= 0; at p = 0 the formula gives 0 as well"),
        (132, "NumberReplacer", "p <= -1", "p >= 0; at p = 0 the formula gives 0 as well"),
        (201, "NumberReplacer", "initial= 1.0", "max(1.0, ...) already bounds the scale below by 1"),
        (403, "NumberReplacer", "s[ -1]", "[G_s G_x] has full column rank in lee_process (G_x is tilted by G_s R off an "
         "orthonormal complement), so every singular value passes either threshold"),
    ],
    "numerics/zhang2025/assumptions.py": [
        (78, "ReplaceComparisonOperator_Lt_LtE", "1 <= p.d_z <= p.d_o", "LinearProcess rejects d_z >= d_o on construction"),
        (108, "ReplaceFalseWithTrue", "return True, f\"q and eps correlated", "unreachable: q and eps are maps of "
         "disjoint source blocks in every LinearProcess"),
        (116, "ReplaceBinaryOperator_Mul_Add", "TOL + _scale", "b is its own source block: Cov(b, a) = Cov(b, o) = 0 "
         "exactly, below any positive tolerance"),
        (129, "ReplaceComparisonOperator_Gt_GtE", "c >= TOL", "pi_s, o and eps are disjoint source blocks: c = 0 exactly"),
        (129, "ReplaceBinaryOperator_Mul_Div", "TOL / _scale", "pi_s, o and eps are disjoint source blocks: c = 0 exactly"),
        (163, "ReplaceComparisonOperator_Gt_GtE", "qe >= TOL", "unreachable: E[q^T eps] = 0 exactly (disjoint blocks)"),
        (163, "ReplaceBinaryOperator_Mul_Div", "TOL / sc", "unreachable: E[q^T eps] = 0 exactly (disjoint blocks)"),
        (184, "NumberReplacer", "initial= -1.0", "Cov(q) is never empty (d_o >= 2)"),
        (107, "ReplaceBinaryOperator_Mul_Add", "TOL + _scale", "unreachable: E[q eps^T] = 0 exactly (disjoint blocks)"),
        (196, "ReplaceBinaryOperator_Mul_Add", "TOL + _scale", "a and eps are maps of disjoint source blocks: c = 0 "
         "exactly, below any positive tolerance"),
    ],
    "numerics/lee2026/assumptions.py": [
        (48, "NumberReplacer", "initial= 1.0", "max(1.0, ...) already bounds the scale below by 1"),
        (177, "NumberReplacer", "initial= 1.0", "_small floors its scale at 1 already"),
        (65, "NumberReplacer", "initial= -1.0", "Sigma_a is never empty (d_a >= 1)"),
        (96, "NumberReplacer", "ms.mu[ms.k - 0]", "the message of a tie: mu_k and mu_(k+1) agree to 1e-9 there, so "
         "the printed 6 digits are the same"),
        (113, "NumberReplacer", "max(p.d_a, 0)", "d_a >= 1 for every LinearProcess"),
        (179, "NumberReplacer", "max(initial= -1.0)", "Phi U_a is never empty"),
        (212, "NumberReplacer", "initial= -1.0", "Cov(o') is never empty"),
    ],
}


def _equivalent(module: str, line: int, op: str, diff: str) -> str | None:
    plus = " ".join(x[1:] for x in (diff or "").splitlines() if x.startswith("+") and not x.startswith("+++"))
    for ln, o, needle, why in EQUIVALENT.get(module, []):
        if ln == line and op.endswith(o) and needle in plus:
            return why
    return None


def summarise(module: str, db: Path, out: Path) -> dict:
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT s.job_id, s.operator_name, s.start_pos_row, s.occurrence, r.worker_outcome, r.test_outcome, r.diff "
        "FROM mutation_specs s JOIN work_results r ON r.job_id = s.job_id").fetchall()
    con.close()
    done = [r for r in rows if r[4] != "SKIPPED"]
    killed = [r for r in done if r[5] == "KILLED" or r[4] == "TIMEOUT"]
    survived = [r for r in done if r[5] == "SURVIVED"]
    incompetent = [r for r in done if r[5] == "INCOMPETENT"]
    equivalent = [r for r in survived if _equivalent(module, r[2], r[1], r[6])]
    alive = [r for r in survived if r not in equivalent]
    scored = len(done) - len(equivalent) - len(incompetent)
    summary = {"module": module, "mutants": len(done), "killed": len(killed), "survived": len(survived),
               "equivalent": len(equivalent), "incompetent": len(incompetent),
               "score": len(killed) / scored if scored else 1.0,
               "survivors": [{"job": j, "operator": op, "line": line, "diff": diff,
                              "equivalent": _equivalent(module, line, op, diff)}
                             for j, op, line, _, _, _, diff in survived]}
    out.write_text(json.dumps(summary, indent=1))
    print(f"{module}: {len(killed)} killed / {scored} non-equivalent ({100 * summary['score']:.1f}%); "
          f"{len(equivalent)} equivalent, {len(alive)} alive, {len(incompetent)} incompetent, {len(done)} run -> {out}")
    for j, op, line, _, _, _, diff in alive:
        plus = " ".join(x[1:].strip() for x in (diff or "").splitlines() if x.startswith("+") and not x.startswith("+++"))
        print(f"  alive: line {line} {op}: {plus}")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    if argv is None and sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2])
        return 0
    ap.add_argument("modules", nargs="+", choices=sorted(SELECTION))
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per mutant's test run (a timeout kills it)")
    ap.add_argument("--report", action="store_true", help="only summarise the last run's session")
    ap.add_argument("--survivors", action="store_true", help="re-test only the last session's survivors")
    ap.add_argument("--sample", type=int, default=1, help="run every N-th kept mutant only (a deterministic subsample)")
    args = ap.parse_args(argv)
    for m in args.modules:
        if args.report:
            tag = m.replace("/", "_").removesuffix(".py")
            summarise(m, SCRATCH / tag / "session.sqlite", SCRATCH / tag / f"{tag}.json")
        else:
            run_module(m, args.timeout, survivors_only=args.survivors, sample=args.sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
