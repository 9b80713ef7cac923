//! The reading worker: a big file is decoded, parsed, counted and checked in a Web Worker, off the page's thread,
//! and what the page keeps of it comes in batches (`ScanMessage`s), so the page stays smooth however long the file
//! takes.
//!
//! The same two workers check a loaded file's rows again after the admin changed the mapping or an edit
//! (`ScanRequest::checked_with`, from `ui::jobs`): they read the file again, and the page only shows how far they
//! are, then takes what the check found.
//!
//! Two halves of one protocol. The page side (`ReadWorker`) starts the worker, waits until it says it is ready,
//! hands it the `File` (a handle: the bytes stay on disk) and the admin's encoding and delimiter, then takes its
//! messages one by one. The worker side (`serve`, run by `src/bin/worker.rs`) reads the file in order through the
//! browser's stream of it (`FileStream`, one buffer filled again and again; the browser reads on while the worker
//! parses), runs a `RemoteScan` and posts
//! each step's messages together to a second worker (through a `MessageChannel`), which relays them to the page
//! (`relay_scan`, `CheckRelay`), counting and checking the rows with the mapping the page will suggest when the
//! page asks (`ScanChecks`); for a table kept in the file it then sends only the blocks the page keeps, the others
//! as `Gone`. So the scan and the check run at once on two threads, neither the page's. With one worker only (the
//! second did not start), it does both; the rest of the protocol is the same. A step's messages go in one post (an
//! array of buffers, transferred, not copied), acknowledged once by whoever takes them; the scan keeps at most
//! `IN_FLIGHT_BYTES` of messages unacknowledged, so a slow taker never piles up the file in messages, and while the
//! page has messages waiting (no check asked) it packs the next full blocks itself (LZ4, as the table keeps them).
//! Once the page has put the table together, it sends the table's facts (`ReadWorker::found`) and the worker
//! answers with what its check and count found. Stopping is `Worker.terminate` (dropping the `ReadWorker`, which
//! stops both). Two workers are started ahead of need, when the app starts (`ReadWorker::prepare`), so the first
//! file's reading does not wait for the worker's script and WebAssembly to load; one not ready yet is not waited for (it stays, ready, for the next file). Once the spare is used, a
//! later file starts its own (no idle worker is kept beside a loaded file). Nothing here decides anything about the file: the
//! domain's scan does, exactly as on the page. When workers are not available (a failure to start, or no "ready"
//! within `READY_MS`), the caller reads on the page instead. The worker's own timings go to the page before its
//! last message (`WorkerSpent`), for the benchmark.

use std::cell::RefCell;
use std::collections::VecDeque;

use futures::channel::mpsc::{unbounded, TryRecvError, UnboundedReceiver};
use futures::future::{select, Either};
use futures::StreamExt;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, File, MessageChannel, MessageEvent, MessagePort, Worker, WorkerOptions};

use super::describe;
use super::file_stream::FileStream;
use super::timing;
use super::yield_now::{now_ms, yield_now};
use crate::domain::engine::{
    warm_up, CheckRelay, FileWindow, Found, RemoteScan, ScanMessage, ScanRequest, TableFacts, WireError, WARM_UP_ROWS,
};

/// The worker's script: Trunk's loader for the `worker` binary (`data-loader-shim` in index.html).
const WORKER_URL: &str = "./worker_loader.js";
/// Workers kept ready for the next file (`ReadWorker::prepare`): one scans, one checks.
const SPARES: usize = 2;
/// The name a spare worker is started with (`WorkerOptions.name`): it warms up before it says it is ready.
const SPARE_NAME: &str = "spare";
/// The measure recorded when a spare worker is ready (`web::timing`; the benchmark waits for two).
const SPARE_READY: &str = "read: a spare worker ready (warmed up)";
/// How long the worker may take to load before the page reads the file itself.
const READY_MS: u32 = 10_000;
/// Bytes of messages the worker sends ahead of the page's acknowledgements (a message is a block of records).
const IN_FLIGHT_BYTES: usize = 16 << 20;
/// Bytes of messages the page has not taken yet from which the worker packs blocks itself
/// (`RemoteScan::set_packing`): several steps' worth, so the page is really behind, not just busy with the last step's.
/// Since the page's check got cheaper the worker was the busier of the two: at 8 MiB rather than 4 the page packs
/// more blocks itself, and a million rows took 2.72-2.83 s against 2.89-3.26 s, in turns (`bench.sh`).
const PACK_WHEN_WAITING: usize = 8 << 20;
/// Bytes of the file parsed per message.
const CHUNK: u64 = 1 << 20;
/// What the page is told when the file ends before the bytes the scan wants (it changed since it was chosen).
const SHORTER: &str = "it is shorter than when it was chosen, so it changed since";

/// Why the worker cannot be used (the caller then reads on the page).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the reading worker stopped: {0}")]
pub struct WorkerError(String);

enum Incoming {
    Message(JsValue),
    Failed(String),
}

thread_local! {
    /// Workers started ahead of need and ready (`ReadWorker::prepare`), waiting for a file: two, one to scan it and
    /// one to check it.
    static SPARE: RefCell<Vec<ReadWorker>> = const { RefCell::new(Vec::new()) };
    /// Spare workers being started.
    static PREPARING: RefCell<usize> = const { RefCell::new(0) };
}

/// A worker scanning one file for the page. Dropping it stops the worker.
pub struct ReadWorker {
    worker: Worker,
    incoming: UnboundedReceiver<Incoming>,
    /// Messages of a step that came together (in one post) and are not taken yet.
    waiting: VecDeque<JsValue>,
    /// The worker scanning the file for this one, which checks (`start`): stopped with it.
    scanner: Option<Box<ReadWorker>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl ReadWorker {
    /// Starts spare workers in the background, up to `SPARES` ready or starting: the next `start` then finds them
    /// ready. A worker that fails to start is not kept (`start` starts one itself).
    pub fn prepare() {
        let wanted = SPARES.saturating_sub(SPARE.with(|s| s.borrow().len()) + PREPARING.with(|p| *p.borrow()));
        for _ in 0..wanted {
            PREPARING.with(|p| *p.borrow_mut() += 1);
            wasm_bindgen_futures::spawn_local(async {
                let launched = now_ms();
                let ready = ReadWorker::launch(SPARE_NAME).await.ok();
                if ready.is_some() {
                    // For the benchmark: a file chosen after this is read by warmed workers.
                    timing::measure(SPARE_READY, now_ms() - launched);
                }
                PREPARING.with(|p| *p.borrow_mut() -= 1);
                SPARE.with(|s| {
                    let mut spare = s.borrow_mut();
                    if spare.len() < SPARES {
                        spare.extend(ready);
                    }
                });
            });
        }
    }

    /// A spare worker when one is ready, else one started now.
    async fn ready_one() -> Result<ReadWorker, WorkerError> {
        match SPARE.with(|s| s.borrow_mut().pop()) {
            Some(spare) => Ok(spare),
            None => ReadWorker::launch("").await,
        }
    }

    /// Hands `file` to workers, to scan as `request` says: one scans it (`RemoteScan`) and sends its messages to the
    /// other (through a `MessageChannel`), which counts and checks the rows when the request asks (`CheckRelay`)
    /// and sends this page what it keeps. When only one worker can be had, it does both.
    pub async fn start(file: &File, request: &ScanRequest) -> Result<ReadWorker, WorkerError> {
        let failed = |e: JsValue| WorkerError(describe(&e));
        // Both at once: without spares, each waits for its script and WebAssembly to load.
        let (scanner, checker) = futures::join!(ReadWorker::ready_one(), ReadWorker::ready_one());
        let message = Object::new();
        Reflect::set(&message, &"file".into(), file).map_err(failed)?;
        Reflect::set(&message, &"request".into(), &request.to_json().into()).map_err(failed)?;
        let (scanner, mut checker) = match (scanner, checker) {
            (Ok(scanner), Ok(checker)) => (scanner, checker),
            (Ok(one), Err(_)) | (Err(_), Ok(one)) => {
                one.worker.post_message(&message).map_err(failed)?;
                return Ok(one);
            }
            (Err(e), Err(_)) => return Err(e),
        };
        let channel = MessageChannel::new().map_err(failed)?;
        Reflect::set(&message, &"port".into(), &channel.port1()).map_err(failed)?;
        scanner.worker.post_message_with_transfer(&message, &Array::of1(&channel.port1())).map_err(failed)?;
        let relay = Object::new();
        Reflect::set(&relay, &"relay".into(), &request.to_json().into()).map_err(failed)?;
        Reflect::set(&relay, &"port".into(), &channel.port2()).map_err(failed)?;
        checker.worker.post_message_with_transfer(&relay, &Array::of1(&channel.port2())).map_err(failed)?;
        checker.scanner = Some(Box::new(scanner));
        Ok(checker)
    }

    /// A new worker, once it says it is ready; `name` is its name (`SPARE_NAME`: it warms up first).
    async fn launch(name: &str) -> Result<ReadWorker, WorkerError> {
        let failed = |e: JsValue| WorkerError(describe(&e));
        let options = WorkerOptions::new();
        options.set_name(name);
        let worker = Worker::new_with_options(WORKER_URL, &options).map_err(failed)?;
        let (sender, incoming) = unbounded();
        let on_message = {
            let sender = sender.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let _ = sender.unbounded_send(Incoming::Message(event.data()));
            })
        };
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let detail = Reflect::get(&event, &"message".into()).ok().and_then(|m| m.as_string());
            let _ = sender.unbounded_send(Incoming::Failed(detail.unwrap_or_else(|| "it could not start".to_owned())));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let waiting = VecDeque::new();
        let mut started =
            ReadWorker { worker, incoming, waiting, scanner: None, _on_message: on_message, _on_error: on_error };
        let ready = started.incoming.next();
        let timeout = gloo_timers::future::TimeoutFuture::new(READY_MS);
        match select(ready, timeout).await {
            Either::Left((Some(Incoming::Message(_)), _)) => {}
            Either::Left((Some(Incoming::Failed(e)), _)) => return Err(WorkerError(e)),
            Either::Left((None, _)) => return Err(WorkerError("it closed".to_owned())),
            Either::Right(_) => return Err(WorkerError("it did not load in time".to_owned())),
        }
        Ok(started)
    }

    /// The next message of the scan (waits for it), acknowledged, copied into `message`: one buffer for every
    /// message, so taking a million rows makes no allocation of a message's size each time (wasm memory never
    /// shrinks, and such churn grows it).
    pub async fn next(&mut self, message: &mut Vec<u8>) -> Result<(), WorkerError> {
        copy_message(&self.next_array().await?, message);
        Ok(())
    }

    /// The next message of the scan (waits for it), acknowledged, as the worker sent it: not copied into this page's
    /// memory (a download's bytes go on to a Blob as they are).
    pub async fn next_array(&mut self) -> Result<Uint8Array, WorkerError> {
        loop {
            let incoming = match self.waiting.pop_front() {
                Some(waiting) => Some(Incoming::Message(waiting)),
                None => self.incoming.next().await,
            };
            if let Some(taken) = self.take_array(incoming) {
                return taken;
            }
        }
    }

    /// `next` when a message has arrived already; `None`, at once, when none has.
    pub fn try_next(&mut self, message: &mut Vec<u8>) -> Option<Result<(), WorkerError>> {
        loop {
            if let Some(waiting) = self.waiting.pop_front() {
                return self.take(Some(Incoming::Message(waiting)), message);
            }
            let incoming = match self.incoming.try_recv() {
                Ok(incoming) => Some(incoming),
                Err(TryRecvError::Closed) => None,
                Err(TryRecvError::Empty) => return None,
            };
            if let Some(taken) = self.take(incoming, message) {
                return Some(taken);
            }
        }
    }

    /// Tells the worker the facts of the table put together from its records (`TableFacts`), once its scan ended,
    /// and waits for what its check and count made while scanning found (`ScanRequest::checked_for`).
    pub async fn found(&mut self, facts: &TableFacts) -> Result<Found, WorkerError> {
        let garbled = || WorkerError(WireError::Garbled.to_string());
        self.worker.post_message(&facts.to_json().into()).map_err(|e| WorkerError(describe(&e)))?;
        let mut message = Vec::new();
        self.next(&mut message).await?;
        let (mut found, parts) = match ScanMessage::decode(&message) {
            Ok(ScanMessage::Found(json)) => Found::from_head(json).ok_or_else(garbled)?,
            _ => return Err(garbled()),
        };
        // The findings come in parts: one a turn, so tens of thousands of them never make a long task.
        for _ in 0..parts {
            yield_now().await;
            self.next(&mut message).await?;
            match ScanMessage::decode(&message) {
                Ok(ScanMessage::Findings(json)) => found.add_findings(json).ok_or_else(garbled)?,
                _ => return Err(garbled()),
            }
        }
        Ok(found)
    }

    /// What came from the worker (`None`: it closed) copied into `message` and acknowledged; `None` for its
    /// timings, which are recorded (the caller then takes what comes next).
    fn take(&mut self, incoming: Option<Incoming>, message: &mut Vec<u8>) -> Option<Result<(), WorkerError>> {
        self.take_array(incoming).map(|taken| taken.map(|data| copy_message(&data, message)))
    }

    /// `take`, the message left as it came (a `Uint8Array`).
    fn take_array(&mut self, incoming: Option<Incoming>) -> Option<Result<Uint8Array, WorkerError>> {
        match incoming {
            // The worker's own timings (text, not a scan message) come once, before its last message.
            Some(Incoming::Message(data)) if data.is_string() => {
                WorkerSpent::measure_text(&data.as_string().unwrap_or_default());
                None
            }
            Some(Incoming::Message(data)) if Array::is_array(&data) => {
                // A step's messages: acknowledged at once, taken one at a time.
                let _ = self.worker.post_message(&JsValue::TRUE);
                self.waiting.extend(Array::from(&data).iter());
                None
            }
            Some(Incoming::Message(data)) => {
                // The worker sends a Uint8Array: `new Uint8Array(it)` would copy it first.
                Some(Ok(data.dyn_into::<Uint8Array>().unwrap_or_else(|other| Uint8Array::new(&other))))
            }
            Some(Incoming::Failed(e)) => Some(Err(WorkerError(e))),
            None => Some(Err(WorkerError("it closed".to_owned()))),
        }
    }
}

/// A message from a worker (`ReadWorker::next_array`) copied into `message`, whose buffer is reused: taking a
/// million rows makes no allocation of a message's size each time.
pub fn copy_message(data: &Uint8Array, message: &mut Vec<u8>) {
    message.resize(data.length() as usize, 0);
    data.copy_to(message);
}

impl Drop for ReadWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// The worker's side: says it is ready, then serves the page's one request: a file to scan, or a scan to relay.
/// Run once, at the worker's start.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // A spare, started before any file is chosen, has the time to warm up: then the browser has compiled the
    // reading's busiest code fully when the file comes (`engine::warm_up`). A worker started for a file now does
    // not make it wait.
    if scope.name() == SPARE_NAME {
        warm_up(WARM_UP_ROWS);
    }
    let incoming = listen(|handler| scope.set_onmessage(Some(handler)));
    wasm_bindgen_futures::spawn_local(work(scope.clone(), incoming));
    let _ = scope.post_message(&JsValue::NULL);
}

/// The messages that `set` (a `set_onmessage`) hands over, as a channel. The handler lives as long as the worker.
fn listen(set: impl FnOnce(&js_sys::Function)) -> UnboundedReceiver<JsValue> {
    let (sender, incoming) = unbounded();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let _ = sender.unbounded_send(event.data());
    });
    set(on_message.as_ref().unchecked_ref());
    on_message.forget();
    incoming
}

/// Where a worker posts: the page, or the other worker (`MessagePort`).
enum Outbox {
    Page(DedicatedWorkerGlobalScope),
    Port(MessagePort),
}

impl Outbox {
    fn post(&self, message: &JsValue, transfer: &Array) {
        let _ = match self {
            Outbox::Page(scope) => scope.post_message_with_transfer(message, transfer),
            Outbox::Port(port) => port.post_message_with_transferable(message, transfer),
        };
    }
}

/// One encoded message, posted alone.
fn post_one(outbox: &Outbox, message: &[u8]) {
    let array = Uint8Array::from(message);
    outbox.post(&array, &Array::of1(&array.buffer()));
}

/// Encoded messages posted together: one post, an array of them, each transferred (not copied). A message per
/// block cost both threads a task, an event and an acknowledgement each.
fn post_all(outbox: &Outbox, messages: &[Vec<u8>]) {
    let (arrays, buffers) = (Array::new(), Array::new());
    for message in messages {
        let array = Uint8Array::from(message.as_slice());
        buffers.push(&array.buffer());
        arrays.push(&array);
    }
    outbox.post(&arrays, &buffers);
}

/// What a worker says when the page's request cannot be read (the page and the worker disagree).
fn not_understood(what: &str) -> Vec<u8> {
    ScanMessage::Unreadable(format!("the page's {what} was not understood")).encode()
}

/// Serves the page's first message: a file to scan (`file`), or a scan to relay (`relay`); either with a `port` to
/// the other worker.
async fn work(scope: DedicatedWorkerGlobalScope, mut incoming: UnboundedReceiver<JsValue>) {
    let Some(first) = incoming.next().await else {
        return;
    };
    let port = Reflect::get(&first, &"port".into()).ok().and_then(|p| p.dyn_into::<MessagePort>().ok());
    let relay = Reflect::get(&first, &"relay".into()).ok().and_then(|r| r.as_string());
    match (relay, port) {
        (Some(request), Some(port)) => relay_scan(scope, incoming, &request, port).await,
        (None, port) => scan_file(scope, incoming, &first, port).await,
        (Some(_), None) => post_one(&Outbox::Page(scope), &not_understood("request")),
    }
}

/// Scans the file of `request`, posting every message of the scan: to the checking worker through `port`, or,
/// without one, to the page, checked here (`CheckRelay`), and then finishes the check over the page's table facts.
async fn scan_file(
    scope: DedicatedWorkerGlobalScope,
    incoming: UnboundedReceiver<JsValue>,
    request: &JsValue,
    port: Option<MessagePort>,
) {
    let page = Outbox::Page(scope.clone());
    let file = Reflect::get(request, &"file".into()).ok().and_then(|f| f.dyn_into::<File>().ok());
    let json = Reflect::get(request, &"request".into()).ok().and_then(|r| r.as_string());
    let request = json.as_deref().map(ScanRequest::from_json);
    let (scan, request) = match (&file, request) {
        (Some(file), Some(Ok(request))) => (RemoteScan::new(file.size() as u64, &request).ok(), request),
        _ => (None, ScanRequest::default()),
    };
    let (Some(file), Some(scan)) = (file, scan) else {
        return post_one(&page, &not_understood("request"));
    };
    // Acknowledgements come from whoever takes the messages: the checking worker, or the page.
    let (outbox, mut incoming, mut relay) = match port {
        Some(port) => {
            let acks = listen(|handler| port.set_onmessage(Some(handler)));
            (Outbox::Port(port), acks, None)
        }
        None => (page, incoming, Some(CheckRelay::new(&request))),
    };
    let mut scan = scan.with_chunk(CHUNK);
    // The size of each message not yet acknowledged, oldest first (they are taken in order).
    let mut in_flight: VecDeque<usize> = VecDeque::new();
    // The page's table facts, if they come while this worker still takes acknowledgements.
    let mut facts: Option<String> = None;
    let mut spent = WorkerSpent::default();
    // The file is read in order through the browser's stream of it (`FileStream`: one buffer filled again and
    // again), as much as each step's range needs, and scanned a chunk at a time. The browser reads on while this
    // worker parses.
    let mut window = FileWindow::default();
    let mut stream: Option<FileStream> = None;
    while !scan.is_finished() {
        let range = scan.wants();
        // A range longer than a read (a record of many MB) takes more than one.
        while !window.covers(&range) {
            let reading = now_ms();
            let on_from_window = window.continues(&range) && stream.as_ref().is_some_and(|s| s.at() == window.end());
            let current = match stream.as_mut() {
                Some(current) if on_from_window => current,
                // The first bytes, or the scan starts again (another encoding): a stream from where it wants.
                _ => {
                    if let Some(old) = stream.take() {
                        old.cancel();
                    }
                    window.fill(range.start, Vec::new());
                    match FileStream::open(&file, range.start) {
                        Ok(opened) => stream.insert(opened),
                        Err(e) => return post_one(&outbox, &ScanMessage::Unreadable(describe(&e)).encode()),
                    }
                }
            };
            match current.read().await {
                Ok(Some(bytes)) => bytes.copy_to(window.extend(range.start, bytes.length() as usize)),
                // The file ends before the range the scan wants: it is shorter than when it was chosen.
                Ok(None) => return post_one(&outbox, &ScanMessage::Unreadable(SHORTER.to_owned()).encode()),
                Err(e) => return post_one(&outbox, &ScanMessage::Unreadable(describe(&e)).encode()),
            }
            spent.reading += now_ms() - reading;
        }
        // The page packs each block it takes, which costs it more than parsing costs here: while it has messages
        // waiting, this worker packs the next blocks itself, so both threads stay busy (never when the rows are
        // checked: `RemoteScan::set_packing`).
        scan.set_packing(in_flight.iter().sum::<usize>() >= PACK_WHEN_WAITING);
        let packing = scan.packs();
        let stepping = now_ms();
        let mut messages = scan.step(window.get(range));
        if let Some(relay) = relay.as_mut() {
            messages = messages.into_iter().flat_map(|m| relay.relay(m)).collect();
        }
        let took = now_ms() - stepping;
        if packing {
            spent.stepping_packing += took;
        } else {
            spent.stepping += took;
        }
        if scan.is_finished() {
            // Before the last message: the page stops this worker once it has that one.
            outbox.post(&JsValue::from_str(&spent.to_text()), &Array::new());
        }
        // A step's messages go in one post, acknowledged once.
        let sending = now_ms();
        in_flight.push_back(messages.iter().map(Vec::len).sum());
        post_all(&outbox, &messages);
        spent.sending += now_ms() - sending;
        // The acknowledgements arrive as events, taken whenever this worker waits (for the file, or below).
        while let Ok(message) = incoming.try_recv() {
            facts = facts.or(ack_or_facts(message, &mut in_flight));
        }
        let held = now_ms();
        while in_flight.iter().sum::<usize>() > IN_FLIGHT_BYTES {
            match incoming.next().await {
                Some(message) => facts = facts.or(ack_or_facts(message, &mut in_flight)),
                None => return,
            }
        }
        spent.held += now_ms() - held;
    }
    // Checked here: the page puts the table together, then tells its facts, and what was found goes back.
    if let Some(relay) = relay.filter(CheckRelay::wants_facts) {
        finish(&outbox, &mut incoming, facts, relay).await;
    }
}

/// An acknowledgement (`true`) of the oldest message in flight, taken; or the page's table facts (text), given back
/// for `finish` (the page may send them as soon as it has the last message).
fn ack_or_facts(message: JsValue, in_flight: &mut VecDeque<usize>) -> Option<String> {
    if message.is_string() {
        return message.as_string();
    }
    in_flight.pop_front();
    None
}

/// Waits for the page's table facts (text; its acknowledgements are `true`) unless they came already (`facts`),
/// finishes the check and the count made while reading over them, and posts what they found.
async fn finish(
    page: &Outbox,
    incoming: &mut UnboundedReceiver<JsValue>,
    mut facts: Option<String>,
    relay: CheckRelay,
) {
    while facts.is_none() {
        match incoming.next().await {
            Some(next) => facts = next.as_string(),
            None => return,
        }
    }
    let messages = match facts.as_deref().and_then(TableFacts::from_json) {
        Some(facts) => relay.complete(&facts),
        None => vec![not_understood("table")],
    };
    post_all(page, &messages);
}

/// Relays the scanning worker's messages (from `port`) to the page, counting and checking their records as
/// `request` asks (`CheckRelay`), each of its posts acknowledged once relayed; then finishes the check over the
/// page's table facts.
async fn relay_scan(
    scope: DedicatedWorkerGlobalScope,
    mut incoming: UnboundedReceiver<JsValue>,
    request: &str,
    port: MessagePort,
) {
    let page = Outbox::Page(scope);
    let Ok(request) = ScanRequest::from_json(request) else {
        return post_one(&page, &not_understood("request"));
    };
    let mut relay = CheckRelay::new(&request);
    let mut from_scan = listen(|handler| port.set_onmessage(Some(handler)));
    let (mut taking, mut relaying, mut posting) = (0.0, 0.0, 0.0);
    loop {
        let Some(data) = from_scan.next().await else { return };
        if data.is_string() {
            // The scanning worker's timings, then this one's, go to the page before the last message.
            let mine = format!(
                "taking the scan's messages={taking}\nrelaying and checking={relaying}\nrelaying: posting={posting}\n"
            );
            page.post(&JsValue::from_str(&format!("{}{mine}", data.as_string().unwrap_or_default())), &Array::new());
            continue;
        }
        let mut out = Vec::new();
        let mut ended = false;
        // A step's messages come as an array; a message alone (the file could not be read) as itself.
        let messages = if Array::is_array(&data) { Array::from(&data) } else { Array::of1(&data) };
        for message in messages.iter() {
            let started = now_ms();
            let message = Uint8Array::new(&message).to_vec();
            ended |= matches!(ScanMessage::decode(&message), Ok(ScanMessage::Done(_) | ScanMessage::Unreadable(_)));
            let checking = now_ms();
            taking += checking - started;
            out.extend(relay.relay(message));
            relaying += now_ms() - checking;
        }
        let started = now_ms();
        // Relayed: the scanning worker may send more.
        let _ = port.post_message(&JsValue::TRUE);
        post_all(&page, &out);
        posting += now_ms() - started;
        if ended {
            break;
        }
    }
    // An export ended with its last message; a check waits for the page's table facts.
    if relay.wants_facts() {
        finish(&page, &mut incoming, None, relay).await;
    }
}

/// Where the worker's time went (milliseconds), sent to the page for the benchmark (`web::timing`): names and
/// durations only.
#[derive(Default)]
struct WorkerSpent {
    /// Waiting for the file's bytes (`FileStream`) and copying them in.
    reading: f64,
    /// Decoding and parsing steps that sent their blocks as they are (and counting and checking, when this worker
    /// is the only one).
    stepping: f64,
    /// Steps that also packed their blocks (the page was behind).
    stepping_packing: f64,
    /// Posting messages to the page.
    sending: f64,
    /// Waiting for the page to take messages (more than `IN_FLIGHT_BYTES` unacknowledged).
    held: f64,
}

impl WorkerSpent {
    fn to_text(&self) -> String {
        [
            ("reading the file", self.reading),
            ("parsing (and checking, when alone)", self.stepping),
            ("parsing and packing", self.stepping_packing),
            ("posting", self.sending),
            ("held back by the page", self.held),
        ]
        .iter()
        .map(|(name, ms)| format!("{name}={ms}\n"))
        .collect()
    }

    /// Records the worker's timings (`to_text`) on this page, as `worker: …` measures.
    fn measure_text(text: &str) {
        for (name, ms) in text.lines().filter_map(|l| l.split_once('=')) {
            if let Ok(ms) = ms.parse::<f64>() {
                timing::measure(&format!("worker: {name}"), ms);
            }
        }
    }
}
