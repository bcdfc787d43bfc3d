//! `einsum` and `tensordot`, lowered to primitives: a repeated index inside one operand takes
//! a diagonal, an index no one else needs is summed at once, and each pair of operands is
//! contracted by ONE `dot_general` (a batched GEMM over the shared indices that survive, a
//! contraction over those that do not), so the speed is the matmul kernel's.
//!
//! Three or more operands are contracted greedily: the pair whose result is smallest first
//! (ties: the leftmost pair), like `opt_einsum`'s greedy path.

use ferrograd_array::kernels::{Compare, DotDims};
use ferrograd_array::DType;
use ferrograd_core::api::ok;
use ferrograd_core::lax::linalg as la;
use ferrograd_core::{lax, Error, Result};

use crate::Tensor;

/// Labels of the axes under an ellipsis: private-use characters, ordered like the axes.
fn ellipsis_label(k: usize) -> char {
    char::from_u32(0xE000 + k as u32).expect("private-use range")
}

fn bad(msg: String) -> Error {
    Error::invalid("einsum", msg)
}

/// One term's labels, with `...` replaced by the `ell` labels it covers (right-aligned
/// among the `n_ell` labels of the widest ellipsis).
fn expand(term: &str, ell: usize, n_ell: usize) -> Vec<char> {
    let mut out = Vec::new();
    for (i, piece) in term.split("...").enumerate() {
        if i == 1 {
            out.extend((n_ell - ell..n_ell).map(ellipsis_label));
        }
        out.extend(piece.chars());
    }
    out
}

/// Parses the subscripts for operands of the given ranks: the labels of every operand's
/// axes and of the output.
fn parse(subscripts: &str, ranks: &[usize]) -> Result<(Vec<Vec<char>>, Vec<char>)> {
    let s: String = subscripts.chars().filter(|c| !c.is_whitespace()).collect();
    let (lhs, rhs) = match s.split_once("->") {
        Some((l, r)) => (l, Some(r)),
        None => (s.as_str(), None),
    };
    let terms: Vec<&str> = lhs.split(',').collect();
    if terms.len() != ranks.len() {
        return Err(bad(format!(
            "'{subscripts}' names {} operands but {} were given",
            terms.len(),
            ranks.len()
        )));
    }
    let check = |t: &str| -> Result<usize> {
        if t.matches("...").count() > 1 {
            return Err(bad(format!("'{t}' has more than one ellipsis")));
        }
        let named = t.replace("...", "");
        if let Some(c) = named.chars().find(|c| !c.is_ascii_alphabetic()) {
            return Err(bad(format!(
                "'{c}' in '{subscripts}' is not a subscript (use letters a-z, A-Z and '...')"
            )));
        }
        Ok(named.chars().count())
    };
    let mut ells = Vec::new();
    for (t, &r) in terms.iter().zip(ranks) {
        let named = check(t)?;
        let has = t.contains("...");
        if named > r || (!has && named != r) {
            return Err(bad(format!(
                "subscripts '{t}' do not fit an operand with {r} axes"
            )));
        }
        ells.push(r - named);
    }
    let n_ell = ells.iter().copied().max().unwrap_or(0);
    let inputs: Vec<Vec<char>> = terms
        .iter()
        .zip(&ells)
        .map(|(t, &e)| expand(t, e, n_ell))
        .collect();
    let output = match rhs {
        Some(r) => {
            check(r)?;
            let out = expand(r, n_ell, n_ell);
            explicit_output(subscripts, &inputs, out)?
        }
        None => implicit_output(&inputs, n_ell),
    };
    Ok((inputs, output))
}

fn explicit_output(sub: &str, inputs: &[Vec<char>], out: Vec<char>) -> Result<Vec<char>> {
    for (i, c) in out.iter().enumerate() {
        if out[..i].contains(c) {
            return Err(bad(format!(
                "output subscript '{c}' appears more than once in '{sub}'"
            )));
        }
        if !inputs.iter().any(|t| t.contains(c)) {
            return Err(bad(format!(
                "output subscript '{c}' of '{sub}' is in no operand"
            )));
        }
    }
    Ok(out)
}

/// NumPy's implicit output: the ellipsis axes, then the labels seen exactly once, sorted.
fn implicit_output(inputs: &[Vec<char>], n_ell: usize) -> Vec<char> {
    let mut out: Vec<char> = (0..n_ell).map(ellipsis_label).collect();
    let mut once: Vec<char> = inputs
        .iter()
        .flatten()
        .copied()
        .filter(|c| c.is_ascii_alphabetic())
        .filter(|c| inputs.iter().flatten().filter(|d| *d == c).count() == 1)
        .collect();
    once.sort_unstable();
    out.extend(once);
    out
}

/// An operand during the contraction: its tensor and one label per axis.
#[derive(Clone)]
struct Term {
    x: Tensor,
    labels: Vec<char>,
}

impl Term {
    /// Takes diagonals until no label repeats.
    fn diagonals(mut self) -> Result<Term> {
        while let Some((i, j)) = first_repeat(&self.labels) {
            let (n, m) = (self.x.shape()[i], self.x.shape()[j]);
            if n != m {
                return Err(bad(format!(
                    "repeated subscript '{}' spans axes of lengths {n} and {m}",
                    self.labels[i]
                )));
            }
            let r = self.x.ndim();
            let mut perm: Vec<usize> = (0..r).filter(|&a| a != i && a != j).collect();
            perm.extend([i, j]);
            let c = self.labels[i];
            self.labels = perm[..r - 2].iter().map(|&a| self.labels[a]).collect();
            self.labels.push(c);
            self.x = la::diag_part(&lax::transpose(&self.x, &perm)?)?;
        }
        Ok(self)
    }

    /// Sums the axes whose labels are not in `keep`.
    fn sum_except(mut self, keep: &[char]) -> Result<Term> {
        let axes: Vec<usize> = (0..self.labels.len())
            .filter(|&a| !keep.contains(&self.labels[a]))
            .collect();
        self.x = lax::reduce_sum(&self.x, &axes)?;
        self.labels.retain(|c| keep.contains(c));
        Ok(self)
    }
}

fn first_repeat(labels: &[char]) -> Option<(usize, usize)> {
    (0..labels.len()).find_map(|j| {
        labels[..j]
            .iter()
            .position(|&c| c == labels[j])
            .map(|i| (i, j))
    })
}

/// The length of every label; size-1 ellipsis axes broadcast, named ones must agree.
fn label_sizes(terms: &[Term]) -> Result<Vec<(char, usize)>> {
    let mut sizes: Vec<(char, usize)> = Vec::new();
    for t in terms {
        for (&c, &n) in t.labels.iter().zip(t.x.shape()) {
            match sizes.iter_mut().find(|(d, _)| *d == c) {
                None => sizes.push((c, n)),
                Some((_, m)) if *m == n => {}
                Some((_, m)) if !c.is_ascii_alphabetic() && (*m == 1 || n == 1) => *m = n.max(*m),
                Some((_, m)) => {
                    let name = if c.is_ascii_alphabetic() {
                        format!("'{c}'")
                    } else {
                        "'...'".into()
                    };
                    return Err(bad(format!(
                        "subscript {name} has length {m} in one operand and {n} in another"
                    )));
                }
            }
        }
    }
    Ok(sizes)
}

/// Broadcasts size-1 ellipsis axes up to their label's length.
fn broadcast_term(t: Term, sizes: &[(char, usize)]) -> Result<Term> {
    let full: Vec<usize> = t
        .labels
        .iter()
        .map(|c| sizes.iter().find(|(d, _)| d == c).map_or(1, |s| s.1))
        .collect();
    let dims: Vec<usize> = (0..full.len()).collect();
    Ok(Term {
        x: lax::broadcast_in_dim(&t.x, &full, &dims)?,
        labels: t.labels,
    })
}

/// Contracts two terms with one `dot_general`, keeping the labels in `keep`.
fn contract(a: Term, b: Term, keep: &[char]) -> Result<Term> {
    let shared = |c: &char| a.labels.contains(c) && b.labels.contains(c);
    let need = |c: &char, other: &Term| keep.contains(c) || other.labels.contains(c);
    let a = a.clone().sum_except(
        &a.labels
            .iter()
            .copied()
            .filter(|c| need(c, &b))
            .collect::<Vec<_>>(),
    )?;
    let b = b.clone().sum_except(
        &b.labels
            .iter()
            .copied()
            .filter(|c| need(c, &a))
            .collect::<Vec<_>>(),
    )?;
    let batch: Vec<char> = a
        .labels
        .iter()
        .copied()
        .filter(|c| shared(c) && keep.contains(c))
        .collect();
    let summed: Vec<char> = a
        .labels
        .iter()
        .copied()
        .filter(|c| shared(c) && !keep.contains(c))
        .collect();
    let pos = |t: &Term, cs: &[char]| -> Vec<usize> {
        cs.iter()
            .map(|c| t.labels.iter().position(|d| d == c).expect("shared label"))
            .collect()
    };
    let dims = DotDims {
        lhs_contract: pos(&a, &summed),
        rhs_contract: pos(&b, &summed),
        lhs_batch: pos(&a, &batch),
        rhs_batch: pos(&b, &batch),
    };
    // dot_general's output axes: batch, lhs free, rhs free.
    let mut labels = batch.clone();
    labels.extend(a.labels.iter().filter(|c| !shared(c)));
    labels.extend(b.labels.iter().filter(|c| !shared(c)));
    Ok(Term {
        x: lax::dot_general(&a.x, &b.x, &dims)?,
        labels,
    })
}

/// The labels still needed once terms `i` and `j` are merged.
fn needed(terms: &[Term], i: usize, j: usize, output: &[char]) -> Vec<char> {
    let mut keep = output.to_vec();
    for (k, t) in terms.iter().enumerate() {
        if k != i && k != j {
            keep.extend(&t.labels);
        }
    }
    keep
}

/// The greedy choice: the pair whose merged result has the fewest elements.
fn best_pair(terms: &[Term], output: &[char], sizes: &[(char, usize)]) -> (usize, usize) {
    let size_of = |c: &char| sizes.iter().find(|(d, _)| d == c).map_or(1, |s| s.1);
    let mut best = (0, 1, usize::MAX);
    for i in 0..terms.len() {
        for j in i + 1..terms.len() {
            let keep = needed(terms, i, j, output);
            let mut labels: Vec<char> = terms[i].labels.clone();
            labels.extend(
                terms[j]
                    .labels
                    .iter()
                    .filter(|c| !terms[i].labels.contains(c)),
            );
            let n: usize = labels
                .iter()
                .filter(|c| keep.contains(c))
                .map(size_of)
                .product();
            if n < best.2 {
                best = (i, j, n);
            }
        }
    }
    (best.0, best.1)
}

fn einsum_impl(subscripts: &str, operands: &[&Tensor]) -> Result<Tensor> {
    if operands.is_empty() {
        return Err(bad("needs at least one operand".into()));
    }
    let ranks: Vec<usize> = operands.iter().map(|x| x.ndim()).collect();
    let (inputs, output) = parse(subscripts, &ranks)?;
    let promoted = operands
        .iter()
        .map(|x| x.dtype())
        .fold(DType::Bool, DType::promote);
    // Integers stay exact in int64 (NumPy's result dtype); bools are counted in int64 and
    // turned back into "any product true" at the end.
    let dtype = if promoted.is_float() {
        promoted
    } else {
        DType::I64
    };
    let mut terms = operands
        .iter()
        .zip(inputs)
        .map(|(x, labels)| {
            Term {
                x: lax::convert(x, dtype)?,
                labels,
            }
            .diagonals()
        })
        .collect::<Result<Vec<_>>>()?;
    let sizes = label_sizes(&terms)?;
    terms = terms
        .into_iter()
        .map(|t| broadcast_term(t, &sizes))
        .collect::<Result<_>>()?;
    while terms.len() > 1 {
        let (i, j) = if terms.len() == 2 {
            (0, 1)
        } else {
            best_pair(&terms, &output, &sizes)
        };
        let keep = needed(&terms, i, j, &output);
        let b = terms.remove(j);
        let a = terms.remove(i);
        terms.push(contract(a, b, &keep)?);
    }
    let t = terms.pop().expect("one term").sum_except(&output)?;
    let perm: Vec<usize> = output
        .iter()
        .map(|c| {
            t.labels
                .iter()
                .position(|d| d == c)
                .expect("output label kept")
        })
        .collect();
    let y = lax::transpose(&t.x, &perm)?;
    if promoted == DType::Bool {
        return lax::compare(&y, &lax::zeros_like(&y), Compare::Ne);
    }
    Ok(y)
}

/// `np.einsum(subscripts, operands)`: Einstein summation with any subscripts NumPy accepts —
/// explicit (`"ij,jk->ik"`) or implicit (`"ij,jk"`) output, repeated indices within an
/// operand (diagonals, `"ii->i"`, `"ii"` for the trace), ellipsis (`"...ij,...jk->...ik"`,
/// size-1 axes under it broadcast), any number of operands. Integer operands give an exact
/// int64 result (as NumPy: no rounding through floats, so values beyond 2⁵³ stay exact;
/// overflow wraps); bool operands give bool (whether any product is true). Mixed with a
/// float, the float dtype wins.
///
/// ```
/// use ferrograd::{np, Tensor};
/// let a = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
/// let b = Tensor::from_vec(vec![5.0, 6.0, 7.0, 8.0], &[2, 2]);
/// assert_eq!(np::einsum("ij,jk->ik", &[&a, &b]).to_vec(), a.matmul(&b).to_vec());
/// assert_eq!(np::einsum("ii", &[&a]).item(), 5.0);
/// assert_eq!(np::einsum("ij->ji", &[&a]).to_vec(), vec![1.0, 3.0, 2.0, 4.0]);
/// // Integers stay integers, exactly.
/// let big = Tensor::from_vec(vec![(1i64 << 53) + 1, 1], &[2]);
/// let y = np::einsum("i,i", &[&big, &Tensor::from_vec(vec![1i64, 1], &[2])]);
/// assert_eq!(y.dtype(), ferrograd::DType::I64);
/// assert_eq!(y.to_ndarray::<i64>().into_raw_vec_and_offset().0, vec![(1i64 << 53) + 2]);
/// ```
///
/// # Panics
/// On malformed subscripts, a count of subscripts that does not fit an operand, an output
/// subscript that is repeated or in no operand, or lengths that disagree.
#[track_caller]
pub fn einsum(subscripts: &str, operands: &[&Tensor]) -> Tensor {
    ok(einsum_impl(subscripts, operands))
}

/// Fallible [`einsum`].
///
/// # Errors
/// As [`einsum`] panics.
pub fn try_einsum(subscripts: &str, operands: &[&Tensor]) -> Result<Tensor> {
    einsum_impl(subscripts, operands)
}
