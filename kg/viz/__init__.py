"""Interactive HTML view of the graph: RDF -> networkx analysis graph -> view -> layout -> page.

    rdflib Graph --analysis.analysis_graph--> nx.MultiDiGraph (entities, typed edges, evidence)
                 --view.select(ViewSpec)--> View (drawn part, listed entities, what is left out)
                 --page.render (layout.layout)--> one self-contained HTML page (offline)

Modules, one job and one public entry each: `styles` (look of types and relations, from
kg/data/viz/*.tsv), `analysis` (RDF -> networkx), `careers` (careers and post changes for the
panel), `view` (selection), `layout` (start positions, physics), `page` (HTML), `command`
(`kg viz`). This package's own entry is `write_html(graph, path)`, the page `kg build` writes;
`write_view` writes any view (what `kg viz` does).
"""

from __future__ import annotations

import logging
from pathlib import Path

from rdflib import Graph

from kg.fileio import write_atomic
from kg.viz.view import View, ViewSpec

log = logging.getLogger(__name__)

GRAPH_FILES = ("graph.ttl", "graph.nt", "graph.jsonld")
"""Graph files a page written beside them names in its `kg viz` commands (the first found)."""


def write_view(
    graph: Graph,
    path: Path,
    spec: ViewSpec | None = None,
    *,
    heading: str | None = None,
    graph_file: str | None = None,
) -> View:
    """Write the page of one view of `graph` (the default ViewSpec: all of it) to `path` atomically.

    `graph_file` is the file `graph` was read from, for the commands the page offers; without
    it, the page names a graph file found beside `path` and says to run them in that folder.
    Returns the view.
    """
    from kg.viz.analysis import analysis_graph
    from kg.viz.command import see_more
    from kg.viz.page import render
    from kg.viz.view import select

    spec = spec or ViewSpec()
    view = select(analysis_graph(graph, articles=spec.articles), spec)
    if heading is None:
        heading = "kg 知识图谱"
        if view.focus:
            heading += f"：{view.graph.nodes[view.focus]['label']}（{spec.depth} 层）"
    where = ""
    if graph_file is None:
        graph_file = next((name for name in GRAPH_FILES if (path.parent / name).is_file()), GRAPH_FILES[0])
        where = f"在 {path.name} 所在的文件夹中运行"
    write_atomic(path, render(view, heading=heading, see_more=see_more(view, graph_file), where=where))
    log.debug("wrote %s: %d nodes, %d edges", path, view.graph.number_of_nodes(), view.graph.number_of_edges())
    return view


def write_html(graph: Graph, path: Path) -> Path:
    """Write graph.html (the most connected part of the graph, bounded; see `view`), atomically."""
    write_view(graph, path)
    return path


from kg.viz.command import viz_command  # noqa: E402  (`kg` registers it; it imports write_view lazily)

__all__ = ["View", "ViewSpec", "viz_command", "write_html", "write_view"]
