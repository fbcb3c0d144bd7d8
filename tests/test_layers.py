"""Layers import downward only: lamcheck -> gpu_checks -> numerics -> theory (DESIGN.md).
theory imports no torch and no numerics; numerics imports no torch; only gpu_checks touches torch."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "theory": {"numerics", "gpu_checks", "lamcheck", "torch"},
    "numerics": {"gpu_checks", "lamcheck", "torch"},
    "gpu_checks": {"lamcheck"},
}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_downward(layer):
    bad = {str(p.relative_to(REPO)): sorted(imported_roots(p) & FORBIDDEN[layer])
           for p in (REPO / layer).rglob("*.py") if imported_roots(p) & FORBIDDEN[layer]}
    assert not bad, bad
