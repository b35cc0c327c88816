//! `digest()`, `base64-decode()` and `uuid(length)`: text functions that need bytes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::Digest as _;

/// The algorithms `digest()` accepts, as the spec names them (XForms 1.1).
pub(crate) const DIGEST_ALGORITHMS: &[&str] = &["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// `digest(text, algorithm, encoding)`: the hash of the text's UTF-8 bytes, in base64
/// (the default) or hex. `None` for an algorithm or encoding the spec does not name.
pub(crate) fn digest(text: &str, algorithm: &str, encoding: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let hash: Vec<u8> = match algorithm {
        "MD5" => md5::Md5::digest(bytes).to_vec(),
        "SHA-1" => sha1::Sha1::digest(bytes).to_vec(),
        "SHA-256" => sha2::Sha256::digest(bytes).to_vec(),
        "SHA-384" => sha2::Sha384::digest(bytes).to_vec(),
        "SHA-512" => sha2::Sha512::digest(bytes).to_vec(),
        _ => return None,
    };
    match encoding {
        "" | "base64" => Some(STANDARD.encode(hash)),
        "hex" => Some(hex::encode(hash)),
        _ => None,
    }
}

/// `base64-decode(text)`: the UTF-8 text the base64 stands for; "" when it is not
/// base64 or not UTF-8 (as JavaRosa, which gives an empty result rather than failing).
pub(crate) fn base64_decode(text: &str) -> String {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD
        .decode(compact)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

/// Most characters `uuid(n)` makes: an answer, not a file.
pub(crate) const MAX_RANDOM_TEXT: usize = 1024;

/// `uuid(n)`: `n` random letters and digits (at most [`MAX_RANDOM_TEXT`]).
pub(crate) fn random_text(n: f64) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let n = if n.is_nan() || n < 0.0 {
        0
    } else {
        (n as usize).min(MAX_RANDOM_TEXT)
    };
    let mut out = String::with_capacity(n);
    while out.len() < n {
        // 16 random bytes per v4 UUID, 122 of their bits random: use the fully random ones.
        let bytes = uuid::Uuid::new_v4().into_bytes();
        for b in bytes.iter().take(6).chain(&bytes[10..]) {
            if out.len() == n {
                break;
            }
            // 62 * 4 = 248: reject the last 8 values so every character is equally likely.
            if *b < 248 {
                out.push(char::from(ALPHABET[usize::from(*b) % 62]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_the_published_test_vectors() {
        assert_eq!(
            digest("abc", "MD5", "hex").unwrap(),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            digest("abc", "SHA-1", "hex").unwrap(),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            digest("abc", "SHA-256", "hex").unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(
            digest("abc", "SHA-384", "hex")
                .unwrap()
                .starts_with("cb00753f45a35e8b")
        );
        assert!(
            digest("abc", "SHA-512", "hex")
                .unwrap()
                .starts_with("ddaf35a193617aba")
        );
        // base64 is the default encoding.
        assert_eq!(
            digest("abc", "MD5", "").unwrap(),
            "kAFQmDzST7DWlj99KOF/cg=="
        );
        assert_eq!(digest("abc", "MD5", "base64"), digest("abc", "MD5", ""));
        // Text is hashed as UTF-8.
        assert_eq!(
            digest("Thào", "SHA-256", "hex").unwrap(),
            hex::encode(sha2::Sha256::digest("Thào".as_bytes()))
        );
        assert_eq!(digest("abc", "SHA-3", "hex"), None);
        assert_eq!(digest("abc", "MD5", "base32"), None);
    }

    #[test]
    fn base64_decodes_utf8_text_and_gives_empty_for_anything_else() {
        assert_eq!(base64_decode("SGVsbG8="), "Hello");
        assert_eq!(base64_decode("VGjDoG8gVGjhu4sgROG7o2M="), "Thào Thị Dợc");
        assert_eq!(base64_decode(" SGVs\nbG8= "), "Hello");
        assert_eq!(base64_decode("not base64!"), "");
        // Valid base64 of bytes that are not UTF-8.
        assert_eq!(base64_decode("/w=="), "");
        assert_eq!(base64_decode(""), "");
    }

    #[test]
    fn random_text_has_the_asked_length_in_letters_and_digits() {
        for n in [0.0, 1.0, 7.0, 40.0] {
            let t = random_text(n);
            assert_eq!(t.len(), n as usize);
            assert!(t.chars().all(|c| c.is_ascii_alphanumeric()), "{t}");
        }
        assert_ne!(random_text(20.0), random_text(20.0));
        assert_eq!(random_text(-3.0), "");
        assert_eq!(random_text(f64::NAN), "");
        assert_eq!(random_text(1e12).len(), MAX_RANDOM_TEXT);
        assert_eq!(random_text(3.9).len(), 3);
    }
}
