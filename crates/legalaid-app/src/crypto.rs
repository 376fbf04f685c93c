//! Protection of sensitive fields at rest.
//!
//! One 256-bit master key (from `LEGALAID_DATA_KEY` or the data directory's key
//! file) derives two keys: one encrypts values with AES-256-GCM (a random 96-bit
//! nonce per value, stored as `v1:` + base64(nonce ‖ ciphertext)), the other makes
//! keyed hashes (HMAC-SHA256) that allow exact lookup without decrypting.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

pub struct FieldCipher {
    aead: Aes256Gcm,
    index_key: [u8; 32],
}

impl std::fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FieldCipher(..)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the data key must be 64 hexadecimal characters (32 bytes)")]
    BadKey,
    #[error("a stored value could not be decrypted (wrong data key, or the value was altered)")]
    Decrypt,
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    // HMAC as a key-derivation function: distinct keys for distinct purposes.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC accepts any key length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

impl FieldCipher {
    pub fn from_key(master: &[u8; 32]) -> Self {
        let enc = derive(master, b"legalaid field encryption v1");
        Self {
            aead: Aes256Gcm::new_from_slice(&enc).expect("a 32-byte key is valid for AES-256"),
            index_key: derive(master, b"legalaid blind index v1"),
        }
    }

    /// Parses a master key written as 64 hex characters.
    pub fn from_hex(hex_key: &str) -> Result<Self, CryptoError> {
        let bytes = hex::decode(hex_key.trim()).map_err(|_| CryptoError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadKey)?;
        Ok(Self::from_key(&key))
    }

    /// A new random master key, as hex (for the key file).
    pub fn generate_hex() -> String {
        crate::auth::random_secret()
    }

    pub fn encrypt(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).expect("operating system random source is available");
        let ct = self
            .aead
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .expect("AES-GCM encryption of a short value cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        format!("v1:{}", B64.encode(out))
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, CryptoError> {
        let raw = B64
            .decode(stored.strip_prefix("v1:").ok_or(CryptoError::Decrypt)?)
            .map_err(|_| CryptoError::Decrypt)?;
        if raw.len() < 12 {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, ct) = raw.split_at(12);
        let plain = self
            .aead
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Decrypt)
    }

    /// A keyed hash for exact lookup.
    pub fn index(&self, value: &str) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.index_key)
            .expect("HMAC accepts any key length");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_random_nonces_and_stable_index() {
        let c = FieldCipher::from_hex(&FieldCipher::generate_hex()).expect("key");
        let a = c.encrypt("11010519491231002X");
        let b = c.encrypt("11010519491231002X");
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains("1101051949"), "no plain text");
        assert_eq!(c.decrypt(&a).expect("decrypt"), "11010519491231002X");
        assert_eq!(c.index("x"), c.index("x"));
        assert_ne!(c.index("x"), c.index("y"));
    }

    #[test]
    fn wrong_key_or_altered_value_fails() {
        let c = FieldCipher::from_hex(&FieldCipher::generate_hex()).expect("key");
        let other = FieldCipher::from_hex(&FieldCipher::generate_hex()).expect("key");
        let v = c.encrypt("secret");
        assert!(other.decrypt(&v).is_err());
        let mut altered = v.clone();
        altered.pop();
        altered.push(if v.ends_with('A') { 'B' } else { 'A' });
        assert!(c.decrypt(&altered).is_err());
        assert!(FieldCipher::from_hex("abc").is_err());
    }
}
