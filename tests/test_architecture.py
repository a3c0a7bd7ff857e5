"""The import graph stays one-way: no cycle between feature packages, `cases` never imports
`staff`, and the API calls services, never another blueprint's views."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"
PACKAGES = {
    path.name
    for path in PORTAL.iterdir()
    if (path / "__init__.py").exists() and path.name != "migrations"
}


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return {name for name in modules if name.startswith("portal.")}


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PORTAL.rglob("*.py"):
        source = path.relative_to(PORTAL).parts[0]
        if source not in PACKAGES:
            continue
        for name in imported_modules(path):
            target = name.split(".")[1]
            if target in PACKAGES and target != source:
                graph[source].add(target)
    return graph


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_no_two_feature_packages_import_each_other():
    graph = package_graph()
    cycles = sorted(p for p in PACKAGES if p in reachable(graph, p))
    assert cycles == [], f"packages on an import cycle: {cycles}"


def test_cases_never_imports_staff():
    assert "staff" not in reachable(package_graph(), "cases")


def test_the_api_calls_services_not_views():
    view_imports = [
        (path.name, name)
        for path in (PORTAL / "api").glob("*.py")
        for name in imported_modules(path)
        if name.split(".")[-1] == "views" or name.endswith("_views")
    ]
    assert view_imports == []
