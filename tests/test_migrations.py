"""Migrations never import app code: they must replay the same way whatever the apps become."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {
    "accounts", "community", "config", "core", "demo", "discussion", "frontend", "ideas", "moderation", "notifications",
    "pipeline", "voting",
}  # fmt: skip
MIGRATIONS = sorted(path for path in ROOT.glob("*/migrations/0*.py"))


def _imported_packages(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_there_are_migrations_to_check():
    assert len(MIGRATIONS) >= 5


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_migration_imports_no_app_code(path):
    assert not _imported_packages(path) & FIRST_PARTY
