"""The learned inbound reader (issue 11 item 1): weights from the package, no network,
deterministic scores, evidence shape, hyperbole left alone, clear cases found."""

from __future__ import annotations

import importlib.util
import re
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.compliance import Category, InboundGuard, detect
from bot.compliance.inbound import default_guard
from bot.nlu import model

ROOT = Path(__file__).resolve().parents[1]
HYPERBOLE = [
    ("this game is killing me lol", "en"),
    ("my boss will kill me", "en"),
    ("I'm dying to get this sorted", "en"),
    ("累死了", "zh_CN"),
    ("笑死我了", "zh_CN"),
    ("I can pay 200 a month", "en"),
    ("每个月可以还五百", "zh_CN"),
]
EVIDENCE = re.compile(r"^model:[a-z_]+:[01]\.\d\d$")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_issue11_weights_load_from_the_package() -> None:
    heads = model.guard_heads()
    assert heads is not None, "bot/nlu/weights/guard.npz is missing"
    assert set(heads.labels) == {c.value for c in Category} - {"none"}
    assert heads.version.startswith("guard-1-")
    assert model.GUARD_WEIGHTS.is_relative_to(Path(model.__file__).parent)
    assert sum(p.stat().st_size for p in model.WEIGHTS.glob("*.npz")) <= 3 * 1024 * 1024
    thresholds = model.guard_thresholds()
    assert set(thresholds) == set(heads.labels)
    assert all(0.5 <= t <= 1.01 for t in thresholds.values())


def test_issue11_scores_are_deterministic_and_cached() -> None:
    text = "honestly i dont see the point of anything anymore"
    first = model.guard_scores(text)
    assert set(first) == set(model.guard_thresholds())
    assert all(0.0 <= s <= 1.0 for s in first.values())
    model._features.cache_clear()
    assert model.guard_scores(text) == first
    feats = model.features(text, model.guard_heads().config)  # type: ignore[union-attr]
    assert feats is model.features(text, model.guard_heads().config)  # type: ignore[union-attr]
    assert not feats.encoding.flags.writeable


def test_issue11_encoder_vector_is_unit_length() -> None:
    vector = model.ENCODER.encode(["I want to die"])[0]
    assert vector.shape == (512,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3


@pytest.mark.parametrize(("text", "lang"), HYPERBOLE)
def test_issue11_hyperbole_and_ordinary_chat_do_not_fire(text: str, lang: str) -> None:
    detection = detect(text, lang)
    assert detection.category is Category.NONE, detection


@pytest.mark.parametrize(
    ("text", "lang", "category"),
    [
        ("i want to kill myself", "en", Category.SELF_HARM),
        ("我不想活了", "zh_CN", Category.SELF_HARM),
        ("my husband passed away last month, this was his account", "en", Category.DECEASED),
        ("I filed for chapter 7 bankruptcy", "en", Category.BANKRUPTCY),
        ("我已经申请个人破产了", "zh_CN", Category.BANKRUPTCY),
        ("my solicitor is handling this now, talk to them", "en", Category.ATTORNEY),
        ("stop contacting me", "en", Category.CEASE_CONTACT),
        ("别再给我发消息了", "zh_CN", Category.CEASE_CONTACT),
        ("this debt isn't mine, I never took out this loan", "en", Category.DISPUTE),
        ("wrong number, I don't know who that is", "en", Category.THIRD_PARTY),
    ],
)
def test_issue11_clear_cases_fire(text: str, lang: str, category: Category) -> None:
    assert category in detect(text, lang).categories


def test_issue11_model_hits_say_so_in_evidence() -> None:
    heads = model.guard_heads()
    assert heads is not None
    lexicon_only = InboundGuard(default_guard().lexicons, model=False)
    # A message the model reads and the lexicons do not (found among clear paraphrases).
    candidates = [
        "everyones life would be easier if i just wasnt in it",
        "no job no money no reason to stay alive",
        "i bought rope today. you can guess why",
        "this number belongs to someone else now, i got it last year",
        "leave the debt to my estate, i won't be needing it long",
    ]
    seen = 0
    for text in candidates:
        with_model = default_guard().detect(text, "en")
        lexical = lexicon_only.detect(text, "en")
        extra = set(with_model.categories) - set(lexical.categories)
        for category in extra:
            seen += 1
            (proof,) = [e for e in with_model.evidence if e.startswith(f"model:{category}:")]
            assert EVIDENCE.match(proof)
            score = float(proof.rsplit(":", 1)[1])
            assert score >= round(heads.thresholds[category.value], 2) - 0.01
        for phrase in lexical.evidence:  # the lexicon's evidence is kept as it was
            assert phrase in with_model.evidence
    assert seen, "the model added nothing to the lexicons on clear paraphrases"


def test_issue11_lexicon_only_guard_has_no_model_evidence() -> None:
    guard = InboundGuard(default_guard().lexicons, model=False)
    detection = guard.detect("everyones life would be easier if i just wasnt in it", "en")
    assert not any(e.startswith("model:") for e in detection.evidence)


def test_issue11_huge_input_is_bounded() -> None:
    text = "I can pay 200 a month. " * 5_000 + "i want to kill myself"
    assert len(model.model_text(text)) <= model.MAX_MODEL_CHARS + 1
    assert Category.SELF_HARM in detect(text, "en").categories


@pytest.mark.skipif(
    importlib.util.find_spec("sklearn") is None, reason="scikit-learn (the train extra) absent"
)
def test_issue11_training_script_reproduces_the_committed_weights() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train_models.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
