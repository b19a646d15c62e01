"""The registry entities are accumulated in while resolving: keys, surfaces, parents."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from kg.records import EntityType, Mention


@dataclass
class _Acc:
    """An entity being accumulated."""

    type: EntityType
    name: str
    code: str | None = None
    date: dt.date | None = None
    surfaces: Counter = field(default_factory=Counter)
    articles: set[str] = field(default_factory=set)
    notes: set[str] = field(default_factory=set)
    fixed_name: bool = True
    known: set[str] = field(default_factory=set)
    """Other names of the thing that are not surface forms (the official short form)."""


class Registry:
    def __init__(self) -> None:
        self.acc: dict[str, _Acc] = {}
        self.assign: dict[str, str] = {}
        self.parents: set[tuple[str, str, str]] = set()
        self.mention_forms: dict[str, set[str]] = {}  # mention id -> other forms of its name

    def add(
        self,
        key: str,
        type_: EntityType,
        name: str,
        mention: Mention | None,
        *,
        code: str | None = None,
        fixed_name: bool = True,
    ) -> str:
        acc = self.acc.get(key)
        if acc is None:
            acc = self.acc[key] = _Acc(type_, name, code=code, fixed_name=fixed_name)
        if mention is not None:
            acc.surfaces[mention.text.strip()] += 1
            acc.articles.add(mention.article)
            acc.known.update(self.mention_forms.get(mention.id, ()))
            self.assign[mention.id] = key
        return key

    def parent(self, child: str, parent: str, why: str) -> None:
        if child != parent:
            self.parents.add((child, parent, why))
