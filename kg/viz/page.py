"""The HTML page of a view: one self-contained file (vis-network inline; no request leaves it).

Public entry: `render(view, heading=..., see_more=...) -> str`.

The page (template, script and style in kg/data/viz/) is data-driven: the vis-network nodes and
edges come from pyvis, everything else (details, sentences, the entities listed in the panel,
what was left out) from one JSON object; the script builds every piece of text with
textContent, never markup, and the JSON is escaped for <script>. A Content-Security-Policy with
hashes of the two inline scripts forbids any network request and any other script (an injected
`onerror=` attribute would not run even if it reached the DOM).

Bounded: besides the drawn entities (at most the view's node cap) and the listed ones (at most
LIST_MAX), every list the panel shows is cut at `ITEMS_MAX` items (source sentences at
`SOURCES_MAX`, `LISTED_SOURCES_MAX`), with its full length given, so the page does not grow with the archive.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from markupsafe import Markup

from kg.errors import VizError
from kg.resources import data_path
from kg.viz import careers as viz_careers
from kg.viz.analysis import Evidence
from kg.viz.layout import layout
from kg.viz.styles import relation_styles, type_styles
from kg.viz.view import View

EDGE_LABEL_LIMIT = 1500
"""Above this many edges, edge labels are not sent (they dominate drawing time)."""
LABEL_CHARS = 16
"""Node labels longer than this are shortened on the canvas (the panel shows the full name)."""
SOURCES_MAX = 10
"""Source sentences the page keeps per drawn entity or relation (the earliest; the count says how many)."""
LISTED_SOURCES_MAX = 3
"""Source sentences the page keeps per listed entity (one without relations)."""
STEP_SOURCES_MAX = 3
"""Source sentences per career step or post change (the panel shows three)."""
ITEMS_MAX = 100
"""Posts, career steps and decided changes the page keeps per entity."""
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _script_json(value: object) -> str:
    """JSON safe inside an HTML <script> element: `<`, `>`, `&`, U+2028/2029 are escaped."""
    if isinstance(value, str):  # already JSON
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(ch, escaped)
    return text


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS as shipped inside pyvis (no CDN)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    try:
        js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise VizError(f"vis-network is missing from pyvis at {lib}: {exc}; reinstall pyvis==0.3.2") from exc
    js = re.sub(r"^//# sourceMappingURL=\S*\s*$", "", js, flags=re.M)  # no map fetched by dev tools either
    return js, css


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


class _Payload:
    """Builds the page's JSON: details of the drawn and listed entities, relations, evidence."""

    def __init__(self, evidence: Evidence) -> None:
        self.evidence = evidence
        self.sentence_ids: dict[str, str] = {}

    def _order(self, iri: str) -> tuple:
        s = self.evidence.sentence(iri)
        a = self.evidence.article(s.article) if s.article else None
        return (a.date if a else "", s.file, s.start if s.start is not None else -1, iri)

    def sources(self, iris: Iterable[str], limit: int = SOURCES_MAX) -> dict:
        """The first `limit` sentences of `iris`: those the page already holds (the evidence of the
        drawn relations, which come first), then by date, file and offset; in date order; and their count."""
        iris = list(iris)
        found = sorted(
            (i for i in iris if self.evidence.sentence(i) is not None),
            key=lambda i: (i not in self.sentence_ids, self._order(i)),
        )
        kept = sorted(found[:limit], key=self._order)  # shown in date order
        for iri in kept:
            self.sentence_ids.setdefault(iri, "")
        datasets = sorted({d for d in map(self.evidence.dataset, iris) if d is not None})
        return {"sentences": kept, "sentenceCount": len(found), "datasets": datasets}

    def step(self, item: dict) -> dict:  # a career step or change: its sentences, cut short
        item["sentences"] = self.sources(item["sentences"], STEP_SOURCES_MAX)["sentences"]
        for c in item.get("changes", ()):
            self.step(c)
        return item

    def node(self, d: dict, sources: int = SOURCES_MAX) -> dict:
        return {
            "career": [self.step(viz_careers.step_json(s)) for s in d.get("career", ())[:ITEMS_MAX]],
            "careerCount": len(d.get("career", ())),
            "changes": [self.step(viz_careers.change_json(c)) for c in d.get("changes", ())[:ITEMS_MAX]],
            "changeCount": len(d.get("changes", ())),
            "name": d["label"],
            "aliases": list(d["aliases"][:ITEMS_MAX]),
            "type": d["type"],
            "dates": list(d["dates"][:ITEMS_MAX]),
            "posts": [
                {"title": p.title, "org": p.org, "orgName": p.org_name, "observed": list(p.observed[:ITEMS_MAX])}
                for p in d["posts"][:ITEMS_MAX]
            ],
            "postCount": len(d["posts"]),
            **self.sources(d["sources"], sources),
        }

    def finish(self, items: Iterable[dict]) -> tuple[dict, dict]:
        """Short sentence and article ids (numbered in sorted IRI order) in `items`; their tables."""
        for n, iri in enumerate(sorted(self.sentence_ids)):
            self.sentence_ids[iri] = f"s{n}"
        sentences = {iri: self.evidence.sentence(iri) for iri in self.sentence_ids}
        used = sorted({s.article for s in sentences.values() if s.article and self.evidence.article(s.article)})
        article_ids = {iri: f"a{n}" for n, iri in enumerate(used)}

        def rename(item: dict) -> None:
            item["sentences"] = [self.sentence_ids[i] for i in item["sentences"]]
            for nested in (*item.get("career", ()), *item.get("changes", ())):
                rename(nested)

        for item in items:
            rename(item)
        table = {
            self.sentence_ids[iri]: {
                "text": s.text,
                "file": s.file,
                "start": s.start,
                "end": s.end,
                "article": article_ids.get(s.article),
            }
            for iri, s in sentences.items()
        }
        articles = {}
        for iri, aid in article_ids.items():
            a = self.evidence.article(iri)
            articles[aid] = {"headline": a.headline, "date": a.date, "file": a.file}
        return table, articles


def _payload(view: View, edge_ids: dict[tuple, str], see_more: Sequence[tuple[str, str]], where: str) -> dict:
    """Everything the page shows besides the drawing: legend, details, evidence, what is left out."""
    g, source = view.graph, view.source
    build = _Payload(source.graph["evidence"])
    edges = {}  # first: an entity's sources start with the evidence of its drawn relations
    for (u, v, key), eid in edge_ids.items():
        d = g.edges[u, v, key]
        edges[eid] = {
            "relation": d["relation"],
            "title": d["title"],
            "observed": list(d["observed"][:ITEMS_MAX]),
            "rules": list(d["rules"]),
            **build.sources(d["evidence"]),
        }
    details = {node: build.node(g.nodes[node]) for node in sorted(g)}
    listed = {node: build.node(source.nodes[node], LISTED_SOURCES_MAX) for node in view.listed}
    for d in listed.values():
        d["listed"] = True
    details.update(listed)
    sentences, articles = build.finish((*details.values(), *edges.values()))
    left = view.left_out
    return {
        "types": [{"key": s.key, "label": s.label, "color": s.color, "shape": s.shape} for s in type_styles()],
        "relations": [{"key": r.key, "label": r.label, "color": r.color} for r in relation_styles()],
        "details": details,
        "listed": list(view.listed),
        "edges": edges,
        "sentences": sentences,
        "articles": articles,
        "focus": view.focus,
        "leftOut": {
            "entities": left.entities,
            "byType": [list(kv) for kv in left.by_type],
            "edges": left.edges,
            "capped": left.capped,
            "linked": left.linked,
            "unlisted": left.unlisted,
            "maxNodes": view.spec.max_nodes,
            "hubs": [{"name": h.label, "type": h.type, "degree": h.degree} for h in left.hubs],
            "commands": [{"what": what, "command": command} for what, command in see_more],
            "where": where,
        },
    }


def render(
    view: View, *, heading: str = "kg 知识图谱", see_more: Sequence[tuple[str, str]] = (), where: str = ""
) -> str:
    """The HTML page of a view: deterministic for the same view, self-contained, offline.

    `see_more` are (what it shows, `kg viz` command) pairs the page offers for what it leaves out;
    `where` says where to run them.
    """
    from jinja2 import Environment, FileSystemLoader
    from pyvis.network import Network

    g = view.graph
    types = {s.key: s for s in type_styles()}
    relations = {r.key: r for r in relation_styles()}
    net = Network(height="100%", width="100%", directed=True, heading=heading, cdn_resources="in_line")
    degree = dict(g.degree())
    placed = layout(g)
    for node in sorted(g):
        d = g.nodes[node]
        style = types[d["type"]]
        x, y = placed.positions[node]
        net.add_node(
            node,
            label=_short(d["label"]),
            shape=style.shape,
            color=style.color,
            value=degree[node],
            kgType=d["type"],
            x=x,
            y=y,
        )
    edge_keys = sorted(g.edges(keys=True))
    edge_ids = {k: f"e{n}" for n, k in enumerate(edge_keys)}
    labels = len(edge_keys) <= EDGE_LABEL_LIMIT
    for u, v, key in edge_keys:
        d = g.edges[u, v, key]
        rel = relations[d["relation"]]
        extra = {"label": d["title"] or rel.label} if labels else {}
        # pyvis' add_edge checks both ends against a list (quadratic); both ends are nodes of the view
        net.edges.append({"id": edge_ids[u, v, key], "from": u, "to": v, "color": rel.color, "kgRel": rel.key, **extra})
    net.options = placed.options

    vis_js, vis_css = _vis_assets()
    folder = data_path("viz/graph.html.j2").parent
    viz_js = (folder / "viz.js").read_text(encoding="utf-8")
    viz_css = (folder / "viz.css").read_text(encoding="utf-8")
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(vis_js)} {_csp_hash(viz_js)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'"
    )
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=True, keep_trailing_newline=True)
    env.filters["script_json"] = lambda value: Markup(_script_json(value))
    env.globals.update(
        kg_data=_payload(view, edge_ids, see_more, where),
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        viz_js=Markup(viz_js),
        viz_css=Markup(viz_css),
        csp=csp,
    )
    net.templateEnv = env
    net.path = "graph.html.j2"
    return net.generate_html()
