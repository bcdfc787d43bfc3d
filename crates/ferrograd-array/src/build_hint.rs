//! A one-time hint for unoptimised builds. A user's `cargo build` / `cargo test` compiles
//! dependencies at opt-level 0 unless their own manifest says otherwise (a workspace's
//! profile settings do not reach the crates that depend on it), and the kernels then run
//! ~50× slower. The build script sets `ferrograd_unoptimised` for opt-levels 0 and 1; in
//! such a build the first large operation (see [`LARGE`]) prints, once per process on
//! stderr, the lines to add to Cargo.toml. [`silence_debug_build_hint`] turns it off.

use std::sync::atomic::{AtomicU8, Ordering};

/// Operations on at least this many elements are large enough for the hint.
pub const LARGE: usize = 100_000;

/// What the hint says (shown at most once per process).
pub const HINT: &str = "\
ferrograd: its kernels were compiled without optimisation (a debug build of your crate), so
array operations run about 50x slower than they can. To optimise dependencies even in
`cargo build` / `cargo run` / `cargo test` (your own crate stays quick to compile and debug),
add to your Cargo.toml (the workspace root's, in a workspace):

[profile.dev.package.\"*\"]
opt-level = 3

(Call ferrograd::silence_debug_build_hint() to hide this message.)";

const PENDING: u8 = 0;
const SHOWN: u8 = 1;
const SILENCED: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(PENDING);

/// Turns off the hint that an unoptimised (debug) build of ferrograd prints on its first
/// large operation, for the rest of the process. It has no other effect; optimised builds
/// never print it.
///
/// # Examples
/// ```
/// ferrograd_array::build_hint::silence_debug_build_hint();
/// ```
pub fn silence_debug_build_hint() {
    STATE.store(SILENCED, Ordering::Relaxed);
}

/// Called by the kernels of large operations with their element count: prints the hint
/// if this build is unoptimised, the operation is large, and it was neither shown nor
/// silenced before.
#[inline]
pub fn note_op(elements: usize) {
    if cfg!(ferrograd_unoptimised) && elements >= LARGE && take_turn(true, elements, &STATE) {
        eprintln!("{HINT}\n");
    }
}

/// Whether to print now: in an unoptimised build, for a large operation, the first time
/// (the state moves from pending to shown, so later calls and other threads see it done).
fn take_turn(unoptimised: bool, elements: usize, state: &AtomicU8) -> bool {
    unoptimised
        && elements >= LARGE
        && state
            .compare_exchange(PENDING, SHOWN, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_once_for_large_operations_of_unoptimised_builds() {
        let state = AtomicU8::new(PENDING);
        assert!(
            !take_turn(false, LARGE, &state),
            "optimised builds stay quiet"
        );
        assert!(
            !take_turn(true, LARGE - 1, &state),
            "small operations stay quiet"
        );
        assert!(take_turn(true, LARGE, &state));
        assert!(!take_turn(true, LARGE, &state), "only once");
        assert!(!take_turn(true, 10 * LARGE, &state));
    }

    #[test]
    fn silenced_before_the_first_large_operation() {
        let state = AtomicU8::new(PENDING);
        state.store(SILENCED, Ordering::Relaxed);
        assert!(!take_turn(true, LARGE, &state));
        assert_eq!(state.load(Ordering::Relaxed), SILENCED);
    }

    #[test]
    fn the_hint_gives_the_manifest_lines() {
        assert!(HINT.contains("[profile.dev.package.\"*\"]\nopt-level = 3"));
        assert!(HINT.contains("silence_debug_build_hint()"));
    }
}
