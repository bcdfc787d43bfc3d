//! Random numbers from splittable keys: the same key gives the same numbers on every machine.
