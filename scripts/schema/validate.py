import json, sys
from jsonschema import Draft202012Validator
from toml2json import load
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
bad = 0
for p in sys.argv[2:]:
    doc = load(p) if p.endswith(".toml") else json.load(open(p))
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    print(f"{p}: {'OK' if not errs else f'{len(errs)} error(s)'}")
    for e in errs[:10]:
        print("   ", "/".join(map(str, e.absolute_path)) or "(root)", ":", e.message[:200])
    bad += bool(errs)
sys.exit(1 if bad else 0)
