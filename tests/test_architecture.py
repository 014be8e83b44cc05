"""The one-way import rule of docs/architecture.md, checked on the source: a change that makes
a lower layer reach up, or imports the app factory at module level, fails here."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
BLUEPRINTS = ("app.api", "app.auth", "app.feeds", "app.main", "app.portal", "app.public",
              "app.respond")
#: What each layer must never import, at any depth of a module (functions included).
FORBIDDEN = {
    "app.models": ("app.services", "app.tasks", "app.cli", "admin", *BLUEPRINTS),
    "app.services": ("app.tasks", "app.cli", "admin", *BLUEPRINTS),
    "app.enums": ("app.models", "app.services", "app.tasks", "admin", *BLUEPRINTS),
}
#: The only modules that may import the app factory when they are imported.
FACTORY_IMPORTERS = {"wsgi", "app.serve"}


def _modules() -> list[tuple[str, Path]]:
    found = [("wsgi", ROOT / "wsgi.py")]
    for top in ("app", "admin"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((name, path))
    return found


def _imports(tree: ast.AST, package: str) -> list[tuple[str, tuple[str, ...], int]]:
    """(module, imported names, depth) of every import; depth 0 is module level."""
    out = []

    def visit(node: ast.AST, depth: int) -> None:
        for child in ast.iter_child_nodes(node):
            inner = depth + isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                out.extend((alias.name, (), depth) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                module = child.module or ""
                if child.level:
                    base = package.rsplit(".", child.level - 1)[0] if child.level > 1 else package
                    module = f"{base}.{module}" if module else base
                out.append((module, tuple(a.name for a in child.names), depth))
            visit(child, inner)

    visit(tree, 0)
    return out


def _layer_violations() -> list[str]:
    problems = []
    for name, path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for module, names, depth in _imports(tree, package):
            targets = [module, *(f"{module}.{n}" for n in names)]
            for layer, banned in FORBIDDEN.items():
                if name == layer or name.startswith(layer + "."):
                    hits = [t for t in targets for b in banned if t == b or t.startswith(b + ".")]
                    problems += [f"{name} imports {hit} ({layer} must not)" for hit in hits]
            if depth == 0 and name not in FACTORY_IMPORTERS and (
                module == "app" and "create_app" in names
            ):
                problems.append(f"{name} imports create_app at module level")
    return sorted(set(problems))


def test_layers_import_one_way() -> None:
    assert _layer_violations() == []


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    tree = ast.parse("from app.services import signup\nfrom app import create_app\n")
    assert ("app.services", ("signup",), 0) in _imports(tree, "app.models")
    assert ("app", ("create_app",), 0) in _imports(tree, "app.models")
    nested = ast.parse("def f():\n    from admin import init_admin\n")
    assert _imports(nested, "app") == [("admin", ("init_admin",), 1)]


@pytest.mark.parametrize("module", ["app.tasks", "app.cli", "app.services.scheduler.runs"])
def test_entry_points_import_on_their_own(module: str) -> None:
    """What the consumer and the `flask` command load first imports without a cycle."""
    result = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
