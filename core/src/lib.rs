//! Branchbook's shared core: the XLSForm engine, the local store and the sync client
//! that both phone apps (Kotlin on Android, Swift on iOS) use through uniffi, and whose
//! form engine and wire types the sync server uses too.

uniffi::setup_scaffolding!("branchbook");

// Links the SQLCipher library that rusqlite uses (it holds no Rust items).
use branchbook_sqlcipher as _;

pub mod api;
pub mod domain;
pub mod engine;
pub mod expr;
pub mod ffi_time;
pub mod form;
pub mod i18n;
pub mod protocol;
pub mod store;
#[cfg(feature = "sync-client")]
pub mod sync;
pub mod text;
