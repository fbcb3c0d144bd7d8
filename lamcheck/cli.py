"""The `lamcheck` command line (docs/contract.md, "Command line").

    lamcheck --version
    lamcheck claims [--json] [--paper P] [--show ID]
    lamcheck audit [--paper P] [--claim ID ...] [--tier T,T] [--device auto|cpu|cuda]
                   [--scale ci|full] [--seed N] [--out DIR] [--jobs N] [--executor local|ray]
                   [--address ADDR]

Bad input is one line on stderr naming the option and the reason, exit 2, nothing written and no
check run: every argument, the output folder included, is checked before the first check starts.
`audit` exits 0 whenever it ran (whatever the verdicts) and 1 if a check crashed or the report
could not be written.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import sys
from pathlib import Path

from theory.checks import KINDS, SCALES, registered_checks
from theory.claims import PAPERS

EXIT_OK, EXIT_CRASH, EXIT_USAGE = 0, 1, 2
SEED_MAX = 2**32 - 1


class UsageError(Exception):
    """Bad command-line input: reported as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse prints usage + message; we want one line
        raise UsageError(message)


def version() -> str:
    from importlib import metadata

    try:
        return metadata.version("lamcheck")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lamcheck", description="Formal-plus-numeric verification of latent action model theory.")
    p.add_argument("--version", action="version", version=f"lamcheck {version()}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    c = sub.add_parser("claims", help="the claim ledger with provenance, quantifiers and tied tests")
    c.add_argument("--json", action="store_true", help="machine-readable output")
    c.add_argument("--paper", help=f"only one paper ({', '.join(PAPERS)})")
    c.add_argument("--show", metavar="ID", help="one claim in full: statement, assumptions, checks, tests, repair")
    a = sub.add_parser("audit", help="run the checks, print a summary, write report.md/json and figures")
    a.add_argument("--paper", help=f"one of {', '.join(PAPERS)}")
    a.add_argument("--claim", nargs="+", metavar="ID", help="claim ids (default: all of --paper, or all)")
    a.add_argument("--tier", default=",".join(KINDS), help=f"comma-separated subset of {','.join(KINDS)}")
    a.add_argument("--device", default="auto", help="auto|cpu|cuda (auto: cuda when available)")
    a.add_argument("--scale", default="ci", help="ci (CPU-sized training, default) or full (the papers' sizes)")
    a.add_argument("--seed", default="0", help=f"base seed, an integer from 0 to {SEED_MAX} (default 0)")
    a.add_argument("--out", default="lamcheck-report",
                   help="report folder (default ./lamcheck-report): new, empty, or a lamcheck report")
    a.add_argument("--jobs", default=None, help="worker processes (default: the machine's cores)")
    a.add_argument("--executor", default="local", help="local (worker processes here, default) or ray")
    a.add_argument("--address", default=None, help="with --executor ray: the cluster (default: a fresh local instance)")
    k = sub.add_parser("check", help="what the theory says about your own process spec (TOML)")
    from lamcheck.check import add_arguments as _check_arguments

    _check_arguments(k)
    b = sub.add_parser("bench", help="how fast the trained tier is, against the papers' own protocol")
    from lamcheck.bench import add_arguments as _bench_arguments

    _bench_arguments(b)
    return p


def _check_paper(paper: str | None) -> None:
    if paper is not None and paper not in PAPERS:
        raise UsageError(f"--paper: unknown paper {paper!r} (choose from {', '.join(PAPERS)})")


def _select_claims(args):
    from theory.ledger import UnknownClaimError, all_claims, get_claim

    _check_paper(args.paper)
    if args.claim:
        try:
            claims = [get_claim(cid) for cid in args.claim]
        except UnknownClaimError as exc:
            raise UsageError(f"--claim: {exc}") from None
        if args.paper:
            other = [c.id for c in claims if c.paper != args.paper]
            if other:
                raise UsageError(f"--claim: {', '.join(other)} not in paper {args.paper}")
        return list({c.id: c for c in claims}.values())
    return all_claims(args.paper)


def parse_seed(text: str) -> int:
    """A seed is a decimal integer from 0 to 2**32 - 1 (what every RNG of the checks accepts)."""
    s = str(text).strip()
    if not re.fullmatch(r"[+-]?[0-9]+", s):
        raise UsageError(f"--seed: {text!r} is not an integer")
    seed = int(s)
    if seed < 0:
        raise UsageError(f"--seed: {seed} is negative (a seed is an integer from 0 to {SEED_MAX})")
    if seed > SEED_MAX:
        raise UsageError(f"--seed: {seed} is too large (a seed is an integer from 0 to {SEED_MAX})")
    return seed


def parse_jobs(text: str | None) -> int:
    from lamcheck.executors import default_jobs

    if text is None:
        return default_jobs()
    s = str(text).strip()
    if not re.fullmatch(r"[0-9]+", s) or int(s) < 1:
        raise UsageError(f"--jobs: {text!r} is not a positive integer")
    return int(s)


def _probe_address(address: str) -> None:
    """A ``host:port`` (or ``ray://host:port``) address must accept a TCP connection within 5 s; Ray
    itself would retry for minutes. ``auto`` and other forms are left to Ray."""
    import socket

    m = re.fullmatch(r"(?:ray://)?\[?([^\]/]+?)\]?:([0-9]{1,5})", address.strip())
    if m is None:
        return
    try:
        socket.create_connection((m.group(1), int(m.group(2))), timeout=5).close()
    except OSError as exc:
        raise UsageError(f"--address: nothing answers at {address} ({exc.strerror or exc})") from None


def _parse_audit(args) -> dict:
    from lamcheck.executors import EXECUTORS, ray_available
    from lamcheck.outdir import OutError, resolve_out

    tiers = [t.strip() for t in args.tier.split(",") if t.strip()]
    bad = [t for t in tiers if t not in KINDS]
    if bad or not tiers:
        raise UsageError(f"--tier: unknown tier {', '.join(bad) or '(empty)'!s} (choose from {','.join(KINDS)})")
    tiers = [k for k in KINDS if k in tiers]
    if args.scale not in SCALES:
        raise UsageError(f"--scale: unknown scale {args.scale!r} (choose from {', '.join(SCALES)})")
    seed = parse_seed(args.seed)
    if args.device not in ("auto", "cpu", "cuda"):
        raise UsageError(f"--device: unknown device {args.device!r} (choose from auto, cpu, cuda)")
    jobs = parse_jobs(args.jobs)
    if args.executor not in EXECUTORS:
        raise UsageError(f"--executor: unknown executor {args.executor!r} (choose from {', '.join(EXECUTORS)})")
    if args.executor == "ray" and not ray_available():
        raise UsageError("--executor: ray is not installed (install the extra: pip install 'lamcheck[ray]')")
    if args.address is not None and args.executor != "ray":
        raise UsageError("--address: only with --executor ray")
    if args.address is not None and not args.address.strip():
        raise UsageError("--address: empty (omit it for a local Ray instance)")
    if args.address is not None:
        _probe_address(args.address)
    claims = _select_claims(args)
    full = args.claim is None and args.paper is None and tiers == list(KINDS)
    selection = {"full": full, "paper": args.paper, "claims": [c.id for c in claims] if args.claim else None,
                 "tiers": tiers}
    try:
        target = resolve_out(args.out, full=full, selection=selection)
    except OutError as exc:
        raise UsageError(f"--out: {exc}") from None
    import torch

    cuda = torch.cuda.is_available()
    if args.device == "cuda" and not cuda:
        if args.executor != "ray":  # on a Ray cluster the nodes, not this machine, hold the GPUs
            raise UsageError("--device: cuda requested but torch sees no CUDA device")
        cuda = True
    device = "cuda" if args.device == "cuda" or (args.device == "auto" and cuda) else "cpu"
    return {"claims": claims, "tiers": tiers, "seed": seed, "device": device, "cuda": cuda, "target": target,
            "jobs": jobs, "selection": selection, "full": full}


def _claim_row(c, tests) -> dict:
    kinds = sorted({s.kind for s in registered_checks(c.id)}, key=KINDS.index)
    return {"id": c.id, "paper": c.paper, "provenance": c.provenance, "title": c.title, "where": c.where,
            "kind": c.kind, "quantifier": c.quantifier, "checks": kinds, "tests": tests.get(c.id, [])}


def _doc(fn) -> str | None:
    """The check function's docstring (None where the registered title says it all)."""
    return inspect.cleandoc(fn.__doc__) if fn.__doc__ else None


def claim_detail(claim_id: str) -> dict:
    """Everything `lamcheck claims --show ID` prints, as data."""
    from lamcheck.test_index import theorem_tests
    from theory.assumptions import has_evaluator
    from theory.ledger import UnknownClaimError, get_claim

    try:
        c = get_claim(claim_id)
    except UnknownClaimError as exc:
        raise UsageError(f"--show: {exc}") from None
    rq = (c.repair.quantifier or c.quantifier) if c.repair else None

    def checks(target: str, q: str | None) -> list[dict]:
        out = []
        for s in registered_checks(c.id):
            if s.target == target:
                answers = s.answers or q
                out.append({"name": s.name, "kind": s.kind, "title": s.title, "answers": answers,
                            "role": "decides" if s.answers is None or s.answers == q else "explains",
                            "doc": _doc(s.fn)})
        return out

    def assumptions(items) -> list[dict]:
        return [{"name": a.name, "formula": a.formula, "hidden": a.hidden, "evaluator": has_evaluator(a.name)}
                for a in items]

    repair = None
    if c.repair:
        repair = {"statement": c.repair.statement, "note": c.repair.note, "quantifier": rq,
                  "assumptions": assumptions(c.repair.assumptions), "checks": checks("repair", rq)}
    return {"id": c.id, "title": c.title, "paper": c.paper, "where": c.where, "provenance": c.provenance,
            "provenance_note": c.provenance_note, "kind": c.kind, "quantifier": c.quantifier,
            "statement": c.statement, "assumptions": assumptions(c.assumptions), "checks": checks("claim", c.quantifier),
            "tests": theorem_tests().get(c.id, []), "repair": repair, "notes": list(c.notes)}


def _indent(text: str, pad: str) -> str:
    return "\n".join(pad + line if line else line for line in text.splitlines())


def show_text(d: dict) -> str:
    prov = d["provenance"] + (f" ({d['provenance_note']})" if d["provenance_note"] else "")
    out = [f"{d['id']}  {d['title']}", f"paper: {d['paper']}, {d['where']}", f"provenance: {prov}",
           f"kind: {d['kind']}", f"quantifier: {d['quantifier'] or '-'}", "", "statement:", _indent(d["statement"], "  ")]

    def assumption_lines(items) -> list[str]:
        return [f"  {a['name']}{' (hidden)' if a['hidden'] else ''}: {a['formula']}"
                f"  [evaluator: {'yes' if a['evaluator'] else 'none'}]" for a in items] or ["  (none)"]

    def check_lines(items, pad: str = "  ") -> list[str]:
        lines = []
        for s in items:
            lines.append(f"{pad}{s['kind']:<10} {s['name']}  ({s['role']}; answers {s['answers'] or '-'})")
            lines.append(f"{pad}           {s['title']}")
            if s["doc"]:
                lines.append(_indent(s["doc"], pad + "           "))
        return lines or [f"{pad}(none registered)"]

    out += ["", "assumptions:", *assumption_lines(d["assumptions"]), "", "checks:", *check_lines(d["checks"]),
            "", "tests:", *([f"  {t}" for t in d["tests"]] or ["  (none)"])]
    r = d["repair"]
    if r:
        out += ["", f"repair (quantifier {r['quantifier'] or '-'}):", _indent(r["statement"], "  ")]
        if r["note"]:
            out += ["", _indent(r["note"], "  ")]
        out += ["", "  adds assumptions:" + ("" if r["assumptions"] else " (none)"),
                *["  " + line for line in (assumption_lines(r["assumptions"]) if r["assumptions"] else [])],
                "  checks:", *check_lines(r["checks"], "    ")]
    else:
        out += ["", "repair: (none)"]
    return "\n".join(out)


def cmd_claims(args) -> int:
    from lamcheck.registry import load_checks
    from lamcheck.test_index import theorem_tests
    from theory.ledger import all_claims

    _check_paper(args.paper)
    load_checks()
    if args.show is not None:
        d = claim_detail(args.show)
        print(json.dumps(d, indent=1) if args.json else show_text(d))
        return EXIT_OK
    tests = theorem_tests()
    rows = [_claim_row(c, tests) for c in all_claims(args.paper)]
    if args.json:
        print(json.dumps({"claims": rows}, indent=1))
        return EXIT_OK
    w = max(len(r["id"]) for r in rows)
    qw = max(len(r["quantifier"] or "-") for r in rows)
    for r in rows:
        checks = ",".join(k[:3] for k in r["checks"]) or "-"
        print(f"{r['id']:<{w}}  {r['provenance']:<14}  {r['quantifier'] or '-':<{qw}}  {checks:<23}  "
              f"{len(r['tests']):>2} tests  {r['title']}")
    return EXIT_OK


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cmd_audit(args) -> int:
    opts = _parse_audit(args)
    from lamcheck.audit import plan, run_audit
    from lamcheck.environment import environment
    from lamcheck.executors import ExecutorUnavailable
    from lamcheck.registry import load_checks
    from lamcheck.report import summary_table, write_report
    from lamcheck.test_index import theorem_tests
    from theory.checks import CheckContext

    load_checks()
    ctx = CheckContext(scale=args.scale, device=opts["device"], seed=opts["seed"], progress=_say,
                       cuda_available=opts["cuda"], cpu_full_ok=args.device == "cpu")
    total = len(plan(opts["claims"], opts["tiers"], ctx))
    state = {"i": 0}
    where = args.executor + (f" at {args.address}" if args.address else "")
    n = len(opts["claims"])
    _say(f"lamcheck {version()}: {total} checks of {n} claim{'' if n == 1 else 's'}, {opts['jobs']} "
         f"{'job' if opts['jobs'] == 1 else 'jobs'} ({where})")

    def on_check(spec, result) -> None:
        state["i"] += 1
        _say(f"[{state['i']:>3}/{total}] {spec.claim_id:<8} {spec.kind:<10} -> {result.status} ({result.seconds:.1f} s)")

    try:
        reports, seconds = run_audit(opts["claims"], opts["tiers"], ctx, on_check, executor=args.executor,
                                     jobs=opts["jobs"], address=args.address)
    except ExecutorUnavailable as exc:  # raised before the first task is sent: no check ran, nothing written
        raise UsageError(f"--{'address' if args.address else 'executor'}: {exc}") from None
    env = environment(opts["seed"], opts["device"], args.scale)
    try:
        written = write_report(opts["target"], reports, env, theorem_tests(), seconds=seconds,
                               selection=opts["selection"], full=opts["full"],
                               timing={"jobs": opts["jobs"], "executor": args.executor, "address": args.address})
    except OSError as exc:
        print(f"lamcheck: error: could not write the report to {opts['target']}: {exc}", file=sys.stderr)
        return EXIT_CRASH
    if written.note:
        _say(f"lamcheck: note: {written.note}")
    print(summary_table(reports))
    print(f"\nreport: {written.folder / 'report.md'}  ({seconds:.1f} s)")
    return EXIT_CRASH if any(r.crashed for r in reports) else EXIT_OK


def hypothesis_cache() -> str:
    """Where hypothesis may keep its files during an audit: a cache folder, never the working folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "lamcheck" / "hypothesis")


def main(argv: list[str] | None = None) -> int:
    from lamcheck.registry import RegistryError
    from theory.claims import LedgerError

    # Hypothesis keeps constants and examples under ./.hypothesis unless told otherwise; workers inherit this.
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", hypothesis_cache())
    try:
        args = _parser().parse_args(argv)
        if args.command == "claims":
            return cmd_claims(args)
        if args.command == "audit":
            return cmd_audit(args)
        if args.command == "bench":
            from lamcheck.bench import run as _run_bench

            return _run_bench(args)
        from lamcheck.check import run as _run_check

        return _run_check(args)
    except UsageError as exc:
        print(f"lamcheck: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (RegistryError, LedgerError) as exc:  # a broken check module or ledger: not the user's input
        print(f"lamcheck: error: {exc}", file=sys.stderr)
        return EXIT_CRASH
    except SystemExit as exc:  # --version, --help
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    except BrokenPipeError:  # `lamcheck claims | head`: the reader left; not an error
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
