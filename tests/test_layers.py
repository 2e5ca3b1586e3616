"""The layers import downward only, and no module imports itself back through others.

Read from the source with `ast` (nothing is imported): every `import` and `from ... import`,
at module level or inside functions; imports under `if TYPE_CHECKING:` are type hints, not
dependencies, and are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from pipeline.settings import PROJECT_ROOT

PACKAGES = ("pipeline", "checks")

# Lowest first. A module may import its own package and lower layers; packages on one layer do
# not import each other (ingest and the engine meet only in `sources.yml`).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("pipeline.errors", "pipeline.sqltext", "pipeline.emails", "pipeline.filemodes"),
    ("pipeline.settings", "pipeline.lock"),
    ("pipeline.warehouse",),
    (
        "pipeline.ingest",
        "pipeline.engine",
        "pipeline.generate",
        "pipeline.publish",
        "pipeline.seeds",
        "pipeline.report",
    ),
    ("checks",),
    ("pipeline.defs",),
    ("pipeline.definitions", "pipeline.bench"),
    ("pipeline.jobrun", "pipeline.progress"),
    ("pipeline.run",),
    ("pipeline.cli",),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        else:
            yield from _imports(child)


def imported(path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules `path` imports (`from a.b import c` is `a.b.c` when that is a module,
    else `a.b`)."""
    found: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif node.module and node.level == 0:
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module
                for a in node.names
            ]
        else:
            names = []
        found |= {name for name in names if name in known}
    return found


def layer_of(module: str) -> tuple[int, str]:
    for index, layer in enumerate(LAYERS):
        for package in layer:
            if module == package or module.startswith(package + "."):
                return index, package
    return len(LAYERS), module  # pipeline/__init__.py and the like: the top


def graph() -> dict[str, set[str]]:
    known = modules()
    return {module: imported(path, known) for module, path in known.items()}


def test_every_import_goes_down_a_layer_or_stays_in_its_package() -> None:
    wrong = []
    for module, targets in graph().items():
        level, package = layer_of(module)
        for target in targets:
            target_level, target_package = layer_of(target)
            if target_package != package and target_level >= level:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_ingest_and_engine_do_not_import_each_other() -> None:
    edges = [
        f"{module} -> {target}"
        for module, targets in graph().items()
        for target in targets
        if {layer_of(module)[1], layer_of(target)[1]} == {"pipeline.ingest", "pipeline.engine"}
    ]
    assert edges == []


def test_no_module_imports_itself_back() -> None:
    edges = graph()
    cycles = []
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif not state.get(target):
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(edges):
        if not state.get(module):
            visit(module, [module])
    assert cycles == []


def test_every_module_has_a_layer() -> None:
    unplaced = [m for m in modules() if m != "pipeline" and layer_of(m)[0] == len(LAYERS)]
    assert unplaced == []
