"""Which tests carry which claim: a static scan of tests/ for @pytest.mark.theorem("ID").

Static (AST) so that `lamcheck claims` answers instantly without running pytest. Node ids have the
form ``tests/test_x.py::test_name`` or ``tests/test_x.py::TestClass::test_name``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path


def tests_dir() -> Path | None:
    """tests/ beside the installed source tree, else under the working directory."""
    for root in (Path(__file__).resolve().parent.parent, Path.cwd()):
        if (root / "tests").is_dir():
            return root / "tests"
    return None


def _theorem_ids(decorators: list[ast.expr]) -> list[str]:
    ids = []
    for dec in decorators:
        if (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and dec.func.attr == "theorem"):
            ids += [a.value for a in dec.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return ids


def _module_ids(tree: ast.Module) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            values = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
            return _theorem_ids(values)
    return []


def theorem_tests(root: Path | None = None) -> dict[str, list[str]]:
    """claim id -> sorted node ids of the tests marked with it."""
    root = root or tests_dir()
    index: dict[str, set[str]] = defaultdict(set)
    if root is None:
        return {}
    for path in sorted(root.rglob("test_*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        rel = path.relative_to(root.parent).as_posix()
        module_ids = _module_ids(tree)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                for cid in module_ids + _theorem_ids(node.decorator_list):
                    index[cid].add(f"{rel}::{node.name}")
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                class_ids = _theorem_ids(node.decorator_list)
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name.startswith("test"):
                        for cid in module_ids + class_ids + _theorem_ids(item.decorator_list):
                            index[cid].add(f"{rel}::{node.name}::{item.name}")
    return {cid: sorted(ids) for cid, ids in index.items()}
