//! Where a transform was made, so that its errors point at the user's code.
//!
//! `grad(f)` and friends return closures, and an error found when that closure runs (an
//! integer input, a non-scalar output, a vmap axis out of range) would otherwise name the flat
//! transform underneath (`linearize: …` for a `grad` call) and point at this library's file.
//! Each user-facing transform is `#[track_caller]` and records a [`Site`] — its own name and
//! the caller's file and line — which the closure carries and prefixes to every error:
//! `grad (made at src/main.rs:12): cannot differentiate with respect to an int64 input; …`.
//!
//! The panic's own location is the user's line only for transforms that are called directly
//! (`jvp`, `vjp`, `linearize`, `hvp`): a closure cannot be `#[track_caller]` on stable Rust,
//! so a panic inside a returned closure is located in this library, and the message carries
//! the line where the transform was made instead.

use std::panic::Location;

use ferrograd_core::Result;

/// The user-facing transform and the line of the user's code that made (or called) it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Site {
    name: &'static str,
    at: &'static Location<'static>,
    /// `true` for a transform that returns a function (the error comes later, from a call of
    /// it): "made at"; `false` for one that does the work when called: "called at".
    made: bool,
}

/// The operation names under which the flat transforms report their own errors; in a user's
/// message they are replaced by the transform the user called.
const FLAT_OPS: [&str; 5] = ["linearize", "jvp", "vjp", "vmap", "grad"];

impl Site {
    /// A transform that returns a function, made at the caller's line.
    #[track_caller]
    pub(crate) fn made(name: &'static str) -> Self {
        Site {
            name,
            at: Location::caller(),
            made: true,
        }
    }

    /// A transform that does its work now, called at the caller's line.
    #[track_caller]
    pub(crate) fn called(name: &'static str) -> Self {
        Site {
            name,
            at: Location::caller(),
            made: false,
        }
    }

    /// The value, or a panic whose message names this site (see the module docs).
    #[track_caller]
    pub(crate) fn ok<T>(self, r: Result<T>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => self.fail(&e.to_string()),
        }
    }

    /// Panics with `msg` (an error text, possibly led by a flat transform's name) prefixed
    /// by this site.
    #[track_caller]
    pub(crate) fn fail(self, msg: &str) -> ! {
        panic!("{}", self.message(msg))
    }

    /// `name (made at file:line): msg`, without a flat transform's own `op: ` lead in `msg`.
    pub(crate) fn message(self, msg: &str) -> String {
        let msg = FLAT_OPS
            .iter()
            .find_map(|op| msg.strip_prefix(op).and_then(|m| m.strip_prefix(": ")))
            .unwrap_or(msg);
        let verb = if self.made { "made" } else { "called" };
        format!(
            "{} ({verb} at {}:{}): {msg}",
            self.name,
            self.at.file(),
            self.at.line()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_transforms_name_is_replaced_by_the_users() {
        let site = Site::made("grad");
        let line = line!() - 1;
        let m = site.message("linearize: cannot differentiate");
        assert_eq!(
            m,
            format!("grad (made at src/site.rs:{line}): cannot differentiate")
        );
        // Another operation's name stays: it says where inside the work the error arose.
        assert!(site.message("reshape: bad").ends_with("): reshape: bad"));
    }
}
