"""Known XSS payloads, rendered by our text pipeline and run in Chromium: nothing may execute.

Two corpora (tests/data/xss/README.md says where they come from): DOMPurify's HTML
payloads and our own Markdown, math and citation cases. Each case is rendered as a
summary (the Markdown cases also as a comment), put in a page shaped like ours and then
provoked: every element gets the usual mouse, focus and animation events, is focused and
is clicked. The verdict rests on two independent kinds of evidence, so that a gap in one
is covered by the other:

- execution: dialogs and printing are replaced by recorders before any content loads, and
  the page is served with a report-only Content-Security-Policy that forbids all script.
  Report-only blocks nothing, so the page behaves like ours, but Chromium reports every
  inline script, event handler, ``javascript:`` URL and eval that runs, wherever it
  comes from, even script that never calls a dialog;
- the DOM: no event-handler attribute, no script-capable URL and no element that can run
  or load script, frame other documents, submit data or change the page's base.

The last test turns the sanitizers off and runs the same check, to show that it catches
what they remove.
"""

import json
import time
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from markup.render import Refused, refusal_html, render

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parent.parent / "data" / "xss"

# A denial-of-service guard, not a performance assertion: text is rendered in the
# request that saves it, so one crafted body must not hold a worker for long. Generous on
# purpose, so that only a pathological case trips it, even on a slow CI machine. CPU
# seconds of the process (KaTeX's thread included), as tests/markup/test_adversarial.py
# counts them: wall time on a loaded machine counts other jobs' time too.
RENDER_SECONDS_LIMIT = 2.0

# Never resolved: every request the page makes is answered by the route below.
ORIGIN = "http://xss-check.test"

# 'none' forbids every script, and also plugins, <base> and form submissions; as
# report-only it blocks none of them and reports each one that happens.
REPORT_ONLY_CSP = "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"

MARKER = "__xss__"
# Problems seen as they happen, rather than read from the DOM afterwards.
RUN_TIME = "at run time: "

HOOKS_JS = """
(() => {
  const calls = [];
  Object.defineProperty(window, '__xss', {value: calls});
  const record = (what) => {
    calls.push(what);
    console.warn('%s' + what);
  };
  // Non-configurable, so that a payload cannot put the browser's own dialog back.
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    Object.defineProperty(window, name, {
      value: (...args) => { record(name + '(' + args.map(String).join(', ') + ')'); },
      writable: false,
      configurable: false,
    });
  }
  document.addEventListener('securitypolicyviolation', (event) => {
    const where = event.sourceFile ? ' at ' + event.sourceFile + ':' + event.lineNumber : '';
    const sample = event.sample ? ': ' + event.sample.slice(0, 80) : '';
    record(event.effectiveDirective + ' (' + event.blockedURI + where + ')' + sample);
  }, true);
})();
""".replace("%s", MARKER)

EVENTS = [
    "mouseover", "mouseenter", "mousemove", "mousedown", "mouseup", "click", "dblclick",
    "contextmenu", "mouseout", "mouseleave", "pointerover", "pointerdown", "pointerup",
    "focus", "focusin", "blur", "focusout", "keydown", "keyup", "input", "change", "toggle",
    "animationstart", "animationiteration", "animationend",
    "transitionrun", "transitionstart", "transitionend",
    "load", "error", "scroll", "wheel",
]  # fmt: skip

PROVOKE_JS = """
async (events) => {
  const elements = Array.from(document.querySelectorAll('*'));
  for (const element of elements) {
    for (const type of events) {
      try { element.dispatchEvent(new Event(type, {bubbles: true})); } catch (e) {}
    }
    try { element.focus(); } catch (e) {}
    try { element.click(); } catch (e) {}
  }
  // Handlers, javascript: URLs and image errors run in later tasks: let them.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 20)));
}
"""

# Chromium drops leading and trailing C0 controls and spaces and ignores tab and newline
# anywhere in a URL, so "\\x01 java\\tscript:" is still javascript:.
SCAN_JS = r"""
() => {
  const problems = [];
  const schemeRe = /^(javascript:|vbscript:|data:text\/html)/;
  const dangerous = (value) => {
    const url = value.replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+/, '').toLowerCase();
    return schemeRe.test(url);
  };
  const forbidden = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed',
    'applet', 'form', 'base', 'meta', 'link', 'style']);
  const describe = (el) => '<' + el.localName + '>';
  for (const el of document.querySelectorAll('*')) {
    if (forbidden.has(el.localName)) problems.push('element ' + describe(el));
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value;
      const shown = name + '="' + value.slice(0, 80) + '"';
      if (name.startsWith('on')) problems.push('handler ' + shown + ' on ' + describe(el));
      // SVG animation values are ;-separated lists of values to be set one by one.
      if (value.split(';').some(dangerous)) {
        problems.push('script URL ' + shown + ' on ' + describe(el));
      }
      if (name === 'style') {
        const css = value.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\\/g, '').toLowerCase();
        for (const m of css.matchAll(/url\(\s*['"]?([^'")]*)/g)) {
          if (dangerous(m[1])) problems.push('script URL in ' + shown + ' on ' + describe(el));
        }
        if (css.includes('expression(')) problems.push('CSS expression in ' + shown);
      }
    }
  }
  const rendered = document.querySelector('body > div.rendered');
  if (!rendered || document.body.children.length !== 1) {
    problems.push('content escaped <div class="rendered">');
  }
  return problems.concat(window.__xss.map((call) => '%s' + call));
}
""".replace("%s", RUN_TIME)


@dataclass(frozen=True)
class Case:
    label: str
    text: str
    flavor: str


@dataclass(frozen=True)
class Rendered:
    case: Case
    html: str
    seconds: float


def load_corpus(filename, field, flavors):
    cases = json.loads((DATA / filename).read_text(encoding="utf-8"))["cases"]
    # Titles repeat in DOMPurify's fixtures (several are "SVG" or empty): number them.
    return [
        Case(f"{filename} #{number} [{flavor}] {case['title']!r}", case[field], flavor)
        for number, case in enumerate(cases)
        for flavor in flavors
    ]


DOMPURIFY = load_corpus("dompurify-payloads.json", "payload", ["summary"])
MARKDOWN_MATH = load_corpus("markdown-math-cases.json", "markdown", ["summary", "comment"])


def render_all(cases, *, sanitize=True):
    results = []
    for case in cases:
        started = time.process_time()
        try:
            html = render(case.text, flavor=case.flavor, sanitize=sanitize)
        except Refused as error:
            # Over a limit of markup.limits (the corpus's "many formulas" is): the site
            # shows the refusal's message instead, which must be as inert.
            html = refusal_html(error)
        results.append(Rendered(case, html, time.process_time() - started))
    return results


@pytest.fixture(scope="module")
def rendered():
    # KaTeX is loaded into V8 on the first formula: that start-up is not any case's cost.
    render("$x$")
    return {"dompurify": render_all(DOMPURIFY), "markdown": render_all(MARKDOWN_MATH)}


class Checker:
    """One page, reused for every case: each case is a fresh document at a fresh URL."""

    def __init__(self, page):
        self.page = page
        self.context = page.context
        self.serial = count()
        self.document_url = None
        self.document = ""
        self.reports = []
        self.context.add_init_script(HOOKS_JS)
        self.context.route("**/*", self.answer)
        self.context.on("console", self.on_console)
        self.context.on("dialog", self.on_dialog)

    def answer(self, route):
        # The case's document is served once; anything else (images, links the provoking
        # clicks follow, a reload) gets 204, which leaves a page where it is.
        if route.request.url == self.document_url:
            self.document_url = None
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy-Report-Only": REPORT_ONLY_CSP},
                body=self.document,
            )
        else:
            route.fulfill(status=204)

    def on_console(self, message):
        # Frames and popups record into their own window; the console reaches us from all.
        if message.text.startswith(MARKER):
            self.reports.append(RUN_TIME + message.text.removeprefix(MARKER))

    def on_dialog(self, dialog):
        self.reports.append(f"{RUN_TIME}native {dialog.type}({dialog.message!r})")
        dialog.dismiss()

    def problems(self, html):
        """What the page shows of script running or able to run, for one rendered text."""
        self.reports = []
        self.document_url = f"{ORIGIN}/case/{next(self.serial)}"
        self.document = (
            "<!doctype html><html><head><title>case</title></head>"
            f'<body><div class="rendered">{html}</div></body></html>'
        )
        found = []
        try:
            self.page.goto(self.document_url)
            self.page.evaluate(PROVOKE_JS, EVENTS)
            found += self.page.evaluate(SCAN_JS)
        except PlaywrightError as error:
            # Clicks on links are answered with 204 and leave the document in place, so
            # losing it means that something else took the page over.
            found.append(f"the page was lost: {str(error).splitlines()[0]}")
        # A window opened by a click is not a problem in itself, but script run in it is
        # (the hooks are installed there too): it had until now to show up.
        for other in self.context.pages:
            if other != self.page:
                other.close()
        return list(dict.fromkeys(found + self.reports))

    def failures(self, results):
        return {
            result.case.label: problems
            for result in results
            if (problems := self.problems(result.html))
        }


@pytest.fixture
def checker(page):
    return Checker(page)


def report(failures, results):
    lines = [f"{len(failures)} of {len(results)} rendered cases let something through:"]
    for result in results:
        if result.case.label in failures:
            lines.append(f"\n{result.case.label}\n  rendered: {result.html[:300]!r}")
            lines.extend(f"  - {problem}" for problem in failures[result.case.label])
    return "\n".join(lines)


def test_check_passes_on_plain_rendered_text(checker):
    html = render("Plain *text*, a [link](https://example.org) and $\\frac{a}{b}$.")
    assert checker.problems(html) == []


def test_every_case_renders_within_the_time_limit(rendered):
    results = rendered["dompurify"] + rendered["markdown"]
    slow = [r for r in results if r.seconds > RENDER_SECONDS_LIMIT]
    assert not slow, f"rendering took over {RENDER_SECONDS_LIMIT} s:\n" + "\n".join(
        f"{r.seconds:.2f} s  {r.case.label}" for r in slow
    )


def test_dompurify_payloads_run_no_script(checker, rendered):
    results = rendered["dompurify"]
    failures = checker.failures(results)
    assert not failures, report(failures, results)


def test_markdown_and_math_cases_run_no_script(checker, rendered):
    results = rendered["markdown"]
    failures = checker.failures(results)
    assert not failures, report(failures, results)


def test_check_flags_payloads_when_sanitizers_are_off(checker):
    results = render_all(DOMPURIFY, sanitize=False)
    failures = checker.failures(results)
    executed = [
        label
        for label, problems in failures.items()
        if any(problem.startswith(RUN_TIME) for problem in problems)
    ]
    summary = (
        f"with the sanitizers off, {len(failures)} of {len(results)} DOMPurify payloads "
        f"are flagged, {len(executed)} of them by script actually running"
    )
    print(summary)
    assert failures, summary
    assert executed, summary
