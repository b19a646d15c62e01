"""The analysis cache: keys, versions, atomic entries, corrupt entries ignored; incremental
builds equal clean builds (slow)."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import pickle
import shutil

import pytest
from records_helper import O, P, T, analysis

from kg import cache as kgcache
from kg.cache import AnalysisCache, article_key
from kg.records import ChangedPost, ChangeKind, PostChange

TEXT = (
    "本报讯 记者明绍庚报道 8月5日，省委副书记、省长、省政府党组书记刘宁主持召开省政府党组会议和常务会议，"
    "深入学习贯彻习近平总书记近期重要讲话和指示精神。"
)


def _liu_ning(**kw):
    return analysis(
        TEXT,
        [("省委", O), ("副书记", T), ("省长", T), ("省政府", O), ("党组书记", T), ("刘宁", P)],
        bylines=(("明绍庚", "记者"),),
        **kw,
    )


def _entry(c: AnalysisCache, a) -> object:
    key = article_key(a.article)
    return c.dir / key[:2] / f"{key}.pkl"


def test_an_analysis_comes_back_equal(tmp_path):
    a = _liu_ning()
    c = AnalysisCache(tmp_path)
    assert c.get(a.article) is None
    c.put(a)
    assert AnalysisCache(tmp_path).get(a.article) == a
    assert [p.name for p in c.dir.rglob("*") if p.name.endswith(".tmp")] == []  # no temporary file left


def test_post_changes_come_back_too(tmp_path):
    """Every finding of extraction is kept, not only sentences and mentions (the post changes of
    an article were once dropped by the cache and by the worker pool)."""
    a = _liu_ning()
    person = next(m for m in a.mentions if m.text == "刘宁")
    title = next(m for m in a.mentions if m.text == "省长")
    change = PostChange(
        a.article.id, ChangeKind.APPOINTED, "任命", 0, 0, 2, person, (ChangedPost("省长", False, title, None),)
    )
    with_change = dataclasses.replace(a, changes=(change,))
    AnalysisCache(tmp_path).put(with_change)
    assert AnalysisCache(tmp_path).get(a.article).changes == (change,)


def test_the_key_covers_text_and_metadata():
    a = _liu_ning()
    assert article_key(a.article) == article_key(_liu_ning().article)
    assert article_key(_liu_ning(region="吉林省").article) != article_key(a.article)
    other_text = dataclasses.replace(a.article, text=a.article.text.replace("刘宁", "刘宇"))
    assert article_key(other_text) != article_key(a.article)


def test_another_article_with_the_same_text_is_a_miss(tmp_path):
    c = AnalysisCache(tmp_path)
    c.put(_liu_ning())
    assert c.get(_liu_ning(article_id="page/01").article) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-5] + bytes(b ^ 0xFF for b in data[-5:]),  # corrupted
        lambda data: b"not a cache file",  # something else
    ],
    ids=["truncated", "corrupted", "foreign"],
)
def test_a_damaged_entry_is_logged_ignored_and_rewritten(tmp_path, caplog, damage):
    a = _liu_ning()
    c = AnalysisCache(tmp_path)
    c.put(a)
    path = _entry(c, a)
    path.write_bytes(damage(path.read_bytes()))
    with caplog.at_level(logging.WARNING, logger="kg.cache"):
        assert c.get(a.article) is None
    assert str(path) in caplog.text and "extracting the article again" in caplog.text
    c.put(a)
    assert c.get(a.article) == a


def test_a_well_formed_entry_of_the_wrong_content_is_rejected(tmp_path, caplog):
    """A checksum-valid entry whose payload is not this article's records (e.g. written by
    a build with different record types) is not trusted."""
    import hashlib

    a = _liu_ning()
    c = AnalysisCache(tmp_path)
    c.put(a)
    payload = pickle.dumps(({"sentences": 1}, ()), protocol=5)
    _entry(c, a).write_bytes(kgcache.MAGIC + hashlib.sha256(payload).digest() + payload)
    with caplog.at_level(logging.WARNING, logger="kg.cache"):
        assert c.get(a.article) is None
    assert "holds something other" in caplog.text


def test_an_unwritable_cache_is_logged_once_and_the_build_goes_on(tmp_path, caplog):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    c = AnalysisCache(blocker)
    with caplog.at_level(logging.WARNING, logger="kg.cache"):
        c.put(_liu_ning())
        c.put(_liu_ning(article_id="page/01"))
    assert caplog.text.count("cannot be written") == 1
    assert c.get(_liu_ning().article) is None


def _package_copy(tmp_path, monkeypatch):
    """A copy of the kg package whose version the cache computes."""
    copy = tmp_path / "kg"
    shutil.copytree(kgcache.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(kgcache, "PACKAGE", copy)
    kgcache.pipeline_version.cache_clear()
    return copy


def _version() -> str:
    kgcache.pipeline_version.cache_clear()
    return kgcache.pipeline_version()


def test_the_pipeline_version_changes_with_a_lexicon_or_rule_file(tmp_path, monkeypatch):
    copy = _package_copy(tmp_path, monkeypatch)
    try:
        before = _version()
        assert _version() == before  # deterministic
        titles = copy / "data" / "lexicon" / "titles.tsv"
        titles.write_text(titles.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        after_lexicon = _version()
        assert after_lexicon != before
        rules = copy / "extraction" / "entities.py"
        rules.write_text(rules.read_text(encoding="utf-8") + "\n# a changed rule\n", encoding="utf-8")
        assert _version() != after_lexicon
    finally:
        kgcache.pipeline_version.cache_clear()


def test_modules_extraction_imports_are_covered_and_others_are_not(tmp_path, monkeypatch):
    copy = _package_copy(tmp_path, monkeypatch)
    try:
        covered = {p.relative_to(copy).as_posix() for p in kgcache.extraction_inputs()}
        assert {"extraction/pipeline.cfg", "records.py", "knowledge.py", "resources.py"} <= covered
        assert "link/__init__.py" not in covered and "export.py" not in covered
        # an import added to an extraction module brings the imported module in
        rules = copy / "extraction" / "events.py"
        rules.write_text(rules.read_text(encoding="utf-8") + "\nfrom kg import dates  # noqa\n", encoding="utf-8")
        assert "dates.py" in {p.relative_to(copy).as_posix() for p in kgcache.extraction_inputs()}
        # so does a relative import (`from ..posts import x` in kg/extraction is kg.posts)
        assert "posts.py" not in {p.relative_to(copy).as_posix() for p in kgcache.extraction_inputs()}
        rules.write_text(
            rules.read_text(encoding="utf-8") + "from ..posts import split_fused  # noqa\n", encoding="utf-8"
        )
        assert "posts.py" in {p.relative_to(copy).as_posix() for p in kgcache.extraction_inputs()}
    finally:
        kgcache.pipeline_version.cache_clear()


def test_the_list_of_inputs_is_kept_until_a_source_file_changes(tmp_path, monkeypatch, caplog):
    copy = _package_copy(tmp_path, monkeypatch)
    first = kgcache.extraction_inputs()
    memo = kgcache.artifact_dir() / f"extraction-inputs-{hashlib.sha256(str(copy).encode()).hexdigest()[:16]}.json"
    assert memo.is_file()
    parse = kgcache._with_imports
    monkeypatch.setattr(kgcache, "_with_imports", lambda files: pytest.fail("the imports were parsed again"))
    assert kgcache.extraction_inputs() == first  # from the kept list: nothing changed
    monkeypatch.setattr(kgcache, "_with_imports", parse)
    rules = copy / "extraction" / "events.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\nfrom kg import dates  # noqa\n", encoding="utf-8")
    assert "dates.py" in {p.relative_to(copy).as_posix() for p in kgcache.extraction_inputs()}
    memo.write_bytes(memo.read_bytes()[:-5])  # damaged: computed again, with a warning
    with caplog.at_level(logging.WARNING, logger="kg.cache"):
        again = kgcache.extraction_inputs()
    assert "does not match its checksum" in caplog.text
    assert "dates.py" in {p.relative_to(copy).as_posix() for p in again}


def test_a_new_pipeline_version_misses_the_old_entries(tmp_path, monkeypatch):
    a = _liu_ning()
    AnalysisCache(tmp_path).put(a)
    monkeypatch.setattr(kgcache, "pipeline_version", lambda: "0" * 64)
    assert AnalysisCache(tmp_path).get(a.article) is None


# --- incremental builds (slow: they run the pipeline) ---


@pytest.mark.slow
def test_adding_a_paper_extracts_only_its_articles_and_equals_a_clean_build(seed_build, seed_copy, tmp_path, caplog):
    from kg.build import build_graph

    clean, clean_summary = seed_build
    store = tmp_path / "cache"
    held_back = seed_copy / "004_1ed890315a895296.txt"
    day = tmp_path / "day"
    day.mkdir()
    shutil.move(held_back, day / held_back.name)
    first = build_graph([seed_copy], tmp_path / "first", cache=store, validate=False, html=False)
    assert first.cached == 0
    shutil.move(day / held_back.name, held_back)

    # one entry is damaged: it is reported and that article extracted again
    entries = sorted(p for p in store.rglob("*.pkl"))
    entries[0].write_bytes(entries[0].read_bytes()[:100])
    with caplog.at_level(logging.WARNING, logger="kg.cache"):
        second = build_graph([seed_copy], tmp_path / "second", cache=store, validate=False, html=False)
    assert "extracting the article again" in caplog.text
    assert second.articles == clean_summary.articles
    assert second.cached == first.articles - 1  # all the old articles but the damaged one
    for name in ("graph.ttl", "graph.nt", "graph.jsonld"):
        assert (tmp_path / "second" / name).read_bytes() == (clean / name).read_bytes(), name


def test_an_interrupted_extraction_keeps_what_it_finished(tmp_path, monkeypatch):
    from kg import parallel

    done = [_liu_ning(article_id=f"page/{i:02d}") for i in range(3)]

    def extract_then_fail(articles, nlp):
        yield from done[:2]
        raise KeyboardInterrupt

    monkeypatch.setattr(parallel, "_load", lambda profiler: None)
    monkeypatch.setattr("kg.extraction.extract", extract_then_fail)
    c = AnalysisCache(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        parallel.analyse([a.article for a in done], workers=1, cache=c)
    assert [c.get(a.article) for a in done] == [done[0], done[1], None]


class _Planted:
    """A pickle that runs code when loaded (what another user could plant in a shared cache)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def _plant(c: AnalysisCache, a, marker) -> object:
    import hashlib

    path = _entry(c, a)
    payload = pickle.dumps(_Planted(marker), protocol=5)
    path.write_bytes(kgcache.MAGIC + hashlib.sha256(payload).digest() + payload)
    return path


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_an_entry_owned_by_another_user_is_never_unpickled(tmp_path, caplog):
    a = _liu_ning()
    c = AnalysisCache(tmp_path)
    c.put(a)
    marker = tmp_path / "code-ran"
    path = _plant(c, a, marker)
    os.chown(path, 65534, 65534)  # nobody
    with caplog.at_level(logging.WARNING, logger="kg.cache"):
        assert c.get(a.article) is None
    assert not marker.exists()
    assert "is not yours alone" in caplog.text


def test_an_entry_others_may_write_or_a_link_is_never_unpickled(tmp_path, caplog):
    a = _liu_ning()
    c = AnalysisCache(tmp_path)
    c.put(a)
    marker = tmp_path / "code-ran"
    path = _plant(c, a, marker)
    path.chmod(0o666)
    assert c.get(a.article) is None
    path.chmod(0o600)
    elsewhere = tmp_path / "elsewhere.pkl"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    assert c.get(a.article) is None
    assert not marker.exists()


def test_a_load_artifact_is_built_once_then_read(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"省长": (1, 2)}

    assert kgcache.load_artifact("test", "k1", build) == {"省长": (1, 2)}
    assert kgcache.load_artifact("test", "k1", build) == {"省长": (1, 2)} and len(calls) == 1
    assert kgcache.load_artifact("test", "k2", build) == {"省长": (1, 2)} and len(calls) == 2  # a new key
    for n, key in enumerate(("k3", "k4", "k1")):  # the least recently used beyond 3 are removed
        kgcache.load_artifact("test", key, build)
        os.utime(kgcache.artifact_dir() / f"test-{key}.pkl", (2e9 + n, 2e9 + n))
    assert sorted(p.name for p in kgcache.artifact_dir().iterdir()) == ["test-k1.pkl", "test-k3.pkl", "test-k4.pkl"]


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign"])
def test_a_damaged_load_artifact_is_built_again_not_fatal(tmp_path, monkeypatch, caplog, damage):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    kgcache.load_artifact("test", "k", lambda: [1, 2, 3])
    path = kgcache.artifact_dir() / "test-k.pkl"
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[:-3])
    elif damage == "flip":
        path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    else:
        path.chmod(0o666)  # others could have written it: never unpickled
    with caplog.at_level(logging.WARNING):
        assert kgcache.load_artifact("test", "k", lambda: [4]) == [4]
    assert "building it again" in caplog.text
    assert kgcache.load_artifact("test", "k", lambda: [5]) == [4]  # rewritten whole


def test_an_unwritable_load_cache_only_costs_time(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # kg/load cannot be made under a file
    with caplog.at_level(logging.WARNING):
        assert kgcache.load_artifact("test", "k", lambda: 7) == 7
    assert "cannot be written" in caplog.text
    monkeypatch.setenv("KG_LOAD_CACHE", "0")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert kgcache.load_artifact("test", "k", lambda: 8) == 8 and not (tmp_path / "kg").exists()
