// Runs the site's shipped static/search.js under node, for tests/search.rs and
// benches/search.rs: the browser engine without a browser.
//
//   node node_harness.js SEARCH_JS SEARCH_DIR COMMAND < input.json > output.json
//
// SEARCH_DIR is a built site's search/ folder. Index scripts are "loaded" the
// way a page would: read and run, counting their bytes. COMMAND is
//   plan    input: ["query", …]           output: [plan, …]
//   search  input: {queries, limit}        output: [[result, …], …]
//   bench   input: {queries, limit, runs}  output: [{query, bytes, files, coldMs, rankMs}, …]
//             bytes: search.js + every index script one query loads from a cold start;
//             rankMs: median time of the same query again, everything loaded (the ranking alone).
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [searchJs, searchDir, command] = process.argv.slice(2);
globalThis.window = globalThis;
vm.runInThisContext(fs.readFileSync(searchJs, "utf8"), { filename: searchJs });
const input = JSON.parse(fs.readFileSync(0, "utf8"));

function searcher(counter) {
  return globalThis.srebookSearch.create({
    base: searchDir.replace(/\/?$/, "/"),
    loadScript(url, fail) {
      let code;
      try {
        code = fs.readFileSync(url, "utf8");
      } catch (error) {
        fail(error);
        return;
      }
      if (counter) {
        counter.bytes += Buffer.byteLength(code);
        counter.files += 1;
      }
      vm.runInThisContext(code, { filename: path.basename(url) });
    },
  });
}

function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  if (command === "plan") {
    const s = searcher();
    const plans = [];
    for (const query of input) plans.push(await s.plan(query));
    return plans;
  }
  if (command === "search") {
    const s = searcher();
    const out = [];
    for (const query of input.queries) out.push(await s.search(query, input.limit));
    return out;
  }
  if (command === "bench") {
    const scriptBytes = fs.statSync(searchJs).size;
    const out = [];
    for (const query of input.queries) {
      const counter = { bytes: scriptBytes, files: 1 };
      const s = searcher(counter);
      let start = process.hrtime.bigint();
      await s.search(query, input.limit);
      const coldMs = Number(process.hrtime.bigint() - start) / 1e6;
      const times = [];
      for (let run = 0; run < input.runs; run++) {
        start = process.hrtime.bigint();
        await s.search(query, input.limit);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      out.push({ query, bytes: counter.bytes, files: counter.files, coldMs, rankMs: median(times) });
    }
    return out;
  }
  throw new Error("unknown command " + command);
}

main().then(
  (output) => process.stdout.write(JSON.stringify(output)),
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
    process.exit(1);
  },
);
