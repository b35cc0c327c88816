//! The core's layering, as ARCHITECTURE.md draws it: each top-level module may use the
//! modules of its own layer and of the layers above it, never one below. A new module
//! must be placed in a layer here and in ARCHITECTURE.md before it can be used.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, top (used by everything) to bottom (uses everything).
const LAYERS: &[&[&str]] = &[
    &["text", "domain", "ffi_time"],
    &["expr"],
    &["form", "engine"],
    &["protocol"],
    &["store", "roster_file"],
    &["i18n"],
    &["sync"],
    &["error", "ffi_id"],
    &["editing"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level modules: `src/x.rs` and `src/x/` (lib.rs and the binaries aside).
fn modules() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for entry in fs::read_dir(src()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let is_module = path.is_dir() || path.extension().is_some_and(|e| e == "rs");
        if is_module && name != "lib" && name != "bin" {
            found.insert(name);
        }
    }
    found
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The top-level modules a module's code names as `crate::x` (comments aside).
fn uses(module: &str) -> BTreeSet<String> {
    let dir = src().join(module);
    let mut files = Vec::new();
    if dir.is_dir() {
        rust_files(&dir, &mut files);
    } else {
        files.push(src().join(format!("{module}.rs")));
    }
    let mut used = BTreeSet::new();
    for file in files {
        for line in fs::read_to_string(&file).unwrap().lines() {
            let code = line.split("//").next().unwrap_or("");
            for (at, _) in code.match_indices("crate::") {
                let name: String = code[at + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    used.insert(name);
                }
            }
        }
    }
    used
}

#[test]
fn every_module_has_a_layer() {
    let unplaced: Vec<_> = modules()
        .into_iter()
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "modules without a layer (place them here and in ARCHITECTURE.md): {unplaced:?}"
    );
}

#[test]
fn no_module_uses_a_layer_below_it() {
    let mut wrong = Vec::new();
    for module in modules() {
        let Some(own) = layer_of(&module) else {
            continue;
        };
        for used in uses(&module) {
            match layer_of(&used) {
                Some(layer) if layer <= own => {}
                _ => wrong.push(format!("{module} uses {used}")),
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken: {wrong:?}");
}

#[test]
fn the_check_sees_a_use_across_layers() {
    // The scan must find what it is meant to refuse: the store uses the engine.
    assert!(uses("store").contains("engine"));
    assert!(uses("error").contains("store"));
}

#[test]
fn the_domain_crate_knows_no_facade_and_no_server() {
    let manifest =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    for crate_name in ["branchbook-ffi", "branchbook-server", "branchbook-e2e"] {
        assert!(
            !manifest.contains(crate_name),
            "core/Cargo.toml names {crate_name}"
        );
    }
    let server =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/Cargo.toml"))
            .unwrap();
    let core_line = server
        .lines()
        .find(|l| l.starts_with("branchbook-core"))
        .unwrap();
    assert!(
        !core_line.contains("uniffi"),
        "the server builds the core without uniffi: {core_line}"
    );
}
