//! Branchbook's shared core: the XLSForm engine, the local store and the sync client
//! that both phone apps (Kotlin on Android, Swift on iOS) use through the facade crate
//! `branchbook-ffi` (core/ffi), and whose form engine and wire types the sync server
//! uses too.
//!
//! With the `uniffi` feature (turned on by core/ffi only) the types the facade passes
//! across derive their uniffi conversions; uniffi needs each crate that derives them to
//! declare its own namespace (`branchbook_core`), so the bindings of these types are
//! generated beside the facade's. The server builds this crate without the feature.

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("branchbook_core");

// Links the SQLCipher library that rusqlite uses (it holds no Rust items).
use branchbook_sqlcipher as _;

pub mod domain;
pub mod editing;
pub mod engine;
pub mod error;
pub mod expr;
#[cfg(feature = "uniffi")]
pub mod ffi_id;
pub mod ffi_time;
pub mod form;
pub mod i18n;
pub mod protocol;
pub mod roster_file;
pub mod store;
#[cfg(feature = "sync-client")]
pub mod sync;
pub mod text;
