"""The pkuseg tokenizer, with pkuseg's features and CRF decode computed fast.

pkuseg segments with a CRF over per-character features: the character and its neighbours,
character bigrams, and the dictionary words that start, end or surround it. Its own feature
code builds ~80 strings per character ('c-1c.' + a + '.' + b, 'ww.l.' + w1 + '*' + w2 …),
looks each up in a dict of 2.6M feature names and hands Python lists to its decoder: ~25 µs
per character, about half the time of the extraction stage. `FastPkuseg` gives the same
feature indices in the same order with far less work: feature names are looked up once per
distinct character, bigram, word and word pair (tables of feature indices), dictionary words
are found per length among the positions whose bigram starts a word of that length, and
compiled (numba) code assembles each character's features and runs pkuseg's decode (same
float64 sums in the same order, same tie rules). pkuseg's post-processing (merging adjacent
words that make a dictionary word) looks up slices of the text where pkuseg joins strings.
The segmentation is pkuseg's: tested against it on the seeds, and checked on 954k characters
of the corpora (People's Daily, MSRA, CLUENER) with 0 differences. `PkusegTokenizer` is
spaCy's ChineseTokenizer with that segmenter; `pipeline.cfg` names it.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable

import numba
import numpy as np
import spacy_pkuseg
from spacy.errors import Errors
from spacy.lang.zh import ChineseTokenizer
from spacy.tokens import Doc
from spacy.util import registry
from spacy_pkuseg.config import config as _config

# pkuseg normalises digits to the node "**Num" and full-width letters to "**Letter"; words are
# matched on a working string with one character per node, where those two nodes become
# characters that decoded text cannot contain (lone surrogates). A piece that does contain
# them, or a model whose dictionary could match them, takes pkuseg's own path.
_NODE_CHAR = {"**Num": "\ud800", "**Letter": "\ud801"}
_CHAR_NODE = {c: node for node, c in _NODE_CHAR.items()}


@numba.njit(inline="always")
def _put(ids: np.ndarray, k: int, feature: int) -> int:  # pragma: no cover
    """Appends a feature index at ids[k] unless it is absent (-1); the next free position."""
    if feature >= 0:
        ids[k] = feature
        return k + 1
    return k


@numba.njit(cache=True, nogil=True)
def _pair_keys(wstart: np.ndarray, wend: np.ndarray) -> np.ndarray:  # pragma: no cover
    """The word pairs pkuseg looks up, in its order, as keys kind << 62 | a << 31 | b (word ids
    a, b). At character i: ww.l pairs (a word ending before i, a word starting at i), then
    ww.r pairs (a word ending at i, a word starting after it); longest words first."""
    n_len, m = wstart.shape
    count = 0
    for i in range(m - 1):
        for la in range(n_len):
            for lb in range(n_len):
                count += (wend[la, i] >= 0) & (wstart[lb, i] >= 0)
                count += (wend[la, i + 1] >= 0) & (wstart[lb, i + 1] >= 0)
    keys = np.empty(count, dtype=np.int64)
    k = 0
    for i in range(m - 1):
        for kind in range(2):
            for la in range(n_len):
                a = wend[la, i + kind]
                if a < 0:
                    continue
                for lb in range(n_len):
                    b = wstart[lb, i + kind]
                    if b >= 0:
                        keys[k] = (kind << 62) | (a << 31) | b
                        k += 1
    return keys


@numba.njit(cache=True, nogil=True)
def _gather(cid, bid, char_rows, bigram_rows, wstart, wend, word_rows, pair_ids):  # pragma: no cover
    """Feature indices of each character in pkuseg's order (offsets, ids: character i has
    ids[offsets[i]:offsets[i + 1]]): "$$" (0); the character features c, c-1, c-1c, c1, cc1,
    c-2, c-2c-1, c2; w-1 of the words ending at it, w1 of those starting at it; the word pairs
    (pair_ids, in the order of `_pair_keys`). Absent features (-1) are left out."""
    n = cid.shape[0]
    n_len = wstart.shape[0]
    ids = np.empty(n * (9 + 2 * n_len) + pair_ids.shape[0], dtype=np.int64)
    offsets = np.empty(n + 1, dtype=np.int64)
    k = 0
    p = 0
    for i in range(n):
        offsets[i] = k
        k = _put(ids, k, 0)
        k = _put(ids, k, char_rows[cid[i], 0])
        if i >= 1:
            k = _put(ids, k, char_rows[cid[i - 1], 1])
            k = _put(ids, k, bigram_rows[bid[i - 1], 0])
        if i + 1 < n:
            k = _put(ids, k, char_rows[cid[i + 1], 2])
            k = _put(ids, k, bigram_rows[bid[i], 1])
        if i >= 2:
            k = _put(ids, k, char_rows[cid[i - 2], 3])
            k = _put(ids, k, bigram_rows[bid[i - 2], 2])
        if i + 2 < n:
            k = _put(ids, k, char_rows[cid[i + 2], 4])
        for la in range(n_len):
            if wend[la, i + 1] >= 0:
                k = _put(ids, k, word_rows[wend[la, i + 1], 0])
        for lb in range(n_len):
            if wstart[lb, i] >= 0:
                k = _put(ids, k, word_rows[wstart[lb, i], 1])
        for kind in range(2):
            for la in range(n_len):
                if wend[la, i + kind] < 0:
                    continue
                for lb in range(n_len):
                    if wstart[lb, i + kind] >= 0:
                        k = _put(ids, k, pair_ids[p])
                        p += 1
    offsets[n] = k
    return offsets, ids


@numba.njit(cache=True, nogil=True)
def _decode(offsets, ids, weights, edge):  # pragma: no cover
    """pkuseg's CRF decode (its getLogYY and run_viterbi, same float64 sums in the same order,
    same tie rules): the best tag of each character."""
    n = offsets.shape[0] - 1
    h = weights.shape[1]
    node = np.zeros((n, h))
    for i in range(n):
        for k in range(offsets[i], offsets[i + 1]):
            f = ids[k]
            for y in range(h):
                node[i, y] += weights[f, y]
    best = np.zeros((n, h))
    pre = np.zeros((n, h), dtype=np.int32)
    for y in range(h):
        best[n - 1, y] = node[n - 1, y]
    for i in range(n - 2, -1, -1):
        for y in range(h):
            for y_pre in range(h):
                sc = best[i + 1, y_pre] + node[i, y] + edge[y, y_pre]
                if y_pre == 0 or sc >= best[i, y]:
                    best[i, y] = sc
                    pre[i, y] = y_pre
    tag = 0
    for y in range(1, h):
        if best[0, tag] < best[0, y]:
            tag = y
    tags = np.empty(n, dtype=np.int32)
    tags[0] = tag
    for i in range(1, n):
        tag = pre[i - 1, tag]
        tags[i] = tag
    return tags


class _Rows(dict):
    """key -> its row in `rows`, a table of pkuseg feature indices (-1: pkuseg has no such
    feature; the bigram table adds a column of word lengths) filled by fn(key) on first use.
    The big feature dict is looked up once per distinct character, bigram or word; the
    compiled code then gathers rows by id."""

    def __init__(self, fn: Callable[[str], tuple[int, ...]], width: int) -> None:
        super().__init__()
        self.fn = fn
        self.keys: list[str] = []
        self.rows = np.empty((1024, width), dtype=np.int64)

    def __missing__(self, key: str) -> int:
        row = len(self.keys)
        if row == len(self.rows):
            self.rows = np.concatenate([self.rows, np.empty_like(self.rows)])
        self.rows[row] = self.fn(key)
        self.keys.append(key)
        self[key] = row
        return row

    def clear(self) -> None:
        super().clear()
        self.keys.clear()


class _Memo(dict):
    """key -> fn(key), computed on first use."""

    def __init__(self, fn: Callable) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key):
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


class _Postprocesser(spacy_pkuseg.Postprocesser):
    """pkuseg's merge of adjacent words that together make a dictionary word (windows of 7
    words down to 2, left to right, windows overlapping a merge skipped). Windows are read as
    slices of the joined text and looked up all at once per size, where pkuseg joins and
    looks up each: the same merges in the same order."""

    def post_process(self, sent: list[str], check_seperated: bool) -> list[str]:
        common, other = self.common_words, self.other_words
        text = "".join(sent)
        bounds = [0, *itertools.accumulate(map(len, sent))]
        for m in range(7, 1, -1):
            windows = [text[a:b] for a, b in zip(bounds, bounds[m:], strict=False)]
            found = other.intersection(windows)
            if common:  # empty with the default model
                found |= common.intersection(windows)
            if not found:
                continue
            inner: set[int] = set()  # bounds inside merged windows
            after = 0
            for i in [i for i, w in enumerate(windows) if w in found]:
                if i < after:
                    continue  # overlaps the window merged before it
                words = [text[bounds[j] : bounds[j + 1]] for j in range(i, i + m)]
                if windows[i] in common or not (check_seperated and all(w in common or w in other for w in words)):
                    inner.update(range(i + 1, i + m))
                    after = i + m
            if inner:
                bounds = [b for j, b in enumerate(bounds) if j not in inner]
        return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


class FastPkuseg(spacy_pkuseg.pkuseg):
    """A loaded pkuseg segmenter whose features and CRF decode are computed by `_analyse`."""

    LIMIT = 500_000
    """Distinct characters, bigrams, words or word pairs remembered before the tables start
    afresh (bounds memory on a large corpus)."""

    @classmethod
    def wrap(cls, seg: spacy_pkuseg.pkuseg) -> FastPkuseg:
        """The same segmenter (model, dictionaries, post-processing), with the fast path."""
        fast = _recast(cls, seg)
        fast.preprocesser = _recast(_Preprocesser, seg.preprocesser)
        fast.postprocesser = _recast(_Postprocesser, seg.postprocesser)
        fe = seg.feature_extractor
        get = fe.feature_to_idx.get
        n_tag = seg.model.n_tag
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
            and all(len(c) == 1 for c in (*fe.num, *fe.letter))  # normalised one char at a time
            and "**noWord" not in "\n".join(fe.feature_to_idx)
        )
        # pkuseg's normalize_text, one character per node: digits and letters to working chars
        fast._nodes = {ord(c): _NODE_CHAR["**Letter"] for c in fe.letter}
        fast._nodes.update({ord(c): _NODE_CHAR["**Num"] for c in fe.num})  # num wins, as in pkuseg
        # the model: node weights per feature and tag; edge scores as pkuseg's getLogYY has them
        w = np.asarray(seg.model.w, dtype=np.float64)
        fast._weights = w[: seg.model.n_feature * n_tag].reshape(-1, n_tag)
        backoff = seg.model.n_feature * n_tag  # then edge weights, [tag, previous tag]
        fast._edge = 1.0 + w[backoff : backoff + n_tag * n_tag].reshape(n_tag, n_tag).T  # [prev, tag]
        fast._begins = np.array(["B" in seg.idx_to_tag[t] for t in range(n_tag)])
        # bit ln of prefix[ab]: the dictionary has a word of ln characters starting with ab
        prefix: dict[str, int] = {}
        for word in fe.unigram:
            if _config.wordMin <= len(word) <= _config.wordMax:
                prefix[word[:2]] = prefix.get(word[:2], 0) | 1 << len(word)

        def get_(name: str) -> int:
            return get(name, -1)

        def node(c: str) -> str:
            return _CHAR_NODE.get(c, c)

        def chars(c: str) -> tuple[int, ...]:
            c = node(c)
            return tuple(get_(p + c) for p in ("c.", "c-1.", "c1.", "c-2.", "c2."))

        def bigrams(ab: str) -> tuple[int, ...]:
            a, b = node(ab[0]), node(ab[1])
            return (*(get_(p + a + "." + b) for p in ("c-1c.", "cc1.", "c-2c-1.")), prefix.get(ab, 0))

        def pairs(key: int) -> int:
            kind, a, b = key >> 62, (key >> 31) & 0x7FFFFFFF, key & 0x7FFFFFFF
            return get_(("ww.l.", "ww.r.")[kind] + fast._word.keys[a] + "*" + fast._word.keys[b])

        fast._char = _Rows(chars, 5)
        fast._bigram = _Rows(bigrams, 4)
        fast._word = _Rows(lambda w: (get_("w-1." + w), get_("w1." + w)), 2)
        fast._pair = _Memo(pairs)
        return fast

    def _analyse(self, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """pkuseg's feature indices for each character of `text`, the same lists in the same
        order as its own extractor gives, as (offsets, ids): character i has
        ids[offsets[i]:offsets[i + 1]]. None: the text needs pkuseg's own path."""
        if not self._fast or "\ud800" in text or "\ud801" in text:
            return None
        if max(map(len, (self._char, self._bigram, self._word, self._pair))) > self.LIMIT:
            for table in (self._char, self._bigram, self._word, self._pair):
                table.clear()  # together: the pairs' keys are word rows
        s = self.feature_extractor.keyword_rename(text).translate(self._nodes)
        n = len(s)
        unigram = self.feature_extractor.unigram
        cid = np.fromiter(map(self._char.__getitem__, s), dtype=np.int64, count=n)
        pairs_of_chars = map(operator.add, s, s[1:])  # the bigrams s[i:i+2]
        bid = np.fromiter(map(self._bigram.__getitem__, pairs_of_chars), dtype=np.int64, count=max(n - 1, 0))
        starts_with = self._bigram.rows[bid, 3]
        # the dictionary words of each length (longest first) that start (wstart[L, i]) or end
        # (wend[L, i], ending before i) at each position, as word rows; -1 where none. pkuseg
        # slices out of range as "", which is a word if the dictionary has it.
        n_len = len(self._lengths)
        wstart = np.full((n_len, n + 1), -1, dtype=np.int64)
        wend = np.full((n_len, n + 1), -1, dtype=np.int64)
        edge = self._word[""] if "" in unigram else -1
        for row, ln in enumerate(self._lengths):
            at = np.flatnonzero(starts_with[: max(n - ln + 1, 0)] & (1 << ln))
            if ln > 2:  # a bigram is a word by itself (bit 2); longer words are checked
                at = np.array([i for i in at.tolist() if s[i : i + ln] in unigram], dtype=np.int64)
            if len(at):
                found = np.fromiter((self._word[s[i : i + ln]] for i in at.tolist()), dtype=np.int64, count=len(at))
                wstart[row, at] = found
                wend[row, at + ln] = found
            wstart[row, max(0, n - ln + 1) :] = edge
            wend[row, : min(ln, n + 1)] = edge
        keys = _pair_keys(wstart, wend)
        pair_ids = np.fromiter(map(self._pair.__getitem__, keys.tolist()), dtype=np.int64, count=len(keys))
        return _gather(cid, bid, self._char.rows, self._bigram.rows, wstart, wend, self._word.rows, pair_ids)

    def _features(self, text: str) -> list[list[int]] | None:
        """pkuseg's feature lists for `text` (as its get_node_features_idx gives them), from
        `_analyse`; None: the text needs pkuseg's own path."""
        found = self._analyse(text)
        if found is None:
            return None
        offsets, ids = found
        flat = ids.tolist()
        return [flat[a:b] for a, b in zip(offsets.tolist(), offsets[1:].tolist(), strict=False)]

    def _cut(self, text: str) -> list[str]:
        if not text:
            return []
        found = self._analyse(text)
        if found is None:
            return super()._cut(text)
        tags = _decode(*found, self._weights, self._edge)
        bounds = [0, *(np.flatnonzero(self._begins[tags[1:]]) + 1).tolist(), len(text)]
        return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def _words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's util.get_words_and_spaces (the words and whitespace of `text` as Doc tokens),
    searching from an offset where spaCy slices the rest of the text for every word (quadratic
    in the length of an article)."""
    if "".join("".join(words).split()) != "".join(text.split()):
        raise ValueError(Errors.E194.format(text=text, words=words))
    out: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for word in words:
        if word.isspace():
            continue
        start = text.find(word, pos)
        if start < 0:
            raise ValueError(Errors.E194.format(text=text, words=words))
        if start > pos:
            out.append(text[pos:start])
            spaces.append(False)
        out.append(word)
        pos = start + len(word)
        space = pos < len(text) and text[pos] == " "
        spaces.append(space)
        pos += space
    if pos < len(text):
        out.append(text[pos:])
        spaces.append(False)
    return out, spaces


class PkusegTokenizer(ChineseTokenizer):
    """spaCy's Chinese tokenizer with pkuseg, whose segmenter is wrapped by `FastPkuseg`."""

    def __call__(self, text: str) -> Doc:
        if self.pkuseg_seg is None:
            return super().__call__(text)
        words, spaces = _words_and_spaces(self.pkuseg_seg.cut(text), text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def initialize(self, get_examples=None, *, nlp=None, pkuseg_model=None, pkuseg_user_dict="default"):
        super().initialize(get_examples, nlp=nlp, pkuseg_model=pkuseg_model, pkuseg_user_dict=pkuseg_user_dict)
        if self.pkuseg_seg is not None:
            self.pkuseg_seg = FastPkuseg.wrap(self.pkuseg_seg)


@registry.tokenizers("kg.PkusegTokenizer.v1")
def create_pkuseg_tokenizer() -> Callable[..., PkusegTokenizer]:
    def factory(nlp) -> PkusegTokenizer:
        return PkusegTokenizer(nlp.vocab, segmenter="pkuseg")

    return factory
