"""One-way imports (issue 9, item 8 "Layout"): no module of the project is on an import cycle.

The import graph is read from the source with ``ast`` (nothing is imported): every ``import`` and
``from ... import`` naming a module under ``wargame/`` or ``agents/`` is an arrow, wherever it stands: at
module level, inside a function or method, or under ``if TYPE_CHECKING:``. ``from package import name``
points at the submodule ``package.name`` when there is one, else at the package's ``__init__``. The implicit
import of a module's parent packages is not an arrow (Python runs a package's ``__init__`` first, and an
``__init__`` that re-exports its submodules is no cycle).

Covered: every module under ``wargame/`` and ``agents/`` (:data:`KNOWN_CYCLES` is empty), i.e.

* ``wargame.batch.*``, ``wargame.cli`` and ``wargame.cli_args``, made acyclic in issue 9: the results type
  ``BatchResult`` (and ``load_results``) moved from ``wargame.batch.api`` to ``wargame.batch.results``,
  which sits above ``report`` and ``sensitivity`` (they read it through the ``BatchData`` protocol), and
  ``seed_arg`` moved from ``wargame.cli`` to ``wargame.cli_args``, which both CLIs import;
* ``wargame.tabletop.charts`` and ``network_map``: the charts' shared look (``FIG_SIZE``, ``DPI``, the
  colours, matplotlib's setup) moved to ``wargame.tabletop.chart_style``, which both import (``charts``
  still offers the names);
* ``wargame.tabletop.page``, ``room_page`` and ``console_view``: ``ScrollToTop`` and ``SafeArea`` moved from
  ``page`` to ``wargame.tabletop.page_widgets``, which ``page`` and ``console_view`` both import;
* the agents and the model: ``agents.base``, ``wargame.observation`` and ``wargame.scoring`` no longer import
  ``wargame.model`` (not even under ``TYPE_CHECKING``), and the model's parts (``wargame.runs``, ``season``,
  ``adjudication``, ``flows``, ``smuggling``, ``reporters``) import neither the model nor each other in a
  circle;
* every other module (``wargame.scenario``, ``decisions``, ``gamelog``, ``policies``, ``mechanics``,
  ``parameters``, ... and the rest of ``wargame.tabletop``).

:data:`KNOWN_CYCLES` is where a cycle found and not yet fixed would be listed;
:func:`test_known_cycles_are_still_cycles` then fails once it is fixed, so coverage only grows.
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("wargame", "agents")

#: Modules on an import cycle that is known and not fixed yet (none today); every other module must be on none.
KNOWN_CYCLES: frozenset[str] = frozenset()

Edge = tuple[str, str]


def project_modules(root: Path, packages: tuple[str, ...]) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package ``__init__``) for every ``.py`` file of the packages."""
    modules: dict[str, tuple[Path, bool]] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            modules[".".join(parts)] = (path, is_package)
    return modules


def _owner(name: str, modules: dict[str, tuple[Path, bool]]) -> str | None:
    """The longest project module that ``name`` is or lies in (``a.b.func`` -> ``a.b``), or None."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(root: Path, packages: tuple[str, ...] = PACKAGES) -> tuple[dict[str, set[str]], dict[Edge, str]]:
    """Arrows between project modules, from every import statement anywhere in each file.

    Returns:
        ``(graph, where)``: module -> modules it imports, and ``(importer, imported)`` -> ``"file:line"`` of
        the first such import.

    """
    modules = project_modules(root, packages)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    where: dict[Edge, str] = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                           for alias in node.names]
            else:
                continue
            for target in targets:
                imported = _owner(target, modules)
                if imported is not None and imported != name:
                    graph[name].add(imported)
                    where.setdefault((name, imported), f"{path.relative_to(root)}:{node.lineno}")
    return graph, where


def shortest_cycle(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """The shortest import path from ``start`` back to itself (``[start, ..., start]``), or None."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node]):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return None


def describe(cycle: list[str], where: dict[Edge, str]) -> str:
    """``a -> b (a.py:3) -> a (b.py:9)``: the cycle with the file and line of each import."""
    steps = [cycle[0]] + [f"{b} ({where[(a, b)]})" for a, b in zip(cycle, cycle[1:], strict=False)]
    return " -> ".join(steps)


def cycles(graph: dict[str, set[str]], where: dict[Edge, str], modules: set[str]) -> dict[str, str]:
    """For each of ``modules`` that is on an import cycle, the shortest such cycle, described."""
    found = {name: shortest_cycle(graph, name) for name in sorted(modules)}
    return {name: describe(cycle, where) for name, cycle in found.items() if cycle}


def test_no_module_outside_the_known_cycles_is_on_an_import_cycle():
    graph, where = import_graph(ROOT)
    covered = set(graph) - KNOWN_CYCLES
    assert {"wargame.batch.api", "wargame.batch.results", "wargame.batch.report", "wargame.batch.sensitivity",
            "wargame.batch.cli", "wargame.cli", "wargame.cli_args", "wargame.scenario",
            "wargame.tabletop.charts", "wargame.tabletop.network_map", "wargame.tabletop.chart_style",
            "wargame.tabletop.page", "wargame.tabletop.room_page", "wargame.tabletop.console_view",
            "wargame.tabletop.page_widgets"} <= covered
    bad = cycles(graph, where, covered)
    assert not bad, "import cycles (imports must run one way):\n" + "\n".join(sorted(set(bad.values())))


def test_known_cycles_are_still_cycles():
    """A module whose cycle was fixed must leave KNOWN_CYCLES, so the test above covers it from then on."""
    graph, where = import_graph(ROOT)
    assert KNOWN_CYCLES <= set(graph), f"not modules any more: {sorted(KNOWN_CYCLES - set(graph))}"
    fixed = sorted(KNOWN_CYCLES - set(cycles(graph, where, set(KNOWN_CYCLES))))
    assert not fixed, f"no longer on an import cycle, remove from KNOWN_CYCLES: {', '.join(fixed)}"


def test_the_checker_sees_function_level_and_type_checking_imports(tmp_path):
    pkg = tmp_path / "wargame"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "from wargame.a import A\n",  # a package re-exporting its submodule: no cycle
        "a.py": "A = 1\n\ndef f():\n    from wargame.sub import b\n    return b\n",
        "sub/__init__.py": "",
        "sub/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..c import C\n",
        "c.py": "import wargame.a as a_mod\nC = 2\n",
        "d.py": "from wargame import a\nfrom wargame.sub.b import nothing\nimport os\n",
    }
    for name, text in files.items():
        (pkg / name).write_text(text, encoding="utf-8")
    graph, where = import_graph(tmp_path, ("wargame",))
    assert graph == {"wargame": {"wargame.a"}, "wargame.a": {"wargame.sub.b"}, "wargame.sub": set(),
                     "wargame.sub.b": {"wargame.c"}, "wargame.c": {"wargame.a"},
                     "wargame.d": {"wargame.a", "wargame.sub.b"}}
    found = cycles(graph, where, set(graph))
    assert found.keys() == {"wargame.a", "wargame.sub.b", "wargame.c"}
    assert found["wargame.a"] == ("wargame.a -> wargame.sub.b (wargame/a.py:4) -> wargame.c (wargame/sub/b.py:3) "
                                  "-> wargame.a (wargame/c.py:1)")
