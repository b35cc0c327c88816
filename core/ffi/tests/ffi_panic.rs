//! A panic inside an exported call (a bug, never an input: library code has no `unwrap`
//! or `panic!` on input paths) reaches the app as an error, `InternalException` in Kotlin
//! and `InternalError` in Swift, instead of killing it: the app can say so and go on, and
//! a draft whose page panics does not crash the app each time she opens it. uniffi catches
//! the panic with `catch_unwind`, which needs the library to unwind: the mobile profile
//! keeps `panic = "unwind"` and `tests/size.sh` checks the shipped library still does.
#![allow(clippy::panic)]

use uniffi::{RustCallError, RustCallStatus, RustCallStatusCode};

#[test]
fn a_panic_in_an_exported_call_becomes_an_error_for_the_app() {
    let mut status = RustCallStatus::default();
    let value: i8 = uniffi::rust_call(&mut status, || -> Result<i8, RustCallError> {
        panic!("a bug in the core")
    });
    assert_eq!(status.code, RustCallStatusCode::UnexpectedError);
    assert_eq!(value, 0, "the call returns the default value to the app");
}
