//! Secrets: bearer tokens (random 256 bits, kept only as SHA-256), enrollment codes
//! (typeable, unambiguous, long enough not to be guessed), generated passwords and argon2 password hashes.

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;

use crate::ingest::sha256_hex;

/// Letters and digits that cannot be mistaken for one another when read aloud or typed
/// from a screen (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";

/// Length of an enrollment code, without its separators: 25^12 ~ 6e16 codes (~56 bits).
/// Even unthrottled at the 530 guesses a second once measured, a thousand live codes over
/// their 72 hours would be hit with a chance of about 2 in a million; throttled per
/// address (see [`crate::throttle`]) guessing is hopeless.
const CODE_LEN: usize = 12;

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

/// A new enrollment code, shown as `XXXX-XXXX-XXXX`.
pub fn new_enrollment_code() -> String {
    let code = random_from(CODE_ALPHABET, CODE_LEN);
    format!("{}-{}-{}", &code[..4], &code[4..8], &code[8..])
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

/// The memory an Argon2 computation works in (~19 MiB with the default parameters).
/// A thread that checks passwords again and again keeps one and reuses it: allocating it
/// anew for every check left the allocator holding several times as much per thread.
pub type HashMemory = Vec<Block>;

/// Most Argon2 memory blocks (KiB) a stored hash may ask for: 4 times the default.
const MAX_HASH_BLOCKS: usize = 4 * Params::DEFAULT_M_COST as usize;

fn hash_failed(e: impl std::fmt::Display) -> HashError {
    HashError(e.to_string())
}

/// The argon2id hash of a password with the default parameters, in PHC string form,
/// computed in `memory`.
pub fn hash_password_in(password: &str, memory: &mut HashMemory) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(hash_failed)?;
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut raw_salt = [0u8; 64];
    let raw_salt = salt
        .as_salt()
        .decode_b64(&mut raw_salt)
        .map_err(hash_failed)?;
    memory.resize(params.block_count(), Block::default());
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        argon2
            .hash_password_into_with_memory(password.as_bytes(), raw_salt, out, &mut memory[..])
            .map_err(|_| argon2::password_hash::Error::Password)
    })
    .map_err(hash_failed)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: (&params).try_into().map_err(hash_failed)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// True when `password` matches the stored PHC hash, computed in `memory`; false for a
/// hash that cannot be read or asks for more than four times the default memory.
pub fn verify_password_in(password: &str, hash: &str, memory: &mut HashMemory) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.salt,
        parsed.hash,
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    if params.block_count() > MAX_HASH_BLOCKS {
        return false;
    }
    let mut raw_salt = [0u8; 64];
    let Ok(raw_salt) = salt.decode_b64(&mut raw_salt) else {
        return false;
    };
    memory.resize(params.block_count(), Block::default());
    let argon2 = Argon2::new(algorithm, version, params);
    // `Output`'s equality is constant-time.
    Output::init_with(expected.len(), |out| {
        argon2
            .hash_password_into_with_memory(password.as_bytes(), raw_salt, out, &mut memory[..])
            .map_err(|_| argon2::password_hash::Error::Password)
    })
    .is_ok_and(|computed| computed == expected)
}

/// [`hash_password_in`] with memory of its own (a one-off: the first administrator).
pub fn hash_password(password: &str) -> Result<String, HashError> {
    hash_password_in(password, &mut HashMemory::new())
}

/// [`verify_password_in`] with memory of its own.
pub fn verify_password(password: &str, hash: &str) -> bool {
    verify_password_in(password, hash, &mut HashMemory::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_unambiguous_alphabet_and_normalise() {
        let code = new_enrollment_code();
        assert_eq!(code.len(), 14);
        assert_eq!((&code[4..5], &code[9..10]), ("-", "-"));
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

    #[test]
    fn hashes_are_the_argon2_crate_s_own_and_reused_memory_keeps_its_size() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let mut memory = HashMemory::new();
        let ours = hash_password_in("correct horse", &mut memory).unwrap();
        let blocks = memory.len();
        assert_eq!(blocks, Params::DEFAULT_M_COST as usize);
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse", &parsed)
                .is_ok()
        );
        let salt = SaltString::encode_b64(b"sixteen byte salt").unwrap();
        let theirs = Argon2::default()
            .hash_password(b"battery staple", &salt)
            .unwrap()
            .to_string();
        assert!(verify_password_in("battery staple", &theirs, &mut memory));
        assert!(!verify_password_in("battery stapler", &theirs, &mut memory));
        assert_eq!(memory.len(), blocks);
        let greedy = theirs.replace("m=19456", "m=999999");
        assert!(!verify_password_in("battery staple", &greedy, &mut memory));
    }
}
