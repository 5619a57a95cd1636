//! A policy is untrusted input: its `source` is read only as a regular file inside the
//! policy file's own folder. These tests try every way out (absolute paths, `..`, a link
//! out, a device, a pipe, an oversized file) and check that nothing outside is read and
//! that no help text shows anything but the policy's own source.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::path::{Path, PathBuf};

use shequ::load::{self, FsSources, PolicyText, Request, SourceError, SourceResolver};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("shequ-sources-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("policy")).expect("scratch folder");
    d
}

fn policy_with_source(source: &str) -> String {
    format!(
        "[policy]\nid = \"t\"\ntitle = \"t\"\nissuer = \"t\"\npublished = 2020-01-01\nstatus = \"in_force\"\njurisdiction = \"t\"\nsource = {source:?}\n\n[[rule]]\nid = \"r\"\nclause = \"T-1\"\nlocation = \"一\"\nkind = \"minimum\"\nstrength = \"strict\"\nword = \"应\"\nquote = \"应不少于5人\"\nmeasure = \"workers\"\nmin = {{ value = 5, word = \"不少于\" }}\n"
    )
}

/// Lints a policy in `dir/policy/p.toml` naming `source`, and returns the diagnostics'
/// text (messages and helps).
fn lint_text(dir: &Path, source: &str) -> String {
    let file = dir.join("policy/p.toml");
    std::fs::write(&file, policy_with_source(source)).expect("write policy");
    let req = Request {
        texts: vec![PolicyText {
            name: file.display().to_string(),
            text: std::fs::read_to_string(&file).expect("read back"),
        }],
        lint: true,
        ..Request::default()
    };
    let loaded = load::load(&req, &FsSources).expect("the policy compiles");
    loaded
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn resolve(dir: &Path, source: &str) -> Result<String, SourceError> {
    FsSources.resolve(&dir.join("policy/p.toml").display().to_string(), source)
}

const SECRET: &str = "SECRET-LINE-应不少于5人-do-not-show";

#[test]
fn a_source_inside_the_folder_is_read() {
    let d = scratch("inside");
    std::fs::create_dir_all(d.join("policy/sources")).expect("dir");
    std::fs::write(d.join("policy/sources/s.txt"), "社区工作者应不少于5人。").expect("write");
    assert_eq!(
        resolve(&d, "sources/s.txt").expect("read"),
        "社区工作者应不少于5人。"
    );
    assert_eq!(lint_text(&d, "sources/s.txt"), "");
}

#[test]
fn absolute_paths_are_refused() {
    let d = scratch("absolute");
    std::fs::write(d.join("secret.txt"), SECRET).expect("write");
    let abs = d.join("secret.txt").display().to_string();
    assert!(matches!(
        resolve(&d, &abs),
        Err(SourceError::NotAllowed { .. })
    ));
    assert!(matches!(
        resolve(&d, "/etc/passwd"),
        Err(SourceError::NotAllowed { .. })
    ));
    let out = lint_text(&d, &abs);
    assert!(
        out.contains("source-missing") && out.contains("absolute"),
        "{out}"
    );
    assert!(!out.contains("SECRET"), "{out}");
}

#[test]
fn parent_folders_are_refused() {
    let d = scratch("dotdot");
    std::fs::write(d.join("secret.txt"), SECRET).expect("write");
    for p in ["../secret.txt", "sub/../../secret.txt", "./../secret.txt"] {
        assert!(
            matches!(resolve(&d, p), Err(SourceError::NotAllowed { .. })),
            "{p}"
        );
    }
    let out = lint_text(&d, "../secret.txt");
    assert!(!out.contains("SECRET"), "{out}");
}

#[test]
fn links_out_of_the_folder_are_refused() {
    let d = scratch("symlink");
    std::fs::write(d.join("secret.txt"), SECRET).expect("write");
    std::os::unix::fs::symlink(d.join("secret.txt"), d.join("policy/link.txt")).expect("link");
    std::os::unix::fs::symlink(d.clone(), d.join("policy/up")).expect("link");
    assert!(matches!(
        resolve(&d, "link.txt"),
        Err(SourceError::NotAllowed { .. })
    ));
    assert!(matches!(
        resolve(&d, "up/secret.txt"),
        Err(SourceError::NotAllowed { .. })
    ));
    let out = lint_text(&d, "link.txt");
    assert!(out.contains("outside"), "{out}");
    assert!(!out.contains("SECRET"), "{out}");
    // a link that stays inside is fine
    std::fs::write(d.join("policy/real.txt"), "应不少于5人").expect("write");
    std::os::unix::fs::symlink(d.join("policy/real.txt"), d.join("policy/inner.txt"))
        .expect("link");
    assert!(resolve(&d, "inner.txt").is_ok());
}

#[test]
fn devices_pipes_and_folders_are_refused() {
    let d = scratch("special");
    std::os::unix::fs::symlink("/dev/zero", d.join("policy/zero.txt")).expect("link");
    // through a link inside the folder it still leads out; named directly it is absolute
    assert!(resolve(&d, "zero.txt").is_err());
    assert!(resolve(&d, "/dev/zero").is_err());
    let fifo = d.join("policy/pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        // opening a pipe would block: it must be refused before it is opened
        assert!(matches!(
            resolve(&d, "pipe.txt"),
            Err(SourceError::NotAFile { .. })
        ));
    }
    std::fs::create_dir_all(d.join("policy/folder")).expect("dir");
    assert!(matches!(
        resolve(&d, "folder"),
        Err(SourceError::NotAFile { .. })
    ));
}

#[test]
fn oversized_sources_are_refused_before_reading() {
    let d = scratch("large");
    let f = std::fs::File::create(d.join("policy/big.txt")).expect("create");
    f.set_len(load::MAX_SOURCE_BYTES + 1).expect("sparse file");
    assert!(matches!(
        resolve(&d, "big.txt"),
        Err(SourceError::TooLarge { .. })
    ));
}

#[test]
fn quote_help_shows_only_the_policys_own_source() {
    let d = scratch("help");
    std::fs::write(d.join("secret.txt"), SECRET).expect("write");
    // the policy's own source, with a near miss of the quote
    std::fs::write(d.join("policy/own.txt"), "社区工作者应不少于6人。").expect("write");
    let out = lint_text(&d, "own.txt");
    assert!(out.contains("quote-not-found"), "{out}");
    assert!(!out.contains("SECRET"), "{out}");
}
