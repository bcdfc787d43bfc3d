//! Tells the kernels whether they are compiled without optimisation: cargo gives build
//! scripts the package's `OPT_LEVEL` (after profile overrides), and levels 0 and 1 set the
//! `ferrograd_unoptimised` cfg, under which the first large operation prints how to fix a
//! debug build's speed (`src/build_hint.rs`).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(ferrograd_unoptimised)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=OPT_LEVEL");
    let level = std::env::var("OPT_LEVEL").unwrap_or_default();
    if level == "0" || level == "1" {
        println!("cargo::rustc-cfg=ferrograd_unoptimised");
    }
}
