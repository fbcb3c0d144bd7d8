"""What a claim is: the ledger's record types.

A claim is data, not prose in a test (docs/contract.md, "The claim ledger"). Each record names the paper's
statement, where it stands in the paper, how much of it the paper itself fixes (provenance), and the
named assumptions under which it is asserted. Checks attach to claims by id (see `theory.checks`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from theory.checks import check_quantifier

PAPERS = ("zhang2025", "lachapelle2025", "lee2026")

#: `paper`: the paper's own statement; `paper-abstract`: only abstract-level text exists;
#: `reconstructed`: this project's formalisation of a statement whose formal text was not available.
PROVENANCES = ("paper", "paper-abstract", "reconstructed")

#: What sort of statement a claim is; drives nothing but the report's grouping.
CLAIM_KINDS = ("definition", "theorem", "lemma", "case", "experiment", "contribution", "counter-claim")

ID_PREFIX = {"zhang2025": "ZP-", "lachapelle2025": "LA-", "lee2026": "EX-"}


class LedgerError(ValueError):
    """A malformed ledger entry (unknown paper, provenance, duplicate id, ...)."""


@dataclass(frozen=True)
class Assumption:
    """A named hypothesis a claim rests on, e.g. ``uncorrelated-change``: E[o (q+eps)^T] = 0.

    ``formula`` is the predicate in the paper's notation. Every assumption is executable: the numerics
    layer registers an evaluator ``holds(process) -> (bool, reason)`` under the same name
    (`theory.assumptions.register_evaluator`). One evaluator defines the domain three times: the
    hypothesis strategies draw inside it, the audit re-validates every counterexample against it, and
    `lamcheck check` answers it for a user's own process. Names are unique across the ledger.
    ``hidden``: True for an assumption the paper does not state but a claim's proof or checks used
    silently (found by a refutation); a repair names it explicitly.
    """

    name: str
    formula: str
    hidden: bool = False


@dataclass(frozen=True)
class Repair:
    """The corrected statement of a refuted claim. Its own checks are registered with
    ``register_check(claim_id, ..., target="repair")`` and must confirm it on the WHOLE domain of the
    original claim (``assumptions`` lists only what the repair adds, e.g. a hidden assumption made
    explicit; the original claim's assumptions still apply). ``quantifier``: the repair's own, when
    it differs from the claim's."""

    statement: str
    note: str = ""
    assumptions: tuple["Assumption", ...] = ()
    quantifier: str | None = None

    def __post_init__(self) -> None:
        check_quantifier(self.quantifier)


@dataclass(frozen=True)
class Claim:
    """One entry of the claim ledger.

    Attributes (docs/contract.md): ``id`` (stable; the papers' own numbering where they have one), ``paper``, ``where``,
    ``provenance`` (one of PROVENANCES) with an optional ``provenance_note`` for mixed cases
    ("paper words / reconstructed formula"), ``title``, ``statement`` (one or two sentences with the
    formula), ``assumptions``, for a claim about an optimum its ``quantifier`` (`theory.checks`:
    ``every-minimiser``, ``some-minimiser``, ``selected-by:<mechanism>``; experimental claims are
    ``selected-by:protocol``: what the authors' protocol produces) and, for a refuted claim, a ``repair``.
    """

    id: str
    paper: str
    where: str
    provenance: str
    title: str
    statement: str
    kind: str = "theorem"
    assumptions: tuple[Assumption, ...] = ()
    provenance_note: str = ""
    repair: Repair | None = None
    notes: tuple[str, ...] = field(default=())
    quantifier: str | None = None

    def __post_init__(self) -> None:
        try:
            check_quantifier(self.quantifier)
        except ValueError as exc:
            raise LedgerError(f"{self.id}: {exc}") from None
        if self.paper not in PAPERS:
            raise LedgerError(f"{self.id}: paper {self.paper!r} is not one of {PAPERS}")
        if self.provenance not in PROVENANCES:
            raise LedgerError(f"{self.id}: provenance {self.provenance!r} is not one of {PROVENANCES}")
        if self.kind not in CLAIM_KINDS:
            raise LedgerError(f"{self.id}: kind {self.kind!r} is not one of {CLAIM_KINDS}")
        if not self.id.startswith(ID_PREFIX[self.paper]):
            raise LedgerError(f"{self.id}: ids of {self.paper} start with {ID_PREFIX[self.paper]!r}")
        if not self.statement.strip():
            raise LedgerError(f"{self.id}: empty statement")


@dataclass(frozen=True)
class Contribution:
    """A contribution-level claim of a paper: no id of its own (other claims cover it),
    so its evidence is the verdicts of the claims in ``covered_by``."""

    paper: str
    text: str
    covered_by: tuple[str, ...]
