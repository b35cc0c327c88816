//! Helpers for Branchbook's cross-component tests: a fault-injecting TCP proxy, and
//! (as the pieces land) a real server process and devices built from the core.

pub mod proxy;
