//! `dot_general { dims }`: contraction over paired axes with shared batch axes; output axes
//! are batch, lhs free, rhs free (JAX's dot_general). Bilinear: linear in each operand when
//! the other is constant. matmul, dot, inner, outer and einsum lower to it.

use ferrograd_array::kernels::{self, DotDims};
use ferrograd_array::Array;
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DotGeneral {
    pub dims: DotDims,
}

/// Consecutive index ranges with the lengths of each list.
fn ranges_like(lens: &[usize]) -> Vec<Vec<usize>> {
    let mut start = 0;
    lens.iter()
        .map(|&n| {
            let r = (start..start + n).collect();
            start += n;
            r
        })
        .collect()
}

fn argsort(v: &[usize]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by_key(|&i| v[i]);
    idx
}

/// Cotangent of the lhs `x` given the output cotangent `g` and constant rhs `y`
/// (JAX's `_dot_general_transpose_lhs`; `swap_ans` when the roles were swapped for the rhs).
fn transpose_lhs(
    g: &Tensor,
    x_rank: usize,
    y: &Tensor,
    d: &DotDims,
    swap_ans: bool,
) -> Result<Tensor> {
    let x_kept = DotDims::free(x_rank, &d.lhs_contract, &d.lhs_batch);
    let y_kept = DotDims::free(y.ndim(), &d.rhs_contract, &d.rhs_batch);
    let r = if swap_ans {
        ranges_like(&[d.lhs_batch.len(), y_kept.len(), x_kept.len()])
    } else {
        ranges_like(&[d.lhs_batch.len(), x_kept.len(), y_kept.len()])
    };
    let (ans_batch, ans_y) = if swap_ans {
        (&r[0], &r[1])
    } else {
        (&r[0], &r[2])
    };
    let dims = DotDims {
        lhs_contract: ans_y.clone(),
        rhs_contract: y_kept.to_vec(),
        lhs_batch: ans_batch.clone(),
        rhs_batch: d.rhs_batch.clone(),
    };
    let x_contract_sorted_by_y: Vec<usize> = argsort(&d.rhs_contract)
        .iter()
        .map(|&i| d.lhs_contract[i])
        .collect();
    let order: Vec<usize> = d
        .lhs_batch
        .iter()
        .chain(&x_kept)
        .chain(&x_contract_sorted_by_y)
        .copied()
        .collect();
    lax::transpose(&lax::dot_general(g, y, &dims)?, &argsort(&order))
}

/// Multiply-adds per batch member of the contraction `d` (m·n·k).
fn per_member_work(x: &Tensor, y: &Tensor, d: &DotDims) -> usize {
    let size = |t: &Tensor, axes: &[usize]| axes.iter().map(|&a| t.shape()[a]).product::<usize>();
    let m = size(x, &DotDims::free(x.ndim(), &d.lhs_contract, &d.lhs_batch));
    let n = size(y, &DotDims::free(y.ndim(), &d.rhs_contract, &d.rhs_batch));
    m * n * size(x, &d.lhs_contract)
}

/// Below this many multiply-adds per batch member, a batched contraction is computed as one
/// broadcast multiply and a sum instead of one tiny GEMM call per member (per-example
/// gradients make 1000 GEMMs of 1×1×100 otherwise; each call costs far more than its work).
const SMALL_DOT: usize = 256;

/// `dot_general(x, y, d)` as `sum(x[b, xf, 1, c] * y[b, 1, yf, c], c)`: elementwise work on
/// the batch as a whole. Used for small per-member contractions under vmap.
fn dot_by_broadcast(x: &Tensor, y: &Tensor, d: &DotDims) -> Result<Tensor> {
    let pick = |t: &Tensor, axes: &[usize]| axes.iter().map(|&a| t.shape()[a]).collect::<Vec<_>>();
    let order = |batch: &[usize], free: &[usize], contract: &[usize]| -> Vec<usize> {
        batch.iter().chain(free).chain(contract).copied().collect()
    };
    let xf = DotDims::free(x.ndim(), &d.lhs_contract, &d.lhs_batch);
    let yf = DotDims::free(y.ndim(), &d.rhs_contract, &d.rhs_batch);
    let (batch, x_free, y_free) = (pick(x, &d.lhs_batch), pick(x, &xf), pick(y, &yf));
    let mut contract = pick(x, &d.lhs_contract);
    let xt = lax::transpose(x, &order(&d.lhs_batch, &xf, &d.lhs_contract))?;
    let yt = lax::transpose(y, &order(&d.rhs_batch, &yf, &d.rhs_contract))?;
    // A contraction of size 1 is an outer product: drop those axes, nothing to sum.
    let (xt, yt) = if contract.iter().product::<usize>() == 1 {
        contract.clear();
        (
            lax::reshape(&xt, &[batch.clone(), x_free.clone()].concat())?,
            lax::reshape(&yt, &[batch.clone(), y_free.clone()].concat())?,
        )
    } else {
        (xt, yt)
    };
    let (nb, nxf, nyf, nc) = (batch.len(), x_free.len(), y_free.len(), contract.len());
    let full = [batch, x_free, y_free, contract].concat();
    let total = full.len();
    let x_dims: Vec<usize> = (0..nb + nxf).chain(nb + nxf + nyf..total).collect();
    let y_dims: Vec<usize> = (0..nb).chain(nb + nxf..total).collect();
    let prod = lax::mul(
        &lax::broadcast_in_dim(&xt, &full, &x_dims)?,
        &lax::broadcast_in_dim(&yt, &full, &y_dims)?,
    )?;
    if nc == 0 {
        return Ok(prod);
    }
    lax::reduce_sum(&prod, &(total - nc..total).collect::<Vec<_>>())
}

fn swapped(d: &DotDims) -> DotDims {
    DotDims {
        lhs_contract: d.rhs_contract.clone(),
        rhs_contract: d.lhs_contract.clone(),
        lhs_batch: d.rhs_batch.clone(),
        rhs_batch: d.lhs_batch.clone(),
    }
}

impl Primitive for DotGeneral {
    fn name(&self) -> &'static str {
        "dot_general"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        lax::require_same_dtype("dot_general", &x[0], &x[1])?;
        let shape = self.dims.out_shape(&x[0].shape, &x[1].shape)?;
        Ok(smallvec![Aval::new(&shape, x[0].dtype)])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::dot_general(x[0], x[1], &self.dims)?])
    }

    // d(a·b) = da·b + a·db
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let y = lax::dot_general(&x[0], &x[1], &self.dims)?;
        let ta = x_dot[0]
            .as_ref()
            .map(|t| lax::dot_general(t, &x[1], &self.dims))
            .transpose()?;
        let tb = x_dot[1]
            .as_ref()
            .map(|t| lax::dot_general(&x[0], t, &self.dims))
            .transpose()?;
        Ok((smallvec![y], smallvec![lax::add_tangents(ta, tb)?]))
    }

    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        match (&x[0], &x[1]) {
            (LinearArg::Undef(a), LinearArg::Const(b)) => Ok(smallvec![
                Some(transpose_lhs(&ct[0], a.shape.len(), b, &self.dims, false)?),
                None,
            ]),
            (LinearArg::Const(a), LinearArg::Undef(b)) => Ok(smallvec![
                None,
                Some(transpose_lhs(
                    &ct[0],
                    b.shape.len(),
                    a,
                    &swapped(&self.dims),
                    true,
                )?),
            ]),
            _ => Err(Error::NotLinear {
                prim: "dot_general",
            }),
        }
    }

    // Both batched: a shared leading batch axis (one batched GEMM). One batched: its batch
    // axis becomes one more free axis of that operand, so the whole vmap is a single GEMM
    // with a taller (or wider) matrix and the other operand is never broadcast.
    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let d = &self.dims;
        let up = |v: &[usize], b: usize| -> Vec<usize> {
            v.iter().map(|&a| if a >= b { a + 1 } else { a }).collect()
        };
        // Output axis of a free axis `b`: free axes keep their order, after the batch axes.
        let free_pos = |b: usize, contract: &[usize], batch: &[usize]| {
            b - contract.iter().chain(batch).filter(|&&a| a < b).count()
        };
        match (dims[0], dims[1]) {
            (Some(b), None) => {
                let (lc, lb) = (up(&d.lhs_contract, b), up(&d.lhs_batch, b));
                let pos = d.lhs_batch.len() + free_pos(b, &lc, &lb);
                let nd = DotDims {
                    lhs_contract: lc,
                    lhs_batch: lb,
                    ..d.clone()
                };
                Ok((
                    smallvec![lax::dot_general(&x[0], &x[1], &nd)?],
                    smallvec![Some(pos)],
                ))
            }
            (None, Some(b)) => {
                let (rc, rb) = (up(&d.rhs_contract, b), up(&d.rhs_batch, b));
                let lhs_free = x[0].ndim() - d.lhs_contract.len() - d.lhs_batch.len();
                let pos = d.rhs_batch.len() + lhs_free + free_pos(b, &rc, &rb);
                let nd = DotDims {
                    rhs_contract: rc,
                    rhs_batch: rb,
                    ..d.clone()
                };
                Ok((
                    smallvec![lax::dot_general(&x[0], &x[1], &nd)?],
                    smallvec![Some(pos)],
                ))
            }
            _ => {
                let args = lax::all_batch_to_front(x, dims)?;
                let shift = |v: &[usize]| v.iter().map(|a| a + 1).collect::<Vec<_>>();
                let nd = DotDims {
                    lhs_contract: shift(&d.lhs_contract),
                    rhs_contract: shift(&d.rhs_contract),
                    lhs_batch: [0].into_iter().chain(shift(&d.lhs_batch)).collect(),
                    rhs_batch: [0].into_iter().chain(shift(&d.rhs_batch)).collect(),
                };
                let y = if per_member_work(&args[0], &args[1], &nd) <= SMALL_DOT {
                    dot_by_broadcast(&args[0], &args[1], &nd)?
                } else {
                    lax::dot_general(&args[0], &args[1], &nd)?
                };
                Ok((smallvec![y], smallvec![Some(0)]))
            }
        }
    }
}
