/* srebook search: the browser half of src/search/.
 *
 * The build writes the index as small scripts under search/ that call
 * srebookSearch.load(id, data), so pages load them with <script> tags: that
 * works from file:// (no fetch) and from any static host. A query loads
 * meta.js once, then only the shards it needs (see src/search/browser.rs).
 *
 * The query plan follows src/search/plan.rs rule for rule, over the
 * vocabulary and synonym table the build exports: there is no stemmer here,
 * every stem comes from Rust. tests/search.rs checks both sides produce the
 * same plans. Ranking sums the per-term BM25 scores stored in the postings.
 *
 * The engine also runs under node (tests, benches): srebookSearch.create()
 * with a loadScript function. The page UI starts only where there is a page. */
(function (global) {
  "use strict";

  var FORMAT = 1;
  var WORD = /[\p{Alphabetic}\p{N}]/u;
  var LETTER = /\p{Alphabetic}/u;
  var APOSTROPHE = /['\u2018\u2019]/;
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var DIGIT_VALUE = [];
  for (var d = 0; d < DIGITS.length; d++) DIGIT_VALUE[DIGITS.charCodeAt(d)] = d;

  /* ------------------------------------------------------------ loading */

  var waiting = dict();

  /* Called by every index script: hands its data to whoever waits for it. */
  function load(id, data) {
    var callbacks = waiting[id] || [];
    delete waiting[id];
    for (var i = 0; i < callbacks.length; i++) callbacks[i](data);
  }

  /* Loads one index script once per searcher; resolves with its data. */
  function Store(loadScript) {
    this.loadScript = loadScript;
    this.scripts = dict();
  }
  Store.prototype.get = function (id, url) {
    var store = this;
    if (!store.scripts[id]) {
      store.scripts[id] = new Promise(function (resolve, reject) {
        (waiting[id] = waiting[id] || []).push(resolve);
        store.loadScript(url, function (error) {
          delete store.scripts[id];
          reject(error || new Error("cannot load " + url));
        });
      });
    }
    return store.scripts[id];
  };

  /* ------------------------------------------------------------ helpers */

  function chars(text) { return Array.from(text); }

  /* A map from strings: no inherited keys, so a word like "constructor" is just a word. */
  function dict() { return Object.create(null); }

  /* The words of a text, as analysis::words: runs of letters and digits,
   * lowercased, an apostrophe between two letters dropped (what's → whats). */
  function words(text) {
    var out = [], current = "", cs = chars(text);
    for (var i = 0; i < cs.length; i++) {
      var c = cs[i];
      if (WORD.test(c)) current += c.toLowerCase();
      else if (APOSTROPHE.test(c) && current && i + 1 < cs.length && LETTER.test(cs[i + 1])) continue;
      else if (current) { out.push(current); current = ""; }
    }
    if (current) out.push(current);
    return out;
  }

  /* The last index i with keys[i] <= key (0 when key is before all). */
  function shardOf(keys, key) {
    var lo = 0, hi = keys.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (keys[mid] <= key) lo = mid + 1; else hi = mid;
    }
    return Math.max(0, lo - 1);
  }

  /* Shard numbers covering every key in [from, to]. */
  function shardsBetween(keys, from, to) {
    var out = [];
    for (var i = shardOf(keys, from), last = shardOf(keys, to); i <= last; i++) out.push(i);
    return out;
  }

  /* True when typed (code points) becomes candidate with one edit: a changed,
   * added or removed character, or two neighbours swapped (as Rust's). */
  function withinOneEdit(a, candidate) {
    var b = chars(candidate), p = 0;
    while (p < a.length && p < b.length && a[p] === b[p]) p++;
    var ra = a.slice(p), rb = b.slice(p);
    var same = function (x, y) { return x.join("") === y.join(""); };
    switch (ra.length - rb.length) {
      case 0:
        return ra.length === 1 || (ra.length >= 2 && (same(ra.slice(1), rb.slice(1)) ||
          (ra[0] === rb[1] && ra[1] === rb[0] && same(ra.slice(2), rb.slice(2)))));
      case 1: return same(ra.slice(1), rb);
      case -1: return same(ra, rb.slice(1));
      default: return false;
    }
  }

  function byWord(a, b) { return a.word < b.word ? -1 : a.word > b.word ? 1 : 0; }

  function padded(n) { return n < 10 ? "0" + n : String(n); }

  /* One vocabulary line: word[\tstem[\tn]] (see word_line in browser.rs). */
  function parseWord(line) {
    var parts = line.split("\t"), word = parts[0], spec = parts[1] || "";
    var stem = spec === "" ? word : spec.charAt(0) === "=" ? spec.slice(1) : word.slice(0, word.length - Number(spec));
    return { word: word, stem: stem, isTerm: parts[2] !== "n" };
  }

  function decodeNumbers(text) {
    var numbers = [], value = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT_VALUE[text.charCodeAt(i)];
      value += (digit & 31) * Math.pow(2, shift);
      if (digit < 32) { numbers.push(value); value = 0; shift = 0; } else shift += 5;
    }
    return numbers;
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* A regular expression matching any of the spellings, as whole words;
   * spaces in a spelling match any run of separators (post-mortem). */
  function spellingPattern(spellings) {
    var alternatives = spellings.slice().sort(function (a, b) { return b.length - a.length; }).map(function (s) {
      return s.split(" ").map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("[^\\p{L}\\p{N}]+");
    });
    if (!alternatives.length) return null;
    return new RegExp("(?<![\\p{L}\\p{N}])(?:" + alternatives.join("|") + ")(?![\\p{L}\\p{N}])", "giu");
  }

  /* text as HTML with the matches of pattern in <mark>. */
  function markHtml(text, pattern) {
    if (!pattern) return escapeHtml(text);
    var html = "", at = 0, match;
    pattern.lastIndex = 0;
    while ((match = pattern.exec(text))) {
      html += escapeHtml(text.slice(at, match.index)) + "<mark>" + escapeHtml(match[0]) + "</mark>";
      at = match.index + match[0].length;
    }
    return html + escapeHtml(text.slice(at));
  }

  /* About `size` characters of text around its first match, cut between words. */
  function snippetAround(text, pattern, size) {
    pattern.lastIndex = 0;
    var match = pattern.exec(text), start = 0;
    if (match && match.index > size / 3) {
      start = text.lastIndexOf(" ", match.index - Math.floor(size / 4)) + 1;
    }
    var end = Math.min(text.length, start + size);
    if (end < text.length) end = Math.max(text.lastIndexOf(" ", end), start + 1);
    return (start > 0 ? "… " : "") + markHtml(text.slice(start, end), pattern) + (end < text.length ? " …" : "");
  }

  /* ----------------------------------------------------------- searcher */

  /* A searcher over the index in the folder `base` (URL ending with "/").
   * loadScript(url, fail) must run the script at url (which calls
   * srebookSearch.load) or call fail(error). metaQuery is added to the URL
   * of meta.js (to get past a cached copy). */
  function Searcher(base, loadScript, metaQuery) {
    this.base = base;
    this.metaQuery = metaQuery || "";
    this.store = new Store(loadScript);
    this.postings = dict();
  }

  Searcher.prototype.meta = function () {
    var searcher = this;
    if (!searcher.metaPromise) {
      var url = searcher.base + "meta.js" + searcher.metaQuery;
      searcher.metaPromise = searcher.store.get("meta", url).then(function (meta) {
        if (meta.format !== FORMAT) throw new Error("search index format " + meta.format + " is not " + FORMAT);
        searcher.synonyms = dict();
        meta.synonyms.forEach(function (pattern) {
          (searcher.synonyms[pattern[0][0]] = searcher.synonyms[pattern[0][0]] || []).push(pattern);
        });
        return meta;
      });
      searcher.metaPromise.catch(function () { searcher.metaPromise = null; });
    }
    return searcher.metaPromise;
  };

  /* The data of shards `numbers` of table `table`, in order. */
  Searcher.prototype.shards = function (meta, table, numbers) {
    var searcher = this;
    return Promise.all(numbers.map(function (n) {
      var id = table + n;
      return searcher.store.get(id, searcher.base + meta.dir + "/" + id + ".js");
    }));
  };

  /* Vocabulary entries in [from, to] of table w, h or e. */
  Searcher.prototype.words = function (meta, table, from, to) {
    var numbers = shardsBetween(meta.shards[table], from, to);
    return this.shards(meta, table, numbers).then(function (shards) {
      var entries = [];
      shards.forEach(function (lines) { lines.forEach(function (line) { entries.push(parseWord(line)); }); });
      return entries;
    });
  };

  /* The longest synonym pattern at stems[start]: [length, canonical] or null. */
  Searcher.prototype.longestMatch = function (stems, start) {
    var candidates = this.synonyms[stems[start]] || [];
    for (var i = 0; i < candidates.length; i++) {
      var pattern = candidates[i][0];
      if (pattern.length > stems.length - start) continue;
      var matches = true;
      for (var k = 0; k < pattern.length && matches; k++) matches = pattern[k] === stems[start + k];
      if (matches) return [pattern.length, candidates[i][1]];
    }
    return null;
  };

  /* The terms of one vocabulary word on its own. */
  Searcher.prototype.wordTerms = function (entry) {
    var match = this.longestMatch([entry.stem], 0);
    return match ? match[1].slice() : entry.isTerm ? [entry.stem] : [];
  };

  /* The query plan: the same rules, in the same order, as plan.rs. */
  Searcher.prototype.plan = function (query) {
    var searcher = this;
    return searcher.meta().then(function (meta) {
      var tuning = meta.tuning;
      var typed = words(query).slice(0, tuning.maxQueryWords);
      var last = typed.length ? typed[typed.length - 1] : "";
      var completing = chars(last).length >= tuning.prefixMinChars;
      var lookups = typed.map(function (w) { return searcher.words(meta, "w", w, w); });
      if (completing) lookups.push(searcher.words(meta, "w", last, last + "\uffff"));
      return Promise.all(lookups).then(function (found) {
        var known = dict();
        found.forEach(function (entries) { entries.forEach(function (e) { known[e.word] = e; }); });
        var readings = typed.map(function (w) {
          return known[w] ? { entry: known[w], known: true } : { entry: { word: w, stem: w, isTerm: true }, known: false };
        });
        var typos = readings.filter(function (r) {
          var length = chars(r.entry.word).length;
          return !r.known && length >= tuning.typoMinChars && length <= tuning.typoMaxChars && LETTER.test(r.entry.word);
        });
        return Promise.all(typos.map(function (r) {
          var cs = chars(r.entry.word), n = cs.length;
          var head = cs.slice(0, 2).join(""), tail = cs.slice(n - 2).join("");
          return Promise.all([
            searcher.words(meta, "h", head + padded(n - 1), head + padded(n + 1) + "\uffff"),
            searcher.words(meta, "e", tail + padded(n - 1), tail + padded(n + 1) + "\uffff"),
          ]).then(function (pools) {
            var seen = dict(), candidates = [];
            pools[0].concat(pools[1]).forEach(function (e) {
              if (!seen[e.word] && withinOneEdit(cs, e.word)) { seen[e.word] = true; candidates.push(e); }
            });
            r.typoCandidates = candidates.sort(byWord);
          });
        })).then(function () {
          var completions = completing ? Object.keys(known).filter(function (w) {
            return w !== last && w.lastIndexOf(last, 0) === 0;
          }).map(function (w) { return known[w]; }) : [];
          return searcher.buildPlan(typed, readings, completions, tuning);
        });
      });
    });
  };

  Searcher.prototype.buildPlan = function (typed, readings, completions, tuning) {
    var searcher = this, clauses = [], stems = readings.map(function (r) { return r.entry.stem; });
    var addReadings = function (clause, candidates, kind, weight, limit) {
      var added = 0;
      for (var i = 0; i < candidates.length && added < limit; i++) {
        var terms = searcher.wordTerms(candidates[i]), key = terms.join(" ");
        if (!terms.length || clause.alternatives.some(function (a) { return a.terms.join(" ") === key; })) continue;
        clause.alternatives.push({ kind: kind, word: candidates[i].word, terms: terms, weight: weight });
        added++;
      }
    };
    var expand = function (clause, reading, isLast) {
      if (reading.typoCandidates) {
        addReadings(clause, reading.typoCandidates, "typo", tuning.typoWeight, tuning.maxTypoExpansions);
      }
      if (isLast && chars(reading.entry.word).length >= tuning.prefixMinChars) {
        var sorted = completions.slice().sort(function (a, b) {
          return chars(a.word).length - chars(b.word).length || byWord(a, b);
        });
        var weight = reading.known ? tuning.prefixWeight : tuning.partialWordWeight;
        addReadings(clause, sorted, "prefix", weight, tuning.maxPrefixExpansions);
      }
    };
    for (var i = 0; i < readings.length;) {
      var reading = readings[i], isLast = i === readings.length - 1;
      var match = searcher.longestMatch(stems, i);
      if (match) {
        var text = typed.slice(i, i + match[0]).join(" ");
        var clause = { text: text, alternatives: [{ kind: "exact", word: text, terms: match[1].slice(), weight: 1 }] };
        if (match[0] === 1) expand(clause, reading, isLast);
        clauses.push(clause);
        i += match[0];
        continue;
      }
      if (reading.entry.isTerm) {
        var word = reading.entry.word;
        var own = { text: word, alternatives: [{ kind: "exact", word: word, terms: [reading.entry.stem], weight: 1 }] };
        expand(own, reading, isLast);
        clauses.push(own);
      }
      i++;
    }
    return { clauses: clauses };
  };

  /* The term entries of `terms`: {spellings, ids, weights}, or nothing for a
   * term no topic has. */
  Searcher.prototype.terms = function (meta, terms) {
    var searcher = this, numbers = dict();
    terms.forEach(function (t) { numbers[shardOf(meta.shards.t, t)] = true; });
    var list = Object.keys(numbers).map(Number);
    return searcher.shards(meta, "t", list).then(function (shards) {
      shards.forEach(function (shard) {
        for (var i = 0; i + 2 < shard.length; i += 3) {
          if (!searcher.postings[shard[i]]) searcher.postings[shard[i]] = { spellings: shard[i + 1], encoded: shard[i + 2] };
        }
      });
      var tuning = meta.tuning, out = dict();
      terms.forEach(function (t) {
        var entry = searcher.postings[t];
        if (!entry) return;
        if (!entry.ids) {
          var numbers = decodeNumbers(entry.encoded), ids = new Int32Array(numbers.length / 2);
          var weights = new Float64Array(numbers.length / 2), doc = 0;
          for (var k = 0; k < ids.length; k++) {
            doc += numbers[2 * k];
            ids[k] = doc;
            weights[k] = tuning.weightBase * Math.pow(tuning.weightStep, numbers[2 * k + 1]);
          }
          entry.ids = ids;
          entry.weights = weights;
        }
        out[t] = entry;
      });
      return out;
    });
  };

  /* Scores every topic: per clause the best alternative, an alternative
   * scoring its weight times the sum of its terms' stored scores. */
  function rank(plan, entries, docCount) {
    var total = new Float64Array(docCount), best = new Float64Array(docCount), sum = new Float64Array(docCount);
    var matched = [];
    plan.clauses.forEach(function (clause) {
      var touched = [];
      clause.alternatives.forEach(function (alternative) {
        var altTouched = [];
        alternative.terms.forEach(function (term) {
          var entry = entries[term];
          if (!entry) return;
          for (var k = 0; k < entry.ids.length; k++) {
            var id = entry.ids[k];
            if (sum[id] === 0) altTouched.push(id);
            sum[id] += entry.weights[k];
          }
        });
        altTouched.forEach(function (id) {
          var score = alternative.weight * sum[id];
          sum[id] = 0;
          if (best[id] === 0) touched.push(id);
          if (score > best[id]) best[id] = score;
        });
      });
      touched.forEach(function (id) {
        if (total[id] === 0) matched.push(id);
        total[id] += best[id];
        best[id] = 0;
      });
    });
    matched.sort(function (a, b) { return total[b] - total[a] || a - b; });
    return { ids: matched, scores: total };
  }

  function contains(ids, id) {
    var lo = 0, hi = ids.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (ids[mid] < id) lo = mid + 1; else hi = mid;
    }
    return lo < ids.length && ids[lo] === id;
  }

  /* The best `limit` topics for `query`: [{path, title, chapter, chapterTitle,
   * variants, score, titleHtml, snippetHtml, spellings}]. */
  Searcher.prototype.search = function (query, limit) {
    var searcher = this;
    limit = limit || 10;
    return searcher.plan(query).then(function (plan) {
      return searcher.meta().then(function (meta) {
        var allTerms = dict();
        plan.clauses.forEach(function (c) { c.alternatives.forEach(function (a) { a.terms.forEach(function (t) { allTerms[t] = true; }); }); });
        return searcher.terms(meta, Object.keys(allTerms)).then(function (entries) {
          var ranked = rank(plan, entries, meta.docs);
          var top = ranked.ids.slice(0, limit);
          var numbers = dict();
          top.forEach(function (id) { numbers[shardOf(meta.shards.d, id)] = true; });
          var list = Object.keys(numbers).map(Number);
          return searcher.shards(meta, "d", list).then(function (shards) {
            var docs = [];
            list.forEach(function (n, i) {
              shards[i].forEach(function (doc, k) { docs[meta.shards.d[n] + k] = doc; });
            });
            return top.map(function (id) {
              var doc = docs[id], spellings = [];
              Object.keys(entries).forEach(function (t) {
                if (contains(entries[t].ids, id)) spellings = spellings.concat(entries[t].spellings.split("|"));
              });
              var pattern = spellingPattern(spellings), chapter = meta.chapters[doc[2]] || ["", ""];
              var variant = pattern && doc[3].filter(function (v) { pattern.lastIndex = 0; return pattern.test(v); })[0];
              pattern && (pattern.lastIndex = 0);
              var text = pattern && !pattern.test(doc[4]) && variant ? variant : doc[4];
              return {
                path: doc[0], title: doc[1], chapter: chapter[0], chapterTitle: chapter[1], variants: doc[3],
                score: ranked.scores[id], spellings: spellings,
                titleHtml: markHtml(doc[1], pattern),
                snippetHtml: pattern ? snippetAround(text, pattern, meta.tuning.snippetChars) : escapeHtml(text),
              };
            });
          });
        });
      });
    });
  };

  var api = global.srebookSearch || {};
  api.load = load;
  /* A searcher: {base, loadScript(url, fail), metaQuery}, see Searcher. */
  api.create = function (options) { return new Searcher(options.base, options.loadScript, options.metaQuery); };
  global.srebookSearch = api;

  if (typeof document === "undefined") return;

  /* ------------------------------------------------------------ the page */

  var doc = document;
  var script = doc.currentScript;
  var siteRoot = new URL("../", script ? script.src : doc.baseURI);
  var searcher = null, refreshed = false;

  function getSearcher() {
    if (!searcher) {
      searcher = api.create({
        base: new URL("search/", siteRoot).href,
        metaQuery: refreshed ? "?v=" + Date.now() : "",
        loadScript: function (url, fail) {
          var tag = doc.createElement("script");
          tag.src = url;
          tag.async = true;
          tag.onerror = function () { tag.remove(); fail(new Error("cannot load " + url)); };
          tag.onload = function () { tag.remove(); };
          doc.head.appendChild(tag);
        },
      });
    }
    return searcher;
  }

  /* The best `limit` results for `query`. A shard that fails to load usually
   * means a cached meta.js of an older build: fetch meta.js afresh, once. */
  function find(query, limit) {
    return getSearcher().search(query, limit).catch(function (error) {
      if (refreshed) throw error;
      refreshed = true;
      searcher = null;
      return getSearcher().search(query, limit);
    });
  }

  function announce(text) {
    var status = doc.getElementById("srebook-status");
    if (status) status.textContent = text;
  }

  function resultUrl(result) {
    var url = new URL(result.path, siteRoot);
    if (result.spellings.length) url.search = "?highlight=" + encodeURIComponent(result.spellings.slice(0, 24).join(","));
    return url.href;
  }

  /* One result as a link; in the box's list it is an option with an id. */
  function resultHtml(result, optionId) {
    var option = optionId ? ' role="option" id="' + optionId + '"' : "";
    return '<a class="search-result"' + option + ' href="' + escapeHtml(resultUrl(result)) + '">' +
      '<span class="search-result-title">' + result.titleHtml + "</span>" +
      '<span class="search-result-chapter">' + escapeHtml(result.chapterTitle) + "</span>" +
      '<span class="search-result-snippet">' + result.snippetHtml + "</span></a>";
  }

  var STYLE = [
    ".search{position:relative}",
    ".search-popup{position:absolute;top:calc(100% + .4rem);right:0;width:min(34rem,calc(100vw - 1rem));max-height:70vh;",
    "overflow:auto;background:var(--card-bg);color:var(--fg);border:1px solid var(--border);border-radius:var(--radius);",
    "box-shadow:var(--shadow);z-index:50;padding:.3rem}",
    ".search-popup[hidden]{display:none}",
    "@media (max-width:40em){.search-popup{position:fixed;top:calc(var(--topbar-height) + .25rem);left:.5rem;right:.5rem;width:auto}}",
    ".search-result{display:block;padding:.45rem .6rem;border-radius:6px;color:inherit;text-decoration:none;line-height:1.35}",
    ".search-result[aria-selected=true],.search-result:hover{background:var(--bg-hover)}",
    ".search-result-title{display:block;font-weight:600;font-size:.95rem;color:var(--link)}",
    ".search-result-chapter{display:block;font-size:.75rem;color:var(--fg-muted)}",
    ".search-result-snippet{display:block;font-size:.82rem;color:var(--fg-muted)}",
    ".search-result mark,.search-highlight{background:var(--accent-soft);color:inherit;border-radius:2px;",
    "box-shadow:0 0 0 1px var(--accent-soft)}",
    ".search-popup-note{display:block;padding:.45rem .6rem;font-size:.82rem;color:var(--fg-muted);margin:0}",
    ".search-page-form input{width:100%;max-width:36rem;height:2.6rem;padding:0 1rem;border:1px solid var(--border);",
    "border-radius:999px;background:var(--bg-soft);color:var(--fg);font:inherit}",
    ".search-page-results .search-result{padding:.75rem 0;border-bottom:1px solid var(--border-soft);border-radius:0}",
    ".search-page-results .search-result-title{font-size:1.05rem}",
  ].join("");

  /* The search UI's look, from the theme's colour variables. It goes before
   * the stylesheets, so a theme's style.css can restyle any of it. */
  function addStyle() {
    var style = doc.createElement("style");
    style.textContent = STYLE;
    doc.head.insertBefore(style, doc.head.querySelector('link[rel="stylesheet"]'));
  }

  /* Runs `query` when typing pauses, dropping answers to older queries. */
  function debounced(run, delay) {
    var timer = null, generation = 0;
    return function (query) {
      window.clearTimeout(timer);
      var mine = ++generation;
      timer = window.setTimeout(function () {
        run(query, function () { return mine === generation; });
      }, delay);
    };
  }

  function searchPageUrl(query) {
    var url = new URL("search.html", siteRoot);
    url.search = "?q=" + encodeURIComponent(query);
    return url.href;
  }

  /* The box in the top bar: results as you type, arrows and Enter to pick. */
  function setUpBox(input) {
    var box = input.parentNode;
    var popup = doc.createElement("div");
    popup.className = "search-popup";
    popup.id = "search-popup";
    popup.hidden = true;
    box.appendChild(popup);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", "search-listbox");
    input.setAttribute("aria-expanded", "false");
    var active = -1;

    function options() { return popup.querySelectorAll(".search-result"); }
    function open(show) {
      popup.hidden = !show;
      input.setAttribute("aria-expanded", show ? "true" : "false");
      if (!show) setActive(-1);
    }
    function setActive(index) {
      var items = options();
      // Cycle through -1 (the input itself), 0 … n - 1.
      var slots = items.length + 1;
      active = (((index + 1) % slots) + slots) % slots - 1;
      for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === active ? "true" : "false");
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", items[active].id);
        items[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    var run = debounced(function (query, current) {
      if (!words(query).length) { open(false); return; }
      find(query, 8).then(function (results) {
        if (!current()) return;
        popup.innerHTML = results.length
          ? '<div role="listbox" id="search-listbox" aria-label="Search results">' +
            results.map(function (r, i) { return resultHtml(r, "search-option-" + i); }).join("") + "</div>" +
            '<a class="search-popup-note" href="' + escapeHtml(searchPageUrl(query)) + '">All results for “' + escapeHtml(query) + "”</a>"
          : '<p class="search-popup-note" id="search-listbox">No results for “' + escapeHtml(query) + "”.</p>";
        open(true);
        setActive(-1);
        announce(results.length ? results.length + " results" : "No results");
      }, function () {
        if (!current()) return;
        popup.innerHTML = '<p class="search-popup-note">The search index could not be loaded.</p>';
        open(true);
      });
    }, 120);

    input.addEventListener("input", function () { run(input.value); });
    input.addEventListener("focus", function () {
      getSearcher().meta().catch(function () {});
      if (input.value && popup.innerHTML) open(true);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (popup.hidden) return;
        e.preventDefault();
        setActive(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter") {
        e.preventDefault();
        var items = options();
        if (active >= 0 && items[active]) window.location.href = items[active].href;
        else if (input.value.trim()) window.location.href = searchPageUrl(input.value);
      } else if (e.key === "Escape") {
        if (!popup.hidden) { e.preventDefault(); open(false); } else input.blur();
      }
    });
    doc.addEventListener("click", function (e) {
      if (!box.contains(e.target)) open(false);
    });
    doc.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === "k" || e.key === "K")) {
        e.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  /* search.html: every result for ?q=, updated as the query is edited. */
  function setUpResultsPage(container) {
    var input = doc.getElementById("search-page-input");
    var query = new URLSearchParams(window.location.search).get("q") || "";
    var show = function (q, current) {
      if (!words(q).length) { container.innerHTML = ""; return; }
      find(q, 50).then(function (results) {
        if (!current()) return;
        container.innerHTML = results.length
          ? '<p class="search-count">' + results.length + (results.length === 50 ? "+" : "") + " results</p>" +
            results.map(function (r) { return resultHtml(r); }).join("")
          : "<p>No results for “" + escapeHtml(q) + "”.</p>";
        announce(results.length ? results.length + " results" : "No results");
      }, function () {
        container.innerHTML = "<p>The search index could not be loaded.</p>";
      });
    };
    if (input) {
      input.value = query;
      var run = debounced(function (q, current) {
        window.history.replaceState(null, "", "?q=" + encodeURIComponent(q));
        show(q, current);
      }, 120);
      input.addEventListener("input", function () { run(input.value); });
    }
    show(query, function () { return true; });
  }

  /* Marks the searched words on the page a result led to (?highlight=). */
  function highlightPage(spellings) {
    var pattern = spellingPattern(spellings.split(",").filter(Boolean));
    var main = doc.getElementById("content");
    if (!pattern || !main) return;
    var walker = doc.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentNode.closest("script, style, mark, textarea") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      },
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    var first = null;
    nodes.forEach(function (node) {
      pattern.lastIndex = 0;
      if (!pattern.test(node.nodeValue)) return;
      var span = doc.createElement("span");
      span.innerHTML = markHtml(node.nodeValue, pattern).replace(/<mark>/g, '<mark class="search-highlight">');
      var fragment = doc.createDocumentFragment();
      while (span.firstChild) fragment.appendChild(span.firstChild);
      first = first || fragment.querySelector("mark");
      node.parentNode.replaceChild(fragment, node);
    });
    // Scroll the window only (not every scrollable ancestor), a third down the view.
    if (first) window.scrollTo(0, first.getBoundingClientRect().top + window.pageYOffset - window.innerHeight / 3);
  }

  addStyle();
  var input = doc.getElementById("search-input");
  if (input) setUpBox(input);
  var resultsPage = doc.getElementById("search-page-results");
  if (resultsPage) setUpResultsPage(resultsPage);
  var highlight = new URLSearchParams(window.location.search).get("highlight");
  if (highlight) highlightPage(highlight);
})(typeof window !== "undefined" ? window : globalThis);
