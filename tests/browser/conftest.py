"""The browser harness: Chromium through Playwright against Django's live server.

Every page a browser test loads is checked with axe-core (WCAG 2.2 AA rule set), and any
console error in the browser (a CSP violation, a failed asset, a script error) fails the
test. Tests navigate with `visit(page, path)`; pages reached by clicking are checked with
`assert_accessible(page)`, and whatever a test loaded but did not check is checked at its
end, so a new feature's pages are covered as soon as a test goes there.

The HTML of every page and state that axe checks is also kept, as the server sent it (or,
after htmx changed the page, as the browser holds it), and the Nu HTML Checker validates
all of a test module's documents in one run at its end: any error fails the module.
"""

import functools
import hashlib
import json
import os
import re
import subprocess
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response, expect
from playwright.sync_api import Error as PlaywrightError

from tests.factories import TEST_PASSWORD
from tests.seeds import seed_from_migrations
from tests.services import SERVICES

# Playwright's sync API runs an event loop in the test thread; Django then refuses ORM
# calls from that thread (factories, assertions) unless told that this is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_DIR = Path(__file__).resolve().parent
AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# A page that takes longer than this on a local live server is a bug, not a slow network.
TIMEOUT_MS = 10_000

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items: only those in this directory are ours.
    skip = pytest.mark.skip(reason="Chromium is not installed: browser tests are skipped.")
    for item in items:
        if BROWSER_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if not SERVICES.chromium:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # The Debian package, never a browser that Playwright would download.
    return {
        **browser_type_launch_args,
        "executable_path": SERVICES.chromium,
        "headless": browser_type_launch_args.get("headless", True),
        "args": CHROMIUM_ARGS,
    }


_live_server_url = ""


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    global _live_server_url  # read by force_login, which has no fixtures
    _live_server_url = live_server.url
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "de-DE",
        "timezone_id": "Europe/Berlin",
    }


# --- per-page bookkeeping -------------------------------------------------------------


@dataclass
class PageRecord:
    """What happened in one browser tab: documents loaded, those checked, console errors."""

    loaded: list[str] = field(default_factory=list)
    # Checked with axe, or covered elsewhere (the login form is in the page list).
    checked: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    # The response of the document shown, and whether htmx has changed it since.
    document: Response | None = None
    swapped: bool = False


_records: dict[Page, PageRecord] = {}
# axe.run never settles where JavaScript is off (its timers do not run), so pages in such a
# context are not checked; the same pages are checked with JavaScript elsewhere.
_without_javascript: set[BrowserContext] = set()


def _watch(page: Page) -> PageRecord:
    if page in _records:
        return _records[page]
    record = _records[page] = PageRecord()
    page.set_default_timeout(TIMEOUT_MS)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            record.errors.append(f"console error on {page.url}: {message.text} ({where})")

    def on_load(loaded: Page) -> None:
        if loaded.url not in record.loaded:
            record.loaded.append(loaded.url)

    def on_response(response: Response) -> None:
        request = response.request
        if request.is_navigation_request() and response.frame == page.main_frame:
            if not 300 <= response.status < 400:
                record.document, record.swapped = response, False
        elif request.headers.get("hx-request"):
            record.swapped = True

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: record.errors.append(f"script error on {page.url}: {error}"))
    page.on("load", on_load)
    return record


@pytest.fixture
def new_context(new_context, live_server, request):
    """pytest-playwright's factory, with every tab of every context watched.

    At the end of the test, before the contexts close, the pages a test loaded but did not
    check itself are checked (opened again in the same context, so with the same login),
    and console errors fail the test.
    """

    def create(**kwargs) -> BrowserContext:
        context = new_context(**kwargs)
        if kwargs.get("java_script_enabled") is False:
            _without_javascript.add(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", _watch)
        return context

    yield create
    try:
        if not getattr(request.node, "rep_call_failed", True):
            _check_remaining_pages()
    finally:
        _records.clear()
        _without_javascript.clear()


def _check_remaining_pages() -> None:
    problems = []
    for page, record in list(_records.items()):
        if page.is_closed():
            continue
        unchecked = [url for url in record.loaded if url not in record.checked]
        if unchecked and page.context not in _without_javascript:
            tab = page.context.new_page()
            for url in unchecked:
                tab.goto(url)
                problems.extend(_axe_problems(tab, f"{url} (checked again at the end)"))
            tab.close()
            problems.extend(_records.pop(tab, PageRecord()).errors)
        problems.extend(record.errors)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        # Read by new_context: after a failed test, its own error is the one to show.
        # Subtests report here too: once failed, the test stays failed.
        failed = report.outcome != "passed" or hasattr(report, "wasxfail")
        item.rep_call_failed = getattr(item, "rep_call_failed", False) or failed
    return report


# --- the Nu HTML Checker -------------------------------------------------------------

# Values that differ on every load; taken out before comparing documents.
_VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"')


@dataclass
class HtmlDocuments:
    """The documents of one test module, waiting for the Nu HTML Checker."""

    directory: Path | None = None
    labels: dict[str, str] = field(default_factory=dict)  # file name -> where it came from
    seen: set[str] = field(default_factory=set)


_html = HtmlDocuments()


def keep_html(page: Page, label: str | None = None) -> None:
    """Keep the page's HTML for the Nu HTML Checker: the server's response as it came, or
    the browser's document where htmx (or history) changed what is shown since."""
    if _html.directory is None:
        return
    record = _watch(page)
    html, how = None, "as sent"
    response = record.document
    if response is not None and not record.swapped and response.url == page.url.split("#")[0]:
        try:
            html = response.text()
        except PlaywrightError:  # the body is gone: take the DOM
            html = None
    if html is None:
        html, how = page.content(), "as shown after a change in the browser"
    digest = hashlib.sha256(_VOLATILE.sub("", html).encode()).hexdigest()[:16]
    if digest in _html.seen:
        return
    _html.seen.add(digest)
    name = f"{len(_html.labels):04d}-{digest}.html"
    (_html.directory / name).write_text(html, encoding="utf-8")
    _html.labels[name] = f"{label or page.url} ({how})"


def vnu_errors(directory: Path, labels: dict[str, str]) -> list[str]:
    """The Nu HTML Checker's errors (not its warnings) on the files, one line each."""
    files = [str(directory / name) for name in labels]
    run = subprocess.run(
        [*SERVICES.vnu, "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        messages = json.loads(run.stdout)["messages"]
    except (ValueError, KeyError):
        return [
            f"the Nu HTML Checker did not answer in JSON: {run.stdout[:500]} {run.stderr[:500]}"
        ]
    errors = []
    for message in messages:
        if message.get("type") == "info":
            continue
        name = message.get("url", "").rsplit("/", 1)[-1]
        where = f"{labels.get(name, name)} [{name}] line {message.get('lastLine', '?')}"
        extract = message.get("extract", "").replace("\n", " ").strip()
        errors.append(f"{where}: {message.get('message')}\n    {extract}")
    return errors


@pytest.fixture(scope="module", autouse=True)
def _validate_html(request, tmp_path_factory):
    """Collects the module's documents (keep_html) and validates them at its end."""
    if not SERVICES.vnu or not SERVICES.chromium:
        if not SERVICES.vnu:
            warnings.warn("The Nu HTML Checker is not available: HTML not validated.", stacklevel=1)
        yield
        return
    _html.directory = tmp_path_factory.mktemp(f"html-{request.module.__name__.rsplit('.')[-1]}")
    _html.labels.clear()
    _html.seen.clear()
    yield
    labels, directory = dict(_html.labels), _html.directory
    _html.directory = None
    if labels:
        errors = vnu_errors(directory, labels)
        if errors:
            pytest.fail(
                f"The Nu HTML Checker found {len(errors)} error(s) in {len(labels)} "
                f"document(s):\n" + "\n".join(errors),
                pytrace=False,
            )


# --- axe-core ---------------------------------------------------------------------------

_RUN_AXE = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
    }));
}"""


@functools.cache
def _axe_source() -> str:
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: run `make assets` (npm ci) first.", pytrace=False)
    return AXE_SOURCE.read_text(encoding="utf-8")


def _axe_problems(page: Page, label: str | None = None) -> list[str]:
    """axe's violations on the page as it is now, one readable block per rule."""
    if page.context in _without_javascript:
        raise RuntimeError("axe-core cannot run where JavaScript is off; check with it on.")
    # A script tag would be blocked by the CSP: evaluate the source instead.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    keep_html(page, label)
    violations = page.evaluate(_RUN_AXE, AXE_TAGS)
    _watch(page).checked.add(page.url)
    problems = _reflow_problems(page, label)
    for violation in violations:
        lines = [
            f"axe {violation['id']} ({violation['impact']}) on {label or page.url}: "
            f"{violation['help']} <{violation['helpUrl']}>"
        ]
        for node in violation["nodes"]:
            target = " ".join(json.dumps(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:200]}")
        problems.append("\n".join(lines))
    return problems


# --- reflow (WCAG 1.4.10) -----------------------------------------------------------------

# Every page axe checks is also measured at these widths: a small phone (320 CSS px, the
# reflow criterion) and a common one. The page must not scroll sideways at either.
REFLOW_WIDTHS = (320, 390)

# The elements that stick out past the window's right edge and are not inside an element
# that clips or scrolls them: the outermost box that sticks out, or the innermost element
# whose text (a long word) sticks out of a box that itself fits.
_WIDEST = """() => {
    const limit = window.innerWidth + 0.5;
    const reach = (e) => {
        const b = e.getBoundingClientRect();
        const clips = getComputedStyle(e).overflowX !== "visible";
        return Math.max(b.right, clips ? 0 : b.left + e.scrollWidth);
    };
    const boxOut = (e) => e.getBoundingClientRect().right > limit;
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
        const right = reach(el);
        if (right <= limit) continue;
        let clipped = false;
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            if (getComputedStyle(up).overflowX !== "visible") { clipped = true; break; }
        }
        if (clipped) continue;
        const parent = el.parentElement;
        if (boxOut(el) ? parent && parent !== document.body && boxOut(parent)
                       : [...el.children].some((c) => reach(c) > limit)) continue;
        const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
            + [...el.classList].map((c) => "." + c).join("");
        const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
        out.push({name, right: Math.round(right), text});
    }
    out.sort((a, b) => b.right - a.right);
    return out.slice(0, 3);
}"""


def reflow_overflows(page: Page) -> list[str]:
    """The widths at which the page scrolls sideways, each naming the widest elements."""
    size = page.viewport_size
    found = []
    try:
        for width in REFLOW_WIDTHS:
            page.set_viewport_size({"width": width, "height": (size or {}).get("height", 900)})
            page_width, window_width = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            if page_width > window_width:
                widest = "; ".join(
                    f"{e['name']} to {e['right']} px ({e['text']!r})"
                    for e in page.evaluate(_WIDEST)
                )
                found.append(f"{page_width} px wide at {window_width} px: {widest}")
    finally:
        if size:
            page.set_viewport_size(size)
    return found


def _reflow_problems(page: Page, label: str | None = None) -> list[str]:
    return [
        f"reflow (WCAG 1.4.10) on {label or page.url}: {overflow}"
        for overflow in reflow_overflows(page)
    ]


def assert_accessible(page: Page) -> None:
    """Fail with a readable list when axe-core finds WCAG 2.2 AA violations on the page."""
    problems = _axe_problems(page)
    if problems:
        pytest.fail(
            f"axe-core found {len(problems)} WCAG violation(s):\n" + "\n".join(problems),
            pytrace=False,
        )


def assert_no_console_errors(page: Page) -> None:
    record = _watch(page)
    errors, record.errors = record.errors, []
    if errors:
        pytest.fail("\n".join(errors), pytrace=False)


def assert_no_sideways_scroll(page: Page) -> None:
    """Fail when the page itself scrolls sideways (WCAG 1.4.10, reflow at 320 px): content
    wider than the window, a table for instance, has to scroll inside its own region."""
    page_width, window_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert page_width <= window_width, (
        f"{page.url} is {page_width} px wide in a {window_width} px window"
    )


def row_action(label: str, subject: str) -> re.Pattern:
    """The accessible name of a table's row action (components/row_action.html), such as
    "Stornieren: Anna Berger". Chromium puts a space before the colon of the visually hidden
    part, as it does around any block."""
    return re.compile(rf"^{re.escape(label)} ?: {re.escape(subject)}$")


def visit(page: Page, path: str, *, status: int | None = None) -> None:
    """Open `path`, fail on an error status, then check the page with axe-core and fail
    on browser console errors. `status` demands one exact status instead (an error page)."""
    record = _watch(page)
    response = page.goto(path)
    answered = response.status if response else None
    problems = []
    if status is None and (answered is None or answered >= 400):
        problems.append(f"{path} answered {answered}")
    elif status is not None and answered != status:
        problems.append(f"{path} answered {answered}, not {status}")
    if status is not None:
        # Chromium logs the expected error status of the document itself as an error.
        record.errors = [e for e in record.errors if f"status of {status}" not in e]
    if not problems and page.context not in _without_javascript:
        problems.extend(_axe_problems(page))
    elif not problems:
        keep_html(page)
    # Taken in any case, so that they do not show up again at the next check.
    errors, record.errors = record.errors, []
    problems.extend(errors)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def login(page: Page, user, *, password: str = TEST_PASSWORD) -> None:
    """Log `user` in through the real login form, as a person would.

    The login form and the page after it are not checked with axe here: both are in the
    page list of test_journeys.py, and checking them before every logged-in test would
    only cost time.
    """
    record = _watch(page)
    page.goto("/konto/login/")
    record.checked.add(page.url)
    page.get_by_label(re.compile(r"^E-Mail")).fill(user.email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name=re.compile(r"^Anmeld")).click()
    expect(page).not_to_have_url(re.compile(r"/konto/login/"))
    page.wait_for_load_state()
    record.checked.add(page.url)
    assert_no_console_errors(page)


def force_login(page: Page, user) -> None:
    """Log `user` in without the form, through a session cookie, as Django's test client
    does. For tests about pages behind a login; the form itself is tested with `login`."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": session.key, "value": session.value, "url": _live_server_url}]
    )


@pytest.fixture(name="visit")
def visit_fixture():
    return visit


@pytest.fixture(name="login")
def login_fixture():
    return login


@pytest.fixture
def axe():
    """`axe(page)` fails the test when the page has WCAG 2.2 AA violations."""
    return assert_accessible


@pytest.fixture(autouse=True)
def _seed_data(transactional_db):
    """What data migrations seed (taxonomies, working groups), present for every browser test.

    Serialized rollback does not restore it when the live server is in play (seen with
    pytest-django 4.14 on Django 6.1), so the seeding functions of those migrations run
    again; they are idempotent.
    """
    seed_from_migrations()
