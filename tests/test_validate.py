"""SHACL validation of built graphs."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from records_helper import LIU_NING_MENTIONS, LIU_NING_TEXT, M, P, T, analysis

from kg.errors import ValidationError
from kg.export import serialize, to_graph
from kg.iri import mint
from kg.link import link
from kg.ns import KG, ORG, RDF, RDFS, SDO
from kg.resolve import resolve
from kg.validate import check, check_file, file_violations, violations


def test_a_broken_graph_is_reported_readably():
    g = Graph()
    meeting, body, post = mint("meeting/x"), mint("org/y"), mint("post/z")
    g.add((meeting, RDF.type, KG.Meeting))  # no label
    g.add((meeting, SDO.startDate, Literal("8月5日")))  # not an xsd:date
    g.add((body, RDF.type, KG.Organization))
    g.add((body, RDFS.label, Literal("某机构", lang="zh")))
    g.add((body, ORG.holds, post))  # a body holding a post
    with pytest.raises(ValidationError) as err:
        check(g)
    message = str(err.value)
    assert "does not conform" in message
    assert "an entity has exactly one canonical name" in message
    assert "a meeting has at most one start date, an xsd:date" in message
    assert "only people hold posts" in message
    assert str(meeting) in message


@pytest.mark.slow
def test_the_seeds_graph_conforms(seed_build):
    out, _ = seed_build
    check(Graph().parse(out / "graph.ttl"))


# -- in bounded batches from graph.nt (what `kg build` does) ----------------------------------------


def _break(lines: list[str]) -> list[str]:
    """Real N-Triples output with faults that shapes see on the node itself, through the types
    of its values, through an inverse path, and on the objects of org:holds."""
    label, type_, holds, post_in = (f"<{t}>" for t in (RDFS.label, RDF.type, ORG.holds, ORG.postIn))
    person = next(line.split(" ")[0] for line in lines if f"{type_} <{KG.Person}>" in line)
    held = next(line for line in lines if f" {holds} " in line)
    holder, post = held.split(" ")[0], held.split(" ")[2]
    org = next(line.split(" ")[2] for line in lines if line.startswith(f"{post} {post_in} "))
    sentence = next(line.split(" ")[0] for line in lines if f"{type_} <{KG.Sentence}>" in line)
    out = []
    for line in lines:
        s, p = line.split(" ")[:2]
        if (s, p) == (person, label):  # an entity without its name
            continue
        if line == held:  # a post nobody holds (and its holder loses it)
            continue
        if (s, p) == (org, type_):  # the post's body is no longer an organisation
            continue
        if s == sentence and p == f"<{SDO.text}>":  # a sentence without its text
            continue
        out.append(line)
    out.append(f"{org} {holds} {holder} .")  # a body holding a person as its post
    out.append(f"{holder} {holds} {sentence} .")  # a sentence held as a post
    return sorted(set(out))


def _same_violations(lines: list[str], tmp_path, runs=((1, 1), (300, 1), (300, 2), (10**6, 1))) -> list:
    path = tmp_path / "broken.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = violations(Graph().parse(path, format="nt"))
    assert len({v.message for v in whole}) >= 5, whole
    for size, workers in runs:
        found, validated = file_violations(path, batch_triples=size, workers=workers)
        assert found == whole, (size, workers)
    with pytest.raises(ValidationError, match="does not conform"):
        check_file(path)
    return whole


def test_batches_report_what_the_whole_graph_reports(tmp_path):
    an = analysis(LIU_NING_TEXT, LIU_NING_MENTIONS, bylines=(("明绍庚", "记者"),))
    res = resolve([an])
    lines = serialize(to_graph([an], res, link([an], res)), "nt").decode("utf-8").splitlines()
    assert not file_violations(_write(tmp_path / "ok.nt", lines), batch_triples=10)[0]
    whole = _same_violations(_break(lines), tmp_path)
    messages = {v.message for v in whole}
    assert {"only people hold posts", "a post is held by someone, or taken or left in a post change"} <= messages


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_batches_on_the_seeds_graph(seed_build, tmp_path):
    out, _ = seed_build
    lines = (out / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert check_file(out / "graph.nt", batch_triples=2000) > 2000  # conforms, in several batches
    _same_violations(_break(lines), tmp_path, runs=((1500, 2),))


def test_known_subjects_are_not_validated_again(tmp_path):
    an = analysis("8月5日，省长刘宁主持召开省政府党组会议。", [("省长", T), ("刘宁", P), ("省政府党组会议", M)])
    res = resolve([an])
    lines = serialize(to_graph([an], res, link([an], res)), "nt").decode("utf-8").splitlines()
    path, known = _write(tmp_path / "graph.nt", lines), tmp_path / "cache" / "known.digests"
    everything = check_file(path, known=known)
    assert everything == len({line.split(" ")[0] for line in lines})
    assert check_file(path, known=known) == 0  # nothing changed: nothing validated
    meeting = next(line.split(" ")[0] for line in lines if f"<{KG.Meeting}>" in line)
    changed = [*lines, f'{meeting} <{SDO.startDate}> "8月5日" .']  # now the meeting breaks a shape
    with pytest.raises(ValidationError, match="a meeting has at most one start date"):
        check_file(_write(path, sorted(changed)), known=known)
    assert check_file(_write(path, lines), known=known) == 0  # the failed run left the digests as they were
