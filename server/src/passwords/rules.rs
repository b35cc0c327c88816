//! What a chosen password must be, after NIST SP 800-63B (5.1.1.2): long enough, no
//! composition rules, but refused when it is the login name, one character or a run
//! repeated, a keyboard or alphabet sequence, a commonly used password, or the one-time
//! password it replaces.

/// Fewest characters of a chosen password.
pub const MIN_CHARS: usize = 10;
/// Most characters of a chosen password (a passphrase fits; an Argon2 input stays small).
pub const MAX_CHARS: usize = 256;

/// Why a chosen password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("choose a password of at least {MIN_CHARS} characters")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("choose a password of at most {MAX_CHARS} characters")]
    TooLong,
    /// The login name, or the login name with digits or signs added.
    #[error("the password must not be your login name")]
    LoginName,
    /// One character or a short run repeated (`aaaaaaaaaa`, ten spaces, `abababab`).
    #[error("the password repeats the same few characters: choose something less predictable")]
    Repeated,
    /// A run along the alphabet, the digits or the keyboard (`0123456789`, `qwertyuiop`).
    #[error(
        "the password is a sequence (like 0123456789 or qwertyuiop): choose something less predictable"
    )]
    Sequence,
    /// A password on the list of commonly used ones.
    #[error("this password is one of the most commonly used: choose another")]
    Common,
    /// The password it replaces (the one-time password, or the current one).
    #[error("the new password must differ from the current (one-time) password")]
    Unchanged,
}

/// Commonly used passwords of ten characters or more (English and Vietnamese), lower case.
const COMMON: &[&str] = &[
    "1234567890",
    "0123456789",
    "0987654321",
    "9876543210",
    "1234567891",
    "1111111111",
    "123456789a",
    "a123456789",
    "12345678910",
    "123456789012",
    "1234567890a",
    "qwertyuiop",
    "qwertyuiop123",
    "asdfghjkl1",
    "zxcvbnm123",
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "q1w2e3r4t5",
    "1qaz2wsx3edc",
    "qazwsxedc123",
    "zaq12wsx34",
    "1qazxsw23edc",
    "password12",
    "password123",
    "password1234",
    "password2024",
    "password2025",
    "password2026",
    "passw0rd123",
    "p@ssw0rd123",
    "p@ssword123",
    "mypassword1",
    "iloveyou12",
    "iloveyou123",
    "welcome123",
    "welcome2024",
    "letmein123",
    "sunshine12",
    "football123",
    "baseball123",
    "princess123",
    "dragon1234",
    "monkey1234",
    "abc1234567",
    "abcd123456",
    "abcde12345",
    "abc123456789",
    "admin12345",
    "admin123456",
    "administrator",
    "administrator1",
    "superman123",
    "trustno1234",
    "changeme123",
    "computer123",
    "matkhau123",
    "matkhau1234",
    "matkhaumoi",
    "matkhau2024",
    "anhyeuem123",
    "anhyeuem1234",
    "emyeuanh123",
    "yeuemmaimai",
    "iloveyou2024",
    "vietnam123",
    "vietnam1234",
    "hanoi12345",
    "saigon1234",
    "hoiphunu123",
    "phunu12345",
    "chihoi1234",
    "123456789aa",
    "1234567890qwe",
    "qwe1234567",
    "qweasdzxc123",
    "asdasdasd1",
    "11223344556",
    "1122334455",
    "1234512345",
    "1212121212",
    "1231231234",
    "1234554321",
    "5555555555",
    "8888888888",
    "6666666666",
    "9999999999",
    "0000000000",
    "abcdefghij",
];

/// Words that with digits or signs added make most weak passwords (`Password2024!`).
const COMMON_WORDS: &[&str] = &[
    "password",
    "passwords",
    "passw",
    "matkhau",
    "admin",
    "administrator",
    "qwerty",
    "iloveyou",
    "anhyeuem",
    "emyeuanh",
    "welcome",
    "letmein",
    "abc",
    "abcd",
    "abcde",
    "vietnam",
    "hanoi",
    "saigon",
    "phunu",
    "hoiphunu",
    "branchbook",
    "changeme",
];

/// Rows of the keyboards phones and laptops use, for sequence checks.
const KEYBOARD_ROWS: &[&str] = &["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

/// Checks a new password for `username`; `current` is the password it replaces (the
/// one-time password on a first change), already verified.
pub fn check_new_password(new: &str, username: &str, current: &str) -> Result<(), WeakPassword> {
    let chars = new.chars().count();
    if chars < MIN_CHARS {
        return Err(WeakPassword::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(WeakPassword::TooLong);
    }
    if new == current {
        return Err(WeakPassword::Unchanged);
    }
    let lower = new.to_lowercase();
    let letters: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    let name = username.trim().to_lowercase();
    let name_letters: String = name.chars().filter(|c| c.is_alphabetic()).collect();
    if lower.trim() == name || (!name_letters.is_empty() && letters == name_letters) {
        return Err(WeakPassword::LoginName);
    }
    if is_repeated(&lower) {
        return Err(WeakPassword::Repeated);
    }
    if is_sequence(&lower) {
        return Err(WeakPassword::Sequence);
    }
    if COMMON.contains(&lower.as_str()) || COMMON_WORDS.contains(&letters.as_str()) {
        return Err(WeakPassword::Common);
    }
    Ok(())
}

/// True for one character or a short run repeated: fewer than four distinct characters
/// (`aaaaaaaaaa`, ten spaces, `abababab`), or a run of up to four repeated whole
/// (`abcdabcdabcd`).
fn is_repeated(password: &str) -> bool {
    let chars: Vec<char> = password.chars().collect();
    let mut distinct = chars.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return true;
    }
    (1..=4).any(|run| {
        chars.len().is_multiple_of(run) && chars.chunks(run).all(|chunk| chunk == &chars[..run])
    })
}

/// True when every character follows the one before along the alphabet or the digits
/// (either way), or along one keyboard row (either way).
fn is_sequence(password: &str) -> bool {
    let chars: Vec<char> = password.chars().collect();
    let steps: Vec<i64> = chars
        .windows(2)
        .map(|w| i64::from(u32::from(w[1])) - i64::from(u32::from(w[0])))
        .collect();
    if steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1) {
        return true;
    }
    let forward = KEYBOARD_ROWS.concat();
    let backward: String = forward.chars().rev().collect();
    // A run along the rows, allowed to wrap from the end of one row to the next.
    [forward, backward]
        .iter()
        .any(|keys| keys.contains(password) || keys.repeat(2).contains(password))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(new: &str) -> Result<(), WeakPassword> {
        check_new_password(new, "lan.nguyen", "kx7mvqp3tdnh9wra")
    }

    #[test]
    fn the_findings_of_the_probe_are_refused() {
        assert_eq!(check("aaaaaaaaaa"), Err(WeakPassword::Repeated));
        assert_eq!(check("          "), Err(WeakPassword::Repeated));
        assert_eq!(check("0123456789"), Err(WeakPassword::Sequence));
        assert_eq!(
            check_new_password("kx7mvqp3tdnh9wra", "lan.nguyen", "kx7mvqp3tdnh9wra"),
            Err(WeakPassword::Unchanged),
            "the one-time password itself"
        );
    }

    #[test]
    fn length_is_checked_in_characters() {
        assert_eq!(check("short"), Err(WeakPassword::TooShort));
        assert_eq!(check("Thào Dợ 7k"), Ok(()), "ten characters, more bytes");
        assert_eq!(check(&"xk7 ".repeat(70)), Err(WeakPassword::TooLong));
    }

    #[test]
    fn the_login_name_and_its_decorations_are_refused() {
        assert_eq!(check("lan.nguyen"), Err(WeakPassword::LoginName));
        assert_eq!(check("LanNguyen2024!"), Err(WeakPassword::LoginName));
        assert_eq!(
            check_new_password("admin-chosen-password", "admin", "x"),
            Ok(()),
            "a passphrase that only contains the name is fine"
        );
    }

    #[test]
    fn runs_sequences_and_keyboard_rows_are_refused() {
        for weak in ["ababababab", "1212121212", "abcdabcdabcd", "xyz!xyz!xyz!"] {
            assert_eq!(check(weak), Err(WeakPassword::Repeated), "{weak}");
        }
        for weak in [
            "abcdefghijk",
            "9876543210",
            "qwertyuiop",
            "poiuytrewq",
            "asdfghjklzxc",
        ] {
            assert_eq!(check(weak), Err(WeakPassword::Sequence), "{weak}");
        }
    }

    #[test]
    fn common_passwords_and_decorated_common_words_are_refused() {
        for weak in [
            "Password123",
            "password2024!",
            "MatKhau@2025",
            "1q2w3e4r5t",
            "iloveyou123",
        ] {
            assert_eq!(check(weak), Err(WeakPassword::Common), "{weak}");
        }
    }

    #[test]
    fn ordinary_passphrases_pass() {
        for good in [
            "long enough now",
            "a-long-new-password",
            "con mèo đen ngủ trưa",
            "Tr4u-v@ng-Mu0ng-Nhe",
        ] {
            assert_eq!(check(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn the_common_list_is_lower_case_and_long_enough_to_matter() {
        for word in COMMON {
            assert_eq!(*word, word.to_lowercase());
            assert!(
                word.chars().count() >= MIN_CHARS,
                "{word} is refused by length already"
            );
        }
    }
}
