//! What a `ReadScan` running in a Web Worker and the page say to each other, as plain bytes: the request (which
//! encoding and delimiter the admin chose), and the scan's messages (a batch of records with the progress so far,
//! "start again", and how it ended).
//!
//! Owns the format and nothing else. Records travel laid out as the table's open block keeps them (`RowBlock`:
//! positions and cell lengths, then the text), so the page checks them and packs them as they are. Invariant (tested): a record decoded is
//! equal to the one `StreamRecord::to_cells` gives; a damaged message is an error, never a wrong record.

use encoding_rs::Encoding;
use serde::{Deserialize, Serialize};

use super::export_order::ExportOrder;
use super::kept_columns::KeptColumns;
use super::read_scan::{Decided, ScanProgress, Scanned};
use super::reread::FileIndex;
use crate::domain::edits::Edits;
use crate::domain::mapping::Mapping;
use crate::domain::read::{ReadError, ReadOptions};
use crate::domain::schema::Schema;
use crate::domain::stream::StreamRecord;
use crate::domain::table::{pack_block, CheckedBlock, RowBlock};

/// What ends a scan in the worker besides the file's own content.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// A message that could not be read: the worker and the page disagree, which no file can cause.
    #[error(
        "The part of this page that reads files in the background sent something the page could not understand. \
         Reload the page (your file stays on your computer) and load the file again."
    )]
    Garbled,
    /// The browser could not read the file in the worker: its words.
    #[error(
        "The browser could not read the file ({0}). Check that the file is not open in another program, then choose \
         it again."
    )]
    Unreadable(String),
}

/// What the page asks the worker to scan the file with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanRequest {
    /// The chosen encoding's name, if the admin chose one.
    pub encoding: Option<String>,
    pub delimiter: Option<u8>,
    /// The page keeps only a few blocks of the table and reads the others again from the file: the worker then
    /// never packs blocks (they are not kept) and sends the file's index (`ScanMessage::Index`).
    #[serde(default)]
    pub in_file: bool,
    /// The page keeps the table in memory but wants the file's index too (`ScanMessage::Index`): it proves later
    /// that the file is still the one read (`ExportOrder`), when the workers write the download from it.
    #[serde(default)]
    pub indexed: bool,
    /// The schema to check and count the rows for as they are parsed (`ScanChecks`), when the page asks the worker
    /// to: it then gets what they found (`ScanMessage::Found`), not the rows' checks to make itself.
    #[serde(default)]
    pub schema: Option<Schema>,
    /// The header row the admin chose, for that check.
    #[serde(default)]
    pub header_row: Option<u64>,
    /// The admin's mapping and edits to check the rows with, instead of the suggested mapping (a file loaded
    /// already, checked again after a change): nothing is counted then.
    #[serde(default)]
    pub given: Option<GivenCheck>,
    /// The import download to write from the records, in the worker that takes them (`ExportStream`): the page then
    /// gets its bytes and news, not the records.
    #[serde(default)]
    pub export: Option<ExportOrder>,
}

/// The admin's inputs for a check in the worker (`ScanRequest::checked_with`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GivenCheck {
    pub mapping: Mapping,
    #[serde(with = "crate::domain::edits::as_list")]
    pub edits: Edits,
}

impl GivenCheck {
    pub fn new(mapping: Mapping, edits: &Edits) -> GivenCheck {
        GivenCheck { mapping, edits: edits.clone() }
    }
}

impl ScanRequest {
    pub fn of(options: &ReadOptions) -> ScanRequest {
        ScanRequest {
            encoding: options.encoding.map(|e| e.name().to_owned()),
            delimiter: options.delimiter,
            in_file: false,
            indexed: false,
            schema: None,
            header_row: options.header_row,
            given: None,
            export: None,
        }
    }

    /// The same request, asking the worker that takes the records to write the import download `order` describes
    /// from them (`ExportStream`) instead of sending them on.
    pub fn exported(self, order: ExportOrder) -> ScanRequest {
        ScanRequest { export: Some(order), ..self }
    }

    /// The same request, asking the worker to check and count the rows for `schema` (`ScanChecks`).
    pub fn checked_for(self, schema: Schema) -> ScanRequest {
        ScanRequest { schema: Some(schema), ..self }
    }

    /// The same request, asking the worker to check the rows for `schema` with the admin's `mapping` and `edits`
    /// (`ScanChecks::given`), and to count nothing.
    pub fn checked_with(self, schema: Schema, mapping: Mapping, edits: &Edits) -> ScanRequest {
        ScanRequest { schema: Some(schema), given: Some(GivenCheck::new(mapping, edits)), ..self }
    }

    /// The same request, asking for the file's index at the end (`indexed`).
    pub fn indexed(self) -> ScanRequest {
        ScanRequest { indexed: true, ..self }
    }

    /// The same request, for a page that keeps the table's blocks in the file (`in_file`).
    pub fn in_file(self) -> ScanRequest {
        ScanRequest { in_file: true, ..self }
    }

    /// The options the scan needs (the others only matter to the table, put together on the page).
    pub fn options(&self) -> Result<ReadOptions, WireError> {
        let encoding = match &self.encoding {
            Some(name) => Some(Encoding::for_label(name.as_bytes()).ok_or(WireError::Garbled)?),
            None => None,
        };
        Ok(ReadOptions { encoding, delimiter: self.delimiter, ..ReadOptions::default() })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(json: &str) -> Result<ScanRequest, WireError> {
        serde_json::from_str(json).map_err(|_| WireError::Garbled)
    }
}

/// Records parsed since the last message, laid out as the table's open block keeps them (`RowBlock`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordBatch {
    block: RowBlock,
}

impl RecordBatch {
    pub fn push(&mut self, record: &StreamRecord<'_>) {
        let (text, ends) = record.text_and_ends();
        self.block.push_bytes(record.pos, text, ends, || record.to_cells());
    }

    /// Records so far.
    pub fn len(&self) -> usize {
        self.block.rows()
    }

    /// The same records with only the values of the `kept` columns (`RowBlock::keeping`).
    pub fn keeping(&self, kept: &KeptColumns) -> RecordBatch {
        RecordBatch { block: self.block.keeping(|column| kept.keeps(column)) }
    }

    pub fn is_empty(&self) -> bool {
        self.block.is_empty()
    }

    /// The records as a message carries them.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.block.encode()
    }

    /// The records as a whole `Records` message, but for its progress, set once known (`ScanMessage::set_progress`):
    /// the block is written once, after room for the message's head, not written and then copied into a message.
    pub fn into_message(self) -> Vec<u8> {
        let mut head = vec![0; MESSAGE_HEAD];
        head[0] = RECORDS;
        self.block.encode_after(head)
    }

    /// The records packed as the table keeps them (`table::pack_block`), for a `Packed` message.
    pub fn into_packed(self) -> Vec<u8> {
        pack_block(self.block)
    }
}

/// Laid-out records, borrowed from a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Batch<'a> {
    bytes: &'a [u8],
}

impl<'a> Batch<'a> {
    /// The bytes of `RecordBatch::to_bytes`, to send.
    pub fn of(bytes: &'a [u8]) -> Batch<'a> {
        Batch { bytes }
    }

    /// The records, checked whole.
    pub fn block(&self) -> Result<CheckedBlock<'a>, WireError> {
        RowBlock::check(self.bytes).ok_or(WireError::Garbled)
    }
}

/// One message of a scan, from the worker to the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanMessage<'a> {
    /// Records parsed, and how far the scan is after them.
    Records { progress: ScanProgress, batch: Batch<'a> },
    /// A full table block of records, packed by the worker (`RecordBatch::into_packed`) because the page was behind:
    /// the page then only unpacks it to check it, and keeps it as it came (`Rows::push_packed`).
    Packed { progress: ScanProgress, block: &'a [u8] },
    /// The records sent so far are void: the scan starts again (the file is not UTF-8 after all).
    Restart,
    /// Where the records can be read again from the file (`FileIndex`), sent before `Done` when the page asked
    /// (`ScanRequest::in_file`) and the file was text.
    Index(FileIndex),
    /// The scan ended.
    Done(Result<Scanned, ReadError>),
    /// The browser could not read the file (it was moved, or changed meanwhile): its words.
    Unreadable(String),
    /// A full table block of records the page lets go of (`Rows::push_gone`), sent without its records: the
    /// spreadsheet row of its first record, and the fewest and most cells of its records. Sent for a page that keeps
    /// the table in the file and had the worker check the rows (`ScanRequest::checked_for`).
    Gone { progress: ScanProgress, first_row: u64, cells: (usize, usize) },
    /// What the worker's check and count found (`scan_checks::Found`, as JSON, its findings left out), once the page
    /// told it the facts of the table (`TableFacts`).
    Found(&'a [u8]),
    /// The next of the check's findings, after `Found` (a JSON array of `Issue`s, `FINDINGS_PER_MESSAGE` at most).
    Findings(&'a [u8]),
    /// The next bytes of the import download a worker writes (`ScanRequest::exported`, `ExportStream`).
    Piece(&'a [u8]),
    /// How writing that download goes (`ExportNews`, as JSON).
    Export(&'a [u8]),
}

const RECORDS: u8 = 1;
const RESTART: u8 = 2;
const DONE: u8 = 3;
const UNREADABLE: u8 = 4;
const PACKED: u8 = 5;
const INDEX: u8 = 6;
const GONE: u8 = 7;
const FOUND: u8 = 8;
const FINDINGS: u8 = 9;
const PIECE: u8 = 10;
/// The first byte of a `Piece` message: the bytes after it are the download's (`ScanMessage::Piece`), so a page
/// can hand them on without decoding the message.
pub const PIECE_KIND: u8 = PIECE;
const EXPORT: u8 = 11;

/// How a scan ended, as JSON.
#[derive(Serialize, Deserialize)]
enum Ending {
    Text { encoding: String, guessed: bool, delimiter: u8, sniffed: bool },
    Workbook,
}

impl<'a> ScanMessage<'a> {
    /// Sets the progress of a `Records` message made by `RecordBatch::into_message`.
    pub fn set_progress(message: &mut [u8], progress: &ScanProgress) {
        write_progress(message, progress);
    }

    pub fn encode(&self) -> Vec<u8> {
        match self {
            ScanMessage::Records { progress, batch } => with_progress(RECORDS, progress, batch.bytes),
            ScanMessage::Packed { progress, block } => with_progress(PACKED, progress, block),
            ScanMessage::Restart => vec![RESTART],
            ScanMessage::Done(done) => {
                let ending = done.as_ref().map(|scanned| match scanned {
                    Scanned::Text(d) => Ending::Text {
                        encoding: d.encoding.name().to_owned(),
                        guessed: d.guessed,
                        delimiter: d.delimiter,
                        sniffed: d.sniffed,
                    },
                    Scanned::Workbook => Ending::Workbook,
                });
                let mut out = vec![DONE];
                out.extend_from_slice(&serde_json::to_vec(&ending).unwrap_or_default());
                out
            }
            ScanMessage::Index(index) => {
                let mut out = vec![INDEX];
                out.extend_from_slice(index.to_wire().as_bytes());
                out
            }
            ScanMessage::Unreadable(detail) => {
                let mut out = vec![UNREADABLE];
                out.extend_from_slice(detail.as_bytes());
                out
            }
            ScanMessage::Gone { progress, first_row, cells } => {
                let mut block = first_row.to_le_bytes().to_vec();
                block.extend_from_slice(&(cells.0 as u64).to_le_bytes());
                block.extend_from_slice(&(cells.1 as u64).to_le_bytes());
                with_progress(GONE, progress, &block)
            }
            ScanMessage::Found(json) => with_kind(FOUND, json),
            ScanMessage::Findings(json) => with_kind(FINDINGS, json),
            ScanMessage::Piece(bytes) => with_kind(PIECE, bytes),
            ScanMessage::Export(json) => with_kind(EXPORT, json),
        }
    }

    pub fn decode(bytes: &'a [u8]) -> Result<ScanMessage<'a>, WireError> {
        let mut input = Input(bytes);
        match input.u8()? {
            GONE => {
                let progress = input.progress()?;
                let first_row = input.u64()?;
                let cells = (input.size()?, input.size()?);
                Ok(ScanMessage::Gone { progress, first_row, cells })
            }
            FOUND => Ok(ScanMessage::Found(input.0)),
            FINDINGS => Ok(ScanMessage::Findings(input.0)),
            PIECE => Ok(ScanMessage::Piece(input.0)),
            EXPORT => Ok(ScanMessage::Export(input.0)),
            kind @ (RECORDS | PACKED) => {
                let progress = input.progress()?;
                Ok(match kind {
                    RECORDS => ScanMessage::Records { progress, batch: Batch { bytes: input.0 } },
                    _ => ScanMessage::Packed { progress, block: input.0 },
                })
            }
            RESTART if input.0.is_empty() => Ok(ScanMessage::Restart),
            DONE => {
                let ending: Result<Ending, ReadError> =
                    serde_json::from_slice(input.0).map_err(|_| WireError::Garbled)?;
                let done = match ending {
                    Ok(Ending::Workbook) => Ok(Scanned::Workbook),
                    Ok(Ending::Text { encoding, guessed, delimiter, sniffed }) => {
                        let encoding = Encoding::for_label(encoding.as_bytes()).ok_or(WireError::Garbled)?;
                        Ok(Scanned::Text(Decided { encoding, guessed, delimiter, sniffed }))
                    }
                    Err(e) => Err(e),
                };
                Ok(ScanMessage::Done(done))
            }
            INDEX => {
                let json = std::str::from_utf8(input.0).map_err(|_| WireError::Garbled)?;
                Ok(ScanMessage::Index(FileIndex::from_wire(json).ok_or(WireError::Garbled)?))
            }
            UNREADABLE => Ok(ScanMessage::Unreadable(String::from_utf8_lossy(input.0).into_owned())),
            _ => Err(WireError::Garbled),
        }
    }
}

/// A message of `kind` carrying `bytes` as they are.
fn with_kind(kind: u8, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 1);
    out.push(kind);
    out.extend_from_slice(bytes);
    out
}

/// Bytes before the records or block of a `Records` or `Packed` message: its kind and the progress.
const MESSAGE_HEAD: usize = 18;

/// A message of `kind` carrying records: the progress after them, then their bytes.
fn with_progress(kind: u8, progress: &ScanProgress, bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0; MESSAGE_HEAD];
    out[0] = kind;
    write_progress(&mut out, progress);
    out.extend_from_slice(bytes);
    out
}

/// Writes `progress` into the head of a `Records` or `Packed` message (`MESSAGE_HEAD` bytes, its kind first).
fn write_progress(message: &mut [u8], progress: &ScanProgress) {
    if let Some(head) = message.get_mut(1..MESSAGE_HEAD) {
        head[0] = u8::from(progress.guessing);
        head[1..9].copy_from_slice(&progress.done.to_le_bytes());
        head[9..17].copy_from_slice(&progress.total.to_le_bytes());
    }
}

/// Little-endian numbers and byte runs from the front of a message.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if n > self.0.len() {
            return Err(WireError::Garbled);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?[0])
    }

    fn u64(&mut self) -> Result<u64, WireError> {
        let mut b = [0; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }

    fn size(&mut self) -> Result<usize, WireError> {
        usize::try_from(self.u64()?).map_err(|_| WireError::Garbled)
    }

    /// The progress in a message's head (`write_progress`).
    fn progress(&mut self) -> Result<ScanProgress, WireError> {
        let guessing = self.u8()? != 0;
        Ok(ScanProgress { guessing, done: self.u64()?, total: self.u64()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decode::ENCODING_CHOICES;
    use crate::domain::stream::RecordStream;
    use crate::domain::table::{Record, Rows, BLOCK_ROWS};

    /// The records of a batch, as the table gets them.
    fn records_of(batch: &Batch<'_>) -> Result<Vec<Record>, WireError> {
        let mut rows = Rows::new();
        rows.push_checked(batch.block()?);
        Ok(rows.to_vec())
    }

    fn batch_of(text: &str) -> (RecordBatch, Vec<Record>) {
        let (mut batch, mut records) = (RecordBatch::default(), Vec::new());
        let mut stream = RecordStream::new(b',');
        let mut take = |r: &StreamRecord<'_>| {
            batch.push(r);
            records.push(Record { pos: r.pos, cells: r.to_cells() });
        };
        stream.push(text.as_bytes(), &mut take);
        stream.finish(&mut take);
        (batch, records)
    }

    #[test]
    fn records_arrive_as_the_table_keeps_them_and_a_cut_message_is_refused() {
        let (batch, records) = batch_of("a,\"b\nc\",Zoë\n\n,,x\n\"\",ünï,\"q\"\"q\"\nlast");
        let progress = ScanProgress { guessing: false, done: 40, total: 41 };
        let bytes = batch.to_bytes();
        let message = ScanMessage::Records { progress, batch: Batch::of(&bytes) }.encode();
        let Ok(ScanMessage::Records { progress: got, batch }) = ScanMessage::decode(&message) else {
            panic!("decodes")
        };
        assert_eq!(got, progress);
        assert_eq!(records_of(&batch).expect("whole"), records);
        for cut in 0..message.len() {
            let refused = ScanMessage::decode(&message[..cut]).and_then(|m| match m {
                ScanMessage::Records { batch, .. } => records_of(&batch).map(|_| ()),
                _ => Ok(()),
            });
            assert_eq!(refused, Err(WireError::Garbled), "cut at {cut}");
        }
        // Written straight into a message, its progress set after: the same message.
        let mut direct = batch_of("a,\"b\nc\",Zoë\n\n,,x\n\"\",ünï,\"q\"\"q\"\nlast").0.into_message();
        ScanMessage::set_progress(&mut direct, &progress);
        assert_eq!(direct, message);
    }

    #[test]
    fn a_packed_block_arrives_as_the_table_keeps_it_and_a_cut_or_garbled_one_is_refused() {
        let text: String = (0..BLOCK_ROWS).map(|i| format!("{i},\"Zoë {i}\",x\n")).collect();
        let (batch, records) = batch_of(&text);
        let progress = ScanProgress { guessing: false, done: 9, total: 10 };
        let packed = batch.into_packed();
        let message = ScanMessage::Packed { progress, block: &packed }.encode();
        let take = |message: &[u8]| match ScanMessage::decode(message)? {
            ScanMessage::Packed { progress: got, block } => {
                assert_eq!(got, progress);
                let mut rows = Rows::new();
                rows.push_packed(block).ok_or(WireError::Garbled)?;
                Ok(rows.to_vec())
            }
            _ => Err(WireError::Garbled),
        };
        assert_eq!(take(&message), Ok(records));
        for cut in 0..message.len() {
            assert_eq!(take(&message[..cut]), Err(WireError::Garbled), "cut at {cut}");
        }
        // A size that does not match the packed bytes, or one no LZ4 block reaches.
        for (at, value) in [(18 + 16, 5u64), (18 + 16, u64::MAX / 2), (18, 3)] {
            let mut garbled = message.clone();
            garbled[at..at + 8].copy_from_slice(&value.to_le_bytes());
            assert_eq!(take(&garbled), Err(WireError::Garbled), "{value} at {at}");
        }
    }

    #[test]
    fn endings_and_requests_keep_every_encoding() {
        use encoding_rs::*;
        let guessable = [SHIFT_JIS, GBK, GB18030, BIG5, EUC_KR, EUC_JP, ISO_2022_JP, WINDOWS_874, ISO_8859_8_I];
        let more = [X_MAC_CYRILLIC, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1258, IBM866];
        for encoding in ENCODING_CHOICES.iter().copied().chain(guessable).chain(more) {
            let decided = Decided { encoding, guessed: true, delimiter: b'\t', sniffed: false };
            let message = ScanMessage::Done(Ok(Scanned::Text(decided))).encode();
            assert_eq!(ScanMessage::decode(&message), Ok(ScanMessage::Done(Ok(Scanned::Text(decided)))));
            let options = ReadOptions { encoding: Some(encoding), delimiter: Some(b';'), ..Default::default() };
            let request = ScanRequest::from_json(&ScanRequest::of(&options).to_json()).expect("json");
            assert_eq!(request.options(), Ok(options));
        }
        let refused = ScanMessage::Done(Err(ReadError::Malformed { row: 3, line: 4, reason: "x".into() }));
        assert_eq!(ScanMessage::decode(&refused.encode()), Ok(refused));
        let unreadable = ScanMessage::Unreadable("NotFoundError".into());
        assert_eq!(ScanMessage::decode(&unreadable.encode()), Ok(unreadable));
        let progress = ScanProgress { guessing: false, done: 7, total: 9 };
        let gone = ScanMessage::Gone { progress, first_row: 4097, cells: (3, 21) };
        let bytes = gone.encode();
        assert_eq!(ScanMessage::decode(&bytes), Ok(gone));
        assert_eq!(ScanMessage::decode(&bytes[..20]), Err(WireError::Garbled), "cut short");
        for found in [
            ScanMessage::Found(b"{}"),
            ScanMessage::Findings(b"[]"),
            ScanMessage::Piece(b"PK"),
            ScanMessage::Export(b"1"),
        ] {
            assert_eq!(ScanMessage::decode(&found.encode()), Ok(found));
        }
        assert_eq!(ScanMessage::decode(&[12]), Err(WireError::Garbled));
    }
}
