//! The key table of a check (`RowChecker`): a key's 64-bit hash → the row it was first seen on, so a repeated key
//! names its first row.
//!
//! It grows with the file (a row each) and is looked at once a row, at a random place: at a million keys the looks
//! cost a third of the checking worker's check, most of it waiting for memory. So it is `SHARDS` small tables,
//! picked by the hash's top bits (one that grows moves a few thousand keys, never a million at once: no need to know
//! the number of rows first), each open-addressed with linear probing, a slot holding the hash's two halves and the
//! row side by side (12 bytes): a look reads one place in memory, where the standard table read its tags, then its
//! slot, two. Invariant: `first_or_insert` gives the row given with the first insert of the same hash, whatever
//! the tables' growth.

/// Tables in `FirstRows`. Each holds a power of two of slots, at most 7/8 of them used: with 320 tables, 1 and 2
/// million keys fill 76% of their slots (4,096 and 8,192 a table; 16 and 31 MB in all), and the fullest of them
/// stays under 7/8 by far.
const SHARDS: usize = 320;

/// Slots of a table when its first key comes.
const FIRST_SLOTS: usize = 16;

pub(super) struct FirstRows {
    shards: Vec<Shard>,
}

/// One table: `slots.len()` a power of two (or none yet); a slot is `[hash >> 32, hash as u32, row + 1]`, its third
/// value 0 when empty.
#[derive(Default)]
struct Shard {
    slots: Vec<[u32; 3]>,
    len: usize,
}

impl FirstRows {
    pub(super) fn new() -> FirstRows {
        FirstRows { shards: (0..SHARDS).map(|_| Shard::default()).collect() }
    }

    /// Makes room for about `rows` keys in all (a table that gets more than its share grows a little).
    pub(super) fn reserve(&mut self, rows: usize) {
        let share = rows / SHARDS + rows / SHARDS / 16;
        for shard in &mut self.shards {
            shard.reserve(share);
        }
    }

    /// The row the key with 64-bit `hash` was first seen on; `None` the first time, when `row` is kept as its
    /// first. Bits 40-63 pick the table, bits 0-31 the slot.
    pub(super) fn first_or_insert(&mut self, hash: u64, row: u32) -> Option<u32> {
        let shard = (((hash >> 40) * SHARDS as u64) >> 24) as usize;
        self.shards[shard.min(SHARDS - 1)].first_or_insert(hash, row)
    }
}

impl Shard {
    fn first_or_insert(&mut self, hash: u64, row: u32) -> Option<u32> {
        if (self.len + 1) * 8 > self.slots.len() * 7 {
            self.rebuild((self.slots.len() * 2).max(FIRST_SLOTS));
        }
        let mask = self.slots.len() - 1;
        let (high, low) = ((hash >> 32) as u32, hash as u32);
        let mut at = low as usize & mask;
        loop {
            let slot = &mut self.slots[at];
            if slot[2] == 0 {
                // A row past u32::MAX - 1 (no file has one) is kept as u32::MAX - 1.
                *slot = [high, low, row.saturating_add(1)];
                self.len += 1;
                return None;
            }
            if slot[0] == high && slot[1] == low {
                return Some(slot[2] - 1);
            }
            at = (at + 1) & mask;
        }
    }

    /// Room for `keys` keys without growing.
    fn reserve(&mut self, keys: usize) {
        let mut slots = FIRST_SLOTS;
        while keys * 8 > slots * 7 {
            slots *= 2;
        }
        if slots > self.slots.len() {
            self.rebuild(slots);
        }
    }

    /// The same keys in `slots` slots.
    fn rebuild(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![[0; 3]; slots]);
        self.len = 0;
        for [high, low, row] in old.into_iter().filter(|slot| slot[2] != 0) {
            self.first_or_insert((u64::from(high) << 32) | u64::from(low), row - 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn a_million_keys_fill_every_key_table_to_the_same_size() {
        let mut first = FirstRows::new();
        for i in 0..1_000_000u32 {
            let hash = xxhash_rust::xxh3::xxh3_64(format!("person{i}@example.com").as_bytes());
            assert_eq!(first.first_or_insert(hash, i), None, "{i}");
        }
        let sizes: Vec<usize> = first.shards.iter().map(|s| s.len).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 1_000_000);
        // 4,096 slots each, 3,584 of them usable: none had to double.
        assert!(first.shards.iter().all(|s| s.slots.len() == 4096), "{:?}", sizes.iter().max());
    }

    #[test]
    fn the_first_row_of_each_key_is_given_back_through_growth_and_reserve() {
        // Hashes chosen to meet: the same table (top bits) and the same slots (low bits), and the same halves apart.
        let hashes: Vec<u64> = (0..20_000u64)
            .map(|i| match i % 4 {
                0 => xxhash_rust::xxh3::xxh3_64(&i.to_le_bytes()),
                1 => (7 << 40) | (i << 8),
                2 => (7 << 40) | (i << 32) | 5,
                _ => i << 32,
            })
            .collect();
        let mut first = FirstRows::new();
        let mut expected: HashMap<u64, u32> = HashMap::new();
        for (row, hash) in hashes.iter().chain(&hashes).chain(&hashes[..100]).enumerate() {
            let row = row as u32;
            assert_eq!(first.first_or_insert(*hash, row), expected.get(hash).copied(), "{hash:#x}");
            expected.entry(*hash).or_insert(row);
            if row == 5_000 {
                first.reserve(50_000);
            }
        }
        assert_eq!(first.shards.iter().map(|s| s.len).sum::<usize>(), expected.len());
        assert_eq!(first.first_or_insert(0, u32::MAX), None);
        assert_eq!(first.first_or_insert(0, 1), Some(u32::MAX - 1), "kept as the last row a table can name");
    }
}
