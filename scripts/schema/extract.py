"""Read the vocabularies the policy-format JSON Schema needs from the Rust sources.

Lives in scripts/schema; gen.py imports it. It only reads core/src/*.rs (found relative to
this file, so it works from any working directory) and never writes anything.

Every reader fails loudly (raises ExtractError naming the file and the construct) when
the source no longer has the shape it expects, rather than returning a partial list: a
schema generated from half-parsed sources would be wrong without anyone noticing.

Run `python3 scripts/schema/extract.py` from the repo root to print what it reads.
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "core" / "src"


class ExtractError(Exception):
    """A Rust construct the schema needs could not be found or parsed."""


def _fail(where, what):
    raise ExtractError(f"{where}: {what}; update scripts/schema/extract.py to the new source")


# ---------------------------------------------------------------------------------------
# lexing helpers

_STRING = re.compile(r'r(#*)"(?:.|\n)*?"\1|"(?:[^"\\]|\\.)*"', re.S)


def _unescape(s):
    return s.replace('\\"', '"').replace("\\\\", "\\")


def _strings(s):
    """The contents of the (non-raw) string literals in a code fragment, in order."""
    return [_unescape(x) for x in re.findall(r'"((?:[^"\\]|\\.)*)"', s)]


def _blank_comments(text):
    """The text with every comment replaced by spaces (offsets and newlines kept), so that
    quotes and brackets in doc comments do not disturb the readers below."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                _fail("?", "unterminated block comment")
            j += 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"' or (c == "r" and re.match(r'r#*"', text[i:i + 10]) and not re.match(r"\w", text[i - 1:i] or " ")):
            m = _STRING.match(text, i)
            if not m:
                _fail("?", f"unterminated string at offset {i}")
            out.append(m.group(0))
            i = m.end()
        elif c == "'":
            # a char literal ('{', '\n', '"'); a lifetime ('a, '_) is left alone
            m = re.match(r"'(?:\\.[^']*|[^'\\])'", text[i:i + 12])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


_CACHE = {}


def _source(name):
    """A source file with its comments blanked out."""
    if name not in _CACHE:
        path = ROOT / name
        if not path.is_file():
            _fail(name, f"no such file under {ROOT}")
        _CACHE[name] = _blank_comments(path.read_text(encoding="utf-8"))
    return _CACHE[name]


def _balanced(text, start, where):
    """The span of the bracketed group that opens at `start` (one of `{[(`), skipping
    string literals."""
    pairs = {"{": "}", "[": "]", "(": ")"}
    if text[start] not in pairs:
        _fail(where, f"expected a bracket at offset {start}")
    depth = []
    i = start
    while i < len(text):
        c = text[i]
        if c == '"' or (c == "r" and re.match(r'r#*"', text[i:i + 10]) and not re.match(r"\w", text[i - 1])):
            m = _STRING.match(text, i)
            if not m:
                _fail(where, "unterminated string")
            i = m.end()
            continue
        if c in pairs:
            depth.append(pairs[c])
        elif c in ")]}":
            if not depth or depth.pop() != c:
                _fail(where, f"unbalanced `{c}` at offset {i}")
            if not depth:
                return start, i + 1
        i += 1
    _fail(where, "unterminated bracket")


def _find(text, pattern, where, what):
    m = re.search(pattern, text, re.S)
    if not m:
        _fail(where, f"cannot find {what}")
    return m


def _item_body(file, pattern, what):
    """The `{…}` body (without the braces) of the first item whose header matches `pattern`."""
    text = _source(file)
    m = _find(text, pattern, file, what)
    brace = text.index("{", m.end() - 1 if text[m.end() - 1] == "{" else m.end())
    a, b = _balanced(text, brace, f"{file}: {what}")
    return text[a + 1:b - 1]


def _impl_fn(file, ty, fn):
    """The body of `fn` inside `impl ty { … }`."""
    impl = _item_body(file, r"\bimpl\s+" + re.escape(ty) + r"\s*\{", f"impl {ty}")
    m = _find(impl, r"\bfn\s+" + re.escape(fn) + r"\s*[(<]", file, f"{ty}::{fn}")
    brace = impl.index("{", m.end())
    a, b = _balanced(impl, brace, f"{file}: {ty}::{fn}")
    return impl[a + 1:b - 1]


def _fn(file, fn):
    """The body of a free function (the first `fn name` in the file)."""
    return _item_body(file, r"\bfn\s+" + re.escape(fn) + r"\b[^{;]*\{", f"fn {fn}")


def _string_arms(body, ty, where):
    """`"a" | "b" => Ty::Variant` match arms, as [(variant, [spellings])] in order."""
    arms = []
    for m in re.finditer(r'((?:"(?:[^"\\]|\\.)*"\s*\|\s*)*"(?:[^"\\]|\\.)*")\s*=>\s*(?:Some\(\s*)?'
                         + re.escape(ty) + r"::(\w+)", body):
        arms.append((m.group(2), _strings(m.group(1))))
    if not arms:
        _fail(where, f"no `\"…\" => {ty}::…` arms")
    return arms


def _variant_arms(body, ty, where):
    """`Ty::Variant => "name"` match arms, as {variant: name} in order."""
    out = {}
    for m in re.finditer(re.escape(ty) + r'::(\w+)\s*=>\s*"((?:[^"\\]|\\.)*)"', body):
        out[m.group(1)] = _unescape(m.group(2))
    if not out:
        _fail(where, f"no `{ty}::… => \"…\"` arms")
    return out


def enum_variants(file, name):
    """The variants of `enum name`, in order (unit variants only)."""
    body = _item_body(file, r"\benum\s+" + re.escape(name) + r"\s*\{", f"enum {name}")
    body = re.sub(r"#\[[^\]]*\]", "", body)
    out = [v.strip() for v in body.split(",") if v.strip()]
    for v in out:
        if not re.fullmatch(r"[A-Z]\w*", v):
            _fail(file, f"enum {name}: `{v}` is not a unit variant")
    return out


def _names(file, ty):
    """{variant: name} from `fn name` of a string-backed enum, checked to cover every
    variant in declaration order."""
    variants = enum_variants(file, ty)
    names = _variant_arms(_impl_fn(file, ty, "name"), ty, f"{file}: {ty}::name")
    if list(names) != variants:
        _fail(file, f"{ty}::name covers {list(names)}, the enum has {variants}")
    return names


def _parse_and_name(file, ty):
    """For a string-backed enum with `fn name` and `fn parse`: ({variant: name},
    {variant: [every spelling parse accepts]}), checked against each other."""
    names = _names(file, ty)
    parse = _string_arms(_impl_fn(file, ty, "parse"), ty, f"{file}: {ty}::parse")
    spell = {}
    for v, ss in parse:
        spell.setdefault(v, []).extend(ss)
    for v, ss in spell.items():
        if v not in names:
            _fail(file, f"{ty}::parse yields unknown variant {v}")
        if names[v] not in ss:
            _fail(file, f"{ty}::parse does not accept {ty}::name `{names[v]}`")
    return names, spell


def const_list(file, name):
    """A `const NAME: … = &[ "…", … ];` list of strings."""
    text = _source(file)
    m = _find(text, r"\bconst\s+" + re.escape(name) + r"\s*:[^=]*=\s*&\[", file, f"const {name}")
    a, b = _balanced(text, m.end() - 1, f"{file}: const {name}")
    inner = text[a + 1:b - 1]
    out = _strings(inner)
    if not out or re.sub(r'"(?:[^"\\]|\\.)*"|[\s,]', "", inner):
        _fail(file, f"const {name} is not a plain list of string literals")
    return out


# ---------------------------------------------------------------------------------------
# field.rs

def unit_names():
    """{Unit variant: policy-file name}, e.g. SquareMetres -> m2, in declaration order."""
    names, _ = _parse_and_name("field.rs", "Unit")
    return names


def numeric_units():
    """The units a rule may declare (Unit::NUMERIC), checked against Unit::is_numeric and
    Unit::parse: exactly the numeric units, in declaration order."""
    names, spell = _parse_and_name("field.rs", "Unit")
    declared = const_list("field.rs", "NUMERIC")
    body = _impl_fn("field.rs", "Unit", "is_numeric")
    m = _find(body, r"!\s*matches!\(\s*self\s*,\s*((?:Unit::\w+\s*\|?\s*)+)\)", "field.rs", "Unit::is_numeric")
    not_numeric = re.findall(r"Unit::(\w+)", m.group(1))
    numeric = [names[v] for v in names if v not in not_numeric]
    if declared != numeric:
        _fail("field.rs", f"Unit::NUMERIC {declared} is not the numeric units {numeric}")
    if sorted(names[v] for v in spell) != sorted(numeric):
        _fail("field.rs", "Unit::parse does not accept exactly the numeric units")
    return declared


def fields():
    """FIELDS: [{id, zh, en, aliases, unit (variant), whole, values [(id, [zh…])]}]."""
    text = _source("field.rs")
    m = _find(text, r"\bstatic\s+FIELDS\s*:[^=]*=\s*&\[", "field.rs", "static FIELDS")
    a, b = _balanced(text, m.end() - 1, "field.rs: FIELDS")
    body = text[a + 1:b - 1]
    variants = enum_variants("field.rs", "Unit")
    out = []
    pos = 0
    while True:
        m = re.compile(r"\S").search(body, pos)
        if not m:
            break
        if not body.startswith("f!(", m.start()):
            _fail("field.rs", f"FIELDS: expected `f!(` at `{body[m.start():m.start() + 40]!r}`")
        s, e = _balanced(body, m.start() + 2, "field.rs: f!(…)")
        inv = body[s + 1:e - 1]
        fm = re.fullmatch(r'\s*"([^"]+)"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,\s*\[(.*?)\]\s*,\s*(\w+)\s*,\s*(.*?)\s*,?\s*',
                          inv, re.S)
        if not fm:
            _fail("field.rs", f"cannot read field `{inv[:80]!r}`")
        fid, zh, en, aliases, unit, rest = fm.groups()
        if unit not in variants:
            _fail("field.rs", f"field `{fid}`: `{unit}` is not a Unit variant")
        values, whole = [], False
        if unit == "Category":
            vm = re.fullmatch(r"values\s*=\s*&\[(.*)\]", rest, re.S)
            if not vm:
                _fail("field.rs", f"category field `{fid}` has no `values = &[…]`")
            for pm in re.finditer(r'\(\s*"([^"]+)"\s*,\s*&\[(.*?)\]\s*\)', vm.group(1), re.S):
                values.append((pm.group(1), _strings(pm.group(2))))
            if len(values) != re.sub(r'"(?:[^"\\]|\\.)*"', "", vm.group(1)).count("("):
                _fail("field.rs", f"cannot read every value of category field `{fid}`")
            if not values:
                _fail("field.rs", f"category field `{fid}` has no values")
        elif rest in ("true", "false"):
            whole = rest == "true"
        else:
            _fail("field.rs", f"field `{fid}`: expected `true`/`false` after the unit, got `{rest[:40]}`")
        out.append(dict(id=fid, zh=zh, en=en, aliases=_strings(aliases), unit=unit, whole=whole, values=values))
        pos = e
        c = re.compile(r"\s*,?").match(body, pos)
        pos = c.end()
    if not out:
        _fail("field.rs", "FIELDS is empty")
    ids = [f["id"] for f in out]
    if len(set(ids)) != len(ids):
        _fail("field.rs", "duplicate field ids")
    return out


def subjects():
    """({Subject variant: name}, {variant: [every spelling Subject::parse accepts]})."""
    return _parse_and_name("field.rs", "Subject")


# ---------------------------------------------------------------------------------------
# words.rs, model.rs, money.rs

def strengths():
    """Strength names, strongest first (the order of Strength::ALL)."""
    names = _names("words.rs", "Strength")
    text = _source("words.rs")
    m = _find(text, r"\bconst\s+ALL\s*:[^=]*=\s*\[", "words.rs", "Strength::ALL")
    a, b = _balanced(text, m.end() - 1, "words.rs: Strength::ALL")
    order = re.findall(r"Strength::(\w+)", text[a:b])
    if sorted(order) != sorted(names):
        _fail("words.rs", f"Strength::ALL {order} is not every variant {list(names)}")
    return [names[v] for v in order]


def spellings(file, ty):
    """The policy-file names of a string-backed enum with `fn name` and `fn parse`, which
    must accept exactly those names (an alias would need a place in the schema)."""
    names, spell = _parse_and_name(file, ty)
    for v, ss in spell.items():
        if ss != [names[v]]:
            _fail(file, f"{ty}::parse accepts {ss} for {ty}::{v}, not just `{names[v]}`")
    return [names[v] for v in names if v in spell]


def remainders():
    """Remainder::NAMES, checked against Remainder::parse."""
    names = const_list("money.rs", "NAMES")
    parsed = [s for _, ss in _string_arms(_impl_fn("money.rs", "Remainder", "parse"), "Remainder", "money.rs")
              for s in ss]
    if parsed != names:
        _fail("money.rs", f"Remainder::NAMES {names} differs from Remainder::parse {parsed}")
    return names


# ---------------------------------------------------------------------------------------
# compile.rs

def allowed_keys():
    """{kind: [keys]} from compile::allowed_keys, checked to cover every kind in KINDS."""
    body = _fn("compile.rs", "allowed_keys")
    out = {}
    for m in re.finditer(r'((?:"\w+"\s*\|\s*)*"\w+")\s*=>\s*\{?\s*&\[', body):
        a, b = _balanced(body, m.end() - 1, "compile.rs: allowed_keys")
        for k in _strings(m.group(1)):
            out[k] = _strings(body[a:b])
    kinds = const_list("compile.rs", "KINDS")
    if sorted(out) != sorted(kinds):
        _fail("compile.rs", f"allowed_keys covers {sorted(out)}, KINDS is {sorted(kinds)}")
    return out


def string_arms_of(file, ty):
    """Every `"spelling" => Ty::Variant` arm in a file (e.g. Aggregate, RemedyHint in
    compile.rs), as [spellings] in order."""
    return [s for _, ss in _string_arms(_source(file), ty, f"{file}: {ty}") for s in ss]


def roster_default_kinds():
    """The kinds whose `subject` defaults to `roster` when left out (compile_rule)."""
    body = _fn("compile.rs", "compile_rule")
    m = _find(body, r"None\s*=>\s*Some\(\s*if\s+((?:kind\s*==\s*\"\w+\"\s*(?:\|\|\s*)?)+)\{\s*Subject::Roster",
              "compile.rs", "the default subject of roster kinds in compile_rule")
    return _strings(m.group(1))


def money_base_units():
    """The units a money component's `base` may have (the `matches!` in compile_money)."""
    body = _fn("compile.rs", "compile_money")
    m = _find(body, r"matches!\(\s*f\.def\(\)\.unit\s*,\s*((?:Unit::\w+\s*\|?\s*)+)\)", "compile.rs",
              "the units of a money component's base")
    names = unit_names()
    return [names[v] for v in re.findall(r"Unit::(\w+)", m.group(1))]


# ---------------------------------------------------------------------------------------
# raw.rs

def raw_struct_fields(name):
    """The fields of `struct name` in raw.rs, in order, as {field: required}: required
    unless the type is `Option<…>` or the field (or struct) has `#[serde(default)]`."""
    text = _source("raw.rs")
    m = _find(text, r"\bstruct\s+" + re.escape(name) + r"\s*\{", "raw.rs", f"struct {name}")
    head = text[max(0, text.rfind(";", 0, m.start()), text.rfind("}", 0, m.start())):m.start()]
    struct_default = re.search(r"#\[serde\([^\]]*\bdefault\b", head) is not None
    a, b = _balanced(text, m.end() - 1, f"raw.rs: struct {name}")
    body = text[a + 1:b - 1]
    out = {}
    pos = 0
    for fm in re.finditer(r"((?:\s*#\[[^\]]*\])*)\s*pub\s+(\w+)\s*:\s*", body):
        if fm.start() < pos:
            _fail("raw.rs", f"struct {name}: overlapping fields")
        # the type runs to the next comma at bracket depth 0
        depth, i = 0, fm.end()
        while i < len(body):
            c = body[i]
            if c in "<([":
                depth += 1
            elif c in ">)]":
                depth -= 1
            elif c == "," and depth == 0:
                break
            i += 1
        ty = body[fm.end():i].strip()
        default = struct_default or re.search(r"#\[serde\([^\]]*\bdefault\b", fm.group(1)) is not None
        out[fm.group(2)] = not ty.startswith("Option<") and not default
        pos = i
    rest = re.sub(r"#\[[^\]]*\]|pub\s+\w+\s*:[^,]*,", "", body)
    if not out or re.search(r"\bpub\b", rest):
        _fail("raw.rs", f"cannot read every field of struct {name}")
    return out


if __name__ == "__main__":
    fs = fields()
    print(len(fs), "fields")
    for f in fs:
        print(" ", f["id"], f["unit"], f["whole"], f["values"])
    print("units", unit_names())
    print("numeric units", numeric_units())
    print("subjects", subjects())
    print("strengths", strengths())
    print("status", spellings("model.rs", "DocStatus"))
    print("overlap", spellings("model.rs", "Overlap"))
    print("reading", spellings("words.rs", "Reading"))
    print("remainder", remainders())
    print("aggregate", string_arms_of("compile.rs", "Aggregate"))
    print("remedy", string_arms_of("compile.rs", "RemedyHint"))
    print("roster default", roster_default_kinds())
    print("money base units", money_base_units())
    print("boundary words", const_list("words.rs", "BOUNDARY_WORDS"))
    print("kinds", const_list("compile.rs", "KINDS"))
    print("reasons", const_list("compile.rs", "NOT_CHECKABLE_REASONS"))
    print("common keys", const_list("compile.rs", "COMMON_KEYS"))
    print("allowed keys", allowed_keys())
    for s in ["RawFile", "RawMeta", "RawBound", "RawRule", "RawOption", "RawTier", "RawRequire",
              "RawCase", "RawStep", "RawGrowth", "RawComponent", "RawPayer", "RawNotCheckable"]:
        print(s, raw_struct_fields(s))
