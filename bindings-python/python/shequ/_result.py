"""What a check gives back: the tables, made by the core when first asked for and handed
back as the kind of table the roster came as."""

from __future__ import annotations

import html as _html
import json as _json
from typing import Any, Dict, List, NamedTuple, Optional

from . import _convert


def _rows(table: Any) -> List[Dict[str, Any]]:
    """One of the core's tables as a list of dicts, through pyarrow or polars."""
    try:
        import pyarrow as pa

        return list(pa.table(table).to_pylist())
    except ImportError:
        import polars as pl

        return list(pl.DataFrame(table).to_dicts())


class Summary(NamedTuple):
    """The summary of a check: ``rules`` (per rule: how many communities pass, fail, are
    ambiguous, not applicable or missing data, and the total shortfall of the failures in
    the rule's unit) and ``missing_fields`` (per field missing somewhere: rows without it,
    whether it is missing everywhere, how many rules it left undecided and which)."""

    rules: Any
    missing_fields: Any


class Result:
    """A roster checked against policies.

    ``wide``: one row per community, the input's own columns then a status column per
    rule (named by the rule's id, e.g. ``xian-2023/size-households``, a categorical of
    ``pass``, ``fail``, ``ambiguous``, ``not_applicable``, ``missing_data``), a
    ``…:shortfall`` column per rule, and per money rule ``…:total_fen`` and one
    ``…:<payer>_fen`` column per payer (integer fen).

    ``findings``: the tidy long table, one row per community × rule that judges it:
    ``row`` (1-based), ``name``, the input's pass-through columns, ``policy``, ``rule``,
    ``clause``, ``status``, ``reason``, ``strength``, ``grade``, ``measure``, ``actual``
    (numbers; a decided category is in ``actual_outcome``), ``required_min``,
    ``required_max``, ``shortfall``, ``remedy_action``, ``remedy_field``,
    ``remedy_amount`` and ``quote``; :meth:`messages` adds the ``remedy`` and ``message``
    sentences.

    ``obligations``: money per community, money rule and payer, in integer fen.
    ``roster`` and ``totals``: the roster-level findings and the money totals per payer.
    :meth:`summary`: per rule and per missing field. :meth:`to_json`: the report exactly
    as ``shequ check --format json`` writes it. :meth:`part`: the roster part, to combine
    partitions (:func:`shequ.combine`).

    Figures are exact: whole numbers are ``int64``, other numbers ``decimal128`` (in
    pandas both stay Arrow-backed: ``int64[pyarrow]``, ``decimal128(38, s)[pyarrow]``), and
    a value with no finite decimal (``2/3``) an exact string; status, strength, grade and
    the like are categoricals (``category`` in pandas). The pandas index of the input is kept (the long table repeats each
    community's label on each of its rows).
    """

    def __init__(self, checked: Any, plan: Any, roster: Any, kind: str, out: str) -> None:
        self._checked = checked
        self._plan = plan
        self._roster = roster
        self._kind = kind
        self._out = out
        self._cache: Dict[str, Any] = {}

    # the input as a table of the output's kind, and its pass-through columns
    def _input(self) -> Any:
        if "input" not in self._cache:
            if self._kind == self._out and self._kind in ("pandas", "polars", "pyarrow"):
                self._cache["input"] = self._roster
            else:
                self._cache["input"] = _convert.from_arrow(self._checked.input_table(), self._out)
        return self._cache["input"]

    def _extra(self) -> List[str]:
        fields = {name for name, _ in self._checked.fields()}
        names = _convert.column_names(self._input(), self._out)
        return [n for n in names if n not in fields]

    def _index(self) -> Any:
        if self._out == "pandas" and self._kind == "pandas":
            return self._roster.index
        return None

    def __len__(self) -> int:
        return len(self._checked)

    @property
    def errors(self) -> List[Dict[str, Any]]:
        """The bad cells of a check with ``keep_going=True`` (row, column, value, message)."""
        return list(self._checked.errors())

    @property
    def wide(self) -> Any:
        """One row per community: the input's columns, then a status and a shortfall
        column per rule, and the money per payer."""
        if "wide" not in self._cache:
            w = _convert.from_arrow(self._checked.wide(), self._out)
            if self._out == "arrow":
                self._cache["wide"] = w
            else:
                self._cache["wide"] = _convert.join_columns(self._input(), w, self._out, self._index())
        return self._cache["wide"]

    def _long(self, messages: bool) -> Any:
        key = f"findings:{messages}"
        if key not in self._cache:
            t = _convert.from_arrow(self._checked.findings(messages), self._out)
            if self._out != "arrow":
                extra = self._extra()
                if extra:
                    rows = [int(r) - 1 for r in _convert.column_values(t, "row", self._out)]
                    cols = _convert.take_rows(self._input(), extra, rows, self._out)
                    t = _convert.insert_after(t, cols, 2, self._out)
                index = self._index()
                if index is not None:
                    rows = [int(r) - 1 for r in t["row"]]
                    t.index = index.take(rows)
            self._cache[key] = t
        return self._cache[key]

    @property
    def findings(self) -> Any:
        """The tidy long table (one row per community × rule), without the sentences."""
        return self._long(False)

    def messages(self) -> Any:
        """The long table with each finding's ``remedy`` and ``message`` sentences (in the
        check's language)."""
        return self._long(True)

    @property
    def obligations(self) -> Any:
        """Money per community, rule and payer: ``total_fen``, ``amount_fen`` and
        ``amount_with_excess_fen`` (integer fen; yuan = fen / 100)."""
        if "obligations" not in self._cache:
            t = _convert.from_arrow(self._checked.obligations(), self._out)
            index = self._index()
            if index is not None and len(t):
                t.index = index.take([int(r) - 1 for r in t["row"]])
            self._cache["obligations"] = t
        return self._cache["obligations"]

    @property
    def roster(self) -> Any:
        """The roster-level findings (shares, tallies, sums over the roster; per group)."""
        if "roster" not in self._cache:
            self._cache["roster"] = _convert.from_arrow(self._checked.roster(False), self._out)
        return self._cache["roster"]

    @property
    def totals(self) -> Any:
        """Money totals over the roster, per money rule and payer (fen)."""
        if "totals" not in self._cache:
            self._cache["totals"] = _convert.from_arrow(self._checked.totals(), self._out)
        return self._cache["totals"]

    def summary(self) -> Summary:
        """Per rule (counts by status, total shortfall) and per missing field."""
        rules, missing = self._checked.summary()
        return Summary(
            _convert.from_arrow(rules, self._out), _convert.from_arrow(missing, self._out)
        )

    def to_json(self, messages: bool = True) -> str:
        """The report, version 2, as ``shequ check --format json`` writes it (for a roster
        file, byte for byte)."""
        return str(self._checked.to_json(messages))

    def report(self) -> Dict[str, Any]:
        """The report as a dict (``json.loads(self.to_json())``)."""
        return dict(_json.loads(self.to_json()))

    def part(self) -> bytes:
        """This roster's roster-level part (accumulators and summary), to combine with
        the parts of the other partitions of a roster: :func:`shequ.combine`."""
        return bytes(self._checked.part())

    def plot(self, rule: Optional[str] = None, ax: Any = None) -> Any:
        """A compliance overview (needs matplotlib: ``pip install shequ[plot]``): the share
        of communities passing and failing each rule, and communities by households
        against the size band of the policy. Returns the matplotlib figure."""
        from ._plot import plot

        return plot(self, rule=rule, ax=ax)

    def _summary_rows(self) -> List[Dict[str, Any]]:
        rules, _ = self._checked.summary()
        return _rows(rules)

    def _repr_html_(self) -> str:
        try:
            rows = self._summary_rows()
            failures = self._failures_html()
        except ImportError:  # pragma: no cover - without pyarrow: plain text
            return f"<pre>{_html.escape(repr(self))}</pre>"
        head = (
            "<tr><th>rule</th><th>clause</th><th>✓ pass</th><th>✗ fail</th>"
            "<th>? ambiguous</th><th>… missing</th><th>– n/a</th><th>shortfall</th></tr>"
        )
        body = []
        for r in rows:
            fail = int(r["fail"] or 0)
            style = ' style="color:#b00020;font-weight:600"' if fail else ""
            body.append(
                f"<tr><td>{_html.escape(r['rule'])}</td><td>{_html.escape(r['clause'])}</td>"
                f"<td>{r['pass']}</td><td{style}>{fail}</td><td>{r['ambiguous']}</td>"
                f"<td>{r['missing_data']}</td><td>{r['not_applicable']}</td>"
                f"<td>{'' if r['shortfall'] is None else _html.escape(str(r['shortfall']))}</td></tr>"
            )
        return (
            f"<div><p><b>shequ</b>: {len(self)} communities, "
            f"{len(rows)} rules</p><table>{head}{''.join(body)}</table>{failures}</div>"
        )

    def _failures_html(self, limit: int = 20) -> str:
        rows = [r for r in _rows(self._checked.findings(True)) if r["status"] == "fail"]
        if not rows:
            return "<p>No failures.</p>"
        items = []
        for r in rows[:limit]:
            quote = _html.escape(r["quote"] or "", quote=True)
            who = _html.escape(r["name"] or "row {}".format(r["row"]))
            items.append(
                f'<li><span style="color:#b00020" title="{quote}">✗ {who} · '
                f"{_html.escape(r['rule'])}</span>: {_html.escape(r['message'] or '')}</li>"
            )
        more = f"<p>… and {len(rows) - limit} more failures</p>" if len(rows) > limit else ""
        return f"<p><b>Failures</b> (hover for the quoted sentence):</p><ul>{''.join(items)}</ul>{more}"

    def __repr__(self) -> str:
        return f"<shequ.Result: {len(self)} communities checked; .wide .findings .obligations .roster .totals .summary() .to_json()>"


class RosterResult:
    """The roster-level results of partitions combined (:func:`shequ.combine`)."""

    def __init__(self, roster: Any, totals: Any, rules: Any, missing: Any, rows: int, out: str) -> None:
        self._t = (roster, totals, rules, missing)
        self.rows = rows
        self._out = out

    @property
    def findings(self) -> Any:
        """The roster-level findings, as one check of the whole roster gives them."""
        return _convert.from_arrow(self._t[0], self._out)

    @property
    def totals(self) -> Any:
        """The money totals per money rule and payer."""
        return _convert.from_arrow(self._t[1], self._out)

    def summary(self) -> Summary:
        """The summary of the whole roster."""
        return Summary(_convert.from_arrow(self._t[2], self._out), _convert.from_arrow(self._t[3], self._out))
