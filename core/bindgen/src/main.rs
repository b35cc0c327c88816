//! The uniffi-bindgen command, pinned to the workspace's uniffi version so the generated
//! Kotlin and Swift always match the scaffolding compiled into the core library.

fn main() {
    uniffi::uniffi_bindgen_main()
}
