//! The primitives: one file each, every rule of a primitive in its file.
//! `ALL_PRIMITIVES` lists them for the rule-check table, which fails on a missing row.

pub mod adjugate;
pub mod arg_extremum;
pub mod binary;
pub mod binary_kinds;
pub mod broadcast_in_dim;
pub mod cholesky;
pub mod compare;
pub mod concatenate;
pub mod convert;
pub mod copy;
// Call primitives holding user closures (one instance per call): not in ALL_PRIMITIVES, as
// the rule-check table cannot construct them; they are tested through `custom_jvp`/`custom_vjp`.
pub mod custom_jvp;
pub mod custom_vjp;
pub mod det;
pub mod dot_general;
pub mod eigh;
pub mod exp_log_kinds;
pub mod integer_pow;
pub mod lu_solve;
pub mod pad;
pub mod polygamma;
pub mod qr;
pub mod reduce_extremum;
pub mod reduce_sum;
pub mod reshape;
pub mod rev;
pub mod select;
pub mod slice;
pub mod slogdet;
pub mod special_kinds;
pub mod stop_gradient;
pub mod svd;
pub mod svd_full;
pub mod transpose;
pub mod triangular_solve;
pub mod unary;
pub mod unary_kinds;
// indexing
pub mod cumsum;
pub mod gather;
pub mod scatter;
pub mod scatter_add;
pub mod searchsorted;
pub mod sort;
// control flow: primitives holding sub-programs
pub mod cond;
pub mod remat;
pub mod scan;
pub mod while_loop;

pub use arg_extremum::ArgExtremum;
pub use binary::{Binary, BinaryKind};
pub use broadcast_in_dim::BroadcastInDim;
pub use compare::Compare;
pub use concatenate::Concatenate;
pub use convert::ConvertElementType;
pub use copy::CopyValue;
pub use dot_general::DotGeneral;
pub use integer_pow::IntegerPow;
pub use pad::Pad;
pub use polygamma::Polygamma;
pub use reduce_extremum::ReduceExtremum;
pub use reduce_sum::ReduceSum;
pub use reshape::Reshape;
pub use rev::Rev;
pub use select::Select;
pub use slice::Slice;
pub use stop_gradient::StopGradient;
pub use transpose::Transpose;
pub use unary::{Unary, UnaryKind};
// indexing
pub use cumsum::Cumsum;
pub use gather::Gather;
pub use scatter::Scatter;
pub use scatter_add::ScatterAdd;
pub use searchsorted::SearchSorted;
pub use sort::Sort;
// control flow
pub use cond::Cond;
pub use remat::Remat;
pub use scan::Scan;
pub use while_loop::While;
// linear algebra
pub use adjugate::Adjugate;
pub use cholesky::Cholesky;
pub use det::Det;
pub use eigh::Eigh;
pub use lu_solve::LuSolve;
pub use qr::Qr;
pub use slogdet::Slogdet;
pub use svd::Svd;
pub use svd_full::SvdFull;
pub use triangular_solve::TriangularSolve;

/// Names of every primitive; the rule-check table must have a row for each.
pub const ALL_PRIMITIVES: &[&str] = &[
    "neg",
    "exp",
    "log",
    "log1p",
    "expm1",
    "exp2",
    "log2",
    "log10",
    "cbrt",
    "sqrt",
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "arcsinh",
    "arccosh",
    "arctanh",
    "logistic",
    "abs",
    "sign",
    "floor",
    "ceil",
    "round",
    "add",
    "sub",
    "mul",
    "div",
    "rem",
    "pow",
    "maximum",
    "minimum",
    "arctan2",
    "copysign",
    "lt",
    "le",
    "gt",
    "ge",
    "eq",
    "ne",
    "select",
    "reduce_sum",
    "reduce_max",
    "reduce_min",
    "argmax",
    "argmin",
    "broadcast_in_dim",
    "reshape",
    "transpose",
    "slice",
    "pad",
    "rev",
    "concatenate",
    "dot_general",
    "convert_element_type",
    "copy",
    "integer_pow",
    "stop_gradient",
    // indexing
    "gather",
    "scatter_add",
    "scatter",
    "cumsum",
    "sort",
    "searchsorted",
    // special functions
    "erf",
    "erfc",
    "erfinv",
    "ndtri",
    "lgamma",
    "digamma",
    "polygamma",
    "xlogy",
    "logaddexp",
    "hypot",
    // linear algebra
    "cholesky",
    "triangular_solve",
    "lu_solve",
    "det",
    "adjugate",
    "slogdet",
    "qr",
    "eigh",
    "svd",
    "svd_full",
    // control flow
    "cond",
    "while_loop",
    "scan",
    "remat",
];
