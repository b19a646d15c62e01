"""`kg build`: run the stages over the inputs and write the outputs.

Path -> Article (ingest) -> Analysis (extraction) -> Entity (resolve) -> Relation (link)
     -> rdflib Graph (export) -> graph.ttl / graph.nt / graph.jsonld (+ SHACL check, graph.html)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from kg import export
from kg.errors import InputError, KGError
from kg.ingest import MetaOverrides, read_articles

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildSummary:
    """What a build did."""

    articles: int
    """Articles (and teasers) read."""
    entities: int
    """Canonical entities in the graph."""
    edges: int
    """Typed edges (relations), excluding provenance triples."""
    triples: int
    """Triples in the graph, provenance included."""
    seconds: float
    """Wall-clock time of the build."""
    files: tuple[Path, ...]
    """Files written."""
    failures: tuple[InputError, ...]
    """Inputs that could not be read."""

    def line(self) -> str:
        """The one-line summary printed at the end of a build."""
        where = self.files[0].parent if self.files else "-"
        failed = f", {len(self.failures)} file(s) failed" if self.failures else ""
        return (
            f"built {self.articles} articles, {self.entities} entities, {self.edges} edges "
            f"({self.triples} triples) in {self.seconds:.1f} s -> {where}{failed}"
        )


def build_graph(
    inputs: Sequence[Path],
    out_dir: Path,
    *,
    overrides: MetaOverrides | None = None,
    sidecar: Path | None = None,
    formats: Sequence[str] = ("ttl", "nt", "jsonld"),
    validate: bool = True,
    html: bool = True,
    progress: bool = False,
) -> BuildSummary:
    """Build the graph of `inputs` into `out_dir`."""
    from kg.careers import link_careers
    from kg.extraction import extract, load_pipeline
    from kg.link import link
    from kg.resolve import resolve

    started = time.perf_counter()
    ingested = read_articles(inputs, overrides, sidecar)
    if not ingested.articles:
        problems = "; ".join(str(f) for f in ingested.failures) or "no *.txt files found"
        raise KGError(f"nothing to build from {', '.join(map(str, inputs))}: {problems}")
    log.info("read %d articles from %d files", len(ingested.articles), len(ingested.issues))
    nlp = load_pipeline()
    analyses = list(
        tqdm(
            extract(ingested.articles, nlp),
            total=len(ingested.articles),
            desc="extract",
            unit="article",
            disable=not progress,
        )
    )
    resolution = resolve(analyses)
    relations = link(analyses, resolution)
    careers = link_careers(analyses, resolution, relations)  # post changes, tenures
    relations = list(careers.relations)
    graph = export.to_graph(analyses, resolution, relations, careers)
    if validate:
        from kg.validate import check

        check(graph)
    files = export.write(graph, out_dir, formats)
    if html:
        from kg.viz import write_html

        files.append(write_html(graph, out_dir / "graph.html"))
    return BuildSummary(
        articles=len(ingested.articles),
        entities=len(resolution.entities),
        edges=sum(1 for r in relations),
        triples=len(graph),
        seconds=time.perf_counter() - started,
        files=tuple(files),
        failures=ingested.failures,
    )
