"""The worst inputs a notebook can give: the package answers with its own errors, and no
Rust panic ever reaches the user."""

from __future__ import annotations

import math
import pathlib

import pytest

import shequ

BAD_VALUES = [
    10**40, -(10**40), float("inf"), float("-inf"), float("nan"), 1e300, -0.0, 5e-324,
    "9999999999999999999999", "0." + "0" * 40 + "1", "１２３", "1e99999", "", " ", "x" * 100_000,
    "\ud800" if False else "\u0000", True, [1, 2], {"a": 1}, b"bytes", object(),
]

FIELDS = ["households", "occupancy", "kind", "is_new", "name", "service_space"]


@pytest.mark.parametrize("field", FIELDS)
def test_no_value_panics(field: str) -> None:
    for v in BAD_VALUES:
        try:
            shequ.check_one({field: v, "households": 100} if field != "households" else {field: v}, policies=["xian-2023", "bijie-2017"], as_of="2024-06-30")
            shequ.check([{field: v}], policies=["xian-2023"], as_of="2024-06-30", keep_going=True).findings
        except shequ.ShequError:
            pass
        except TypeError as e:
            assert "panicked" not in str(e)
        except BaseException as e:  # a PanicException is a BaseException
            assert "Panic" not in type(e).__name__, f"{field}={v!r}: {e}"
            raise


def test_hostile_policy_texts_do_not_panic() -> None:
    texts = [
        "", "[", "[policy]\n" * 1000, "\x00\x01", "[[rule]]\nid = \"r\"\n" * 200,
        "[policy]\nid = \"a\"\ntitle = \"t\"\nissuer = \"t\"\npublished = 2020-01-01\nstatus = \"in_force\"\njurisdiction = \"t\"\nsource = \"/dev/zero\"\n",
        "a = " + "[" * 500 + "]" * 500,
    ]
    for t in texts:
        try:
            shequ.lint_text(t)
            shequ.load_policy_text(t)
        except shequ.ShequError:
            pass
        except BaseException as e:
            assert "Panic" not in type(e).__name__, repr(t[:40])
            raise


def test_hostile_roster_files_do_not_panic(tmp_path: pathlib.Path) -> None:
    files = {
        "a.csv": '户数,备注\n1,"unclosed\n2,x\n',
        "b.csv": "\ufeff户数\r\n1\r\n\r\n,\r\n",
        "c.json": '[{"户数": 1, "户数": 2}]',
        "d.jsonl": '{"户数": 1}\n{bad\n',
        "e.csv": "\xff\xfe garbage",
        "f.json": "{" * 10_000,
    }
    for name, text in files.items():
        p = tmp_path / name
        p.write_bytes(text.encode("utf-8", "surrogatepass") if name != "e.csv" else b"\xff\xfe\x00garbage")
        for keep in (False, True):
            try:
                r = shequ.check(p, policies=["xian-2023"], as_of="2024-06-30", keep_going=keep)
                r.to_json()
            except shequ.ShequError:
                pass
            except BaseException as e:
                assert "Panic" not in type(e).__name__, name
                raise
