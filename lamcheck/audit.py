"""Running the checks of a set of claims and turning their results into verdicts."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from theory.assumptions import validate_witness
from theory.checks import CheckContext, CheckResult, CheckSpec, registered_checks, skipped
from theory.claims import Claim
from theory.verdicts import claim_verdict, first_counterexample


@dataclass
class ClaimReport:
    """A claim with the results of its checks, its verdict and (if it has one) its repair's verdict."""

    claim: Claim
    results: list[CheckResult] = field(default_factory=list)
    repair_results: list[CheckResult] = field(default_factory=list)

    @property
    def quantifier(self) -> str | None:
        return self.claim.quantifier

    @property
    def repair_quantifier(self) -> str | None:
        rep = self.claim.repair
        return (rep.quantifier or self.claim.quantifier) if rep else None

    @property
    def verdict(self) -> str:
        return claim_verdict(self.results, self.quantifier)

    @property
    def repair_verdict(self) -> str | None:
        return claim_verdict(self.repair_results, self.repair_quantifier) if self.claim.repair else None

    @property
    def counterexample(self) -> dict | None:
        return first_counterexample(self.results, self.quantifier)

    @property
    def crashed(self) -> bool:
        return any(r.status == "error" for r in self.results + self.repair_results)


def _gpu_only(spec: CheckSpec, ctx: CheckContext) -> bool:
    """Trained checks at full scale need CUDA; without it they are skipped with a recorded reason,
    unless the user chose the CPU explicitly (``--device cpu``)."""
    return spec.kind == "trained" and ctx.full and not ctx.cuda_available and not ctx.cpu_full_ok


def revalidate(claim: Claim, spec: CheckSpec, result: CheckResult) -> CheckResult:
    """A refutation's witness must lie inside its claim's domain: re-evaluate the claim's (or the
    repair's) assumptions on the typed witness; a violated one turns the refutation into an error."""
    if result.status != "refutes" or result.process is None:
        return result
    violated = validate_witness(claim, result.process, repair=spec.target == "repair")
    if not violated:
        return result
    why = "; ".join(f"{e.name}: {e.reason}" for e in violated)
    return replace(result, status="error", detail=f"counterexample outside the claim's domain ({why}); was: {result.detail}")


def run_claim(claim: Claim, tiers: Sequence[str], ctx: CheckContext,
              on_check: Callable[[CheckSpec, CheckResult], None] | None = None,
              on_start: Callable[[CheckSpec], None] | None = None) -> ClaimReport:
    report = ClaimReport(claim)
    for spec in registered_checks(claim.id):
        if spec.kind not in tiers:
            continue
        if on_start:
            on_start(spec)
        if _gpu_only(spec, ctx):
            result = replace(skipped(spec.kind, "full-scale training needs CUDA; none available (use a GPU, or --device cpu to train on the CPU)"),
                             name=spec.name)
        else:
            result = revalidate(claim, spec, spec.run(ctx))
        (report.results if spec.target == "claim" else report.repair_results).append(result)
        if on_check:
            on_check(spec, result)
    return report


def run_audit(claims: Sequence[Claim], tiers: Sequence[str], ctx: CheckContext,
              on_check: Callable[[CheckSpec, CheckResult], None] | None = None,
              on_start: Callable[[CheckSpec], None] | None = None) -> tuple[list[ClaimReport], float]:
    t0 = time.perf_counter()
    reports = [run_claim(c, tiers, ctx, on_check, on_start) for c in claims]
    return reports, time.perf_counter() - t0
