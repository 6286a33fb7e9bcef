"""Imports flow one way: the contracts in pyproject.toml's [tool.importlinter], checked by import-linter."""

from pathlib import Path

from importlinter.cli import lint_imports

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_hold(monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.syspath_prepend(str(REPO))
    assert lint_imports(config_filename=str(REPO / "pyproject.toml"), no_cache=True) == 0
