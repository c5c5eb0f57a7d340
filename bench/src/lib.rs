//! Shared helpers of the load generators.
