"""Print a policy file (TOML) as the JSON the schema describes: TOML dates and times
become ISO strings, as `shequ` reads them. Lives in scripts/schema; validate.py imports it.

    python3 scripts/schema/toml2json.py policies/xian-2023.toml
"""
import datetime, json, sys, tomllib
def conv(v):
    if isinstance(v, dict): return {k: conv(x) for k, x in v.items()}
    if isinstance(v, list): return [conv(x) for x in v]
    if isinstance(v, (datetime.date, datetime.datetime, datetime.time)): return v.isoformat()
    return v
def load(path):
    with open(path, "rb") as f: return conv(tomllib.load(f))
if __name__ == "__main__":
    json.dump(load(sys.argv[1]), sys.stdout, ensure_ascii=False, indent=1)
