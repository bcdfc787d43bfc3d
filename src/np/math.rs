//! Free-function forms of the `Tensor` methods (elementwise math, reductions, shapes, products).
