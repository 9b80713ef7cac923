// Main-thread side of the baselines: starts one worker (papa-worker.js or floor-worker.js), waits until it has
// loaded its scripts ("ready"), then starts the clock, hands it the File from #file (a File is passed by reference,
// no bytes are copied) and stops the clock when the worker answers "done". The main thread does nothing else, so
// its longest task (window.__bench, installed by bench.mjs before any page script) shows what a worker costs it.
'use strict';
window.runWorker = (kind) =>
  new Promise((resolve, reject) => {
    const file = document.getElementById('file').files[0];
    if (!file) return reject(new Error('no file set on #file'));
    const script = { papa: 'papa-worker.js', floor: 'floor-worker.js' }[kind];
    if (!script) return reject(new Error(`unknown worker kind ${kind}`));
    const status = document.getElementById('status');
    const worker = new Worker(script);
    let t0 = 0;
    worker.onerror = (e) => { worker.terminate(); reject(new Error(`worker error: ${e.message}`)); };
    worker.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'ready') {
        status.textContent = `${kind}: running`;
        window.__bench?.reset(); // count main-thread tasks from here on only
        t0 = performance.now();
        worker.postMessage({ file });
      } else if (m.type === 'done') {
        const ms = performance.now() - t0;
        worker.terminate();
        status.textContent = `${kind}: done`;
        resolve({ ...m, ms, bytes: m.bytes ?? file.size });
      } else if (m.type === 'error') {
        worker.terminate();
        reject(new Error(`${kind} worker: ${m.message}`));
      }
    };
  });
