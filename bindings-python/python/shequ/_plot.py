"""A compliance overview with matplotlib (``pip install shequ[plot]``)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ._result import _rows


def plot(res: Any, rule: Optional[str] = None, ax: Any = None) -> Any:
    """Left: per rule, the share of the communities it judged that pass, fail, are
    ambiguous or lack data. Right: communities by households, against the size band of
    the policy (the first rule on households with a lower and an upper bound, or
    ``rule``)."""
    import matplotlib.pyplot as plt

    summary = [r for r in _rows(res._checked.summary()[0]) if r["pass"] + r["fail"] + r["ambiguous"] + r["missing_data"] > 0]
    findings = _rows(res._checked.findings(False))
    if ax is None:
        fig, (left, right) = plt.subplots(1, 2, figsize=(13, max(3.0, 0.32 * len(summary) + 1.5)))
    else:
        left, right = ax
        fig = left.figure
    names = [r["rule"] for r in summary]
    colours = {"pass": "#2e7d32", "fail": "#c62828", "ambiguous": "#f9a825", "missing_data": "#9e9e9e"}
    start = [0.0] * len(summary)
    for status, colour in colours.items():
        share = []
        for r in summary:
            judged = r["pass"] + r["fail"] + r["ambiguous"] + r["missing_data"]
            share.append(r[status] / judged if judged else 0.0)
        left.barh(names, share, left=start, color=colour, label=status.replace("_", " "))
        start = [a + b for a, b in zip(start, share)]
    left.invert_yaxis()
    left.set_xlim(0, 1)
    left.set_xlabel("share of the communities each rule judged")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, fontsize="small", frameon=False)
    left.set_title("pass / fail per rule")
    band = _band(findings, rule)
    households = {}
    for f in findings:
        if f["measure"] == "households" and f["actual"] is not None:
            households[f["row"]] = float(f["actual"])
    values = sorted(households.values())
    if values:
        right.hist(values, bins=min(40, max(8, len(values) // 2)), color="#546e7a")
        if band is not None:
            lo, hi, label = band
            right.axvspan(lo, hi, color="#2e7d32", alpha=0.15, label=label)
            right.legend(loc="upper right", fontsize="small")
        right.set_xlabel("households")
        right.set_ylabel("communities")
        right.set_title("communities by households")
    else:
        right.text(0.5, 0.5, "no households in the roster", ha="center", va="center")
        right.set_axis_off()
    fig.tight_layout()
    return fig


def _band(findings: List[Dict[str, Any]], rule: Optional[str]) -> Any:
    for f in findings:
        if rule is not None and f["rule"] != rule:
            continue
        # a rule that judged the community (not one a local rule replaced)
        if f["status"] in ("not_applicable", "missing_data"):
            continue
        if f["measure"] == "households" and f["required_min"] is not None and f["required_max"] is not None:
            return float(f["required_min"]), float(f["required_max"]), f"{f['rule']}: {f['required_min']}–{f['required_max']}"
    return None
