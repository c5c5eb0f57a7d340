//! Generators shared by the benchmarks, the load generators and the tests that need a
//! large, realistic input.

pub mod topology_gen;
