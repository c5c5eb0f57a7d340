//! Passwords are kept as argon2id PHC strings with the crate's default parameters
//! (19 MiB, 2 passes): slow enough to make a stolen table expensive to guess, quick
//! enough for a login. Hashing and checking take tens of milliseconds of CPU, so
//! callers run them on the blocking pool.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::ApiError;

pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longer input would only make hashing a denial of service.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// `422 weak_password` unless `password` is long enough (and not absurdly long).
pub fn check_strength(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::new(
            422,
            "weak_password",
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::new(
            422,
            "weak_password",
            format!("a password may have at most {MAX_PASSWORD_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// The PHC string of `password` with a fresh random salt.
pub fn hash(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| ApiError::unavailable(format!("no random source for a salt: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| ApiError::unavailable(format!("cannot encode a salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::unavailable(format!("cannot hash the password: {e}")))
}

/// Whether `password` matches `phc`; a damaged hash matches nothing.
pub fn verify(password: &str, phc: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`hash`] on the blocking pool.
pub async fn hash_blocking(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| ApiError::unavailable(format!("password hashing stopped: {e}")))?
}

/// [`verify`] on the blocking pool.
pub async fn verify_blocking(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || verify(&password, &phc))
        .await
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let phc = hash("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("correct horse batterz", &phc));
        assert!(!verify("correct horse battery", "not a hash"));
    }

    #[test]
    fn short_passwords_are_weak() {
        assert_eq!(
            check_strength("123456789").unwrap_err().code,
            "weak_password"
        );
        assert!(check_strength("值班密码很长很长的口令").is_ok());
    }
}
