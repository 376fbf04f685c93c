//! Password hashing with a bounded cost.
//!
//! Argon2id with the default parameters needs 19 MiB of memory and tens of
//! milliseconds of one core per hash. Run for every sign-in without a bound, a burst
//! of sign-ins (or guesses) takes as much memory as there are requests and keeps it,
//! since the allocator holds on to the freed blocks. So hashes run on at most one
//! worker per core, each with a memory buffer that is allocated once and reused; a
//! short queue waits for a worker and anything beyond it is answered "busy" at once.
//! Memory for hashing therefore never exceeds workers × 19 MiB, whatever the load.

use crate::{AppError, AppResult};
use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Stored hashes asking for more memory than this are refused (a corrupt or
/// hostile hash must not make the server allocate gigabytes).
const MAX_MEMORY_KIB: u32 = 256 * 1024;

/// How long a queued hash waits for a worker before it is answered "busy".
const QUEUE_WAIT: Duration = Duration::from_secs(10);

pub struct Hasher {
    workers: tokio::sync::Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
    /// One buffer per worker that has run, reused by the next.
    buffers: Mutex<Vec<Vec<Block>>>,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher")
            .field("available", &self.workers.available_permits())
            .field("waiting", &self.waiting.load(Ordering::Relaxed))
            .finish()
    }
}

impl Hasher {
    /// `workers` hashes at once, `max_waiting` more waiting for a worker.
    pub fn new(workers: usize, max_waiting: usize) -> Self {
        Self {
            workers: tokio::sync::Semaphore::new(workers.max(1)),
            waiting: AtomicUsize::new(0),
            max_waiting,
            buffers: Mutex::new(Vec::new()),
        }
    }

    /// One worker per core, and a queue of four per worker.
    pub fn from_cores() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Self::new(cores, cores * 4)
    }

    /// Hashes a new password (Argon2id, default parameters, random salt) into its
    /// PHC string.
    pub async fn hash(&self, password: String) -> AppResult<String> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| AppError::Internal(e.to_string()))?;
        self.run(move |blocks| {
            let params = Params::default();
            let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
            let mut raw = [0u8; 64];
            let raw = salt.decode_b64(&mut raw).map_err(|e| e.to_string())?;
            let out = compute(
                blocks,
                Algorithm::Argon2id,
                Version::V0x13,
                &params,
                &password,
                raw,
                Params::DEFAULT_OUTPUT_LEN,
            )
            .ok_or("Argon2 failed")?;
            let phc = PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: (&params)
                    .try_into()
                    .map_err(|e: argon2::password_hash::Error| e.to_string())?,
                salt: Some(salt.as_salt()),
                hash: Some(out),
            };
            Ok::<_, String>(phc.to_string())
        })
        .await?
        .map_err(AppError::Internal)
    }

    /// Whether `password` matches the PHC string `hash`; false for a malformed hash.
    pub async fn verify(&self, password: String, hash: String) -> AppResult<bool> {
        self.run(move |blocks| verify_with(blocks, &password, &hash).unwrap_or(false))
            .await
    }

    /// Runs `f` on a worker with a reused buffer, or answers busy.
    async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Vec<Block>) -> R + Send + 'static,
    ) -> AppResult<R> {
        let permit = match self.workers.try_acquire() {
            Ok(p) => p,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    return Err(busy());
                }
                let waited = tokio::time::timeout(QUEUE_WAIT, self.workers.acquire()).await;
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                match waited {
                    Ok(Ok(p)) => p,
                    _ => return Err(busy()),
                }
            }
        };
        let mut buffer = self
            .buffers
            .lock()
            .map_err(|_| AppError::Internal("hash buffers poisoned".into()))?
            .pop()
            .unwrap_or_default();
        let (r, buffer) = tokio::task::spawn_blocking(move || {
            let r = f(&mut buffer);
            (r, buffer)
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
        if let Ok(mut b) = self.buffers.lock() {
            b.push(buffer);
        }
        drop(permit);
        Ok(r)
    }
}

fn busy() -> AppError {
    AppError::Busy {
        retry_after_secs: 2,
    }
}

/// The first `n` blocks of the buffer, grown (once) when it is too small.
fn sized(blocks: &mut Vec<Block>, n: usize) -> &mut [Block] {
    if blocks.len() < n {
        blocks.resize(n, Block::default());
    }
    &mut blocks[..n]
}

fn verify_with(blocks: &mut Vec<Block>, password: &str, phc: &str) -> Option<bool> {
    let parsed = PasswordHash::new(phc).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
    let version = parsed
        .version
        .map_or(Some(Version::V0x13), |v| Version::try_from(v).ok())?;
    let params = Params::try_from(&parsed).ok()?;
    if params.m_cost() > MAX_MEMORY_KIB {
        return None;
    }
    let expected = parsed.hash?;
    let mut salt = [0u8; 64];
    let salt = parsed.salt?.decode_b64(&mut salt).ok()?;
    let out = compute(
        blocks,
        algorithm,
        version,
        &params,
        password,
        salt,
        expected.len(),
    )?;
    // Output's equality is constant-time.
    Some(out == expected)
}

/// One Argon2 hash of `password`, computed in the reused `blocks`.
fn compute(
    blocks: &mut Vec<Block>,
    algorithm: Algorithm,
    version: Version,
    params: &Params,
    password: &str,
    salt: &[u8],
    len: usize,
) -> Option<Output> {
    let argon = Argon2::new(algorithm, version, params.clone());
    Output::init_with(len, |out| {
        argon
            .hash_password_into_with_memory(
                password.as_bytes(),
                salt,
                out,
                sized(blocks, params.block_count()),
            )
            .map_err(|_| argon2::password_hash::Error::Crypto)
    })
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordVerifier;

    #[tokio::test]
    async fn hashes_verify_both_ways_with_the_standard_implementation() {
        let h = Hasher::new(1, 1);
        let ours = h.hash("Yeji#2024pass".into()).await.expect("hash");
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        assert_ne!(
            ours,
            h.hash("Yeji#2024pass".into()).await.expect("hash"),
            "salted"
        );
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(
            Argon2::default()
                .verify_password(b"Yeji#2024pass", &parsed)
                .is_ok()
        );
        assert!(
            h.verify("Yeji#2024pass".into(), ours.clone())
                .await
                .expect("verify")
        );
        assert!(
            !h.verify("yeji#2024pass".into(), ours)
                .await
                .expect("verify")
        );
        // A hash made elsewhere with other parameters still verifies.
        let salt = SaltString::encode_b64(b"0123456789abcdef").expect("salt");
        let other = argon2::password_hash::PasswordHasher::hash_password(
            &Argon2::new(
                Algorithm::Argon2id,
                Version::V0x13,
                Params::new(8 * 1024, 3, 1, None).expect("params"),
            ),
            b"other",
            &salt,
        )
        .expect("hash")
        .to_string();
        assert!(h.verify("other".into(), other).await.expect("verify"));
        assert!(
            !h.verify("x".into(), "not a hash".into())
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn a_burst_beyond_the_queue_is_answered_busy_and_the_queue_drains() {
        let h = std::sync::Arc::new(Hasher::new(1, 1));
        // The one worker is taken.
        let held = h.workers.try_acquire().expect("free worker");
        let queued = {
            let h = h.clone();
            tokio::spawn(async move { h.verify("p".into(), String::new()).await })
        };
        while h.waiting.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // The queue (of one) is full: the next is refused at once.
        assert!(matches!(
            h.verify("q".into(), String::new()).await,
            Err(AppError::Busy { .. })
        ));
        drop(held);
        assert!(
            !queued
                .await
                .expect("join")
                .expect("ran once a worker was free")
        );
        assert_eq!(h.waiting.load(Ordering::SeqCst), 0);
    }
}
