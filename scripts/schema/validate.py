"""Validate policy files (TOML, or their JSON form) against the JSON Schema.

Lives in scripts/schema. Needs Python 3.11+ and the `jsonschema` package, e.g. in a venv:

    python3 -m venv /tmp/venv-schema && /tmp/venv-schema/bin/pip install jsonschema
    /tmp/venv-schema/bin/python scripts/schema/validate.py core/schema/policy.schema.json policies/*.toml

Checks the schema itself (draft 2020-12), then prints OK or the first errors of each file;
exits 1 when any file fails.
"""
import json, sys
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from toml2json import load
if len(sys.argv) < 3:
    sys.exit("usage: validate.py SCHEMA.json POLICY.toml|POLICY.json ...")
schema = json.load(open(sys.argv[1], encoding="utf-8"))
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
bad = 0
for p in sys.argv[2:]:
    doc = load(p) if p.endswith(".toml") else json.load(open(p, encoding="utf-8"))
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    print(f"{p}: {'OK' if not errs else f'{len(errs)} error(s)'}")
    for e in errs[:10]:
        while e.context:  # the most relevant failure inside anyOf/oneOf/allOf
            e = best_match(e.context)
        where = "/".join(map(str, e.absolute_path)) or "(root)"
        rule = "/".join(map(str, e.absolute_schema_path))
        # combinators' messages repeat the whole instance: name the failed keyword instead
        msg = e.message if e.validator not in ("oneOf", "anyOf", "not") else f"fails `{e.validator}`"
        print("   ", where, ":", msg[:200], f"[schema: {rule}]")
    bad += bool(errs)
sys.exit(1 if bad else 0)
