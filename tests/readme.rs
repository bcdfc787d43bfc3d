//! The README's first screen is what CI runs: its two commands appear verbatim in `.ci/run`,
//! and its install snippet names this crate and the profile lines it recommends. (Its Rust
//! examples run as doc tests of the crate root.)

fn read(path: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::read_to_string(format!("{root}/{path}")).expect("file in the repository")
}

/// The commands of the README's first `sh` block, without their comments.
fn readme_commands() -> Vec<String> {
    let readme = read("README.md");
    let block = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the README starts with a sh block of commands");
    block
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn the_readme_commands_are_the_ones_ci_runs() {
    let commands = readme_commands();
    assert_eq!(
        commands,
        vec![
            "cargo run --release --example tour",
            "cargo test --workspace"
        ]
    );
    let ci = read(".ci/run");
    for c in &commands {
        assert!(ci.contains(c.as_str()), "`.ci/run` does not run `{c}`");
    }
}

#[test]
fn the_readme_shows_how_to_depend_on_ferrograd() {
    let readme = read("README.md");
    let manifest = read("Cargo.toml");
    assert!(manifest.contains("name = \"ferrograd\""));
    assert!(
        readme.contains("[dependencies]\nferrograd = {"),
        "install line"
    );
    assert!(
        readme.contains("[profile.dev.package.\"*\"]\nopt-level = 3"),
        "the debug-build advice"
    );
    for licence in ["LICENSE-MIT", "LICENSE-APACHE"] {
        assert!(readme.contains(licence));
        assert!(
            read(licence).len() > 1000,
            "{licence} holds the licence text"
        );
    }
}
