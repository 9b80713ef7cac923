// Baseline (b): Papa Parse, parse only, in this worker. Papa reads the File itself in chunks (Papa.LocalChunkSize,
// 10 MB by default) with header:true, so every row becomes an object keyed by the header, as an importer needs;
// the chunk callback only counts rows, so memory stays at about one chunk. worker:false because this already IS a
// worker. papaparse comes from tests/bench/node_modules (pinned in package-lock.json), served by bench.mjs.
'use strict';
importScripts('vendor/papaparse.min.js');
// papaparse only takes over onmessage in its own worker mode (a blob worker it starts itself, IS_PAPA_WORKER);
// this is a plain worker of ours, so Papa.parse runs here, synchronously chunk after chunk, calling chunk().
self.onmessage = (e) => {
  const file = e.data.file;
  const t0 = performance.now();
  let rows = 0;
  let errors = 0;
  let chunks = 0;
  const firstErrors = [];
  Papa.parse(file, {
    header: true,
    worker: false,
    skipEmptyLines: true, // the file ends with CRLF; do not count the empty "row" after it
    chunk(results) {
      chunks += 1;
      rows += results.data.length;
      errors += results.errors.length;
      for (const e of results.errors) if (firstErrors.length < 3) firstErrors.push(`${e.code} at row ${e.row}: ${e.message}`);
    },
    complete() {
      postMessage({ type: 'done', rows, errors, firstErrors, chunks, workerMs: performance.now() - t0 });
    },
    error(err) {
      postMessage({ type: 'error', message: String(err && err.message ? err.message : err) });
    },
  });
};
postMessage({ type: 'ready' });
