"""Extract the vocabularies the schema needs from the Rust sources (read-only)."""
import re
from pathlib import Path

ROOT = Path("/work/main/core/src")


def _strings(s):
    return re.findall(r'"((?:[^"\\]|\\.)*)"', s)


def _unescape(s):
    return s.replace('\\"', '"').replace("\\\\", "\\")


def fields():
    text = (ROOT / "field.rs").read_text()
    body = text[text.index("pub static FIELDS"):text.index("/// Number of fields")]
    out = []
    # split into f!( ... ) invocations
    parts = body.split("f!(")[1:]
    for p in parts:
        m = re.match(r'\s*"([^"]+)",\s*"([^"]*)",\s*"([^"]*)",\s*\[(.*?)\],\s*(\w+)\s*,\s*(.*)', p, re.S)
        assert m, p[:200]
        fid, zh, en, aliases, unit, rest = m.groups()
        values = []
        whole = False
        if unit == "Category":
            vals = rest[rest.index("values"):]
            for vm in re.finditer(r'\(\s*"([^"]+)",\s*&\[(.*?)\]\s*\)', vals, re.S):
                values.append((vm.group(1), [_unescape(x) for x in _strings(vm.group(2))]))
        else:
            whole = rest.strip().startswith("true")
        out.append(dict(id=fid, zh=zh, en=en, unit=unit, whole=whole, values=values))
    return out


UNIT_NAME = {
    "Households": "households", "Persons": "persons", "SquareMetres": "m2", "Yuan": "yuan",
    "Percent": "percent", "Count": "count", "Years": "years", "Flag": "flag",
    "Category": "category", "Text": "text",
}


def const_list(path, name):
    text = (ROOT / path).read_text()
    m = re.search(r"const " + name + r"[^=]*=\s*&\[(.*?)\];", text, re.S)
    assert m, name
    return [_unescape(x) for x in _strings(m.group(1))]


def allowed_keys():
    text = (ROOT / "compile.rs").read_text()
    fn = text[text.index("fn allowed_keys"):text.index("struct Ctx")]
    out = {}
    for m in re.finditer(r'((?:"\w+"\s*\|\s*)*"\w+")\s*=>\s*\{?\s*&\[(.*?)\]', fn, re.S):
        keys = _strings(m.group(2))
        for k in _strings(m.group(1)):
            out[k] = keys
    return out


def raw_struct_fields(name):
    text = (ROOT / "raw.rs").read_text()
    m = re.search(r"pub struct " + name + r"\s*\{(.*?)\n\}", text, re.S)
    assert m, name
    out = {}
    for fm in re.finditer(r"pub (\w+):\s*([^\n]+),", m.group(1)):
        out[fm.group(1)] = not fm.group(2).startswith("Option<") and "serde(default)" not in m.group(1)[max(0, fm.start() - 40):fm.start()]
    return out


def strengths():
    text = (ROOT / "words.rs").read_text()
    fn = text[text.index("pub fn name(self)"):]
    fn = fn[:fn.index("}\n    }")]
    return _strings(fn)


if __name__ == "__main__":
    import json
    fs = fields()
    print(len(fs))
    for f in fs:
        print(f["id"], f["unit"], f["whole"], f["values"])
    print(const_list("words.rs", "BOUNDARY_WORDS"))
    print(const_list("compile.rs", "KINDS"))
    print(const_list("compile.rs", "NOT_CHECKABLE_REASONS"))
    print(const_list("compile.rs", "COMMON_KEYS"))
    print(allowed_keys())
    print(strengths())
    for s in ["RawFile", "RawMeta", "RawBound", "RawRule", "RawOption", "RawTier", "RawRequire",
              "RawCase", "RawStep", "RawGrowth", "RawComponent", "RawPayer", "RawNotCheckable"]:
        print(s, raw_struct_fields(s))
