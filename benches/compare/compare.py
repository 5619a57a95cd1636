#!/usr/bin/env python3
"""Compare shequ with general-purpose rule tools on the same synthetic roster.

The nine rules of `benches/src/yardstick.rs` (eight 西安 2023 community rules and the
毕节 2017 funding split) are written again, idiomatically, for:

  (a) pandas, vectorised, in exact integer arithmetic;
  (b) OpenFisca-core: a minimal tax-benefit system with one entity, "community";
  (c) GoRules zen-engine: a JDM decision graph (eight first-hit decision tables and one
      expression node), evaluated (i) one call per community, with `ZenEngine.evaluate`
      (graph held by the engine's static loader) and with `ZenDecision.evaluate` (graph
      from `create_decision`), and (ii) in one `ZenEngine.evaluate_batch` call;
  (d) JsonLogic (PyPI `panzi-json-logic`), one call per community;
  (e) Rust: `shequ-bench evaluate --engine shequ` (shequ's columnar batch, one thread)
      and `--engine yardstick` (the hand-written checks), timed by the binary itself.

Every tool's verdicts are turned into the common verdict CSV of `shequ-bench evaluate`
and checked line by line against shequ's (every status, every shortfall, the three
funding amounts in fen). Only when all agree are the timings measured and printed;
on any disagreement the first differing rows are printed and the exit code is 1.

Timing: time.perf_counter around the rule evaluation only (no CSV reading, no building
of inputs, no formatting of outputs), the median of --reps repetitions after one
untimed run (the one whose verdicts are checked). The Rust rows are the median of the
"ns per community" that `shequ-bench evaluate` prints for the same number of runs.

Usage (see run.sh):
  python compare.py --n 100000 --seed 42            # generates the roster with the binary
  python compare.py --input roster.csv               # or takes a roster already generated
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

RULES = [
    "size-households",
    "size-residents",
    "service-space",
    "outdoor-plaza",
    "new-community-space",
    "activity-share",
    "committee-by-households",
    "workers-per-residents",
]
# Python identifiers for the rules (OpenFisca variables, zen/JsonLogic output keys).
KEYS = [r.replace("-", "_") for r in RULES]
STATUS = ["pass", "fail", "ambiguous", "not_applicable", "missing_data"]
HEADER = "id," + ",".join(f"{r}_status,{r}_shortfall" for r in RULES) + ",funding_total_fen,funding_city_fen,funding_county_fen"


# --------------------------------------------------------------------------------------
# Common verdict format
# --------------------------------------------------------------------------------------


def centi(c) -> str:
    """A shortfall in hundredths as shequ prints it: up to two decimals, no trailing zeros."""
    if c is None:
        return ""
    c = int(c)
    q, r = divmod(c, 100)
    if r == 0:
        return str(q)
    if r % 10 == 0:
        return f"{q}.{r // 10}"
    return f"{q}.{r:02d}"


def opt(x) -> str:
    return "" if x is None else str(int(x))


@dataclass
class Verdicts:
    """Verdicts in plain Python lists, one entry per community."""

    ids: list
    status: list  # 8 lists of status names
    short: list  # 8 lists of Optional[int], hundredths of the rule's unit
    funding: list  # 3 lists of Optional[int] fen: total, city, county

    def lines(self) -> list[str]:
        out = []
        for i, id_ in enumerate(self.ids):
            cells = [str(id_)]
            for k in range(8):
                cells.append(self.status[k][i])
                cells.append(centi(self.short[k][i]))
            cells.extend(opt(self.funding[j][i]) for j in range(3))
            out.append(",".join(cells))
        return out


def masked_list(values: np.ndarray, present: np.ndarray) -> list:
    return [int(v) if p else None for v, p in zip(values.tolist(), present.tolist())]


# --------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------


def load_roster(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path,
        dtype={
            "id": "int64",
            "kind": "string",
            "households": "int64",
            "residents": "int64",
            "registered_residents": "int64",
            "service_space": "int64",
            "activity_space": "Int64",  # nullable: empty cells are missing data
            "outdoor_plaza": "int64",
            "is_new": "bool",
            "committee_members": "int64",
            "workers": "int64",
        },
        true_values=["true"],
        false_values=["false"],
    )


def row_dicts(df: pd.DataFrame) -> list[dict]:
    """One plain JSON-like dict per community (missing activity space is None)."""
    cols = {c: df[c].tolist() for c in df.columns if c != "activity_space"}
    act = [None if pd.isna(a) else int(a) for a in df["activity_space"].tolist()]
    out = []
    for i in range(len(df)):
        d = {c: cols[c][i] for c in cols}
        d["activity_space"] = act[i]
        out.append(d)
    return out


# --------------------------------------------------------------------------------------
# (a) pandas
# --------------------------------------------------------------------------------------


def pandas_rules(df: pd.DataFrame) -> pd.DataFrame:
    """The nine rules as vectorised pandas, exact integer arithmetic (nullable Int64)."""
    h, res, svc = df["households"], df["residents"], df["service_space"]
    out = pd.DataFrame({"id": df["id"]})

    def verdict(key, status, shortfall):
        out[f"{key}_status"] = status
        out[f"{key}_shortfall"] = shortfall.astype("Int64").where(status == "fail")

    def between(key, x, lo, hi):
        short = ((lo - x).clip(lower=0) + (x - hi).clip(lower=0)) * 100
        verdict(key, np.where(short > 0, "fail", "pass"), short)

    # Y-1: 1000~5000 households, 5000~15000 residents (both ends included)
    between("size_households", h, 1000, 5000)
    between("size_residents", res, 5000, 15_000)
    # Y-3: service space >= 30 m² per 100 households
    need, have = 30 * h, 100 * svc
    verdict("service_space", np.where(have >= need, "pass", "fail"), need - have)
    # Y-4: outdoor plaza >= 1000 m²
    plaza = df["outdoor_plaza"]
    verdict("outdoor_plaza", np.where(plaza >= 1000, "pass", "fail"), (1000 - plaza) * 100)
    # Y-5: new communities of 2000 households or fewer: service space >= 600 m²
    applies = df["is_new"] & (h <= 2000)
    verdict("new_community_space", np.select([~applies, svc >= 600], ["not_applicable", "pass"], "fail"), (600 - svc) * 100)
    # Y-6: activity space >= 60 % of the service space; missing activity space is missing data
    act = df["activity_space"]
    need, have = 60 * svc, 100 * act
    verdict(
        "activity_share",
        np.select([act.isna().to_numpy(), (have >= need).fillna(False).to_numpy(bool)], ["missing_data", "pass"], "fail"),
        need - have,
    )
    # Y-8: <=2000 -> 5 members, 2000~4000 -> 7, >=4000 -> 9; at 2000 and 4000 two tiers apply:
    # all applicable tiers met -> pass, some -> ambiguous, none -> fail by the nearest tier
    m = df["committee_members"]
    tiers = [(h <= 2000, 5), ((h >= 2000) & (h <= 4000), 7), (h >= 4000, 9)]
    n_applicable = sum(t.astype(int) for t, _ in tiers)
    n_met = sum((t & (m == w)).astype(int) for t, w in tiers)
    nearest = pd.concat([(m - w).abs().where(t) for t, w in tiers], axis=1).min(axis=1)
    verdict("committee_by_households", np.select([n_met == n_applicable, n_met > 0], ["pass", "ambiguous"], "fail"), nearest * 100)
    # Y-10: urban communities: workers >= ceil(18 * residents / 10000)
    urban = df["kind"] == "urban"
    need = (18 * res + 9_999) // 10_000
    workers = df["workers"]
    verdict("workers_per_residents", np.select([~urban, workers >= need], ["not_applicable", "pass"], "fail"), (need - workers) * 100)
    # B-5: 10 yuan per registered resident + 50,000 yuan, city 4 : county 6 (urban only), in fen
    total = (1000 * df["registered_residents"] + 5_000_000).astype("Int64").where(urban)
    city = total * 4 // 10
    out["funding_total_fen"], out["funding_city_fen"], out["funding_county_fen"] = total, city, total - city
    return out


def pandas_verdicts(out: pd.DataFrame) -> Verdicts:
    def col(name):
        s = out[name]
        return [None if pd.isna(v) else int(v) for v in s.tolist()]

    return Verdicts(
        ids=out["id"].tolist(),
        status=[out[f"{k}_status"].tolist() for k in KEYS],
        short=[col(f"{k}_shortfall") for k in KEYS],
        funding=[col(f"funding_{p}_fen") for p in ("total", "city", "county")],
    )


# --------------------------------------------------------------------------------------
# (a') shequ's Python package
# --------------------------------------------------------------------------------------

SHEQU_RULES = [f"xian-2023/{r}" for r in RULES] + ["bijie-2017/funding"]


def shequ_python_wide(roster):
    """`shequ.check(roster).wide`: from the caller's table to the caller's table, the
    conversions in and out included (one thread, as every other tool here)."""
    import shequ

    return shequ.check(
        roster, policies=["xian-2023", "bijie-2017"], rules=SHEQU_RULES, as_of="2024-06-30", threads=1
    ).wide


def shequ_python_verdicts(wide) -> Verdicts:
    import pyarrow as pa

    t = wide if isinstance(wide, pa.Table) else pa.Table.from_pandas(wide, preserve_index=False)

    def col(name):
        return t.column(name).to_pylist()

    def hundredths(name):
        return [None if v is None else int(v * 100) for v in col(name)]

    return Verdicts(
        ids=col("id"),
        status=[[str(x) for x in col(f"xian-2023/{r}")] for r in RULES],
        short=[hundredths(f"xian-2023/{r}:shortfall") for r in RULES],
        funding=[col(f"bijie-2017/funding:{p}_fen") for p in ("total", "city", "county")],
    )


# --------------------------------------------------------------------------------------
# (b) OpenFisca
# --------------------------------------------------------------------------------------


def openfisca_system():
    """A minimal tax-benefit system: one entity, the inputs, one variable per verdict.

    Written as an OpenFisca country package writes it: one Variable class per variable,
    formulas over whole numpy arrays, an Enum for categorical values.
    """
    from openfisca_core.entities import build_entity
    from openfisca_core.model_api import YEAR, Enum, Variable, select, where
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem

    Community = build_entity(key="community", plural="communities", label="A residents' community (社区)", is_person=True)

    class Kind(Enum):
        URBAN = "urban community (城市社区)"
        RURAL = "rural community (农村社区)"

    class Status(Enum):  # same order as shequ::Status::ALL
        PASS = "pass"
        FAIL = "fail"
        AMBIGUOUS = "ambiguous"
        NOT_APPLICABLE = "not_applicable"
        MISSING_DATA = "missing_data"

    # ---- inputs

    class kind(Variable):
        value_type = Enum
        possible_values = Kind
        default_value = Kind.URBAN
        entity = Community
        definition_period = YEAR
        label = "Urban or rural"

    class households(Variable):
        value_type = int
        entity = Community
        definition_period = YEAR
        label = "Households (户)"

    class residents(Variable):
        value_type = int
        entity = Community
        definition_period = YEAR
        label = "Residents (人)"

    class registered_residents(Variable):
        value_type = int
        entity = Community
        definition_period = YEAR
        label = "Registered residents (户籍人口)"

    class service_space(Variable):
        value_type = int
        entity = Community
        definition_period = YEAR
        label = "Service space (m²)"

    class activity_space(Variable):
        value_type = int
        entity = Community
        definition_period = YEAR
        label = "Activity space for residents (m²)"

    class activity_space_reported(Variable):
        # OpenFisca has no missing values: whether the activity space was reported is an input of its own
        value_type = bool
        default_value = True
        entity = Community
        definition_period = YEAR
        label = "The activity space was reported"

    class outdoor_plaza(Variable):
        value_type = int
        entity = Community
        definition_period = YEAR
        label = "Outdoor plaza (m²)"

    class is_new(Variable):
        value_type = bool
        entity = Community
        definition_period = YEAR
        label = "Newly built community"

    class committee_members(Variable):
        value_type = int
        entity = Community
        definition_period = YEAR
        label = "Members of the residents' committee"

    class workers(Variable):
        value_type = int
        entity = Community
        definition_period = YEAR
        label = "Community workers"

    # ---- verdicts: a status (Enum) and a shortfall (int, 1/100 of the unit, 0 unless failing) per rule.
    # OpenFisca reads a variable's attributes from its own class, not from a base class, so each is spelt out.

    P, F, A, NA, M = Status.PASS, Status.FAIL, Status.AMBIGUOUS, Status.NOT_APPLICABLE, Status.MISSING_DATA

    class size_households_status(Variable):
        value_type = Enum
        possible_values = Status
        default_value = Status.PASS
        entity = Community
        definition_period = YEAR
        label = "Y-1: 1000~5000 households"

        def formula(community, period):
            h = community("households", period)
            return where((h < 1000) + (h > 5000), F, P)

    class size_households_shortfall(Variable):
        value_type = int  # 1/100 of the rule's unit, 0 unless failing
        entity = Community
        definition_period = YEAR
        label = "Y-1: households outside 1000~5000 (1/100)"

        def formula(community, period):
            h = community("households", period)
            return (np.maximum(1000 - h, 0) + np.maximum(h - 5000, 0)) * 100

    class size_residents_status(Variable):
        value_type = Enum
        possible_values = Status
        default_value = Status.PASS
        entity = Community
        definition_period = YEAR
        label = "Y-1: 5000~15000 residents"

        def formula(community, period):
            r = community("residents", period)
            return where((r < 5000) + (r > 15_000), F, P)

    class size_residents_shortfall(Variable):
        value_type = int  # 1/100 of the rule's unit, 0 unless failing
        entity = Community
        definition_period = YEAR
        label = "Y-1: residents outside 5000~15000 (1/100)"

        def formula(community, period):
            r = community("residents", period)
            return (np.maximum(5000 - r, 0) + np.maximum(r - 15_000, 0)) * 100

    class service_space_status(Variable):
        value_type = Enum
        possible_values = Status
        default_value = Status.PASS
        entity = Community
        definition_period = YEAR
        label = "Y-3: service space >= 30 m² per 100 households"

        def formula(community, period):
            return where(100 * community("service_space", period) >= 30 * community("households", period), P, F)

    class service_space_shortfall(Variable):
        value_type = int  # 1/100 of the rule's unit, 0 unless failing
        entity = Community
        definition_period = YEAR
        label = "Y-3: missing service space (1/100 m²)"

        def formula(community, period):
            return np.maximum(30 * community("households", period) - 100 * community("service_space", period), 0)

    class outdoor_plaza_status(Variable):
        value_type = Enum
        possible_values = Status
        default_value = Status.PASS
        entity = Community
        definition_period = YEAR
        label = "Y-4: outdoor plaza >= 1000 m²"

        def formula(community, period):
            return where(community("outdoor_plaza", period) >= 1000, P, F)

    class outdoor_plaza_shortfall(Variable):
        value_type = int  # 1/100 of the rule's unit, 0 unless failing
        entity = Community
        definition_period = YEAR
        label = "Y-4: missing outdoor plaza (1/100 m²)"

        def formula(community, period):
            return np.maximum(1000 - community("outdoor_plaza", period), 0) * 100

    class new_community_space_status(Variable):
        value_type = Enum
        possible_values = Status
        default_value = Status.PASS
        entity = Community
        definition_period = YEAR
        label = "Y-5: new communities of 2000 households or fewer: service space >= 600 m²"

        def formula(community, period):
            applies = community("is_new", period) * (community("households", period) <= 2000)
            return select([~applies, community("service_space", period) >= 600], [NA, P], default=F)

    class new_community_space_shortfall(Variable):
        value_type = int  # 1/100 of the rule's unit, 0 unless failing
        entity = Community
        definition_period = YEAR
        label = "Y-5: missing service space (1/100 m²)"

        def formula(community, period):
            applies = community("is_new", period) * (community("households", period) <= 2000)
            return where(applies, np.maximum(600 - community("service_space", period), 0) * 100, 0)

    class activity_share_status(Variable):
        value_type = Enum
        possible_values = Status
        default_value = Status.PASS
        entity = Community
        definition_period = YEAR
        label = "Y-6: activity space >= 60 % of the service space"

        def formula(community, period):
            ok = 100 * community("activity_space", period) >= 60 * community("service_space", period)
            return select([~community("activity_space_reported", period), ok], [M, P], default=F)

    class activity_share_shortfall(Variable):
        value_type = int  # 1/100 of the rule's unit, 0 unless failing
        entity = Community
        definition_period = YEAR
        label = "Y-6: missing activity space (1/100 m²)"

        def formula(community, period):
            gap = 60 * community("service_space", period) - 100 * community("activity_space", period)
            return where(community("activity_space_reported", period), np.maximum(gap, 0), 0)

    def committee_tiers(community, period):
        """Y-8 tiers as (applies, members wanted); 以下/以上 include the number, so 2000 and 4000 match two."""
        h = community("households", period)
        return [(h <= 2000, 5), ((h >= 2000) * (h <= 4000), 7), (h >= 4000, 9)]

    class committee_by_households_status(Variable):
        value_type = Enum
        possible_values = Status
        default_value = Status.PASS
        entity = Community
        definition_period = YEAR
        label = "Y-8: committee members by households: <=2000 -> 5, 2000~4000 -> 7, >=4000 -> 9"

        def formula(community, period):
            m = community("committee_members", period)
            tiers = committee_tiers(community, period)
            n_applicable = sum(t.astype(int) for t, _ in tiers)
            n_met = sum((t * (m == w)).astype(int) for t, w in tiers)
            return select([n_met == n_applicable, n_met > 0], [P, A], default=F)

    class committee_by_households_shortfall(Variable):
        value_type = int  # 1/100 of the rule's unit, 0 unless failing
        entity = Community
        definition_period = YEAR
        label = "Y-8: distance to the nearest applicable tier (1/100 members)"

        def formula(community, period):
            m = community("committee_members", period)
            tiers = committee_tiers(community, period)
            met = np.any([t * (m == w) for t, w in tiers], axis=0)
            nearest = np.min([where(t, abs(m - w), 1 << 20) for t, w in tiers], axis=0)
            return where(met, 0, nearest * 100)

    class workers_needed(Variable):
        value_type = int
        entity = Community
        definition_period = YEAR
        label = "Y-10: workers needed, 18 per 10000 residents rounded up"

        def formula(community, period):
            return (18 * community("residents", period) + 9_999) // 10_000

    class workers_per_residents_status(Variable):
        value_type = Enum
        possible_values = Status
        default_value = Status.PASS
        entity = Community
        definition_period = YEAR
        label = "Y-10: urban communities: workers >= 18 per 10000 residents"

        def formula(community, period):
            urban = community("kind", period) == Kind.URBAN
            return select([~urban, community("workers", period) >= community("workers_needed", period)], [NA, P], default=F)

    class workers_per_residents_shortfall(Variable):
        value_type = int  # 1/100 of the rule's unit, 0 unless failing
        entity = Community
        definition_period = YEAR
        label = "Y-10: missing workers (1/100)"

        def formula(community, period):
            urban = community("kind", period) == Kind.URBAN
            gap = community("workers_needed", period) - community("workers", period)
            return where(urban, np.maximum(gap, 0) * 100, 0)

    class funding_total_fen(Variable):
        value_type = int  # numpy int32 in OpenFisca: enough for fen up to 2^31 (about 21 million yuan)
        entity = Community
        definition_period = YEAR
        label = "B-5: 10 yuan per registered resident + 50,000 yuan, urban communities (fen)"

        def formula(community, period):
            urban = community("kind", period) == Kind.URBAN
            return where(urban, 1000 * community("registered_residents", period) + 5_000_000, 0)

    class funding_city_fen(Variable):
        value_type = int
        entity = Community
        definition_period = YEAR
        label = "B-5: the city's 4 tenths (fen)"

        def formula(community, period):
            return community("funding_total_fen", period) * 4 // 10

    class funding_county_fen(Variable):
        value_type = int
        entity = Community
        definition_period = YEAR
        label = "B-5: the county's 6 tenths (fen)"

        def formula(community, period):
            return community("funding_total_fen", period) - community("funding_city_fen", period)

    tbs = TaxBenefitSystem([Community])
    for v in (
        kind, households, residents, registered_residents, service_space, activity_space, activity_space_reported,
        outdoor_plaza, is_new, committee_members, workers,
        size_households_status, size_households_shortfall, size_residents_status, size_residents_shortfall,
        service_space_status, service_space_shortfall, outdoor_plaza_status, outdoor_plaza_shortfall,
        new_community_space_status, new_community_space_shortfall, activity_share_status, activity_share_shortfall,
        committee_by_households_status, committee_by_households_shortfall,
        workers_needed, workers_per_residents_status, workers_per_residents_shortfall,
        funding_total_fen, funding_city_fen, funding_county_fen,
    ):
        tbs.add_variable(v)
    return tbs, Kind


OPENFISCA_OUTPUTS = [f"{k}_{p}" for k in KEYS for p in ("status", "shortfall")] + [
    "funding_total_fen",
    "funding_city_fen",
    "funding_county_fen",
]
PERIOD = "2024"


def openfisca_simulation(tbs, Kind, df: pd.DataFrame):
    from openfisca_core.simulations import SimulationBuilder

    sim = SimulationBuilder().build_default_simulation(tbs, count=len(df))
    for name in ("households", "residents", "registered_residents", "service_space", "outdoor_plaza", "committee_members", "workers"):
        sim.set_input(name, PERIOD, df[name].to_numpy())
    sim.set_input("is_new", PERIOD, df["is_new"].to_numpy())
    sim.set_input("activity_space", PERIOD, df["activity_space"].fillna(0).to_numpy("int64"))
    sim.set_input("activity_space_reported", PERIOD, df["activity_space"].notna().to_numpy())
    sim.set_input("kind", PERIOD, np.where(df["kind"].to_numpy(str) == "urban", Kind.URBAN.index, Kind.RURAL.index))
    return sim


def openfisca_run(sim) -> dict:
    return {name: sim.calculate(name, PERIOD) for name in OPENFISCA_OUTPUTS}


def openfisca_verdicts(ids: list, urban: np.ndarray, res: dict) -> Verdicts:
    status, short = [], []
    for k in KEYS:
        idx = np.asarray(res[f"{k}_status"])  # an EnumArray holds the member indices
        status.append([STATUS[i] for i in idx.tolist()])
        short.append(masked_list(res[f"{k}_shortfall"], idx == 1))
    funding = [masked_list(res[f"funding_{p}_fen"], urban) for p in ("total", "city", "county")]
    return Verdicts(ids, status, short, funding)


# --------------------------------------------------------------------------------------
# (c) GoRules zen-engine: a JDM decision graph
# --------------------------------------------------------------------------------------


def jdm_graph() -> dict:
    """input -> one decision table per Xi'an rule + one expression node for funding -> output."""
    nodes = [{"id": "request", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}}]
    edges = []
    y = 0

    def add(node_id, node_type, name, content):
        nonlocal y
        y += 100
        nodes.append({"id": node_id, "type": node_type, "name": name, "position": {"x": 300, "y": y}, "content": content})
        edges.append({"id": f"in-{node_id}", "sourceId": "request", "targetId": node_id, "type": "edge"})
        edges.append({"id": f"{node_id}-out", "sourceId": node_id, "targetId": "response", "type": "edge"})

    def table(key, name, inputs, rules):
        """A first-hit decision table; `inputs` are (field, label), each rule is ([cells], status, shortfall)."""
        ins = [{"id": f"i{j}", "name": label, "field": fld} for j, (fld, label) in enumerate(inputs)]
        outs = [
            {"id": "status", "name": "Status", "field": f"{key}.status"},
            {"id": "shortfall", "name": "Shortfall (1/100)", "field": f"{key}.shortfall"},
        ]
        rows = []
        for r, (cells, status, shortfall) in enumerate(rules):
            row = {"_id": f"{key}-{r}", "status": f"'{status}'", "shortfall": shortfall}
            row.update({f"i{j}": cell for j, cell in enumerate(cells)})
            rows.append(row)
        add(key, "decisionTableNode", name, {"hitPolicy": "first", "inputs": ins, "outputs": outs, "rules": rows})

    table("size_households", "Y-1 households 1000~5000", [("households", "Households")], [
        (["< 1000"], "fail", "(1000 - households) * 100"),
        (["> 5000"], "fail", "(households - 5000) * 100"),
        ([""], "pass", ""),
    ])
    table("size_residents", "Y-1 residents 5000~15000", [("residents", "Residents")], [
        (["< 5000"], "fail", "(5000 - residents) * 100"),
        (["> 15000"], "fail", "(residents - 15000) * 100"),
        ([""], "pass", ""),
    ])
    table("service_space", "Y-3 service space >= 30 m² / 100 households",
          [("100 * service_space - 30 * households", "Space over requirement (1/100 m²)")], [
        (["< 0"], "fail", "30 * households - 100 * service_space"),
        ([""], "pass", ""),
    ])
    table("outdoor_plaza", "Y-4 outdoor plaza >= 1000 m²", [("outdoor_plaza", "Outdoor plaza")], [
        (["< 1000"], "fail", "(1000 - outdoor_plaza) * 100"),
        ([""], "pass", ""),
    ])
    table("new_community_space", "Y-5 new communities <= 2000 households: >= 600 m²",
          [("is_new", "New"), ("households", "Households"), ("service_space", "Service space")], [
        (["false", "", ""], "not_applicable", ""),
        (["", "> 2000", ""], "not_applicable", ""),
        (["", "", "< 600"], "fail", "(600 - service_space) * 100"),
        (["", "", ""], "pass", ""),
    ])
    table("activity_share", "Y-6 activity space >= 60 % of service space",
          [("activity_space", "Activity space"), ("100 * activity_space - 60 * service_space", "Over requirement (1/100 m²)")], [
        (["null", ""], "missing_data", ""),
        (["", "< 0"], "fail", "60 * service_space - 100 * activity_space"),
        (["", ""], "pass", ""),
    ])
    table("committee_by_households", "Y-8 committee members by households (tiers overlap at 2000 and 4000)",
          [("households", "Households"), ("committee_members", "Members")], [
        (["< 2000", "5"], "pass", ""),
        (["< 2000", ""], "fail", "abs(committee_members - 5) * 100"),
        (["2000", "5, 7"], "ambiguous", ""),
        (["2000", ""], "fail", "min([abs(committee_members - 5), abs(committee_members - 7)]) * 100"),
        (["(2000..4000)", "7"], "pass", ""),
        (["(2000..4000)", ""], "fail", "abs(committee_members - 7) * 100"),
        (["4000", "7, 9"], "ambiguous", ""),
        (["4000", ""], "fail", "min([abs(committee_members - 7), abs(committee_members - 9)]) * 100"),
        (["> 4000", "9"], "pass", ""),
        (["> 4000", ""], "fail", "abs(committee_members - 9) * 100"),
    ])
    table("workers_per_residents", "Y-10 urban: workers >= 18 per 10000 residents",
          [("kind", "Kind"), ("workers", "Workers")], [
        (["'rural'", ""], "not_applicable", ""),
        (["", "< ceil(18 * residents / 10000)"], "fail", "(ceil(18 * residents / 10000) - workers) * 100"),
        (["", ""], "pass", ""),
    ])
    add("funding", "expressionNode", "B-5 funding: 10 yuan per registered resident + 50,000; city 4 : county 6", {
        "expressions": [
            {"id": "f1", "key": "funding.total", "value": "kind == 'urban' ? 1000 * registered_residents + 5000000 : null"},
            {"id": "f2", "key": "funding.city", "value": "kind == 'urban' ? floor($.funding.total * 4 / 10) : null"},
            {"id": "f3", "key": "funding.county", "value": "kind == 'urban' ? $.funding.total - $.funding.city : null"},
        ]
    })
    nodes.append({"id": "response", "type": "outputNode", "name": "Response", "position": {"x": 600, "y": 0}})
    return {"nodes": nodes, "edges": edges}


def zen_verdicts(ids: list, results: list[dict]) -> Verdicts:
    status = [[r[k]["status"] for r in results] for k in KEYS]
    short = [[r[k].get("shortfall") for r in results] for k in KEYS]
    funding = [[r["funding"][p] for r in results] for p in ("total", "city", "county")]
    return Verdicts(ids, status, short, funding)


# --------------------------------------------------------------------------------------
# (d) JsonLogic (panzi-json-logic)
# --------------------------------------------------------------------------------------


def jsonlogic_rule() -> list:
    """One JsonLogic rule whose value is a list: [status, shortfall] per Xi'an rule, then the funding."""
    v = lambda name: {"var": name}  # noqa: E731
    h, m, svc = v("households"), v("committee_members"), v("service_space")

    def times(*xs):
        return {"*": list(xs)}

    def minus(a, b):
        return {"-": [a, b]}

    def between(x, lo, hi):
        return {"if": [
            {"<": [x, lo]}, ["fail", times(minus(lo, x), 100)],
            {">": [x, hi]}, ["fail", times(minus(x, hi), 100)],
            ["pass", None],
        ]}

    def at_least(have, need, short):
        return {"if": [{">=": [have, need]}, ["pass", None], ["fail", short]]}

    def absdiff(x, w):  # JsonLogic has no abs
        return {"max": [minus(x, w), minus(w, x)]}

    def one_tier(w):
        return {"if": [{"==": [m, w]}, ["pass", None], ["fail", times(absdiff(m, w), 100)]]}

    def two_tiers(w1, w2):
        return {"if": [
            {"or": [{"==": [m, w1]}, {"==": [m, w2]}]}, ["ambiguous", None],
            ["fail", times({"min": [absdiff(m, w1), absdiff(m, w2)]}, 100)],
        ]}

    # ceil(18 * residents / 10000) in exact integers: JsonLogic has no floor/ceil, so subtract the remainder
    x = {"+": [times(18, v("residents")), 9999]}
    need_workers = {"/": [minus(x, {"%": [x, 10000]}), 10000]}
    total = {"+": [times(1000, v("registered_residents")), 5000000]}
    city = {"/": [minus(times(total, 4), {"%": [times(total, 4), 10]}), 10]}
    urban = {"==": [v("kind"), "urban"]}

    return [
        between(h, 1000, 5000),
        between(v("residents"), 5000, 15000),
        at_least(times(100, svc), times(30, h), minus(times(30, h), times(100, svc))),
        at_least(v("outdoor_plaza"), 1000, times(minus(1000, v("outdoor_plaza")), 100)),
        {"if": [
            {"or": [{"!": v("is_new")}, {">": [h, 2000]}]}, ["not_applicable", None],
            at_least(svc, 600, times(minus(600, svc), 100)),
        ]},
        {"if": [
            {"missing": ["activity_space"]}, ["missing_data", None],
            at_least(times(100, v("activity_space")), times(60, svc), minus(times(60, svc), times(100, v("activity_space")))),
        ]},
        {"if": [
            {"<": [h, 2000]}, one_tier(5),
            {"==": [h, 2000]}, two_tiers(5, 7),
            {"<": [h, 4000]}, one_tier(7),
            {"==": [h, 4000]}, two_tiers(7, 9),
            one_tier(9),
        ]},
        {"if": [
            {"!": urban}, ["not_applicable", None],
            at_least(v("workers"), need_workers, times(minus(need_workers, v("workers")), 100)),
        ]},
        {"if": [urban, [total, city, minus(total, city)], [None, None, None]]},
    ]


def jsonlogic_verdicts(ids: list, results: list[list]) -> Verdicts:
    def exact(x):
        if x is None:
            return None
        if isinstance(x, float) and not x.is_integer():
            raise ValueError(f"JsonLogic gave a non-integral amount {x}")
        return int(x)

    status = [[r[k][0] for r in results] for k in range(8)]
    short = [[exact(r[k][1]) for r in results] for k in range(8)]
    funding = [[exact(r[8][j]) for r in results] for j in range(3)]
    return Verdicts(ids, status, short, funding)


# --------------------------------------------------------------------------------------
# (e) Rust: shequ-bench evaluate
# --------------------------------------------------------------------------------------


def find_binary(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "release" / "shequ-bench"


def rust_evaluate(binary: Path, roster: Path, engine: str, out: Path | None) -> float:
    cmd = [str(binary), "evaluate", "--input", str(roster), "--engine", engine, "--threads", "1"]
    if out is not None:
        cmd += ["--out", str(out)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    found = re.search(r"([0-9.]+) ns per community", p.stderr)
    if not found:
        sys.exit(f"no timing in the output of {' '.join(cmd)}:\n{p.stderr}")
    return float(found.group(1))


# --------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------


@dataclass
class Tool:
    name: str
    rows: int
    run: Callable[[], object]  # the timed section: the rule evaluation only
    verdicts: Callable[[object], Verdicts]
    prepare: Callable[[], None] | None = None  # untimed, before each run (fresh state)
    times_ns: list = field(default_factory=list)  # per community, one per repetition
    cpu_ratio: list = field(default_factory=list)


def check(name: str, lines: list[str], reference: list[str], ref_name: str = "shequ") -> bool:
    header = HEADER.split(",")
    bad = [(a, b) for a, b in zip(lines, reference) if a != b]
    if len(lines) != len(reference):
        print(f"DISAGREE {name}: {len(lines)} rows, {ref_name} has {len(reference)}", file=sys.stderr)
        return False
    if not bad:
        return True
    print(f"DISAGREE {name}: {len(bad)} of {len(lines)} rows differ from {ref_name}; the first:", file=sys.stderr)
    for a, b in bad[:5]:
        cols = [f"{header[j]}: {name}={x!r} {ref_name}={y!r}" for j, (x, y) in enumerate(zip(a.split(","), b.split(","))) if x != y]
        print(f"  {name:>10}: {a}\n  {ref_name:>10}: {b}\n      differs in {'; '.join(cols)}", file=sys.stderr)
    return False


def versions() -> dict:
    out = {"python": platform.python_version()}
    for pkg in ("numpy", "pandas", "pyarrow", "shequ", "openfisca-core", "zen-engine", "panzi-json-logic"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="communities to generate (default 100000)")
    ap.add_argument("--seed", type=int, help="seed of the generated roster (default 42)")
    ap.add_argument("--input", help="a roster CSV already generated (otherwise generated with --n/--seed)")
    ap.add_argument("--subset", type=int, default=10_000, help="rows for the one-call-per-community tools (default 10000)")
    ap.add_argument("--reps", type=int, default=5, help="timed repetitions per tool; the median is shown (default 5)")
    ap.add_argument("--bin", help="the shequ-bench binary (default: target/release/shequ-bench)")
    ap.add_argument("--workdir", default=str(HERE / "out"), help="where the roster and the verdict CSVs go")
    ap.add_argument("--skip", default="", help="comma-separated tools to leave out: pandas,shequ-python,openfisca,zen-call,zen-decision,zen-batch,jsonlogic")
    args = ap.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    binary = find_binary(args.bin)
    if not binary.exists():
        sys.exit(f"{binary} not found: build it with `cargo build --release -p shequ-bench`")
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    if args.input:
        roster = Path(args.input)
    else:
        seed = 42 if args.seed is None else args.seed
        roster = work / f"roster-{args.n}-{seed}.csv"
        subprocess.run([str(binary), "generate", "--n", str(args.n), "--seed", str(seed), "--out", str(roster)], check=True)

    # ---- data loading (not timed)
    df = load_roster(roster)
    n = len(df)
    k = min(args.subset, n)
    ids = df["id"].tolist()
    print(f"roster: {roster} ({n} communities); per-call tools on the first {k}", file=sys.stderr)

    # ---- Rust: the reference verdicts
    shequ_out, yard_out = work / "verdicts-shequ.csv", work / "verdicts-yardstick.csv"
    rust_evaluate(binary, roster, "shequ", shequ_out)
    rust_evaluate(binary, roster, "yardstick", yard_out)
    reference = shequ_out.read_text().splitlines()
    if reference[0] != HEADER:
        sys.exit(f"unexpected verdict header in {shequ_out}:\n{reference[0]}\nexpected:\n{HEADER}")
    reference = reference[1:]
    ok = check("yardstick", yard_out.read_text().splitlines()[1:], reference)
    counts: dict = {}
    for line in reference:
        for st in line.split(",")[1:17:2]:
            counts[st] = counts.get(st, 0) + 1
    print("verdicts to match: " + ", ".join(f"{st} {counts.get(st, 0)}" for st in STATUS), file=sys.stderr)

    # ---- the Python tools (set-up not timed)
    tools: list[Tool] = []
    if "pandas" not in skip:
        tools.append(Tool("pandas, vectorised", n, lambda: pandas_rules(df), pandas_verdicts))
    if "shequ-python" not in skip:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        table = pacsv.read_csv(roster)
        tools.append(Tool("shequ Python package, `shequ.check(pandas frame).wide`", n, lambda: shequ_python_wide(df), shequ_python_verdicts))
        tools.append(Tool("shequ Python package, `shequ.check(pyarrow table).wide`", n, lambda: shequ_python_wide(table), shequ_python_verdicts))
    if "openfisca" not in skip:
        tbs, Kind = openfisca_system()
        urban = (df["kind"] == "urban").to_numpy(bool)
        state: dict = {}

        def of_prepare():
            state["sim"] = openfisca_simulation(tbs, Kind, df)

        tools.append(Tool("OpenFisca-core, vectorised formulas", n, lambda: openfisca_run(state["sim"]), lambda r: openfisca_verdicts(ids, urban, r),
                          prepare=of_prepare))
    rows = row_dicts(df) if ({"zen-call", "zen-decision", "zen-batch", "jsonlogic"} - skip) else []
    if {"zen-call", "zen-decision", "zen-batch"} - skip:
        import zen

        graph = jdm_graph()
        (work / "shequ-rules.jdm.json").write_text(json.dumps(graph, ensure_ascii=False, indent=1))
        engine = zen.ZenEngine({"loader": {"type": "static", "content": {"shequ": graph}}})
        sub = rows[:k]
        if "zen-call" not in skip:
            tools.append(Tool("zen-engine, `ZenEngine.evaluate` per community", k,
                              lambda: [engine.evaluate("shequ", r)["result"] for r in sub],
                              lambda res: zen_verdicts(ids[:k], res)))
        if "zen-decision" not in skip:
            decision = zen.ZenEngine().create_decision(json.dumps(graph))
            tools.append(Tool("zen-engine, `ZenDecision.evaluate` per community", k,
                              lambda: [decision.evaluate(r)["result"] for r in sub],
                              lambda res: zen_verdicts(ids[:k], res)))
        if "zen-batch" not in skip:
            requests = [{"key": "shequ", "context": r} for r in rows]

            def zen_batch():
                out = engine.evaluate_batch(requests)
                bad = next((o for o in out if not o.get("success")), None)
                if bad is not None:
                    raise RuntimeError(f"zen batch error: {bad.get('error')}")
                return [o["data"]["result"] for o in out]

            tools.append(Tool("zen-engine, `ZenEngine.evaluate_batch` over all rows", n, zen_batch,
                              lambda res: zen_verdicts(ids, res)))
    if "jsonlogic" not in skip:
        from json_logic import jsonLogic

        rule = jsonlogic_rule()
        (work / "shequ-rules.jsonlogic.json").write_text(json.dumps(rule, indent=1))
        sub_jl = rows[:k]
        tools.append(Tool("JsonLogic (`panzi-json-logic`), `jsonLogic` per community", k, lambda: [jsonLogic(rule, r) for r in sub_jl],
                          lambda res: jsonlogic_verdicts(ids[:k], res)))

    # ---- 1. every tool's verdicts must agree with shequ's before any timing
    for t in tools:
        if t.prepare:
            t.prepare()
        lines = t.verdicts(t.run()).lines()
        if check(t.name, lines, reference[: t.rows]):
            print(f"agree: {t.name} ({t.rows} rows, every status, shortfall and funding fen)", file=sys.stderr)
        else:
            ok = False
    if not ok:
        print("verdicts disagree: no timings printed", file=sys.stderr)
        return 1
    print(f"agree: yardstick ({n} rows)", file=sys.stderr)

    # ---- 2. timing: the rule evaluation only, median of --reps
    rust = {
        "shequ": [rust_evaluate(binary, roster, "shequ", None) for _ in range(args.reps)],
        "yardstick": [rust_evaluate(binary, roster, "yardstick", None) for _ in range(args.reps)],
    }
    for t in tools:
        for _ in range(args.reps):
            if t.prepare:
                t.prepare()
            gc.collect()
            c0, w0 = time.process_time(), time.perf_counter()
            t.run()
            w1, c1 = time.perf_counter(), time.process_time()
            t.times_ns.append((w1 - w0) * 1e9 / t.rows)
            t.cpu_ratio.append((c1 - c0) / (w1 - w0))
        print(f"timed: {t.name}", file=sys.stderr)

    # ---- 3. the table
    yard = statistics.median(rust["yardstick"])
    table = [
        ("Rust hand-written yardstick (`--engine yardstick`)", n, statistics.median(rust["yardstick"]), None),
        ("Rust shequ columnar batch (`--engine shequ --threads 1`)", n, statistics.median(rust["shequ"]), None),
    ] + [(t.name, t.rows, statistics.median(t.times_ns), statistics.median(t.cpu_ratio)) for t in tools]

    v = versions()
    source = f"roster {roster.name}" + (f", seed {args.seed}" if args.seed is not None else "") if args.input else f"seed {seed}"
    md = [
        f"### shequ vs general-purpose rule tools: {n:,} communities ({source})",
        "",
        f"Median of {args.reps} timed runs per tool, after one untimed run whose verdicts were checked: every tool agrees "
        f"with shequ on every status, shortfall and funding amount (fen). Time is the rule evaluation only (time.perf_counter; "
        f"no CSV reading, input building or output formatting). The one-call-per-community tools ran on the first {k:,} "
        f"communities only. Rust times are what `shequ-bench evaluate` prints (its own timer, single thread). "
        f"Python {v['python']}, {platform.machine()}, {os.cpu_count()} CPUs.",
        "",
        "| tool | communities timed | ns per community (median) | × Rust yardstick | CPU ÷ wall |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, rows_timed, ns, cpu in table:
        ratio = ns / yard if yard > 0 else float("nan")
        md.append(f"| {name} | {rows_timed:,} | {ns:,.1f} | {ratio:,.1f} | {'1 thread' if cpu is None else f'{cpu:.2f}'} |")
    md += [
        "",
        "CPU ÷ wall above 1 means the tool used more than one core for part of the time.",
        "",
        "Versions: " + ", ".join(f"{name} {x}" for name, x in v.items()),
    ]
    text = "\n".join(md) + "\n"
    (work / "results.md").write_text(text)
    print("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
