//! The README's first screen is what CI runs: its two commands, the demo and the tests, are
//! lines of `.ci/run`; its install snippet names this crate by its package name and gives
//! the profile lines it recommends; the licence files it links hold the licence texts.
//! (Its Rust examples run as doc tests of the crate root.)

/// Lines a terminal shows at once: the commands must be visible without scrolling.
const FIRST_SCREEN: usize = 24;

fn read(path: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::read_to_string(format!("{root}/{path}")).expect("file in the repository")
}

/// The text of the first fenced block of language `lang` in `doc`, and the line it opens on.
fn first_block<'a>(doc: &'a str, lang: &str) -> (&'a str, usize) {
    let fence = format!("```{lang}\n");
    let start = doc
        .find(&fence)
        .unwrap_or_else(|| panic!("no {lang} block"))
        + fence.len();
    let body = &doc[start..];
    let end = body.find("```").expect("the block is closed");
    (&body[..end], doc[..start].lines().count())
}

/// The commands of the README's first `sh` block, without their comments, and its line.
fn readme_commands() -> (Vec<String>, usize) {
    let readme = read("README.md");
    let (block, line) = first_block(&readme, "sh");
    let commands = block
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    (commands, line)
}

/// The `name` of the manifest's `[package]` table.
fn package_name() -> String {
    let manifest = read("Cargo.toml");
    let package = manifest
        .split("[package]\n")
        .nth(1)
        .expect("a [package] table");
    let line = package
        .lines()
        .take_while(|l| !l.starts_with('['))
        .find(|l| l.starts_with("name"))
        .expect("a package name");
    line.split('"').nth(1).expect("a quoted name").to_string()
}

#[test]
fn the_first_screen_gives_the_demo_and_the_test_command() {
    let (commands, line) = readme_commands();
    assert_eq!(
        commands,
        vec![
            "cargo run --release --example tour",
            "cargo test --workspace"
        ]
    );
    assert!(
        line + commands.len() < FIRST_SCREEN,
        "the commands start on line {line} of the README, below its first screen"
    );
}

#[test]
fn ci_runs_the_readme_commands() {
    let (commands, _) = readme_commands();
    let ci = read(".ci/run");
    let run: Vec<&str> = ci
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with("section"))
        .collect();
    for c in &commands {
        assert!(
            run.iter().any(|l| l == c),
            "`.ci/run` does not run `{c}` as a command of its own"
        );
    }
}

#[test]
fn the_install_snippet_names_the_package() {
    let readme = read("README.md");
    let name = package_name();
    assert_eq!(name, "ferrograd");
    let (toml, _) = first_block(&readme, "toml");
    let mut lines = toml.lines().filter(|l| !l.trim().is_empty());
    assert_eq!(lines.next(), Some("[dependencies]"));
    let dep = lines.next().expect("a dependency line");
    assert!(
        dep.starts_with(&format!("{name} = {{")),
        "the install line `{dep}` does not name the package `{name}`"
    );
    assert!(
        toml.contains("[profile.dev.package.\"*\"]\nopt-level = 3"),
        "the debug-build advice"
    );
}

#[test]
fn the_licence_files_hold_the_licences() {
    let readme = read("README.md");
    let manifest = read("Cargo.toml");
    assert!(manifest.contains("license = \"MIT OR Apache-2.0\""));
    let texts = [
        (
            "LICENSE-MIT",
            "Permission is hereby granted, free of charge",
        ),
        (
            "LICENSE-APACHE",
            "Apache License\n                        Version 2.0",
        ),
    ];
    for (file, opening) in texts {
        assert!(readme.contains(file), "the README links {file}");
        let text = read(file);
        assert!(text.contains(opening), "{file} holds the licence text");
    }
    assert!(read("LICENSE-MIT").contains("The ferrograd developers"));
    assert!(read("LICENSE-APACHE").contains("END OF TERMS AND CONDITIONS"));
}
