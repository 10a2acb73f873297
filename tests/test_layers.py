"""The package's import graph runs one way: each stage imports only the stages before it, and no module
imports itself back through others. The order is the one README's "Development" section and each
package's docstring state. An import made only for type annotations (under `if TYPE_CHECKING:`) counts
for the stages, not as a cycle: Python never runs it."""

from __future__ import annotations

import ast
from pathlib import Path

import generator

PACKAGE = Path(generator.__file__).parent

# Each stage may import the ones before it and itself.
STAGES = ("model", "read", "check", "site", "render", "importer", "build", "preview", "commands")
TOP = {"generator": "model", "generator.cli": "commands", "generator.__main__": "commands"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> str | None:
    if module in TOP:
        return TOP[module]
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(module: str, path: Path, known: set[str], typing: bool = True) -> set[str]:
    """The generator modules `module` imports anywhere in its file (a function's import counts too);
    with typing=False, not those imported for annotations only."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for_typing = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        for statement in node.body
        for inner in ast.walk(statement)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if not typing and id(node) in for_typing:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def graph(typing: bool = True) -> dict[str, set[str]]:
    found = modules()
    return {module: imported(module, path, set(found), typing) for module, path in found.items()}


def test_every_module_belongs_to_a_stage():
    assert [module for module in modules() if stage_of(module) is None] == []


def test_no_stage_imports_a_later_one():
    wrong = []
    for module, targets in graph().items():
        rank = STAGES.index(stage_of(module))
        wrong += [f"{module} -> {target}" for target in sorted(targets) if STAGES.index(stage_of(target)) > rank]
    assert wrong == []


def test_no_import_cycle():
    edges = graph(typing=False)
    done: set[str] = set()
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycles.append(" -> ".join(path[path.index(module) :] + [module]))
            return
        if module in done:
            return
        for target in sorted(edges[module]):
            # a package's __init__ re-exporting its own modules is not a cycle through them
            if not target.startswith(module + "."):
                visit(target, [*path, module])
        done.add(module)

    for module in sorted(edges):
        visit(module, [])
    assert cycles == []


def test_each_stage_says_what_it_owns_and_may_import():
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "May import" in doc, stage
