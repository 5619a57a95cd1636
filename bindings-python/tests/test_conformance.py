"""The language-neutral conformance corpus (`tests/cases/*.json`), through the Python
package: the same comparisons as the Rust runner (`core/tests/conformance.rs`), case by
case; and, when the command is at hand, each case's community exactly as the command's
JSON report has it."""

from __future__ import annotations

import json
import pathlib
import subprocess
from fractions import Fraction
from typing import Any, Dict, List, Optional

import pytest

import shequ

from conftest import CASES


def num(v: Any) -> Fraction:
    if isinstance(v, bool):
        raise AssertionError(f"not a number: {v!r}")
    return Fraction(str(v))


def check_finding(f: Dict[str, Any], e: Dict[str, Any], rule_grades: Dict[str, str]) -> List[str]:
    errs: List[str] = []

    def want(what: str, ok: bool, got: Any) -> None:
        if not ok:
            errs.append(f"{what}: got {got!r}")

    if "status" in e:
        want("status", f["status"] == e["status"], f["status"])
    if "reason" in e:
        got = (f.get("reason") or {}).get("code", "none")
        want("reason", got == e["reason"], got)
    if "shortfall" in e:
        got = f.get("shortfall")
        want("shortfall", got is not None and num(got) == num(e["shortfall"]), got)
    if "grade" in e:
        got = f.get("grade", "none") if f["status"] == "fail" else "none"
        want("grade", got == e["grade"], got)
    if "counted" in e:
        want("counted", f.get("counted") == e["counted"], f.get("counted"))
    if "missing" in e:
        got = sorted(f.get("missing", []))
        want("missing", got == sorted(e["missing"]), got)
    if "required" in e:
        r = f.get("required") or {}
        req = e["required"]
        if "min" in req:
            want("required.min", r.get("min") is not None and num(r["min"]) == num(req["min"]), r)
        if "max" in req:
            want("required.max", r.get("max") is not None and num(r["max"]) == num(req["max"]), r)
        if "exact_min" in req:
            ex = (r.get("exact") or {}).get("min")
            want("required.exact_min", ex is not None and num(ex) == num(req["exact_min"]), r)
        if "outcome" in req:
            want("required.outcome", r.get("outcome", []) == req["outcome"], r.get("outcome"))
    if "remedy" in e:
        rm = f.get("remedy")
        if rm is None:
            errs.append("remedy: got none")
        else:
            rem = e["remedy"]
            if "action" in rem:
                want("remedy.action", rm["action"] == rem["action"], rm["action"])
            if "amount" in rem:
                want("remedy.amount", rm.get("amount") is not None and num(rm["amount"]) == num(rem["amount"]), rm.get("amount"))
            if "to" in rem:
                want("remedy.to", rm.get("to") is not None and num(rm["to"]) == num(rem["to"]), rm.get("to"))
            if "parts" in rem:
                got = rm.get("parts")
                want("remedy.parts", got is not None and [num(x) for x in got] == [num(x) for x in rem["parts"]], got)
            if "outcome" in rem:
                want("remedy.outcome", rm.get("outcome", []) == rem["outcome"], rm.get("outcome"))
    return errs


def check_obligation(o: Dict[str, Any], e: Dict[str, Any]) -> List[str]:
    errs: List[str] = []
    if "status" in e and o["status"] != e["status"]:
        errs.append(f"obligation status: got {o['status']}")
    if "total_fen" in e:
        got = (o.get("total") or {}).get("fen")
        if got != e["total_fen"]:
            errs.append(f"total_fen: got {got}")
    for key, field in (("shares_fen", "amount"), ("shares_with_excess_fen", "amount_with_excess")):
        if key in e:
            got = [(s.get(field) or {}).get("fen") for s in o["shares"]]
            if got != e[key]:
                errs.append(f"{key}: got {got}")
    if "missing" in e:
        got = o.get("missing", [])
        if got != e["missing"]:
            errs.append(f"obligation missing: got {got}")
    if o.get("total") is not None:
        total = o["total"]["fen"]
        shares = sum((s.get("amount") or {}).get("fen", 0) for s in o["shares"])
        if shares != total:
            errs.append(f"shares add to {shares}, not {total}")
    return errs


FILES = sorted(CASES.glob("*.json"))


def cases() -> List[Any]:
    out = []
    for p in FILES:
        doc = json.loads(p.read_text(encoding="utf-8"))
        for c in doc.get("cases", []):
            out.append(pytest.param(doc["policies"], c, id=f"{p.stem}: {c['name'][:60]}"))
    return out


def roster_cases() -> List[Any]:
    out = []
    for p in FILES:
        doc = json.loads(p.read_text(encoding="utf-8"))
        for c in doc.get("roster_cases", []):
            out.append(pytest.param(doc["policies"], c, id=f"{p.stem}: {c['name'][:60]}"))
    return out


def test_the_corpus_is_all_there() -> None:
    assert len(FILES) >= 9
    assert len(cases()) + len(roster_cases()) > 300


@pytest.mark.parametrize("policies,case", cases())
def test_case(policies: List[str], case: Dict[str, Any]) -> None:
    c = shequ.check_one(case["input"], policies=policies, as_of=case["as_of"], messages=False)
    failures: List[str] = []
    for e in case["expect"]:
        rule = e["rule"]
        if "obligation" in e:
            ob = next((o for o in c["obligations"] if o["rule"] == rule), None)
            if ob is None:
                failures.append(f"no obligation for {rule}")
            else:
                failures += [f"[{rule}] {m}" for m in check_obligation(ob, e["obligation"])]
            continue
        f = next((x for x in c["findings"] if x["rule"] == rule), None)
        if f is None:
            failures.append(f"no finding for {rule}")
        else:
            failures += [f"[{rule}] {m}" for m in check_finding(f, e, {})]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("policies,case", roster_cases())
def test_roster_case(policies: List[str], case: Dict[str, Any]) -> None:
    res = shequ.check(case["records"], policies=policies, as_of=case["as_of"])
    roster = res.report()["roster"]["findings"]
    failures: List[str] = []
    for e in case["expect"]:
        rule, group = e["rule"], e.get("group")
        f = next((x for x in roster if x["rule"] == rule and x.get("group") == group), None)
        if f is None:
            failures.append(f"no roster finding for {rule} {group!r}")
        else:
            failures += [f"[{rule} {group!r}] {m}" for m in check_finding(f, e, {})]
    assert not failures, "\n".join(failures)


def command_community(shequ_bin: str, policies: List[str], as_of: str, record: Dict[str, Any]) -> Dict[str, Any]:
    args = [shequ_bin, "check", "--as-of", as_of, "--format", "json", "--input-format", "json", "-"]
    for p in policies:
        args[2:2] = ["--policy", p]
    out = subprocess.run(args, input=json.dumps([record]).encode(), capture_output=True, check=True)
    doc = json.loads(out.stdout)
    return dict(doc["communities"][0])


def test_every_case_matches_the_command(shequ_bin: Optional[str]) -> None:
    """The same input through the command and through Python: the same community, field
    for field (messages included), for every case of the corpus."""
    if shequ_bin is None:
        pytest.skip("SHEQU_BIN is not set (make python-test sets it)")
    mismatches = []
    n = 0
    for p in FILES:
        doc = json.loads(p.read_text(encoding="utf-8"))
        for c in doc.get("cases", []):
            n += 1
            mine = shequ.check_one(c["input"], policies=doc["policies"], as_of=c["as_of"])
            theirs = command_community(shequ_bin, doc["policies"], c["as_of"], c["input"])
            for k in ("line",):
                mine.pop(k, None)
                theirs.pop(k, None)
            if mine != theirs:
                mismatches.append(f"{p.stem}: {c['name']}")
    assert n > 300
    assert not mismatches, f"{len(mismatches)} cases differ from the command:\n" + "\n".join(mismatches[:20])


def test_a_roster_file_reports_as_the_command_does(shequ_bin: Optional[str], root: pathlib.Path) -> None:
    """`Result.to_json()` of a roster file is the command's JSON report, byte for byte."""
    if shequ_bin is None:
        pytest.skip("SHEQU_BIN is not set (make python-test sets it)")
    path = root / "examples" / "roster.csv"
    res = shequ.check(str(path), policies=["xian-2023", "bijie-2017"], as_of="2024-06-30")
    out = subprocess.run(
        [shequ_bin, "check", "--policy", "xian-2023", "--policy", "bijie-2017", "--as-of", "2024-06-30", "--format", "json", str(path)],
        capture_output=True,
        check=True,
    )
    assert res.to_json() == out.stdout.decode("utf-8")
