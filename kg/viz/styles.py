"""Styles of the page: how each entity type and relation looks and is named (kg/data/viz/*.tsv).

Public entry: `type_styles()` / `relation_styles()` read the two tables (cached); `type_keys`
maps user-given type names (Person, 人物) to keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from rdflib import URIRef

from kg.errors import DataFileError, VizError
from kg.ns import KG
from kg.records import EntityType, RelationKind
from kg.resources import data_path, read_tsv

ARTICLE = "Article"
"""Type key of article nodes (kg:Article and kg:Teaser), drawn only on request."""
HOLDS = RelationKind.HOLDS_POST.value
ARTICLE_RELATIONS = frozenset({RelationKind.MENTIONS.value, RelationKind.AUTHOR.value})
SHAPES = frozenset({"dot", "square", "triangle", "diamond", "hexagon", "star", "triangleDown"})
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class TypeStyle:
    """How nodes of one entity type look and are named."""

    key: str
    """RDF class local name (Person, Organization, Place, Meeting, Policy, Article)."""
    label: str
    """Chinese name in the legend, filter and panel (人物)."""
    color: str
    """Node colour, #rrggbb."""
    shape: str
    """vis-network node shape."""
    classes: tuple[URIRef, ...]
    """RDF classes drawn as this type (kg:Article and kg:Teaser for Article)."""


@dataclass(frozen=True)
class RelationStyle:
    """How edges of one relation look and are named."""

    key: str
    """RelationKind value (chair, holds ...)."""
    label: str
    """Chinese relation name (主持), the edge label (a post's edge shows its title instead)."""
    color: str
    """Edge colour, #rrggbb."""
    reverse: bool
    """Drawn object -> subject, so the edge reads actor -verb-> thing."""
    predicate: URIRef
    """RDF predicate of the relation."""


def _check_colour(value: str, where: str) -> str:
    if not _COLOUR.fullmatch(value):
        raise DataFileError(f"{where}: colour {value!r} is not #rrggbb")
    return value


@cache
def type_styles() -> tuple[TypeStyle, ...]:
    """Node styles from kg/data/viz/types.tsv, in legend order."""
    relative = "viz/types.tsv"
    where = str(data_path(relative))
    allowed = [t.value for t in EntityType] + [ARTICLE]
    out = []
    for row in read_tsv(relative, ("type", "label", "color", "shape")):
        key = row["type"]
        if key not in allowed:
            raise DataFileError(f"{where}: unknown type {key!r}; allowed: {', '.join(allowed)}")
        if row["shape"] not in SHAPES:
            raise DataFileError(f"{where}: shape {row['shape']!r} of {key}; allowed: {', '.join(sorted(SHAPES))}")
        classes = (KG.Article, KG.Teaser) if key == ARTICLE else (KG[key],)
        out.append(TypeStyle(key, row["label"], _check_colour(row["color"], where), row["shape"], classes))
    missing = [k for k in allowed if k not in {s.key for s in out}]
    if missing:
        raise DataFileError(f"{where}: no style for type(s) {', '.join(missing)}")
    return tuple(out)


@cache
def relation_styles() -> tuple[RelationStyle, ...]:
    """Edge styles from kg/data/viz/relations.tsv, in legend order."""
    from kg.export import PREDICATES

    relative = "viz/relations.tsv"
    where = str(data_path(relative))
    allowed = [k.value for k in RelationKind if k is not RelationKind.START_DATE]
    out = []
    for row in read_tsv(relative, ("relation", "label", "color", "direction")):
        key = row["relation"]
        if key not in allowed:
            raise DataFileError(f"{where}: unknown relation {key!r}; allowed: {', '.join(allowed)}")
        if row["direction"] not in ("forward", "reverse"):
            raise DataFileError(f"{where}: direction {row['direction']!r} of {key}; allowed: forward, reverse")
        out.append(
            RelationStyle(
                key,
                row["label"],
                _check_colour(row["color"], where),
                row["direction"] == "reverse",
                PREDICATES[RelationKind(key)],
            )
        )
    missing = [k for k in allowed if k not in {s.key for s in out}]
    if missing:
        raise DataFileError(f"{where}: no style for relation(s) {', '.join(missing)}")
    return tuple(out)


def type_keys(names: Iterable[str]) -> tuple[str, ...]:
    """Type keys for user-given names: a key in any case (person) or its Chinese label (人物)."""
    by_name = {}
    for style in type_styles():
        by_name[style.key.lower()] = style.key
        by_name[style.label] = style.key
    keys = []
    for name in names:
        key = by_name.get(name.strip().lower())
        if key is None:
            allowed = ", ".join(f"{s.key} ({s.label})" for s in type_styles())
            raise VizError(f"unknown entity type {name!r}; allowed: {allowed}")
        keys.append(key)
    return tuple(dict.fromkeys(keys))
