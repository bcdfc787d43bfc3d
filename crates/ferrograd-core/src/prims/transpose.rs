//! `transpose { perm }`: output axis i is input axis `perm[i]` (zero-copy).

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::fusion::{ArgInfo, Rewrite};
use crate::PrimitiveClone;
use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Transpose {
    pub perm: Vec<usize>,
}

impl Transpose {
    /// A product whose two groups of free axes this transpose swaps is the product with its
    /// operands swapped, which the GEMM writes in the wanted order directly (no strided pass
    /// over a transposed result later).
    fn swap_operands(
        &self,
        dot: &super::dot_general::DotGeneral,
        a: &[crate::program::Atom],
        avals: &[Aval],
    ) -> Option<Rewrite> {
        let d = &dot.dims;
        if !d.lhs_batch.is_empty() || avals.len() != 2 {
            return None;
        }
        let nl = avals[0].shape.len() - d.lhs_contract.len();
        let nr = avals[1].shape.len() - d.rhs_contract.len();
        let swap: Vec<usize> = (nl..nl + nr).chain(0..nl).collect();
        if self.perm != swap {
            return None;
        }
        let mut dims = d.clone();
        std::mem::swap(&mut dims.lhs_contract, &mut dims.rhs_contract);
        let swapped = super::dot_general::DotGeneral { dims };
        Some(Rewrite::Apply(
            swapped.to_ref(),
            vec![a[1].clone(), a[0].clone()],
        ))
    }
}

impl Primitive for Transpose {
    fn name(&self) -> &'static str {
        "transpose"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let rank = x[0].shape.len();
        let mut sorted = self.perm.clone();
        sorted.sort_unstable();
        if sorted != (0..rank).collect::<Vec<_>>() {
            return Err(Error::invalid(
                "transpose",
                format!(
                    "axes {:?} are not a permutation of the {rank} axes of shape {:?}; name each axis once",
                    self.perm, x[0].shape
                ),
            ));
        }
        let shape: Vec<usize> = self.perm.iter().map(|&p| x[0].shape[p]).collect();
        Ok(smallvec![Aval::new(&shape, x[0].dtype)])
    }

    // An identity permutation is nothing; a transpose of a transpose is one transpose.
    fn simplify(&self, args: &[ArgInfo<'_>]) -> Option<Rewrite> {
        let identity = |p: &[usize]| p.iter().enumerate().all(|(i, &a)| i == a);
        if identity(&self.perm) {
            return Some(Rewrite::Atom(args[0].atom.clone()));
        }
        let (p, a) = args[0].producer?;
        if let Some(dot) = p.as_any().downcast_ref::<super::dot_general::DotGeneral>() {
            return self.swap_operands(dot, a, &args[0].producer_avals);
        }
        let inner = p.as_any().downcast_ref::<Transpose>()?;
        // Axis i of the result is axis perm[i] of the inner result, axis inner.perm[perm[i]]
        // of the original.
        let perm: Vec<usize> = self.perm.iter().map(|&i| inner.perm[i]).collect();
        Some(match identity(&perm) {
            true => Rewrite::Atom(a[0].clone()),
            false => Rewrite::Apply(Transpose { perm }.to_ref(), vec![a[0].clone()]),
        })
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::transpose(x[0], &self.perm)?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let t = x_dot[0]
            .as_ref()
            .map(|t| lax::transpose(t, &self.perm))
            .transpose()?;
        Ok((smallvec![lax::transpose(&x[0], &self.perm)?], smallvec![t]))
    }

    // Transposed by the inverse permutation.
    fn transpose(&self, ct: &[Tensor], _x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let mut inv = vec![0; self.perm.len()];
        for (i, &p) in self.perm.iter().enumerate() {
            inv[p] = i;
        }
        Ok(smallvec![Some(lax::transpose(&ct[0], &inv)?)])
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let x0 = lax::move_batch_to_front(&x[0], dims[0])?;
        let mut perm = vec![0];
        perm.extend(self.perm.iter().map(|p| p + 1));
        Ok((smallvec![lax::transpose(&x0, &perm)?], smallvec![Some(0)]))
    }
}
