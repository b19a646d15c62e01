#!/usr/bin/env python3
"""Digest of the extraction records (repr of every Analysis) of each input, and its CPU time;
writes them to OUT for a diff. usage: scripts/extract_digest.py OUT INPUT..."""

import hashlib
import sys
import time
from pathlib import Path

from kg.extraction import extract, load_pipeline
from kg.ingest import read_articles

out = Path(sys.argv[1])
inputs = sys.argv[2:]
nlp = load_pipeline()
h = hashlib.md5()
with out.open("w") as fh:
    for inp in inputs:
        arts = read_articles([Path(inp)]).articles
        c = time.process_time()
        res = list(extract(arts, nlp))
        cpu = time.process_time() - c
        hh = hashlib.md5()
        for a in res:
            line = repr(a) + "\n"
            fh.write(line)
            hh.update(line.encode())
            h.update(line.encode())
        print(
            f"{inp}: {len(arts)} articles {sum(len(a.text) for a in arts)} chars  cpu {cpu:.2f}s  md5 {hh.hexdigest()}"
        )
print("all", h.hexdigest())
