"""The shipped default scorer: loads offline, sane probabilities, bad input, determinism."""

from __future__ import annotations

import hashlib
import shutil
import unicodedata

import pytest

from moderation.scorers.artifact import ARTIFACT_NAME
from moderation.scorers.base import STANDARD_LABELS, Scorer
from moderation.scorers.sklearn_scorer import DEFAULT_MODEL_DIR, ModelLoadError, SklearnScorer
from moderation.scorers.text_prep import _INVISIBLE, prepare


@pytest.fixture(scope="module")
def scorer() -> SklearnScorer:
    return SklearnScorer.load()


def test_loads_shipped_artifact(scorer: SklearnScorer) -> None:
    assert isinstance(scorer, Scorer)
    assert scorer.labels == STANDARD_LABELS
    model_id, sha = scorer.name.removeprefix("sklearn:").split("@")
    assert model_id == "hashed-tfidf-lr-v2"
    # the name carries the shipped file's own digest, so a changed artifact changes the name
    shipped = hashlib.sha256((DEFAULT_MODEL_DIR / ARTIFACT_NAME).read_bytes()).hexdigest()
    assert sha == shipped[:12]
    assert (DEFAULT_MODEL_DIR / "MODEL_CARD.md").is_file()


def test_probabilities_in_range_for_every_label(scorer: SklearnScorer) -> None:
    out = scorer.score(["Thanks for the thoughtful article.", "you are a moron", ""])
    assert len(out) == 3
    for row in out:
        assert set(row) == set(STANDARD_LABELS)
        assert all(0.0 <= v <= 1.0 for v in row.values())


def test_abusive_scores_higher_than_polite(scorer: SklearnScorer) -> None:
    polite, abusive = scorer.score([
        "Thank you for the balanced reporting on the council budget, very informative.",
        "Shut up you fucking idiot, you stupid piece of shit.",
    ])
    assert abusive["toxicity"] > polite["toxicity"] + 0.3
    assert abusive["insult"] > polite["insult"]
    assert abusive["obscene"] > polite["obscene"]


def test_spam_head_ranks_promotion(scorer: SklearnScorer) -> None:
    ham, spam = scorer.score([
        "The minister should answer the questions about the housing budget.",
        "Check out my channel and subscribe!! http://www.example.com/free-money",
    ])
    assert spam["spam"] > ham["spam"]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀😂🎉", "\ud800 lone surrogate", "\x00\x07 control", "مرحبا بالعالم",
     "a" * 100_000, ("word " * 20_000)],
    ids=["empty", "spaces", "emoji", "surrogate", "control", "rtl", "100k-char", "100k-words"],
)
def test_bad_input_does_not_crash(scorer: SklearnScorer, text: str) -> None:
    (row,) = scorer.score([text])
    assert all(0.0 <= v <= 1.0 for v in row.values())


def test_empty_batch(scorer: SklearnScorer) -> None:
    assert scorer.score([]) == []


def test_deterministic_and_batch_independent(scorer: SklearnScorer) -> None:
    texts = ["you are an idiot", "Good point about taxes.", "Subscribe to my channel"]
    a = scorer.score(texts)
    b = scorer.score(texts)
    singles = [scorer.score([t])[0] for t in texts]
    assert a == b
    for x, y in zip(a, singles, strict=True):
        assert x == pytest.approx(y, abs=1e-6)
    assert SklearnScorer.load().name == scorer.name


def test_missing_artifact_gives_clear_error(tmp_path) -> None:
    with pytest.raises(ModelLoadError, match="not found"):
        SklearnScorer.load(tmp_path)


def test_corrupt_artifact_gives_clear_error(tmp_path) -> None:
    (tmp_path / "model.npz").write_bytes(b"this is not a zip file")
    with pytest.raises(ModelLoadError, match="corrupt"):
        SklearnScorer.load(tmp_path)


def test_env_var_selects_model(tmp_path, monkeypatch) -> None:
    shutil.copy(DEFAULT_MODEL_DIR / "model.npz", tmp_path / "model.npz")
    monkeypatch.setenv("MODERATION_MODEL_PATH", str(tmp_path))
    assert SklearnScorer.load().name == SklearnScorer.load(DEFAULT_MODEL_DIR).name
    monkeypatch.setenv("MODERATION_MODEL_PATH", str(tmp_path / "nowhere"))
    with pytest.raises(ModelLoadError):
        SklearnScorer.load()


# ---- text_prep ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I don&#39;t &amp;amp; won&#39;t", "i don't & won't"),
        ("line<br />break<br>again", "line break again"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("hi @some_user!", "hi xxuser !"),
        ("see https://example.com/x?a=1 now", "see xxurl now"),
        ("mail me at joe.doe@mail.com", "mail me at xxemail"),
        ("visit www.spam.biz", "visit xxurl"),
        ("ＦＵＬＬ width", "full width"),
        ("A\\\\xc2\\\\xa0majority\\\\n\\\\nof", "a majority of"),
        ("caf\\xe9 \\u00e9t\\u00e9", "café été"),
    ],
)
def test_prepare(raw: str, expected: str) -> None:
    assert prepare(raw) == expected


def test_invisible_ranges_cover_unicode_format_chars() -> None:
    missing = [
        hex(c) for c in range(0x110000)
        if unicodedata.category(chr(c)) in ("Cf", "Cc", "Cs") and not _INVISIBLE.match(chr(c))
    ]
    assert missing == []


@pytest.mark.parametrize("char_min,char_max", [(2, 5), (1, 3), (3, 3)])
def test_char_ngram_hashes_follow_their_definition(char_min: int, char_max: int) -> None:
    """The vectorised rolling hash gives each n-gram exactly the hash its definition gives
    (the shipped model's features must never drift): checked one n-gram at a time."""
    import numpy as np

    from moderation.scorers import featurize as F

    texts = ["Hello, world", "", "a", "naïve café 😀", "x" * 40]
    cfg = F.FeatureConfig(char_min=char_min, char_max=char_max)
    rows, cols = F._char_entries(texts, cfg)
    expected = []
    mask = (1 << cfg.char_bits) - 1
    for row, text in enumerate(texts):  # uint64 arithmetic wraps on purpose
        padded = [ord(c) for c in f" {text} "]
        for n in range(char_min, char_max + 1):
            for i in range(len(padded) - n + 1):
                h = np.uint64(padded[i])
                with np.errstate(over="ignore"):
                    for c in padded[i + 1:i + n]:
                        h = h * F._PRIME + np.uint64(c)
                g = F._mix(np.array([h ^ np.uint64(n * 0x51ED27)], dtype=np.uint64))[0]
                expected.append((row, int(g) & mask))
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == sorted(expected)


# ---------------------------------------------------------------- which words pushed the score


def test_explain_returns_spans_of_the_original_text_that_raise_the_score() -> None:
    from moderation.scorers.sklearn_scorer import SklearnScorer

    scorer = SklearnScorer.load()
    text = "What a PATHETIC excuse for a journalist, honestly."
    spans = scorer.explain(text, ["insult", "toxicity"])
    assert set(spans) == {"insult", "toxicity"}
    for label, evidence in spans.items():
        assert evidence, label
        for e in evidence:
            assert text[e.start:e.end] == e.text
            assert e.term is not None and e.term.startswith(f"{label} +")
    assert "PATHETIC" in {e.text for e in spans["insult"]}
    # leaving the highlighted words out really lowers the score
    col = scorer.labels.index("insult")
    kept = "".join(" " if any(e.start <= i < e.end for e in spans["insult"]) else ch
                   for i, ch in enumerate(text))
    assert scorer.logits([kept])[0, col] < scorer.logits([text])[0, col]


def test_word_pushes_add_up_to_the_models_log_odds() -> None:
    # the attribution uses the featurizer's hashing with positions: if they ever disagree, the
    # per-word shares no longer sum to what the model computes
    import numpy as np

    from moderation.scorers.attribution import word_pushes
    from moderation.scorers.sklearn_scorer import SklearnScorer
    from moderation.scorers.text_prep import prepare

    scorer = SklearnScorer.load()
    for text in ("You people are a disgrace to this country",
                 "Ｆｕｌｌｗｉｄｔｈ and café, naïve 😀 emoji!!", "x"):
        prepared = prepare(text)
        words, push, rest = word_pushes(prepared, scorer.features, scorer.weights)
        assert [w.group() for w in words] == prepared.split() or "!" in text
        assert np.allclose(push.sum(axis=0) + rest + scorer.bias, scorer.logits([text])[0],
                           atol=1e-4)


def test_explain_maps_through_links_by_leaving_words_out() -> None:
    from moderation.scorers.sklearn_scorer import SklearnScorer

    text = "Check http://x.co/a you moron"  # the model sees "check xxurl you moron"
    spans = SklearnScorer.load().explain(text, ["insult"])["insult"]
    assert [(e.start, e.end, e.text) for e in spans] == [(24, 29, "moron")]


def test_explain_skips_function_words_and_words_that_lower_the_score() -> None:
    from moderation.scorers.attribution import word_pushes
    from moderation.scorers.sklearn_scorer import SklearnScorer
    from moderation.scorers.text_prep import prepare

    scorer = SklearnScorer.load()
    text = "you are a complete waste of space"
    spans = scorer.explain(text, ["toxicity"])["toxicity"]
    assert spans and not {e.text.lower() for e in spans} & {"you", "are", "a", "of"}
    assert all(float(e.term.split("+")[1]) > 0 for e in spans)  # type: ignore[union-attr]
    words, push, _ = word_pushes(prepare(text), scorer.features, scorer.weights,
                                 [scorer.labels.index("toxicity")])
    lowering = {w.group() for w, p in zip(words, push[:, 0], strict=True) if p <= 0}
    assert lowering  # the shipped model (v2) scores "space" here as lowering the score
    assert not lowering & {e.text for e in spans}  # leaving them out would raise the score
    assert scorer.explain("whatever", ["not_a_label"]) == {}


def test_model_reasons_carry_the_words_as_evidence() -> None:
    from moderation.engine import Engine
    from moderation.models import Comment
    from moderation.policy import load_policy
    from moderation.scorers.sklearn_scorer import SklearnScorer

    text = "Muslims are ruining everything, they should all leave"  # no rule names it
    d = Engine(load_policy(None), SklearnScorer.load()).decide(Comment(text=text))
    model = [r for r in d.reasons if r.source == "model"]
    assert model and not [r for r in d.reasons if r.source == "rule"]  # a model-only flag
    assert d.action == "review"
    for r in model:
        assert r.evidence and all(text[e.start:e.end] == e.text for e in r.evidence)
    # a comment the model rejects alone is not explained (nobody reviews it; the cost is spared)
    rejected = Engine(load_policy(None), SklearnScorer.load()).decide(
        Comment(text="Typical lefty nonsense, pure garbage"))
    assert rejected.action == "reject"
    assert [r.evidence for r in rejected.reasons if r.source == "model"] == [[], []]


def test_ascii_hint_search_finds_what_the_full_one_finds() -> None:
    """The Kurdish-word mask looks for its hints in ASCII text with a shorter regex (speed); it
    must find a hint exactly where the full one does."""
    import csv
    import itertools
    from pathlib import Path

    from moderation.scorers import text_prep as tp

    hints = ["kurd", "pkk", "hdp", "ypg", "ypj", "pyd", "pjak", "peshm", "rojava", "calan"]
    near = ["kur", "pk", "hd", "yp", "py", "pja", "pesh", "roja", "cala", "pe", "k", "p", "y"]
    texts = ["".join(p) for p in itertools.product(hints + near + ["", " x"], repeat=2)]
    root = Path(__file__).resolve().parents[1]
    with open(root / "tests/functional/cases.csv", encoding="utf-8", newline="") as f:
        texts += [tp.prepare_unmasked(row["text"]) for row in csv.DictReader(f)]
    texts = [t for t in texts if t.isascii()]
    assert len(texts) > 1000
    assert [t for t in texts if bool(tp._KURDISH_HINT_ASCII.search(t))
            != bool(tp._KURDISH_HINT.search(t))] == []
    assert sum(bool(tp._KURDISH_HINT.search(t)) for t in texts) > 50
