"""The career timeline and a meeting's decided changes in headless Chromium: shown, marked, with
sources, and article text kept as text (browser: slow)."""

from __future__ import annotations

import pytest
from test_viz import NASTY, NASTY_IMG
from test_viz_browser import open_page, severe, wait_for
from test_viz_careers import _graph

from kg.viz import write_html

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_person_timeline_and_meeting_changes(driver, tmp_path):
    from selenium.webdriver.common.by import By

    sentence = f"{NASTY}会议决定任命{NASTY_IMG}为副省长。"
    g, person, meeting = _graph(sentence=sentence)
    page = write_html(g, tmp_path / "careers.html")
    open_page(driver, page)
    driver.execute_script("kgViz.focusNode(arguments[0])", str(person))
    wait_for(driver, "return kgViz.shown && kgViz.shown.node === arguments[0]", str(person))
    panel = driver.find_element(By.ID, "panel")
    items = [li.text for li in panel.find_elements(By.CSS_SELECTOR, "ol.timeline > li")]
    assert len(items) == 3
    assert "西安市人民政府" in items[0] and "原任" in items[0] and "见报 2021-08-06" in items[0]
    assert "代理省长" in items[1] and "代理" in items[1] and "2022-02-25 至 今" in items[1]
    assert "任命 2022-02-25" in items[2] and "来源" in items[2] and "test_0001.txt" in items[2]
    tooltip = driver.execute_script("return document.querySelector('ol.timeline li:nth-child(3) .meta span').title")
    assert tooltip == sentence  # the source sentence, as plain text
    driver.execute_script("kgViz.focusNode(arguments[0])", str(meeting))
    wait_for(driver, "return kgViz.shown && kgViz.shown.node === arguments[0]", str(meeting))
    assert "人事任免（2）" in panel.text
    assert "王晓 陕西省人民政府代理省长（2022-02-25）" in panel.text
    assert driver.execute_script("return typeof window.__xss") == "undefined"
    assert driver.execute_script("return document.querySelectorAll('#panel img, #panel script, #panel b').length") == 0
    assert severe(driver.get_log("browser")) == []
