//! `lax` wrappers of the special-function primitives (exact shapes, float inputs).

use crate::prims::special_kinds::{
    Digamma, Erf, ErfInv, Erfc, Hypot, Lgamma, LogAddExp, Ndtri, Xlogy,
};
use crate::prims::Polygamma;
use crate::{Result, Tensor};

use super::{binary, bind1, unary};

pub fn erf(x: &Tensor) -> Result<Tensor> {
    unary::<Erf>(x)
}
pub fn erfc(x: &Tensor) -> Result<Tensor> {
    unary::<Erfc>(x)
}
pub fn erfinv(x: &Tensor) -> Result<Tensor> {
    unary::<ErfInv>(x)
}
pub fn ndtri(x: &Tensor) -> Result<Tensor> {
    unary::<Ndtri>(x)
}
pub fn lgamma(x: &Tensor) -> Result<Tensor> {
    unary::<Lgamma>(x)
}
pub fn digamma(x: &Tensor) -> Result<Tensor> {
    unary::<Digamma>(x)
}
/// ψ⁽ⁿ⁾(x), the n-th derivative of digamma.
pub fn polygamma(n: u32, x: &Tensor) -> Result<Tensor> {
    bind1(&Polygamma { n }, std::slice::from_ref(x))
}
pub fn xlogy(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    binary::<Xlogy>(a, b)
}
pub fn logaddexp(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    binary::<LogAddExp>(a, b)
}
pub fn hypot(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    binary::<Hypot>(a, b)
}
