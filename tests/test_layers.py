"""Layers import downward only: lamcheck -> gpu_checks -> numerics -> theory (docs/contract.md).
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


def _module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _registers_checks(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Name) and f.id == "register_check") or (isinstance(f, ast.Attribute) and f.attr == "register_check"):
                return True
    return False


def _imported_modules(tree: ast.AST, known: set[str]) -> set[str]:
    """Absolute module names a file imports (``from a.b import c`` counts a.b, and a.b.c if that is a module)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in known}
    return out


def test_no_check_module_imports_a_check_module():
    """Library modules beneath thin check modules (docs/contract.md, "Layers"): a module that registers
    checks imports only library modules, never another module that registers checks."""
    files = [p for layer in ("theory", "numerics", "gpu_checks") for p in (REPO / layer).rglob("*.py")]
    trees = {_module_name(p): ast.parse(p.read_text()) for p in files}
    checks = {name for name, tree in trees.items() if _registers_checks(tree) and name != "theory.checks"}
    bad = {name: sorted(_imported_modules(trees[name], set(trees)) & checks - {name}) for name in checks}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, bad
