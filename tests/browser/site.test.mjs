// End-to-end test of a built srebook site in headless Chromium.
//
//   node tests/browser/site.test.mjs <site-dir> <screenshot-dir>
//
// Opens the site from file:// (as a reader who double-clicks index.html
// would), follows the navigation, switches themes, copies code, drives the
// keyboard and the phone menu, and saves screenshots of every theme. Any
// console error, uncaught exception or failed request on any page fails the
// run. tests/browser.rs builds the site and runs this; it needs Node.js,
// playwright-core (npm ci --prefix tests/browser) and a Chromium binary
// ($CHROMIUM, default /usr/bin/chromium). Playwright never downloads one.

import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const [siteArg, shotsArg] = process.argv.slice(2);
if (!siteArg || !shotsArg) {
  console.error("usage: node site.test.mjs <site-dir> <screenshot-dir>");
  process.exit(2);
}
const SITE = path.resolve(siteArg);
const SHOTS = path.resolve(shotsArg);
const THEMES = ["light", "dark", "sepia"];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };

assert.ok(fs.existsSync(path.join(SITE, "index.html")), `${SITE} has no index.html`);
fs.mkdirSync(SHOTS, { recursive: true });

const url = (rel) => pathToFileURL(path.join(SITE, rel)).href;
const relOf = (href) => path.relative(SITE, fileURLToPath(href.split("#")[0])).split(path.sep).join("/");
const read = (rel) => fs.readFileSync(path.join(SITE, rel), "utf8");

/** Every HTML page of the site, site-relative, sorted. */
function htmlPages() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.name.endsWith(".html")) out.push(path.relative(SITE, abs).split(path.sep).join("/"));
    }
  };
  walk(SITE);
  return out.sort();
}
const PAGES = htmlPages();
const TOPICS = PAGES.filter((p) => p.includes("/") && !p.endsWith("/index.html"));
assert.ok(TOPICS.length >= 5, `only ${TOPICS.length} topic pages`);

/** The topic page whose first code block sits nearest the top, for the code screenshots. */
function topicWithCode() {
  let best = null;
  for (const rel of TOPICS) {
    const html = read(rel);
    const at = html.indexOf('class="code-block"');
    const body = html.indexOf('class="answers"');
    if (at > 0 && body > 0 && (!best || at - body < best.offset)) best = { rel, offset: at - body };
  }
  assert.ok(best, "no topic page has a code block");
  return best.rel;
}
const firstTopicWith = (needle) => TOPICS.find((rel) => read(rel).includes(needle));

// ------------------------------------------------------------------ browser

let browser;
/** Problems seen on any page: console errors, uncaught exceptions, failed loads. */
const problems = [];
let pagesVisited = 0;

function watch(page) {
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error on ${page.url()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`uncaught ${err.name} on ${page.url()}: ${err.message}`));
  page.on("requestfailed", (req) => {
    const error = req.failure()?.errorText;
    // ERR_ABORTED: the test moved on while the page was still loading (a favicon, say).
    if (error !== "net::ERR_ABORTED") problems.push(`failed to load ${req.url()} from ${page.url()}: ${error}`);
  });
  page.on("load", () => pagesVisited++);
}

async function newContext(options = {}) {
  const context = await browser.newContext({
    viewport: DESKTOP,
    colorScheme: "light",
    reducedMotion: "reduce",
    ...options,
  });
  context.on("page", watch);
  return context;
}

async function open(context, rel) {
  const page = await context.newPage();
  await page.goto(url(rel));
  return page;
}

function takeProblems() {
  return problems.splice(0, problems.length);
}

before(async () => {
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  browser = await chromium.launch({
    executablePath,
    headless: true,
    // As root on a machine without a network: no sandbox, and no background
    // connections (update checks, sync) that would only fail and log noise.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      "--font-render-hinting=none",
    ],
  });
});

after(async () => {
  await browser?.close();
  console.log(`# ${pagesVisited} page loads; screenshots in ${SHOTS}`);
});

// Every test ends with no console error, exception or failed request on any page it opened.
afterEach(() => {
  const seen = takeProblems();
  assert.deepEqual(seen, [], `problems on the pages this test visited:\n${seen.join("\n")}`);
});

// ---------------------------------------------------------------- helpers

async function h1(page) {
  return (await page.locator("main h1").first().innerText()).trim();
}

/** Checks every page gets: landmarks, one h1, title and description, no sideways scrolling. */
async function checkPage(page) {
  const facts = await page.evaluate(() => {
    const meta = document.querySelector('meta[name="description"]');
    const doc = document.documentElement;
    return {
      title: document.title,
      description: meta ? meta.content : "",
      h1s: document.querySelectorAll("h1").length,
      mains: document.querySelectorAll("main#content").length,
      banner: !!document.querySelector("body > header"),
      contentinfo: !!document.querySelector("footer:not(main footer):not(article footer)"),
      navLabels: [...document.querySelectorAll("nav")].map((n) => n.getAttribute("aria-label") || n.getAttribute("aria-labelledby")),
      skip: document.querySelector("a.skip-link")?.getAttribute("href"),
      overflow: doc.scrollWidth - doc.clientWidth,
      lang: doc.lang,
    };
  });
  const where = relOf(page.url());
  assert.ok(facts.title.trim(), `${where}: empty <title>`);
  assert.ok(facts.description.trim(), `${where}: empty meta description`);
  assert.equal(facts.h1s, 1, `${where}: ${facts.h1s} <h1> elements`);
  assert.equal(facts.mains, 1, `${where}: no <main id="content">`);
  assert.ok(facts.banner && facts.contentinfo, `${where}: missing header or footer landmark`);
  assert.ok(facts.navLabels.every(Boolean), `${where}: a <nav> has no label`);
  assert.equal(facts.skip, "#content", `${where}: no skip link`);
  assert.ok(facts.lang, `${where}: no <html lang>`);
  assert.ok(facts.overflow <= 0, `${where}: the page scrolls sideways by ${facts.overflow}px`);
}

/** Clicks a link and waits for the page it leads to. */
async function follow(page, link) {
  const href = await link.evaluate((a) => a.href);
  await link.click();
  await page.waitForURL(href);
  await page.waitForLoadState("load");
  return href;
}

/** Init script: a reader who chose `theme` earlier (about:blank has no storage). */
const presetTheme = (theme) => {
  if (location.protocol === "file:") localStorage.setItem("srebook-theme", theme);
};

const navText = (s) => s.replace(/^\s*\d+\.\s*/, "").replace(/\s+/g, " ").trim();

// ------------------------------------------------------------------ tests

test("the problem detector itself catches console errors, exceptions and missing files", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "srebook-canary-"));
  const file = path.join(dir, "canary.html");
  fs.writeFileSync(
    file,
    '<!doctype html><title>x</title><link rel="stylesheet" href="missing.css">' +
      '<script>console.error("canary");</script><script>throw new Error("boom")</script>',
  );
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.waitForTimeout(100);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const seen = takeProblems();
  assert.ok(seen.some((p) => p.includes("canary")), `console.error not caught: ${seen}`);
  assert.ok(seen.some((p) => p.includes("boom")), `exception not caught: ${seen}`);
  assert.ok(seen.some((p) => p.includes("missing.css")), `missing file not caught: ${seen}`);
});

test("every relative link and #anchor in the site resolves", () => {
  const ids = new Map();
  const idsOf = (rel) => {
    if (!ids.has(rel)) ids.set(rel, new Set([...read(rel).matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
    return ids.get(rel);
  };
  const broken = [];
  let links = 0;
  for (const rel of PAGES) {
    for (const m of read(rel).matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const target = m[1].replaceAll("&amp;", "&");
      if (/^(https?:|mailto:)/.test(target)) continue;
      links++;
      if (target.startsWith("/")) broken.push(`${rel}: absolute link ${target}`);
      const [file, hash] = target.split("#");
      const dest = file ? path.posix.normalize(path.posix.join(path.posix.dirname(rel), file)) : rel;
      if (rel === "404.html") continue; // its links are only exact at the top of a site
      if (!fs.existsSync(path.join(SITE, dest))) broken.push(`${rel}: ${target} (no such file)`);
      else if (hash && dest.endsWith(".html") && !idsOf(dest).has(decodeURIComponent(hash)))
        broken.push(`${rel}: ${target} (no such anchor)`);
    }
  }
  assert.ok(links > PAGES.length * 10, `only ${links} links`);
  assert.deepEqual(broken.slice(0, 20), [], `${broken.length} broken links`);
});

test("sidebar links lead to their chapters and topics", async () => {
  const context = await newContext();
  const page = await open(context, "index.html");
  await checkPage(page);
  assert.equal(await h1(page), (await page.locator(".brand-title").innerText()).trim());
  const chapterCount = await page.locator("#sidebar .nav-chapter-link").count();
  assert.ok(chapterCount >= 3, `${chapterCount} chapters in the sidebar`);

  const visitedTopics = [];
  for (let i = 0; i < chapterCount; i++) {
    // Chapter link: lands on the chapter page, marked current in the sidebar.
    const chapterLink = page.locator("#sidebar .nav-chapter-link").nth(i);
    const chapterTitle = navText(await chapterLink.innerText());
    await follow(page, chapterLink);
    assert.equal(await h1(page), chapterTitle, "chapter page heading");
    await checkPage(page);
    const current = page.locator('#sidebar [aria-current="page"]');
    assert.equal(navText(await current.innerText()), chapterTitle, "current chapter highlighted");
    const topics = page.locator(".nav-chapter.is-current .nav-topics a");
    assert.ok(await topics.first().isVisible(), "current chapter's topics are expanded");

    // Two topic links of this chapter (first and last): heading, highlight, breadcrumb.
    const n = await topics.count();
    for (const j of [...new Set([0, n - 1])]) {
      const link = page.locator(".nav-chapter.is-current .nav-topics a").nth(j);
      const title = navText(await link.innerText());
      await follow(page, link);
      assert.equal(await h1(page), title, "topic page heading");
      assert.equal(navText(await page.locator('#sidebar [aria-current="page"]').innerText()), title);
      assert.deepEqual(
        (await page.locator(".breadcrumb li").allInnerTexts()).map(navText),
        ["Home", chapterTitle, title],
      );
      assert.ok((await page.title()).startsWith(title), "topic <title>");
      await checkPage(page);
      visitedTopics.push(title);
      // Back to the chapter, through the breadcrumb.
      await follow(page, page.locator(".breadcrumb a").nth(1));
    }
  }
  assert.ok(visitedTopics.length >= 2 * chapterCount - 1, `visited ${visitedTopics.length} topics`);

  // A collapsed chapter opens and closes with its toggle (and the keyboard).
  // (Locators re-resolve, so pin the chapter by its list's id, not by its class.)
  const listId = await page.locator("#sidebar .nav-chapter.collapsed .nav-toggle").first().getAttribute("aria-controls");
  const toggle = page.locator(`#sidebar .nav-toggle[aria-controls="${listId}"]`);
  const list = page.locator(`#${listId}`);
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  assert.ok(!(await list.isVisible()));
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  assert.ok(await list.isVisible());
  await toggle.focus();
  await page.keyboard.press("Enter");
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  assert.ok(!(await list.isVisible()));

  // The home link, then a chapter card and the print page.
  await follow(page, page.locator(".brand"));
  assert.equal(relOf(page.url()), "index.html");
  await follow(page, page.locator(".chapter-card").first());
  assert.ok(relOf(page.url()).endsWith("/index.html"));
  await follow(page, page.locator(".print-link"));
  assert.equal(relOf(page.url()), "print.html");
  await checkPage(page);
  await context.close();
});

test("the chosen theme persists across reloads and pages, with no flash", async () => {
  const context = await newContext();
  // Record the theme at the moment <body> is parsed, before first paint.
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.body) {
        window.__themeAtBody = document.documentElement.dataset.theme;
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const topic = topicWithCode();
  const page = await open(context, topic);
  const state = () =>
    page.evaluate(() => ({
      theme: document.documentElement.dataset.theme,
      atBody: window.__themeAtBody,
      select: document.getElementById("theme-select").value,
      stored: localStorage.getItem("srebook-theme"),
      bg: getComputedStyle(document.body).backgroundColor,
      fg: getComputedStyle(document.body).color,
      codeBg: document.querySelector(".code-block") && getComputedStyle(document.querySelector(".code-block")).backgroundColor,
    }));
  const looks = new Map();
  for (const theme of THEMES) {
    await page.selectOption("#theme-select", theme);
    let s = await state();
    assert.equal(s.theme, theme);
    assert.equal(s.stored, theme);
    looks.set(theme, `${s.bg} ${s.fg} ${s.codeBg}`);
    await page.reload();
    s = await state();
    assert.equal(s.theme, theme, `${theme} after reload`);
    assert.equal(s.atBody, theme, `${theme} was not set before <body>: a flash of the wrong theme`);
    assert.equal(s.select, theme, "the switcher shows the saved theme");
    // Another page (another folder) keeps it too.
    await page.goto(url("index.html"));
    assert.equal((await state()).theme, theme, `${theme} on the home page`);
    await page.goto(url(topic));
  }
  assert.equal(new Set(looks.values()).size, THEMES.length, `themes look alike: ${[...looks.values()]}`);

  // "Auto" forgets the choice and follows the system setting, live.
  await page.selectOption("#theme-select", "");
  assert.equal((await state()).stored, null);
  assert.equal((await state()).theme, "light");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark", null, { timeout: 3000 });
  await page.reload();
  assert.equal((await state()).atBody, "dark");
  await context.close();
});

test("copy buttons copy the code, with and without the Clipboard API", async () => {
  const context = await newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = await open(context, topicWithCode());
  const block = page.locator(".code-block").first();
  const button = block.locator("button.copy");
  const expected = (await block.locator("pre code").evaluate((c) => c.textContent)).replace(/\n$/, "");
  assert.ok(expected.length > 0);

  assert.equal(await button.innerText(), "Copy");
  await button.click();
  await page.waitForFunction((b) => b.textContent === "Copied", await button.elementHandle());
  assert.ok(await button.evaluate((b) => b.classList.contains("is-copied")));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected);
  await page.waitForFunction(() => document.getElementById("srebook-status").textContent.includes("copied"));
  // The label comes back.
  await page.waitForFunction((b) => b.textContent === "Copy", await button.elementHandle(), { timeout: 4000 });

  // Where the Clipboard API is missing (older browsers, some file:// setups)
  // the execCommand fallback copies the same text.
  await page.evaluate(() => navigator.clipboard.writeText("(empty)"));
  const legacy = await context.newPage();
  await legacy.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined, configurable: true });
    document.addEventListener("copy", (e) => {
      const t = e.target;
      window.__copied = t && "value" in t ? t.value.slice(t.selectionStart, t.selectionEnd) : null;
    });
  });
  await legacy.goto(page.url());
  assert.equal(await legacy.evaluate(() => navigator.clipboard), undefined);
  const legacyButton = legacy.locator(".code-block button.copy").first();
  await legacyButton.click();
  await legacy.waitForFunction((b) => b.textContent === "Copied", await legacyButton.elementHandle());
  assert.equal(await legacy.evaluate(() => window.__copied), expected);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected, "fallback reached the clipboard");

  // Keyboard users see the button when they tab to it.
  await legacyButton.focus();
  await legacy.keyboard.press("Shift+Tab");
  await legacy.keyboard.press("Tab");
  assert.equal(await legacyButton.evaluate((b) => b === document.activeElement), true);
  assert.equal(await legacyButton.evaluate((b) => getComputedStyle(b).opacity), "1");
  await context.close();
});

test("← and → move between pages; not while scrolling a wide code block", async () => {
  const context = await newContext();
  // A topic in the middle of the book whose next page is a topic of the same chapter.
  const sameChapterNext = (rel) => {
    const m = read(rel).match(/<a class="page-nav-link page-nav-next" rel="next" href="([^"]+)"/);
    const dest = m && path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1]));
    return !!dest && !dest.endsWith("/index.html") && path.posix.dirname(dest) === path.posix.dirname(rel);
  };
  const middle = TOPICS.filter((rel) => read(rel).includes('rel="prev"') && sameChapterNext(rel));
  assert.ok(middle.length > 0, "no topic is followed by another topic of its chapter");
  const page = await open(context, middle[Math.floor(middle.length / 2)]);
  const start = page.url();
  const nextHref = await page.locator('.page-nav a[rel="next"]').evaluate((a) => a.href);
  const nextTitle = (await page.locator('.page-nav a[rel="next"] .page-nav-title').innerText()).trim();
  await page.locator("main h1").click(); // focus in the page, not a control
  await page.keyboard.press("ArrowRight");
  await page.waitForURL(nextHref);
  assert.equal(await h1(page), nextTitle);
  const prevHref = await page.locator('.page-nav a[rel="prev"]').evaluate((a) => a.href);
  assert.equal(prevHref, start);
  await page.keyboard.press("ArrowLeft");
  await page.waitForURL(start);

  // With a modifier (the browser's own history shortcuts) the page does nothing.
  await page.keyboard.press("Shift+ArrowRight");
  await page.waitForTimeout(150);
  assert.equal(page.url(), start, "Shift+→ navigated");

  // A focused code block that scrolls sideways keeps the arrows.
  let wide = false;
  for (const rel of TOPICS) {
    if (!read(rel).includes('class="code-block"')) continue;
    await page.goto(url(rel));
    const scroller = page.locator('.code-block pre[tabindex="0"]').first();
    if ((await scroller.count()) === 0) continue;
    await scroller.focus();
    await page.keyboard.press("ArrowRight");
    await page.waitForTimeout(200);
    assert.equal(relOf(page.url()), rel, "→ in a wide code block navigated away");
    assert.ok((await scroller.evaluate((p) => p.scrollLeft)) > 0, "the wide code block did not scroll");
    wide = true;
    break;
  }
  assert.ok(wide, "no code block is wide enough to scroll (and be focusable)");
  await context.close();
});

test("skip link, visible focus outlines and keyboard-only use", async () => {
  const context = await newContext();
  const page = await open(context, topicWithCode());
  // First Tab: the skip link, visible on screen.
  await page.keyboard.press("Tab");
  const skip = await page.evaluate(() => {
    const el = document.activeElement;
    const r = el.getBoundingClientRect();
    return { cls: el.className, top: r.top, bottom: r.bottom, text: el.textContent.trim() };
  });
  assert.equal(skip.cls, "skip-link");
  assert.ok(skip.top >= 0 && skip.bottom <= DESKTOP.height, `skip link off screen: ${JSON.stringify(skip)}`);
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "content");
  await page.keyboard.press("Tab");
  assert.ok(await page.evaluate(() => !!document.activeElement.closest("main")), "Tab after the skip link leaves <main>");

  // Tab through the top of the page: every stop shows a focus indicator.
  await page.goto(page.url().split("#")[0]);
  const stops = [];
  for (let i = 0; i < 45; i++) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const picker = el.closest(".theme-picker");
      const ring =
        (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) ||
        (picker && getComputedStyle(picker).boxShadow !== "none");
      const r = el.getBoundingClientRect();
      return {
        what: `${el.tagName.toLowerCase()}.${el.className || ""} "${(el.textContent || el.value || "").trim().slice(0, 30)}"`,
        ring,
        onScreen: r.width > 0 && r.height > 0,
      };
    });
    if (stop) stops.push(stop);
  }
  assert.ok(stops.length >= 30, `only ${stops.length} tab stops`);
  const bad = stops.filter((s) => !s.ring || !s.onScreen);
  assert.deepEqual(bad, [], "tab stops without a visible focus indicator");
  assert.ok(stops.some((s) => s.what.startsWith("button.copy")) || stops.some((s) => s.what.startsWith("a.")));
  await context.close();
});

test("phone layout: the sidebar is a menu that opens, closes and navigates", async () => {
  const context = await newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await open(context, topicWithCode());
  await checkPage(page);
  const sidebar = page.locator("#sidebar");
  const toggle = page.locator("#menu-toggle");
  assert.ok(await toggle.isVisible(), "menu button shown at 375px");
  assert.ok(!(await sidebar.isVisible()), "sidebar hidden at 375px");

  // Open: focus moves into the menu, on the current page's link.
  assert.ok(await toggle.locator(".icon-open").isVisible());
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  assert.equal(await toggle.getAttribute("aria-label"), "Hide chapters");
  assert.ok(await toggle.locator(".icon-close").isVisible(), "the menu button shows a close icon while open");
  await sidebar.locator('[aria-current="page"]').waitFor({ state: "visible" });
  const box = await sidebar.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `menu off screen: ${JSON.stringify(box)}`);
  assert.ok(await page.evaluate(() => !!document.activeElement.closest("#sidebar")), "focus moved into the menu");
  // Escape closes it and returns focus to the button.
  await page.keyboard.press("Escape");
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  await sidebar.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement.id), "menu-toggle");
  // The backdrop closes it too.
  await toggle.click();
  await sidebar.waitFor({ state: "visible" });
  await page.mouse.click(PHONE.width - 10, PHONE.height / 2);
  await sidebar.waitFor({ state: "hidden" });
  // A link in the menu navigates, and the new page starts with the menu closed.
  await toggle.click();
  const other = sidebar.locator(".nav-chapter.is-current .nav-topics a:not([aria-current])").first();
  const title = navText(await other.innerText());
  await follow(page, other);
  assert.equal(await h1(page), title);
  assert.ok(!(await page.locator("#sidebar").isVisible()));
  await checkPage(page);
  for (const rel of ["index.html", "print.html", "404.html", TOPICS[0], PAGES.find((p) => p.endsWith("/index.html"))]) {
    await page.goto(url(rel));
    await checkPage(page);
  }
  await context.close();
});

test("content renders as written: sources, anchors, tables, maths, diagrams, wide code", async () => {
  const context = await newContext();
  const page = await open(context, topicWithCode());

  // Every answer on every topic page names its source file (and section when it has one).
  for (const rel of TOPICS.slice(0, 400)) {
    const html = read(rel);
    const answers = html.split('<section class="answer ').length - 1;
    const sources = [...html.matchAll(/class="answer-source"[^>]*>\s*From <code class="source-file">([^<]+)<\/code>/g)];
    assert.ok(answers > 0, `${rel}: no answers`);
    assert.equal(sources.length, answers, `${rel}: an answer does not name its source`);
  }

  // Headings inside answers carry permalink anchors to themselves.
  const anchored = firstTopicWith('class="heading-anchor" href="#a1-');
  if (anchored) {
    await page.goto(url(anchored));
    const heads = await page.$$eval(".prose :is(h3,h4,h5,h6)[id]", (hs) =>
      hs.map((h) => ({ id: h.id, href: h.querySelector("a.heading-anchor")?.getAttribute("href") })),
    );
    assert.ok(heads.length > 0);
    for (const h of heads) assert.equal(h.href, `#${h.id}`);
    const anchor = page.locator(".prose .heading-anchor").first();
    await anchor.focus();
    assert.equal(await anchor.evaluate((a) => getComputedStyle(a).opacity), "1", "a focused permalink is visible");
  }

  // Tables: a real table with header cells, never wider than the text column.
  const tablePage = firstTopicWith("<table");
  if (tablePage) {
    await page.goto(url(tablePage));
    const t = await page.$eval(".prose table", (table) => ({
      th: table.querySelectorAll("th").length,
      rows: table.querySelectorAll("tbody tr").length,
      width: table.getBoundingClientRect().width,
      column: table.closest(".prose").getBoundingClientRect().width,
    }));
    assert.ok(t.th > 0 && t.rows > 0, JSON.stringify(t));
    assert.ok(t.width <= t.column + 1, `table wider than its column: ${JSON.stringify(t)}`);
    await page.locator(".prose table").first().screenshot({ path: path.join(SHOTS, "content-table.png") });
  }

  // Inline maths: set in the maths font, not shown as $…$.
  const mathPage = firstTopicWith('class="math"');
  if (mathPage) {
    await page.goto(url(mathPage));
    const m = await page.$eval(".math", (el) => ({ text: el.textContent, font: getComputedStyle(el).fontFamily }));
    assert.ok(!m.text.includes("$"), m.text);
    assert.match(m.font, /Math|STIX|Cambria|serif/);
    assert.ok(!(await page.locator("main").innerText()).match(/\$O\(/), "raw $O( in the page text");
    await page.locator(".prose :is(p, li):has(> .math)").first().screenshot({ path: path.join(SHOTS, "content-math.png") });
  }

  // Box-drawing diagrams: every glyph the diagrams use is exactly as wide as
  // a letter in the code font, so their columns line up.
  const diagramPage = TOPICS.find((rel) => /[\u2500-\u257f]/.test(read(rel)) && read(rel).includes("<pre"));
  assert.ok(diagramPage, "the site has no box-drawing diagram to check");
  await page.goto(url(diagramPage));
  const widths = await page.$eval("pre.is-diagram", (pre) => {
    const glyphs = [...new Set(pre.textContent.replace(/\s/g, ""))];
    const probe = document.createElement("span");
    probe.style.whiteSpace = "pre";
    pre.querySelector("code").appendChild(probe);
    const width = (ch) => {
      probe.textContent = ch.repeat(40);
      return probe.getBoundingClientRect().width / 40;
    };
    const unit = width("m");
    const off = glyphs.filter((g) => /[\u2500-\u257f\u2190-\u21ff\u25a0-\u25ff]/.test(g) && Math.abs(width(g) - unit) > 0.01);
    probe.remove();
    return { unit, off: off.map((g) => `${g} ${width(g).toFixed(2)}`) };
  });
  assert.ok(widths.unit > 0);
  assert.deepEqual(widths.off, [], `diagram glyphs not one column wide (${widths.unit.toFixed(2)}px)`);
  await page.locator("pre.is-diagram").first().screenshot({ path: path.join(SHOTS, "content-diagram.png") });

  // Long code lines scroll inside their block instead of widening the page.
  let wideSeen = false;
  for (const rel of TOPICS) {
    if (!read(rel).includes("<pre")) continue;
    await page.goto(url(rel));
    const r = await page.$$eval(".prose pre", (pres) =>
      pres.map((p) => ({ scrolls: p.scrollWidth > p.clientWidth + 1, overflowX: getComputedStyle(p).overflowX })),
    );
    if (r.some((p) => p.scrolls)) {
      assert.ok(r.filter((p) => p.scrolls).every((p) => p.overflowX === "auto"));
      await checkPage(page);
      wideSeen = true;
      break;
    }
  }
  assert.ok(wideSeen, "no page has a code line long enough to scroll");

  // Nested lists keep their nesting (an item's sub-list is inside the item, indented).
  const nested = TOPICS.find((rel) => /<li>(?:(?!<\/li>)[^])*<(?:ul|ol)>/.test(read(rel)));
  assert.ok(nested, "the site has no nested list");
  await page.goto(url(nested));
  const indent = await page.$eval(".prose li > :is(ul, ol) > li", (inner) => {
    const outer = inner.parentElement.closest("li");
    return inner.getBoundingClientRect().left - outer.getBoundingClientRect().left;
  });
  assert.ok(indent >= 12, `${nested}: nested list indented by ${indent}px`);
  await page.locator(".prose li:has(> :is(ul, ol))").first().screenshot({ path: path.join(SHOTS, "content-nested-list.png") });

  // STAR answers (Situation, Task, Action, Result) written with bold labels keep all four.
  const star = TOPICS.find((rel) => /<strong>Situation/.test(read(rel)));
  assert.ok(star, "the site has no STAR answer with labelled parts");
  await page.goto(url(star));
  const parts = await page.$$eval(".answer", (answers) => {
    const a = answers.find((el) => /^Situation/.test(el.querySelector("strong")?.textContent ?? "") || [...el.querySelectorAll("strong")].some((s) => s.textContent.startsWith("Situation")));
    return ["Situation", "Task", "Action", "Result"].map((w) => {
      const label = [...a.querySelectorAll("strong, b, h3, h4, h5, h6, dt")].find((el) => el.textContent.trim().startsWith(w));
      return label ? w : null;
    });
  });
  assert.deepEqual(parts, ["Situation", "Task", "Action", "Result"], `${star}: STAR labels are not emphasised`);
  await page.locator(".answer:has(strong:text-matches('^Situation'))").first().screenshot({ path: path.join(SHOTS, "content-star.png") });
  await context.close();
});

/**
 * Runs in the page: every visible text whose contrast with what is painted
 * behind it (backgrounds composited up the tree) is below WCAG AA: 4.5:1, or
 * 3:1 for large text. `scope` picks the elements: "ui" is everything but code
 * tokens, "code" is the highlighted tokens only.
 */
function lowContrast(scope) {
  const parse = (c) => {
    const n = c.match(/[\d.]+/g).map(Number);
    const srgb = c.startsWith("color(srgb");
    const rgb = srgb ? n.slice(0, 3).map((v) => v * 255) : n.slice(0, 3);
    return [...rgb, n.length > 3 ? n[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
  const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((bg, c) => over(c, bg), [255, 255, 255, 1]);
  };
  const low = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    if (el.closest(".visually-hidden, script, style, option")) continue;
    const inCode = !!el.closest(".code-block pre");
    if ((scope === "code") !== inCode) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility !== "visible") continue;
    let opacity = 1;
    for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    if (opacity < 0.99) continue; // hidden until hover or focus (copy buttons, permalinks)
    const bg = behind(el);
    const k = ratio(over(parse(style.color), bg), bg);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (k < (large ? 3 : 4.5)) {
      const name = `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ").slice(0, 3).join(".") : ""}`;
      low.push(scope === "code" ? `${name} ${style.color} ${k.toFixed(2)}:1` : `${name} "${node.textContent.trim().slice(0, 24)}" ${style.color} ${k.toFixed(2)}:1`);
    }
  }
  return [...new Set(low)];
}

test("all text keeps WCAG AA contrast in every theme (not only --fg on --bg)", async () => {
  const pages = ["index.html", PAGES.find((p) => p.endsWith("/index.html")), topicWithCode(), firstTopicWith("<table"), "404.html"];
  const failures = [];
  for (const theme of THEMES) {
    const context = await newContext();
    await context.addInitScript(presetTheme, theme);
    const page = await context.newPage();
    for (const rel of pages.filter(Boolean)) {
      await page.goto(url(rel));
      for (const f of await page.evaluate(lowContrast, "ui")) failures.push(`${theme} ${rel}: ${f}`);
    }
    // The phone menu and the sidebar's current-page highlight.
    await page.setViewportSize(PHONE);
    await page.goto(url(topicWithCode()));
    await page.locator("#menu-toggle").click();
    await page.locator("#sidebar").waitFor({ state: "visible" });
    for (const f of await page.evaluate(lowContrast, "ui")) failures.push(`${theme} phone menu: ${f}`);
    await context.close();
  }
  assert.deepEqual(failures, [], "text below 4.5:1 (3:1 when large)");
});

// The token colours come from syntect's themes (InspiredGitHub, base16-ocean.dark,
// Solarized (light)) through highlight.css, which srebook generates after moving
// each colour just far enough from the code background to reach 4.6:1.
test(
  "highlighted code keeps WCAG AA contrast in every theme",
  async () => {
    // The pages with the most highlighted tokens.
    const tokens = (rel) => read(rel).split('<span class="hl-').length;
    const withCode = [...TOPICS].sort((a, b) => tokens(b) - tokens(a)).slice(0, 8);
    const failures = new Set();
    for (const theme of THEMES) {
      const context = await newContext();
      await context.addInitScript(presetTheme, theme);
      const page = await context.newPage();
      for (const rel of withCode) {
        await page.goto(url(rel));
        for (const f of await page.evaluate(lowContrast, "code")) failures.add(`${theme}: ${f}`);
      }
      await context.close();
    }
    assert.deepEqual([...failures].slice(0, 30), [], `${failures.size} token colours below 4.5:1`);
  },
);

test("print.html hides the chrome and keeps every topic in print media", async () => {
  const context = await newContext();
  const page = await open(context, "print.html");
  await page.emulateMedia({ media: "print" });
  const r = await page.evaluate(() => ({
    hidden: [".topbar", ".sidebar", ".breadcrumb", ".skip-link"].map((s) => {
      const el = document.querySelector(s);
      return !el || getComputedStyle(el).display === "none";
    }),
    marginLeft: getComputedStyle(document.querySelector(".page-wrap")).marginLeft,
    topics: document.querySelectorAll(".print-topic").length,
    bg: getComputedStyle(document.body).backgroundColor,
  }));
  assert.deepEqual(r.hidden, [true, true, true, true]);
  assert.equal(r.marginLeft, "0px");
  assert.equal(r.topics, TOPICS.length);
  assert.equal(r.bg, "rgb(255, 255, 255)");
  await page.screenshot({ path: path.join(SHOTS, "print-media.png") });
  // The PDF a reader gets from "Print or save as PDF" (A4, the stylesheet's @page margins).
  await page.pdf({ path: path.join(SHOTS, "print.pdf"), format: "A4", preferCSSPageSize: true });
  assert.ok(fs.statSync(path.join(SHOTS, "print.pdf")).size > 50_000);
  await context.close();
});

test("screenshots of every theme: home, a topic with code, and the phone layout", async () => {
  const topic = topicWithCode();
  for (const theme of THEMES) {
    const desktop = await newContext();
    await desktop.addInitScript(presetTheme, theme);
    let page = await open(desktop, "index.html");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
    await page.screenshot({ path: path.join(SHOTS, `${theme}-index.png`) });
    await page.goto(url(topic));
    await page.screenshot({ path: path.join(SHOTS, `${theme}-topic.png`) });
    // The first code block, with the page around it.
    await page.locator(".code-block").first().evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + scrollY - 180));
    await page.screenshot({ path: path.join(SHOTS, `${theme}-topic-code.png`) });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, `${theme}-topic-full.png`), fullPage: true });
    await page.goto(url(PAGES.find((p) => p.endsWith("/index.html"))));
    await page.screenshot({ path: path.join(SHOTS, `${theme}-chapter.png`) });
    // A wide screen: the "On this page" column beside a topic with several answers.
    const longest = [...TOPICS].sort((a, b) => read(b).split('class="answer ').length - read(a).split('class="answer ').length)[0];
    if (read(longest).includes('class="toc"')) {
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(url(longest));
      assert.ok(await page.locator(".toc").isVisible());
      await page.screenshot({ path: path.join(SHOTS, `${theme}-topic-wide.png`) });
    }
    await desktop.close();

    const phone = await newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await phone.addInitScript(presetTheme, theme);
    page = await open(phone, "index.html");
    await page.screenshot({ path: path.join(SHOTS, `${theme}-phone-index.png`) });
    await page.goto(url(topic));
    await page.screenshot({ path: path.join(SHOTS, `${theme}-phone-topic.png`) });
    await page.locator("#menu-toggle").click();
    await page.locator("#sidebar").waitFor({ state: "visible" });
    await page.screenshot({ path: path.join(SHOTS, `${theme}-phone-menu.png`) });
    await phone.close();
  }
  for (const theme of THEMES) {
    for (const shot of ["index", "topic", "topic-code", "phone-index", "phone-topic", "phone-menu"]) {
      const file = path.join(SHOTS, `${theme}-${shot}.png`);
      assert.ok(fs.statSync(file).size > 5000, `${file} is empty`);
    }
  }
});
