"""Properties over random rosters (hypothesis): a frame gives what its rows give one by
one, and pandas, polars and Arrow inputs give identical results."""

from __future__ import annotations

from typing import Any, Dict, List

import pandas as pd
import polars as pl
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shequ

P = ["xian-2023", "bijie-2017"]
D = "2024-06-30"

maybe = lambda s: st.one_of(st.none(), s)  # noqa: E731

community = st.fixed_dictionaries(
    {
        "households": maybe(st.integers(0, 20_000)),
        "residents": maybe(st.integers(0, 60_000)),
        "registered_residents": maybe(st.integers(0, 60_000)),
        "service_space": maybe(st.integers(0, 4_000)),
        "activity_space": maybe(st.integers(0, 2_000)),
        "workers": maybe(st.integers(0, 80)),
        "committee_members": maybe(st.integers(0, 15)),
        "kind": maybe(st.sampled_from(["urban", "rural", "village_converted", "non_urban"])),
        "is_new": maybe(st.booleans()),
    }
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def findings_of(report: Dict[str, Any]) -> List[List[Any]]:
    return [
        [(f["rule"], f["status"], f.get("shortfall"), (f.get("remedy") or {}).get("action")) for f in c["findings"]]
        + [(o["rule"], o["status"], (o.get("total") or {}).get("fen")) for o in c["obligations"]]
        for c in report["communities"]
    ]


@SETTINGS
@given(st.lists(community, min_size=1, max_size=12))
def test_a_frame_gives_what_its_rows_give_one_by_one(rows: List[Dict[str, Any]]) -> None:
    res = shequ.check(rows, policies=P, as_of=D)
    whole = findings_of(res.report())
    singles = [
        findings_of({"communities": [shequ.check_one({k: v for k, v in r.items() if v is not None}, policies=P, as_of=D, messages=False)]})[0]
        for r in rows
    ]
    assert whole == singles


@SETTINGS
@given(st.lists(community, min_size=1, max_size=12))
def test_pandas_polars_and_arrow_agree(rows: List[Dict[str, Any]]) -> None:
    cols = {k: [r[k] for r in rows] for k in rows[0]}
    table = pa.table({k: pa.array(v) for k, v in cols.items()})
    frame = table.to_pandas()  # integers with gaps become floats, as pandas has them
    a = shequ.check(frame, policies=P, as_of=D).to_json(messages=False)
    b = shequ.check(pl.from_arrow(table), policies=P, as_of=D).to_json(messages=False)
    c = shequ.check(table, policies=P, as_of=D).to_json(messages=False)
    d = shequ.check(cols, policies=P, as_of=D).to_json(messages=False)
    assert a == b == c == d
    # the wide table (the batch kernels) says what the long table (the evaluator) says
    res = shequ.check(table, policies=P, as_of=D, output="pyarrow")
    wide = res.wide
    long = res.findings.to_pylist()
    for f in long:
        col = wide.column(f["rule"]).to_pylist() if f["rule"] in wide.column_names else None
        if col is not None:
            assert col[f["row"] - 1] == f["status"], f
