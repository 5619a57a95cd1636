"""Data frames in and out: pandas, polars and pyarrow give the same results, each comes
back as its own kind, missing stays missing, figures stay exact."""

from __future__ import annotations

import decimal
import math

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import shequ

from conftest import DATA, EXAMPLES

P = ["xian-2023", "bijie-2017"]
D = "2024-06-30"


def roster_pd() -> pd.DataFrame:
    return pd.read_csv(EXAMPLES / "roster.csv")


def test_each_kind_comes_back_as_itself() -> None:
    df = roster_pd()
    r_pd = shequ.check(df, policies=P, as_of=D)
    r_pl = shequ.check(pl.from_pandas(df), policies=P, as_of=D)
    r_pa = shequ.check(pa.Table.from_pandas(df, preserve_index=False), policies=P, as_of=D)
    assert isinstance(r_pd.wide, pd.DataFrame) and isinstance(r_pd.findings, pd.DataFrame)
    assert isinstance(r_pl.wide, pl.DataFrame) and isinstance(r_pl.findings, pl.DataFrame)
    assert isinstance(r_pa.wide, pa.Table) and isinstance(r_pa.findings, pa.Table)
    # the same verdicts, whatever the kind
    a = pa.table(r_pd.wide.reset_index(drop=True)).select(["xian-2023/size-households", "xian-2023/service-space"]).to_pylist()
    b = r_pl.wide.select(["xian-2023/size-households", "xian-2023/service-space"]).to_dicts()
    c = r_pa.wide.select(["xian-2023/size-households", "xian-2023/service-space"]).to_pylist()
    assert a == b == c
    assert r_pd.to_json() == r_pl.to_json() == r_pa.to_json()


def test_wide_joins_the_inputs_own_columns_and_keeps_the_index() -> None:
    df = roster_pd()
    df.index = [f"c{i}" for i in range(len(df))]
    res = shequ.check(df, policies=P, as_of=D)
    w = res.wide
    assert list(w.index) == list(df.index), "the pandas index is kept"
    assert list(w.columns[: len(df.columns)]) == list(df.columns), "the input's columns first"
    failing = w[w["xian-2023/size-households"] == "fail"]
    assert list(failing["社区名称"]) == ["西城社区", "北苑社区"]
    assert str(w["xian-2023/size-households"].dtype) == "category"
    assert list(w["xian-2023/size-households"].cat.categories) == ["pass", "fail", "ambiguous", "not_applicable", "missing_data"]
    # the long table carries each community's label and its pass-through columns
    f = res.findings
    assert set(f.index) == set(df.index)
    assert "备注" in f.columns and list(f.columns[:3]) == ["row", "name", "备注"]


def test_missing_is_never_zero_and_integral_floats_are_whole() -> None:
    df = pd.DataFrame(
        {
            "社区名称": ["甲", "乙", "丙"],
            "户数": [3200.0, float("nan"), 6200.0],  # an integer column with a gap
            "常住人口": pd.array([9800, None, 17800], dtype="Int64"),
            "社区类型": pd.Categorical(["城市", "城市", None]),
        }
    )
    res = shequ.check(df, policies=["xian-2023"], as_of=D)
    w = res.wide
    assert list(w["xian-2023/size-households"].astype(object)) == ["pass", "missing_data", "fail"]
    one = res.findings
    row2 = one[(one["row"] == 2) & (one["rule"] == "xian-2023/size-households")]
    assert row2["status"].iloc[0] == "missing_data"
    with pytest.raises(shequ.InputError) as e:
        shequ.check(pd.DataFrame({"户数": [3200.5]}), policies=["xian-2023"], as_of=D)
    assert e.value.errors()[0]["row"] == 1 and "whole" in e.value.errors()[0]["message"]


def test_polars_nulls_and_null_columns() -> None:
    df = pl.DataFrame({"户数": [6200, None], "备注": [None, None]})
    res = shequ.check(df, policies=["xian-2023"], as_of=D)
    assert res.wide["xian-2023/size-households"].to_list() == ["fail", "missing_data"]


def test_figures_are_exact() -> None:
    # 18 per 10,000 residents at 13,000 residents: 23.4 before rounding, 24 required
    res = shequ.check([{"常住人口": 13000, "社区工作者人数": 22, "社区类型": "城市"}], policies=["xian-2023"], as_of=D, output="pyarrow")
    f = res.findings.to_pylist()
    w = next(x for x in f if x["rule"] == "xian-2023/workers-per-residents")
    assert w["required_min"] == 24 and w["shortfall"] == 2 and w["remedy_amount"] == 2
    assert pa.types.is_integer(res.findings.schema.field("row").type)
    # shares are exact decimals, never floats
    res = shequ.check([{"交叉任职比例": "55%", "社区类型": "城市"}], policies=["xian-2023"], as_of=D, output="pyarrow")
    t = res.findings
    assert not any(pa.types.is_floating(f.type) for f in t.schema)
    share = next(x for x in t.to_pylist() if x["rule"] == "xian-2023/cross-appointment")
    assert share["actual"] == decimal.Decimal("0.55") and share["required_min"] == decimal.Decimal("0.6")


def test_obligations_are_in_fen() -> None:
    res = shequ.check(roster_pd(), policies=["bijie-2017"], as_of=D)
    o = res.obligations
    assert str(o["amount_fen"].dtype) == "int64[pyarrow]"
    funding = o[(o["rule"] == "bijie-2017/funding") & (o["row"] == 1)]
    assert list(funding["amount_fen"]) == [3920000, 5880000]
    t = res.totals
    city = t[(t["rule"] == "bijie-2017/funding") & (t["payer"] == "city")]
    # the roster's funding split as the command's table report gives it: 206,000.00 yuan
    assert str(t["amount_fen"].dtype) == "int64[pyarrow]"
    assert int(city["amount_fen"].iloc[0]) == 20_600_000


def test_every_input_row_appears_once_in_order() -> None:
    df = roster_pd()
    big = pd.concat([df] * 50, ignore_index=True)
    res = shequ.check(big, policies=P, as_of=D)
    assert len(res.wide) == len(big)
    assert list(res.wide["社区名称"]) == list(big["社区名称"])
    rows = res.findings["row"]
    assert rows.is_monotonic_increasing and rows.nunique() == len(big)
    assert len(res.report()["communities"]) == len(big)


def test_summary_and_roster_frames() -> None:
    res = shequ.check(roster_pd(), policies=P, as_of=D)
    s = res.summary()
    rules = s.rules.set_index("rule")
    assert rules.loc["xian-2023/size-households", "fail"] == 2
    assert rules.loc["xian-2023/size-households", "shortfall"] == 1512
    m = s.missing_fields.set_index("field")
    assert "service_space" not in m.index or m.loc["service_space", "rows_missing"] < 6
    assert len(res.roster) > 0 and "group" in res.roster.columns


def test_a_roster_file_and_json_lines() -> None:
    a = shequ.check(str(EXAMPLES / "roster.csv"), policies=P, as_of=D, output="polars")
    assert a.wide.height == 6 and "备注" in a.wide.columns
    rows = pd.read_csv(EXAMPLES / "roster.csv").to_dict("records")
    b = shequ.check(rows, policies=P, as_of=D, output="polars")
    statuses = [c for c in a.wide.columns if c.startswith("xian-2023/") and ":" not in c]
    assert a.wide.select(statuses).to_dicts() == b.wide.select(statuses).to_dicts()
    c = shequ.check(str(DATA / "huining-2020" / "communities-after.csv"), policies=["huining-2020"], as_of="2021-01-01")
    assert len(c) > 10


def test_messages_on_request() -> None:
    res = shequ.check(roster_pd(), policies=["xian-2023"], as_of=D, lang="en")
    assert "message" not in res.findings.columns
    m = res.messages()
    assert "message" in m.columns and "remedy" in m.columns
    fail = m[(m["status"] == "fail") & (m["rule"] == "xian-2023/size-households")]
    assert "split into" in fail["message"].iloc[0]
