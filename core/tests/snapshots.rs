//! Snapshot tests of what people read: reports, lint output, error messages. Reviewed by
//! eye when they change (`cargo insta review`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use shequ::{bundled, compile, input, lint, report, Date, Lang, Options};

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../examples/{name}", env!("CARGO_MANIFEST_DIR")))
        .expect("example file")
}

fn table(files: &str, lang: Lang) -> String {
    let plan = bundled::plan(&["xian-2023", "bijie-2017"]).expect("plan");
    let roster = input::parse_csv(&example(files), files).expect("parses");
    report::to_table(
        &plan,
        &roster,
        &Options::at(Date::new(2024, 6, 30).expect("date")),
        lang,
    )
}

#[test]
fn roster_report_zh() {
    insta::assert_snapshot!(table("roster.csv", Lang::Zh));
}

#[test]
fn roster_report_en() {
    insta::assert_snapshot!(table("roster.csv", Lang::En));
}

#[test]
fn new_areas_report_en() {
    insta::assert_snapshot!(table("new-areas.csv", Lang::En));
}

#[test]
fn meetings_report_zh() {
    insta::assert_snapshot!(table("meetings.csv", Lang::Zh));
}

#[test]
fn lint_of_bundled_policies() {
    let mut out = String::new();
    // the two documents of the first release; every bundled file is checked elsewhere
    for (f, t) in bundled::FILES
        .iter()
        .filter(|(f, _)| f.ends_with("xian-2023.toml") || f.ends_with("bijie-2017.toml"))
    {
        for d in lint::lint(t, f, None).1 {
            out.push_str(&d.to_string());
            out.push('\n');
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn roster_error_messages() {
    let cases = [
        ("misspelt header", "社区名称,housholds\nA,1\n"),
        ("not a whole number", "社区名称,户数\nA,1200\nB,12.5\n"),
        ("ambiguous share", "name,交叉任职比例\nA,60\n"),
        ("unknown category", "name,社区类型\nA,郊区\n"),
        ("ragged row", "name,户数\nA,1,2\n"),
        ("duplicate field", "户数,households\n1,2\n"),
    ];
    let mut out = String::new();
    for (what, text) in cases {
        let e = input::parse_csv(text, "roster.csv").expect_err(what);
        out.push_str(&format!("{what}:\n{e}\n\n"));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn policy_error_messages() {
    let head = "[policy]\nid = \"t\"\ntitle = \"t\"\nissuer = \"t\"\npublished = 2020-01-01\nstatus = \"in_force\"\njurisdiction = \"t\"\nsource = \"s.txt\"\n";
    let rule = "\n[[rule]]\nid = \"r\"\nclause = \"T-1\"\nlocation = \"一\"\nstrength = \"strict\"\nword = \"应\"\nquote = \"应\"\n";
    let cases = [
        ("unknown key in [policy]", format!("{head}colour = \"red\"\n")),
        ("wrong status", head.replace("in_force", "valid")),
        ("key of another kind", format!("{head}{rule}kind = \"range\"\nmeasure = \"households\"\nmin = {{ value = 1, word = \"以上\" }}\ntiers = []\n")),
        ("unit mismatch", format!("{head}{rule}kind = \"rate\"\nmeasure = \"workers\"\nunit = \"m2\"\nbase = \"households\"\nper = 100\nmin = {{ value = 1, word = \"以上\" }}\n")),
        ("word on the wrong side", format!("{head}{rule}kind = \"maximum\"\nmeasure = \"workers\"\nmax = {{ value = 1, word = \"以上\" }}\n")),
        ("unknown field", format!("{head}{rule}kind = \"minimum\"\nmeasure = \"worker\"\nmin = {{ value = 1, word = \"以上\" }}\n")),
        ("bad kind", format!("{head}{rule}kind = \"rang\"\n")),
    ];
    let mut out = String::new();
    for (what, text) in cases {
        out.push_str(&format!("{what}:\n"));
        for d in compile::compile(&text, "policy.toml").1 {
            out.push_str(&format!("{d}\n"));
        }
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}
