"""Generate the JSON Schema of the policy format, core/schema/policy.schema.json.

Lives in scripts/schema. Run from the repo root:

    python3 scripts/schema/gen.py core/schema/policy.schema.json

(with no argument it writes that same file). The vocabularies (field ids and units,
category values, kinds and their keys, strengths, subjects, enums) are read from the Rust
sources by extract.py; the descriptions are written by hand below. Every hand-written
table is checked against the sources, so a change in the Rust format that the schema does
not cover stops the script with an error instead of producing a stale schema.
core/tests/schema.rs checks the result against the compiler.
"""
import json
import sys
from pathlib import Path

import extract as ex

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "core" / "schema" / "policy.schema.json"

FIELDS = ex.fields()
UNIT_NAME = ex.unit_names()  # Unit variant -> policy-file name
UNIT = {f["id"]: UNIT_NAME[f["unit"]] for f in FIELDS}
FIELD_IDS = [f["id"] for f in FIELDS]
NUMERIC_UNITS = ex.numeric_units()
NUMERIC_FIELDS = [f for f in FIELD_IDS if UNIT[f] in NUMERIC_UNITS]
CATEGORY_FIELDS = [f for f in FIELD_IDS if UNIT[f] == "category"]
WHOLE_FIELDS = [f["id"] for f in FIELDS if f["whole"]]
VALUES = {f["id"]: f["values"] for f in FIELDS}

KINDS = ex.const_list("compile.rs", "KINDS")
REASONS = ex.const_list("compile.rs", "NOT_CHECKABLE_REASONS")
COMMON = ex.const_list("compile.rs", "COMMON_KEYS")
ALLOWED = ex.allowed_keys()
STRENGTHS = ex.strengths()
BOUNDARY_WORDS = ex.const_list("words.rs", "BOUNDARY_WORDS")
SUBJECT_NAME, SUBJECT_SPELLINGS = ex.subjects()
ROSTER_SPELLINGS = SUBJECT_SPELLINGS["Roster"]  # every spelling Subject::parse reads as the roster
# `over`: any kind of record but the roster itself, in any spelling Subject::parse accepts
OVER_SPELLINGS = [s for v, ss in SUBJECT_SPELLINGS.items() if v != "Roster" for s in ss]
ROSTER_DEFAULT_KINDS = ex.roster_default_kinds()  # kinds whose `subject` defaults to roster
STATUSES = ex.spellings("model.rs", "DocStatus")
OVERLAPS = ex.spellings("model.rs", "Overlap")
READINGS = ex.spellings("words.rs", "Reading")
REMAINDERS = ex.remainders()
AGGREGATES = ex.string_arms_of("compile.rs", "Aggregate")
REMEDIES = ex.string_arms_of("compile.rs", "RemedyHint")
MONEY_BASE_UNITS = ex.money_base_units()


class StaleError(Exception):
    """A hand-written table here no longer matches the Rust sources."""


def check(cond, what):
    if not cond:
        raise StaleError(what + "; update scripts/schema/gen.py")


def same_keys(table, names, what):
    """A hand-written description table must describe exactly the extracted names."""
    check(set(table) == set(names), f"{what}: described {sorted(table)}, the sources have {sorted(names)}")


check(set(ALLOWED) == set(KINDS), "allowed_keys and KINDS disagree")
check(set(WHOLE_FIELDS) <= {f for f in FIELD_IDS if UNIT[f] in ("persons", "households", "count")},
      "a whole-number field is not a count of persons, households or things")
check(OVER_SPELLINGS and not set(ROSTER_SPELLINGS) & set(OVER_SPELLINGS), "cannot tell `over` spellings from the roster")
check(set(ROSTER_DEFAULT_KINDS) <= set(KINDS), "unknown kind defaults to the roster")
check("subject" in CATEGORY_FIELDS
      and VALUES["subject"] == [(SUBJECT_NAME[v], [x for x in ss if x != SUBJECT_NAME[v]])
                                for v, ss in SUBJECT_SPELLINGS.items() if v != "Roster"],
      "the `subject` field's values are not the record subjects of Subject::parse")


def ref(name):
    return {"$ref": f"#/$defs/{name}"}


def category_values(fid):
    """Every spelling `field::category_index` accepts: the English id, then its Chinese words."""
    out = []
    for vid, zh in VALUES[fid]:
        out.append(vid)
        out.extend(zh)
    return out


def category_desc(fid):
    return "; ".join(f"`{vid}` ({'、'.join(zh)})" for vid, zh in VALUES[fid])


# ---------------------------------------------------------------------------------------
# descriptions of enum values

KIND_DESC = {
    "range": "a measure between `min` and `max`, either of which may be left out but not both",
    "minimum": "a floor: `min` and no `max`",
    "maximum": "a cap: `max` and no `min`",
    "schedule": "one bound, `min` or `max`, whose value changes with the date as `steps` and/or `growth` give it",
    "rate": "a measure bounded per `per` units of `base`, e.g. 30 m² per 100 households",
    "ratio": "a measure bounded as a share of `base` in the same unit, e.g. at least 60 % of the facility",
    "count": "a whole-number count derived from the size of one unit of `base`, e.g. one group per 100–200 households",
    "preferred": "preferred values such as 以3500户或10000人为宜, met when any of `options` holds",
    "tier": "a table in `tiers` choosing what `measure` must be by the value of `by`",
    "decision": "a table in `cases` choosing an outcome, a value of the category field `measure`",
    "money": "money owed per community, made of `components` and split between `payers` by share",
    "share": "the share of the roster's records (communities unless `over` says otherwise) that pass the rule `of_rule` or whose yes/no field `of_field` is yes, optionally per group of `group_by`",
    "tally": "the number of the roster's records (communities unless `over` says otherwise) that meet the rule's `when`, optionally per group of `group_by`, e.g. how many communities are over-size",
}
same_keys(KIND_DESC, KINDS, "KIND_DESC")
STRENGTH_DESC = {
    "mandatory": "必须, 严禁, 禁止, 不得, 确保: a violation when not met",
    "strict": "应, 应当, 须, 要: a violation when not met",
    "as_a_rule": "一般, 原则上: a deviation that needs a recorded reason",
    "preferred": "宜, 以…为宜: advice",
    "target": "力争, 达到 by a year, 逐步: progress towards a goal",
    "encouraged": "鼓励, 支持, 提倡: information only",
    "permitted": "可, 可以: cannot be violated, information only",
}
same_keys(STRENGTH_DESC, STRENGTHS, "STRENGTH_DESC")
UNIT_DESC = {
    "households": "户", "persons": "人", "m2": "square metres, 平方米",
    "km2": "square kilometres, 平方公里", "yuan": "元",
    "percent": "a share, written `\"60%\"` or `0.6`", "count": "个, 次 and other plain counts",
    "years": "年",
}
same_keys(UNIT_DESC, NUMERIC_UNITS, "UNIT_DESC")
REASON_DESC = {
    "qualitative": "the clause states no measurable quantity",
    "procedural": "a procedure, duty or deadline to act, not a property of a record",
    "needs_external_parameter": "the number it needs is set outside the document",
    "needs_geodata": "checking it needs maps or distances",
    "frequency": "how often something happens (meetings, trainings), which a record does not carry",
    "data": "it needs data that shequ's fields do not carry, or states a figure that is not a rule",
    "covered_elsewhere": "it is already encoded by another rule or key",
}
same_keys(REASON_DESC, REASONS, "REASON_DESC")
SUBJECT_DESC = {
    "community": "a community record; the default, except for " + " and ".join(f"`{k}`" for k in ROSTER_DEFAULT_KINDS),
    "new_area": "a new residential area that may become a community",
    "meeting": "a meeting's attendance and votes",
    "town": "a town or subdistrict (镇/街道), for rules about them rather than their communities",
    "roster": "the whole roster of records, communities unless `over` says otherwise; the default for " + " and ".join(f"`{k}`" for k in ROSTER_DEFAULT_KINDS),
}
same_keys(SUBJECT_DESC, SUBJECT_NAME.values(), "SUBJECT_DESC")
OVERLAP_DESC = {
    "report": "check every matching tier: pass only if all pass, `ambiguous` if some do; the default",
    "upper": "apply the higher tier, when the document or its issuer says so",
    "lower": "apply the lower tier",
}
same_keys(OVERLAP_DESC, OVERLAPS, "OVERLAP_DESC")
STATUS_DESC = {
    "draft": "征求意见稿: never in force, evaluated only when asked for",
    "in_force": "in force from its date",
    "repealed": "superseded or repealed",
    "expired": "its period has ended",
}
same_keys(STATUS_DESC, STATUSES, "STATUS_DESC")
READING_DESC = {
    "statutory": "民法典 art. 1259: 以上, 以下, 以内, 届满 include the number and 不满, 超过, 以外 exclude it; the default",
    "colloquial": "以上 includes the number, 以下 excludes it",
}
same_keys(READING_DESC, READINGS, "READING_DESC")
REMAINDER_DESC = {
    "largest_remainder": "one each to the payers whose exact shares lost most in truncation; ties to the payer listed first",
    "first": "all to the first payer listed",
    "last": "all to the last payer listed",
}
same_keys(REMAINDER_DESC, REMAINDERS, "REMAINDER_DESC")
AGGREGATE_DESC = {
    "sum": "sum over the records; the default",
    "mean": "mean over the records that have the value",
}
same_keys(AGGREGATE_DESC, AGGREGATES, "AGGREGATE_DESC")
REMEDY_DESC = {
    "adjust": "change the measure itself, e.g. add workers or space; the default",
    "split_merge": "too large: split the community; too small: merge it",
}
same_keys(REMEDY_DESC, REMEDIES, "REMEDY_DESC")


def enum_desc(lead, table, order):
    return lead + ": " + "; ".join(f"`{k}` — {table[k]}" for k in order) + "."


def paren_desc(table, order):
    """`a` (what a is), `b` (what b is)"""
    return ", ".join(f"`{k}` ({table[k]})" for k in order)


def zh_spellings(variant):
    return [x for x in SUBJECT_SPELLINGS[variant] if x != SUBJECT_NAME[variant]]


# ---------------------------------------------------------------------------------------
# $defs

NUM_ONE = r"\s*[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:\s*[%％‰])?\s*"

NONZERO = r"(?!\s*[+-]?[0,.]*(?:\s*[%％‰])?\s*$)"  # a fraction's denominator is not zero

defs = {}

defs["number"] = {
    "description": "A number as written in a policy file: an integer (`1500`), a decimal (`0.6`), or a string holding a decimal with optional thousands separators, a percentage, a per-mille value or a fraction (`\"60%\"`, `\"3‰\"`, `\"2/3\"`, `\"1,500\"`).",
    "anyOf": [
        {"type": "integer"},
        {"type": "number"},
        {"type": "string", "pattern": f"^{NUM_ONE}(?:/{NONZERO}{NUM_ONE})?$"},
    ],
}
defs["positiveNumber"] = {
    "description": "A number as written in a policy file (see `number`) that is more than zero.",
    "allOf": [ref("number")],
    "anyOf": [{"type": "string"}, {"type": "number", "exclusiveMinimum": 0}],
}
defs["date"] = {
    "description": "A calendar date `YYYY-MM-DD`; a TOML date (`2023-12-13`) becomes this string in JSON, and a quoted date string is accepted too.",
    "type": "string",
    "format": "date",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
}
defs["id"] = {
    "description": "An id: lowercase ASCII letters, digits and single hyphens, neither starting nor ending with a hyphen.",
    "type": "string",
    "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$",
}
defs["fieldId"] = {
    "description": "A record field by its English id (`shequ fields` lists every field with its Chinese header and unit).",
    "enum": FIELD_IDS,
}
defs["numericFieldId"] = {
    "description": "A field that carries a number (" + ", ".join(NUMERIC_UNITS[:-1]) + " or " + NUMERIC_UNITS[-1] + ").",
    "enum": NUMERIC_FIELDS,
}
defs["wholeFieldId"] = {
    "description": "A field that only takes whole numbers (people, households, things).",
    "enum": WHOLE_FIELDS,
}
defs["categoryFieldId"] = {
    "description": "A field that takes one of a fixed set of values.",
    "enum": CATEGORY_FIELDS,
}
def camel(s):
    a, *b = s.split("_")
    return a + "".join(x.title() for x in b)


for u in NUMERIC_UNITS + ["flag", "text"]:
    defs[f"{camel(u)}FieldId"] = {
        "description": {"flag": "A yes/no field.", "text": "A free-text field."}.get(u, f"A field measured in {u} ({UNIT_DESC.get(u)})."),
        "enum": [f for f in FIELD_IDS if UNIT[f] == u],
    }
for f in CATEGORY_FIELDS:
    defs[f"{camel(f)}Value"] = {
        "description": f"A value of the category field `{f}`, by its English id or one of its Chinese words: {category_desc(f)}.",
        "enum": category_values(f),
    }


def value_ref(f):
    return ref(f"{camel(f)}Value")


def unit_ref(u):
    return ref(f"{camel(u)}FieldId")


defs["unit"] = {
    "description": enum_desc("The unit of a rule's numbers", UNIT_DESC, NUMERIC_UNITS),
    "enum": NUMERIC_UNITS,
}
defs["strength"] = {
    "description": enum_desc("How binding the wording is, strongest first", STRENGTH_DESC, STRENGTHS),
    "enum": STRENGTHS,
}
SUBJECT_ZH = [x for v in SUBJECT_SPELLINGS for x in zh_spellings(v)]
defs["subject"] = {
    "description": "What the rule judges: " + paren_desc(SUBJECT_DESC, SUBJECT_NAME.values())
    + "; the Chinese spellings " + ", ".join(SUBJECT_ZH) + " are accepted too.",
    "enum": list(SUBJECT_NAME.values()) + SUBJECT_ZH,
}
defs["over"] = {
    "description": "The kind of record a roster rule counts: "
    + paren_desc({SUBJECT_NAME[v]: SUBJECT_DESC[SUBJECT_NAME[v]].split(";")[0] for v in SUBJECT_SPELLINGS if v != "Roster"},
                 [SUBJECT_NAME[v] for v in SUBJECT_SPELLINGS if v != "Roster"])
    + "; records are told apart by their `subject` field. The Chinese spellings "
    + ", ".join(x for v in SUBJECT_SPELLINGS if v != "Roster" for x in zh_spellings(v)) + " are accepted too.",
    "enum": OVER_SPELLINGS,
}
defs["overlap"] = {
    "description": "How a value that falls in two tiers at once is judged: " + paren_desc(OVERLAP_DESC, OVERLAPS) + ".",
    "enum": OVERLAPS,
}
defs["bound"] = {
    "description": "A bound: a number and the source word that bounds it. Known words (traditional characters are accepted too): " + " ".join(BOUNDARY_WORDS) + ". The word is checked by the compiler and linter; an empty word needs `inclusive` and `reading` (or `reading_en`).",
    "type": "object",
    "properties": {
        "value": {**ref("number"), "description": "The number; left out in a dated bound, which takes its value from `steps`/`growth`."},
        "word": {"type": "string", "description": "The source's boundary word, e.g. 以上 (inclusive floor), 超过 (exclusive floor), 以下, 不满, or a range mark such as 至 or ~; empty when the text has none."},
        "inclusive": {"type": "boolean", "description": "Whether the number itself is allowed, overriding the lexicon's reading of `word` (say why in `reading`)."},
        "reading": {"type": "string", "description": "Why the bound is read the way it is, when that is not the lexicon's default or the text has no word, in Chinese (the linter warns when it has no Chinese characters)."},
        "reading_en": {"type": "string", "description": "The same reading in English (shown with `--lang en`); either language may stand alone, and each is shown in place of the other when that one is missing."},
    },
    "required": ["word"],
    "additionalProperties": False,
    "if": {"properties": {"word": {"pattern": r"^\s*$"}}},
    "then": {"required": ["inclusive"], "anyOf": [{"required": ["reading"]}, {"required": ["reading_en"]}]},
}
defs["fixedBound"] = {
    "description": "A bound with its own `value`.",
    "allOf": [ref("bound"), {"required": ["value"]}],
}
defs["datedBound"] = {
    "description": "A bound whose value comes from the rule's `steps`/`growth`, so it has no `value`.",
    "allOf": [ref("bound"), {"properties": {"value": False}}],
}

# conditions: field id -> shape by unit
cond_props = {}
for f in FIELD_IDS:
    u = UNIT[f]
    if u == "flag":
        cond_props[f] = {"type": "boolean", "description": f"Yes/no field `{f}`: the value it must have."}
    elif u == "category":
        cond_props[f] = {
            "type": "array",
            "description": f"Category field `{f}`: the values any of which it must have: {category_desc(f)}.",
            "items": value_ref(f),
        }
    elif u == "text":
        cond_props[f] = False
    else:
        cond_props[f] = {**ref("conditionBounds"), "description": f"Numeric field `{f}` ({u}): the bounds it must lie within."}
defs["conditionBounds"] = {
    "description": "Bounds on a numeric field in a condition; each bound needs a `value`.",
    "type": "object",
    "properties": {
        "min": {**ref("fixedBound"), "description": "The lower bound."},
        "max": {**ref("fixedBound"), "description": "The upper bound."},
    },
    "additionalProperties": False,
}
defs["conditions"] = {
    "description": "Conditions on record fields, all of which must hold: a yes/no field takes `true`/`false`, a category field a list of values, a numeric field `{ min = …, max = … }`; free-text fields cannot be conditions.",
    "type": "object",
    "properties": cond_props,
    "additionalProperties": False,
}

defs["option"] = {
    "description": "One preferred value: the rule is met when `measure` equals `value`.",
    "type": "object",
    "properties": {
        "measure": {**ref("fieldId"), "description": "The field the preferred value is for."},
        "value": {**ref("number"), "description": "The preferred value."},
    },
    "required": ["measure", "value"],
    "additionalProperties": False,
}
defs["require"] = {
    "description": "What a tier requires of the rule's `measure`: bounds (`min`, `max`) or one exact value (`equal`), not both.",
    "type": "object",
    "properties": {
        "min": {**ref("fixedBound"), "description": "The least value allowed."},
        "max": {**ref("fixedBound"), "description": "The greatest value allowed."},
        "equal": {**ref("number"), "description": "The one value allowed."},
    },
    "additionalProperties": False,
    "anyOf": [{"required": ["min"]}, {"required": ["max"]}, {"required": ["equal"]}],
    "if": {"required": ["equal"]},
    "then": {"properties": {"min": False, "max": False}},
}
defs["tier"] = {
    "description": "One row of a tier table: which values of `by` it covers (`min`/`max` for a number, `is` for a category) and what it requires.",
    "type": "object",
    "properties": {
        "min": {**ref("fixedBound"), "description": "Lower bound of the tier on a numeric `by`."},
        "max": {**ref("fixedBound"), "description": "Upper bound of the tier on a numeric `by`."},
        "is": {"type": "array", "items": {"type": "string"}, "description": "For a category `by`: the values this tier covers."},
        "require": {**ref("require"), "description": "What the tier requires of the rule's `measure`."},
        "quote": {"type": "string", "description": "The tier's own words, when the rule's quote holds several tiers."},
    },
    "required": ["require"],
    "additionalProperties": False,
}
defs["case"] = {
    "description": "One case of a decision table: when all its conditions hold, the outcome is decided.",
    "type": "object",
    "properties": {
        "when": {**ref("conditions"), "description": "Conditions on fields, all of which must hold for the case."},
        "outcome": {
            "description": "The decided outcome (a value of the rule's `measure` category), or a list of outcomes any of which the case allows.",
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}],
        },
        "quote": {"type": "string", "description": "The case's own words."},
    },
    "required": ["when", "outcome"],
    "additionalProperties": False,
}
defs["step"] = {
    "description": "One dated value of a bound: a whole `year`, or a period starting `from` a date (open-ended unless `until` is given).",
    "type": "object",
    "properties": {
        "year": {"type": "integer", "description": "A whole calendar year (shorthand for `from` 1 January and `until` 31 December)."},
        "from": {**ref("date"), "description": "The first day the value applies."},
        "until": {**ref("date"), "description": "The last day the value applies; without it the value applies from `from` on."},
        "value": {**ref("number"), "description": "The bound's value in this period."},
        "quote": {"type": "string", "description": "The step's own words."},
    },
    "required": ["value"],
    "additionalProperties": False,
    "oneOf": [
        {"required": ["year"], "properties": {"from": False, "until": False}},
        {"required": ["from"], "properties": {"year": False}},
    ],
}
defs["growth"] = {
    "description": "Growth by stages: from `from_year`, every `every_years` years the value is multiplied by `factor`, starting from `base`.",
    "type": "object",
    "properties": {
        "from_year": {"type": "integer", "description": "The first year of the first stage."},
        "every_years": {"type": "integer", "minimum": 1, "maximum": 4294967295, "description": "The length of a stage in years (at least 1)."},
        "factor": {**ref("number"), "description": "What each stage's value is multiplied by to give the next stage's, e.g. `\"120%\"` for 20 % growth."},
        "base": {**ref("number"), "description": "The value in the first stage."},
    },
    "required": ["from_year", "every_years", "factor", "base"],
    "additionalProperties": False,
}
defs["component"] = {
    "description": "One part of a money obligation: a fixed `amount` per community per period, and/or a `rate` per `per` units of `base`.",
    "type": "object",
    "properties": {
        "id": {"type": "string", "description": "The component's id within the rule."},
        "name": {"type": "string", "description": "The component's name as the source gives it."},
        "name_en": {"type": "string", "description": "An English name."},
        "amount": {**ref("number"), "description": "Yuan per community per period."},
        "rate": {**ref("number"), "description": "Yuan per `per` units of `base` per period."},
        "per": {**ref("positiveNumber"), "description": "How many units of `base` the `rate` is for (more than zero)."},
        "base": {"anyOf": [unit_ref(u) for u in MONEY_BASE_UNITS], "description": "The field the `rate` is paid per, measured in " + ", ".join(MONEY_BASE_UNITS[:-1]) + " or " + MONEY_BASE_UNITS[-1] + "."},
        "paid": {**unit_ref("yuan"), "description": "A money field holding what is actually paid, so that an excess over the standard can be placed with `excess_payer`."},
        "quote": {"type": "string", "description": "The component's own words."},
    },
    "required": ["id", "name"],
    "additionalProperties": False,
    "anyOf": [{"required": ["amount"]}, {"required": ["rate"]}],
    "dependentRequired": {"rate": ["per", "base"], "per": ["rate", "base"], "base": ["rate", "per"]},
}
defs["payer"] = {
    "description": "One payer of a money obligation and its share of the split.",
    "type": "object",
    "properties": {
        "id": {"type": "string", "description": "The payer's id within the rule (named by `excess_payer`)."},
        "name": {"type": "string", "description": "The payer's name as the source gives it."},
        "name_en": {"type": "string", "description": "An English name."},
        "share": {"type": "integer", "minimum": 0, "maximum": 18446744073709551615, "description": "The payer's weight in the split (4 and 6 for 4:6); the weights must not all be zero."},
    },
    "required": ["id", "name", "share"],
    "additionalProperties": False,
}

# --- rule -----------------------------------------------------------------------------

rule_props = {
    "id": {**ref("id"), "description": "The rule's id, unique in the policy."},
    "clause": {"type": "string", "description": "The clause label (e.g. `Y-1`) shared by every rule and not-checkable entry encoding the same clause."},
    "location": {"type": "string", "description": "Where the clause stands in the source document (section, paragraph)."},
    "kind": {"enum": KINDS, "description": enum_desc("What sort of statement the rule is, which decides its other keys", KIND_DESC, KINDS)},
    "title": {"type": "string", "description": "A short title in Chinese."},
    "title_en": {"type": "string", "description": "A short title in English."},
    "subject": ref("subject"),
    "strength": ref("strength"),
    "word": {"type": "string", "description": "The strength word of the source sentence as written (e.g. 应, 一般, 必须); empty when it has none, and then `reading` (or `reading_en`) says how the strength was chosen."},
    "quote": {"type": "string", "description": "The source sentence the rule encodes, copied exactly (it may be cut with …); the linter finds it in the source text."},
    "reading": {"type": "string", "description": "How the text is read where it needs interpretation (a missing word, a boundary, a scope), in Chinese (`shequ explain` and `--lang zh` show it; the linter warns when it has no Chinese characters)."},
    "reading_en": {"type": "string", "description": "The same reading in English (shown with `--lang en`); either language may stand alone, and each is shown in place of the other when that one is missing."},
    "when": {**ref("conditions"), "description": "Conditions on record fields, all of which must hold for the rule to apply."},
    "overrides": {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$"}, "description": "`policy/rule` references to rules of a `builds_on` policy that this rule replaces. Honoured when it tightens the national rule or the national rule is only a norm (一般); otherwise both findings are shown and the linter reports a layer conflict."},
    "measure": {**ref("fieldId"), "description": "The field the rule constrains; for `decision`, the category field that holds the outcome."},
    "unit": {**ref("unit"), "description": "The unit of the rule's numbers; it must be the unit of `measure` (of `base` for `count`): " + "; ".join(f"`{u}` ({UNIT_DESC[u]})" for u in NUMERIC_UNITS) + "."},
    "aggregate": {"enum": AGGREGATES, "description": "How a roster rule (`subject = \"roster\"`) combines its records' values: " + paren_desc(AGGREGATE_DESC, AGGREGATES) + "."},
    "min": {**ref("bound"), "description": "The lower bound: the least value allowed (for `count`, the least size of one unit of `base`; for `share`, the least share; for `tally`, the least number of records)."},
    "max": {**ref("bound"), "description": "The upper bound: the greatest value allowed (for `count`, the greatest size of one unit of `base`; for `share`, the greatest share; for `tally`, the greatest number of records)."},
    "base": {**ref("fieldId"), "description": "The field the measure is compared with: `rate` bounds the measure per `per` units of it, `ratio` bounds the measure as a share of it, `count` divides it into units."},
    "per": {**ref("positiveNumber"), "description": "How many units of `base` the bounds are for (30 m² per 100 households: `per = 100`); more than zero."},
    "remedy": {"enum": REMEDIES, "description": "How a failing size is best mended: " + paren_desc(REMEDY_DESC, REMEDIES) + "."},
    "options": {"type": "array", "items": ref("option"), "description": "The preferred values; the rule is met when any one holds."},
    "by": {**ref("fieldId"), "description": "The field that chooses the tier: tiers on a number use `min`/`max`, tiers on a category use `is`."},
    "tiers": {"type": "array", "items": ref("tier"), "description": "The rows of the tier table."},
    "overlap": ref("overlap"),
    "cases": {"type": "array", "items": ref("case"), "description": "The cases of the decision table."},
    "steps": {"type": "array", "items": ref("step"), "description": "The bound's dated values, in order (`schedule`, and `rate`, `ratio`, `share` and `tally` with a dated bound); the bound then has no `value`."},
    "growth": {**ref("growth"), "description": "Growth of the bound by stages, after or instead of `steps` (`schedule`, `rate`, `ratio`); the bound then has no `value`."},
    "components": {"type": "array", "items": ref("component"), "description": "The parts of the money owed per community."},
    "payers": {"type": "array", "items": ref("payer"), "description": "Who pays, and in what proportion."},
    "remainder": {"enum": REMAINDERS, "description": "Where the fen left over after splitting by share go: " + paren_desc(REMAINDER_DESC, REMAINDERS) + "."},
    "excess_payer": {"type": "string", "description": "The id of the payer that bears whatever is paid beyond the standard (read from the components' `paid` fields)."},
    "period": {"type": "string", "description": "The period the amounts are for: `year` (the default) or `month`; any other word is shown as an unnamed period.", "examples": ["year", "month"]},
    "of_rule": {**ref("id"), "description": "`share`: the id of the rule of this policy whose pass rate across the roster is bounded (give this or `of_field`)."},
    "of_field": {**unit_ref("flag"), "description": "`share`: a yes/no field whose share of yes answers across the roster is bounded (give this or `of_rule`)."},
    "over": {**ref("over"), "description": "Roster rules (`subject = \"roster\"`): the kind of record they count, `community` by default."},
    "group_by": {**ref("fieldId"), "description": "`share`, `tally`: a field to group the records by (e.g. `county`); the share or number is judged in each group."},
}
ALL_RULE_KEYS = list(ex.raw_struct_fields("RawRule"))
same_keys(rule_props, ALL_RULE_KEYS, "rule_props (RawRule)")
rule_props = {k: rule_props[k] for k in ALL_RULE_KEYS}
RULE_REQUIRED = [k for k, req in ex.raw_struct_fields("RawRule").items() if req]
check(set(RULE_REQUIRED) <= set(COMMON), f"required rule keys {RULE_REQUIRED} are not all common keys")
for k in COMMON + [k for ks in ALLOWED.values() for k in ks]:
    check(k in rule_props, f"allowed key `{k}` is not a RawRule field")


def unit_follows(key):
    """If `key` names a field of unit U, a declared `unit` must be U; a non-numeric field takes no `unit`."""
    out = []
    for u in NUMERIC_UNITS:
        out.append({
            "if": {"required": [key], "properties": {key: unit_ref(u)}},
            "then": {"properties": {"unit": {"const": u}}},
        })
    out.append({
        "if": {"required": [key], "properties": {key: {"not": ref("numericFieldId")}}},
        "then": {"properties": {"unit": False}},
    })
    return out


defs["unitFollowsMeasure"] = {
    "description": "A declared `unit` must be the unit of the field named by `measure`.",
    "allOf": unit_follows("measure"),
}
defs["unitFollowsBase"] = {
    "description": "A declared `unit` must be the unit of the field named by `base`.",
    "allOf": unit_follows("base"),
}
defs["sameUnitMeasureBase"] = {
    "description": "A ratio compares like with like: `measure` and `base` are in the same unit.",
    "allOf": [{
        "if": {"required": ["base"], "properties": {"base": unit_ref(u)}},
        "then": {"properties": {"measure": unit_ref(u)}},
    } for u in NUMERIC_UNITS],
}


MIN_OR_MAX = {"anyOf": [{"required": ["min"]}, {"required": ["max"]}]}
# a dated rule needs at least one step or a growth (compile_schedule)
STEPS_OR_GROWTH = {"anyOf": [{"required": ["growth"]},
                             {"required": ["steps"], "properties": {"steps": {"minItems": 1}}}]}
HANDLED_KINDS = ["range", "minimum", "maximum", "schedule", "rate", "ratio", "count", "preferred",
                 "tier", "decision", "money", "share", "tally"]
check(sorted(KINDS) == sorted(HANDLED_KINDS), f"kind_rule handles {HANDLED_KINDS}, KINDS is {KINDS}")


def dated_if(keys):
    """With any of `keys` (steps, growth) present the bounds are dated (no `value`) and a
    step or a growth is needed; without them each bound has its own `value`."""
    cond = {"required": keys} if len(keys) == 1 else {"anyOf": [{"required": [k]} for k in keys]}
    then = {"properties": {"min": ref("datedBound"), "max": ref("datedBound")}}
    if "growth" in keys:
        then.update(STEPS_OR_GROWTH)
    return {
        "if": cond,
        "then": then,
        "else": {"properties": {"min": ref("fixedBound"), "max": ref("fixedBound")}},
    }


def kind_rule(kind):
    keys = COMMON + ALLOWED[kind]
    then = {
        "properties": {k: True for k in keys},
        "additionalProperties": False,
    }
    req = []
    needs = []  # what the description says it needs besides `req`
    extra = []
    props = then["properties"]
    if kind in ("range", "minimum", "maximum", "schedule"):
        req = ["measure"]
        props["measure"] = ref("numericFieldId")
        extra.append(ref("unitFollowsMeasure"))
        b = "datedBound" if kind == "schedule" else "fixedBound"
        props["min"] = ref(b)
        props["max"] = ref(b)
        if kind == "range":
            extra.append(MIN_OR_MAX)
        elif kind == "minimum":
            req.append("min")
            props["max"] = False
        elif kind == "maximum":
            req.append("max")
            props["min"] = False
        else:
            extra.append({"oneOf": [{"required": ["min"]}, {"required": ["max"]}]})
            extra.append(STEPS_OR_GROWTH)
    elif kind in ("rate", "ratio"):
        req = ["measure", "base"] + (["per"] if kind == "rate" else [])
        props["measure"] = ref("numericFieldId")
        props["base"] = ref("numericFieldId")
        extra.append(MIN_OR_MAX)
        extra.append(dated_if(["steps", "growth"]))
        extra.append(ref("unitFollowsMeasure") if kind == "rate" else ref("sameUnitMeasureBase"))
    elif kind == "count":
        req = ["measure", "base"]
        props["measure"] = ref("wholeFieldId")
        props["min"] = ref("fixedBound")
        props["max"] = ref("fixedBound")
        extra.append(MIN_OR_MAX)
        extra.append(ref("unitFollowsBase"))
    elif kind == "preferred":
        req = ["options"]
    elif kind == "tier":
        req = ["by", "measure", "tiers"]
        extra.append(ref("unitFollowsMeasure"))
        for f in CATEGORY_FIELDS:
            extra.append({
                "if": {"required": ["by"], "properties": {"by": {"const": f}}},
                "then": {"properties": {"tiers": {"items": {
                    "required": ["is"],
                    "properties": {"is": {"items": value_ref(f)}, "min": False, "max": False},
                }}}},
            })
        extra.append({
            "if": {"required": ["by"], "properties": {"by": {"not": {"enum": CATEGORY_FIELDS}}}},
            "then": {"properties": {"tiers": {"items": {"properties": {"is": False}}}}},
        })
    elif kind == "decision":
        req = ["measure", "cases"]
        props["measure"] = ref("categoryFieldId")
        for f in CATEGORY_FIELDS:
            vals = value_ref(f)
            extra.append({
                "if": {"required": ["measure"], "properties": {"measure": {"const": f}}},
                "then": {"properties": {"cases": {"items": {"properties": {
                    "outcome": {"anyOf": [vals, {"type": "array", "items": vals}]},
                }}}}},
            })
    elif kind == "money":
        req = ["components", "payers", "remainder"]
        props["payers"] = {"contains": {"properties": {"share": {"type": "integer", "minimum": 1}}}}
    elif kind in ("share", "tally"):
        if kind == "share":
            props["of_field"] = unit_ref("flag")
            extra.append({"oneOf": [{"required": ["of_rule"]}, {"required": ["of_field"]}]})
            needs.append("`of_rule` or `of_field` (not both)")
        # a roster rule: `subject`, when given, is the roster
        props["subject"] = {"enum": ROSTER_SPELLINGS}
        props["steps"] = {"minItems": 1}
        extra.append(MIN_OR_MAX)
        extra.append(dated_if(["steps"]))
    elif kind not in HANDLED_KINDS:
        raise StaleError(f"no schema for kind `{kind}`")
    if req:
        then["required"] = req
    if extra:
        then["allOf"] = extra
    return {
        "description": f"A `{kind}` rule takes the common keys and " + ", ".join(f"`{k}`" for k in ALLOWED[kind] if props.get(k) is not False) + ("; it needs " + ", ".join([f"`{k}`" for k in req] + needs) if req or needs else "") + ".",
        "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
        "then": then,
    }


defs["rule"] = {
    "description": "A `[[rule]]`: one checkable statement of the document. The keys allowed besides the common ones (id, clause, location, kind, title, title_en, subject, strength, word, quote, reading, reading_en, when) depend on `kind`.",
    "type": "object",
    "properties": rule_props,
    "required": RULE_REQUIRED,
    "additionalProperties": False,
    "allOf": [kind_rule(k) for k in KINDS] + [{
        "description": "`aggregate` belongs only to roster rules.",
        "if": {"required": ["aggregate"]},
        "then": {"required": ["subject"], "properties": {"subject": {"enum": ROSTER_SPELLINGS}}},
    }, {
        "description": "`over` belongs only to roster rules: `subject = \"roster\"`, or a "
        + " or ".join(f"`{k}`" for k in ROSTER_DEFAULT_KINDS) + " rule, whose subject is the roster by default.",
        "if": {"required": ["over"]},
        "then": {"anyOf": [
            {"required": ["subject"], "properties": {"subject": {"enum": ROSTER_SPELLINGS}}},
            {"properties": {"kind": {"enum": ROSTER_DEFAULT_KINDS}}, "not": {"required": ["subject"]}},
        ]},
    }],
}

defs["notCheckable"] = {
    "description": "A `[[not_checkable]]` entry: a clause accounted for without a rule, with the reason.",
    "type": "object",
    "properties": {
        "clause": {"type": "string", "description": "The clause label (e.g. `Y-2`), as rules use it."},
        "location": {"type": "string", "description": "Where the clause stands in the source document."},
        "reason": {"enum": REASONS, "description": enum_desc("Why the clause is not checked", REASON_DESC, REASONS)},
        "note": {"type": "string", "description": "What the clause says and why it is not encoded as a rule."},
        "quote": {"type": "string", "description": "The clause's words, copied exactly from the source (it may be cut with …)."},
    },
    "required": ["clause", "location", "reason", "note", "quote"],
    "additionalProperties": False,
}
same_keys(defs["notCheckable"]["properties"], ex.raw_struct_fields("RawNotCheckable"), "notCheckable (RawNotCheckable)")

defs["policy"] = {
    "description": "The `[policy]` table: what the document is, who issued it, when it is in force and how its words are read.",
    "type": "object",
    "properties": {
        "id": {**ref("id"), "description": "The policy's id (e.g. `xian-2023`), unique among the policies loaded together."},
        "title": {"type": "string", "description": "The document's title as the source gives it (Chinese)."},
        "title_en": {"type": "string", "description": "The title in English."},
        "issuer": {"type": "string", "description": "The issuing body as the source names it."},
        "issuer_en": {"type": "string", "description": "The issuer in English."},
        "document_number": {"type": "string", "description": "The document number (文号), when the source gives one."},
        "published": {**ref("date"), "description": "The date the document was issued; it is in force from this date unless `in_force_from` says otherwise."},
        "in_force_from": {**ref("date"), "description": "The first day the document is in force, when it is not `published`."},
        "in_force_until": {**ref("date"), "description": "The last day the document is in force, when it has an end."},
        "status": {"enum": STATUSES, "description": "Whether the document is in force: " + paren_desc(STATUS_DESC, STATUSES) + "."},
        "jurisdiction": {"type": "string", "description": "The place the document governs, e.g. `西安市 (Xi'an, Shaanxi)`."},
        "source": {"type": "string", "description": "The path of the source text, relative to the policy file; the linter finds every quote in it."},
        "source_lines": {"type": "string", "description": "Where the source text was taken from, e.g. a line range of a larger file."},
        "source_note": {"type": "string", "description": "What the source is and what is uncertain about it (issuer, date, title)."},
        "boundary_reading": {"enum": READINGS, "description": "How the document's 以上/以下 are read: " + paren_desc(READING_DESC, READINGS) + "."},
        "reading_note": {"type": "string", "description": "Why the boundary reading was chosen and what follows from it, in Chinese (the linter warns when it has no Chinese characters)."},
        "reading_note_en": {"type": "string", "description": "The same note in English."},
        "overlap": {**ref("overlap"), "description": "A document-wide reading of values that fall in two tiers: `report` (the default), `upper` or `lower` (see a tier rule's `overlap`)."},
        "applies_to": {"type": "array", "items": value_ref("kind"), "description": "The community kinds the document governs (values of the `kind` field: " + category_desc("kind") + "); without it, every kind."},
        "builds_on": {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}, "description": "Ids of the policies this one builds on (the national layer); they are evaluated with it, first."},
        "notes": {"type": "string", "description": "Anything else worth knowing about the document."},
    },
    "required": [k for k, req in ex.raw_struct_fields("RawMeta").items() if req],
    "additionalProperties": False,
}
same_keys(defs["policy"]["properties"], ex.raw_struct_fields("RawMeta"), "policy (RawMeta)")
for name, raw in [("bound", "RawBound"), ("option", "RawOption"), ("tier", "RawTier"), ("require", "RawRequire"),
                  ("case", "RawCase"), ("step", "RawStep"), ("growth", "RawGrowth"),
                  ("component", "RawComponent"), ("payer", "RawPayer")]:
    fs = ex.raw_struct_fields(raw)
    check(list(defs[name]["properties"]) == list(fs), f"{name}: properties {list(defs[name]['properties'])}, {raw} has {list(fs)}")
    check(sorted(defs[name].get("required", [])) == sorted(k for k, r in fs.items() if r), f"{name}: required keys differ from {raw}")

schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "shequ policy file",
    "description": "A shequ policy file (TOML, shown here as its JSON equivalent): one community-governance document encoded as checkable rules, plus the clauses that are accounted for but not checked.",
    "type": "object",
    "properties": {
        "policy": ref("policy"),
        "rule": {"type": "array", "items": ref("rule"), "description": "The checkable rules (`[[rule]]`), in document order."},
        "not_checkable": {"type": "array", "items": ref("notCheckable"), "description": "The clauses recorded without a rule (`[[not_checkable]]`), each with its reason."},
    },
    "required": ["policy"],
    "additionalProperties": False,
    "$defs": defs,
}

def dumps(v, ind=0):
    """JSON with two-space indents; arrays of scalars stay on one line when short."""
    pad, pad1 = "  " * ind, "  " * (ind + 1)
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [f"{pad1}{json.dumps(k, ensure_ascii=False)}: {dumps(x, ind + 1)}" for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list):
        if all(not isinstance(x, (dict, list)) for x in v):
            one = "[" + ", ".join(json.dumps(x, ensure_ascii=False) for x in v) + "]"
            if len(one) + len(pad) <= 100:
                return one
            lines, cur = [], ""
            for x in v:
                t = json.dumps(x, ensure_ascii=False)
                if cur and len(pad1) + len(cur) + len(t) + 2 > 100:
                    lines.append(cur.rstrip())
                    cur = ""
                cur += t + ", "
            lines.append(cur.rstrip(", "))
            return "[\n" + ",\n".join(pad1 + l.rstrip(",") for l in lines) + "\n" + pad + "]"
        return "[\n" + ",\n".join(pad1 + dumps(x, ind + 1) for x in v) + "\n" + pad + "]"
    return json.dumps(v, ensure_ascii=False)


OBJECT_KW = ("properties", "required", "additionalProperties", "dependentRequired")
ARRAY_KW = ("items", "minItems", "contains")
MAP_KW = ("properties", "$defs", "dependentSchemas")
ONE_KW = ("items", "contains", "not", "if", "then", "else", "additionalProperties")
LIST_KW = ("allOf", "anyOf", "oneOf")


def add_types(sch):
    """Give every subschema that uses object, array or string keywords the matching `type`,
    as strict validators (Ajv's strictTypes) ask; the instance there already has that type."""
    if not isinstance(sch, dict):
        return
    if "type" not in sch and "$ref" not in sch:
        if any(k in sch for k in OBJECT_KW):
            sch["type"] = "object"
        elif any(k in sch for k in ARRAY_KW):
            sch["type"] = "array"
        elif "pattern" in sch:
            sch["type"] = "string"
    for k in MAP_KW:
        for x in sch.get(k, {}).values():
            add_types(x)
    for k in ONE_KW:
        add_types(sch.get(k))
    for k in LIST_KW:
        for x in sch.get(k, []):
            add_types(x)


def reorder(sch):
    """Put `type` right after `description` (or first) for readability."""
    if isinstance(sch, dict):
        for v in sch.values():
            reorder(v)
        if "type" in sch:
            t = sch.pop("type")
            items = list(sch.items())
            at = 1 if items and items[0][0] in ("description", "$ref") else 0
            sch.clear()
            sch.update(items[:at] + [("type", t)] + items[at:])
    elif isinstance(sch, list):
        for v in sch:
            reorder(v)


add_types(schema)


if len(sys.argv) > 2:
    sys.exit("usage: python3 scripts/schema/gen.py [OUT.json]   (default: core/schema/policy.schema.json)")
out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
out.write_text(dumps(schema) + "\n", encoding="utf-8")
print("wrote", out)
