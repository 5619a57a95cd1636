"""Writes `audit-huining.ipynb` and executes it, keeping its outputs for readers
(`make python-notebook`). The test suite executes the notebook again, so it cannot rot."""

from __future__ import annotations

import pathlib
import sys

import nbformat
from nbclient import NotebookClient

HERE = pathlib.Path(__file__).resolve().parent

cells = [
    ("md", """# 会宁县城市社区调整优化 — auditing a roster with shequ

会宁县's 2020 plan (《会宁县城市社区调整优化工作实施方案》) sets the size of an urban community,
and lists the communities before and after the re-division it orders. This notebook checks
both rosters against the plan (and the national layer it builds on) with `shequ`: load,
check, the summary, the failing communities, money by payer, and a plot.

Every verdict comes from the Rust core that the `shequ` command and the browser package
use; this package only converts the tables."""),
    ("code", """import pathlib
import pandas as pd
import shequ

ROOT = pathlib.Path("..", "..")  # the repository, seen from bindings-python/examples
DATA = ROOT / "data" / "huining-2020"
shequ.__version__"""),
    ("md", """## The policy

`shequ.policies()` lists the bundled documents; `shequ.explain` says what a rule requires,
with the sentence it quotes."""),
    ("code", """pd.DataFrame(shequ.policies())[["id", "title", "issuer", "published", "status", "rules"]]"""),
    ("code", """print(shequ.explain("huining-2020/size-households"))"""),
    ("md", """## The roster after the re-division

The roster is the plan's own table of communities (`data/huining-2020/communities-after.csv`),
with Chinese headers as the document prints them."""),
    ("code", """after = pd.read_csv(DATA / "communities-after.csv")
after[["社区名称", "区县", "户数", "常住人口", "居民小组数"]].head()"""),
    ("code", """res = shequ.check(after, policies=["huining-2020"], as_of="2021-06-30")
res"""),
    ("md", """### The summary

Per rule: how many communities pass, fail, are ambiguous, lack data or are not concerned,
and the total shortfall of the failures in the rule's unit. Then the fields the roster
lacks everywhere, and how many rules each leaves undecided."""),
    ("code", """s = res.summary()
s.rules[["rule", "clause", "pass", "fail", "ambiguous", "missing_data", "not_applicable", "shortfall"]]"""),
    ("code", """s.missing_fields[["field", "header", "rows_missing", "missing_everywhere", "rules_blocked"]]"""),
    ("md", """### The failing communities

`res.wide` is the input with a status and a shortfall column per rule; `res.messages()` the
long table with each finding's sentence."""),
    ("code", """w = res.wide
w[w["huining-2020/size-households"] == "fail"][["社区名称", "户数", "huining-2020/size-households:shortfall"]]"""),
    ("code", """m = res.messages()
m[m["status"] == "fail"][["name", "rule", "grade", "message"]]"""),
    ("md", """## The roster before: which communities the plan orders to adjust

H-2: 「重点对3000户以上的大型社区……进行适当调整」. Checked against the roster before the
re-division, exactly the four communities the plan names are flagged."""),
    ("code", """before = pd.read_csv(DATA / "communities-before.csv")
rb = shequ.check(before, policies=["huining-2020"], as_of="2021-06-30")
wb = rb.wide
wb[wb["huining-2020/large-community-adjustment"] == "fail"][["社区名称", "户数", "huining-2020/large-community-adjustment:shortfall"]]"""),
    ("md", """## Money by payer

会宁's plan sets no funding standard, so the check finds no obligations for its
communities:"""),
    ("code", """res.obligations"""),
    ("md", """Where a document does set one, `res.obligations` has each community's amount per payer
and `res.totals` the roster's, in integer fen. 毕节's 2017 opinions (10 yuan per registered
resident plus 50,000 yuan per community, city 4 : county 6), on the sample roster of 毕节
communities:"""),
    ("code", """bj = shequ.check(str(ROOT / "examples" / "roster.csv"), policies=["bijie-2017"], as_of="2024-06-30", output="pandas")
t = bj.totals
from decimal import Decimal
t = t[t["rule"] == "bijie-2017/funding"].assign(yuan=lambda d: [Decimal(int(f)) / 100 for f in d["amount_fen"]])
t[["payer", "payer_name", "amount_fen", "yuan", "communities_counted", "communities_missing_data"]]"""),
    ("md", """## A plot

Pass/fail per rule, and the communities by households against the plan's size band."""),
    ("code", """fig = res.plot()"""),
]

nb = nbformat.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb.cells = [
    nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
    for kind, src in cells
]
target = HERE / "audit-huining.ipynb"
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
nbformat.write(nb, target)
print(f"wrote {target}", file=sys.stderr)
