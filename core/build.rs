//! Bundles every `policies/*.toml` file into the library, so that a policy added to the
//! folder is available as `bundled::plan(&["its-id"])` with no code change. The file
//! name (without `.toml`) is the policy id; a test checks that they agree.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from("/// `(file name, TOML text)` of every bundled policy, sorted by file name.\npub const FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let abs = f.canonicalize().unwrap_or_else(|_| f.clone());
        let _ = writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            format!("policies/{name}"),
            abs.display().to_string()
        );
    }
    out.push_str("];\n");
    // the source texts the bundled policies quote (`sources/*.txt`), for linting and
    // provenance wherever the library runs; only compiled in with `bundled-sources`
    let sdir = dir.join("sources");
    println!("cargo:rerun-if-changed={}", sdir.display());
    let mut sources: Vec<_> = std::fs::read_dir(&sdir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect()
        })
        .unwrap_or_default();
    sources.sort();
    out.push_str("/// `(path relative to policies/, text)` of every bundled source text.\n#[cfg(feature = \"bundled-sources\")]\npub const SOURCES: &[(&str, &str)] = &[\n");
    for f in &sources {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let abs = f.canonicalize().unwrap_or_else(|_| f.clone());
        let _ = writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            format!("sources/{name}"),
            abs.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest =
        Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("bundled.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        println!("cargo:warning=cannot write {}: {e}", dest.display());
        std::process::exit(1);
    }
}
