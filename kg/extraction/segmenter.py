"""The pkuseg tokenizer, with pkuseg's features and CRF decode computed fast.

pkuseg segments with a CRF over per-character features: the character and its neighbours,
character bigrams, and the dictionary words that start, end or surround it. Its own feature
code builds ~80 strings per character ('c-1c.' + a + '.' + b, 'ww.l.' + w1 + '*' + w2 …),
looks each up in a dict of 2.6M feature names and hands Python lists to its decoder: ~25 µs
per character, about half the time of the extraction stage. `FastPkuseg` gives the same
feature indices in the same order with far less work: compiled (numba) code finds each
character's and bigram's row of feature indices by binary search in sorted tables keyed by
code points (`_lookup`), dictionary words are found per length among the positions whose
bigram starts a word of that length (2-character words straight from the bigram's row), word
pairs by binary search among pkuseg's pairs, and compiled code assembles each character's
features and runs pkuseg's decode (same float64 sums in the same order, same tie rules).
pkuseg's post-processing (merging adjacent words that make a dictionary word) screens all
windows of words with a hash filter of the dictionary in one compiled pass and looks up only
those that pass, where pkuseg joins strings and looks up each.
The segmentation is pkuseg's: tested against it on the seeds, and checked on 954k characters
of the corpora (People's Daily, MSRA, CLUENER) with 0 differences. The feature names are
looked up in `FeatureTables` (numpy arrays keyed by character codes and word ids, kept in the
load cache), not in pkuseg's dictionary of 2.6M names, whose unpickling took ~4 s of every load. `PkusegTokenizer` is
spaCy's ChineseTokenizer with that segmenter; `pipeline.cfg` names it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np
import spacy_pkuseg
from spacy.errors import Errors
from spacy.lang.zh import ChineseTokenizer, Segmenter
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


@numba.njit(cache=True, nogil=True)
def _lookup(codes, char_keys, bigram_keys):  # pragma: no cover
    """Rows of each character (cid) and of each bigram codes[i], codes[i + 1] (bid) in the
    character and bigram tables, by binary search in their sorted keys (code point; code
    point << 21 | code point); a key that is absent gets the table's last row (no features)."""
    n = codes.shape[0]
    nc, nb = char_keys.shape[0], bigram_keys.shape[0]
    cid = np.empty(n, dtype=np.int64)
    for i in range(n):
        j = np.searchsorted(char_keys, codes[i])
        cid[i] = j if j < nc and char_keys[j] == codes[i] else nc
    bid = np.empty(max(n - 1, 0), dtype=np.int64)
    for i in range(n - 1):
        key = codes[i] << 21 | codes[i + 1]
        j = np.searchsorted(bigram_keys, key)
        bid[i] = j if j < nb and bigram_keys[j] == key else nb
    return cid, bid


_CHAR_KINDS = ("c", "c-1", "c1", "c-2", "c2")
_BIGRAM_KINDS = ("c-1c", "cc1", "c-2c-1")
_WORD_KINDS = ("w-1", "w1")
_PAIR_KINDS = ("l", "r")  # ww.l / ww.r


@dataclass(frozen=True)
class FeatureTables:
    """pkuseg's feature dictionary (2.6M names -> index) laid out as the fast path looks it up.

    Unpickling pkuseg's dictionary takes ~4 s of every pipeline load; these tables (numpy
    arrays keyed by numbers, built once from it and kept in the load cache) load in a fraction
    of that. `feature_tables` builds them only when every feature name parses into exactly one
    entry below, so a lookup here answers what the dictionary would."""

    words: tuple[str, ...]
    """pkuseg's dictionary words (its `unigram`), sorted; a word's id is its index here."""
    word_rows: np.ndarray
    """(len(words), 2) int64: features w-1.<word> and w1.<word> of each word (-1: none)."""
    chars: dict[str, tuple[int, ...]]
    """Working-string character (see _NODE_CHAR) -> features c., c-1., c1., c-2., c2."""
    bigram_keys: np.ndarray
    """Sorted int64 keys ord(a) << 21 | ord(b) of the working-string bigrams ab with a feature."""
    bigram_rows: np.ndarray
    """(len(bigram_keys), 3) int64: features c-1c.a.b, cc1.a.b, c-2c-1.a.b (-1: none)."""
    pair_keys: np.ndarray
    """Sorted int64 keys kind << 62 | a << 31 | b of the word pairs with a feature (kind 0:
    ww.l.<a>*<b>, 1: ww.r.<a>*<b>; a, b word ids)."""
    pair_ids: np.ndarray
    """Feature of each of `pair_keys`."""
    tag_to_idx: dict[str, int]
    """pkuseg's tags."""
    n_feature: int
    """Features in pkuseg's dictionary."""


def feature_tables(fe: spacy_pkuseg.FeatureExtractor) -> FeatureTables | None:
    """`FeatureTables` of a loaded feature extractor; None if a feature name does not fit them
    (another model: pkuseg's own path is then taken)."""
    words = tuple(sorted(fe.unigram))
    word_id = {w: i for i, w in enumerate(words)}
    if len(words) >= 1 << 31 or fe.feature_to_idx.get("$$") != 0:
        return None
    word_rows = np.full((len(words), 2), -1, dtype=np.int64)
    chars: dict[str, list[int]] = {}
    bigrams: dict[int, list[int]] = {}
    pairs: dict[int, int] = {}

    def node(name: str) -> str | None:
        """The working-string character of a node name, None if there is none."""
        if name in _NODE_CHAR:
            return _NODE_CHAR[name]
        return name if len(name) == 1 and name not in _CHAR_NODE else None

    for name, index in fe.feature_to_idx.items():
        kind, _, rest = name.partition(".")
        if name == "$$":
            continue
        if kind in _CHAR_KINDS:
            c = node(rest)
            if c is None:
                return None
            chars.setdefault(c, [-1] * 5)[_CHAR_KINDS.index(kind)] = index
        elif kind in _BIGRAM_KINDS:
            parses = {
                (a, b)
                for head in {rest[:1], *_NODE_CHAR}
                if rest.startswith(head + ".")
                for a, b in [(node(head), node(rest[len(head) + 1 :]))]
                if a is not None and b is not None
            }
            if len(parses) != 1:
                return None
            a, b = parses.pop()
            bigrams.setdefault(ord(a) << 21 | ord(b), [-1] * 3)[_BIGRAM_KINDS.index(kind)] = index
        elif kind in _WORD_KINDS:
            if rest not in word_id:
                return None
            word_rows[word_id[rest], _WORD_KINDS.index(kind)] = index
        elif kind == "ww" and rest[:2] in ("l.", "r."):
            pair = rest[2:]
            splits = [
                (word_id[pair[:i]], word_id[pair[i + 1 :]])
                for i in range(len(pair))
                if pair[i] == "*" and pair[:i] in word_id and pair[i + 1 :] in word_id
            ]
            if len(splits) != 1:
                return None
            a, b = splits[0]
            pairs[_PAIR_KINDS.index(rest[0]) << 62 | a << 31 | b] = index
        else:
            return None
    bigram_keys = np.array(sorted(bigrams), dtype=np.int64)
    pair_keys = np.array(sorted(pairs), dtype=np.int64)
    return FeatureTables(
        words=words,
        word_rows=word_rows,
        chars={c: tuple(row) for c, row in chars.items()},
        bigram_keys=bigram_keys,
        bigram_rows=np.array([bigrams[k] for k in bigram_keys.tolist()], dtype=np.int64).reshape(-1, 3),
        pair_keys=pair_keys,
        pair_ids=np.array([pairs[k] for k in pair_keys.tolist()], dtype=np.int64),
        tag_to_idx=dict(fe.tag_to_idx),
        n_feature=len(fe.feature_to_idx),
    )


def _load_features(model_dir: str) -> spacy_pkuseg.FeatureExtractor:
    """pkuseg's FeatureExtractor.load, without its notice on stderr that the model has
    features.pkl rather than features.msgpack."""
    chatter = io.StringIO()
    with contextlib.redirect_stderr(chatter):
        return spacy_pkuseg.FeatureExtractor.load(model_dir)


def cached_feature_tables(model_dir: str) -> FeatureTables | None:
    """`feature_tables` of the model in `model_dir`, from the load cache (kg.cache.load_artifact,
    keyed by the pipeline version and the names, sizes and times of the model's files)."""
    from kg.cache import load_artifact

    return load_artifact("pkuseg-features", _model_key(model_dir), lambda: feature_tables(_load_features(model_dir)))


def _model_key(model_dir: str) -> str:
    """The load cache's key of what is made from the model in `model_dir`: the pipeline version
    and the names, sizes and times of the model's files."""
    from kg.cache import pipeline_version

    h = hashlib.sha256(f"{pipeline_version()} {Path(model_dir).resolve()}\n".encode())
    for path in sorted(Path(model_dir).iterdir()):
        if path.is_file():
            st = path.stat()
            h.update(f"{path.name} {st.st_size} {st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def lookup_tables(tables: FeatureTables) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The fast path's lookup tables made from `tables`: the characters' sorted code points and
    their feature rows, the bigrams' sorted keys and their rows."""
    # bit ln of prefix[ab]: the dictionary has a word of ln characters starting with ab
    prefix: dict[str, int] = {}
    for word in tables.words:
        if _config.wordMin <= len(word) <= _config.wordMax:
            prefix[word[:2]] = prefix.get(word[:2], 0) | 1 << len(word)
    # characters: sorted code points, and their rows (c, c-1, c1, c-2, c2; the last row for
    # any other character: none)
    chars = sorted(tables.chars)
    char_keys = np.array([ord(c) for c in chars], dtype=np.int64)
    char_rows = np.full((len(chars) + 1, len(_CHAR_KINDS)), -1, dtype=np.int64)
    if chars:
        char_rows[:-1] = [tables.chars[c] for c in chars]
    # bigrams with a feature or starting a word: sorted keys, and their rows (c-1c, cc1,
    # c-2c-1, the prefix bits, the id of the bigram as a word; the last row: none)
    word_id = {w: i for i, w in enumerate(tables.words)}
    starts = np.array([ord(ab[0]) << 21 | ord(ab[1]) for ab in prefix], dtype=np.int64)
    bits = np.fromiter(prefix.values(), dtype=np.int64, count=len(prefix))
    keys = np.concatenate([tables.bigram_keys, starts])  # their union (np.union1d: ~40x slower)
    keys.sort()
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    rows = np.full((len(keys) + 1, 5), -1, dtype=np.int64)
    rows[:, 3] = 0
    rows[np.searchsorted(keys, tables.bigram_keys), :3] = tables.bigram_rows
    rows[np.searchsorted(keys, starts), 3] = bits
    two = bits & (1 << 2) != 0  # the bigram is a word itself
    two_ids = [word_id[ab] for ab, b in zip(prefix, two.tolist(), strict=True) if b]
    rows[np.searchsorted(keys, starts[two]), 4] = np.array(two_ids, dtype=np.int64)
    return char_keys, char_rows, keys, rows


class _LazyFeatures(spacy_pkuseg.FeatureExtractor):
    """pkuseg's feature extractor with its dictionary words and tags at hand; its 2.6M feature
    names (and 1.1M bigrams) are read only if something asks for them: pkuseg's own path,
    which the fast one never takes on decoded text."""

    def __init__(self, model_dir: str, unigram: set[str], tag_to_idx: dict[str, int]) -> None:
        self._model_dir = model_dir
        self.unigram = unigram
        self.tag_to_idx = tag_to_idx

    def __getattr__(self, name: str):
        if name in ("feature_to_idx", "bigram"):  # absent until asked for
            full = _load_features(self._model_dir)
            self.feature_to_idx, self.bigram = full.feature_to_idx, full.bigram
            return getattr(full, name)
        raise AttributeError(name)


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


_HASH_BASE = 0x9E3779B97F4A7C15  # odd: invertible modulo 2**64
_HASH_SHIFT = 64 - 24  # the word filter keeps the top 24 bits of a hash: 2**24 bits, 2 MB


@numba.njit(cache=True, nogil=True)
def _hash_words(codes, starts, ends, power, bits):  # pragma: no cover
    """Sets the filter bit of h(w) = sum of codes[k] * base**(k - start) modulo 2**64 for each
    word codes[starts[j]:ends[j]] (numba's uint64 arithmetic wraps)."""
    shift = np.uint64(_HASH_SHIFT)
    for j in range(starts.shape[0]):
        h = np.uint64(0)
        for k in range(starts[j], ends[j]):
            h += np.uint64(codes[k]) * power[k - starts[j]]
        top = h >> shift
        bits[top >> np.uint64(3)] |= np.uint8(1) << np.uint8(top & np.uint64(7))


@numba.njit(cache=True, nogil=True)
def _window_hits(codes, bounds, power, inverse, bits):  # pragma: no cover
    """The windows of 7 down to 2 words (between bounds[i] and bounds[i + m]) whose h passes the
    filter: the i of each size m, ascending, one size after the other from 7 down (hits), and
    where each size's run ends in hits (ends[7 - m]). h of text[a:b] is (g[b] - g[a]) *
    base**-a with g the prefix sums of codes[k] * base**k."""
    n = codes.shape[0]
    g = np.zeros(n + 1, dtype=np.uint64)
    for k in range(n):
        g[k + 1] = g[k] + np.uint64(codes[k]) * power[k]
    shift = np.uint64(_HASH_SHIFT)
    hits = np.empty(6 * bounds.shape[0], dtype=np.int64)
    ends = np.zeros(6, dtype=np.int64)
    c = 0
    for m in range(7, 1, -1):
        for i in range(bounds.shape[0] - m):
            a = bounds[i]
            h = (g[bounds[i + m]] - g[a]) * inverse[a]
            top = h >> shift
            if (bits[top >> np.uint64(3)] >> np.uint8(top & np.uint64(7))) & np.uint8(1):
                hits[c] = i
                c += 1
        ends[7 - m] = c
    return hits[:c], ends


def _powers(base: int, n: int) -> np.ndarray:
    """base**0 .. base**(n-1) modulo 2**64 (uint64 products wrap)."""
    out = np.empty(n, dtype=np.uint64)
    out[0] = 1
    if n > 1:
        out[1:] = base
        np.cumprod(out, out=out)
    return out


class _WordHashes:
    """A filter that every dictionary word passes: one bit per value of the top 24 bits of
    h(w) = sum of ord(w[k]) * _HASH_BASE**k modulo 2**64 over the words (pkuseg's 390k set ~2 %
    of them). h of every window of words of a text comes from the text's prefix sums, so all
    windows are screened in one compiled pass (`_window_hits`); only those that pass are then
    sliced out and looked up in the dictionary itself, so the answer is exact."""

    def __init__(self, words: set[str], bits: np.ndarray | None = None) -> None:
        """The filter of `words`; `bits`: their filter as made before (`cached_word_hashes`)."""
        self.source = (id(words), len(words))
        self.power = self.inverse = np.ones(0, dtype=np.uint64)
        if bits is not None:
            self.bits = bits
            return
        self.bits = np.zeros(1 << (64 - _HASH_SHIFT - 3), dtype=np.uint8)
        listed = [w for w in words if w]
        if listed:
            lengths = np.fromiter(map(len, listed), dtype=np.int64, count=len(listed))
            ends = np.cumsum(lengths)
            self._grow(int(lengths.max()))
            _hash_words(self.codes("".join(listed)), ends - lengths, ends, self.power, self.bits)

    @staticmethod
    def codes(text: str) -> np.ndarray:
        """The code points of `text` (lone surrogates included)."""
        return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)

    def _grow(self, n: int) -> None:
        if n > len(self.power):
            size = max(n, 2 * len(self.power), 1024)
            self.power = _powers(_HASH_BASE, size)
            self.inverse = _powers(pow(_HASH_BASE, -1, 1 << 64), size)

    def windows(self, text: str, bounds: list[int]) -> dict[int, list[int]]:
        """Size m -> the i (ascending) for which text[bounds[i]:bounds[i + m]] may be a word;
        every window that is a word is among them."""
        self._grow(len(text))
        at = np.array(bounds, dtype=np.int64)
        hits, ends = _window_hits(self.codes(text), at, self.power, self.inverse, self.bits)
        flat, cut = hits.tolist(), [0, *ends.tolist()]
        return {7 - k: flat[cut[k] : cut[k + 1]] for k in range(6)}


def cached_word_hashes(words: set[str], dictionary: Path) -> _WordHashes:
    """`_WordHashes(words)` of the words of the pkuseg dictionary file `dictionary`, its bits
    kept in the load cache (kg.cache.load_artifact, keyed by the pipeline version and the
    file's name, size and time): hashing its 390k words took ~0.6 CPU s of every load."""
    from kg.cache import load_artifact, pipeline_version

    st = dictionary.stat()
    key = f"{pipeline_version()} {dictionary.resolve()} {st.st_size} {st.st_mtime_ns} {len(words)}"
    digest = hashlib.sha256(key.encode()).hexdigest()
    return _WordHashes(words, load_artifact("pkuseg-word-hashes", digest, lambda: _WordHashes(words).bits))


class _Postprocesser(spacy_pkuseg.Postprocesser):
    """pkuseg's merge of adjacent words that together make a dictionary word (windows of 7
    words down to 2, left to right, windows overlapping a merge skipped). The windows of a
    size are screened all at once by a hash filter of the dictionary (`_WordHashes`, which
    every word passes) and only those that pass are sliced out of the joined text and looked
    up, where pkuseg joins and looks up each: the same merges in the same order."""

    _hashes: _WordHashes | None = None

    def word_hashes(self) -> _WordHashes:
        """The hash filter of `other_words` (`FastPkuseg.load` sets it from the load cache; else
        built on first use)."""
        if self._hashes is None or self._hashes.source != (id(self.other_words), len(self.other_words)):
            self._hashes = _WordHashes(self.other_words)
        return self._hashes

    def post_process(self, sent: list[str], check_seperated: bool) -> list[str]:
        common, other = self.common_words, self.other_words
        text = "".join(sent)
        bounds = [0, *itertools.accumulate(map(len, sent))]
        screen = None if common else self.word_hashes()  # common words (none by default): no filter
        passing = screen.windows(text, bounds) if screen is not None and len(sent) > 1 else {}
        for m in range(7, 1, -1):
            if screen is not None:
                hits = [i for i in passing.get(m, ()) if text[bounds[i] : bounds[i + m]] in other]
            else:
                windows = [text[a:b] for a, b in zip(bounds, bounds[m:], strict=False)]
                hits = [i for i, w in enumerate(windows) if w in other or w in common]
            if not hits:
                continue
            inner: set[int] = set()  # bounds inside merged windows
            after = 0
            for i in hits:
                if i < after:
                    continue  # overlaps the window merged before it
                window = text[bounds[i] : bounds[i + m]]
                words = [text[bounds[j] : bounds[j + 1]] for j in range(i, i + m)]
                if window in common or not (check_seperated and all(w in common or w in other for w in words)):
                    inner.update(range(i + 1, i + m))
                    after = i + m
            if inner:
                bounds = [b for j, b in enumerate(bounds) if j not in inner]
                if screen is not None:  # the windows of the smaller sizes, over the new bounds
                    passing = screen.windows(text, bounds)
        return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


class FastPkuseg(spacy_pkuseg.pkuseg):
    """A loaded pkuseg segmenter whose features and CRF decode are computed by `_analyse`."""

    @classmethod
    def load(cls, model_dir: str) -> FastPkuseg:
        """The segmenter `spacy_pkuseg.pkuseg(model_dir)` loads (default user dictionary, no
        POS tags), with its features looked up in `cached_feature_tables` (pkuseg's own
        dictionary of them is read only if its own path runs)."""
        tables = cached_feature_tables(model_dir)
        if tables is None:
            return cls.wrap(spacy_pkuseg.pkuseg(model_dir))
        # what pkuseg.__init__ does for a model folder and user_dict="default"
        _config.modelDir = model_dir  # Model.load (and FeatureExtractor.load) read it
        fast = cls.__new__(cls)
        fast.postag = False
        fast.preprocesser = _Preprocesser(None)
        default_dict = Path(spacy_pkuseg.__file__).resolve().parent / "dicts" / "default.pkl"
        fast.postprocesser = _Postprocesser(None, [str(default_dict)])
        fast.postprocesser._hashes = cached_word_hashes(fast.postprocesser.other_words, default_dict)
        fast.feature_extractor = _LazyFeatures(model_dir, set(tables.words), tables.tag_to_idx)
        fast.model = spacy_pkuseg.Model.load(model_dir)
        fast.idx_to_tag = {idx: tag for tag, idx in tables.tag_to_idx.items()}
        fast.n_feature = tables.n_feature
        fast.n_tag = len(tables.tag_to_idx)
        from kg.cache import load_artifact

        # `lookup_tables`, kept in the load cache beside the tables (~0.15 CPU s of each load)
        key = hashlib.sha256(f"lookup {_model_key(model_dir)}".encode()).hexdigest()
        return fast._set_up(tables, load_artifact("pkuseg-lookup", key, lambda: lookup_tables(tables)))

    @classmethod
    def wrap(cls, seg: spacy_pkuseg.pkuseg) -> FastPkuseg:
        """The same segmenter (model, dictionaries, post-processing), with the fast path."""
        fast = _recast(cls, seg)
        fast.preprocesser = _recast(_Preprocesser, seg.preprocesser)
        fast.postprocesser = _recast(_Postprocesser, seg.postprocesser)
        return fast._set_up(feature_tables(seg.feature_extractor))

    def _set_up(self, tables: FeatureTables | None, lookup: tuple | None = None) -> FastPkuseg:
        """The fast path's tables and model arrays (tables None: pkuseg's own path only);
        `lookup`: `lookup_tables(tables)` if made before."""
        fast, seg = self, self
        fe = seg.feature_extractor
        n_tag = seg.model.n_tag
        fast._lengths = tuple(range(_config.wordMax, _config.wordMin - 1, -1))
        # Preconditions: pkuseg's default configuration; no dictionary word that contains a
        # normalised node or a working-string character; every feature name of a kind the
        # fast path knows (`feature_tables`: so none with pkuseg's "**noWord" on a side of a
        # pair, as the fast path looks up pairs of real words only). pkuseg's default model
        # meets them (tested); another model would take pkuseg's own path.
        words = "\n".join(fe.unigram)
        fast._fast = (
            tables is not None
            and _config.numLetterNorm
            and _config.wordFeature
            and not any(x in words for x in (*_NODE_CHAR, *_CHAR_NODE))
            and all(len(c) == 1 for c in (*fe.num, *fe.letter))  # normalised one char at a time
        )
        fast._tables = tables
        # pkuseg's normalize_text, one character per node: digits and letters to working chars
        fast._nodes = {ord(c): _NODE_CHAR["**Letter"] for c in fe.letter}
        fast._nodes.update({ord(c): _NODE_CHAR["**Num"] for c in fe.num})  # num wins, as in pkuseg
        # the model: node weights per feature and tag; edge scores as pkuseg's getLogYY has them
        w = np.asarray(seg.model.w, dtype=np.float64)
        fast._weights = w[: seg.model.n_feature * n_tag].reshape(-1, n_tag)
        backoff = seg.model.n_feature * n_tag  # then edge weights, [tag, previous tag]
        fast._edge = 1.0 + w[backoff : backoff + n_tag * n_tag].reshape(n_tag, n_tag).T  # [prev, tag]
        fast._begins = np.array(["B" in seg.idx_to_tag[t] for t in range(n_tag)])
        if tables is None:
            return fast
        fast._char_keys, fast._char_rows, fast._bigram_keys, fast._bigram_rows = (
            lookup if lookup is not None else lookup_tables(tables)
        )
        fast._word_id = {w: i for i, w in enumerate(tables.words)}
        return fast

    def _pair_ids(self, keys: np.ndarray) -> np.ndarray:
        """The features of the word pairs `keys` (`_pair_keys`, of word ids), -1 where none."""
        pair_keys = self._tables.pair_keys
        if not len(keys) or not len(pair_keys):
            return np.full(len(keys), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(pair_keys, keys), len(pair_keys) - 1)
        return np.where(pair_keys[at] == keys, self._tables.pair_ids[at], -1)

    def _char_row(self, c: str) -> tuple[int, ...]:
        """Features c., c-1., c1., c-2., c2. of a working-string character (-1: none)."""
        cid, _ = _lookup(np.array([ord(c)], dtype=np.int64), self._char_keys, self._bigram_keys)
        return tuple(self._char_rows[cid[0]].tolist())

    def _bigram_row(self, ab: str) -> tuple[int, ...]:
        """Features c-1c, cc1, c-2c-1 of a working-string bigram, the lengths (bits) of the
        dictionary words it starts and its id as a word (-1: none)."""
        _, bid = _lookup(np.array([ord(ab[0]), ord(ab[1])], dtype=np.int64), self._char_keys, self._bigram_keys)
        return tuple(self._bigram_rows[bid[0]].tolist())

    def _word_row(self, w: str) -> tuple[int, ...]:
        """Features w-1.<w> and w1.<w> of a dictionary word."""
        return tuple(self._tables.word_rows[self._word_id[w]].tolist())

    def _analyse(self, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """pkuseg's feature indices for each character of `text`, the same lists in the same
        order as its own extractor gives, as (offsets, ids): character i has
        ids[offsets[i]:offsets[i + 1]]. None: the text needs pkuseg's own path."""
        if not self._fast or "\ud800" in text or "\ud801" in text:
            return None
        s = self.feature_extractor.keyword_rename(text).translate(self._nodes)
        n = len(s)
        codes = np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        cid, bid = _lookup(codes, self._char_keys, self._bigram_keys)
        starts_with = self._bigram_rows[bid, 3]
        # the dictionary words of each length (longest first) that start (wstart[L, i]) or end
        # (wend[L, i], ending before i) at each position, as word ids; -1 where none. pkuseg
        # slices out of range as "", which is a word if the dictionary has it.
        n_len = len(self._lengths)
        wstart = np.full((n_len, n + 1), -1, dtype=np.int64)
        wend = np.full((n_len, n + 1), -1, dtype=np.int64)
        word_id = self._word_id
        edge = word_id.get("", -1)
        for row, ln in enumerate(self._lengths):
            at = np.flatnonzero(starts_with[: max(n - ln + 1, 0)] & (1 << ln))
            if ln == 2:  # a bigram is a word by itself (bit 2): its id is in its row
                found = self._bigram_rows[bid[at], 4]
            else:  # longer words are looked up
                ids = [word_id.get(s[i : i + ln], -1) for i in at.tolist()]
                found = np.array(ids, dtype=np.int64)
                at = at[found >= 0]
                found = found[found >= 0]
            if len(at):
                wstart[row, at] = found
                wend[row, at + ln] = found
            wstart[row, max(0, n - ln + 1) :] = edge
            wend[row, : min(ln, n + 1)] = edge
        keys = _pair_keys(wstart, wend)
        pair_ids = self._pair_ids(keys)
        word_rows = self._tables.word_rows
        return _gather(cid, bid, self._char_rows, self._bigram_rows, wstart, wend, word_rows, pair_ids)

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


_WHITESPACE = re.compile(r"\s+")  # str.isspace's characters (as str.split's), maximal runs


def _words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's util.get_words_and_spaces (the words and whitespace of `text` as Doc tokens),
    without spaCy's slicing of the rest of the text for every word (quadratic in the length of
    an article). When the words hold no whitespace and none is empty (pkuseg's), each lies
    between two runs of the text's whitespace: the words are copied in chunks and only the runs
    are looked at; otherwise `_words_and_spaces_one_by_one`. The same tokens either way."""
    joined_words = "".join("".join(words).split())
    if joined_words != "".join(text.split()):
        raise ValueError(Errors.E194.format(text=text, words=words))
    kept = [w for w in words if not w.isspace()]
    if "" in kept or "".join(kept) != joined_words:  # an empty word, or whitespace in a word
        return _words_and_spaces_one_by_one(words, text)
    # the index of the word that ends at each offset of the text without its whitespace
    ending = {end: k for k, end in enumerate(itertools.accumulate(map(len, kept)))}
    out: list[str] = []
    spaces: list[bool] = []
    done = 0  # words copied
    before = 0  # whitespace characters before the run
    for run in _WHITESPACE.finditer(text):
        a, b = run.span()
        at = a - before  # the run's offset in the text without whitespace
        before += b - a
        k = 0 if at == 0 else ending.get(at, -1) + 1  # the words before the run
        if k == 0 and at:
            return _words_and_spaces_one_by_one(words, text)  # a word across the run
        out += kept[done:k]
        spaces += [False] * (k - done)
        done = k
        if k and text[a] == " ":  # one space after a word is the word's
            spaces[-1] = True
            a += 1
        if a < b:
            out.append(text[a:b])
            spaces.append(False)
    out += kept[done:]
    spaces += [False] * (len(kept) - done)
    return out, spaces


def _words_and_spaces_one_by_one(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """`_words_and_spaces` for any words, one word at a time from the offset where the last
    one ended (spaCy slices the rest of the text for each)."""
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
        if self.segmenter == Segmenter.pkuseg and pkuseg_model and pkuseg_user_dict == "default":
            if pkuseg_model in _config.available_models:  # a name pkuseg would download: not here
                raise ValueError(f"pkuseg model {pkuseg_model!r}: give the folder of an installed model")
            self.pkuseg_seg = FastPkuseg.load(str(pkuseg_model))
            return
        super().initialize(get_examples, nlp=nlp, pkuseg_model=pkuseg_model, pkuseg_user_dict=pkuseg_user_dict)
        if self.pkuseg_seg is not None:
            self.pkuseg_seg = FastPkuseg.wrap(self.pkuseg_seg)


@registry.tokenizers("kg.PkusegTokenizer.v1")
def create_pkuseg_tokenizer() -> Callable[..., PkusegTokenizer]:
    def factory(nlp) -> PkusegTokenizer:
        return PkusegTokenizer(nlp.vocab, segmenter="pkuseg")

    return factory
