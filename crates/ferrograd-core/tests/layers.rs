//! The core's layers call one way: the imperative tape → the interpreters → the program IR →
//! the tensor. This test reads the sources (comments stripped) and fails when a lower layer
//! names a higher one — in a `use` line or in an inline `crate::…` path.

use std::path::{Path, PathBuf};

/// Lowest first. A file may name its own layer and those below it.
const LAYERS: &[(&str, &[&str])] = &[
    ("tensor", &["tensor.rs"]),
    ("program", &["program.rs"]),
    ("interp", &["interp"]),
    ("imperative", &["imperative"]),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn files(entry: &str) -> Vec<PathBuf> {
    let path = src().join(entry);
    if path.is_dir() {
        let mut out: Vec<PathBuf> = std::fs::read_dir(&path)
            .expect("layer directory")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        out.sort();
        out
    } else {
        vec![path]
    }
}

/// The crate modules a source names: `crate::m` paths, and the items of `use crate::{…}`.
fn named_modules(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(group.split(',').map(|item| head(item.trim())));
        } else {
            out.push(head(rest));
        }
    }
    out
}

fn head(path: &str) -> String {
    path.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn lower_layers_never_name_higher_ones() {
    let mut violations = Vec::new();
    for (rank, (layer, entries)) in LAYERS.iter().enumerate() {
        let higher: Vec<&str> = LAYERS[rank + 1..].iter().map(|(name, _)| *name).collect();
        for file in entries.iter().flat_map(|e| files(e)) {
            let source = std::fs::read_to_string(&file).expect("readable source");
            for module in named_modules(&source) {
                if higher.contains(&module.as_str()) {
                    violations.push(format!(
                        "{} (layer `{layer}`) names `crate::{module}`",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "the core's layers must call one way (imperative → interp → program → tensor):\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_checker_sees_use_groups_and_inline_paths() {
    let names = named_modules(
        "use crate::{lax, interp::bind};\nfn f() { crate::imperative::process(); }\n// crate::program",
    );
    assert_eq!(names, vec!["lax", "interp", "imperative"]);
}
