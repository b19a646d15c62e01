"""graph.html in headless Chromium: offline, complete, searchable, and safe with hostile text.

Uses Debian's chromium and chromium-driver (`make test` installs them) through selenium.
Every network request the browser makes is read from the performance log; a page that asks for
anything but itself fails.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from rdflib import Graph
from test_viz import NASTY, NASTY_IMG, GraphMaker

from kg import ns
from kg.iri import mint
from kg.ns import KG, ORG
from kg.viz import ViewSpec, write_html, write_view
from kg.viz.analysis import analysis_graph
from kg.viz.view import select

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "output" / "graph-screenshot.png"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def seeds(seed_build, tmp_path_factory) -> tuple[Graph, Path]:
    """The seeds' graph and its graph.html, written as `kg build` writes it (conftest's session build)."""
    out, _ = seed_build
    graph = Graph().parse(out / "graph.ttl")
    return graph, write_html(graph, tmp_path_factory.mktemp("viz") / "graph.html")


def open_page(driver, page: Path, timeout: float = 60.0) -> dict:
    """Load `page`, wait until its layout has settled; the requests it made and its console."""
    driver.get("about:blank")
    driver.get_log("performance")  # drop what the start page did
    driver.get_log("browser")
    url = page.resolve().as_uri()
    driver.get(url)
    deadline = time.monotonic() + timeout
    while not driver.execute_script("return Boolean(window.kgViz && window.kgViz.ready)"):
        assert time.monotonic() < deadline, f"{page} did not settle in {timeout} s"
        time.sleep(0.05)
    return {"url": url, "requests": requests(driver), "console": driver.get_log("browser")}


def requests(driver) -> list[str]:
    """URLs of every request in the performance log since the last call."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            urls.append(params.get("request", {}).get("url") or params.get("url", ""))
    return urls


def wait_for(driver, script: str, *args, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script, *args)
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for: {script}"
        time.sleep(0.05)


def severe(console: list[dict]) -> list[dict]:
    return [e for e in console if e["level"] == "SEVERE"]


def test_seeds_page_is_offline_and_complete(driver, seeds):
    graph, page = seeds
    got = open_page(driver, page)
    assert got["requests"], "the performance log recorded nothing: the check would be vacuous"
    outside = [u for u in got["requests"] if u != got["url"] and not u.startswith("data:")]
    assert outside == [], f"requests leaving the page: {outside}"
    assert severe(got["console"]) == []
    g = analysis_graph(graph)
    assert g.number_of_nodes() > 300
    related = sum(1 for n in g if g.degree(n))
    counts = driver.execute_script(
        "return [kgViz.nodes.length, kgViz.edges.length, document.querySelectorAll('#type-filters input').length,"
        " document.querySelectorAll('#listed li').length]"
    )
    # every related entity and relation drawn; the entities without relations listed instead
    assert counts == [related, g.number_of_edges(), 5, g.number_of_nodes() - related]
    assert driver.execute_script("return kgViz.network.physics.physicsEnabled") is False  # settled, then stopped
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOT))


def test_layout_is_reproducible(driver, seeds):
    _, page = seeds
    positions = []
    for _ in range(2):
        open_page(driver, page)
        positions.append(driver.execute_script("return JSON.stringify(kgViz.network.getPositions())"))
    assert positions[0] == positions[1]


def test_request_log_sees_requests(driver, tmp_path):
    """The check above is not vacuous: a page that fetches something shows up in the log."""
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/pixel.png">', encoding="utf-8")
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get(page.as_uri())
    time.sleep(0.5)
    assert "http://127.0.0.1:9/pixel.png" in requests(driver)


def test_search_focuses_and_shows_details(driver, seeds):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    graph, page = seeds
    liu = select(analysis_graph(graph), ViewSpec(focus="刘宁", depth=0)).focus
    open_page(driver, page)
    box = driver.find_element(By.ID, "search-input")
    box.send_keys("刘宁")
    box.send_keys(Keys.ENTER)
    wait_for(driver, "return kgViz.focused === arguments[0]", liu)
    assert driver.execute_script("return kgViz.network.getSelectedNodes()") == [liu]
    # the view centres on the node once the focus animation is over
    centred = (
        "var n = kgViz.network, p = n.getPositions([arguments[0]])[arguments[0]], v = n.getViewPosition();"
        "return Math.hypot(p.x - v.x, p.y - v.y) < 3;"  # getPositions rounds to whole units
    )
    wait_for(driver, centred, liu)
    panel = driver.find_element(By.ID, "panel")
    assert panel.find_element(By.TAG_NAME, "h2").text == "刘宁"
    text = panel.text
    assert "人物" in text and "职务" in text and "辽宁省人民政府" in text and "省长" in text
    assert "来源句子" in text
    assert driver.execute_script("return document.querySelector('#panel mark').textContent") in ("刘宁", "刘宁省长")
    assert ".txt:" in text  # file and offsets of each sentence
    # a relation of the node shows its evidence
    panel.find_element(By.CSS_SELECTOR, "button.relation").click()
    assert "edge" in driver.execute_script("return kgViz.shown")
    assert "抽取规则" in panel.text and "来源句子" in panel.text
    time.sleep(0.3)
    assert driver.execute_script(centred, liu), "the view jumped away when an edge was selected"
    assert severe(driver.get_log("browser")) == []
    driver.save_screenshot(str(SCREENSHOT.with_name("graph-screenshot-focus.png")))


def test_filters_hide_and_show(driver, seeds):
    from selenium.webdriver.common.by import By

    _, page = seeds
    open_page(driver, page)
    count = "return kgViz.nodes.get({filter: function (n) { return n.kgType === 'Person' && %s; }}).length"
    person = driver.find_element(By.CSS_SELECTOR, "#type-filters input[value=Person]")
    total = driver.execute_script(count % "true")
    person.click()
    assert driver.execute_script(count % "n.hidden") == total > 0
    person.click()
    assert driver.execute_script(count % "n.hidden") == 0
    located = driver.find_element(By.CSS_SELECTOR, "#relation-filters input[value=containedInPlace]")
    located.click()
    assert (
        driver.execute_script(
            "return kgViz.edges.get({filter: function (e) { return e.kgRel === 'containedInPlace' && !e.hidden; }}).length"
        )
        == 0
    )
    assert "显示" in driver.find_element(By.ID, "counts").text


def test_hostile_names_and_sentences_stay_text(driver, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    quotes = "\"'引号'\" & </p>"
    m = GraphMaker()
    evil = m.entity("person/evil", KG.Person, NASTY, NASTY_IMG)
    org = m.entity("org/evil", KG.Organization, quotes)
    meeting = m.entity("meeting/evil", KG.Meeting, f"会议{NASTY_IMG}")
    sentence = f"{NASTY}出席会议，{NASTY_IMG}主持。{quotes}"
    m.post(evil, org, "evil", "<b>书记</b>", sentence)
    m.edge(meeting, KG.chair, evil, sentence)
    m.edge(meeting, ns.SDO.organizer, org, sentence)
    m.mention(evil, sentence)
    page = write_html(m.g, tmp_path / "xss.html")
    got = open_page(driver, page)
    assert [u for u in got["requests"] if u != got["url"] and not u.startswith("data:")] == []

    # click the node on the canvas, as a user would
    node = str(evil)
    canvas = driver.find_element(By.CSS_SELECTOR, "#network canvas")
    x, y = driver.execute_script(
        "var n = kgViz.network, p = n.canvasToDOM(n.getPositions([arguments[0]])[arguments[0]]); return [p.x, p.y];",
        node,
    )
    dx, dy = int(x - canvas.size["width"] / 2), int(y - canvas.size["height"] / 2)  # offsets from the centre
    ActionChains(driver).move_to_element_with_offset(canvas, dx, dy).click().perform()
    wait_for(driver, "return kgViz.shown && kgViz.shown.node === arguments[0]", node)
    panel = driver.find_element(By.ID, "panel")
    assert panel.find_element(By.TAG_NAME, "h2").text == NASTY
    assert NASTY_IMG in panel.text and sentence in panel.text.replace("\n", "")
    assert "<b>书记</b>" in panel.text and quotes in panel.text
    # hovering shows the tooltip, as text too
    tooltip = wait_for(
        driver, "var t = document.querySelector('.vis-tooltip'); return t && t.offsetParent && t.textContent;"
    )
    assert NASTY in tooltip
    # the edge panel and the search results list render the same strings
    panel.find_element(By.CSS_SELECTOR, "button.relation").click()
    assert sentence in panel.text.replace("\n", "")
    box = driver.find_element(By.ID, "search-input")
    box.send_keys("onerror")
    box.send_keys(Keys.ENTER)
    results = wait_for(driver, "var r = document.querySelector('.results'); return r && !r.hidden && r.textContent;")
    assert NASTY in results and f"会议{NASTY_IMG}" in results

    assert driver.execute_script("return typeof window.__xss") == "undefined"
    assert driver.execute_script("return document.querySelectorAll('#panel img, #panel script, #panel b').length") == 0
    assert driver.execute_script("return document.querySelectorAll('img').length") == 0
    assert severe(driver.get_log("browser")) == []


def test_focused_view_opens_on_its_entity(driver, tmp_path):
    m = GraphMaker()
    liu = m.entity("person/辽宁省/刘宁", KG.Person, "刘宁")
    gov = m.entity("org/辽宁省人民政府", KG.Organization, "辽宁省人民政府")
    m.post(liu, gov, "辽宁省人民政府", "省长", "省长刘宁。")
    m.edge(gov, ORG.subOrganizationOf, mint("org/nowhere"), "无。")
    write_view(m.g, tmp_path / "view.html", ViewSpec(focus="刘宁"))
    open_page(driver, tmp_path / "view.html")
    assert driver.execute_script("return kgViz.network.getSelectedNodes()") == [str(liu)]
    assert driver.execute_script("return document.querySelector('#panel h2').textContent") == "刘宁"


# -- readability and bounds ---------------------------------------------------------------------

OVERLAPS = """
var boxes = arguments[0], hits = [];
for (var i = 0; i < boxes.length; i++) for (var j = i + 1; j < boxes.length; j++) {
  var a = boxes[i], b = boxes[j];
  if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) hits.push([a.text, b.text]);
}
return hits;
"""
MEASURED = """
var ctx = document.createElement('canvas').getContext('2d');
return kgViz.labels.map(function (b) {
  ctx.font = b.font;
  var w = ctx.measureText(b.text).width;
  var px = parseInt(/(\\d+)px/.exec(b.font)[1], 10);
  return {id: b.id, text: b.text, x: b.x + (b.w - w) / 2, y: b.y + (b.h - px) / 2, w: w, h: px};
});
"""


COVERED = """
var n = kgViz.network, order = kgViz.labelOrder, rank = {}, hits = [];
order.forEach(function (id, i) { rank[id] = i; });
arguments[0].forEach(function (l) {
  for (var j = 0; j < rank[l.id]; j++) {
    var b = n.getBoundingBox(order[j]);
    var tl = n.canvasToDOM({x: b.left, y: b.top}), br = n.canvasToDOM({x: b.right, y: b.bottom});
    if (l.x < br.x && tl.x < l.x + l.w && l.y < br.y && tl.y < l.y + l.h) hits.push([l.text, order[j]]);
  }
});
return hits;
"""


def drawn_labels(driver) -> list[dict]:
    """The labels the page drew in its last frame, re-measured here from their text and font."""
    driver.execute_script("kgViz.network.redraw()")
    time.sleep(0.2)  # the redraw is the next animation frame
    return driver.execute_script(MEASURED)


def test_labels_do_not_overlap_at_any_zoom(driver, seeds):
    """At the opening zoom, zoomed in and with a hub selected: no two drawn labels overlap, more
    labels appear as one zooms in; drawing every label instead would overlap (the check sees it)."""
    _, page = seeds
    open_page(driver, page)
    shown = []
    for zoom in (1, 2.5, 6):
        driver.execute_script("var n = kgViz.network; n.moveTo({scale: n.getScale() * arguments[0]})", zoom)
        labels = drawn_labels(driver)
        assert driver.execute_script(OVERLAPS, labels) == [], f"labels overlap at zoom x{zoom}"
        assert driver.execute_script(COVERED, labels) == [], f"labels cover better connected nodes at zoom x{zoom}"
        shown.append(len(labels))
        open_page(driver, page)
    assert 40 <= shown[0] < shown[1] < shown[2], shown  # the overview names the hubs, zooming names more
    everything = driver.execute_script("return kgViz.labelBoxes(true)")
    assert len(driver.execute_script(OVERLAPS, everything)) > 50  # all labels at once would overlap
    # a selected entity's label and its neighbours' come first, still without overlaps
    liu = driver.execute_script("return kgViz.nodes.get({filter: function (n) { return n.kgLabel === '刘宁'; }})[0].id")
    driver.execute_script("kgViz.focusNode(arguments[0])", liu)
    time.sleep(0.6)
    labels = drawn_labels(driver)
    assert "刘宁" in [b["text"] for b in labels]
    assert driver.execute_script(OVERLAPS, labels) == []
    edge_labels = driver.execute_script(
        "return kgViz.edges.get({filter: function (e) { return Boolean(e.label); }}).map(function (e) { return e.label; })"
    )
    assert "省长" in edge_labels and len(edge_labels) == len(
        driver.execute_script("return kgViz.network.getConnectedEdges(arguments[0])", liu)
    )
    driver.save_screenshot(str(SCREENSHOT.with_name("graph-screenshot-labels.png")))


def test_entities_without_relations_are_listed_in_the_panel(driver, seeds):
    from selenium.webdriver.common.by import By

    graph, page = seeds
    g = analysis_graph(graph)
    lonely = sorted((n for n in g if not g.degree(n)), key=lambda n: (-len(g.nodes[n]["sources"]), n))
    open_page(driver, page)
    assert driver.execute_script("return kgViz.nodes.get(arguments[0])", lonely[0]) is None  # not drawn
    section = driver.find_element(By.ID, "listed")
    assert f"无关系的实体（{len(lonely)}）" in section.text
    groups = {
        d.get_attribute("data-type"): int(d.find_element(By.CSS_SELECTOR, "summary .count").text)
        for d in section.find_elements(By.TAG_NAME, "details")
    }
    by_type: dict[str, int] = {}
    for n in lonely:
        by_type[g.nodes[n]["type"]] = by_type.get(g.nodes[n]["type"], 0) + 1
    assert groups == by_type
    # searchable: the filter narrows the list to the names containing it
    name = g.nodes[lonely[0]]["label"]
    box = section.find_element(By.CSS_SELECTOR, "input[type=search]")
    box.send_keys(name)
    visible = [b.text for b in section.find_elements(By.CSS_SELECTOR, "li button") if b.is_displayed()]
    assert name in visible and len(visible) < len(lonely)
    # clickable: its details and sources
    next(b for b in section.find_elements(By.CSS_SELECTOR, "li button") if b.text == name).click()
    panel = driver.find_element(By.ID, "panel")
    assert panel.find_element(By.TAG_NAME, "h2").text == name
    assert "本视图中无关系，未画出" in panel.text and "来源句子" in panel.text and ".txt:" in panel.text
    # the search box finds it too
    panel.find_element(By.CSS_SELECTOR, "button.back").click()
    assert driver.find_element(By.ID, "listed")
    driver.execute_script(
        "document.getElementById('search-input').value = arguments[0];"
        "document.getElementById('search-button').click();",
        name,
    )
    wait_for(driver, "return kgViz.shown && kgViz.shown.node === arguments[0]", lonely[0])
    assert severe(driver.get_log("browser")) == []


def test_capped_page_says_what_is_left_out(driver, seeds, tmp_path):
    graph, _ = seeds
    page = tmp_path / "capped.html"
    view = write_view(graph, page, ViewSpec(max_nodes=60), graph_file="output/graph.ttl")
    got = open_page(driver, page)
    assert severe(got["console"]) == []
    assert driver.execute_script("return kgViz.nodes.length") == 60
    text = driver.execute_script("return document.getElementById('left-out').textContent")
    assert f"本页未显示 {view.left_out.entities} 个实体" in text
    assert f"kg viz --graph output/graph.ttl --out view.html --max-nodes {view.left_out.linked}" in text
    assert f"--focus {view.left_out.hubs[0].name} --depth 1" in text
    assert "未显示" in driver.execute_script("return document.getElementById('counts').textContent")
    labels = drawn_labels(driver)
    assert labels and driver.execute_script(OVERLAPS, labels) == []
