// Baseline (c), the physical floor: read the File as a stream (file.stream(), the browser's own chunking) and
// decode every chunk with one TextDecoder({stream:true}) (so a UTF-8 sequence split across chunks is handled),
// counting bytes and newlines. No CSV parsing at all: nothing that reads and decodes the whole file can be faster.
'use strict';
self.onmessage = async (e) => {
  try {
    const file = e.data.file;
    const t0 = performance.now();
    const reader = file.stream().getReader();
    const decoder = new TextDecoder('utf-8');
    let bytes = 0;
    let chars = 0;
    let newlines = 0;
    let chunks = 0;
    const count = (s) => {
      chars += s.length;
      for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) newlines += 1;
    };
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += 1;
      bytes += value.byteLength;
      count(decoder.decode(value, { stream: true }));
    }
    count(decoder.decode());
    postMessage({ type: 'done', bytes, chars, newlines, chunks, workerMs: performance.now() - t0 });
  } catch (err) {
    postMessage({ type: 'error', message: String(err && err.message ? err.message : err) });
  }
};
postMessage({ type: 'ready' });
