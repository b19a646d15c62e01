"""Policy spans around 《》 titles: works are not documents, a notice's printed document, a name
that holds a title, a title inside a title (loads pkuseg + LAC: slow)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def policies(nlp, text):
    doc = nlp(text)  # (the doc must outlive its span group)
    return {s.text for s in doc.spans["policy"]}


def test_a_works_title_is_not_a_policy_wherever_the_text_names_it(nlp):
    # People's Daily 1998 (example.test): a book and its title named again without a cue
    got = policies(
        nlp,
        "刘佛丁与王玉茹合著的《近代中国的经济发展》一书，最近由山东人民出版社出版。《近代中国的经济发展》共分十章。",
    )
    assert not got
    # People's Daily 1998 (example.test): the law stays a policy
    got = policies(nlp, "《中华人民共和国测绘法》实施5年来，已有10万余名测绘工作者获得了证书。")
    assert got == {"中华人民共和国测绘法"}


def test_the_document_a_notice_prints_and_a_name_holding_a_title(nlp):
    # composed in the title forms of 《党政机关公文处理工作条例》 notices (关于印发X的通知; X贯彻落实《Y》
    # 工作方案; 《A印发〈B〉的通知》), which the public corpora and dev half A do not print
    got = policies(nlp, "日前，县政府印发关于促进民营经济发展若干政策举措(2024年版)的通知。")
    assert "关于促进民营经济发展若干政策举措(2024年版)" in got
    assert not any(p.endswith("的通知") for p in got)
    got = policies(nlp, "日前，县政府办公室印发关于做好春节期间安全生产工作的通知。")
    assert "关于做好春节期间安全生产工作的通知" in got  # the notice is the document
    got = policies(nlp, "省政府办公厅关于印发贯彻落实《促进中部地区崛起规划》工作方案的通知")
    assert {"贯彻落实《促进中部地区崛起规划》工作方案", "促进中部地区崛起规划"} <= got
    assert not any(p.startswith("规划") or p.startswith("》") for p in got)
    got = policies(
        nlp, "根据《中共中央办公厅国务院办公厅印发〈关于全面推进政务公开工作的意见〉的通知》要求，制定本方案。"
    )
    assert "关于全面推进政务公开工作的意见" in got


def test_views_asked_for_are_not_a_document(nlp):
    # written in the genre's form of a consultation meeting's headline and report (county news);
    # the public corpora print 征求意见 only without a name before it
    got = policies(nlp, "县委召开规划编制工作意见征求座谈会")
    assert not any(p.endswith("意见") for p in got)
    got = policies(nlp, "3月5日，县委召开《建议》征求意见座谈会，听取各界人士的意见。")
    assert got == {"建议"}
    # the document's own kind word still ends its name
    got = policies(nlp, "会议审议通过了《关于加快发展现代农业的实施意见》。")
    assert "关于加快发展现代农业的实施意见" in got
    # written in the genre's form: 如下/以下 point at the text that follows, they open no name
    assert not policies(nlp, "结合官渡区实际，特制定如下政策措施。")
