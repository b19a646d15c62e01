"""SHACL validation of a built graph against ontology/shapes.ttl (pySHACL).

`check` raises ValidationError with a readable report (how many violations, then each:
focus node, path, value, message) when the graph does not conform.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

from pyshacl import validate
from rdflib import Graph

from kg.errors import DataFileError, ValidationError
from kg.ns import SH

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
MAX_LISTED = 20


@cache
def shapes() -> Graph:
    """The SHACL shapes (parsed once)."""
    path = ONTOLOGY_DIR / "shapes.ttl"
    if not path.is_file():
        raise DataFileError(f"SHACL shapes {path} are missing: run kg from its source tree (pip install -e .)")
    return Graph().parse(path, format="turtle")


def _short(term) -> str:
    text = str(term)
    return text if len(text) <= 90 else text[:87] + "..."


def check(graph: Graph) -> None:
    """Raise ValidationError unless `graph` conforms to the shapes."""
    conforms, report, _ = validate(graph, shacl_graph=shapes(), inference="none", advanced=True, allow_warnings=True)
    if conforms:
        return
    results = sorted(
        (
            _short(report.value(r, SH.focusNode)),
            _short(report.value(r, SH.resultPath) or "-"),
            _short(report.value(r, SH.value) or "-"),
            str(report.value(r, SH.resultMessage) or report.value(r, SH.sourceConstraintComponent)),
        )
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    )
    by_message = Counter(msg for *_, msg in results)
    lines = [f"the graph does not conform to ontology/shapes.ttl: {len(results)} violation(s)"]
    lines += [f"  {n} x {msg}" for msg, n in by_message.most_common()]
    lines += [f"  - {focus} {path} = {value}: {msg}" for focus, path, value, msg in results[:MAX_LISTED]]
    if len(results) > MAX_LISTED:
        lines.append(f"  ... and {len(results) - MAX_LISTED} more")
    raise ValidationError("\n".join(lines))
