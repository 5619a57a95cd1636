"""shequ (社区): Chinese urban-community governance policy as checkable data.

Check a whole roster (a pandas or polars DataFrame, a pyarrow Table, any object with
``__arrow_c_stream__``, a list of dicts, a dict of lists, or a CSV/TSV/JSON/JSON Lines
file) against the bundled policies or your own, and get the findings back as tables of
the kind you gave: every verdict graded by how binding its wording is, with the sentence
it comes from, what would make the community pass, and money owed by whom, in fen.

>>> import shequ
>>> res = shequ.check(
...     [{"社区名称": "西城", "户数": 6200, "常住人口": 17800, "社区类型": "城市"}],
...     policies=["xian-2023"], as_of="2024-06-30", output="arrow")
>>> import pyarrow as pa
>>> pa.table(res.wide).column("xian-2023/size-households").to_pylist()
['fail']
>>> one = shequ.check_one({"户数": 6200}, policies=["xian-2023"], as_of="2024-06-30")
>>> [f["status"] for f in one["findings"] if f["rule"] == "xian-2023/size-households"]
['fail']

Every decision is made by the Rust core (the same one the ``shequ`` command and the
browser package use); this package converts tables in and out.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
import os as _os
from dataclasses import dataclass as _dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from . import _convert
from . import _native
from ._result import Result, RosterResult, Summary
from .errors import InputError, LintError, MergeError, PolicyError, ShequError

__version__: str = _native.__version__

__all__ = [
    "Diagnostic",
    "InputError",
    "LintError",
    "MergeError",
    "Policy",
    "PolicyError",
    "Result",
    "RosterResult",
    "ShequError",
    "Summary",
    "__version__",
    "check",
    "check_one",
    "combine",
    "explain",
    "fields",
    "lint",
    "lint_text",
    "load_policy",
    "load_policy_text",
    "policies",
    "report_schema",
]

PathLike = Union[str, "_os.PathLike[str]"]


def policies() -> List[Dict[str, Any]]:
    """The bundled policies: ``id``, ``title``, ``title_en``, ``issuer``,
    ``document_number``, ``published`` (ISO date), ``status``, ``jurisdiction``,
    ``builds_on``, ``rules`` (count) and ``not_checkable``.

    >>> import shequ
    >>> "xian-2023" in [p["id"] for p in shequ.policies()]
    True

    ``pandas.DataFrame(shequ.policies())`` makes a table of them.
    """
    return list(_json.loads(_native.policies_json()))


def fields() -> List[Dict[str, Any]]:
    """The fields a roster can carry: ``id``, ``zh`` (the usual Chinese header), ``en``,
    ``aliases`` (other headers accepted), ``unit``, ``unit_name``, ``whole`` and, for
    categories, ``values`` (each with its ``id`` and Chinese words).

    >>> import shequ
    >>> [f["zh"] for f in shequ.fields() if f["id"] == "households"]
    ['户数']
    """
    return list(_json.loads(_native.fields_json()))


def report_schema() -> Dict[str, Any]:
    """The JSON Schema of the report (``Result.to_json()``, ``shequ check --format json``)."""
    return dict(_json.loads(_native.REPORT_SCHEMA))


@_dataclass(frozen=True)
class Diagnostic:
    """One thing the compiler or linter found in a policy file, with its place."""

    code: str
    severity: str
    file: str
    line: int
    column: int
    message: str
    help: Optional[str] = None
    policy: Optional[str] = None
    rule: Optional[str] = None

    def __str__(self) -> str:
        s = f"{self.file}:{self.line}:{self.column}: {self.severity}[{self.code}]: "
        if self.rule:
            s += f"rule `{self.rule}`: "
        s += self.message
        if self.help:
            s += f"\n  help: {self.help}"
        return s

    def to_dict(self) -> Dict[str, Any]:
        """The diagnostic as ``shequ lint --format json`` writes it."""
        return dict(self.__dict__)


def _diagnostics(raw: Iterable[Mapping[str, Any]]) -> List[Diagnostic]:
    return [Diagnostic(**dict(d)) for d in raw]


class Policy:
    """A policy of your own, loaded through the core's loader: pass it to :func:`check`
    in ``policies=[...]``. Its ``builds_on`` layers are found among the bundled policies
    and the other policies given with it."""

    def __init__(self, name: str, text: str, sources: Optional[Dict[str, str]]) -> None:
        self.name = name
        self.text = text
        self.sources = sources
        plan = _native.Plan([], [(name, text, sources)], "2000-01-01")
        self.diagnostics: List[Diagnostic] = _diagnostics(plan.diagnostics())
        ids = plan.policy_ids()
        head = _json.loads(plan.head_json())
        mine = [p for p in head["policies"] if p["file"] == name]
        self.id: str = mine[0]["id"] if mine else ids[-1]
        self.title: str = mine[0]["title"] if mine else ""
        self.rules: List[str] = [r["id"] for r in head["rules"] if r["policy"] == self.id]

    def __repr__(self) -> str:
        return f"<shequ.Policy {self.id} ({self.name}): {len(self.rules)} rules>"


def _strict(p: Policy, strict: bool) -> Policy:
    errors = [d for d in p.diagnostics if d.severity == "error"]
    if strict and errors:
        raise LintError(
            "\n".join(str(d) for d in errors), [d.to_dict() for d in errors]
        )
    return p


def load_policy(path: PathLike, *, strict: bool = False) -> Policy:
    """Loads a policy file of your own as the command does: a regular UTF-8 file of at
    most 4 MiB; its ``source`` read only from its own folder; its ``builds_on`` layers
    resolved. Errors raise :class:`PolicyError` (each with file, line and column); lint
    findings are in ``.diagnostics`` (with ``strict=True`` lint errors raise
    :class:`LintError`)."""
    name, text = _native.read_policy_file(_os.fspath(path))
    return _strict(Policy(name, text, None), strict)


def load_policy_text(
    text: str,
    sources: Optional[Mapping[str, str]] = None,
    *,
    name: str = "policy.toml",
    strict: bool = False,
) -> Policy:
    """Loads a policy from its text; ``sources`` maps the names its ``source`` may take
    (`sources/x.txt` or `x.txt`) to the source texts it quotes."""
    return _strict(Policy(name, text, dict(sources or {})), strict)


def lint(path: Union[PathLike, Sequence[PathLike]]) -> List[Diagnostic]:
    """Lints policy files (or folders of them) as ``shequ lint --format json`` does."""
    paths = [path] if isinstance(path, (str, _os.PathLike)) else list(path)
    return _diagnostics(_native.lint_paths([_os.fspath(p) for p in paths]))


def lint_text(
    text: str, sources: Optional[Mapping[str, str]] = None, *, name: str = "policy.toml"
) -> List[Diagnostic]:
    """Lints a policy text, its quotes checked against the ``sources`` given.

    >>> import shequ
    >>> [d.code for d in shequ.lint_text("[policy]\\nid = 1\\n")]
    ['invalid-value']
    """
    return _diagnostics(_native.lint_text(text, dict(sources or {}), name))


def explain(
    target: str,
    lang: str = "zh",
    policies: Sequence[Union[str, Policy]] = (),
) -> str:
    """What a rule requires, in words, with its quote and reading: ``policy/rule``,
    ``policy`` (all its rules), ``policy/CLAUSE`` or a clause ID such as ``Y-10``.

    >>> import shequ
    >>> "Y-10" in shequ.explain("xian-2023/workers-per-residents")
    True
    """
    bundled, texts = _split(policies)
    return str(_native.explain(target, lang, bundled, texts))


def _split(policies: Sequence[Union[str, Policy]]) -> Any:
    if isinstance(policies, (str, Policy)):
        policies = [policies]
    bundled: List[str] = []
    texts: List[Any] = []
    for p in policies:
        if isinstance(p, Policy):
            texts.append((p.name, p.text, p.sources))
        elif isinstance(p, str):
            bundled.append(p)
        else:
            raise TypeError(f"a policy is a bundled id or a shequ.Policy, not {type(p).__name__}")
    return bundled, texts


def _plan(
    policies: Sequence[Union[str, Policy]],
    policy_files: Sequence[PathLike],
    as_of: Union[None, str, _dt.date],
    lang: str,
    min_strength: Optional[str],
    allow_not_in_force: bool,
    rules: Optional[Sequence[str]] = None,
) -> Any:
    bundled, texts = _split(policies)
    for f in policy_files:
        p = load_policy(f)
        texts.append((p.name, p.text, None))
    if not bundled and not texts:
        raise ValueError(
            "name at least one policy: policies=['xian-2023', …] (see shequ.policies()) "
            "or policy_files=['my-policy.toml']"
        )
    day = as_of.isoformat() if isinstance(as_of, _dt.date) else as_of
    if day is None:
        day = _dt.date.today().isoformat()
    return _native.Plan(
        bundled, texts, day, lang, min_strength, allow_not_in_force, None if rules is None else list(rules)
    )


def check(
    roster: Any,
    policies: Sequence[Union[str, Policy]] = (),
    policy_files: Sequence[PathLike] = (),
    as_of: Union[None, str, _dt.date] = None,
    lang: str = "zh",
    min_strength: Optional[str] = None,
    allow_not_in_force: bool = False,
    *,
    keep_going: bool = False,
    threads: int = 1,
    output: Optional[str] = None,
    format: Optional[str] = None,
    rules: Optional[Sequence[str]] = None,
    sheet: Union[None, str, int] = None,
    encoding: Optional[str] = None,
    assume: Optional[Mapping[str, Any]] = None,
) -> Result:
    """Checks a roster against policies and returns a :class:`Result`.

    ``roster``: a pandas DataFrame (through pyarrow), a polars DataFrame, a pyarrow Table
    or RecordBatchReader, any object with ``__arrow_c_stream__``, a list of dicts, a dict
    of lists, or the path of a roster file: CSV/TSV/JSON/JSON Lines, or an Excel
    (``.xlsx``, ``.xls``, ``.xlsb``) or OpenDocument (``.ods``) workbook (``format`` when
    its name does not say). Columns are field ids or Chinese headers (``shequ.fields()``);
    other columns pass through. NaN, None and nulls are missing data, never zero.

    A file is read as the command reads it: the header row found below any title rows,
    sum rows (合计, 小计 …) and blank rows skipped and reported, GB18030 and UTF-16 text
    detected (``encoding`` to say which), ``sheet`` a sheet's name or its position from 0
    (default: the first sheet that holds a roster). ``assume``: values for the rows that
    lack a field, such as ``{"社区类型": "城市"}`` (the report says they were assumed).

    ``policies``: bundled ids (``shequ.policies()``) and :class:`Policy` objects;
    ``policy_files``: paths of policy files. ``as_of``: the date of the check (default:
    today). ``lang``: ``zh`` or ``en``. ``min_strength``: keep only rules at least this
    binding (``strict``, ``应当`` …). ``allow_not_in_force``: evaluate drafts and
    documents not in force too.

    Bad cells raise :class:`InputError` listing every one (row, column, value, what was
    expected); ``keep_going=True`` checks the rows with the bad cells missing and lists
    them in ``Result.errors``. ``threads``: the core's threads for the wide table.
    ``output``: ``pandas``, ``polars``, ``pyarrow`` or ``arrow`` (default: the input's
    kind, pyarrow for the others). ``rules``: check only these rules (ids ``policy/rule``).
    """
    plan = _plan(policies, policy_files, as_of, lang, min_strength, allow_not_in_force, rules)
    kind = _convert.kind_of(roster)
    out = _convert.output_kind(kind, output)
    if kind != "path" and (sheet is not None or encoding is not None or assume):
        raise TypeError("sheet, encoding and assume apply to a roster file (a path)")
    if kind == "path":
        pairs = [(str(k), _assumed_text(v)) for k, v in (assume or {}).items()]
        checked = plan.check_path(
            _os.fspath(roster), format, keep_going, threads, sheet, encoding, pairs
        )
    elif kind == "python":
        data = list(roster) if isinstance(roster, tuple) else roster
        checked = plan.check_python(data, keep_going, threads)
    else:
        checked = plan.check_arrow(_convert.to_stream(roster, kind), keep_going, threads)
    return Result(checked, plan, roster, kind, out)


def _assumed_text(v: Any) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    return str(v)


def check_one(
    community: Mapping[str, Any],
    policies: Sequence[Union[str, Policy]] = (),
    policy_files: Sequence[PathLike] = (),
    as_of: Union[None, str, _dt.date] = None,
    lang: str = "zh",
    min_strength: Optional[str] = None,
    allow_not_in_force: bool = False,
    *,
    messages: bool = True,
) -> Dict[str, Any]:
    """Checks one community given as a dict (field ids or Chinese headers) and returns a
    dict with the same fields as one community of the report (``findings``,
    ``obligations``, ``summary`` …); ``messages=False`` leaves the sentences out."""
    plan = _plan(policies, policy_files, as_of, lang, min_strength, allow_not_in_force)
    return dict(_json.loads(plan.check_one(dict(community), messages)))


def combine(parts: Iterable[bytes], output: Optional[str] = None) -> RosterResult:
    """Combines the roster parts of a roster checked in partitions (``Result.part()``,
    in the partitions' order) into the roster-level results of one check of the whole:
    the same findings, money totals and summary, value for value.

    With Dask::

        parts = ddf.map_partitions(
            lambda df: pd.Series([shequ.check(df, policies=P, as_of=D).part()]),
            meta=(None, object)).compute()
        roster = shequ.combine(parts)
    """
    raw = [bytes(p) for p in parts]
    roster, totals, rules, missing, rows = _native.combine(raw)
    return RosterResult(roster, totals, rules, missing, rows, _convert.output_kind("arrow", output))
