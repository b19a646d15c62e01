"""kg: a knowledge-graph builder for Chinese official news.

Stages (one module each, one public entry point each):

    ingest.read_articles   Path            -> Article
    extract.extract        Article         -> Extraction (Mentions + Sentences; the only stage that sees spaCy)
    resolve.resolve        Mentions        -> Entities (canonical nodes)
    link.link              Entities        -> Relations (typed edges with evidence)
    export.write_stream    Entities+Relations -> N-Triples stream -> files (export.to_graph: an rdflib Graph)
"""

__version__ = "0.1.0"

from kg.numba_cache import configure_numba_cache as _configure_numba_cache

_configure_numba_cache()
