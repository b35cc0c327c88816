//! Ingest benchmark (written next).
fn main() {}
