//! The `shequ` command. It reads files, calls the core library and prints what the core
//! renders; it decides nothing about rules.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use shequ::input::{self, Format};
use shequ::{bundled, field, lang, load, report, Date, Lang, Options, Strength};

#[derive(Parser)]
#[command(
    name = "shequ",
    version,
    about = "Check Chinese urban communities against policy data (社区政策核查)"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum OutFormat {
    Table,
    Json,
    Jsonl,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum InFormat {
    Csv,
    Tsv,
    Json,
    Jsonl,
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

impl From<InFormat> for Format {
    fn from(f: InFormat) -> Format {
        match f {
            InFormat::Csv => Format::Csv,
            InFormat::Tsv => Format::Tsv,
            InFormat::Json => Format::Json,
            InFormat::Jsonl => Format::JsonLines,
            InFormat::Xlsx => Format::Xlsx,
            InFormat::Xlsb => Format::Xlsb,
            InFormat::Xls => Format::Xls,
            InFormat::Ods => Format::Ods,
        }
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum OnlyArg {
    /// every finding
    All,
    /// failing findings, in the communities that have one
    Failing,
    /// failing, ambiguous and missing-data findings, bad cells and data issues
    Problems,
}

impl From<OnlyArg> for report::Only {
    fn from(o: OnlyArg) -> report::Only {
        match o {
            OnlyArg::All => report::Only::All,
            OnlyArg::Failing => report::Only::Failing,
            OnlyArg::Problems => report::Only::Problems,
        }
    }
}

/// How to read the roster: what the `check` command passes to the core's reader.
#[derive(clap::Args, Clone)]
struct ReadArgs {
    /// Input format, when the file name does not say (or for `-`, standard input)
    #[arg(long, value_enum)]
    input_format: Option<InFormat>,
    /// The sheet of a workbook: its name, or its number counting from 1 (default: the
    /// first sheet whose first rows hold a header of known fields)
    #[arg(long, value_name = "NAME|N")]
    sheet: Option<String>,
    /// The text encoding of a CSV/TSV/JSON file (default: detected — UTF-8 with or
    /// without BOM, UTF-16, else GB18030/GBK)
    #[arg(long, value_name = "ENCODING")]
    encoding: Option<String>,
    /// Assume FIELD=VALUE for every row that lacks the field (repeat for several), e.g.
    /// `--assume 社区类型=城市`; the report says it was assumed
    #[arg(long = "assume", value_name = "FIELD=VALUE")]
    assume: Vec<String>,
}

impl ReadArgs {
    fn options(&self) -> Result<input::ReadOptions, String> {
        let encoding = match &self.encoding {
            None => None,
            Some(e) if e.eq_ignore_ascii_case("auto") => None,
            Some(e) => Some(input::TextEncoding::from_name(e).ok_or_else(|| {
                format!(
                    "`--encoding {e}` is not an encoding shequ reads; use one of {} (or auto)",
                    input::TextEncoding::NAMES
                )
            })?),
        };
        // a name, or a number counting from 1 (a sheet named so wins: the reader decides)
        let sheet = match &self.sheet {
            None => input::SheetChoice::Auto,
            Some(s) => input::SheetChoice::Name(s.clone()),
        };
        let mut assume = Vec::new();
        for a in &self.assume {
            let (f, v) = input::ReadOptions::parse_assumption(a)
                .map_err(|e| format!("`--assume {a}`: {e}"))?;
            if assume.iter().any(|(g, _)| *g == f) {
                return Err(format!("`--assume` gives `{}` twice", f.name()));
            }
            assume.push((f, v));
        }
        Ok(input::ReadOptions {
            encoding,
            sheet,
            assume,
        })
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum TemplateFormat {
    Csv,
    Xlsx,
}

#[derive(Clone, Copy, ValueEnum)]
enum LintFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Zh,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Evaluate a roster (CSV, JSON or JSON Lines) against policies
    Check {
        /// A bundled policy id (repeat for several); see `shequ policies`
        #[arg(long = "policy", value_name = "ID")]
        policies: Vec<String>,
        /// A policy file of your own (repeat for several)
        #[arg(long = "policy-file", value_name = "PATH")]
        policy_files: Vec<PathBuf>,
        /// Judge dated values and the force of documents at this date (default: today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value = "table")]
        format: OutFormat,
        /// Language of messages
        #[arg(long, value_enum, default_value = "zh")]
        lang: LangArg,
        /// Keep only rules at least this binding: mandatory, strict, as_a_rule, preferred, target, encouraged, permitted
        #[arg(long, value_name = "STRENGTH")]
        min_strength: Option<String>,
        /// Evaluate documents even when they are drafts or not in force on the as-of date
        #[arg(long)]
        allow_not_in_force: bool,
        #[command(flatten)]
        read: ReadArgs,
        /// Summarise per group of communities: a column (所属街道) or a field (区县)
        #[arg(long, value_name = "COLUMN")]
        group_by: Option<String>,
        /// In the table's per-community detail, show only failing findings or only
        /// problems (failing, ambiguous, missing data, bad cells); the summary counts all
        #[arg(long, value_enum, default_value = "all")]
        only: OnlyArg,
        /// Exit with status 1 when any finding fails
        #[arg(long)]
        fail_on_violation: bool,
        /// With `--format csv`: one row per community (a status and a shortfall column per
        /// rule) instead of one row per finding
        #[arg(long)]
        wide: bool,
        /// Evaluate the good rows when some cells are bad: the bad cells count as missing
        /// and each row says what was wrong with it (without this, bad cells stop the run
        /// and every one of them is listed)
        #[arg(long)]
        keep_going: bool,
        /// Put each finding's sentences (`message`, the remedy's `text`) into JSON Lines
        /// output too (JSON, CSV and the table have them unless `--no-messages`)
        #[arg(long, conflicts_with = "no_messages")]
        messages: bool,
        /// Leave the sentences out of JSON and CSV reports (codes and figures stay): much
        /// faster for large rosters
        #[arg(long)]
        no_messages: bool,
        /// The roster file, or `-` for standard input
        file: String,
    },
    /// Check policy files; with no PATH, the bundled policies
    Lint {
        /// Policy files (.toml) or folders of them
        paths: Vec<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value = "text")]
        format: LintFormat,
        /// Language of the diagnostics (the JSON output carries both)
        #[arg(long, value_enum, default_value = "zh")]
        lang: LangArg,
    },
    /// List the bundled policies
    Policies {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Explain what a policy's rules (or one rule, or one clause) require, with their quotes
    Explain {
        /// POLICY, POLICY/RULE, or a clause ID (`Y-10`)
        target: String,
        /// A policy file of your own to look in (repeat for several); without it, the
        /// bundled policies
        #[arg(long = "policy-file", value_name = "PATH")]
        policy_files: Vec<PathBuf>,
        /// Language
        #[arg(long, value_enum, default_value = "zh")]
        lang: LangArg,
    },
    /// Write an empty roster for some policies: exactly the columns their rules read,
    /// Chinese headers with units, and one sample row to delete
    Template {
        /// A bundled policy id (repeat for several)
        #[arg(long = "policy", value_name = "ID")]
        policies: Vec<String>,
        /// A policy file of your own (repeat for several)
        #[arg(long = "policy-file", value_name = "PATH")]
        policy_files: Vec<PathBuf>,
        /// csv (UTF-8 with BOM, opens in Excel) or xlsx (with a sheet of instructions)
        #[arg(long, value_enum, default_value = "xlsx")]
        format: TemplateFormat,
        /// Where to write it (default: standard output for csv; `roster-template.xlsx`
        /// for xlsx)
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
    },
    /// Check a roster's figures: impossible or implausible values (fewer residents than
    /// households, a part larger than its whole); with --ledger, whether a re-division adds
    /// up (before − moved out + moved in = after). Exit 1 when anything is found
    Validate {
        /// Roster files to check record by record
        files: Vec<PathBuf>,
        /// BEFORE AFTER MOVES: rosters before and after a re-division and the moves between them
        #[arg(long, num_args = 3, value_names = ["BEFORE", "AFTER", "MOVES"])]
        ledger: Option<Vec<PathBuf>>,
        /// Output format
        #[arg(long, value_enum, default_value = "text")]
        format: LintFormat,
        /// Language of messages
        #[arg(long, value_enum, default_value = "zh")]
        lang: LangArg,
    },
    /// Which rules encode each clause of the inventory (policies/clauses.md), or why a
    /// clause is not checked
    Coverage {
        /// Print JSON instead of a Markdown table
        #[arg(long)]
        json: bool,
    },
    /// List the fields a roster can carry, with their Chinese headers and units
    Fields,
    /// Print the JSON Schema of the policy file format (or, with --report, of the report)
    Schema {
        /// The schema of the JSON report (`check --format json`) instead
        #[arg(long)]
        report: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(msg) => {
            let _ = writeln!(std::io::stderr(), "error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // civil-from-days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date::new(
        i32::try_from(y).unwrap_or(2000),
        u8::try_from(m).unwrap_or(1),
        u8::try_from(d).unwrap_or(1),
    )
    .unwrap_or(Date::year_start(2000))
}

fn read_file(path: &Path) -> Result<String, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        let upto = e.as_bytes().get(..e.utf8_error().valid_up_to()).unwrap_or_default();
        let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
        format!(
            "`{}` is not UTF-8 text (line {line}); save it as UTF-8 (in Excel: 另存为 \"CSV UTF-8\"; from GBK: `iconv -f GBK -t UTF-8`)",
            path.display()
        )
    })
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.cmd {
        Cmd::Check {
            policies,
            policy_files,
            as_of,
            format,
            lang,
            min_strength,
            allow_not_in_force,
            read,
            group_by,
            only,
            fail_on_violation,
            wide,
            keep_going,
            messages,
            no_messages,
            file,
        } => {
            let lang: Lang = lang.into();
            let as_of = match as_of {
                Some(s) => Date::parse(&s)
                    .ok_or_else(|| format!("`--as-of {s}` is not a date; write YYYY-MM-DD"))?,
                None => today(),
            };
            let min_strength = match min_strength {
                Some(s) => Some(Strength::from_user(&s).ok_or_else(|| {
                    let names: Vec<&str> = Strength::ALL.iter().map(|x| x.name()).collect();
                    format!(
                        "`--min-strength {s}` is not a strength; use one of: {} (or a word such as 必须, 应当, 一般)",
                        names.join(", ")
                    )
                })?),
                None => None,
            };
            if policies.is_empty() && policy_files.is_empty() {
                return Err(format!("name at least one policy with `--policy ID` (bundled: {}) or `--policy-file PATH`", bundled::ids().join(", ")));
            }
            let ids: Vec<&str> = policies.iter().map(String::as_str).collect();
            for (i, id) in ids.iter().enumerate() {
                if ids.iter().skip(i + 1).any(|x| x == id) {
                    return Err(format!(
                        "`--policy {id}` is given twice; name each policy once"
                    ));
                }
            }
            let mut texts = Vec::new();
            for pf in &policy_files {
                texts.push(load::read_policy_file(pf).map_err(|e| e.to_string())?);
            }
            let req = load::Request {
                bundled: policies.clone(),
                texts,
                lint: true,
            };
            let loaded = load::load(&req, &load::FsSources).map_err(|e| e.to_string())?;
            // the policies compile; say what the linter found (unverified quotes, overlaps …)
            for d in loaded
                .diagnostics
                .iter()
                .filter(|d| d.severity != shequ::Severity::Note)
            {
                let label = match (lang, d.is_error()) {
                    (Lang::Zh, true) => "提醒(检查发现错误)",
                    (Lang::Zh, false) => "提醒",
                    (Lang::En, true) => "warning (lint error)",
                    (Lang::En, false) => "warning",
                };
                let _ = writeln!(std::io::stderr(), "{label}: {}", d.display_in(lang));
            }
            let plan = loaded.plan;
            let opts = Options {
                as_of,
                allow_not_in_force,
                min_strength,
            };
            let style = report::Style {
                lang,
                // JSON Lines is for pipelines: codes and figures, sentences on request
                messages: messages || (!no_messages && format != OutFormat::Jsonl),
            };
            check(
                &plan,
                &opts,
                style,
                &file,
                &read,
                group_by.as_deref(),
                only.into(),
                format,
                wide,
                keep_going,
                fail_on_violation,
            )
        }
        Cmd::Lint {
            paths,
            format,
            lang,
        } => {
            let lang: Lang = lang.into();
            let (texts, diags) = if paths.is_empty() {
                let texts = load::bundled_texts();
                let diags = load::lint(&texts, &load::BundledSources);
                (texts, diags)
            } else {
                let mut texts = Vec::new();
                for p in expand(&paths)? {
                    texts.push(load::read_policy_file(&p).map_err(|e| e.to_string())?);
                }
                let diags = load::lint(&texts, &load::FsSources);
                (texts, diags)
            };
            let files = texts.len();
            if files == 0 {
                return Err("no policy files (.toml) found in the given paths".into());
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            match format {
                LintFormat::Json => {
                    let j =
                        serde_json::json!({"files": files, "errors": errors, "diagnostics": diags});
                    print(&(serde_json::to_string_pretty(&j).map_err(|e| e.to_string())? + "\n"))?;
                }
                LintFormat::Text => {
                    let mut s = String::new();
                    for d in &diags {
                        s.push_str(&d.display_in(lang));
                        s.push('\n');
                    }
                    let warnings = diags
                        .iter()
                        .filter(|d| d.severity == shequ::Severity::Warning)
                        .count();
                    let notes = diags.len() - errors - warnings;
                    s.push_str(&match lang {
                        Lang::Zh => format!(
                            "{files} 个文件:{errors} 个错误,{warnings} 个警告,{notes} 条说明\n"
                        ),
                        Lang::En => format!(
                            "{files} file(s): {errors} error(s), {warnings} warning(s), {notes} note(s)\n"
                        ),
                    });
                    print(&s)?;
                }
            }
            Ok(if errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Cmd::Policies { json } => {
            let all = bundled::all().map_err(|e| e.to_string())?;
            if json {
                let v = bundled::infos().map_err(|e| e.to_string())?;
                print(&(serde_json::to_string_pretty(&v).map_err(|e| e.to_string())? + "\n"))?;
            } else {
                let mut s = String::new();
                for p in &all {
                    s.push_str(&format!(
                        "{:<12} {}  {}  {}  {}  {} rules\n    {}\n",
                        p.meta.id.0,
                        p.meta.published,
                        p.meta.status.name(),
                        p.meta.issuer,
                        p.meta
                            .document_number
                            .clone()
                            .unwrap_or_else(|| "(no document number)".into()),
                        p.rules.len(),
                        p.meta.title
                    ));
                }
                print(&s)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Explain {
            target,
            policy_files,
            lang,
        } => {
            let lang: Lang = lang.into();
            let policies = if policy_files.is_empty() {
                // a policy's own id, or a clause ID looked up in every bundled policy
                match target.split_once('/') {
                    Some((pid, _)) if bundled::ids().iter().any(|i| i == pid) => {
                        bundled::plan(&[pid])
                            .map_err(|e| e.to_string())?
                            .policies()
                            .to_vec()
                    }
                    _ => bundled::all().map_err(|e| e.to_string())?,
                }
            } else {
                load_plan(&[], &policy_files)?.policies().to_vec()
            };
            print(&lang::explain_target(&policies, &target, lang)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Template {
            policies,
            policy_files,
            format,
            output,
        } => {
            if policies.is_empty() && policy_files.is_empty() {
                return Err(format!("name at least one policy with `--policy ID` (bundled: {}) or `--policy-file PATH`", bundled::ids().join(", ")));
            }
            let plan = load_plan(&policies, &policy_files)?;
            let t = shequ::template::template(&plan);
            match format {
                TemplateFormat::Csv => match output {
                    Some(p) => std::fs::write(&p, t.to_csv())
                        .map_err(|e| format!("cannot write `{}`: {e}", p.display()))?,
                    None => print(&t.to_csv())?,
                },
                TemplateFormat::Xlsx => {
                    let p = output.unwrap_or_else(|| PathBuf::from("roster-template.xlsx"));
                    if p.exists() {
                        return Err(format!(
                            "`{}` exists already; remove it or name another file with `--output`",
                            p.display()
                        ));
                    }
                    let bytes = t.to_xlsx()?;
                    std::fs::write(&p, bytes)
                        .map_err(|e| format!("cannot write `{}`: {e}", p.display()))?;
                    let _ = writeln!(
                        std::io::stderr(),
                        "wrote {} ({} columns for {})",
                        p.display(),
                        t.columns.len(),
                        t.policies.join(", ")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Validate {
            files,
            ledger,
            format,
            lang,
        } => {
            let lang: Lang = lang.into();
            if files.is_empty() && ledger.is_none() {
                return Err("give roster files to check, or `--ledger BEFORE AFTER MOVES`".into());
            }
            let load = |p: &PathBuf| -> Result<input::Roster, String> {
                let name = p.display().to_string();
                let fmt = Format::from_path(&name).ok_or_else(|| format!("cannot tell the format of `{name}` from its name (use .csv, .tsv, .json or .jsonl)"))?;
                input::parse(&read_file(p)?, fmt, &name).map_err(|e| e.to_string())
            };
            let mut found: Vec<serde_json::Value> = Vec::new();
            let mut text = String::new();
            for p in &files {
                let roster = load(p)?;
                for d in shequ::validate::check_records(&roster) {
                    text.push_str(&format!(
                        "{}:{}: {}[{}]: {}\n",
                        p.display(),
                        d.line,
                        d.name.clone().unwrap_or_default(),
                        d.code,
                        d.message(lang)
                    ));
                    found.push(serde_json::json!({"file": p.display().to_string(), "line": d.line, "record": d.record, "name": d.name, "code": d.code, "fields": d.fields, "message": d.message(lang)}));
                }
            }
            if let Some(l) = &ledger {
                let (Some(b), Some(a), Some(m)) = (l.first(), l.get(1), l.get(2)) else {
                    return Err("`--ledger` takes three files: BEFORE AFTER MOVES".into());
                };
                let issues = shequ::validate::check_ledger(&load(b)?, &load(a)?, &load(m)?)
                    .map_err(|e| e.to_string())?;
                for d in issues {
                    text.push_str(&format!(
                        "{}:{}: ledger: {}\n",
                        a.display(),
                        d.line,
                        d.message(lang)
                    ));
                    found.push(serde_json::json!({"file": a.display().to_string(), "line": d.line, "code": "ledger_mismatch", "community": d.community, "field": d.measure, "before": d.before, "moved_out": d.moved_out, "moved_in": d.moved_in, "expected": d.expected, "after": d.after, "message": d.message(lang)}));
                }
            }
            match format {
                LintFormat::Json => print(
                    &(serde_json::to_string_pretty(&serde_json::json!({"issues": found}))
                        .map_err(|e| e.to_string())?
                        + "\n"),
                )?,
                LintFormat::Text => {
                    text.push_str(&format!("{} issue(s)\n", found.len()));
                    print(&text)?;
                }
            }
            Ok(if found.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Cmd::Coverage { json } => {
            let ids = shequ::coverage::clause_ids(shequ::CLAUSES);
            let rows = shequ::coverage::coverage(&bundled::all().map_err(|e| e.to_string())?, &ids);
            let missing = rows
                .iter()
                .filter(|r| r.in_inventory && !r.accounted())
                .count();
            if json {
                print(&(serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())? + "\n"))?;
            } else {
                let mut out = shequ::coverage::to_markdown(&rows);
                let encoded = rows
                    .iter()
                    .filter(|r| r.in_inventory && !r.rules.is_empty())
                    .count();
                out.push_str(&format!(
                    "\n{} clauses in the inventory: {encoded} encoded by rules, {} accounted for only by a recorded reason, {missing} missing\n",
                    ids.len(),
                    ids.len() - encoded - missing
                ));
                print(&out)?;
            }
            Ok(if missing == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Cmd::Fields => {
            let mut s = String::from("field\t中文表头\tunit\tother headers\n");
            for f in field::FIELDS {
                let mut aliases = f.aliases.join(" / ");
                if !f.values.is_empty() {
                    let vals: Vec<String> = f
                        .values
                        .iter()
                        .map(|(id, zh)| format!("{id}={}", zh.join("/")))
                        .collect();
                    aliases = format!("{aliases}  [values: {}]", vals.join(", "));
                }
                s.push_str(&format!(
                    "{}\t{}\t{}\t{}\n",
                    f.id,
                    f.zh,
                    f.unit.name(),
                    aliases
                ));
            }
            print(&s)?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Schema { report } => {
            print(if report {
                shequ::REPORT_SCHEMA
            } else {
                shequ::POLICY_SCHEMA
            })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The plan of bundled policies and policy files (with the layers they build on).
fn load_plan(ids: &[String], files: &[PathBuf]) -> Result<shequ::Plan, String> {
    let mut texts = Vec::new();
    for pf in files {
        texts.push(load::read_policy_file(pf).map_err(|e| e.to_string())?);
    }
    let req = load::Request {
        bundled: ids.to_vec(),
        texts,
        lint: false,
    };
    Ok(load::load(&req, &load::FsSources)
        .map_err(|e| e.to_string())?
        .plan)
}

/// Where a roster is read from: a file (read twice: once to find every problem, once to
/// evaluate) or standard input (held in memory).
enum Source {
    File(PathBuf),
    Memory(Vec<u8>),
}

impl Source {
    fn open(&self) -> Result<Box<dyn Read + '_>, String> {
        match self {
            Source::File(p) => std::fs::File::open(p)
                .map(|f| Box::new(std::io::BufReader::with_capacity(1 << 16, f)) as Box<dyn Read>)
                .map_err(|e| format!("cannot read `{}`: {e}", p.display())),
            Source::Memory(b) => Ok(Box::new(b.as_slice())),
        }
    }
}

/// Evaluates a roster as a stream and writes the report.
#[allow(
    clippy::too_many_arguments,
    reason = "the command's options, passed once"
)]
fn check(
    plan: &shequ::Plan,
    opts: &Options,
    style: report::Style,
    file: &str,
    read: &ReadArgs,
    group_by: Option<&str>,
    only: report::Only,
    format: OutFormat,
    wide: bool,
    keep_going: bool,
    fail_on_violation: bool,
) -> Result<ExitCode, String> {
    let (source, fname) = if file == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        (Source::Memory(b), "<stdin>".to_string())
    } else {
        let p = PathBuf::from(file);
        if !p.is_file() {
            return Err(format!("cannot read `{file}`: no such file"));
        }
        (Source::File(p), file.to_string())
    };
    let fmt = match read.input_format {
        Some(f) => f.into(),
        None => Format::from_path(&fname).ok_or_else(|| {
            format!("cannot tell the format of `{fname}` from its name; add `--input-format csv|tsv|json|jsonl|xlsx|xls|ods`")
        })?,
    };
    if wide && format != OutFormat::Csv {
        return Err("`--wide` goes with `--format csv`".into());
    }
    if group_by.is_some() && format != OutFormat::Table {
        return Err(
            "`--group-by` goes with the table report (`--format table`, the default)".into(),
        );
    }
    let read_opts = read.options()?;
    // first pass: every problem, every column, the hash; for the table, the summary too
    // (it opens the report)
    let evaluate = (format == OutFormat::Table).then(|| report::stream::Evaluate {
        plan,
        opts,
        group_by: group_by.map(report::overview::GroupBy::parse),
    });
    let lang = style.lang;
    let first = report::stream::first_pass_with(source.open()?, fmt, &fname, &read_opts, evaluate)
        .map_err(|e| e.display_in(lang))?;
    let scan = &first.scan;
    if scan.error_count() > 0 && !keep_going {
        return Err(report::stream::problems_message_in(scan, lang));
    }
    let extra: Vec<String> = scan
        .columns
        .iter()
        .filter(|c| c.field.is_none())
        .map(|c| c.name.to_string())
        .collect();
    let fields: Vec<field::FieldId> = scan.columns.iter().filter_map(|c| c.field).collect();
    // second pass: evaluate and write, row by row
    let out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
    if wide {
        // one row per community: through the batch kernels, in chunks
        let mut reader = input::Reader::with_options(source.open()?, fmt, &fname, &read_opts)
            .map_err(|e| e.display_in(lang))?;
        let done = match report::csv::write_wide(plan, opts, &mut reader, out, fields, extra, true)
        {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
            Err(e) => return Err(format!("cannot write the report: {e}")),
        };
        if done.rows != scan.rows {
            return Err(format!(
                "`{fname}` changed while it was read: {} data rows the first time, {} the second; the report is incomplete",
                scan.rows, done.rows
            ));
        }
        if !done.skipped.is_empty() {
            let lines: Vec<String> = done.skipped.iter().map(|s| s.line.to_string()).collect();
            let _ = writeln!(
                std::io::stderr(),
                "note: {} row(s) skipped as not data (line {}); the long table (`--format csv` without `--wide`) lists them with the reason",
                done.skipped.len(),
                lines.join(", ")
            );
        }
        return Ok(if fail_on_violation && done.failed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    let mut sink: Box<dyn report::Sink> = match (format, wide) {
        (OutFormat::Table, _) => Box::new(report::table::TableSink::new(out).only(only)),
        (OutFormat::Json, _) => Box::new(report::json::JsonSink::new(out)),
        (OutFormat::Jsonl, _) => Box::new(report::json::JsonLinesSink::new(out)),
        // (the wide table went through the batch above)
        (OutFormat::Csv, _) => {
            Box::new(report::csv::LongSink::new(out, extra, true).map_err(out_err)?)
        }
    };
    let written = match report::stream::second_pass(
        &report::Writer::new(plan, opts, style),
        source.open()?,
        fmt,
        &fname,
        &first,
        sink.as_mut(),
    ) {
        Ok(w) => w,
        Err(report::stream::PassError::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            return Ok(ExitCode::SUCCESS)
        }
        Err(e) => return Err(format!("`{fname}`: {e}")),
    };
    Ok(if fail_on_violation && written.failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn out_err(e: std::io::Error) -> String {
    format!("cannot write the report: {e}")
}

fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("cannot read folder `{}`: {e}", p.display()))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|x| x.extension().is_some_and(|e| e == "toml"))
                .collect();
            v.sort();
            out.extend(v);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn print(s: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()) {
        Ok(()) => Ok(()),
        // a closed pipe (`| head`) is not an error worth reporting
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}
