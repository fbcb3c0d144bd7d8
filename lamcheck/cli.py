"""The `lamcheck` command line (DESIGN.md, "Command line").

    lamcheck claims [--json]
    lamcheck audit [--paper P] [--claim ID ...] [--tier T,T] [--device auto|cpu|cuda]
                   [--scale ci|full] [--seed N] [--out DIR]

Bad input is one line on stderr naming the field and the reason, exit 2, nothing written.
`audit` exits 0 whenever it ran (whatever the verdicts) and 1 if a check crashed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from theory.checks import KINDS, SCALES, registered_checks
from theory.claims import PAPERS

EXIT_OK, EXIT_CRASH, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad command-line input: reported as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse prints usage + message; we want one line
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lamcheck", description="Formal-plus-numeric verification of latent action model theory.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    c = sub.add_parser("claims", help="the claim ledger with provenance and tied tests")
    c.add_argument("--json", action="store_true", help="machine-readable output")
    c.add_argument("--paper", help=f"only one paper ({', '.join(PAPERS)})")
    a = sub.add_parser("audit", help="run the checks, print a summary, write report.md/json and figures")
    a.add_argument("--paper", help=f"one of {', '.join(PAPERS)}")
    a.add_argument("--claim", nargs="+", metavar="ID", help="claim ids (default: all of --paper, or all)")
    a.add_argument("--tier", default=",".join(KINDS), help=f"comma-separated subset of {','.join(KINDS)}")
    a.add_argument("--device", default="auto", help="auto|cpu|cuda (auto: cuda when available)")
    a.add_argument("--scale", default="ci", help="ci (CPU-sized, default) or full (the papers' sizes)")
    a.add_argument("--seed", default="0", help="base seed (integer)")
    a.add_argument("--out", default="lamcheck-report", help="output folder (default: ./lamcheck-report)")
    k = sub.add_parser("check", help="evaluate your own process spec (defined in a later release)")
    k.add_argument("spec")
    k.add_argument("--train", action="store_true")
    k.add_argument("--json", action="store_true")
    return p


def _select_claims(args):
    from theory.ledger import UnknownClaimError, all_claims, get_claim

    if args.paper is not None and args.paper not in PAPERS:
        raise UsageError(f"--paper: unknown paper {args.paper!r} (choose from {', '.join(PAPERS)})")
    if args.claim:
        try:
            claims = [get_claim(cid) for cid in args.claim]
        except UnknownClaimError as exc:
            raise UsageError(f"--claim: {exc}") from None
        if args.paper:
            other = [c.id for c in claims if c.paper != args.paper]
            if other:
                raise UsageError(f"--claim: {', '.join(other)} not in paper {args.paper}")
        return claims
    return all_claims(args.paper)


def _parse_audit(args):
    tiers = [t.strip() for t in args.tier.split(",") if t.strip()]
    bad = [t for t in tiers if t not in KINDS]
    if bad or not tiers:
        raise UsageError(f"--tier: unknown tier {', '.join(bad) or '(empty)'!s} (choose from {','.join(KINDS)})")
    if args.scale not in SCALES:
        raise UsageError(f"--scale: unknown scale {args.scale!r} (choose from {', '.join(SCALES)})")
    try:
        seed = int(args.seed)
    except ValueError:
        raise UsageError(f"--seed: {args.seed!r} is not an integer") from None
    if args.device not in ("auto", "cpu", "cuda"):
        raise UsageError(f"--device: unknown device {args.device!r} (choose from auto, cpu, cuda)")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out: {out} exists and is not a folder")
    claims = _select_claims(args)
    import torch

    cuda = torch.cuda.is_available()
    if args.device == "cuda" and not cuda:
        raise UsageError("--device: cuda requested but torch sees no CUDA device")
    device = "cuda" if args.device == "cuda" or (args.device == "auto" and cuda) else "cpu"
    return claims, tiers, seed, device, cuda, out


def cmd_claims(args) -> int:
    from lamcheck.registry import load_checks
    from lamcheck.test_index import theorem_tests
    from theory.ledger import all_claims

    if args.paper is not None and args.paper not in PAPERS:
        raise UsageError(f"--paper: unknown paper {args.paper!r} (choose from {', '.join(PAPERS)})")
    load_checks()
    tests = theorem_tests()
    rows = []
    for c in all_claims(args.paper):
        kinds = sorted({s.kind for s in registered_checks(c.id)}, key=KINDS.index)
        rows.append({"id": c.id, "paper": c.paper, "provenance": c.provenance, "title": c.title, "where": c.where,
                     "kind": c.kind, "checks": kinds, "tests": tests.get(c.id, [])})
    if args.json:
        print(json.dumps({"claims": rows}, indent=1))
        return EXIT_OK
    w = max(len(r["id"]) for r in rows)
    for r in rows:
        checks = ",".join(k[:3] for k in r["checks"]) or "-"
        print(f"{r['id']:<{w}}  {r['provenance']:<14}  {checks:<23}  {len(r['tests']):>2} tests  {r['title']}")
    return EXIT_OK


def cmd_audit(args) -> int:
    claims, tiers, seed, device, cuda, out = _parse_audit(args)
    from lamcheck.audit import run_audit
    from lamcheck.environment import environment
    from lamcheck.registry import load_checks
    from lamcheck.report import summary_table, write_report
    from lamcheck.test_index import theorem_tests
    from theory.checks import CheckContext

    load_checks()
    total = sum(1 for c in claims for s in registered_checks(c.id) if s.kind in tiers)
    state = {"i": 0, "t": time.perf_counter()}

    def note(msg: str) -> None:
        print(f"      {msg}", file=sys.stderr, flush=True)

    def on_start(spec) -> None:
        state["i"] += 1
        state["t"] = time.perf_counter()
        print(f"[{state['i']:>3}/{total}] {spec.claim_id:<8} {spec.kind:<10} {spec.title[:70]}", file=sys.stderr, flush=True)

    def on_check(spec, result) -> None:
        print(f"          -> {result.status} ({time.perf_counter() - state['t']:.1f} s)", file=sys.stderr, flush=True)

    ctx = CheckContext(scale=args.scale, device=device, seed=seed, progress=note, cuda_available=cuda,
                       cpu_full_ok=args.device == "cpu")
    reports, seconds = run_audit(claims, tiers, ctx, on_check=on_check, on_start=on_start)
    env = environment(seed, device, args.scale)
    write_report(out, reports, env, theorem_tests(), seconds)
    print(summary_table(reports))
    print(f"\nreport: {out / 'report.md'}  ({seconds:.1f} s)")
    return EXIT_CRASH if any(r.crashed for r in reports) else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.command == "claims":
            return cmd_claims(args)
        if args.command == "audit":
            return cmd_audit(args)
        raise UsageError("check: the process-spec format is not defined yet (a later issue adds `lamcheck check`)")
    except UsageError as exc:
        print(f"lamcheck: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `lamcheck claims | head`: the reader left; not an error
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
