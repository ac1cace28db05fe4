"""The web UI in Debian's Chromium, driven by Playwright: log in, search a code, fix a
scrubber finding, post an 835, view a statement. Screenshots of each step are saved under
the artefact folder (`OPENRCM_TEST_ARTEFACTS`, default /tmp/openrcm-test-artefacts) for
people to look at. Playwright never downloads a browser here: it launches /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_world import PASSWORD, era_text

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CHROMIUM = os.environ.get("OPENRCM_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = [
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.parametrize("migrated_database_url", ["sqlite"], indirect=True),
]


def artefacts() -> Path:
    folder = Path(os.environ.get("OPENRCM_TEST_ARTEFACTS", "/tmp/openrcm-test-artefacts"))
    target = folder / "browser"
    target.mkdir(parents=True, exist_ok=True)
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(app, world) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread, for one test."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", access_log=False)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def page(server) -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
            yield context.new_page()
        finally:
            browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(artefacts() / f"{name}.png"), full_page=True)


def log_in(page) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill("bob-biller")
    page.get_by_label("Password").fill(PASSWORD)
    shot(page, "01-login")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()


def test_log_in_search_a_code_fix_a_finding_post_an_835_view_a_statement(
    page, world, practice, tmp_path
) -> None:
    log_in(page)
    shot(page, "02-dashboard")
    assert "$450.00" in page.inner_text("main")

    # search a code: htmx swaps the results in as the user types
    page.get_by_role("link", name="Code search").click()
    page.get_by_label("Words or code").fill("type 2 diabetes with neuropathy")
    page.locator("#results td.code", has_text="E11.40").wait_for()
    shot(page, "03-code-search")

    # fix a scrubber finding with one click
    page.get_by_role("link", name="Claims").click()
    finding = page.locator(f"#findings-{world.claims_a['NFP-A-2'].id}")
    assert "MODIFIER-25-MISSING" in finding.inner_text()
    shot(page, "04-claim-queue")
    finding.get_by_role("button", name="Add modifier 25 to the visit").click()
    page.get_by_text("Fixed MODIFIER-25-MISSING.").wait_for()
    assert (
        "MODIFIER-25-MISSING"
        not in page.locator(f"#findings-{world.claims_a['NFP-A-2'].id} ul").all_inner_texts()
    )
    shot(page, "05-finding-fixed")
    page.get_by_role("link", name="NFP-A-2").click()
    assert page.locator("table").first.inner_text().count("25") >= 1

    # post an 835
    remittance = tmp_path / "prairie.835"
    remittance.write_text(era_text())
    page.get_by_role("link", name="Remittances").click()
    page.get_by_label("835 file").set_input_files(str(remittance))
    page.get_by_role("button", name="Post").click()
    page.get_by_text("Posted 1 payment(s)").wait_for()
    assert "GHOST-9" in page.inner_text("main")  # the unmatched queue
    shot(page, "06-835-posted")

    # view the patient's statement
    page.goto(f"/patients/{practice.patient.id}")
    statement = page.locator("section.statement")
    assert "Amount due: $20.00" in statement.inner_text()
    shot(page, "07-statement")
