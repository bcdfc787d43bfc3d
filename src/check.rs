//! `check_grads`: compares forward and reverse mode with finite differences.
