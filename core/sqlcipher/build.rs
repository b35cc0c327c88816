//! Builds `libsqlcipher.a`: the SQLCipher amalgamation with LibTomCrypt as its crypto
//! provider (SQLCipher's own `crypto_libtomcrypt.c`), and the LibTomCrypt files that
//! provider uses (AES-256-CBC, HMAC-SHA1/256/512, PBKDF2, the Fortuna generator seeded
//! from the system's `/dev/urandom`). OpenSSL's libcrypto did the same work in 2.3 MB of
//! the phone library; these take a few tens of kilobytes. The database format does not
//! depend on the provider: files written with OpenSSL open here, and the reverse.
//!
//! The SQLite options are the ones libsqlite3-sys's bundled build uses, less the
//! extensions nothing here uses (the phone library is smaller by their code).

use std::env;
use std::path::Path;

/// The LibTomCrypt files SQLCipher's provider needs (by folder); the rest of the
/// library (other ciphers, public-key, math) is left out.
const LIBTOMCRYPT_PARTS: &[&str] = &[
    "libtomcrypt/ciphers/aes/",
    "libtomcrypt/hashes/sha1.c",
    "libtomcrypt/hashes/sha2/",
    "libtomcrypt/hashes/helper/",
    "libtomcrypt/mac/hmac/",
    "libtomcrypt/misc/",
    "libtomcrypt/modes/cbc/",
    "libtomcrypt/prngs/",
];

fn main() {
    let dir = sqlcipher_src::source_dir();
    let include = dir.join(sqlcipher_src::LIBTOMCRYPT_INCLUDE_DIR);
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let windows = env::var("CARGO_CFG_WINDOWS").is_ok();

    let mut sqlcipher = cc::Build::new();
    sqlcipher
        .file(dir.join(sqlcipher_src::SOURCE_FILE))
        .include(dir)
        .include(&include)
        .warnings(false);
    for flag in [
        "SQLITE_CORE",
        "SQLITE_DEFAULT_FOREIGN_KEYS=1",
        "SQLITE_ENABLE_API_ARMOR",
        "SQLITE_ENABLE_STAT4",
        // Without the extensions no query here uses (full-text search, R-trees, dbstat,
        // soundex, column metadata) and without loading native code: enable one here
        // when a query needs it (the store's and the server's tests would say so).
        "SQLITE_OMIT_LOAD_EXTENSION",
        "SQLITE_THREADSAFE=1",
        "SQLITE_USE_URI",
        "HAVE_USLEEP=1",
        "HAVE_ISNAN",
        "_POSIX_THREAD_SAFE_FUNCTIONS",
        // SQLCipher.
        "SQLITE_HAS_CODEC",
        "SQLITE_EXTRA_INIT=sqlcipher_extra_init",
        "SQLITE_EXTRA_SHUTDOWN=sqlcipher_extra_shutdown",
        "HAVE_STDINT_H=1",
        "SQLCIPHER_CRYPTO_LIBTOMCRYPT",
    ] {
        sqlcipher.flag(format!("-D{flag}"));
    }
    // Temporary tables in memory (SQLCipher refuses unencrypted temporary files); on
    // Android SQLite cannot find a temporary folder anyway.
    sqlcipher.flag(if target_os == "android" {
        "-DSQLITE_TEMP_STORE=3"
    } else {
        "-DSQLITE_TEMP_STORE=2"
    });
    if !windows {
        sqlcipher.flag("-DHAVE_LOCALTIME_R");
    }
    sqlcipher.compile("sqlcipher");

    let mut tomcrypt = cc::Build::new();
    tomcrypt
        .include(&include)
        .define("LTC_SOURCE", None)
        .warnings(false);
    let mut files = 0;
    for source in sqlcipher_src::LIBTOMCRYPT_SOURCES {
        if LIBTOMCRYPT_PARTS
            .iter()
            .any(|part| source.starts_with(part))
        {
            tomcrypt.file(dir.join(source));
            files += 1;
        }
    }
    assert!(files > 0, "no LibTomCrypt sources matched");
    tomcrypt.compile("tomcrypt");

    println!(
        "cargo:rerun-if-changed={}",
        Path::new(dir).join(sqlcipher_src::SOURCE_FILE).display()
    );
    println!("cargo:rerun-if-changed=build.rs");
}
