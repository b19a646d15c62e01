"""Benchmark of the HTML graph page: page size and time against graph size.

Graphs: the seeds graph (output/graph.ttl, or --graph; built from seeds/ into a temporary folder
if missing) and copies of it at --scales (default 1x, 10x, 100x): copy k renames every person,
meeting, policy, article, sentence, statement, post, tenure and change (labels of people,
meetings and policies get the copy number) and shares the places, organisations and datasets,
so an archive's hubs (省政府, 辽宁省) grow with it as they do in print. With --synthetic, also a
seeded random graph of --nodes typed entities and --edges typed edges, drawn whole (as
`kg viz --max-nodes 5000` would), which must settle in under 10 s too.

For each graph it prints the triples, entities, the page's drawn and listed entities, its size
in bytes, the time to make it in Python (analysis graph, selection, render) and, in headless
Chromium (Debian's chromium + chromedriver, via selenium), the time until the page is idle
(layout settled, physics off, first frame drawn). The page must stop growing with the graph:
it fails (exit 1) if the page of the largest scale is more than 1.25x the page of the scale
before it, or if any page takes longer than 10 s to settle.

    .venv/bin/python scripts/bench_viz.py [--graph output/graph.ttl] [--scales 1 10 100]
        [--synthetic --nodes 5000 --edges 10000] [--keep FOLDER]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg.iri import digest, mint
from kg.ns import KG, ORG, PROV, RDF, RDFS, SDO, SKOS, XSD
from kg.viz import ViewSpec
from kg.viz.analysis import analysis_graph
from kg.viz.page import render
from kg.viz.view import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser import chrome  # noqa: E402  (the browser tests' own launcher)

LIMIT_SECONDS = 10.0
GROWTH_LIMIT = 1.25
"""Page of the largest scale / page of the one before: above this, the page grows with the archive."""
COPIED = ("article", "change", "meeting", "person", "policy", "post", "sentence", "statement", "tenure")
TYPES = {"Person": 0.25, "Organization": 0.25, "Place": 0.2, "Meeting": 0.15, "Policy": 0.15}
# relation -> (subject type, object type), as kg build writes them (posts: person -> org)
RELATIONS = {
    "holds": ("Person", "Organization"),
    "chair": ("Meeting", "Person"),
    "attendee": ("Meeting", "Person"),
    "organizer": ("Meeting", "Organization"),
    "location": ("Meeting", "Place"),
    "about": ("Meeting", "Policy"),
    "issuedBy": ("Policy", "Organization"),
    "subOrganizationOf": ("Organization", "Organization"),
    "containedInPlace": ("Place", "Place"),
}
PREDICATES = {
    "chair": KG.chair,
    "attendee": SDO.attendee,
    "organizer": SDO.organizer,
    "location": SDO.location,
    "about": SDO.about,
    "issuedBy": KG.issuedBy,
    "subOrganizationOf": ORG.subOrganizationOf,
    "containedInPlace": SDO.containedInPlace,
}
SYLLABLES = "国省市县区委会政府办发展改革工业信息教育科技民政财政自然资源生态环境住房城乡交通水利农业商务"


def synthetic_graph(nodes: int, edges: int, seed: int = 5000) -> Graph:
    """A random but seeded graph of `nodes` typed entities and `edges` typed edges with provenance."""
    rng = random.Random(seed)
    g = Graph()
    by_type: dict[str, list[URIRef]] = {t: [] for t in TYPES}
    kinds = rng.choices(list(TYPES), weights=list(TYPES.values()), k=nodes)
    for n, kind in enumerate(kinds):
        name = "".join(rng.choices(SYLLABLES, k=rng.randint(3, 9))) + f"{n}"
        node = mint(f"{kind.lower()}/bench/{n}")
        g.add((node, RDF.type, KG[kind]))
        g.add((node, RDFS.label, Literal(name, lang="zh")))
        if n % 7 == 0:
            g.add((node, SKOS.altLabel, Literal(name[:3] + f"别名{n}", lang="zh")))
        if kind == "Meeting":
            g.add((node, SDO.startDate, Literal(f"2021-{1 + n % 12:02d}-{1 + n % 28:02d}", datatype=XSD.date)))
        by_type[kind].append(node)
    # hubs: endpoints drawn with Zipf-like weights, as in news (a few bodies and places everywhere)
    weights = {t: [1 / (r + 1) ** 0.5 for r in range(len(v))] for t, v in by_type.items()}
    articles = [mint(f"article/bench/{a:03d}") for a in range(max(1, edges // 50))]
    for a, article in enumerate(articles):
        g.add((article, RDF.type, KG.Article))
        g.add((article, SDO.headline, Literal(f"测试报道第{a}篇", lang="zh")))
        g.add((article, KG.sourceFile, Literal(f"bench/{a:03d}.txt")))
        g.add((article, SDO.datePublished, Literal(f"2021-08-{1 + a % 28:02d}", datatype=XSD.date)))
    made = 0
    seen = set()
    while made < edges:
        relation = rng.choice(list(RELATIONS))
        st, ot = RELATIONS[relation]
        s = rng.choices(by_type[st], weights=weights[st])[0]
        o = rng.choices(by_type[ot], weights=weights[ot])[0]
        if s == o or (relation, s, o) in seen:
            continue
        seen.add((relation, s, o))
        article = rng.choice(articles)
        sentence = mint(f"sentence/bench/{made}")
        g.add((sentence, RDF.type, KG.Sentence))
        text = f"第{made}句：{g.value(s, RDFS.label)}与{g.value(o, RDFS.label)}。"
        g.add((sentence, SDO.text, Literal(text, lang="zh")))
        g.add((sentence, SDO.isPartOf, article))
        g.add((sentence, KG.sourceFile, Literal(f"bench/{articles.index(article):03d}.txt")))
        g.add((sentence, KG.charStart, Literal(made * 10)))
        g.add((sentence, KG.charEnd, Literal(made * 10 + 9)))
        if relation == "holds":
            post = mint(f"post/bench/{made}")
            g.add((post, RDF.type, ORG.Post))
            g.add((post, KG.title, Literal(rng.choice(["主任", "书记", "副主任", "局长", "厅长"]), lang="zh")))
            triples = [(s, ORG.holds, post), (post, ORG.postIn, o)]
        else:
            triples = [(s, PREDICATES[relation], o)]
        for triple in triples:
            g.add(triple)
            stmt = mint(f"statement/{digest(*map(str, triple))}")
            g.add((stmt, RDF.type, RDF.Statement))
            g.add((stmt, RDF.subject, triple[0]))
            g.add((stmt, RDF.predicate, triple[1]))
            g.add((stmt, RDF.object, triple[2]))
            g.add((stmt, PROV.wasDerivedFrom, sentence))
            g.add((stmt, KG.rule, Literal("bench")))
        made += 1
    return g


def scaled_graph(seeds_nt: str, copies: int) -> Graph:
    """`copies` copies of the seeds graph (N-Triples text) sharing places, organisations, datasets."""
    iri = re.compile(r"<(http://kg\.example\.org/id/(?:" + "|".join(COPIED) + r")/[^>]*)>")
    label = re.compile(
        r"^(<http://kg\.example\.org/id/(?:person|meeting|policy)/[^>]*> "
        r"<http://www\.w3\.org/(?:2000/01/rdf-schema#label|2004/02/skos/core#altLabel)> \"[^\"]*)\"",
        re.M,
    )
    parts = [seeds_nt]
    for k in range(1, copies):
        copy = iri.sub(rf"<\g<1>/c{k}>", seeds_nt)
        parts.append(label.sub(rf'\g<1>{k}"', copy))
    return Graph().parse(data="".join(parts), format="nt")


def time_page(driver, page: Path, timeout: float = 60.0) -> dict:
    """Load `page` and wait until the layout has settled; the wall-clock and page-side times."""
    driver.get("about:blank")
    started = time.perf_counter()
    driver.get(page.resolve().as_uri())
    while not driver.execute_script("return Boolean(window.kgViz && window.kgViz.ready)"):
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"{page}: not settled after {timeout:.0f} s")
        time.sleep(0.02)
    wall = time.perf_counter() - started
    state = driver.execute_script(
        "return {settled: kgViz.stabilizedAt, iterations: kgViz.iterations, nodes: kgViz.nodes.length,"
        " edges: kgViz.edges.length, timings: kgViz.timings}"
    )
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    return {"wall": wall, "page": state["settled"] / 1000, **state, "errors": errors}


def bench(name: str, graph: Graph, folder: Path, driver, spec: ViewSpec | None = None) -> dict:
    started = time.perf_counter()
    analysis = analysis_graph(graph)
    analysed = time.perf_counter()
    view = select(analysis, spec or ViewSpec())
    selected = time.perf_counter()
    html = render(view)
    python = time.perf_counter() - started
    page = folder / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    r = time_page(driver, page)
    t = {k: v / 1000 for k, v in r["timings"].items()}
    size = len(html.encode())
    print(
        f"{name:>9}: {len(graph):8d} triples {analysis.number_of_nodes():6d} entities | page {r['nodes']:4d} drawn"
        f" {len(view.listed):4d} listed {size / 1e6:5.2f} MB | python {python:6.2f} s (analysis"
        f" {analysed - started:5.2f}, select {selected - analysed:4.2f}, render {python - (selected - started):4.2f})"
        f" | idle after {r['wall']:5.2f} s (load+setup {t['network']:4.2f} s,"
        f" layout {t['layout'] - t['network']:4.2f} s = {r['iterations']} iterations,"
        f" labels {t['labels'] - t['layout']:4.2f} s, draw {t['drawn'] - t['labels']:4.2f} s)"
        f" | console errors: {len(r['errors'])}",
        flush=True,
    )
    return {"bytes": size, "wall": r["wall"], "errors": len(r["errors"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=Path("output/graph.ttl"), help="seeds graph (Turtle)")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100], help="copies of the seeds graph")
    parser.add_argument("--synthetic", action="store_true", help="also a seeded random graph")
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=10000)
    parser.add_argument("--keep", type=Path, help="folder to keep the benchmark pages in")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-viz-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if args.graph.is_file():
            seeds = Graph().parse(args.graph)
        else:
            from kg.build import build_graph

            print(f"{args.graph} not found: building seeds/ into {tmp}", file=sys.stderr)
            build_graph([Path("seeds")], Path(tmp) / "seeds-out", formats=("ttl",), validate=False, html=False)
            seeds = Graph().parse(Path(tmp) / "seeds-out" / "graph.ttl")
        seeds_nt = seeds.serialize(format="nt")
        driver = chrome(Path(tmp) / "profile")
        results = {}
        try:
            for scale in args.scales:
                started = time.perf_counter()
                graph = seeds if scale == 1 else scaled_graph(seeds_nt, scale)
                print(
                    f"{scale}x seeds: {len(graph)} triples, parsed in {time.perf_counter() - started:.1f} s",
                    file=sys.stderr,
                )
                results[f"{scale}x"] = bench(f"{scale}x", graph, folder, driver)
                del graph
            if args.synthetic:
                synthetic = synthetic_graph(args.nodes, args.edges)
                results["synthetic"] = bench("synthetic", synthetic, folder, driver, ViewSpec(max_nodes=None))
        finally:
            driver.quit()
    failed = False
    sizes = [results[f"{scale}x"]["bytes"] for scale in args.scales]
    for scale, size in zip(args.scales, sizes, strict=True):
        print(f"{scale:>5}x seeds: page {size:9d} bytes")
    if len(sizes) > 1:
        growth = sizes[-1] / sizes[-2]
        print(f"page at {args.scales[-1]}x / page at {args.scales[-2]}x: {growth:.2f} (limit {GROWTH_LIMIT})")
        if growth > GROWTH_LIMIT:
            print("FAIL: the page grows with the graph")
            failed = True
    for name, r in results.items():
        if r["wall"] >= LIMIT_SECONDS or r["errors"]:
            print(
                f"FAIL: the {name} page took {r['wall']:.1f} s to settle (limit {LIMIT_SECONDS:.0f} s), "
                f"{r['errors']} console errors"
            )
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
