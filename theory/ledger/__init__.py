"""The claim ledger: every claim of the three papers, one module per paper.

>>> from theory.ledger import get_claim
>>> get_claim("ZP-P2").provenance
'paper'
"""

from __future__ import annotations

from theory.claims import PAPERS, Claim, Contribution, LedgerError
from theory.checks import registered_checks
from theory.ledger import lachapelle2025, lee2026, zhang2025

_BY_PAPER: dict[str, tuple[Claim, ...]] = {
    "zhang2025": zhang2025.CLAIMS,
    "lachapelle2025": lachapelle2025.CLAIMS,
    "lee2026": lee2026.CLAIMS,
}


def _index() -> dict[str, Claim]:
    index: dict[str, Claim] = {}
    for paper in PAPERS:
        for claim in _BY_PAPER[paper]:
            if claim.paper != paper:
                raise LedgerError(f"{claim.id} is listed under {paper} but says paper={claim.paper}")
            if claim.id in index:
                raise LedgerError(f"duplicate claim id {claim.id}")
            index[claim.id] = claim
    return index


LEDGER: dict[str, Claim] = _index()

CONTRIBUTIONS: tuple[Contribution, ...] = tuple(
    c for mod in (zhang2025, lachapelle2025, lee2026) for c in getattr(mod, "CONTRIBUTIONS", ()))
for _c in CONTRIBUTIONS:
    if not set(_c.covered_by) <= set(LEDGER):
        raise LedgerError(f"contribution {_c.text[:40]!r} cites unknown ids {sorted(set(_c.covered_by) - set(LEDGER))}")


class UnknownClaimError(KeyError):
    """A claim id that is not in the ledger."""

    def __str__(self) -> str:  # KeyError quotes its argument; we want a plain sentence
        return str(self.args[0])


def all_claims(paper: str | None = None) -> list[Claim]:
    """Claims in ledger order (paper by paper, in the papers' order), optionally of one paper."""
    if paper is not None and paper not in PAPERS:
        raise LedgerError(f"unknown paper {paper!r} (known: {', '.join(PAPERS)})")
    return [c for c in LEDGER.values() if paper in (None, c.paper)]


def get_claim(claim_id: str) -> Claim:
    try:
        return LEDGER[claim_id]
    except KeyError:
        raise UnknownClaimError(f"unknown claim id {claim_id!r} (see `lamcheck claims`)") from None


def validate_registry() -> None:
    """Every registered check names a ledger claim, and repair checks only claims with a repair."""
    for spec in registered_checks():
        claim = get_claim(spec.claim_id)
        if spec.target == "repair" and claim.repair is None:
            raise LedgerError(f"{spec.name} checks the repair of {claim.id}, which has none")
