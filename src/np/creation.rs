//! Creating tensors: zeros, ones, full, eye, arange, linspace and the `*_like` forms.
