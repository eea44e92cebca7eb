/* srebook default theme: theme switcher, menu, copy buttons, keyboard navigation.
 * Plain JavaScript, no dependencies; every feature checks that its elements exist. */
(function () {
  "use strict";

  var doc = document;
  var root = doc.documentElement;
  var body = doc.body;
  var THEME_KEY = "srebook-theme";
  var THEMES = ["light", "dark", "sepia"];

  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function save(key, value) {
    try {
      if (value) window.localStorage.setItem(key, value);
      else window.localStorage.removeItem(key);
    } catch (e) { /* storage may be disabled (private mode, file://) */ }
  }
  function isTheme(t) { return THEMES.indexOf(t) !== -1; }
  function announce(text) {
    var status = doc.getElementById("srebook-status");
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }

  root.className = root.className.replace(/\bno-js\b/, "js");

  /* ---------------------------------------------------------------- theme */

  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function autoTheme() {
    var preset = root.getAttribute("data-default-theme");
    if (isTheme(preset)) return preset;
    return darkQuery && darkQuery.matches ? "dark" : "light";
  }
  function applyTheme(theme) {
    root.dataset.theme = isTheme(theme) ? theme : autoTheme();
  }

  var themeSelect = doc.getElementById("theme-select");
  if (themeSelect) {
    var saved = load(THEME_KEY);
    themeSelect.value = isTheme(saved) ? saved : "";
    themeSelect.addEventListener("change", function () {
      var value = isTheme(themeSelect.value) ? themeSelect.value : "";
      save(THEME_KEY, value);
      applyTheme(value);
    });
  }
  if (darkQuery) {
    var onSchemeChange = function () { if (!isTheme(load(THEME_KEY))) applyTheme(""); };
    if (darkQuery.addEventListener) darkQuery.addEventListener("change", onSchemeChange);
    else if (darkQuery.addListener) darkQuery.addListener(onSchemeChange);
  }
  window.addEventListener("storage", function (e) {
    if (e.key !== THEME_KEY) return;
    applyTheme(e.newValue);
    if (themeSelect) themeSelect.value = isTheme(e.newValue) ? e.newValue : "";
  });

  /* -------------------------------------------------------------- sidebar */

  var menuButton = doc.getElementById("menu-toggle");
  var sidebar = doc.getElementById("sidebar");

  function menuIsOpen() { return body.classList.contains("sidebar-open"); }
  function setMenu(open, returnFocus) {
    if (!menuButton || !sidebar) return;
    body.classList.toggle("sidebar-open", open);
    menuButton.setAttribute("aria-expanded", open ? "true" : "false");
    menuButton.setAttribute("aria-label", open ? "Hide chapters" : "Show chapters");
    if (open) {
      var target = sidebar.querySelector('[aria-current="page"]') || sidebar.querySelector("a, button");
      if (target) target.focus({ preventScroll: false });
    } else if (returnFocus) {
      menuButton.focus();
    }
  }

  if (menuButton && sidebar) {
    menuButton.addEventListener("click", function () { setMenu(!menuIsOpen(), false); });
    var backdrop = doc.querySelector("[data-close-sidebar]");
    if (backdrop) backdrop.addEventListener("click", function () { setMenu(false, true); });
    if (window.matchMedia) {
      var wide = window.matchMedia("(min-width: 62.5em)");
      var onWide = function () { if (wide.matches && menuIsOpen()) setMenu(false, false); };
      if (wide.addEventListener) wide.addEventListener("change", onWide);
      else if (wide.addListener) wide.addListener(onWide);
    }
  }

  if (sidebar) {
    sidebar.addEventListener("click", function (e) {
      var target = e.target instanceof Element ? e.target : null;
      if (!target) return;
      var toggle = target.closest(".nav-toggle");
      if (toggle) {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        var item = toggle.closest(".nav-chapter");
        if (item) item.classList.toggle("collapsed", !open);
        return;
      }
      // In-page links (the print page's contents) should close the phone menu.
      var link = target.closest("a");
      if (link && menuIsOpen() && (link.getAttribute("href") || "").charAt(0) === "#") setMenu(false, false);
    });

    // Bring the current page's entry into view in a long sidebar.
    var current = sidebar.querySelector('[aria-current="page"]');
    if (current && sidebar.scrollHeight > sidebar.clientHeight) {
      var itemBox = current.getBoundingClientRect();
      var navBox = sidebar.getBoundingClientRect();
      if (itemBox.top < navBox.top || itemBox.bottom > navBox.bottom) {
        sidebar.scrollTop += itemBox.top - navBox.top - sidebar.clientHeight / 3;
      }
    }
  }

  /* --------------------------------------------------------- copy buttons */

  function fallbackCopy(text) {
    var area = doc.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.left = "-9999px";
    area.style.opacity = "0";
    body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
    body.removeChild(area);
    return ok;
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).then(null, function () {
        if (!fallbackCopy(text)) throw new Error("copy failed");
      });
    }
    return fallbackCopy(text) ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function selectContents(el) {
    var selection = window.getSelection ? window.getSelection() : null;
    if (!selection) return;
    var range = doc.createRange();
    range.selectNodeContents(el);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  doc.addEventListener("click", function (e) {
    var target = e.target instanceof Element ? e.target : null;
    var button = target && target.closest(".code-block .copy");
    if (!button) return;
    var block = button.closest(".code-block");
    var code = block && (block.querySelector("pre code") || block.querySelector("pre"));
    if (!code) return;
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    var done = function (text, ok) {
      button.textContent = text;
      button.classList.toggle("is-copied", ok);
      announce(ok ? "Code copied to clipboard" : "Copy failed: the code is selected, press Ctrl+C");
      window.clearTimeout(button._srebookTimer);
      button._srebookTimer = window.setTimeout(function () {
        button.textContent = label;
        button.classList.remove("is-copied");
      }, 1600);
    };
    copyText(code.textContent.replace(/\n$/, "")).then(
      function () { button.focus(); done("Copied", true); },
      function () { selectContents(code); done("Press Ctrl+C", false); }
    );
  });

  // Box-drawing diagrams get tighter line spacing so their strokes join up.
  var pres = doc.querySelectorAll("pre");
  for (var d = 0; d < pres.length; d++) {
    if (/[\u2500-\u257f]/.test(pres[d].textContent)) pres[d].classList.add("is-diagram");
  }

  // Let keyboard users scroll wide code blocks and tables.
  var scrollers = doc.querySelectorAll(".prose pre, .prose table");
  for (var i = 0; i < scrollers.length; i++) {
    var el = scrollers[i];
    if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
      if (el.tagName === "PRE" && !el.hasAttribute("aria-label")) el.setAttribute("aria-label", "Code (scrolls sideways)");
    }
  }

  /* ------------------------------------------------------------- keyboard */

  var searchInput = doc.getElementById("search-input");

  doc.addEventListener("keydown", function (e) {
    if (e.defaultPrevented) return;
    if (e.key === "Escape" && menuIsOpen()) {
      setMenu(false, true);
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.isComposing) return;
    var t = e.target instanceof Element ? e.target : null;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    // Arrow keys scroll a focused wide code block or table sideways; leave them alone there.
    var scroller = t && t.closest("pre, table");
    if (scroller && scroller.scrollWidth > scroller.clientWidth + 1) return;

    if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      var rel = e.key === "ArrowLeft" ? "prev" : "next";
      var link = doc.querySelector('.page-nav a[rel="' + rel + '"]');
      if (link && link.href) {
        e.preventDefault();
        window.location.href = link.href;
      }
    } else if (e.key === "/" && searchInput) {
      e.preventDefault();
      searchInput.focus();
    }
  });

  /* --------------------------------------------------------- on this page */

  var tocLinks = doc.querySelectorAll('.toc a[href^="#"]');
  if (tocLinks.length > 1) {
    var sections = [];
    for (var j = 0; j < tocLinks.length; j++) {
      var id = decodeURIComponent(tocLinks[j].getAttribute("href").slice(1));
      var section = id ? doc.getElementById(id) : null;
      if (section) sections.push({ link: tocLinks[j], el: section });
    }
    var ticking = false;
    var spy = function () {
      ticking = false;
      var offset = window.innerHeight * 0.3;
      var active = sections.length ? sections[0] : null;
      for (var k = 0; k < sections.length; k++) {
        if (sections[k].el.getBoundingClientRect().top - offset <= 0) active = sections[k];
      }
      var page = doc.documentElement;
      if (window.innerHeight + window.pageYOffset >= page.scrollHeight - 2) active = sections[sections.length - 1];
      for (var m = 0; m < sections.length; m++) {
        var on = sections[m] === active;
        sections[m].link.classList.toggle("is-active", on);
        if (on) sections[m].link.setAttribute("aria-current", "location");
        else sections[m].link.removeAttribute("aria-current");
      }
    };
    if (sections.length) {
      window.addEventListener("scroll", function () {
        if (!ticking) { ticking = true; window.requestAnimationFrame(spy); }
      }, { passive: true });
      spy();
    }
  }

  /* ---------------------------------------------------------------- print */

  var printButtons = doc.querySelectorAll('[data-action="print"]');
  for (var p = 0; p < printButtons.length; p++) {
    printButtons[p].addEventListener("click", function () { window.print(); });
  }

  // Print in the light theme with every <details> expanded, then restore.
  var beforePrint = null;
  window.addEventListener("beforeprint", function () {
    var closed = doc.querySelectorAll("details:not([open])");
    beforePrint = { theme: root.dataset.theme, details: closed };
    root.dataset.theme = "light";
    for (var q = 0; q < closed.length; q++) closed[q].setAttribute("open", "");
  });
  window.addEventListener("afterprint", function () {
    if (!beforePrint) return;
    root.dataset.theme = beforePrint.theme;
    for (var r = 0; r < beforePrint.details.length; r++) beforePrint.details[r].removeAttribute("open");
    beforePrint = null;
  });
})();
