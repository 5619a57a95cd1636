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

// ---------------------------------------------------------------------------------------
// Input errors

use shequ::input::{self, Format, InputError, InputErrorDetail, ReadOptions, SheetChoice};

/// The numbers and the backticked words of an English text (a line, a column, the value
/// at fault, a header): the Chinese must carry each of them too.
fn anchors(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('`') {
        let after = &rest[i + 1..];
        match after.find('`') {
            Some(j) => {
                out.push(format!("`{}`", &after[..j]));
                rest = &after[j + 1..];
            }
            None => break,
        }
    }
    let mut digits = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !digits.is_empty() {
            out.push(std::mem::take(&mut digits));
        }
    }
    out
}

fn check_detail(d: &InputErrorDetail, case: &str) {
    assert!(
        has_cjk(&d.message_zh) && d.message_zh != d.message,
        "{case}: the Chinese message is not Chinese: {:?} (English: {:?})",
        d.message_zh,
        d.message
    );
    for a in anchors(&d.message) {
        assert!(
            d.message_zh.contains(&a),
            "{case}: `{a}` of {:?} is not in {:?}",
            d.message,
            d.message_zh
        );
    }
    assert_eq!(d.help.is_some(), d.help_zh.is_some(), "{case}: {d:?}");
    if let (Some(en), Some(zh)) = (&d.help, &d.help_zh) {
        assert!(
            has_cjk(zh) && zh != en,
            "{case}: the Chinese help is not Chinese: {zh:?}"
        );
        for a in anchors(en) {
            assert!(zh.contains(&a), "{case}: `{a}` of {en:?} is not in {zh:?}");
        }
    }
    assert_eq!(d.message_in(Lang::En), d.message);
    assert_eq!(d.message_in(Lang::Zh), d.message_zh);
    assert_eq!(d.help_in(Lang::Zh), d.help_zh.as_deref());
    assert_eq!(d.display_in(Lang::En), d.to_string(), "{case}");
    let zh = d.display_in(Lang::Zh);
    assert!(
        zh.starts_with(&format!(
            "{}:{}:{}: {}",
            d.file, d.line, d.column, d.message_zh
        )),
        "{case}: {zh}"
    );
    assert_eq!(zh.contains("\n  提示: "), d.help.is_some(), "{case}: {zh}");
    assert!(!zh.contains("help:"), "{case}: {zh}");
}

fn check_error(e: &InputError, case: &str) {
    assert!(!e.details().is_empty(), "{case}");
    for d in e.details() {
        check_detail(d, case);
    }
    assert_eq!(e.display_in(Lang::En), e.to_string(), "{case}");
    let zh = e.display_in(Lang::Zh);
    let n = e.details().len();
    if n > 1 {
        assert!(zh.ends_with(&format!("\n共 {n} 处问题")), "{case}: {zh}");
    } else {
        assert!(!zh.contains("处问题"), "{case}: {zh}");
    }
}

/// Every roster's problems, each read leniently (bad cells are collected on their rows)
/// and strictly (the same problems as an error).
fn roster_problems(bytes: &[u8], format: Format, opts: &ReadOptions) -> Vec<InputErrorDetail> {
    match input::read_all_with(bytes, format, "roster.csv", opts) {
        Ok(r) => r.errors,
        Err(e) => {
            check_error(&e, "strict");
            e.details().to_vec()
        }
    }
}

/// Bad rosters of every kind: their messages and help lines are Chinese, and carry the
/// same line, column, value, header and numbers as the English.
#[test]
fn every_input_error_speaks_chinese() {
    let csv: Vec<(&str, &str)> = vec![
        ("misspelt header", "社区名称,housholds\nA,1\n"),
        ("ambiguous header", "社区名称,工作人员\nA,1\n"),
        ("header in the wrong unit", "社区名称,户数(万户)\nA,1\n"),
        ("duplicate column", "户数,households\n1,2\n"),
        ("one column of semicolons", "社区名称;户数\nA;1\n"),
        ("one column of tabs", "社区名称\t户数\nA\t1\n"),
        ("ragged row", "name,户数\nA,1,2\n"),
        ("short row", "name,户数\nA\n"),
        (
            "unclosed quote",
            "name,户数,备注\nA,1,\"说明\nB,2,x\nC,3,y\n",
        ),
        ("quote over a field", "name,户数\nA,\"1\n2\"\n"),
        ("empty file", ""),
        ("blank file", "\n\n,,\n"),
        ("header but no rows", "name,户数\n"),
        ("not yes or no", "name,is_new\nA,maybe\n"),
        ("unknown category", "name,社区类型\nA,郊区\n"),
        ("not a share", "name,交叉任职比例\nA,abc\n"),
        ("ambiguous share", "name,交叉任职比例\nA,60\n"),
        ("negative share", "name,交叉任职比例\nA,-5%\n"),
        ("share above 100 %", "name,交叉任职比例\nA,150%\n"),
        ("negative count", "name,户数\nA,-3\n"),
        ("too large", "name,户数\nA,9999999999999\n"),
        ("far too large", "name,户数\nA,99999999999999999999999\n"),
        ("not a whole number", "社区名称,户数\nA,1200\nB,12.5\n"),
        ("not a number", "name,户数\nA,abc\n"),
        ("badly grouped", "name,户数\nA,\"1,23,4\"\n"),
        (
            "too many decimals",
            "name,service_space\nA,0.1234567890123456789012\n",
        ),
        (
            "several bad cells",
            "社区名称,户数,常住人口\nA,x,y\nB,1.5,-2\n",
        ),
    ];
    let mut codes = BTreeSet::new();
    for (case, text) in &csv {
        let found = roster_problems(text.as_bytes(), Format::Csv, &ReadOptions::default());
        assert!(!found.is_empty(), "{case}: no problem found");
        for d in &found {
            check_detail(d, case);
            codes.insert(d.code);
        }
    }
    let json: Vec<(&str, &str, Format)> = vec![
        ("JSON syntax", "[{\"name\": }]", Format::Json),
        ("JSON unclosed", "[{\"name\": \"A\"", Format::Json),
        ("JSON trailing comma", "[{\"name\": \"A\",}]", Format::Json),
        (
            "JSON key twice",
            "[{\"households\": 1, \"households\": 2}]",
            Format::Json,
        ),
        (
            "JSON keys for one field",
            "[{\"户数\": 1, \"households\": 2}]",
            Format::Json,
        ),
        ("JSON misspelt key", "[{\"housholds\": 1}]", Format::Json),
        (
            "JSON record not an object",
            "[1, {\"name\": \"A\"}]",
            Format::Json,
        ),
        (
            "JSON value a list",
            "[{\"name\": \"A\", \"households\": [1]}]",
            Format::Json,
        ),
        (
            "JSON bad cell",
            "[{\"name\": \"A\", \"households\": \"x\"}]",
            Format::Json,
        ),
        (
            "JSON other top-level key",
            "{\"communities\": [{\"name\": \"A\"}], \"year\": 2024}",
            Format::Json,
        ),
        (
            "JSON communities not an array",
            "{\"communities\": 3}",
            Format::Json,
        ),
        ("JSON object without communities", "{}", Format::Json),
        ("JSON scalar", "3", Format::Json),
        ("JSON empty", "  ", Format::Json),
        ("JSON no records", "[]", Format::Json),
        ("JSON Lines not an object", "1\n", Format::JsonLines),
        ("JSON Lines syntax", "{\"name\": }\n", Format::JsonLines),
        ("JSON Lines no records", "\n\n", Format::JsonLines),
    ];
    for (case, text, format) in &json {
        let found = roster_problems(text.as_bytes(), *format, &ReadOptions::default());
        assert!(!found.is_empty(), "{case}: no problem found");
        for d in &found {
            check_detail(d, case);
            codes.insert(d.code);
        }
    }
    // bytes that are not what their name says
    let bytes: Vec<(&str, Vec<u8>, Format)> = vec![
        (
            "a workbook named .csv",
            b"PK\x03\x04\x14\x00\x00\x00rest".to_vec(),
            Format::Csv,
        ),
        (
            "an old workbook named .csv",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            Format::Csv,
        ),
        (
            "a web page named .xlsx",
            b"<html><table><tr><td>1</td></tr></table></html>".to_vec(),
            Format::Xlsx,
        ),
        (
            "a broken workbook",
            b"PK\x03\x04 not really a zip".to_vec(),
            Format::Xlsx,
        ),
        ("an empty workbook file", Vec::new(), Format::Xlsx),
        (
            "JSON not UTF-8",
            b"[{\"name\": \"\xff\"}]".to_vec(),
            Format::Json,
        ),
        (
            "JSON Lines not text",
            b"{\"name\": \"\xff\"}\n".to_vec(),
            Format::JsonLines,
        ),
    ];
    for (case, b, format) in &bytes {
        let found = roster_problems(b, *format, &ReadOptions::default());
        assert!(!found.is_empty(), "{case}: no problem found");
        for d in &found {
            check_detail(d, case);
            codes.insert(d.code);
        }
    }
    // a file said to be UTF-8 that is not
    let opts = ReadOptions {
        encoding: Some(input::TextEncoding::Utf8),
        ..ReadOptions::default()
    };
    for d in roster_problems(b"name,\xc9\xe7\xc7\xf8\nA,1\n", Format::Csv, &opts) {
        check_detail(&d, "not UTF-8 after all");
        codes.insert(d.code);
    }
    // a sheet that is not there
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("名册").expect("name");
    ws.write(0, 0, "社区名称").expect("cell");
    ws.write(0, 1, "户数").expect("cell");
    ws.write(1, 0, "A").expect("cell");
    ws.write(1, 1, 1200).expect("cell");
    let book = wb.save_to_buffer().expect("workbook");
    for (case, sheet) in [
        ("no sheet of that name", SheetChoice::Name("Sheet9".into())),
        ("no sheet of that number", SheetChoice::Index(4)),
    ] {
        let opts = ReadOptions {
            sheet,
            ..ReadOptions::default()
        };
        let found = roster_problems(&book, Format::Xlsx, &opts);
        assert!(!found.is_empty(), "{case}");
        for d in &found {
            check_detail(d, case);
            assert!(d.message_zh.contains("工作表"), "{case}: {}", d.message_zh);
            assert!(
                d.help_zh.as_deref().is_some_and(|h| h.contains("`名册`")),
                "{case}: {d:?}"
            );
            codes.insert(d.code);
        }
    }
    for want in [
        "empty",
        "header",
        "unknown_header",
        "ambiguous_header",
        "wrong_unit",
        "duplicate_column",
        "duplicate_key",
        "value",
        "ragged_row",
        "unclosed_quote",
        "syntax",
        "encoding",
        "not_an_object",
        "no_rows",
        "format",
        "sheet",
    ] {
        assert!(codes.contains(want), "no `{want}` in the corpus: {codes:?}");
    }
}

/// The brief's handful, word for word: a misspelt header, the ambiguous 工作人员, a bad
/// number, a ragged row, an unclosed quote and an empty file.
#[test]
fn bad_rosters_in_chinese() {
    let first = |text: &str| -> InputErrorDetail {
        input::parse_csv(text, "roster.csv")
            .expect_err("a bad roster")
            .details()[0]
            .clone()
    };
    let d = first("社区名称,housholds\nA,1\n");
    assert_eq!(
        (d.line, d.column, d.field.as_deref()),
        (1, 2, Some("housholds"))
    );
    assert_eq!(
        d.message_zh,
        "表头 `housholds` 不是已知字段,但与 `households`(户数)相近"
    );
    assert_eq!(
        d.help_zh.as_deref(),
        Some("请把列改名为 `households`;如果这是你自己的列,请改成不像字段名的名称")
    );
    let d = first("社区名称,工作人员\nA,1\n");
    assert_eq!((d.line, d.column, d.code), (1, 2, "ambiguous_header"));
    assert_eq!(
        d.message_zh,
        "表头 `工作人员` 可能指 `社区工作者人数`(workers) 或 `专职工作者人数`(full_time_workers):工作人员可能指全部社区工作者,也可能只指全职领薪的专职工作者,有的单位还把公益性岗位算在内"
    );
    assert!(d.help_zh.as_deref().is_some_and(
        |h| h.contains("`社区工作者人数`(workers)、`专职工作者人数`(full_time_workers)")
    ));
    let e = input::parse_csv("社区名称,户数\nA,1200\nB,12.5\n", "roster.csv").expect_err("bad");
    let d = &e.details()[0];
    assert_eq!((d.line, d.column, d.value.as_deref()), (3, 2, Some("12.5")));
    assert_eq!(
        d.message_zh,
        "列 `户数`(households):`12.5` 不是整数;户数须为整数"
    );
    assert_eq!(
        e.display_in(Lang::Zh),
        "roster.csv:3:2: 列 `户数`(households):`12.5` 不是整数;户数须为整数"
    );
    let d = first("name,户数\nA,1,2\n");
    assert_eq!((d.line, d.column, d.value.as_deref()), (2, 3, Some("2")));
    assert_eq!(d.message_zh, "该行有 3 个单元格,但表头有 2 列");
    assert_eq!(
        d.display_in(Lang::Zh),
        "roster.csv:2:3: 该行有 3 个单元格,但表头有 2 列\n  提示: 请检查是否多了或少了分隔符,或有未闭合的引号"
    );
    let d = first("name,户数,备注\nA,1,\"说明\nB,2,x\nC,3,y\n");
    assert_eq!((d.line, d.column, d.code), (2, 3, "unclosed_quote"));
    assert_eq!(
        d.message_zh,
        "`备注` 列的单元格在第 2 行开始一个引号,向下延续了 3 行,一直到第 5 行,其中还有看似后续各行的内容:引号很可能没有闭合"
    );
    let d = first("");
    assert_eq!((d.line, d.column, d.code), (1, 1, "empty"));
    assert_eq!(d.message_zh, "文件是空的");
    assert_eq!(
        d.help_zh.as_deref(),
        Some("第一行写列名(户数、常住人口……);此后每行一个社区")
    );
    // several problems: each, then how many
    let e = input::parse_csv("社区名称,户数,常住人口\nA,x,y\n", "roster.csv").expect_err("bad");
    let zh = e.display_in(Lang::Zh);
    assert!(zh.ends_with("\n共 2 处问题"), "{zh}");
    assert!(e.to_string().ends_with("\n2 problems in all"));
}

/// A bad cell's value error is Chinese through and through: the field's Chinese name, the
/// value, what to write.
#[test]
fn value_errors_in_chinese() {
    let f = |id: &str| shequ::field::by_id(id).expect("field");
    let cases = [
        ("is_new", "maybe"),
        ("kind", "郊区"),
        ("cross_appointment_share", "abc"),
        ("cross_appointment_share", "60"),
        ("cross_appointment_share", "-5%"),
        ("cross_appointment_share", "150%"),
        ("households", "-3"),
        ("households", "9999999999999"),
        ("households", "99999999999999999999999"),
        ("households", "12.5"),
        ("households", "abc"),
        ("households", "1,23,4"),
        ("service_space", "0.1234567890123456789012"),
    ];
    let mut kinds = std::collections::HashSet::new();
    for (field, value) in cases {
        let e = shequ::Record::parse_value(f(field), value).expect_err(value);
        let zh = e.message_in(Lang::Zh);
        assert!(has_cjk(&zh), "{zh}");
        assert_eq!(e.message_in(Lang::En), e.to_string());
        assert!(zh.contains(&format!("`{value}`")), "{zh}");
        assert_eq!(e.text(), value);
        kinds.insert(std::mem::discriminant(&e));
    }
    assert_eq!(kinds.len(), 11, "every kind of value error");
    let e = shequ::Record::parse_value(f("households"), "12.5").expect_err("fraction");
    assert_eq!(
        e.to_string(),
        "`12.5` is not a whole number; households are counted in whole units"
    );
    assert_eq!(e.message_in(Lang::Zh), "`12.5` 不是整数;户数须为整数");
}
