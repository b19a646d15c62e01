"""kg.knowledge: the data files the rules read (word lists, cue patterns) load whole and are checked."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kg import knowledge, resources
from kg.errors import DataFileError

LINK = Path(knowledge.__file__).parent / "link"


def test_entity_words_hold_every_set_the_rules_use():
    words = knowledge.entity_words()
    source = (Path(knowledge.__file__).parent / "extraction" / "entities.py").read_text(encoding="utf-8")
    used = set(re.findall(r'_WORDS\["(\w+)"\]', source))
    assert used and used <= set(words)
    for name in ("stop_chars", "place_determiners", "motion"):  # sets of single characters
        assert all(len(ch) == 1 for ch in words[name])
    assert "的" in words["stop_chars"] and "该" in words["place_determiners"]
    # order is kept: the longer ending first where one ends another (自然村 before 村)
    suffixes = words["place_suffixes"]
    assert suffixes.index("自然村") < suffixes.index("村")


def test_a_bad_word_list_row_is_reported_with_its_value(tmp_path, monkeypatch):
    (tmp_path / "lexicon").mkdir()
    shutil.copy(resources.data_path("lexicon/entity_words.tsv"), tmp_path / "lexicon" / "entity_words.tsv")
    path = tmp_path / "lexicon" / "entity_words.tsv"
    path.write_text(path.read_text(encoding="utf-8").replace("motion\tyes", "motion\tmaybe"), encoding="utf-8")
    monkeypatch.setattr(resources, "DATA", tmp_path)
    knowledge.entity_words.cache_clear()
    resources.read_tsv.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"'motion' has chars='maybe'; allowed: yes, no"):
            knowledge.entity_words()
    finally:
        knowledge.entity_words.cache_clear()
        resources.read_tsv.cache_clear()


def test_every_cue_the_linking_rules_name_is_in_relation_cues():
    cues = knowledge.relation_cues()
    named = set()
    for module in LINK.glob("*.py"):
        named |= set(re.findall(r'cues\["(\w+)"\]', module.read_text(encoding="utf-8")))
    assert {"second_chair", "numbered_session", "signed_date", "list_glue"} <= named
    assert named <= set(cues), sorted(named - set(cues))


def test_the_grammar_cues_read_real_sentences():
    cues = knowledge.relation_cues()
    # People's Daily: 会议由全国妇联副主席、书记处第一书记黄菊主持 (the passive chair, a bare 会议)
    assert cues["chaired_by_lead"].match("会议由")
    # 省政协|十二届二十二次主席会议: the rest of a session's name after its body, by term and number
    assert cues["numbered_session"].search("十二届二十二次主席会议")
    assert not cues["numbered_session"].search("党组(扩大)会议")
    # a notice signed at its end: …领导小组办公室 2021年1月26日
    assert cues["signed_date"].fullmatch(" 2021年1月26日")
    assert cues["second_chair"].search("省委书记陈敏尔并主持")
    assert not cues["second_chair"].search("省委书记陈敏尔主持")
