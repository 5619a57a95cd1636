"""The package's stubs (`shequ/_native.pyi`) and inline types match what is installed:
`mypy.stubtest` (run from outside the source tree, so it reads the installed package)."""

from __future__ import annotations

import subprocess
import sys
import tempfile

import pytest


def test_stubtest() -> None:
    pytest.importorskip("mypy")
    with tempfile.TemporaryDirectory() as d:
        # pandas, pyarrow and matplotlib ship no types: the package's own are checked
        cfg = f"{d}/mypy.ini"
        with open(cfg, "w") as f:
            f.write("[mypy]\nignore_missing_imports = True\n")
        out = subprocess.run(
            [sys.executable, "-m", "mypy.stubtest", "shequ", "--mypy-config-file", cfg],
            cwd=d,
            capture_output=True,
            text=True,
        )
    assert out.returncode == 0, out.stdout + out.stderr


def test_typed_marker_is_installed() -> None:
    import importlib.resources

    assert (importlib.resources.files("shequ") / "py.typed").is_file()
