//! Chinese all the way: every diagnostic the compiler, the linter and the layer checks
//! make says its message (and its help) in Chinese too, and `display_in` renders it like
//! the English `Display`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::collections::{BTreeMap, BTreeSet};

use shequ::lang::has_cjk;
use shequ::load::{self, GivenSources, NoSources, PolicyText};
use shequ::{compile, lint, Code, Diagnostic, Lang};

const HEAD: &str = r#"[policy]
id = "t"
title = "测试"
issuer = "测试"
published = 2020-01-01
status = "in_force"
jurisdiction = "测试"
source = "s.txt"
"#;

/// A rule's common keys; each case adds its kind and the rest.
const R: &str = r#"
[[rule]]
id = "r"
clause = "T-1"
location = "一"
strength = "strict"
word = "应"
quote = "应"
"#;

/// Bad policies, one or more for each message the compiler writes.
fn compile_corpus() -> Vec<(&'static str, String)> {
    let h = HEAD;
    let rule = |body: &str| format!("{HEAD}{R}{body}");
    let min = "min = { value = 1, word = \"以上\" }\n";
    let mut v: Vec<(&'static str, String)> = vec![
        // the TOML reader
        ("unknown key", format!("{h}colour = \"red\"\n")),
        ("missing key", h.replace("title = \"测试\"\n", "")),
        ("wrong type", h.replace("jurisdiction = \"测试\"", "jurisdiction = 1")),
        ("no variant", h.replace("published = 2020-01-01", "published = true")),
        ("duplicate key", format!("{h}id = \"u\"\n")),
        ("syntax: value", format!("{h}notes = \n")),
        ("syntax: table", "[policy\nid = \"t\"\n".to_string()),
        ("syntax: bare string", format!("{h}notes = abc\n")),
        ("syntax: unclosed string", format!("{h}notes = \"abc\n")),
        ("syntax: trailing", format!("{h}notes = \"a\" b\n")),
        // [policy]
        ("bad status", h.replace("in_force", "valid")),
        ("bad date", h.replace("published = 2020-01-01", "published = \"2020-13-45\"")),
        ("bad policy id", h.replace("id = \"t\"", "id = \"T_1\"")),
        ("bad boundary reading", format!("{h}boundary_reading = \"loose\"\n")),
        ("bad overlap", format!("{h}overlap = \"middle\"\n")),
        ("bad kind of community", format!("{h}applies_to = [\"suburb\"]\n")),
        ("builds on itself", format!("{h}builds_on = [\"t\"]\n")),
        ("builds on a bad id", format!("{h}builds_on = [\"Not_An_Id\"]\n")),
        // rules
        ("bad rule kind", rule("kind = \"rang\"\n")),
        ("key of another kind", rule(&format!("kind = \"range\"\nmeasure = \"households\"\n{min}tiers = []\n"))),
        ("missing measure", rule("kind = \"range\"\n")),
        ("unknown field", rule(&format!("kind = \"minimum\"\nmeasure = \"worker\"\n{min}"))),
        ("unknown field, no suggestion", rule(&format!("kind = \"minimum\"\nmeasure = \"zzzzzzzz\"\n{min}"))),
        ("bad strength", format!("{h}{}kind = \"minimum\"\nmeasure = \"workers\"\n{min}", R.replace("strict", "hard"))),
        ("bad subject", rule(&format!("kind = \"minimum\"\nsubject = \"street\"\nmeasure = \"workers\"\n{min}"))),
        ("bad overrides", rule(&format!("kind = \"minimum\"\noverrides = [\"bad\"]\nmeasure = \"workers\"\n{min}"))),
        ("bad aggregate", rule(&format!("kind = \"minimum\"\nsubject = \"roster\"\naggregate = \"median\"\nmeasure = \"workers\"\n{min}"))),
        ("aggregate off a roster", rule(&format!("kind = \"minimum\"\naggregate = \"sum\"\nmeasure = \"workers\"\n{min}"))),
        ("over off a roster", rule(&format!("kind = \"minimum\"\nover = \"town\"\nmeasure = \"workers\"\n{min}"))),
        ("bad over", rule(&format!("kind = \"minimum\"\nsubject = \"roster\"\nover = \"roster\"\nmeasure = \"workers\"\n{min}"))),
        ("minimum with max", rule(&format!("kind = \"minimum\"\nmeasure = \"workers\"\n{min}max = {{ value = 9, word = \"以下\" }}\n"))),
        ("maximum with min", rule(&format!("kind = \"maximum\"\nmeasure = \"workers\"\n{min}"))),
        ("range without bounds", rule("kind = \"range\"\nmeasure = \"workers\"\n")),
        ("schedule with both", rule("kind = \"schedule\"\nmeasure = \"min_monthly_pay\"\nmin = { word = \"\", inclusive = true, reading = \"至少\" }\nmax = { word = \"\", inclusive = true, reading = \"至多\" }\n\n[[rule.steps]]\nyear = 2020\nvalue = 1\n")),
        ("bad remedy", rule(&format!("kind = \"minimum\"\nremedy = \"demolish\"\nmeasure = \"workers\"\n{min}"))),
        ("range on a category", rule(&format!("kind = \"minimum\"\nmeasure = \"kind\"\n{min}"))),
        ("per not above zero", rule(&format!("kind = \"rate\"\nmeasure = \"workers\"\nbase = \"households\"\nper = 0\n{min}"))),
        ("ratio of unlike", rule(&format!("kind = \"ratio\"\nmeasure = \"activity_space\"\nbase = \"households\"\n{min}"))),
        ("base not a number", rule(&format!("kind = \"rate\"\nmeasure = \"workers\"\nbase = \"name\"\nper = 100\n{min}"))),
        ("measure not a number", rule(&format!("kind = \"rate\"\nmeasure = \"kind\"\nbase = \"households\"\nper = 100\n{min}"))),
        ("ratio as a plain percentage", rule("kind = \"ratio\"\nmeasure = \"activity_space\"\nbase = \"service_space\"\nmin = { value = 60, word = \"以上\" }\n")),
        ("count of a fraction", rule(&format!("kind = \"count\"\nmeasure = \"service_space\"\nbase = \"households\"\n{min}"))),
        ("count without a size", rule("kind = \"count\"\nmeasure = \"resident_groups\"\nbase = \"households\"\n")),
        ("share of a number", rule(&format!("kind = \"share\"\nof_field = \"households\"\n{min}"))),
        ("share of nothing", rule(&format!("kind = \"share\"\n{min}"))),
        ("share of another rule, judging one community", rule("kind = \"share\"\nsubject = \"community\"\nof_rule = \"x\"\nmin = { value = \"60%\", word = \"以上\" }\n")),
        ("share above 100 %", rule("kind = \"minimum\"\nmeasure = \"cross_appointment_share\"\nmin = { value = 2, word = \"以上\" }\n")),
        ("not a unit", rule(&format!("kind = \"minimum\"\nmeasure = \"workers\"\nunit = \"furlongs\"\n{min}"))),
        ("unit mismatch", rule(&format!("kind = \"minimum\"\nmeasure = \"workers\"\nunit = \"m2\"\n{min}"))),
        // strength words
        ("no strength word", format!("{h}{}kind = \"minimum\"\nmeasure = \"workers\"\n{min}", R.replace("word = \"应\"", "word = \"\""))),
        ("word of another strength", format!("{h}{}kind = \"minimum\"\nmeasure = \"workers\"\n{min}", R.replace("word = \"应\"", "word = \"可\"").replace("quote = \"应\"", "quote = \"可\""))),
        ("unknown strength word", format!("{h}{}kind = \"minimum\"\nmeasure = \"workers\"\n{min}", R.replace("word = \"应\"", "word = \"大概\""))),
        ("word not in the quote", format!("{h}{}kind = \"minimum\"\nmeasure = \"workers\"\n{min}", R.replace("word = \"应\"", "word = \"应当\""))),
        // bounds
        ("not a number", rule("kind = \"minimum\"\nmeasure = \"workers\"\nmin = { value = \"abc\", word = \"以上\" }\n")),
        ("no word, no reading", rule("kind = \"minimum\"\nmeasure = \"workers\"\nmin = { value = 1, word = \"\" }\n")),
        ("unknown boundary word", rule("kind = \"minimum\"\nmeasure = \"workers\"\nmin = { value = 1, word = \"大约\" }\n")),
        ("word on the wrong side", rule("kind = \"maximum\"\nmeasure = \"workers\"\nmax = { value = 1, word = \"以上\" }\n")),
        ("against the lexicon", rule("kind = \"minimum\"\nmeasure = \"workers\"\nmin = { value = 1, word = \"以上\", inclusive = false }\n")),
        ("dated bound with a value", rule("kind = \"schedule\"\nmeasure = \"min_monthly_pay\"\nmin = { value = 1, word = \"以上\" }\n\n[[rule.steps]]\nyear = 2020\nvalue = 1\n")),
        ("bound without a value", rule("kind = \"minimum\"\nmeasure = \"workers\"\nmin = { word = \"以上\" }\n")),
        // schedules
        ("step without a date", rule("kind = \"schedule\"\nmeasure = \"min_monthly_pay\"\nmin = { word = \"\", inclusive = true, reading = \"至少\" }\n\n[[rule.steps]]\nvalue = 1\n")),
        ("step with a bad date", rule("kind = \"schedule\"\nmeasure = \"min_monthly_pay\"\nmin = { word = \"\", inclusive = true, reading = \"至少\" }\n\n[[rule.steps]]\nfrom = \"2020-02-30\"\nvalue = 1\n")),
        ("growth every 0 years", rule("kind = \"schedule\"\nmeasure = \"min_monthly_pay\"\nmin = { word = \"\", inclusive = true, reading = \"至少\" }\ngrowth = { from_year = 2018, every_years = 0, factor = 1.2, base = 2000 }\n")),
        ("dated rule with no dates", rule("kind = \"schedule\"\nmeasure = \"min_monthly_pay\"\nmin = { word = \"\", inclusive = true, reading = \"至少\" }\n")),
        // conditions
        ("condition on an unknown field", rule(&format!("kind = \"minimum\"\nmeasure = \"workers\"\nwhen = {{ housholds = true }}\n{min}"))),
        ("condition on an unknown value", rule(&format!("kind = \"minimum\"\nmeasure = \"workers\"\nwhen = {{ kind = [\"suburb\"] }}\n{min}"))),
        ("condition with an unknown key", rule(&format!("kind = \"minimum\"\nmeasure = \"workers\"\nwhen = {{ households = {{ mn = {{ value = 1, word = \"以上\" }} }} }}\n{min}"))),
        ("condition that is not a bound", rule(&format!("kind = \"minimum\"\nmeasure = \"workers\"\nwhen = {{ households = {{ min = 3 }} }}\n{min}"))),
        ("condition bound with an unknown key", rule(&format!("kind = \"minimum\"\nmeasure = \"workers\"\nwhen = {{ households = {{ min = {{ value = 3, word = \"以上\", colour = 1 }} }} }}\n{min}"))),
        ("condition bound of the wrong type", rule(&format!("kind = \"minimum\"\nmeasure = \"workers\"\nwhen = {{ households = {{ min = {{ value = 3, word = 1 }} }} }}\n{min}"))),
        ("condition bound without a word", rule(&format!("kind = \"minimum\"\nmeasure = \"workers\"\nwhen = {{ households = {{ min = {{ value = 3 }} }} }}\n{min}"))),
        ("condition of the wrong form", rule(&format!("kind = \"minimum\"\nmeasure = \"workers\"\nwhen = {{ households = true }}\n{min}"))),
        // tiers
        ("tiers by a yes/no field", rule("kind = \"tier\"\nby = \"is_new\"\nmeasure = \"workers\"\n\n[[rule.tiers]]\nrequire = { equal = 1 }\n")),
        ("tier of an unknown category", rule("kind = \"tier\"\nby = \"kind\"\nmeasure = \"workers\"\n\n[[rule.tiers]]\nis = [\"suburb\"]\nrequire = { equal = 1 }\n")),
        ("`is` on a number", rule("kind = \"tier\"\nby = \"households\"\nmeasure = \"workers\"\n\n[[rule.tiers]]\nis = [\"urban\"]\nrequire = { equal = 1 }\n")),
        ("category tier without `is`", rule("kind = \"tier\"\nby = \"kind\"\nmeasure = \"workers\"\n\n[[rule.tiers]]\nrequire = { equal = 1 }\n")),
        ("category tier with bounds", rule("kind = \"tier\"\nby = \"kind\"\nmeasure = \"workers\"\n\n[[rule.tiers]]\nis = [\"urban\"]\nmin = { value = 1, word = \"以上\" }\nrequire = { equal = 1 }\n")),
        ("empty requirement table", rule("kind = \"tier\"\nby = \"households\"\nmeasure = \"workers\"\n\n[[rule.tiers]]\nrequire = {}\n")),
        ("equal and bounds", rule("kind = \"tier\"\nby = \"households\"\nmeasure = \"workers\"\n\n[[rule.tiers]]\nrequire = { equal = 1, min = { value = 1, word = \"以上\" } }\n")),
        // decisions
        ("decision on a number", rule("kind = \"decision\"\nmeasure = \"households\"\n\n[[rule.cases]]\nwhen = { is_new = true }\noutcome = \"x\"\n")),
        ("unknown outcome", rule("kind = \"decision\"\nmeasure = \"arrangement\"\n\n[[rule.cases]]\nwhen = { is_new = true }\noutcome = \"castle\"\n")),
        ("no outcome", rule("kind = \"decision\"\nmeasure = \"arrangement\"\n\n[[rule.cases]]\nwhen = { is_new = true }\noutcome = []\n")),
        // money
        ("money per percent", money("[[rule.components]]\nid = \"a\"\nname = \"甲\"\nrate = 1\nper = 1\nbase = \"occupancy\"\n", "largest_remainder", 1)),
        ("money per zero", money("[[rule.components]]\nid = \"a\"\nname = \"甲\"\nrate = 1\nper = 0\nbase = \"households\"\n", "largest_remainder", 1)),
        ("money rate alone", money("[[rule.components]]\nid = \"a\"\nname = \"甲\"\nrate = 1\n", "largest_remainder", 1)),
        ("money of nothing", money("[[rule.components]]\nid = \"a\"\nname = \"甲\"\n", "largest_remainder", 1)),
        ("paid not money", money("[[rule.components]]\nid = \"a\"\nname = \"甲\"\namount = 1\npaid = \"households\"\n", "largest_remainder", 1)),
        ("shares of zero", money("[[rule.components]]\nid = \"a\"\nname = \"甲\"\namount = 1\n", "largest_remainder", 0)),
        ("bad remainder", money("[[rule.components]]\nid = \"a\"\nname = \"甲\"\namount = 1\n", "random", 1)),
        ("bad excess payer", money("[[rule.components]]\nid = \"a\"\nname = \"甲\"\namount = 1\n", "largest_remainder", 1).replace("remainder = ", "excess_payer = \"nobody\"\nremainder = ")),
        // ids and references
        ("bad rule id", format!("{h}{}kind = \"minimum\"\nmeasure = \"workers\"\n{min}", R.replace("id = \"r\"", "id = \"R_1\""))),
        ("rule id twice", format!("{}{R}kind = \"minimum\"\nmeasure = \"workers\"\n{min}", rule(&format!("kind = \"minimum\"\nmeasure = \"workers\"\n{min}")))),
        ("share of an unknown rule", rule("kind = \"share\"\nof_rule = \"nowhere\"\nmin = { value = \"60%\", word = \"以上\" }\n")),
        ("bad not-checkable reason", format!("{h}\n[[not_checkable]]\nclause = \"T-9\"\nlocation = \"九\"\nreason = \"boring\"\nnote = \"说明\"\nquote = \"应\"\n")),
        // impossible requirements
        ("range with no value", rule("kind = \"range\"\nmeasure = \"households\"\nmin = { value = 10, word = \"以上\" }\nmax = { value = 5, word = \"以下\" }\n")),
        ("rate with no value", rule("kind = \"rate\"\nmeasure = \"workers\"\nbase = \"households\"\nper = 100\nmin = { value = 10, word = \"以上\" }\nmax = { value = 5, word = \"以下\" }\n")),
        ("tier with no value", rule("kind = \"tier\"\nby = \"households\"\nmeasure = \"workers\"\n\n[[rule.tiers]]\nmin = { value = 10, word = \"以上\" }\nmax = { value = 5, word = \"以下\" }\nrequire = { equal = 1 }\n")),
        ("tier requiring a fraction", rule("kind = \"tier\"\nby = \"households\"\nmeasure = \"workers\"\n\n[[rule.tiers]]\nrequire = { equal = 2.5 }\n")),
        ("tier requiring nothing possible", rule("kind = \"tier\"\nby = \"households\"\nmeasure = \"workers\"\n\n[[rule.tiers]]\nrequire = { min = { value = 10, word = \"以上\" }, max = { value = 5, word = \"以下\" } }\n")),
    ];
    v.push((
        "a bad kind after a good rule",
        format!(
            "{}{R}kind = \"rang\"\n",
            rule(&format!("kind = \"minimum\"\nmeasure = \"workers\"\n{min}"))
        )
        .replacen("id = \"r\"", "id = \"q\"", 1),
    ));
    v
}

fn money(components: &str, remainder: &str, share: u32) -> String {
    format!(
        "{HEAD}\n[[rule]]\nid = \"m\"\nclause = \"T-2\"\nlocation = \"二\"\nkind = \"money\"\nstrength = \"strict\"\nword = \"\"\nreading = \"每个社区固定金额\"\nquote = \"应\"\nremainder = \"{remainder}\"\n\n{components}\n[[rule.payers]]\nid = \"p\"\nname = \"甲方\"\nshare = {share}\n"
    )
}

/// Policies that compile, for the linter's own checks.
fn lint_corpus() -> Vec<(&'static str, String, Option<&'static str>)> {
    let tiers = |tiers: &str| {
        format!("{HEAD}{R}kind = \"tier\"\nby = \"households\"\nmeasure = \"workers\"\n{tiers}")
    };
    vec![
        (
            "numeric tiers overlapping, in conflict, and leaving gaps",
            tiers("\n[[rule.tiers]]\nmin = { value = 1000, word = \"以上\" }\nmax = { value = 2000, word = \"以下\" }\nrequire = { equal = 5 }\n\n[[rule.tiers]]\nmin = { value = 2000, word = \"以上\" }\nmax = { value = 3000, word = \"不满\" }\nrequire = { equal = 7 }\n\n[[rule.tiers]]\nmin = { value = 2500, word = \"以上\" }\nmax = { value = 2600, word = \"以下\" }\nrequire = { equal = 7 }\n\n[[rule.tiers]]\nmin = { value = 2600, word = \"以上\" }\nmax = { value = 2700, word = \"以下\" }\nrequire = { min = { value = 7, word = \"以上\" } }\n\n[[rule.tiers]]\nmin = { value = 4000, word = \"超过\" }\nrequire = { min = { value = 9, word = \"以上\" } }\n"),
            None,
        ),
        (
            "an overlap the document resolves",
            tiers("overlap = \"upper\"\n\n[[rule.tiers]]\nmax = { value = 2000, word = \"以下\" }\nrequire = { equal = 5 }\n\n[[rule.tiers]]\nmin = { value = 2000, word = \"以上\" }\nrequire = { equal = 7 }\n"),
            None,
        ),
        (
            "category tiers overlapping and leaving gaps",
            format!("{HEAD}{R}kind = \"tier\"\nby = \"kind\"\nmeasure = \"workers\"\n\n[[rule.tiers]]\nis = [\"urban\"]\nrequire = {{ equal = 5 }}\n\n[[rule.tiers]]\nis = [\"urban\", \"rural\"]\nrequire = {{ equal = 5 }}\n"),
            None,
        ),
        (
            "decision cases with gaps and overlaps",
            format!("{HEAD}{R}kind = \"decision\"\nmeasure = \"arrangement\"\n\n[[rule.cases]]\nwhen = {{ designed_households = {{ min = {{ value = 3000, word = \"以上\" }} }}, is_new = true }}\noutcome = \"residents_committee\"\n\n[[rule.cases]]\nwhen = {{ designed_households = {{ min = {{ value = 3000, word = \"以上\" }} }}, kind = [\"urban\"] }}\noutcome = [\"join_neighbour\"]\n"),
            None,
        ),
        (
            "readings left in English",
            format!("{HEAD}reading_note = \"read per art. 1259\"\n{R}kind = \"minimum\"\nmeasure = \"workers\"\nreading = \"the floor only\"\nmin = {{ value = 1, word = \"\", inclusive = true, reading = \"at least one\" }}\n"),
            None,
        ),
        (
            "quotes not in the source",
            format!("{HEAD}{R}kind = \"tier\"\nby = \"kind\"\nmeasure = \"workers\"\n\n[[rule.tiers]]\nis = [\"urban\", \"rural\", \"village_converted\", \"non_urban\"]\nrequire = {{ equal = 5 }}\nquote = \"五人\"\n\n[[rule]]\nid = \"d\"\nclause = \"T-3\"\nlocation = \"三\"\nstrength = \"strict\"\nword = \"应\"\nquote = \"应设\"\nkind = \"decision\"\nmeasure = \"arrangement\"\n\n[[rule.cases]]\nwhen = {{ is_new = true }}\noutcome = \"residents_committee\"\nquote = \"新建\"\n\n[[rule.cases]]\nwhen = {{ is_new = false }}\noutcome = \"residents_committee\"\n\n[[rule]]\nid = \"s\"\nclause = \"T-4\"\nlocation = \"四\"\nstrength = \"strict\"\nword = \"应\"\nquote = \"应\"\nkind = \"schedule\"\nmeasure = \"min_monthly_pay\"\nmin = {{ word = \"\", inclusive = true, reading = \"至少\" }}\n\n[[rule.steps]]\nyear = 2020\nvalue = 1\nquote = \"一元\"\n\n[[rule]]\nid = \"m\"\nclause = \"T-5\"\nlocation = \"五\"\nkind = \"money\"\nstrength = \"strict\"\nword = \"应\"\nquote = \"应\"\nremainder = \"first\"\n\n[[rule.components]]\nid = \"a\"\nname = \"甲\"\namount = 1\nquote = \"一元钱\"\n\n[[rule.payers]]\nid = \"p\"\nname = \"甲方\"\nshare = 1\n\n[[not_checkable]]\nclause = \"T-9\"\nlocation = \"九\"\nreason = \"qualitative\"\nnote = \"说明\"\nquote = \"不在原文里\"\n"),
            Some("应当如此。应"),
        ),
        (
            "a quote that matches nowhere",
            format!("{HEAD}{}kind = \"minimum\"\nmeasure = \"workers\"\nmin = {{ value = 1, word = \"以上\" }}\n", R.replace("quote = \"应\"", "quote = \"应xyz\"")),
            Some("abc"),
        ),
    ]
}

/// Policies that build on the bundled national layer, for the layer checks.
fn layer_corpus() -> Vec<PolicyText> {
    let p = |id: &str, builds_on: &str, rules: &str| {
        PolicyText {
        name: format!("{id}.toml"),
        text: format!(
            "[policy]\nid = \"{id}\"\ntitle = \"测试\"\nissuer = \"测试\"\npublished = 2020-01-01\nstatus = \"in_force\"\njurisdiction = \"测试\"\nsource = \"s.txt\"\n{builds_on}\n{rules}"
        ),
    }
    };
    let rule = |id: &str, overrides: &str, body: &str| {
        format!("\n[[rule]]\nid = \"{id}\"\nclause = \"T-1\"\nlocation = \"一\"\nstrength = \"strict\"\nword = \"应\"\nquote = \"应\"\n{overrides}{body}")
    };
    let committee = |lo: u32, hi: u32| {
        format!("kind = \"range\"\nmeasure = \"committee_members\"\nmin = {{ value = {lo}, word = \"至\" }}\nmax = {{ value = {hi}, word = \"至\" }}\n")
    };
    let size = |lo: u32, hi: u32| {
        format!("kind = \"range\"\nmeasure = \"households\"\nmin = {{ value = {lo}, word = \"至\" }}\nmax = {{ value = {hi}, word = \"至\" }}\n")
    };
    let rcl = "builds_on = [\"national-rcl-2018\"]";
    vec![
        p(
            "declared",
            rcl,
            &[
                rule(
                    "a",
                    "overrides = [\"national-rcl-2018/committee-size\"]\n",
                    &committee(5, 7),
                ),
                rule(
                    "b",
                    "overrides = [\"national-rcl-2018/households\"]\n",
                    &size(1000, 3000),
                ),
                rule(
                    "c",
                    "overrides = [\"national-rcl-2018/committee-size\"]\n",
                    &committee(3, 5),
                ),
                rule(
                    "d",
                    "overrides = [\"national-rcl-2018/households\"]\n",
                    &committee(5, 9),
                ),
                rule(
                    "e",
                    "overrides = [\"national-rcl-2018/nowhere\"]\n",
                    &committee(5, 9),
                ),
                rule(
                    "f",
                    "overrides = [\"national-plan-2021/service-space\"]\n",
                    &committee(5, 9),
                ),
            ]
            .concat(),
        ),
        p(
            "undeclared",
            rcl,
            &[
                rule("a", "", &committee(6, 8)),
                rule("b", "", &size(1000, 3000)),
                rule("c", "", &committee(3, 5)),
            ]
            .concat(),
        ),
        p(
            "dangling",
            "builds_on = [\"no-such-layer\"]",
            &rule("a", "", &committee(5, 9)),
        ),
    ]
}

fn check_chinese(d: &Diagnostic, case: &str) {
    assert!(
        has_cjk(&d.message_zh),
        "{case}: the Chinese message has no Chinese: {:?} (English: {:?})",
        d.message_zh,
        d.message
    );
    assert_ne!(d.message_zh, d.message, "{case}");
    assert_eq!(d.help.is_some(), d.help_zh.is_some(), "{case}: {d:?}");
    if let Some(h) = &d.help_zh {
        assert!(has_cjk(h), "{case}: the Chinese help has no Chinese: {h:?}");
        assert_ne!(Some(h), d.help.as_ref(), "{case}");
    }
    assert_eq!(d.message_in(Lang::En), d.message);
    assert_eq!(d.message_in(Lang::Zh), d.message_zh);
    assert_eq!(d.help_in(Lang::Zh), d.help_zh.as_deref());
    // English is the Display, byte for byte; Chinese keeps the place and the code
    assert_eq!(d.display_in(Lang::En), d.to_string(), "{case}");
    let zh = d.display_in(Lang::Zh);
    assert!(
        zh.starts_with(&format!(
            "{}:{}:{}: {}[{}]: ",
            d.file,
            d.line,
            d.column,
            d.severity.label(Lang::Zh),
            d.code.name()
        )),
        "{case}: {zh}"
    );
    assert!(zh.contains(&d.message_zh), "{case}: {zh}");
    assert_eq!(zh.contains("\n  提示: "), d.help.is_some(), "{case}: {zh}");
    if let Some(r) = &d.rule {
        assert!(zh.contains(&format!("规则 `{r}`: ")), "{case}: {zh}");
    }
}

/// Every diagnostic the corpus makes (the compiler's, the linter's, the layer checks',
/// and the bundled policies' own) has a real Chinese message and help, and the corpus
/// makes every kind of diagnostic there is.
#[test]
fn every_diagnostic_speaks_chinese() {
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut note = |d: &Diagnostic, case: &str| {
        check_chinese(d, case);
        *seen.entry(d.code.name()).or_default() += 1;
    };
    for (case, text) in compile_corpus() {
        let d = compile::compile(&text, "t.toml").1;
        assert!(!d.is_empty(), "{case}: no diagnostic");
        for x in &d {
            note(x, case);
        }
    }
    for (case, text, source) in lint_corpus() {
        let (p, d) = lint::lint(&text, "t.toml", source.map(Ok));
        assert!(p.is_some(), "{case}: {d:?}");
        assert!(!d.is_empty(), "{case}: no diagnostic");
        for x in &d {
            note(x, case);
        }
    }
    // a source that cannot be read, with why in both languages
    let texts = vec![PolicyText {
        name: "t.toml".into(),
        text: format!("{HEAD}{R}kind = \"minimum\"\nmeasure = \"workers\"\nmin = {{ value = 1, word = \"以上\" }}\n"),
    }];
    let d = load::lint(&texts, &NoSources);
    assert!(d.iter().any(|x| x.code == Code::SourceMissing), "{d:?}");
    for x in &d {
        note(x, "source missing");
    }
    let given = GivenSources(BTreeMap::from([("other.txt".into(), "应".into())]));
    for x in &load::lint(&texts, &given) {
        assert!(x.message_zh.contains("other.txt"), "{}", x.message_zh);
        note(x, "source not given");
    }
    for x in &load::lint(&layer_corpus(), &NoSources) {
        note(x, "layers");
    }
    for x in &load::lint(&load::bundled_texts(), &load::BundledSources) {
        note(x, "bundled");
    }
    let every = [
        Code::Syntax,
        Code::UnknownKey,
        Code::MissingKey,
        Code::InvalidValue,
        Code::UnknownField,
        Code::UnitMismatch,
        Code::BoundaryWord,
        Code::StrengthWord,
        Code::TierOverlap,
        Code::TierGap,
        Code::DecisionGap,
        Code::DecisionOverlap,
        Code::QuoteNotFound,
        Code::SourceMissing,
        Code::DuplicateId,
        Code::UnknownRule,
        Code::EmptyRequirement,
        Code::LayerConflict,
        Code::LayerOverride,
        Code::ReadingLanguage,
    ];
    let missing: BTreeSet<&str> = every
        .iter()
        .map(|c| c.name())
        .filter(|c| !seen.contains_key(c))
        .collect();
    assert!(missing.is_empty(), "the corpus makes no {missing:?}");
}

/// The TOML reader's own messages are said in Chinese, not quoted in English.
#[test]
fn toml_errors_are_chinese() {
    let d = compile::compile(&format!("{HEAD}colour = \"red\"\n"), "t.toml").1;
    assert!(
        d[0].message_zh
            .starts_with("未知的键 `colour`;可用的键:`id`"),
        "{}",
        d[0].message_zh
    );
    let d = compile::compile(&HEAD.replace("title = \"测试\"\n", ""), "t.toml").1;
    assert_eq!(d[0].message_zh, "缺少键 `title`");
    let d = compile::compile(
        &HEAD.replace("jurisdiction = \"测试\"", "jurisdiction = 1"),
        "t.toml",
    )
    .1;
    assert_eq!(d[0].message_zh, "值的类型不对:整数 `1`,应为字符串");
    let d = compile::compile("[policy\nid = \"t\"\n", "t.toml").1;
    assert_eq!(d[0].message_zh, "TOML 语法错误:表头没有闭合,应为`]`");
    let d = compile::compile(&format!("{HEAD}notes = abc\n"), "t.toml").1;
    assert!(
        d[0].message_zh
            .starts_with("TOML 语法错误:字符串值必须加引号"),
        "{}",
        d[0].message_zh
    );
}

/// The snapshot cases of `policy_error_messages`, in Chinese.
#[test]
fn policy_errors_in_chinese() {
    let text = format!("{HEAD}{R}kind = \"rate\"\nmeasure = \"workers\"\nunit = \"m2\"\nbase = \"households\"\nper = 100\nmin = {{ value = 1, word = \"以上\" }}\n");
    let d = compile::compile(&text, "policy.toml").1;
    assert_eq!(
        d[0].display_in(Lang::Zh),
        "policy.toml:19:8: 错误[unit-mismatch]: 规则 `r`: 规则的数值以平方米(m2)计,但其 measure `workers` 以人(persons)计\n  提示: 请改用以平方米(m2)计的字段,或更正 `unit`"
    );
    let text = format!("{HEAD}{R}kind = \"maximum\"\nmeasure = \"workers\"\nmax = {{ value = 1, word = \"以上\" }}\n");
    let d = compile::compile(&text, "policy.toml").1;
    assert_eq!(
        d[0].display_in(Lang::Zh),
        "policy.toml:19:27: 错误[boundary-word]: 规则 `r`: `以上` 限定的是另一侧,却写在了 `max` 中\n  提示: 请把这个界限移到 `min`"
    );
}
