//! `compare { cmp }`: elementwise `<`, `<=`, `>`, `>=`, `==`, `!=` giving bool; no tangent.

use ferrograd_array::kernels::{self, Compare as Cmp};
use ferrograd_array::{Array, DType};
use smallvec::smallvec;

use crate::fusion::Fusion;
use crate::{lax, Aval, BatchDim, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Compare {
    pub cmp: Cmp,
}

impl Primitive for Compare {
    fn name(&self) -> &'static str {
        match self.cmp {
            Cmp::Lt => "lt",
            Cmp::Le => "le",
            Cmp::Gt => "gt",
            Cmp::Ge => "ge",
            Cmp::Eq => "eq",
            Cmp::Ne => "ne",
        }
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        lax::require_same(self.name(), &x[0], &x[1])?;
        Ok(smallvec![Aval {
            dtype: DType::Bool,
            ..x[0].clone()
        }])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::compare(
            self.name(),
            x[0],
            x[1],
            self.cmp
        )?])
    }

    fn jvp(&self, x: &[Tensor], _x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        Ok((smallvec![lax::bind1(self, x)?], smallvec![None]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let (args, d) = lax::align_batch(x, dims)?;
        Ok((smallvec![lax::bind1(self, &args)?], smallvec![d]))
    }

    fn fusion(&self) -> Option<Fusion> {
        use crate::fusion::{compare_tile as t, BinaryTile, EQ, GE, GT, LE, LT, NE};
        let (f32, f64): (BinaryTile<f32>, BinaryTile<f64>) = match self.cmp {
            Cmp::Lt => (t::<f32, LT>, t::<f64, LT>),
            Cmp::Le => (t::<f32, LE>, t::<f64, LE>),
            Cmp::Gt => (t::<f32, GT>, t::<f64, GT>),
            Cmp::Ge => (t::<f32, GE>, t::<f64, GE>),
            Cmp::Eq => (t::<f32, EQ>, t::<f64, EQ>),
            Cmp::Ne => (t::<f32, NE>, t::<f64, NE>),
        };
        Some(Fusion::Compare { f32, f64 })
    }
}
