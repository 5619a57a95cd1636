"""Shared fixtures. The tests run against the installed package (the wheel), never the
source tree: `make python-test` installs it into a fresh virtual environment."""

from __future__ import annotations

import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
EXAMPLES = ROOT / "examples"
DATA = ROOT / "data"


def pytest_configure(config: pytest.Config) -> None:
    import shequ

    here = pathlib.Path(shequ.__file__).resolve()
    src = (ROOT / "bindings-python" / "python").resolve()
    if src in here.parents and not os.environ.get("SHEQU_ALLOW_SOURCE_TREE"):
        sys.exit(f"the tests must run against the installed package, not {here}")


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def shequ_bin() -> "str | None":
    """The command built from the same sources (for comparing outputs), when given."""
    b = os.environ.get("SHEQU_BIN")
    return b if b and os.path.exists(b) else None
