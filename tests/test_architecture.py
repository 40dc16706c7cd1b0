"""The house's import boundaries: the pure core never touches the network or Slack or Redis."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EDGE_LIBS = {"httpx", "slack_bolt", "slack_sdk", "redis", "aiohttp", "starlette", "uvicorn", "arq"}

# (files, libraries they must not import)
RULES: list[tuple[str, set[str]]] = [
    ("bot/diagnostics/**/*.py", EDGE_LIBS),
    ("bot/render/**/*.py", EDGE_LIBS),
    ("bot/bounces/**/*.py", EDGE_LIBS),
    ("bot/recognition/**/*.py", EDGE_LIBS),
    ("bot/clocks.py", EDGE_LIBS),
    ("bot/incidents/rules.py", EDGE_LIBS),
    ("bot/incidents/lifecycle.py", EDGE_LIBS),
    ("bot/qboxmail/contract.py", EDGE_LIBS),
    ("bot/qboxmail/models.py", EDGE_LIBS),
    ("bot/qboxmail/reads.py", EDGE_LIBS),
    ("bot/qboxmail/recording.py", EDGE_LIBS),
    ("bot/doctor/shape.py", EDGE_LIBS),
    ("bot/doctor/scrub.py", EDGE_LIBS),
    ("bot/doctor/report.py", EDGE_LIBS),
    ("bot/doctor/verdicts.py", EDGE_LIBS),
    ("bot/slack/**/*.py", {"handlers", "slack_bolt"}),  # the flows never reach for the listeners
]
# (library, the only places allowed to import it)
SLACK_ADAPTER = ("handlers/", "bot/runtime/", "bot/web/", "bot/cli/serve.py")
OWNERS: list[tuple[str, tuple[str, ...]]] = [
    ("httpx", ("bot/qboxmail/",)),
    ("redis", ("bot/store/",)),
    ("slack_bolt", SLACK_ADAPTER),
]


# (package, the only bot modules it may import): text -> targets and commands stands alone
INNER: list[tuple[str, tuple[str, ...]]] = [
    ("bot/recognition", ("bot.recognition", "bot.errors", "bot.qboxmail.contract")),
    ("handlers", ("bot.slack", "bot.logs")),  # thin listeners: every flow is in bot/slack
]


def imported_bot_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found.update(n for n in names if n.startswith("bot."))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("bot."))
    return found


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def package_files() -> list[Path]:
    return [p for d in ("bot", "handlers") for p in (ROOT / d).rglob("*.py")]


@pytest.mark.parametrize(("pattern", "forbidden"), RULES, ids=[r[0] for r in RULES])
def test_pure_modules_import_no_edge_library(pattern: str, forbidden: set[str]) -> None:
    for path in ROOT.glob(pattern):
        bad = imported_roots(path) & forbidden
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize(("library", "owners"), OWNERS, ids=[o[0] for o in OWNERS])
def test_edge_library_has_one_owner(library: str, owners: tuple[str, ...]) -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in package_files()
        if library in imported_roots(p) and not str(p.relative_to(ROOT)).startswith(owners)
    ]
    assert offenders == []


@pytest.mark.parametrize("pattern", [r[0] for r in RULES])
def test_every_rule_matches_files(pattern: str) -> None:
    assert any(ROOT.glob(pattern)), f"{pattern} matches nothing: the rule checks nothing"


@pytest.mark.parametrize(("package", "allowed"), INNER, ids=[i[0] for i in INNER])
def test_package_imports_only_its_neighbours(package: str, allowed: tuple[str, ...]) -> None:
    files = list((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no modules: the rule checks nothing"
    offenders = {
        f"{p.relative_to(ROOT)}: {m}"
        for p in files
        for m in imported_bot_modules(p)
        if m not in allowed and not m.startswith(tuple(f"{a}." for a in allowed))
    }
    assert offenders == set()


# The composition root: only the entry points reach for it, and only it builds live services.
# qbx doctor's runner opens the services itself, with its own short time limits.
ENTRY_POINTS = ("bot/cli/", "bot/runtime/", "bot/__main__.py", "bot/doctor/run.py")
BUILT_ONLY_IN_RUNTIME = ("QboxmailClient", "open_store")


def test_only_the_entry_points_import_the_composition_root() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in package_files()
        if any(m.startswith("bot.runtime.") for m in imported_bot_modules(p))
        and not str(p.relative_to(ROOT)).startswith(ENTRY_POINTS)
    ]
    assert offenders == []


@pytest.mark.parametrize("name", BUILT_ONLY_IN_RUNTIME)
def test_live_services_are_built_only_by_the_composition_root(name: str) -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in package_files()
        if any(_calls(node, name) for node in ast.walk(ast.parse(p.read_text())))
        and not str(p.relative_to(ROOT)).startswith(("bot/runtime/", "bot/store/"))
    ]
    assert offenders == []


def _calls(node: ast.AST, name: str) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == name) or (
        isinstance(func, ast.Attribute) and func.attr == name
    )


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def load_time_imports(path: Path, known: set[str]) -> set[str]:
    """The project modules `path` imports when it is loaded (module level, not TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m in known}


def test_no_import_circles() -> None:
    modules = {module_name(p): p for p in package_files()}
    graph = {m: load_time_imports(p, set(modules)) for m, p in modules.items()}
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for nxt in sorted(graph[module]):
            if state.get(nxt) == 1 and not _package_face(nxt, module):
                circles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def _package_face(package: str, module: str) -> bool:
    """A package's __init__ handing on names of its own modules is not a circle."""
    return module.startswith(f"{package}.")
