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
