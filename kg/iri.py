"""The one place IRIs are minted: from canonical keys, stable across runs and input order.

Keys are readable paths (`person/辽宁省/刘宁`, `org/中共辽宁省委`, `place/辽宁省沈阳市`,
`meeting/辽宁省人民政府党组会议/2021-08-05`), so IRIs keep their Chinese names (IRIs allow
Unicode); only characters IRIs forbid are percent-encoded.
"""

from __future__ import annotations

import hashlib
import re

from rdflib import URIRef

from kg.ns import ID

_FORBIDDEN = set(' <>"{}|\\^`#?%[]') | {chr(c) for c in range(0x20)} | {"\x7f"}


_NEEDS_ESCAPE = re.compile("[" + re.escape("".join(sorted(_FORBIDDEN))) + "]")


def _escape(key: str) -> str:
    if _NEEDS_ESCAPE.search(key) is None:  # the usual key: nothing to encode
        return key
    out = []
    for ch in key:
        if ch in _FORBIDDEN:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)


def mint(key: str) -> URIRef:
    """The IRI of the thing with canonical key `key`."""
    return URIRef(str(ID) + _escape(key))


def digest(*parts: str) -> str:
    """A short stable hash of `parts` (for statement nodes)."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
