"""kg.extraction.titles: a work's 《》 title (book, film, article) is not a document's."""

import re

import pytest

from kg.extraction.titles import work_titles


def _works(text: str) -> list[str]:
    found = work_titles(text)
    return [m.group(0) for m in re.finditer(r"《[^《》]+》", text) if m.start() in found]


@pytest.mark.parametrize(
    ("text", "works"),
    [
        # People's Daily 1998 (corpora/peoples-daily example.test / example.dev)
        (
            "刘佛丁与王玉茹、于建玮合著的《近代中国的经济发展》一书，最近由山东人民出版社出版。",
            ["《近代中国的经济发展》"],
        ),
        (
            "影片《自尊》中有中国证人许传音和日本伊藤辩护律师关于无辜平民和放下武器的军人该不该杀害的一段对白。",
            ["《自尊》"],
        ),
        ("日前，《花笺记会校会评本》首发式在广州举行。", ["《花笺记会校会评本》"]),
        (
            "1996年，曹县计划生育委员会用人口经济学做好本职工作的经验被载入《1996年中国计划生育年鉴》大型史册。",
            ["《1996年中国计划生育年鉴》"],
        ),
        (
            "这篇题为《危险的企图》的评论说，前不久，日本以印尼局势紧张为由，向海外派遣了军用飞机和舰艇。",
            ["《危险的企图》"],
        ),
        # CLUENER (train.json): a game, a sequel's release
        ("日前国外有媒体对动作驾驶游戏《汽车驾驶员》(Wheelman)", ["《汽车驾驶员》"]),
        # documents and laws stay documents (People's Daily; CLUENER)
        ("本报北京6月28日讯记者贾西平报道：《中华人民共和国测绘法》实施5年来，已有10万余名测绘工作者获得了证书。", []),
        ("而从《专利法》到《促进科技成果转化法》等多项法律的制定，为保护知识产权铺平了道路。", []),
        ("农业部等八家单位今年出台了《2011年度棉花临时收储预案》，", []),
        (
            "但据国际货币基金组织4月13日发表的《世界经济展望报告》预测，今年美国经济增长率将为2．9％",
            [],
        ),
    ],
)
def test_works_are_told_from_documents(text, works):
    assert _works(text) == works


def test_titles_printed_together_share_the_cue_of_the_run():
    # People's Daily 1998 (example.test): a documentary's titles listed after its kind
    text = "仅以影视作品为例，电视文献纪录片《毛泽东》、《邓小平》、《伟人周恩来》、《解放》、《胜利》，电影故事片《周恩来》等"
    assert _works(text)[:5] == ["《毛泽东》", "《邓小平》", "《伟人周恩来》", "《解放》", "《胜利》"]
