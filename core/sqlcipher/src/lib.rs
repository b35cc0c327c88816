//! SQLCipher, compiled with LibTomCrypt as its crypto provider (see `build.rs`).
//!
//! rusqlite reaches SQLite through `libsqlite3-sys`, which in its linked mode (feature
//! `sqlcipher` without `bundled`) asks the linker for a library named `sqlcipher`; this
//! crate's build script compiles that library from the `sqlcipher-src` amalgamation, so
//! every crate that uses the store links this one (`use branchbook_sqlcipher as _;`).
//! It holds no Rust code: linking it is its whole purpose.
#![no_std]
