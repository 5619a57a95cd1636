"""The package's exceptions. Every error of the core maps to one of these classes (in
one place, ``src/errors.rs``), and each carries its details as dicts: ``e.errors()``.

>>> import shequ
>>> try:
...     shequ.check([{"户数": "x"}], policies=["xian-2023"], as_of="2024-06-30")
... except shequ.InputError as e:
...     print(e.errors()[0]["column_name"], e.errors()[0]["row"])
户数 1
"""

from __future__ import annotations

from typing import Any, Dict, List

__all__ = [
    "ShequError",
    "PolicyError",
    "LintError",
    "InputError",
    "MergeError",
]


class ShequError(Exception):
    """Any error of shequ. ``errors()`` lists the details: dicts with (where known) a
    ``code``, ``message``, ``help``, the ``file``, ``line`` and ``column``, the ``row`` and
    ``column_name`` of a table, the ``field`` and the ``value`` at fault."""

    def __init__(self, message: str, errors: "List[Dict[str, Any]] | None" = None) -> None:
        super().__init__(message)
        self._errors: List[Dict[str, Any]] = list(errors or [])

    def errors(self) -> List[Dict[str, Any]]:
        """Every problem found, as dicts (a copy)."""
        return [dict(e) for e in self._errors]


class PolicyError(ShequError):
    """A policy cannot be loaded: a file with errors (each diagnostic with its line and
    column), an unknown policy id, a layer (``builds_on``) that resolves to nothing, a
    circle of layers, the same id twice, an unreadable file."""


class LintError(PolicyError):
    """A policy loads but its lint found errors (a quote not in its source text, a
    source that cannot be read) and ``strict=True`` was asked for."""


class InputError(ShequError, ValueError):
    """A roster cannot be read as it is: every bad cell (row, column, value, what was
    expected) or a column whose name cannot be used (a misspelt field, a wrong unit).
    Pass ``keep_going=True`` to check the rows with the bad cells counted as missing."""


class MergeError(ShequError):
    """Roster parts from different checks (other policies, date or options) cannot be
    combined."""
