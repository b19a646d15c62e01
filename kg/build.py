"""`kg build`: run the stages over the inputs and write the outputs.

Path -> Article (ingest) -> Analysis (extraction) -> Entity (resolve) -> Relation (link)
     -> N-Triples lines, sorted in bounded memory (export) -> graph.nt -> SHACL check in batches
     -> graph.ttl / graph.jsonld; graph.html from an rdflib Graph of a bounded part (export.page_graph)

With --workers N > 1 the page is drawn in a forked process while this one exports, and
Turtle/JSON-LD are written in another while graph.nt is validated by N forked processes
(kg.background, kg.validate).
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kg import export
from kg.errors import InputError
from kg.fileio import output_set
from kg.ingest import MetaOverrides, read_articles
from kg.profile import Profiler

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
    cached: int = 0
    """Articles whose extraction results came from the analysis cache."""

    def line(self) -> str:
        """The one-line summary printed at the end of a build."""
        where = self.files[0].parent if self.files else "-"
        failed = f", {len(self.failures)} file(s) failed" if self.failures else ""
        failed = (f" ({self.cached} from the cache)" if self.cached else "") + failed
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
    workers: int = 1,
    cache: Path | None = None,
    profiler: Profiler | None = None,
    engine=None,
) -> BuildSummary:
    """Build the graph of `inputs` into `out_dir`, extracting in `workers` processes - or on the
    cluster of `engine` (a kg.engine.DaskEngine) - and reusing the analyses kept in the `cache`
    folder (None: no cache).

    The output set is written into a fresh folder beside `out_dir` and swapped in at the end
    (kg.fileio.output_set): `out_dir` holds the previous build or this one, never a mix.
    """
    from kg.careers import link_careers
    from kg.link import link
    from kg.parallel import Extractor, analyse
    from kg.resolve import resolve

    started = time.perf_counter()
    prof = profiler or Profiler()
    stage = prof.stage
    with output_set(out_dir) as staging:  # checks that out_dir can be written, before any work
        # the pipeline loads in a process of its own while this one reads the input and the cache
        extractor = Extractor.start(meanwhile=_warm_later_stages) if engine is None else None
        try:
            with stage("ingest"):
                ingested = read_articles(inputs, overrides, sidecar)
            if not ingested.articles:
                problems = "; ".join(str(f) for f in ingested.failures) or "no *.txt files found"
                raise InputError(f"nothing to build from {', '.join(map(str, inputs))}: {problems}")
            log.info("read %d articles from %d files", len(ingested.articles), len(ingested.issues))
            if engine is not None:  # while the cluster starts (in a thread of the engine)
                _warm_later_stages()
            with stage("extract"):
                analyses, extracted = analyse(
                    ingested.articles,
                    workers=workers,
                    cache=_open_cache(cache),
                    progress=progress,
                    profiler=prof,
                    engine=engine,
                    extractor=extractor,
                )
        finally:
            if extractor is not None:
                extractor.close()  # its memory (the pipeline's) goes before the later stages
            if engine is not None:  # the cluster stops while this process resolves and links
                engine.close(wait=False)
        # The articles and analyses live to the end of the build: frozen, the garbage collector's
        # full collections in resolution and linking skip them (measured on the 300k corpus,
        # 2026-12-03: resolve + link ~2.4 -> ~2.0 CPU s). Frozen objects are still freed when
        # no longer referenced.
        gc.freeze()
        with stage("resolve"):
            resolution = resolve(analyses)
        with stage("link"):
            relations = link(analyses, resolution)
            careers = link_careers(analyses, resolution, relations)  # post changes, tenures
        if engine is not None:
            # wait for the cluster to stop: then no thread of Dask's is left here and the page, the
            # writers and the validation workers fork as in the process build (kg.background)
            with stage("stop cluster"):
                engine.close()
        page = None
        if html and workers > 1:  # drawn in a process of its own while this one exports
            from kg.background import Job

            page = Job("page", _write_page, analyses, resolution, relations, careers, staging / "graph.html")
        check_nt = None
        if validate:
            from kg.validate import check_file, known_file

            def check_nt(nt_path: Path) -> None:
                with stage("validate"):
                    before = _children_cpu()
                    check_file(nt_path, known=known_file(cache) if cache is not None else None, workers=workers)
                    if workers > 1 and (cpu := _children_cpu() - before) > 0:
                        prof.note("validate", f"batches validated by {workers} processes, {cpu:.1f} CPU s in them")

        # streamed from the records (no rdflib Graph of everything), validated between graph.nt
        # and the other formats (profiled as the stages export, validate and write)
        try:
            exported = export.write_stream(
                analyses,
                resolution,
                relations,
                careers,
                staging,
                formats,
                profiler=prof,
                after_nt=check_nt,
                background=workers > 1,
            )
        except BaseException:
            if page is not None:
                page.cancel()
            raise
        names = [p.name for p in exported.files]
        if page is not None:
            with stage("page"):  # the time waited for it
                names.append(page.result())
                if page.forked:
                    prof.note("page", f"beside export, {page.cpu:.1f} CPU s in its own process")
        elif html:
            with stage("page"):
                names.append(_write_page(analyses, resolution, relations, careers, staging / "graph.html"))
    gc.unfreeze()  # a process that builds again (a session, a test run) collects this build's cycles
    files = [Path(out_dir) / name for name in names]
    return BuildSummary(
        articles=len(ingested.articles),
        entities=len(resolution.entities),
        edges=len(careers.relations),  # link's relations plus the posts appointments give
        triples=exported.triples,
        seconds=time.perf_counter() - started,
        files=tuple(files),
        failures=ingested.failures,
        cached=extracted.cached,
    )


def _write_page(analyses, resolution, relations, careers, path: Path) -> str:
    """Draw the build's page (a bounded part of the graph) into `path`; returns its name."""
    from kg.viz import write_html

    return write_html(export.page_graph(analyses, resolution, relations, careers), path).name


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended (the validation workers)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _warm_later_stages() -> None:
    """What the stages after extraction set up first, done while the build waits for the
    pipeline's load in its own process (a core is free then; a rebuild that extracts a few new
    articles waits there longest): the gazetteer resolution reads (0.35-0.6 CPU s), the modules of
    resolution, linking, validation and the page, and the parsed SHACL shapes, which the forked
    page, writer and validation processes then inherit (~0.1 CPU s more, measured 2026-12-03).
    Nothing here starts a thread: the build still forks after it (kg.background.can_fork)."""
    from kg import knowledge

    knowledge.gazetteer()
    import kg.careers
    import kg.link
    import kg.resolve
    import kg.viz.analysis
    import kg.viz.page  # noqa: F401
    from kg import validate

    validate.warm()


def _open_cache(folder: Path | None):
    if folder is None:
        return None
    from kg.cache import AnalysisCache

    return AnalysisCache(folder)
