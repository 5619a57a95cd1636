"""A roster checked in partitions (Dask) and its roster parts combined give the
roster-level results of one check of the whole, value for value."""

from __future__ import annotations

import pandas as pd
import pytest

import shequ

from conftest import EXAMPLES

P = ["xian-2023", "bijie-2017"]
D = "2024-06-30"


def big_roster() -> pd.DataFrame:
    df = pd.read_csv(EXAMPLES / "roster.csv")
    parts = []
    for k in range(40):
        x = df.copy()
        x["户数"] = x["户数"] + 37 * k
        if k % 3 == 0:
            x["区县"] = "织金县"
        parts.append(x)
    return pd.concat(parts, ignore_index=True)


def test_dask_partitions_combine_into_one_check() -> None:
    dd = pytest.importorskip("dask.dataframe")
    df = big_roster()
    whole = shequ.check(df, policies=P, as_of=D)
    ddf = dd.from_pandas(df, npartitions=7)
    assert ddf.npartitions == 7
    parts = ddf.map_partitions(
        lambda part: pd.Series([shequ.check(part, policies=P, as_of=D).part()]),
        meta=(None, object),
    ).compute(scheduler="sync")
    combined = shequ.combine(list(parts), output="pandas")
    assert combined.rows == len(df)
    pd.testing.assert_frame_equal(combined.findings, whole.roster)
    pd.testing.assert_frame_equal(combined.totals, whole.totals)
    pd.testing.assert_frame_equal(combined.summary().rules, whole.summary().rules)
    pd.testing.assert_frame_equal(combined.summary().missing_fields, whole.summary().missing_fields)
    # the per-community findings of a partition do not depend on the others
    first = ddf.get_partition(0).compute()
    alone = shequ.check(first, policies=P, as_of=D).wide
    ours = [c for c in alone.columns if c not in df.columns]
    assert len(ours) > 50
    pd.testing.assert_frame_equal(alone[ours], whole.wide.loc[first.index, ours])


def test_parts_of_other_checks_are_refused() -> None:
    df = big_roster()
    a = shequ.check(df, policies=P, as_of=D).part()
    b = shequ.check(df, policies=["xian-2023"], as_of=D).part()
    with pytest.raises(shequ.MergeError):
        shequ.combine([a, b])
