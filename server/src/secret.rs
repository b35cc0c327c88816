//! Secrets: bearer tokens (random 256 bits, kept only as SHA-256), enrollment codes
//! (short, typeable, unambiguous), generated passwords and argon2 password hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

use crate::ingest::sha256_hex;

/// Letters and digits that cannot be mistaken for one another when read aloud or typed
/// from a screen (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";

/// Length of an enrollment code, without its separator (25^8 ~ 1.5e11 codes).
const CODE_LEN: usize = 8;

/// Failure to hash a password.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// A new bearer token: 256 random bits as 64 hex characters.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database keeps of a token or code: its SHA-256. A stolen database reveals
/// no usable token (they are random 256-bit values, so no salt or slow hash is needed).
pub fn secret_hash(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut rng = rand::rng();
    while out.len() < len {
        let byte = (rng.next_u32() & 0xff) as usize;
        // Rejection sampling keeps every character equally likely.
        if byte < 256 - 256 % alphabet.len() {
            out.push(char::from(alphabet[byte % alphabet.len()]));
        }
    }
    out
}

/// A new enrollment code, shown as `XXXX-XXXX`.
pub fn new_enrollment_code() -> String {
    let code = random_from(CODE_ALPHABET, CODE_LEN);
    format!("{}-{}", &code[..4], &code[4..])
}

/// A typed code in its canonical form: upper case, separators and spaces dropped.
pub fn normalize_code(typed: &str) -> String {
    typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A generated one-time password (16 characters of the unambiguous alphabet, ~74 bits).
pub fn new_password() -> String {
    random_from(CODE_ALPHABET, 16).to_lowercase()
}

/// The argon2id hash of a password, in PHC string form.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// True when `password` matches the stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_unambiguous_alphabet_and_normalise() {
        let code = new_enrollment_code();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        let plain = normalize_code(&code);
        assert_eq!(plain.len(), CODE_LEN);
        assert!(plain.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert_eq!(normalize_code(&format!(" {} ", code.to_lowercase())), plain);
        assert_ne!(new_enrollment_code(), new_enrollment_code());
    }

    #[test]
    fn tokens_are_256_bits_and_hashes_differ_from_them() {
        let token = new_token();
        assert_eq!(token.len(), 64);
        assert_ne!(secret_hash(&token), token);
        assert_eq!(secret_hash(&token), secret_hash(&token));
    }

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("correct hors", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }
}
