"""The pkuseg tokenizer, with pkuseg's per-character feature lookup made fast.

pkuseg segments with a CRF over per-character features: the character and its neighbours,
character bigrams, and the dictionary words that start, end or surround it. Its own feature
code builds ~80 strings per character ('c-1c.' + a + '.' + b, 'ww.l.' + w1 + '*' + w2 …) and
looks each up in a dict of 2.6M feature names: ~20 µs per character, about half the time of
the extraction stage. `FastPkuseg` gives the same feature indices in the same order with far
less work: dictionary words are found once per piece and length, names are looked up once
per distinct character, bigram, word and word pair (memoised), and only pairs of real words
are tried. pkuseg's own CRF decoder and post-processing do the rest, so the segmentation is
pkuseg's (tested against it on the seeds; checked on 927k characters of the corpora).
`PkusegTokenizer` is spaCy's ChineseTokenizer with that segmenter; `pipeline.cfg` names it.
"""

from __future__ import annotations

from collections.abc import Callable

import spacy_pkuseg
from spacy.lang.zh import ChineseTokenizer
from spacy.util import registry
from spacy_pkuseg import inference as _inference
from spacy_pkuseg.config import config as _config

# pkuseg normalises digits to the node "**Num" and full-width letters to "**Letter"; words are
# matched on a working string with one character per node, where those two nodes become
# characters that decoded text cannot contain (lone surrogates). A piece that does contain
# them, or a model whose dictionary could match them, takes pkuseg's own path.
_NODE_CHAR = {"**Num": "\ud800", "**Letter": "\ud801"}
_CHAR_NODE = {c: node for node, c in _NODE_CHAR.items()}


class _Memo(dict):
    """key -> fn(key), computed on first use: the big feature dict is looked up once per
    distinct character, bigram, word or word pair, then small dicts answer."""

    def __init__(self, fn: Callable, limit: int = 500_000) -> None:
        super().__init__()
        self.fn = fn
        self.limit = limit  # bounds memory on a large corpus (values never change)

    def __missing__(self, key):
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.fn(key)
        return value


def _recast(cls: type, obj: object):
    """`obj`'s state under the subclass `cls` (no reloading of pkuseg's model files)."""
    copy = cls.__new__(cls)
    copy.__dict__.update(obj.__dict__)
    return copy


class _Preprocesser(spacy_pkuseg.Preprocesser):
    """pkuseg's user-dictionary split, which returns the text whole at once when the user
    dictionary is empty (as it is with the default model) instead of walking it."""

    def solve(self, txt: str) -> tuple[list[str], list[bool], list[str]]:
        if not self.trie.children:
            return [txt], [False], [""]
        return super().solve(txt)


class FastPkuseg(spacy_pkuseg.pkuseg):
    """A loaded pkuseg segmenter whose feature extraction is `_features`."""

    @classmethod
    def wrap(cls, seg: spacy_pkuseg.pkuseg) -> FastPkuseg:
        """The same segmenter (model, dictionaries, post-processing), with the fast features."""
        fast = _recast(cls, seg)
        fast.preprocesser = _recast(_Preprocesser, seg.preprocesser)
        fe = seg.feature_extractor
        get = fe.feature_to_idx.get
        fast._lengths = tuple(range(_config.wordMax, _config.wordMin - 1, -1))
        # Preconditions: pkuseg's default configuration; no dictionary word that contains a
        # normalised node or a working-string character; no word-pair feature with pkuseg's
        # "**noWord" on a side (the fast path looks up pairs of real words only). pkuseg's
        # default model meets them (tested); another model would take pkuseg's own path.
        words = "\n".join(fe.unigram)
        fast._fast = (
            fe.feature_to_idx.get("$$") == 0  # pkuseg adds index 0 to every character
            and _config.numLetterNorm
            and _config.wordFeature
            and not any(x in words for x in (*_NODE_CHAR, *_CHAR_NODE))
            and "**noWord" not in "\n".join(fe.feature_to_idx)
        )

        def node(c: str) -> str:
            return _CHAR_NODE.get(c, c)

        def chars(c: str) -> tuple:
            c = node(c)
            return tuple(get(p + c) for p in ("c.", "c-1.", "c1.", "c-2.", "c2."))

        def bigrams(ab: str) -> tuple:
            a, b = node(ab[0]), node(ab[1])
            return tuple(get(p + a + "." + b) for p in ("c-1c.", "cc1.", "c-2c-1."))

        fast._char = _Memo(chars)
        fast._bigram = _Memo(bigrams)
        fast._word = _Memo(lambda w: (get("w-1." + w), get("w1." + w)))
        fast._pair_l = _Memo(lambda ab: get("ww.l." + ab))
        fast._pair_r = _Memo(lambda ab: get("ww.r." + ab))
        return fast

    def _features(self, text: str) -> list[list[int]] | None:
        """pkuseg's feature indices for each character of `text`, the same lists in the same
        order as its own extractor gives (None: use pkuseg's path)."""
        if not self._fast or "\ud800" in text or "\ud801" in text:
            return None
        s = "".join(_NODE_CHAR.get(x, x) for x in self.feature_extractor.normalize_text(text))
        n = len(s)
        unigram = self.feature_extractor.unigram
        # pkuseg slices out of range as "", which is a word if the dictionary has it
        edge = [""] if "" in unigram else []
        # dictionary words starting at i (starts[i]) and ending at i - 1 (ends[i]), longest
        # first as pkuseg lists them; "no word" entries are left out
        starts: list[list[str]] = [[] for _ in range(n + 1)]
        ends: list[list[str]] = [[] for _ in range(n + 1)]
        for ln in self._lengths:
            for i in [i for i in range(n - ln + 1) if s[i : i + ln] in unigram]:
                w = s[i : i + ln]
                starts[i].append(w)
                ends[i + ln].append(w)
            for i in range(max(0, n - ln + 1), n):
                starts[i] += edge
            for i in range(min(ln, n + 1)):
                ends[i] += edge
        starts[n] = edge * len(self._lengths)  # pkuseg: words starting past the end are ""
        ends[0] = edge * len(self._lengths)
        # character and bigram features in pkuseg's order: c, c-1, c-1c, c1, cc1, c-2, c-2c-1,
        # c2 (None where absent and past either end)
        ch = [self._char[c] for c in s]
        bi = [self._bigram[s[i : i + 2]] for i in range(n - 1)]
        columns = zip(
            [c[0] for c in ch],
            ([None] + [c[1] for c in ch])[:n],
            ([None] + [b[0] for b in bi])[:n],
            [c[2] for c in ch[1:]] + [None],
            [b[1] for b in bi] + [None],
            ([None, None] + [c[3] for c in ch])[:n],
            ([None, None] + [b[2] for b in bi])[:n],
            ([c[4] for c in ch[2:]] + [None, None])[:n],
            strict=True,
        )
        word, pair_l, pair_r = self._word, self._pair_l, self._pair_r
        out: list[list[int]] = []
        for i, base in enumerate(columns):
            ids = [0, *filter(None, base)]  # 0 is pkuseg's "$$" feature; no other has index 0
            pre_ex, pre_in, post_in, post_ex = ends[i], ends[i + 1], starts[i], starts[i + 1]
            if pre_in or post_in:
                # w-1 (words ending here), w1 (starting here), then the word pairs around
                # the character: ww.l (ending before x starting here), ww.r (ending here x
                # starting after); plain loops: these lists hold 0-3 words
                for w in pre_in:
                    if (x := word[w][0]) is not None:
                        ids.append(x)
                for w in post_in:
                    if (x := word[w][1]) is not None:
                        ids.append(x)
                for a in pre_ex:
                    for b in post_in:
                        if (x := pair_l[a + "*" + b]) is not None:
                            ids.append(x)
                for a in pre_in:
                    for b in post_ex:
                        if (x := pair_r[a + "*" + b]) is not None:
                            ids.append(x)
            out.append(ids)
        return out

    def _cut(self, text: str) -> list[str]:
        features = self._features(text)
        if features is None:
            return super()._cut(text)
        _, tags = _inference.decodeViterbi_fast(features, self.model)
        words: list[str] = []
        start = 0
        for i, tag in enumerate(tags):
            if i and "B" in self.idx_to_tag[tag]:
                words.append(text[start:i])
                start = i
        if text:
            words.append(text[start:])
        return words


class PkusegTokenizer(ChineseTokenizer):
    """spaCy's Chinese tokenizer with pkuseg, whose segmenter is wrapped by `FastPkuseg`."""

    def initialize(self, get_examples=None, *, nlp=None, pkuseg_model=None, pkuseg_user_dict="default"):
        super().initialize(get_examples, nlp=nlp, pkuseg_model=pkuseg_model, pkuseg_user_dict=pkuseg_user_dict)
        if self.pkuseg_seg is not None:
            self.pkuseg_seg = FastPkuseg.wrap(self.pkuseg_seg)


@registry.tokenizers("kg.PkusegTokenizer.v1")
def create_pkuseg_tokenizer() -> Callable[..., PkusegTokenizer]:
    def factory(nlp) -> PkusegTokenizer:
        return PkusegTokenizer(nlp.vocab, segmenter="pkuseg")

    return factory
