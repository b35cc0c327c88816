//! Branchbook's sync server: phones enroll with a one-time code, pull their forms and
//! roster, push records in bulk (idempotently) and photos resumably; officials review,
//! export and count indicators for their area. Storage is SQLite (embedded default, one
//! data folder) or PostgreSQL, behind one store.

pub mod api;
pub mod config;
pub mod connections;
pub mod console;
pub mod data_dir;
pub mod db;
pub mod error;
pub mod export;
pub mod form_catalog;
pub mod form_files;
pub mod indicators;
pub mod ingest;
pub mod model;
pub mod passwords;
pub mod recovery;
pub mod secret;
pub mod server;
pub mod store;
pub mod throttle;
pub mod tls;
pub mod uploads;
