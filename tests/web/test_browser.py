"""The page in a real browser (headless Chromium, Playwright): on a session of
examples/null_deref.c, scrub the slider to the segfault, step back one instruction with the
page's button, and check what the page draws there - the highlighted line, the registers,
the memory map's regions and marks - against ``vmdebug debug -batch`` at the same step.
The memory map's screenshot is kept in tests/web/artifacts/ (git-ignored)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from webtools import ARTIFACTS, Server, batch


def open_page(browser: Any, server: Server) -> Any:
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url)
    page.wait_for_selector('body[data-ready="1"]', timeout=30_000)
    page.errors = errors
    return page


def test_back_one_instruction_from_the_segfault_matches_the_debugger(browser: Any, server: Server,
                                                                      null_deref_session: Path) -> None:
    page = open_page(browser, server)
    last = int(page.get_attribute("#slider", "max"))
    page.locator("#slider").fill(str(last))                      # scrub to the end: the segfault
    page.wait_for_selector(f'body[data-step="{last}"]')
    assert page.locator("#marks-legend").inner_text().count("fatal (1)") == 1
    page.click('button[data-cmd="reverse-stepi"]')
    page.wait_for_function(f"document.body.dataset.step !== '{last}' && !window.vmdebug.view.busy")
    step = int(page.get_attribute("body", "data-step"))

    text = batch(null_deref_session, "continue", "reverse-stepi", "info record")
    assert step == int(re.search(r"Current instruction number is (\d+)", text).group(1))
    text = batch(null_deref_session, f"record goto {step}", "info registers", "frame", "info proc mappings")

    # the highlighted line: `frame`'s file, line and text
    m = re.search(r"^#0\s.* at (\S+):(\d+)\n(\d+)\t(.*)$", text, re.M)
    assert m, text
    current = page.locator("#source .src-line.current")
    assert current.count() == 1
    assert int(current.get_attribute("data-line")) == int(m.group(2))
    assert current.inner_text().split(None, 1)[1].strip() == m.group(4).strip()
    assert page.get_attribute("#source", "data-file") == m.group(1)

    # the registers: info registers' hex column
    for row in page.locator("#registers tr").all():
        name = row.get_attribute("data-reg")
        want = re.search(rf"^{name}\s+(0x[0-9a-f]+)", text, re.M)
        assert want, name
        assert int(row.get_attribute("data-value")) == int(want.group(1), 16), name
        assert row.locator("td").nth(1).inner_text() == want.group(1)

    # the drawn regions: one box per mapping, top to bottom, with info proc mappings' bounds
    maps = [(int(a, 16), int(b, 16)) for a, b in re.findall(r"^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+0x", text, re.M)]
    boxes = page.locator("#memory-map g.region[data-kind]:not([data-kind=kernel])")
    drawn = [(int(g.get_attribute("data-start")), int(g.get_attribute("data-end"))) for g in boxes.all()]
    assert drawn == sorted(maps, reverse=True)
    ys = [float(r.get_attribute("y")) for r in page.locator("#memory-map g.region rect").all()]
    heights = [float(r.get_attribute("height")) for r in page.locator("#memory-map g.region rect").all()]
    assert ys == sorted(ys) and min(heights) >= 10                # high addresses on top, none too small
    regs = {r.get_attribute("data-reg"): int(r.get_attribute("data-value"))
            for r in page.locator("#registers tr").all()}
    for mark in ("esp", "ebp", "eip"):
        assert int(page.get_attribute(f'#memory-map g.mark[data-mark="{mark}"]', "data-value")) == regs[mark]
    assert page.locator('#memory-map g.mark[data-mark="brk"]').count() == 1

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "memory_map.png"
    page.locator("#map-panel").screenshot(path=str(shot))
    print(f"memory map screenshot: {shot}")
    assert shot.stat().st_size > 5000
    assert page.errors == []
    page.close()


def test_the_views_follow_the_keys_and_history_jumps(browser: Any, server: Server) -> None:
    page = open_page(browser, server)
    page.fill("#step-input", "2000")
    page.press("#step-input", "Enter")
    page.wait_for_selector('body[data-step="2000"]')
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("ArrowRight")                             # stepi
    page.wait_for_selector('body[data-step="2001"]')
    page.keyboard.press("ArrowLeft")                              # reverse-stepi
    page.wait_for_selector('body[data-step="2000"]')
    assert page.locator("#stack .frame").count() >= 1
    assert page.locator("#heap .chunk.used").count() == 3       # the three nodes malloc'd
    page.fill("#history-target", "$esp")
    page.click("#history-form button")
    page.wait_for_selector("#history li")
    item = page.locator("#history li").nth(3)
    target = item.get_attribute("data-step")
    item.click()
    page.wait_for_selector(f'body[data-step="{target}"]')
    page.wait_for_function("document.getElementById('walk-lines').textContent.includes('virtual address')")
    assert "frame" in page.locator("#walk-lines").inner_text()
    assert "SIGSEGV" in page.locator("#explain").inner_text()
    assert page.errors == []
    page.close()


def test_a_bad_step_is_one_line_on_the_page(browser: Any, server: Server) -> None:
    page = open_page(browser, server)
    page.fill("#step-input", "123456789")
    page.press("#step-input", "Enter")
    page.wait_for_selector("#error:not([hidden])")
    assert "no step 123456789" in page.locator("#error").inner_text()
    assert "\n" not in page.locator("#error").inner_text()
    page.fill("#step-input", "7")                                 # and the page goes on
    page.press("#step-input", "Enter")
    page.wait_for_selector('body[data-step="7"]')
    assert page.locator("#error").is_hidden()
    page.close()


def test_the_page_warns_when_the_server_is_public(browser: Any, server: Server, null_deref_session: Path) -> None:
    page = open_page(browser, server)
    assert page.locator("#public-warning").is_hidden()              # loopback: no warning
    page.close()
    public = Server("--host", "0.0.0.0", str(null_deref_session))
    try:
        public.url = public.url.replace("0.0.0.0", "127.0.0.1")
        page = open_page(browser, public)
        assert page.locator("#public-warning").is_visible()
        assert "anyone who can reach it can read the session" in page.locator("#public-warning").inner_text()
        page.close()
    finally:
        public.stop()


def test_dragging_the_slider_draws_where_it_stops(browser: Any, server: Server) -> None:
    page = open_page(browser, server)
    box = page.locator("#slider").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 10, y)
    page.mouse.down()
    for k in range(1, 21):                                        # drag right, then back a little
        page.mouse.move(box["x"] + box["width"] * k / 25, y)
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=5)
    page.mouse.up()
    page.wait_for_function("!window.vmdebug.view.busy"
                           " && document.body.dataset.step === document.getElementById('slider').value")
    step = int(page.get_attribute("body", "data-step"))
    last = int(page.get_attribute("#slider", "max"))
    assert 0.5 * last < step < 0.7 * last
    assert int(page.input_value("#step-input")) == step
    assert page.errors == []
    page.close()


def test_a_held_key_steps_one_instruction_at_a_time(browser: Any, server: Server) -> None:
    page = open_page(browser, server)
    page.evaluate("document.activeElement.blur()")
    for _ in range(12):                                           # faster than the server answers
        page.keyboard.press("ArrowRight", delay=5)
    page.wait_for_function("!window.vmdebug.view.busy && !window.vmdebug.view.moving")
    step = int(page.get_attribute("body", "data-step"))
    assert 1 <= step <= 12                                        # each motion from the step drawn
    assert page.input_value("#slider") == str(step)
    assert page.errors == []
    page.close()


def test_clicks_ask_the_other_views(browser: Any, server: Server, back_step: int) -> None:
    page = open_page(browser, server)
    page.evaluate(f"window.vmdebug.goto({back_step})")
    page.wait_for_selector(f'body[data-step="{back_step}"]')
    slot = page.locator("#stack .slot", has_text="list = ")
    address = int(slot.get_attribute("data-address"))
    slot.click()                                                  # the slot's history
    page.wait_for_function(f"document.getElementById('history-title').textContent.includes('{address:#010x}')")
    assert page.locator("#history li").count() >= 4
    heap = page.locator('#memory-map g.region[data-kind="heap"]')
    start = int(heap.get_attribute("data-start"))
    heap.click()                                                  # the heap's first page
    page.wait_for_function("document.getElementById('walk-lines').textContent"
                           f".startsWith('virtual address {start:#010x}')")
    page.locator("#pd-grid").scroll_into_view_if_needed()
    box = page.locator("#pd-grid").bounding_box()
    page.mouse.click(box["x"] + 4, box["y"] + 4)                  # PDE 0: page 0, where NULL lands
    page.wait_for_function("document.getElementById('walk-lines').textContent.startsWith('virtual address 0x00000000')")
    assert "walk stops" in page.locator("#walk-lines").inner_text()
    assert page.errors == []
    page.close()
