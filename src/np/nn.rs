//! Neural-network helpers, numerically stable at ±1000: sigmoid, relu, softplus, logsumexp, softmax, log_softmax.
