"""Command line: one command per job. Thin: parsing and printing only; work is in the stages."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from kg.errors import KGError

log = logging.getLogger("kg")


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


class _KGGroup(click.Group):
    """Prints KGError messages without a traceback and exits with their code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KGError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors.")
@click.version_option(package_name="kg")
def cli(verbose: int, quiet: bool) -> None:
    """kg: build, query and explore a knowledge graph of Chinese official news.

    \b
    Example:
      kg build seeds --out output
      kg query --name posts-of-person --bind name=刘宁
      kg viz --focus 刘宁 --depth 2
    """
    _setup_logging(verbose, quiet)


FORMATS = ("ttl", "nt", "jsonld")


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    default="output",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder for graph files (written atomically).",
)
@click.option("--paper", help="Newspaper name for all inputs (overrides masthead and sidecar).")
@click.option("--date", "date", help="Issue date YYYY-MM-DD or YYYY-MM for all inputs.")
@click.option("--region", help="Region the paper serves, e.g. 辽宁省 or 吉林省辽源市.")
@click.option(
    "--meta",
    "sidecar",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Metadata TSV (file, paper, date, region); default: issues.tsv in an input folder.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    default=FORMATS,
    show_default=True,
    help="RDF serialisations to write (repeatable).",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Check the graph against ontology/shapes.ttl (SHACL, with rudof).",
)
@click.option("--html/--no-html", default=True, show_default=True, help="Also write graph.html.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes that extract articles in parallel (with --engine dask: of the local cluster).  "
    "[default: all cores]",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the analysis cache (per-article extraction results).  [default: ~/.cache/kg]",
)
@click.option("--no-cache", is_flag=True, help="Extract every article again; neither read nor write the cache.")
@click.option("--profile", is_flag=True, help="Print the time and peak memory of each stage at the end.")
@click.option(
    "--engine",
    type=click.Choice(("processes", "dask")),  # kg.engine.ENGINES (not imported: it loads distributed)
    default="processes",
    show_default=True,
    help="Where articles are extracted: worker processes of this machine, or a Dask cluster (docs/scale.md).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --engine dask: a running cluster's scheduler, e.g. tcp://10.0.0.5:8786.  "
    "[default: start a local cluster of --workers processes]",
)
def build(
    inputs,
    out_dir,
    paper,
    date,
    region,
    sidecar,
    formats,
    validate,
    html,
    workers,
    cache_dir,
    no_cache,
    profile,
    engine,
    scheduler,
) -> None:
    """Build the graph from newspaper text files or folders (default: seeds/).

    Articles are extracted on every core (--workers) and their extraction results kept in a
    cache, so a rebuild after adding files extracts only the new articles (the output is the
    same as a clean build's, byte for byte).

    \b
    Example:
      kg build seeds --out output
      kg build page1.txt page2.txt --paper 辽宁日报 --date 2021-08-06 --format ttl
      kg build archive/ --out archive-graph --workers 2 --cache archive-cache --profile
      kg build archive/ --out archive-graph --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from kg.build import build_graph
    from kg.cache import default_dir
    from kg.ingest import MetaOverrides
    from kg.parallel import default_workers
    from kg.profile import Profiler

    if no_cache and cache_dir:
        raise click.UsageError("--cache and --no-cache exclude each other")
    if scheduler is not None and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    dask_engine = None
    if engine == "dask":
        from kg.engine import DaskEngine

        # the cluster starts now, in the background, while the build reads the input and the cache
        dask_engine = DaskEngine(scheduler, workers).start()
    paths = list(inputs) or [Path("seeds")]
    profiler = Profiler() if profile else None
    try:
        summary = build_graph(
            paths,
            out_dir,
            overrides=MetaOverrides(paper=paper, date=date, region=region),
            sidecar=sidecar,
            formats=tuple(dict.fromkeys(formats)),
            validate=validate,
            html=html,
            progress=sys.stderr.isatty(),
            workers=workers or default_workers(),
            cache=None if no_cache else (cache_dir or default_dir()),
            profiler=profiler,
            engine=dask_engine,
        )
    finally:
        if dask_engine is not None:  # a build that needed no extraction (all cached, bad input)
            dask_engine.close()
    click.echo(summary.line())
    if profiler is not None:
        click.echo(profiler.table())
    if summary.failures:
        for failure in summary.failures:
            click.echo(f"error: {failure}", err=True)
        sys.exit(2)


from kg.query import query_command  # noqa: E402  (heavy imports happen inside the commands)
from kg.serve import serve_command  # noqa: E402
from kg.viz import viz_command  # noqa: E402

cli.add_command(query_command)
cli.add_command(serve_command)
cli.add_command(viz_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
