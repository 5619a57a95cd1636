"""The package's calls as a user makes them: listing, explaining, linting and loading
policies, and the errors (their class, rows and columns)."""

from __future__ import annotations

import json
import os
import pathlib

import pytest

import shequ

from conftest import EXAMPLES, ROOT


def test_policies_make_a_table() -> None:
    import pandas as pd

    ps = shequ.policies()
    df = pd.DataFrame(ps)
    assert {"id", "title", "issuer", "published", "status", "rules"} <= set(df.columns)
    row = df[df["id"] == "xian-2023"].iloc[0]
    assert row["issuer"] == "西安市" and row["rules"] > 10


def test_fields_have_chinese_headers_and_units() -> None:
    fs = {f["id"]: f for f in shequ.fields()}
    assert fs["households"]["zh"] == "户数"
    assert fs["households"]["whole"] is True
    assert fs["service_space"]["unit_name"] == "m2"
    assert [v["id"] for v in fs["kind"]["values"]][:2] == ["urban", "rural"]


def test_explain_a_rule_and_a_clause() -> None:
    text = shequ.explain("xian-2023/workers-per-residents")
    assert "Y-10" in text and "18" in text
    assert shequ.explain("Y-10") == text + "\n" or "workers-per-residents" in shequ.explain("Y-10")
    en = shequ.explain("xian-2023/workers-per-residents", lang="en")
    assert "per 10000" in en or "10,000" in en or "10000" in en
    with pytest.raises(shequ.PolicyError):
        shequ.explain("no-such-thing")


POLICY = """[policy]
id = "my-town"
title = "t"
issuer = "t"
published = 2020-01-01
status = "in_force"
jurisdiction = "t"
source = "s.txt"
builds_on = ["national-rcl-2018"]

[[rule]]
id = "workers-floor"
clause = "T-1"
location = "一"
kind = "minimum"
strength = "strict"
word = "应"
quote = "社区工作者应不少于5人"
measure = "workers"
min = { value = 5, word = "不少于" }
"""


def test_load_policy_text_and_check_with_it() -> None:
    p = shequ.load_policy_text(POLICY, sources={"s.txt": "社区工作者应不少于5人。"})
    assert p.id == "my-town" and p.rules == ["my-town/workers-floor"]
    assert [d for d in p.diagnostics if d.severity == "error"] == []
    one = shequ.check_one({"社区工作者人数": 3}, policies=[p], as_of="2024-01-01")
    f = next(f for f in one["findings"] if f["rule"] == "my-town/workers-floor")
    assert f["status"] == "fail" and f["shortfall"] == 2
    # its layer is evaluated with it
    assert any(f["rule"].startswith("national-rcl-2018/") for f in one["findings"])


def test_a_quote_not_in_the_source_is_a_lint_error(tmp_path: pathlib.Path) -> None:
    p = shequ.load_policy_text(POLICY, sources={"s.txt": "别的内容"})
    assert [d.code for d in p.diagnostics if d.severity == "error"] == ["quote-not-found"]
    with pytest.raises(shequ.LintError) as e:
        shequ.load_policy_text(POLICY, sources={"s.txt": "别的内容"}, strict=True)
    assert e.value.errors()[0]["code"] == "quote-not-found"


def test_load_policy_from_a_file_reads_its_own_folder(tmp_path: pathlib.Path) -> None:
    (tmp_path / "p.toml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "s.txt").write_text("社区工作者应不少于5人。", encoding="utf-8")
    p = shequ.load_policy(tmp_path / "p.toml")
    assert p.id == "my-town"
    assert not [d for d in p.diagnostics if d.severity == "error"]
    res = shequ.check([{"workers": 6}], policy_files=[tmp_path / "p.toml"], as_of="2024-01-01", output="pyarrow")
    assert res.wide.column("my-town/workers-floor").to_pylist() == ["pass"]


def test_sources_outside_the_policy_folder_are_never_read(tmp_path: pathlib.Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET 社区工作者应不少于5人", encoding="utf-8")
    sub = tmp_path / "p"
    sub.mkdir()
    os.symlink(secret, sub / "link.txt")
    for source in [str(secret), "../secret.txt", "link.txt", "/dev/zero"]:
        (sub / "p.toml").write_text(POLICY.replace('"s.txt"', json.dumps(source)), encoding="utf-8")
        p = shequ.load_policy(sub / "p.toml")
        errs = [d for d in p.diagnostics if d.severity == "error"]
        assert [d.code for d in errs] == ["source-missing"], source
        assert "SECRET" not in " ".join(str(d) for d in p.diagnostics)
    if hasattr(os, "mkfifo"):
        os.mkfifo(sub / "pipe.txt")
        (sub / "p.toml").write_text(POLICY.replace('"s.txt"', '"pipe.txt"'), encoding="utf-8")
        p = shequ.load_policy(sub / "p.toml")
        assert "not a regular file" in " ".join(str(d) for d in p.diagnostics)


def test_lint_gives_what_the_command_gives(tmp_path: pathlib.Path) -> None:
    (tmp_path / "p.toml").write_text(POLICY.replace('word = "不少于"', 'word = "以上下"'), encoding="utf-8")
    diags = shequ.lint(tmp_path / "p.toml")
    assert diags and all(isinstance(d, shequ.Diagnostic) for d in diags)
    d = next(d for d in diags if d.code == "boundary-word")
    assert (d.line, d.severity) == (20, "error")
    assert d.to_dict()["code"] == "boundary-word"
    bundled = shequ.lint(ROOT / "policies")
    assert not [d for d in bundled if d.severity == "error"]
    assert "tier-overlap" in {d.code for d in bundled}


def test_policy_errors_carry_their_place() -> None:
    with pytest.raises(shequ.PolicyError) as e:
        shequ.load_policy_text(POLICY.replace('kind = "minimum"', 'kind = "minimun"'))
    err = e.value.errors()[0]
    assert err["code"] == "invalid-value" and err["line"] == 15
    with pytest.raises(shequ.PolicyError) as e:
        shequ.load_policy_text(POLICY.replace("national-rcl-2018", "nowhere"))
    assert e.value.errors()[0]["code"] == "unknown_layer"
    assert e.value.errors()[0]["line"] == 9
    with pytest.raises(shequ.PolicyError) as e:
        shequ.check([{"户数": 1}], policies=["xian-2024"])
    assert e.value.errors()[0]["code"] == "unknown_policy"


def test_bad_cells_are_all_reported_with_row_and_column() -> None:
    rows = [
        {"社区名称": "甲", "户数": 2000, "常住人口": 6000},
        {"社区名称": "乙", "户数": "两千", "常住人口": 6000},
        {"社区名称": "丙", "户数": -5, "常住人口": 5000.5},
    ]
    with pytest.raises(shequ.InputError) as e:
        shequ.check(rows, policies=["xian-2023"], as_of="2024-06-30")
    got = sorted((x["row"], x["column_name"]) for x in e.value.errors())
    assert got == [(2, "户数"), (3, "常住人口"), (3, "户数")]
    assert isinstance(e.value, ValueError)
    res = shequ.check(rows, policies=["xian-2023"], as_of="2024-06-30", keep_going=True, output="pyarrow")
    assert len(res) == 3, "no row is dropped"
    assert sorted((x["row"], x["column_name"]) for x in res.errors) == got
    assert res.wide.column("户数").to_pylist() == [2000, None, None]


def test_a_misspelt_column_is_refused_with_a_suggestion() -> None:
    with pytest.raises(shequ.InputError) as e:
        shequ.check({"housholds": [2000]}, policies=["xian-2023"], as_of="2024-06-30")
    err = e.value.errors()[0]
    assert err["column_name"] == "housholds" and "households" in err["help"]


def test_a_roster_file_with_bad_cells(tmp_path: pathlib.Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text("社区名称,户数\n甲,2000\n乙,x\n,\n丙,3000\n", encoding="utf-8")
    with pytest.raises(shequ.InputError) as e:
        shequ.check(p, policies=["xian-2023"], as_of="2024-06-30")
    assert [(x["line"], x["column"], x["row"]) for x in e.value.errors()] == [(3, 2, 2)]
    res = shequ.check(p, policies=["xian-2023"], as_of="2024-06-30", keep_going=True)
    rep = res.report()
    assert [c["name"] for c in rep["communities"]] == ["甲", "乙", "丙"]
    assert rep["skipped"] == [{"line": 4, "reason": "blank"}]


def test_check_one_is_a_community_of_the_report() -> None:
    c = shequ.check_one({"户数": 6200, "常住人口": 17800, "社区类型": "城市"}, policies=["xian-2023"], as_of="2024-06-30")
    assert {"index", "line", "input", "findings", "obligations", "summary"} <= set(c)
    f = next(f for f in c["findings"] if f["rule"] == "xian-2023/size-households")
    assert f["status"] == "fail" and f["remedy"]["action"] == "split"
    assert f["inputs"] == ["households"]
    assert "message" in f
    lean = shequ.check_one({"户数": 6200}, policies=["xian-2023"], as_of="2024-06-30", messages=False)
    assert all("message" not in f for f in lean["findings"])


def test_min_strength_in_chinese() -> None:
    a = shequ.check_one({"户数": 6200}, policies=["xian-2023"], as_of="2024-06-30", min_strength="应当")
    b = shequ.check_one({"户数": 6200}, policies=["xian-2023"], as_of="2024-06-30", min_strength="strict")
    assert a == b and len(a["findings"]) > 0
    with pytest.raises(ValueError):
        shequ.check_one({"户数": 6200}, policies=["xian-2023"], as_of="2024-06-30", min_strength="very")


def test_the_report_validates_against_its_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    res = shequ.check(str(EXAMPLES / "roster.csv"), policies=["xian-2023", "bijie-2017"], as_of="2024-06-30")
    jsonschema.validate(res.report(), shequ.report_schema())


def test_results_display_in_a_notebook() -> None:
    res = shequ.check(str(EXAMPLES / "roster.csv"), policies=["xian-2023"], as_of="2024-06-30")
    html = res._repr_html_()
    assert "<table>" in html and "color:#b00020" in html and 'title="' in html


def test_only_some_rules() -> None:
    res = shequ.check([{"户数": 6200}], policies=["xian-2023"], as_of="2024-06-30", rules=["xian-2023/size-households"], output="pyarrow")
    statuses = [c for c in res.wide.column_names if c.startswith("xian-2023/") and ":" not in c]
    assert statuses == ["xian-2023/size-households"]
    with pytest.raises(shequ.PolicyError) as e:
        shequ.check([{"户数": 6200}], policies=["xian-2023"], as_of="2024-06-30", rules=["xian-2023/nope"])
    assert "xian-2023/nope" in str(e.value)


def test_an_office_workbook_is_read_as_the_command_reads_it() -> None:
    book = EXAMPLES / "office-roster.xlsx"
    r = shequ.check(book, ["xian-2023", "bijie-2017"], as_of="2024-06-30", output="pandas")
    wide = r.wide
    assert len(wide) == 6, "the title, 小计 and 合计 rows are not communities"
    assert list(wide["社区名称"])[:2] == ["东关社区", "西城社区"]
    # the merged street column is read for every community it covers
    assert list(wide["所属街道"]) == ["市东街道", "市东街道", "市西街道", "红岩街道", "红岩街道", "红岩街道"]
    report = json.loads(r.to_json())
    assert report["input"]["sheet"]["name"] == "社区基本情况"
    total = [s for s in report["skipped"] if s.get("text") == "合计"][0]
    off = [c for c in total["checks"] if not c["agrees"]]
    assert [(c["field"], c["stated"], c["summed"]) for c in off] == [("households", 17588, 17488)]
    # the same sheet by position (from 0, as pandas counts) and by name
    by_pos = shequ.check(book, ["xian-2023"], sheet=1, output="pandas").wide
    by_name = shequ.check(book, ["xian-2023"], sheet="社区基本情况", output="pandas").wide
    assert len(by_pos) == len(by_name) == 6
    with pytest.raises(shequ.InputError, match="填表说明"):
        shequ.check(book, ["xian-2023"], sheet="Sheet9")


def test_assume_fills_rows_without_the_field(tmp_path: pathlib.Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text("社区名称,户数,常住人口\n甲社区,2000,6000\n", encoding="utf-8")
    r = shequ.check(p, ["xian-2023"], as_of="2024-06-30", assume={"社区类型": "城市"})
    report = json.loads(r.to_json())
    assert report["input"]["assumed"] == [{"field": "kind", "value": "城市", "rows": 1}]
    with pytest.raises(TypeError, match="roster file"):
        shequ.check([{"户数": 1}], ["xian-2023"], assume={"社区类型": "城市"})
    with pytest.raises(ValueError, match="社区类形"):
        shequ.check(p, ["xian-2023"], assume={"社区类形": "城市"})


def test_a_gbk_csv_from_chinese_excel(tmp_path: pathlib.Path) -> None:
    p = tmp_path / "gbk.csv"
    p.write_bytes("社区名称,户数\n东关社区,2000\n".encode("gbk"))
    r = shequ.check(p, ["xian-2023"], output="pandas")
    assert list(r.wide["社区名称"]) == ["东关社区"]
    assert json.loads(r.to_json())["input"]["encoding"] == "gb18030"
