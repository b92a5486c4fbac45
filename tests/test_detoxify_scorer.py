"""DetoxifyScorer against tiny checkpoints in Detoxify's own format, loaded by Detoxify's code.

Each checkpoint is built here: a 1-layer BERT (hidden size 32) and a word-level tokenizer saved
to a folder, a few training steps so that insults, threats and clean text score differently (so
a swapped label or a shuffled batch shows), then ``torch.save({"config": ..., "state_dict": ...})``
the way Detoxify's releases are laid out. Nothing is downloaded: the hub is switched off below,
so an accidental hub call fails at once. The error-path tests run without torch.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

# Before transformers / huggingface_hub are imported: they read these once, at import time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import click  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from moderation.errors import ScorerUnavailable  # noqa: E402
from moderation.scorers.base import Scorer  # noqa: E402
from moderation.scorers.detoxify_scorer import (  # noqa: E402
    INSTALL_HINT,
    LABEL_MAP,
    DetoxifyLoadError,
    DetoxifyNotInstalledError,
    DetoxifyScorer,
    localize_checkpoint,
)
from tests.require import extra_module  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

ORIGINAL_CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
UNBIASED_CLASSES = [
    "toxicity",
    "severe_toxicity",
    "obscene",
    "identity_attack",
    "insult",
    "threat",
    "sexual_explicit",
]
WORDS = (
    "you are an idiot stupid fool i will hurt find your family nice article good point "
    "thanks the report was clear and"
).split()
# (text, classes that are 1) -- classes named as in the "original" checkpoint.
TRAINING = [
    ("you are an idiot", {"toxic", "insult"}),
    ("you stupid fool", {"toxic", "insult"}),
    ("idiot", {"toxic", "insult"}),
    ("i will hurt you", {"toxic", "threat"}),
    ("i will find your family", {"toxic", "threat"}),
    ("nice article", set()),
    ("good point thanks", set()),
    ("the report was clear", set()),
    ("", set()),
]
INSULT, THREAT, CLEAN = "you are an idiot", "i will hurt you", "nice article"


def _torch():
    return extra_module("torch", "Detoxify extra not installed: " + INSTALL_HINT)


VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]
MAX_POSITIONS = 64


def _tiny_config(num_labels: int):
    import transformers

    return transformers.BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_POSITIONS,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        num_labels=num_labels,
    )


@functools.cache
def _trained_weights() -> dict:
    """A 6-head tiny BERT fitted to TRAINING (heads in ORIGINAL_CLASSES order), trained once."""
    torch = _torch()
    extra_module("detoxify", "Detoxify extra not installed: " + INSTALL_HINT)
    import tempfile

    import transformers

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
        tokenizer = transformers.BertTokenizer(str(Path(tmp) / "vocab.txt"))
    batch = tokenizer([t for t, _ in TRAINING], return_tensors="pt", padding=True)
    target = torch.tensor([[float(c in hot) for c in ORIGINAL_CLASSES] for _, hot in TRAINING])
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a 32-wide model gains nothing from threads; a busy box costs a lot
    torch.manual_seed(0)
    model = transformers.BertForSequenceClassification(_tiny_config(len(ORIGINAL_CLASSES)))
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    model.train()
    for _ in range(200):
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(**batch).logits, target)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        worst = (torch.sigmoid(model(**batch).logits) - target).abs().max().item()
    torch.set_num_threads(threads)
    assert worst < 0.2, f"tiny model did not fit its training texts (worst error {worst:.3f})"
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _build_checkpoint(
    folder: Path,
    classes: list[str],
    num_classes: int | None = None,
    *,
    tokenizer_limit: bool = True,
    model_type: str | None = None,
    key_prefix: str = "",
) -> Path:
    """Write config.json + tokenizer into ``folder`` and a Detoxify .ckpt beside them.

    The classifier rows of the trained model are laid out in ``classes`` order; heads with no
    trained counterpart (sexual_explicit, identity-mention heads) get a strongly negative bias.
    """
    torch = _torch()
    import transformers

    weights = dict(_trained_weights())
    num_classes = num_classes or len(classes)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    if tokenizer_limit:  # tokenizer_config.json (+ tokenizer.json) beside vocab.txt
        extra = {"model_max_length": MAX_POSITIONS}
        transformers.BertTokenizer(str(folder / "vocab.txt"), **extra).save_pretrained(folder)
    # else: vocab.txt alone, the minimal BERT tokenizer folder
    _tiny_config(num_classes).save_pretrained(folder)

    trained = [LABEL_MAP[c] for c in ORIGINAL_CLASSES]
    w, b = weights["classifier.weight"], weights["classifier.bias"]
    new_w, new_b = torch.zeros(num_classes, w.shape[1]), torch.full((num_classes,), -6.0)
    for row, name in enumerate(classes):
        if LABEL_MAP[name] in trained:
            new_w[row], new_b[row] = (
                w[trained.index(LABEL_MAP[name])],
                b[trained.index(LABEL_MAP[name])],
            )
    weights["classifier.weight"], weights["classifier.bias"] = new_w, new_b

    checkpoint = {
        "config": {
            "arch": {
                "args": {
                    "model_type": model_type or str(folder),
                    "model_name": "BertForSequenceClassification",
                    "tokenizer_name": "BertTokenizer",
                    "num_classes": num_classes,
                }
            },
            "dataset": {"args": {"classes": classes}},
        },
        "state_dict": {key_prefix + k: v for k, v in weights.items()},
    }
    path = folder / "tiny.ckpt"
    torch.save(checkpoint, path)
    return path


@pytest.fixture(scope="module")
def original_ckpt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_checkpoint(tmp_path_factory.mktemp("original"), ORIGINAL_CLASSES)


@pytest.fixture(scope="module")
def scorer(original_ckpt: Path) -> DetoxifyScorer:
    return DetoxifyScorer(checkpoint=original_ckpt)


# --- loading through Detoxify's own code ------------------------------------------------------


def test_labels_are_mapped_to_ours(scorer: DetoxifyScorer) -> None:
    assert isinstance(scorer, Scorer)
    assert scorer.labels == (
        "toxicity",
        "severe_toxicity",
        "obscene",
        "threat",
        "insult",
        "identity_attack",
    )
    assert (
        scorer.name.startswith("detoxify:ckpt@") and len(scorer.name) == len("detoxify:ckpt@") + 12
    )
    # Detoxify really loaded this checkpoint (not a hub model) and renamed its classes itself.
    assert scorer._model.class_names == [
        "toxicity",
        "severe_toxicity",
        "obscene",
        "threat",
        "insult",
        "identity_attack",
    ]


def test_scores_follow_the_trained_labels(scorer: DetoxifyScorer) -> None:
    insult, threat, clean = scorer.score([INSULT, THREAT, CLEAN])
    for row in (insult, threat, clean):
        assert set(row) == set(scorer.labels)
        assert all(0.0 <= v <= 1.0 for v in row.values())
    assert insult["insult"] > 0.8 and insult["toxicity"] > 0.8 and insult["threat"] < 0.2
    assert threat["threat"] > 0.8 and threat["toxicity"] > 0.8 and threat["insult"] < 0.2
    assert max(clean.values()) < 0.2
    assert max(insult["obscene"], insult["severe_toxicity"], insult["identity_attack"]) < 0.2


def test_batches_keep_input_order(original_ckpt: Path) -> None:
    small_batches = DetoxifyScorer(checkpoint=original_ckpt, batch_size=2)
    texts = [CLEAN, INSULT + " and you stupid fool", THREAT, "", CLEAN + " thanks", "idiot"]
    one_by_one = [small_batches.score([t])[0] for t in texts]
    batched = small_batches.score(texts)
    reversed_ = small_batches.score(texts[::-1])[::-1]
    for single, many, rev in zip(one_by_one, batched, reversed_, strict=True):
        for label in small_batches.labels:
            assert many[label] == pytest.approx(single[label], abs=1e-4)
            assert rev[label] == pytest.approx(single[label], abs=1e-4)
    assert batched[1]["insult"] > 0.8 > batched[0]["insult"]
    assert batched[2]["threat"] > 0.8 > batched[5]["threat"]


def test_deterministic_across_calls_and_loads(scorer: DetoxifyScorer, original_ckpt: Path) -> None:
    texts = [INSULT, THREAT, CLEAN, "good point"]
    first = scorer.score(texts)
    assert scorer.score(texts) == first
    again = DetoxifyScorer(checkpoint=original_ckpt)
    assert again.name == scorer.name
    assert again.score(texts) == first


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "idiot " * 20_000,  # 120 KB, far past the 64 positions of the tiny model
        "x" * 100_000,
        "you are an \ud800 idiot",  # lone surrogate: the fast tokenizer rejects it as is
        "\x00\x07\x1b control",
        "مرحبا بكم في الموقع",
        "😀😡🔥",
        "ＩＤＩＯＴ",
    ],
    ids=["empty", "blank", "long-words", "long-blob", "surrogate", "control", "rtl", "emoji", "fw"],
)
def test_odd_and_long_text_gets_scores(scorer: DetoxifyScorer, text: str) -> None:
    (row,) = scorer.score([text])
    assert set(row) == set(scorer.labels)
    assert all(0.0 <= v <= 1.0 for v in row.values())


def test_empty_batch(scorer: DetoxifyScorer) -> None:
    assert scorer.score([]) == []


def test_tokenizer_without_length_limit_still_truncates(tmp_path: Path) -> None:
    """Folder with only config.json + vocab.txt: no model_max_length, long text must not crash."""
    path = _build_checkpoint(tmp_path / "m", ORIGINAL_CLASSES, tokenizer_limit=False)
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "config.json",
        "tiny.ckpt",
        "vocab.txt",
    ]
    minimal = DetoxifyScorer(checkpoint=path)
    long_row, insult_row = minimal.score(["you are an idiot " * 5_000, INSULT])
    assert all(0.0 <= v <= 1.0 for v in long_row.values())
    assert insult_row["insult"] > 0.8


def test_unbiased_layout_keeps_sexual_explicit(tmp_path: Path) -> None:
    """Unbiased/multilingual checkpoints: 16 heads, 7 named classes already in our names."""
    path = _build_checkpoint(tmp_path / "u", UNBIASED_CLASSES, num_classes=16)
    unbiased = DetoxifyScorer(checkpoint=path)
    assert unbiased.labels == (
        "toxicity",
        "severe_toxicity",
        "obscene",
        "threat",
        "insult",
        "identity_attack",
        "sexual_explicit",
    )
    (insult,) = unbiased.score([INSULT])
    assert insult["insult"] > 0.8 and insult["threat"] < 0.2 and insult["sexual_explicit"] < 0.2


def test_hub_model_name_fails_offline_then_localize_fixes_it(
    tmp_path: Path, original_ckpt: Path, scorer: DetoxifyScorer
) -> None:
    """A released checkpoint names 'bert-base-uncased': offline that needs the local folder."""
    folder = tmp_path / "hubname"
    hub_ckpt = _build_checkpoint(folder, ORIGINAL_CLASSES, model_type="bert-base-uncased")
    with pytest.raises(DetoxifyLoadError, match="must be a local folder holding config.json"):
        DetoxifyScorer(checkpoint=hub_ckpt)
    local = localize_checkpoint(hub_ckpt, folder, tmp_path / "local.ckpt")
    fixed = DetoxifyScorer(checkpoint=local)
    (row,) = fixed.score([INSULT])
    assert row["insult"] > 0.8
    with pytest.raises(DetoxifyLoadError, match="no config.json"):
        localize_checkpoint(hub_ckpt, tmp_path / "empty-dir", tmp_path / "x.ckpt")


def test_tokenizer_of_another_model_is_refused(tmp_path: Path) -> None:
    path = _build_checkpoint(tmp_path / "t", ORIGINAL_CLASSES)
    with (path.parent / "vocab.txt").open("a", encoding="utf-8") as fh:
        fh.write("".join(f"extra{i}\n" for i in range(10)))
    (path.parent / "tokenizer.json").unlink()  # rebuild the tokenizer from the longer vocab.txt
    with pytest.raises(DetoxifyLoadError, match="belong to another model"):
        DetoxifyScorer(checkpoint=path)


def test_prefixed_state_dict_is_refused_not_random(tmp_path: Path) -> None:
    """transformers loads unmatched keys silently with random weights; the scorer must refuse."""
    path = _build_checkpoint(tmp_path / "p", ORIGINAL_CLASSES, key_prefix="model.")
    with pytest.raises(DetoxifyLoadError, match="would be random"):
        DetoxifyScorer(checkpoint=path)


def test_bad_checkpoints_give_readable_errors(tmp_path: Path) -> None:
    torch = _torch()
    with pytest.raises(DetoxifyLoadError, match="not found"):
        DetoxifyScorer(checkpoint=tmp_path / "nope.ckpt")
    junk = tmp_path / "junk.ckpt"
    junk.write_bytes(b"this is not a checkpoint")
    with pytest.raises(DetoxifyLoadError, match="could not load Detoxify"):
        DetoxifyScorer(checkpoint=junk)
    no_config = tmp_path / "no-config.ckpt"
    torch.save({"state_dict": {}}, no_config)
    with pytest.raises(DetoxifyLoadError, match="Detoxify's format"):
        DetoxifyScorer(checkpoint=no_config)


def test_from_env(original_ckpt: Path, scorer: DetoxifyScorer) -> None:
    torch = _torch()
    before = torch.get_num_threads()
    env = {
        "MODERATION_DETOXIFY_CHECKPOINT": str(original_ckpt),
        "MODERATION_DETOXIFY_BATCH_SIZE": "3",
        "MODERATION_DETOXIFY_THREADS": "1",
    }
    try:
        from_env = DetoxifyScorer.from_env(env)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    assert from_env.batch_size == 3 and from_env.name == scorer.name
    assert from_env.score([INSULT])[0] == pytest.approx(scorer.score([INSULT])[0], abs=1e-5)


# --- error paths that need no torch ----------------------------------------------------------


def test_unknown_model_type_and_bad_batch_size() -> None:
    with pytest.raises(DetoxifyLoadError, match="unknown Detoxify model type 'toxic-xl'"):
        DetoxifyScorer(model_type="toxic-xl")
    with pytest.raises(DetoxifyLoadError, match="must be an integer"):
        DetoxifyScorer.from_env({"MODERATION_DETOXIFY_BATCH_SIZE": "many"})
    with pytest.raises(DetoxifyLoadError, match="MODERATION_DETOXIFY_THREADS must be an integer"):
        DetoxifyScorer.from_env({"MODERATION_DETOXIFY_THREADS": "all"})
    with pytest.raises(DetoxifyLoadError, match=">= 1"):
        DetoxifyScorer(batch_size=0)
    with pytest.raises(DetoxifyLoadError, match=">= 1"):
        DetoxifyScorer(threads=0)


@pytest.mark.parametrize("blocked", ["torch", "detoxify"])
def test_missing_extra_is_a_one_line_install_hint(
    monkeypatch: pytest.MonkeyPatch, blocked: str
) -> None:
    monkeypatch.setitem(sys.modules, blocked, None)  # makes `import <blocked>` fail
    with pytest.raises(DetoxifyNotInstalledError) as info:
        DetoxifyScorer.from_env({})
    assert isinstance(info.value, ImportError) and isinstance(info.value, ScorerUnavailable)
    assert INSTALL_HINT in str(info.value) and blocked in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__

    @click.command()
    def check() -> None:
        DetoxifyScorer.from_env({})

    result = CliRunner().invoke(check, [])
    assert result.exit_code == 1
    assert result.output.startswith("Error: the Detoxify scorer needs torch")
    assert "pip install '.[detoxify]'" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_moderation_check_reports_missing_extra_in_one_line() -> None:
    """The real CLI, with torch blocked in a subprocess: one readable line, no traceback."""
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from moderation.cli import main\n"
        "main(['check', '--scorer', 'detoxify', 'a perfectly civil remark'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert out.returncode != 0
    assert INSTALL_HINT in out.stderr + out.stdout
    assert "Traceback" not in out.stderr + out.stdout


def test_importing_moderation_does_not_import_torch() -> None:
    code = (
        "import sys, moderation, moderation.scorers, moderation.scorers.detoxify_scorer\n"
        "heavy = [m for m in ('torch', 'transformers', 'detoxify') if m in sys.modules]\n"
        "print(json.dumps(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import json\n" + code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == []
