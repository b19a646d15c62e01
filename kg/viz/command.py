"""The `kg viz` command, and the `kg viz` commands a page offers for what it leaves out.

Public entry: `viz_command` (click); `see_more(view, graph_file)` spells the commands.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
from rdflib import Graph

from kg.errors import QueryError, VizError
from kg.viz.styles import ARTICLE, type_keys
from kg.viz.view import PAGE_NODES, View, ViewSpec


def _load_graph(path: Path) -> Graph:
    """The graph file written by `kg build` (Turtle, N-Triples or JSON-LD, by suffix), bulk-loaded
    into an in-memory Oxigraph store, with an rdflib Graph on top (oxrdflib) that reads triples
    from it as the view asks for them: no whole-file parse into rdflib objects, so an archive of
    millions of triples opens several times faster and in less than half the memory
    (scripts/bench_viz_open.py)."""
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from kg.store import graph_format

    if not path.is_file():
        raise VizError(f"graph file {path} not found; build one first: kg build seeds --out {path.parent}")
    try:
        fmt = graph_format(path)
    except QueryError as exc:
        raise VizError(str(exc)) from exc
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, OSError, ValueError) as exc:
        raise VizError(f"cannot read {path}: {exc}") from exc
    return Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)


_SHELL_SPECIAL = re.compile(r"""[\s'"\\$`!*?&;|<>(){}\[\]#~=%^,]""")


def _shell(args: list[str]) -> str:
    """A command line to paste into a shell: an argument is quoted only when the shell needs it
    (Chinese names stay readable)."""
    return " ".join(shlex.quote(a) if not a or _SHELL_SPECIAL.search(a) else a for a in args)


def see_more(view: View, graph_file: str) -> tuple[tuple[str, str], ...]:
    """(what it shows, exact `kg viz` command) for what `view` leaves out, reading `graph_file`."""
    spec = view.spec
    base = ["kg", "viz", "--graph", graph_file, "--out", "view.html"]
    same: list[str] = []
    if spec.focus is not None:
        same += ["--focus", spec.focus, "--depth", str(spec.depth)]
    for key in spec.types:
        same += ["--type", key]
    if spec.min_degree:
        same += ["--min-degree", str(spec.min_degree)]
    if spec.articles:
        same.append("--articles")
    left = view.left_out
    out = []
    if left.capped:
        command = _shell([*base, *same, "--max-nodes", str(left.linked)])
        out.append((f"画出本视图全部 {left.linked} 个有关系的实体", command))
    for hub in left.hubs:
        command = _shell([*base, "--focus", hub.name, "--depth", "1"])
        out.append((f"{hub.label}（{hub.degree} 条关系）及其相邻实体", command))
    return tuple(out)


@click.command("viz")
@click.option(
    "--graph",
    "graph_path",
    default="output/graph.ttl",
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Graph file written by kg build (.ttl, .nt, .jsonld).",
)
@click.option(
    "--out",
    "out",
    default="output/view.html",
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="HTML page to write (atomically).",
)
@click.option("--focus", metavar="NAME", help="Centre on this entity: canonical name, alias or IRI.")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    metavar="N",
    help="Hops around --focus, following edges either way (default 1).",
)
@click.option(
    "--type",
    "types",
    multiple=True,
    metavar="TYPE",
    help="Keep only entities of this type (repeatable): Person Organization Place Meeting Policy, "
    "or 人物 机构 地点 会议 政策.",
)
@click.option(
    "--min-degree",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="K",
    help="Drop entities with fewer edges than this within the view.",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=PAGE_NODES,
    show_default=True,
    metavar="N",
    help="Draw at most this many entities, the most connected part (the page says what it leaves out).",
)
@click.option("--articles", is_flag=True, help="Also draw articles, with 提及 (mentions) and 作者 (author) edges.")
def viz_command(graph_path: Path, out: Path, focus, depth, types, min_degree, max_nodes, articles) -> None:
    """Write an interactive HTML view of the graph (offline, one file).

    Click a node or an edge for its names, posts, date and source sentences;
    search by any name; filter by type and relation. Entities without relations
    in the view are listed in the side panel; what the page leaves out (past
    --max-nodes) is named there with the commands that show it.

    \b
    Example:
      kg viz
      kg viz --focus 刘宁 --depth 2 --out output/liuning.html
      kg viz --type Person --type Organization --min-degree 2
      kg viz --graph output/graph.nt --type Meeting --type 地点
      kg viz --max-nodes 2000 --out output/more.html
    """
    if depth is not None and focus is None:
        raise VizError("--depth needs --focus NAME (the depth is counted from the focused entity)")
    keys = type_keys(types)
    spec = ViewSpec(
        focus=focus,
        depth=1 if depth is None else depth,
        types=keys,
        min_degree=min_degree,
        max_nodes=max_nodes,
        articles=articles or ARTICLE in keys,
    )
    from kg.viz import write_view

    view = write_view(_load_graph(graph_path), out, spec, graph_file=str(graph_path))
    listed = f", {len(view.listed)} listed without relations" if view.listed else ""
    click.echo(f"wrote {out}: {view.graph.number_of_nodes()} nodes, {view.graph.number_of_edges()} edges{listed}")
