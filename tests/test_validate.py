"""SHACL validation of built graphs."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal
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


def _same_violations(lines: list[str], tmp_path, sizes=(1, 300, 10**6)) -> list:
    path = tmp_path / "broken.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = violations(Graph().parse(path, format="nt"))
    assert len({v.message for v in whole}) >= 5, whole
    for size in sizes:
        found, validated = file_violations(path, batch_triples=size)
        assert found == whole, size
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


_IN_A_FRESH_PROCESS = """
import json, sys
from pathlib import Path
import kg.validate as v
found, validated = v.file_violations(Path(sys.argv[1]), batch_triples=50, workers=2)
print(json.dumps({"found": [list(x.__dict__.values()) for x in found], "validated": validated,
                  "validated_here": v._RAYON_STARTED}))
"""


def test_worker_processes_report_what_one_process_reports(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    an = analysis(LIU_NING_TEXT, LIU_NING_MENTIONS, bylines=(("明绍庚", "记者"),))
    res = resolve([an])
    lines = serialize(to_graph([an], res, link([an], res)), "nt").decode("utf-8").splitlines()
    path = _write(tmp_path / "broken.nt", _break(lines))
    # a fresh process: one that has validated itself (as this one may have) does not fork workers
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    run = subprocess.run(
        [sys.executable, "-c", _IN_A_FRESH_PROCESS, str(path)], capture_output=True, text=True, env=env, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert not out["validated_here"]  # the batches went to the worker processes
    found, validated = file_violations(path, batch_triples=50)
    assert [tuple(x) for x in out["found"]] == [tuple(v.__dict__.values()) for v in found]
    assert out["validated"] == validated
    assert found == violations(Graph().parse(path, format="nt")) and found


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_batches_on_the_seeds_graph(seed_build, tmp_path):
    out, _ = seed_build
    lines = (out / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert check_file(out / "graph.nt", batch_triples=2000) > 2000  # conforms, in several batches
    _same_violations(_break(lines), tmp_path, sizes=(1500,))


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


# -- differential: rudof (kg's engine) against pySHACL (the reference, test extra) ----------------

_XSD_INT, _XSD_DATE = "<http://www.w3.org/2001/XMLSchema#integer>", "<http://www.w3.org/2001/XMLSchema#date>"


def _line(lines, predicate, obj=None):
    """The first line with this predicate (and object), or None."""
    return next((x for x in lines if x.split(" ")[1] == f"<{predicate}>" and (obj is None or _o(x) == obj)), None)


def _o(line):
    return line.split(" ", 2)[2][:-2]


def _s(line):
    return line.split(" ")[0]


def _replace(lines, old, new):
    return [new if x == old else x for x in lines] if old else None


def _drop(lines, keep):
    return [x for x in lines if keep(x)]


def _of_subject(lines, subject, predicate):
    return next((x for x in lines if _s(x) == subject and x.split(" ")[1] == f"<{predicate}>"), None)


def _post_unheld(lines):
    """A post nobody holds and no post change or tenure names (the sh:or of two sh:inversePath)."""
    held = _line(lines, ORG.holds)
    if not held:
        return None
    post = _o(held)
    return _drop(lines, lambda x: not (_o(x) == post and x.split(" ")[1] in (f"<{ORG.holds}>", f"<{KG.post}>")))


def _offsets(lines, how):
    start = _line(lines, KG.charStart)
    if not start:
        return None
    end = _of_subject(lines, _s(start), KG.charEnd)
    if how == "no end":
        return _drop(lines, lambda x: x != end)
    if how == "start at end":
        return _replace(lines, start, f"{_s(start)} <{KG.charStart}> {_o(end)} .")
    return _replace(lines, start, f'{_s(start)} <{KG.charStart}> "-1"^^{_XSD_INT} .')


def _person_label(lines):
    """The rdfs:label line of the first person."""
    person = _s(_line(lines, RDF.type, f"<{KG.Person}>"))
    return _of_subject(lines, person, RDFS.label)


MUTATIONS = {
    # name: (constraint component it breaks, real output -> broken real output, or None when absent)
    "sh:class (postIn a person)": (
        "Class",
        lambda ls: _replace(
            ls, _line(ls, ORG.postIn), f"{_s(_line(ls, ORG.postIn))} <{ORG.postIn}> {_s(_line(ls, ORG.holds))} ."
        ),
    ),
    "sh:datatype (a label without language)": (
        "Datatype",
        lambda ls: _replace(ls, _person_label(ls), _person_label(ls).rsplit("@", 1)[0] + " ."),
    ),
    "sh:minCount (a sentence without text)": (
        "MinCount",
        lambda ls: _drop(ls, lambda x: x != _line(ls, SDO.text)),
    ),
    "sh:maxCount (a post with two titles)": (
        "MaxCount",
        lambda ls: [*ls, f'{_s(_line(ls, KG.title))} <{KG.title}> "又一职务"@zh .'] if _line(ls, KG.title) else None,
    ),
    "sh:in (an unknown level of place)": (
        "In",
        lambda ls: _replace(
            ls, _line(ls, KG.adminLevel), f'{_s(_line(ls, KG.adminLevel) or "")} <{KG.adminLevel}> "village" .'
        ),
    ),
    "sh:in (an appointment's kind)": (
        "In",
        lambda ls: _replace(
            ls, _line(ls, KG.changeKind), f'{_s(_line(ls, KG.changeKind) or "")} <{KG.changeKind}> "promoted" .'
        ),
    ),
    "sh:or (an article mentions a sentence)": (
        "Or",
        lambda ls: [*ls, f"{_s(_line(ls, SDO.mentions))} <{SDO.mentions}> {_s(_line(ls, SDO.text))} ."],
    ),
    "sh:or of sh:inversePath (a post nobody holds)": ("Or", _post_unheld),
    "sh:xone (a sentence with a start and no end)": ("Xone", lambda ls: _offsets(ls, "no end")),
    "sh:pattern (a five-digit division code)": (
        "Pattern",
        lambda ls: _replace(
            ls, _line(ls, KG.divisionCode), f'{_s(_line(ls, KG.divisionCode) or "")} <{KG.divisionCode}> "21000" .'
        ),
    ),
    "sh:lessThan (a sentence that starts at its end)": ("LessThan", lambda ls: _offsets(ls, "start at end")),
    "sh:lessThanOrEquals (first observed after last)": (
        "LessThanOrEquals",
        lambda ls: _replace(
            ls,
            _line(ls, KG.firstObserved),
            f'{_s(_line(ls, KG.firstObserved) or "")} <{KG.firstObserved}> "2099-01-01"^^{_XSD_DATE} .',
        ),
    ),
    "sh:minInclusive (a negative offset)": ("MinInclusive", lambda ls: _offsets(ls, "negative")),
    "sh:minLength (an empty name)": (
        "MinLength",
        lambda ls: _replace(ls, _person_label(ls), f'{_s(_person_label(ls))} <{RDFS.label}> ""@zh .'),
    ),
    "sh:nodeKind (a statement about a literal)": (
        "NodeKind",
        lambda ls: _replace(ls, _line(ls, RDF.subject), f'{_s(_line(ls, RDF.subject))} <{RDF.subject}> "某人" .'),
    ),
    "sh:targetSubjectsOf (a body holds a post)": (
        "Class",
        lambda ls: [*ls, f"{_o(_line(ls, ORG.postIn))} <{ORG.holds}> {_s(_line(ls, ORG.postIn))} ."],
    ),
    "sh:targetObjectsOf (a person holds a sentence)": (
        "Class",
        lambda ls: [*ls, f"{_s(_line(ls, ORG.holds))} <{ORG.holds}> {_s(_line(ls, SDO.text))} ."],
    ),
}


def _key(term) -> str:
    return "_:" if isinstance(term, BNode) or str(term).startswith("_:") else str(term)


def _pyshacl(graph: Graph) -> set[tuple[str, str, str]]:
    """(focus, path, constraint component) of every Violation pySHACL reports."""
    import pyshacl

    from kg.ns import SH
    from kg.validate import shapes

    conforms, report, _ = pyshacl.validate(
        graph, shacl_graph=shapes(), inference="none", advanced=True, allow_warnings=True
    )
    return {
        (
            _key(report.value(r, SH.focusNode)),
            str(report.value(r, SH.resultPath) or "-"),
            str(report.value(r, SH.sourceConstraintComponent)),
        )
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    }


def _rudof(found) -> set[tuple[str, str, str]]:
    return {(_key(v.focus), v.path, v.component) for v in found}


def _differential(lines: list[str], tmp_path, batch: int) -> list[str]:
    """Each mutation that applies to `lines`: rudof's results (whole graph and in small batches)
    are pySHACL's, and they include the constraint broken. Returns the mutations applied."""
    path = _write(tmp_path / "ok.nt", lines)
    assert not violations(Graph().parse(path, format="nt"))
    assert not _pyshacl(Graph().parse(path, format="nt"))
    applied = []
    for name, (component, mutate) in MUTATIONS.items():
        try:
            broken = mutate(lines)
        except (TypeError, AttributeError):  # what it breaks is not in this graph
            broken = None
        if broken is None:
            continue
        applied.append(name)
        path = _write(tmp_path / "broken.nt", sorted(set(broken)))
        graph = Graph().parse(path, format="nt")
        whole = violations(graph)
        reference = _pyshacl(graph)
        assert _rudof(whole) == reference, (name, _rudof(whole) ^ reference)
        assert f"{SH_NS}{component}ConstraintComponent" in {c for *_, c in reference}, (name, reference)
        assert file_violations(path, batch_triples=batch)[0] == whole, name
    return applied


SH_NS = "http://www.w3.org/ns/shacl#"


def test_rudof_reports_what_pyshacl_reports_on_broken_real_output(tmp_path):
    an = analysis(LIU_NING_TEXT, LIU_NING_MENTIONS, bylines=(("明绍庚", "记者"),))
    res = resolve([an])
    lines = serialize(to_graph([an], res, link([an], res)), "nt").decode("utf-8").splitlines()
    applied = _differential(lines, tmp_path, batch=50)
    assert len(applied) >= 13, applied  # no post change, tenure or post change in this excerpt


def test_a_blank_node_entity_breaks_sh_node_kind():
    g = Graph()
    person = BNode()
    g.add((person, RDF.type, KG.Person))
    g.add((person, RDFS.label, Literal("某人", lang="zh")))
    found = violations(g)
    assert _rudof(found) == _pyshacl(g) == {("_:", "-", f"{SH_NS}NodeKindConstraintComponent")}


@pytest.mark.slow
def test_rudof_reports_what_pyshacl_reports_on_the_broken_seeds_graph(seed_build, tmp_path):
    out, _ = seed_build
    lines = (out / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert _differential(lines, tmp_path, batch=2000) == list(MUTATIONS)
