//! The `shequ` command as a user runs it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn shequ(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shequ"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tmp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shequ-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

const BOTH: [&str; 4] = ["--policy", "xian-2023", "--policy", "bijie-2017"];

#[test]
fn check_prints_a_json_report() {
    let mut args = vec!["check"];
    args.extend(BOTH);
    args.extend([
        "--as-of",
        "2024-06-30",
        "--format",
        "json",
        "examples/roster.csv",
    ]);
    let o = shequ(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(j["communities"].as_array().map(Vec::len), Some(6));
    // the national layer comes first, then the two documents asked for
    let ids: Vec<&str> = j["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        vec![
            "national-rcl-2018",
            "national-plan-2021",
            "xian-2023",
            "bijie-2017"
        ]
    );
    assert_eq!(j["as_of"], "2024-06-30");
}

#[test]
fn check_in_english_csv() {
    let mut args = vec!["check"];
    args.extend(BOTH);
    args.extend([
        "--as-of",
        "2024-06-30",
        "--format",
        "csv",
        "--lang",
        "en",
        "examples/roster.csv",
    ]);
    let o = shequ(&args);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(
        out.starts_with("\u{feff}record,line,name,kind,policy,rule,clause,status"),
        "a BOM, then the documented columns"
    );
    assert!(
        out.contains("split into 2–6 communities of 1000–5000 households each"),
        "{out}"
    );
}

#[test]
fn fail_on_violation_sets_the_exit_code() {
    let mut args = vec!["check"];
    args.extend(BOTH);
    args.extend([
        "--as-of",
        "2024-06-30",
        "--fail-on-violation",
        "examples/roster.csv",
    ]);
    assert_eq!(shequ(&args).status.code(), Some(1));
}

#[test]
fn strength_filter() {
    let o = shequ(&[
        "check",
        "--policy",
        "xian-2023",
        "--as-of",
        "2024-06-30",
        "--min-strength",
        "mandatory",
        "--format",
        "csv",
        "examples/roster.csv",
    ]);
    assert!(o.status.success());
    let out = stdout(&o);
    let rows: Vec<&str> = out
        .lines()
        .skip(1)
        .filter(|l| l.contains(",finding,"))
        .collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|l| l.contains(",mandatory,")), "{out}");
    let o = shequ(&[
        "check",
        "--policy",
        "xian-2023",
        "--min-strength",
        "binding",
        "examples/roster.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("use one of: mandatory"));
}

#[test]
fn a_misspelt_header_is_an_error_with_place_and_suggestion() {
    let p = tmp("bad.csv", "社区名称,housholds\n东关,2000\n");
    let o = shequ(&["check", "--policy", "xian-2023", p.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("bad.csv:1:2") && e.contains("`households`"),
        "{e}"
    );
}

#[test]
fn usage_errors_say_what_to_do() {
    let o = shequ(&["check", "examples/roster.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--policy ID"), "{}", stderr(&o));
    let o = shequ(&["check", "--policy", "xian", "examples/roster.csv"]);
    let e = stderr(&o);
    assert!(
        e.contains("bundled: ") && e.contains("xian-2023") && e.contains("bijie-2017"),
        "{e}"
    );
    let o = shequ(&[
        "check",
        "--policy",
        "xian-2023",
        "--as-of",
        "2024-13-01",
        "examples/roster.csv",
    ]);
    assert!(stderr(&o).contains("not a date"));
    let o = shequ(&["check", "--policy", "xian-2023", "examples/missing.csv"]);
    assert!(stderr(&o).contains("cannot read `examples/missing.csv`"));
}

#[test]
fn standard_input_and_json_lines() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shequ"))
        .args([
            "check",
            "--policy",
            "xian-2023",
            "--as-of",
            "2024-01-01",
            "--input-format",
            "jsonl",
            "--format",
            "json",
            "-",
        ])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(
            "{\"name\":\"甲\",\"户数\":6200}\n{\"name\":\"乙\",\"households\":3500}\n".as_bytes(),
        )
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let f = j["communities"][0]["findings"]
        .as_array()
        .expect("findings");
    let size = f
        .iter()
        .find(|x| x["rule"] == "xian-2023/size-households")
        .expect("size");
    assert_eq!(size["status"], "fail");
    assert_eq!(size["remedy"]["parts"], serde_json::json!([2, 6]));
}

#[test]
fn lint_of_the_bundled_policies() {
    let o = shequ(&["lint", "--format", "json"]);
    assert!(o.status.success(), "{}", stdout(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let codes: Vec<&str> = j["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"tier-overlap") && codes.contains(&"decision-gap"),
        "{codes:?}"
    );
    for d in j["diagnostics"].as_array().expect("list") {
        for k in [
            "code", "severity", "policy", "rule", "file", "line", "column", "message",
        ] {
            assert!(d.get(k).is_some(), "{k} missing in {d}");
        }
    }
    // the files on disk lint the same as the bundled copies, quotes included
    let o = shequ(&["lint", "--lang", "en", "policies"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("file(s): 0 error(s)"), "{}", stdout(&o));
    // in Chinese by default, like every command
    let o = shequ(&["lint", "policies"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("个文件:0 个错误"), "{}", stdout(&o));
}

#[test]
fn lint_reports_a_broken_file_with_its_position() {
    let p = tmp(
        "broken.toml",
        "[policy]\nid = \"b\"\ntitle = \"t\"\nissuer = \"t\"\npublished = 2020-01-01\nstatus = \"in_force\"\njurisdiction = \"t\"\nsource = \"nowhere.txt\"\n",
    );
    let o = shequ(&["lint", "--lang", "en", p.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("broken.toml:1:1: error[source-missing]"),
        "{out}"
    );
    let o = shequ(&["lint", p.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("broken.toml:1:1: 错误[source-missing]"),
        "{out}"
    );
}

#[test]
fn explain_and_policies() {
    let o = shequ(&[
        "explain",
        "xian-2023/committee-by-households",
        "--lang",
        "en",
    ]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(
        out.contains("2000戶以下的社區設5人") && out.contains("overlapping boundaries: report"),
        "{out}"
    );
    let o = shequ(&["explain", "xian-2023/nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("its rules: size-households"));
    let o = shequ(&["policies"]);
    assert!(stdout(&o).contains("xian-2023") && stdout(&o).contains("bijie-2017"));
    let o = shequ(&["fields"]);
    assert!(stdout(&o).contains("households\t户数\thouseholds"));
    let o = shequ(&["schema"]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("schema is JSON");
    assert!(j.get("$schema").is_some());
}

#[test]
fn review_duplicates_empty_folders_and_non_utf8() {
    let o = shequ(&[
        "check",
        "--policy",
        "bijie-2017",
        "--policy",
        "bijie-2017",
        "examples/roster.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("given twice"), "{}", stderr(&o));
    let dir = std::env::temp_dir().join(format!("shequ-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let o = shequ(&["lint", dir.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no policy files"), "{}", stderr(&o));
    // a roster saved by Chinese Excel (GBK): decoded, and the report says so
    let p = tmp("gbk.csv", "");
    let mut bytes = hex("c9e7c7f8c3fbb3c62cbba7cafd");
    bytes.push(b'\n');
    bytes.extend(hex("b6abb9d8"));
    bytes.extend(b",2000\n");
    std::fs::write(&p, bytes).expect("write");
    let o = shequ(&[
        "check",
        "--policy",
        "xian-2023",
        "--format",
        "json",
        p.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["input"]["encoding"], "gb18030");
    assert_eq!(v["communities"][0]["name"], "东关");
}

#[test]
fn validate_flags_the_published_typos_of_huining() {
    // the two typos the text carries (see data/huining-2020/README.md) and the move that
    // does not add up because of the first one
    let o = shequ(&[
        "validate",
        "--format",
        "json",
        "data/huining-2020/communities-before.csv",
        "data/huining-2020/communities-after.csv",
        "data/huining-2020/towns.csv",
        "--ledger",
        "data/huining-2020/communities-before.csv",
        "data/huining-2020/communities-after.csv",
        "data/huining-2020/moves.csv",
    ]);
    assert_eq!(o.status.code(), Some(1), "issues found");
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let issues = j["issues"].as_array().expect("issues");
    let summary: Vec<(String, String)> = issues
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap_or("").to_string(),
                i["name"]
                    .as_str()
                    .or(i["community"].as_str())
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "fewer_persons_than_households".to_string(),
                "会师门社区".to_string()
            ),
            (
                "implausible_household_size".to_string(),
                "柴家门镇".to_string()
            ),
            ("ledger_mismatch".to_string(), "会师门社区".to_string()),
        ]
    );
    let ledger = &issues[2];
    assert_eq!(
        (ledger["expected"].as_i64(), ledger["after"].as_i64()),
        (Some(3259), Some(5259))
    );
}

const ROSTER_WITH_PROBLEMS: &str = "社区名称,户数,常住人口,备注\n甲,6200,17800,ok\n乙,x,9000,bad households\n,,,\n丙,3000,-5,bad residents\n丁,2500,8000,\n";

#[test]
fn every_bad_cell_is_listed_and_nothing_is_evaluated() {
    let p = tmp("problems.csv", ROSTER_WITH_PROBLEMS);
    let o = shequ(&[
        "check",
        "--policy",
        "xian-2023",
        "--as-of",
        "2024-06-30",
        p.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(":3:2:") && err.contains("`x`"), "{err}");
    assert!(
        err.contains("共 2 处问题,涉及 4 行中的 2 行") && err.contains("--keep-going"),
        "{err}"
    );
    assert!(stdout(&o).is_empty(), "no partial report");
    let o = shequ(&[
        "check",
        "--policy",
        "xian-2023",
        "--as-of",
        "2024-06-30",
        "--lang",
        "en",
        p.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(":3:2:") && err.contains("`x`"), "{err}");
    assert!(err.contains(":5:3:") && err.contains("negative"), "{err}");
    assert!(
        err.contains("2 problem(s) in 2 of 4 rows") && err.contains("--keep-going"),
        "{err}"
    );
}

#[test]
fn keep_going_evaluates_every_row_and_marks_the_bad_ones() {
    let p = tmp("problems2.csv", ROSTER_WITH_PROBLEMS);
    let path = p.to_str().expect("path");
    let o = shequ(&[
        "check",
        "--policy",
        "xian-2023",
        "--as-of",
        "2024-06-30",
        "--keep-going",
        "--format",
        "json",
        path,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let c = j["communities"].as_array().expect("communities");
    // every data row once, in order; the blank row is listed as skipped, not lost
    let names: Vec<&str> = c.iter().filter_map(|x| x["name"].as_str()).collect();
    assert_eq!(names, vec!["甲", "乙", "丙", "丁"]);
    assert_eq!(c[1]["errors"][0]["code"], "value");
    assert_eq!(c[1]["errors"][0]["column"], 2);
    assert!(
        c[1]["input"].get("households").is_none(),
        "the bad cell is missing, not zero"
    );
    assert_eq!(j["skipped"][0]["line"], 4);
    assert_eq!(j["skipped"][0]["reason"], "blank");
    assert_eq!(j["input"]["rows"], 4);
    assert_eq!(j["input"]["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(j["summary"]["rows_with_errors"], 2);
    // the long table accounts for every row too, pass-through columns included
    let o = shequ(&[
        "check",
        "--policy",
        "xian-2023",
        "--as-of",
        "2024-06-30",
        "--keep-going",
        "--format",
        "csv",
        path,
    ]);
    let out = stdout(&o);
    assert!(
        out.lines().next().is_some_and(|h| h.ends_with(",备注")),
        "{out}"
    );
    assert!(
        out.contains(",skipped,") && out.contains(",input_error,"),
        "{out}"
    );
}

#[test]
fn jsonl_and_wide_csv_have_one_line_per_community() {
    let mut args = vec!["check"];
    args.extend(BOTH);
    args.extend([
        "--as-of",
        "2024-06-30",
        "--format",
        "jsonl",
        "examples/roster.csv",
    ]);
    let o = shequ(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let types: Vec<&str> = lines.iter().filter_map(|l| l["type"].as_str()).collect();
    assert_eq!(types.first(), Some(&"header"));
    assert_eq!(types.iter().filter(|t| **t == "community").count(), 6);
    assert_eq!(types.last(), Some(&"summary"));
    // JSON Lines leaves the sentences out unless asked
    assert!(lines[1]["findings"][0].get("message").is_none());
    args.push("--messages");
    let o = shequ(&args);
    let second: serde_json::Value =
        serde_json::from_str(stdout(&o).lines().nth(1).expect("line")).expect("JSON");
    assert!(second["findings"][0]["message"].is_string());
    let mut args = vec!["check"];
    args.extend(BOTH);
    args.extend([
        "--as-of",
        "2024-06-30",
        "--format",
        "csv",
        "--wide",
        "examples/roster.csv",
    ]);
    let o = shequ(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut rdr = csv::Reader::from_reader(out.trim_start_matches('\u{feff}').as_bytes());
    let header = rdr.headers().expect("header").clone();
    let col = header
        .iter()
        .position(|h| h == "xian-2023/size-households")
        .expect("a status column per rule");
    assert_eq!(
        header.get(col + 1),
        Some("xian-2023/size-households:shortfall")
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[1].get(col), Some("fail"));
    assert_eq!(rows[1].get(col + 1), Some("1200"));
}

#[test]
fn a_policy_file_is_evaluated_with_its_layers() {
    let dir = std::env::temp_dir().join(format!("shequ-cli-layer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("s.txt"),
        "社区居民委员会由主任、副主任和委员共五至九人组成。",
    )
    .expect("write");
    let policy = "[policy]\nid = \"my-county\"\ntitle = \"t\"\nissuer = \"t\"\npublished = 2020-01-01\nstatus = \"in_force\"\njurisdiction = \"t\"\nsource = \"s.txt\"\nbuilds_on = [\"national-rcl-2018\"]\n\n[[rule]]\nid = \"r\"\nclause = \"T-1\"\nlocation = \"一\"\nkind = \"minimum\"\nstrength = \"strict\"\nword = \"\"\nquote = \"五至九人\"\nreading = \"the floor only\"\nmeasure = \"committee_members\"\nmin = { value = 5, word = \"至\", inclusive = true, reading = \"五至九人 includes 5\" }\n";
    std::fs::write(dir.join("p.toml"), policy).expect("write");
    let roster = tmp("layer.csv", "name,committee_members\nA,3\n");
    let o = shequ(&[
        "check",
        "--policy-file",
        dir.join("p.toml").to_str().expect("p"),
        "--as-of",
        "2024-06-30",
        "--format",
        "json",
        roster.to_str().expect("r"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let ids: Vec<&str> = j["policies"]
        .as_array()
        .expect("p")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        vec!["national-rcl-2018", "my-county"],
        "the layer is evaluated first"
    );
    // a layer that resolves to nothing is an error naming the file and line
    std::fs::write(
        dir.join("q.toml"),
        policy
            .replace("national-rcl-2018", "no-such-policy")
            .replace("my-county", "other"),
    )
    .expect("write");
    let o = shequ(&[
        "check",
        "--policy-file",
        dir.join("q.toml").to_str().expect("q"),
        roster.to_str().expect("r"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("q.toml:9:") && stderr(&o).contains("no-such-policy"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_report_schema_is_printed() {
    let o = shequ(&["schema", "--report"]);
    assert!(o.status.success());
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(j["title"], "Report");
}

fn hex(h: &str) -> Vec<u8> {
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn an_office_workbook_is_read_summary_first_with_its_sum_rows_checked() {
    let mut args = vec!["check"];
    args.extend(BOTH);
    args.extend([
        "--as-of",
        "2024-06-30",
        "--group-by",
        "所属街道",
        "examples/office-roster.xlsx",
    ]);
    let o = shequ(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // the sheet with the roster, not the cover sheet; six communities, not twelve rows
    assert!(out.contains("工作表「社区基本情况」"), "{out}");
    assert!(out.contains("6 个社区"), "{out}");
    // the 合计 row is off by 100 and said so; the title rows are skipped
    assert!(
        out.contains("户数:合计行为 17588,其上 6 行之和为 17488(相差 100)"),
        "{out}"
    );
    assert!(
        out.contains("「七星关区、大方县城市社区基本情况统计表」"),
        "{out}"
    );
    // summary first, then per street (the merged street cells read for each community)
    let summary = out.find("== 汇总").expect("summary");
    let groups = out.find("== 按「所属街道」分组").expect("groups");
    let detail = out.find("== 逐社区明细").expect("detail");
    assert!(summary < groups && groups < detail);
    assert!(out.contains("市东街道         2 个社区"), "{out}");
    // a national rule replaced by a local one is listed once, not per community
    assert_eq!(
        out.matches("national-rcl-2018/households [N-RCL-6]")
            .count(),
        1,
        "{out}"
    );
    // the JSON report says which sheet and which rows were skipped
    let mut args = vec!["check"];
    args.extend(BOTH);
    args.extend([
        "--format",
        "json",
        "--sheet",
        "2",
        "examples/office-roster.xlsx",
    ]);
    let o = shequ(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(j["input"]["sheet"]["name"], "社区基本情况");
    assert_eq!(j["input"]["format"], "xlsx");
    let reasons: Vec<&str> = j["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| s["reason"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(reasons, ["title", "title", "total", "total", "total"]);
    // a sheet that is not there lists the sheets
    let o = shequ(&[
        "check",
        "--policy",
        "xian-2023",
        "--sheet",
        "Sheet9",
        "examples/office-roster.xlsx",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("填表说明"), "{}", stderr(&o));
}

#[test]
fn assume_only_and_a_missing_column_at_the_top() {
    let p = tmp(
        "no-kind.csv",
        "社区名称,户数,常住人口\n甲社区,2000,6000\n乙社区,6200,17800\n",
    );
    let path = p.to_str().expect("path");
    let o = shequ(&[
        "check",
        "--policy",
        "xian-2023",
        "--as-of",
        "2024-06-30",
        path,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let top = out.find("== 汇总").expect("summary");
    let notice = out.find("整个名单缺少「社区类型」").expect("the notice");
    assert!(notice < top, "said once, at the top: {out}");
    assert!(out.contains("--assume 社区类型=城市"), "{out}");
    let o = shequ(&[
        "check",
        "--policy",
        "xian-2023",
        "--as-of",
        "2024-06-30",
        "--assume",
        "社区类型=城市",
        "--only",
        "failing",
        "--format",
        "table",
        path,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("整个名单缺少「社区类型」"), "{out}");
    assert!(
        out.contains("假定(--assume): 社区类型 = 城市,用于 2 个未填写的社区"),
        "{out}"
    );
    let detail = &out[out.find("== 逐社区明细").expect("detail")..];
    assert!(
        !detail.lines().any(|l| l.starts_with("  ✓")),
        "only failing findings in the detail: {detail}"
    );
    assert!(
        !detail.contains("按 --assume 假定"),
        "said once, at the top: {detail}"
    );
    assert!(detail.contains("乙社区"), "{detail}");
    // a bad assumption is refused before anything is read
    let o = shequ(&[
        "check",
        "--policy",
        "xian-2023",
        "--assume",
        "社区类形=城市",
        path,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("社区类形"), "{}", stderr(&o));
}

#[test]
fn a_template_reads_back_as_the_columns_the_policies_use() {
    let dir = std::env::temp_dir().join(format!("shequ-template-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let xlsx = dir.join("t.xlsx");
    let _ = std::fs::remove_file(&xlsx);
    let o = shequ(&[
        "template",
        "--policy",
        "xian-2023",
        "--output",
        xlsx.to_str().expect("path"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // the template is a roster: its sample row is read and evaluated
    let o = shequ(&[
        "check",
        "--policy",
        "xian-2023",
        "--format",
        "json",
        xlsx.to_str().expect("path"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let cols = j["input"]["columns"].as_array().expect("columns");
    assert!(
        cols.iter().all(|c| !c["field"].is_null()),
        "every column is a field"
    );
    assert!(j["communities"][0]["name"]
        .as_str()
        .is_some_and(|n| n.contains("请删除本行")));
    // the CSV template opens in Excel as Chinese (a BOM) and has the same header
    let o = shequ(&["template", "--policy", "xian-2023", "--format", "csv"]);
    assert!(o.status.success());
    assert!(o.stdout.starts_with(b"\xEF\xBB\xBF"));
    assert!(stdout(&o).contains("户数(户),常住人口(人)"));
}
