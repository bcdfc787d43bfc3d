//! `ravel` / `unravel`: flattening any pytree to one vector and back.
