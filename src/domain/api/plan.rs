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
    let mut hash = SendHash::new(entity, operation);
    for r in rows {
        hash.add(&r.profile);
    }
    hash.finish()
}

/// `fingerprint` fed a profile at a time (`send_plan::SendPlanJob`).
pub(crate) struct SendHash {
    entity: Entity,
    operation: Operation,
    hash: Sha256,
}

impl SendHash {
    pub(crate) fn new(entity: Entity, operation: Operation) -> SendHash {
        let mut hash = Sha256::new();
        hash.update(entity.noun().as_bytes());
        hash.update(format!("{operation:?}").as_bytes());
        SendHash { entity, operation, hash }
    }

    pub(crate) fn add(&mut self, profile: &Profile) {
        self.hash.update(bulk_body(self.entity, self.operation, &[profile]).as_bytes());
        self.hash.update([0]);
    }

    pub(crate) fn finish(self) -> String {
        hex(&self.hash.finalize())
    }
}

/// Bytes at each end of a file that its fingerprint reads.
pub const FILE_SPAN: u64 = 1 << 20;

/// Where the fingerprint of a file of `size` bytes reads: its first and its last `FILE_SPAN` bytes (they overlap,
/// or are the whole file, when it is small).
pub fn file_spans(size: u64) -> [std::ops::Range<u64>; 2] {
    [0..size.min(FILE_SPAN), size.saturating_sub(FILE_SPAN)..size]
}

/// Recognises the same file on a later visit, before any mapping: the hex SHA-256 of its size and of the bytes in
/// `file_spans` (`head`, `tail`). Two slices cost nothing for a file of any size, where hashing 600 MB would take
/// seconds. A different file with the same size, start and end would pass for this one; that only shows the hint of
/// an unfinished import, since resuming checks the rows themselves (`fingerprint`).
pub fn file_fingerprint(size: u64, head: &[u8], tail: &[u8]) -> String {
    let mut fingerprint = FileFingerprint::new(size);
    fingerprint.update(head);
    fingerprint.update(tail);
    fingerprint.finish()
}

/// `file_fingerprint` fed a piece at a time (the page hashes 2 MiB in slices: SHA-256 in wasm takes tens of ms a
/// MiB). Feed the head, then the tail, in order, in pieces of any size.
pub struct FileFingerprint(Sha256);

impl FileFingerprint {
    pub fn new(size: u64) -> FileFingerprint {
        let mut hash = Sha256::new();
        hash.update(size.to_le_bytes());
        FileFingerprint(hash)
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

/// `file_fingerprint` of a file in memory.
pub fn file_hash(bytes: &[u8]) -> String {
    let [head, tail] = file_spans(bytes.len() as u64).map(|r| &bytes[r.start as usize..r.end as usize]);
    file_fingerprint(bytes.len() as u64, head, tail)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::api::MAX_BATCH;

    #[test]
    fn a_file_is_recognised_by_its_size_and_both_ends() {
        let big: Vec<u8> = (0..3 * FILE_SPAN).map(|i| (i % 251) as u8).collect();
        let [head, tail] = file_spans(big.len() as u64);
        assert_eq!((head, tail.clone()), (0..FILE_SPAN, 2 * FILE_SPAN..3 * FILE_SPAN));
        let mut middle_changed = big.clone();
        middle_changed[FILE_SPAN as usize + 5] ^= 1;
        assert_eq!(file_hash(&middle_changed), file_hash(&big), "only the ends are read");
        let mut end_changed = big.clone();
        end_changed[tail.start as usize] ^= 1;
        assert_ne!(file_hash(&end_changed), file_hash(&big));
        assert_ne!(file_hash(&big[1..]), file_hash(&big));
        assert_ne!(file_hash(b"a,b\n1,2\n"), file_hash(b"a,b\n1,3\n"));
        assert_eq!(file_spans(10), [0..10, 0..10]);
        // Fed in pieces (as the page hashes it, a slice a turn), the fingerprint is the same.
        let mut pieces = FileFingerprint::new(big.len() as u64);
        for piece in big[..FILE_SPAN as usize].chunks(100_000).chain(big[tail.start as usize..].chunks(7_777)) {
            pieces.update(piece);
        }
        assert_eq!(pieces.finish(), file_hash(&big));
    }

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
