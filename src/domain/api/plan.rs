//! Which rows go to CSM, in which batches, under which Idempotency-Keys, and the fingerprint that says whether an
//! interrupted import can be resumed.
//!
//! Owns `SendRow`, `Batch`, key making and the fingerprint. Batches are cut in row order: first the test batch
//! (the first `TEST_BATCH` rows, when the admin asks for it), then batches of at most `MAX_BATCH` over the rest.
//! Keys come from caller-supplied random bytes (the browser's crypto), so this file stays deterministic.
//! The fingerprint hashes exactly what would be sent (entity, operation, every profile's body), so two runs share
//! it only when resending a batch would send the same bytes under the same key.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::payload::{bulk_body, profile, Operation, Profile};
use crate::domain::prepare::Prepared;
use crate::domain::schema::{Entity, Schema};

/// A valid row on its way to CSM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendRow {
    /// Index into the source table's records (for the failed-rows file).
    pub record: usize,
    /// The row number a spreadsheet shows.
    pub row: u64,
    pub profile: Profile,
}

/// Every valid row, in file order.
pub fn send_rows(prepared: &Prepared, schema: &Schema) -> Vec<SendRow> {
    prepared
        .valid_rows()
        .map(|r| SendRow { record: r.record, row: r.row, profile: profile(schema, &prepared.columns, &r) })
        .collect()
}

/// A slice of the send rows under one Idempotency-Key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// Index of its first row in the send rows.
    pub first: usize,
    pub len: usize,
    pub key: String,
}

impl Batch {
    pub fn range(&self) -> std::ops::Range<usize> {
        self.first..self.first + self.len
    }

    /// The request body for this batch.
    pub fn body(&self, entity: Entity, operation: Operation, rows: &[SendRow]) -> String {
        let profiles: Vec<&Profile> = rows.get(self.range()).unwrap_or_default().iter().map(|r| &r.profile).collect();
        bulk_body(entity, operation, &profiles)
    }
}

/// A version-4 UUID from 16 random bytes.
pub fn idempotency_key(random: [u8; 16]) -> String {
    uuid::Builder::from_random_bytes(random).into_uuid().hyphenated().to_string()
}

/// Batches covering rows `from..to` (at most `MAX_BATCH` each), with a fresh key each.
pub fn batches(from: usize, to: usize, size: usize, mut random: impl FnMut() -> [u8; 16]) -> Vec<Batch> {
    let size = size.max(1);
    (from..to)
        .step_by(size)
        .map(|first| Batch { first, len: size.min(to - first), key: idempotency_key(random()) })
        .collect()
}

/// The hex SHA-256 of what would be sent. Cell values go into the hash only, never into storage.
pub fn fingerprint(entity: Entity, operation: Operation, rows: &[SendRow]) -> String {
    let mut hash = Sha256::new();
    hash.update(entity.noun().as_bytes());
    hash.update(format!("{operation:?}").as_bytes());
    for r in rows {
        hash.update(bulk_body(entity, operation, &[&r.profile]).as_bytes());
        hash.update([0]);
    }
    hex(&hash.finalize())
}

/// The hex SHA-256 of the file's bytes: recognises the same file on a later visit, before any mapping.
pub fn file_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::api::MAX_BATCH;

    fn counter() -> impl FnMut() -> [u8; 16] {
        let mut n = 0u8;
        move || {
            n += 1;
            [n; 16]
        }
    }

    #[test]
    fn keys_are_version_4_uuids() {
        let k = idempotency_key([7; 16]);
        assert_eq!(k.len(), 36);
        assert_eq!(&k[14..15], "4", "{k}");
    }

    #[test]
    fn rows_are_cut_into_batches_of_at_most_100_with_distinct_keys() {
        let b = batches(10, 1_000, MAX_BATCH, counter());
        assert_eq!(b.len(), 10);
        assert_eq!((b[0].first, b[0].len), (10, 100));
        assert_eq!((b[9].first, b[9].len), (910, 90));
        let mut keys: Vec<&str> = b.iter().map(|b| b.key.as_str()).collect();
        keys.dedup();
        assert_eq!(keys.len(), 10);
        assert!(batches(5, 5, MAX_BATCH, counter()).is_empty());
    }

    #[test]
    fn the_fingerprint_changes_with_any_value_and_with_the_operation() {
        let row = |key: &str| SendRow {
            record: 0,
            row: 2,
            profile: Profile { key: key.into(), display_name: None, details: vec![] },
        };
        let a = fingerprint(Entity::Customers, Operation::Create, &[row("a@b.co")]);
        assert_eq!(a, fingerprint(Entity::Customers, Operation::Create, &[row("a@b.co")]));
        assert_ne!(a, fingerprint(Entity::Customers, Operation::Create, &[row("c@b.co")]));
        assert_ne!(a, fingerprint(Entity::Customers, Operation::Upsert, &[row("a@b.co")]));
        assert_eq!(a.len(), 64);
    }
}
