//! The audit trail: an append-only, hash-chained log of every change.
//!
//! Each entry's hash covers its own content and the previous entry's hash, so
//! changing, removing or reordering any stored entry breaks every hash after it.
//! Verification recomputes the chain and names the first entry that does not match.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash that the first entry chains to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry, with everything the hash covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position in the chain: 1, 2, 3… with no gaps.
    pub seq: i64,
    /// Instants are kept to whole microseconds so that both databases store them exactly.
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_username: String,
    pub request_id: String,
    pub ip: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// JSON text of the record before the change (None for creations and reads).
    pub before: Option<String>,
    /// JSON text of the record after the change (None for deletions and reads).
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The content of an entry before it is placed in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditDraft {
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_username: String,
    pub request_id: String,
    pub ip: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl AuditDraft {
    /// Places the draft after the entry (`prev_seq`, `prev_hash`).
    pub fn chain(self, prev_seq: i64, prev_hash: &str) -> AuditEntry {
        let mut e = AuditEntry {
            seq: prev_seq + 1,
            at: self.at,
            actor_user_id: self.actor_user_id,
            actor_username: self.actor_username,
            request_id: self.request_id,
            ip: self.ip,
            action: self.action,
            entity_type: self.entity_type,
            entity_id: self.entity_id,
            before: self.before,
            after: self.after,
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        e.hash = compute_hash(&e);
        e
    }
}

/// SHA-256 over an unambiguous encoding (a JSON array) of every field but `hash`.
pub fn compute_hash(e: &AuditEntry) -> String {
    let canonical = serde_json::json!([
        e.seq,
        e.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        e.actor_user_id,
        e.actor_username,
        e.request_id,
        e.ip,
        e.action,
        e.entity_type,
        e.entity_id,
        e.before,
        e.after,
        e.prev_hash,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Why the chain is broken at an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry's content no longer matches its hash: it was edited.
    ContentChanged { seq: i64 },
    /// The entry does not point at its predecessor: one was removed or reordered.
    LinkBroken { seq: i64 },
    /// A sequence number is missing before this entry.
    Gap { expected: i64, found: i64 },
    /// The chain's recorded head does not match its last entry (entries removed at the end).
    HeadMismatch { head_seq: i64, last_seq: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ContentChanged { seq } => write!(
                f,
                "audit entry {seq} was changed after it was written (its hash does not match its content)"
            ),
            Self::LinkBroken { seq } => write!(
                f,
                "audit entry {seq} does not chain to the entry before it (an entry was removed or replaced)"
            ),
            Self::Gap { expected, found } => write!(
                f,
                "audit entry {expected} is missing (the next entry found is {found})"
            ),
            Self::HeadMismatch { head_seq, last_seq } => write!(
                f,
                "the audit chain should end at entry {head_seq} but its last entry is {last_seq} (entries were removed)"
            ),
        }
    }
}

/// Incremental verifier, so that a long chain can be checked in pages.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_owned(),
        }
    }
}

impl ChainVerifier {
    /// Checks the next entry in sequence order.
    pub fn check(&mut self, e: &AuditEntry) -> Result<(), ChainBreak> {
        if e.seq != self.expected_seq {
            return Err(ChainBreak::Gap {
                expected: self.expected_seq,
                found: e.seq,
            });
        }
        if compute_hash(e) != e.hash {
            return Err(ChainBreak::ContentChanged { seq: e.seq });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainBreak::LinkBroken { seq: e.seq });
        }
        self.expected_seq += 1;
        self.prev_hash.clone_from(&e.hash);
        Ok(())
    }

    /// Ends verification against the recorded head of the chain.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last_seq = self.expected_seq - 1;
        if head_seq != last_seq || head_hash != self.prev_hash {
            return Err(ChainBreak::HeadMismatch { head_seq, last_seq });
        }
        Ok(last_seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn draft(n: i64) -> AuditDraft {
        AuditDraft {
            at: Utc
                .with_ymd_and_hms(2024, 3, 1, 8, 0, 0)
                .single()
                .expect("valid date")
                + chrono::Duration::microseconds(n),
            actor_user_id: Some(1),
            actor_username: "admin".into(),
            request_id: format!("req-{n}"),
            ip: "127.0.0.1".into(),
            action: "unit.update".into(),
            entity_type: "unit".into(),
            entity_id: "7".into(),
            before: Some(r#"{"name":"旧"}"#.into()),
            after: Some(r#"{"name":"新"}"#.into()),
        }
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let (seq, hash) = out
                .last()
                .map_or((0, GENESIS_HASH.to_owned()), |e| (e.seq, e.hash.clone()));
            out.push(draft(i).chain(seq, &hash));
        }
        out
    }

    fn verify(entries: &[AuditEntry], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.check(e)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        let last = c.last().expect("non-empty");
        assert_eq!(verify(&c, (5, &last.hash)), Ok(5));
        assert_eq!(verify(&[], (0, GENESIS_HASH)), Ok(0));
    }

    #[test]
    fn edited_entry_is_named() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c[2].after = Some(r#"{"name":"篡改"}"#.into());
        assert_eq!(
            verify(&c, (5, &head)),
            Err(ChainBreak::ContentChanged { seq: 3 })
        );
    }

    #[test]
    fn rehashed_edit_breaks_the_next_link() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c[2].ip = "10.0.0.1".into();
        c[2].hash = compute_hash(&c[2]);
        assert_eq!(
            verify(&c, (5, &head)),
            Err(ChainBreak::LinkBroken { seq: 4 })
        );
    }

    #[test]
    fn removed_entries_are_found() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c.remove(1);
        assert_eq!(
            verify(&c, (5, &head)),
            Err(ChainBreak::Gap {
                expected: 2,
                found: 3
            })
        );
        let mut c = chain(5);
        c.pop();
        assert_eq!(
            verify(&c, (5, &head)),
            Err(ChainBreak::HeadMismatch {
                head_seq: 5,
                last_seq: 4
            })
        );
    }
}
