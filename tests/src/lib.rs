//! Helpers for Branchbook's cross-component tests: a real server started in the test
//! process, phones made from the core, and a fault-injecting TCP proxy between them.

pub mod device;
pub mod proxy;
pub mod scene;
