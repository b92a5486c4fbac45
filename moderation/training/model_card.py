"""Write MODEL_CARD.md from the training report: data, mapping, scores, thresholds, limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moderation.training import datasets as ds


def _f(v: Any, pct: bool = False) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v * 100:.1f}%" if pct else f"{v:.3f}"
    return str(v)


def _policy_sections(r: dict[str, Any]) -> list[str]:
    """Held-out news / language groups at the policy's thresholds, SFU, the Kurdish probe."""
    if "groups" not in r:
        return []
    out = [
        "",
        "## At the shipped policy's thresholds (model only, held-out rows)",
        "Per-label thresholds the engine applies with `policies/default.yaml` (lowest "
        "`review_at` / `reject_at` of the categories reading the label): "
        + ", ".join(f"{k} {v['review_at']:g}/{v['reject_at']:g}"
                    for k, v in r["policy_thresholds"].items())
        + ". Clean = toxicity 0 in its set, violating = toxicity 1. Rules not included "
        "(`moderation evaluate` measures rules + model).",
        "",
        "| held-out rows | n clean / violating | toxicity ROC AUC | AP | clean rejected | "
        "clean to review | violating caught (reject or review) | violating rejected |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = dict(r["groups"])
    if "sfu_policy" in r:
        rows["SFU news (evaluation only; level 3-4 vs 1)"] = r["sfu_policy"]
    for name, m in rows.items():
        out.append(
            f"| {name} | {m.get('n_clean', 0)} / {m.get('n_violating', 0)} | "
            f"{_f(m.get('roc_auc'))} | {_f(m.get('avg_precision'))} | "
            f"{_f(m.get('clean_rejected'), True)} | {_f(m.get('clean_reviewed'), True)} | "
            f"{_f(m.get('violating_caught'), True)} | {_f(m.get('violating_rejected'), True)} |"
        )
    if "probe" in r:
        out += [
            "",
            "### Kurdish-word probe (`moderation/training/group_probe.py`)",
            "Neutral sentences in two versions that differ only in the group word (Kurds / a "
            "Kurdish party vs. farmers, teachers, another party). Toxicity difference Kurdish "
            "minus neutral, and how many Kurdish versions reach a review threshold the neutral "
            "one does not:",
            "",
            "| language | pairs | mean diff | max diff | max diff, any label | "
            "reach review only when Kurdish |",
            "|---|---|---|---|---|---|",
        ]
        for lang, m in r["probe"].items():
            out.append(f"| {lang} | {m['n']} | {m['toxicity_mean_diff']:+.3f} | "
                       f"{m['toxicity_max_diff']:+.3f} | {m['any_label_max_diff']:+.3f} | "
                       f"{m['review_only_kurdish']} |")
    return out


def write_model_card(path: Path, r: dict[str, Any]) -> None:
    meta = r["meta"]
    labels = meta["labels"]
    th = meta["thresholds"]
    lines = [
        f"# Model card: `{meta['model_id']}` (default ML scorer)",
        "",
        f"Scorer name: `{r['name']}` · artifact `model.npz` sha256 `{r['sha256']}` "
        f"({r['artifact_bytes'] / 1e6:.2f} MB, {r['n_features']:,} hashed features)",
        "",
        "**What it is for:** a signal, not a judge. ML alone cannot decide news comments "
        "(see docs/model-notes.md): the engine sends comments to review on these scores and "
        "rejects on them only at very high confidence; rules carry threats, promotion and "
        "identity abuse.",
        "",
        "## Rebuild",
        "```",
        meta["command"] or "moderation train --datasets ../shared/datasets --out "
        "moderation/data/model --seed 0",
        "```",
        "Deterministic for a given seed and data (same bytes, same sha256). Versions used: "
        + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
        + ". The artifact is plain numpy arrays (no pickle); loading warns if the installed "
        "scikit-learn or numpy major.minor differs from the one that trained it.",
        "",
        "## Model",
        f"- Text: `moderation.scorers.text_prep.prepare` v{meta['prep_version']} (entities and "
        "escapes undone, `<br>` and simple tags removed, format/zero-width chars incl. U+FEFF "
        "removed, NFKC, e-mails/URLs/@handles -> `xxemail`/`xxurl`/`xxuser`, lower case, "
        "Kurdish identity and political words removed), same at train and score time.",
        f"- Features: hashed char {meta['features']['char_min']}-{meta['features']['char_max']}"
        f"-grams (2^{meta['features']['char_bits']} buckets) + word 1-2-grams "
        f"(2^{meta['features']['word_bits']} buckets), sublinear tf x idf, each block "
        f"L2-normalised; buckets with df < {meta['min_df']} in training dropped. Computed once "
        "per batch; all label heads applied as one sparse x dense product.",
        f"- Heads: scikit-learn LogisticRegression (liblinear, C={meta['fit']['C']}, classes "
        "balanced within source weights "
        + ", ".join(f"{k}={v}" for k, v in meta["fit"]["source_weights"].items())
        + f"), calibrated by Platt scaling on {meta['fit']['folds']}-fold out-of-fold scores "
        "(folded into the weights). Weights stored as int8 with a per-label scale.",
        "- Probabilities are calibrated to the *training mixture* (mostly toxic text), not to "
        "the share of toxic comments on a news site: use the thresholds below, not 0.5.",
        "",
        "## Training data (licence-clean only)",
        "| data set | licence / citation | rows read | distinct texts used (train+test) |",
        "|---|---|---|---|",
    ]
    for name, rows in r["raw_counts"].items():
        lic = ds.TRAIN_SETS.get(name, "moderators' own decisions")
        lines.append(f"| {name} | {lic} | {rows:,} | {r['used_counts'].get(name, 0):,} |")
    skipped = [n for n in ds.TRAIN_LOADERS if n not in r["raw_counts"]]
    if skipped:
        lines += ["", "Licence-clean but not trained on in this run: " + ", ".join(skipped)
                  + " (the 2026-12-05 ablation in docs/evaluation.md found they cost English "
                  "news-comment ranking; `moderation train --sets` adds them)."]
    lines += [
        "",
        f"Deduplicated by prepared text across all sets ({r['n_duplicates']} copies/empties "
        f"dropped), then split {r['n_train']:,} train / {r['n_test']:,} held-out test BEFORE "
        f"fitting anything (seed {meta['seed']}): per data set and per group (a Fox News "
        "article's thread, a Stormfront post, otherwise the text), by a hash of (seed, set, "
        "group), so one thread or duplicate text is never on both sides and adding a set never "
        "moves another set's held-out rows. Evaluation only, never trained on: "
        + ", ".join(ds.EVAL_ONLY_SETS)
        + ". The reserved outside-evaluation sets (HateCheck, Multilingual HateCheck, "
        "HateModerate, the Gab Hate Corpus test split, the OffensEval 2020 Arabic / Turkish dev "
        "and test splits, L-HSAB, Pars-OFF) are not read at all.",
        "",
        "### Citations and attribution",
    ]
    lines += [f"- **{k}**: {v}" for k, v in ds.CITATIONS.items() if k in r["raw_counts"]]
    lines += [
        "",
        "### Label mapping",
    ]
    lines += [f"- **{k}**: {v}" for k, v in ds.LABEL_MAPPING.items()]
    lines += ["", "| label | train rows (pos) | test rows (pos) |", "|---|---|---|"]
    for lab in labels:
        a, b = r["train_labels"][lab], r["test_labels"][lab]
        lines.append(f"| {lab} | {a['rows']:,} ({a['pos']:,}) | {b['rows']:,} ({b['pos']:,}) |")
    lines += [
        "",
        "## Recommended thresholds (for the policy YAML)",
        f"Chosen on out-of-fold scores of {r['clean_news_oof']} clean news comments of the "
        "training split (civil-comments-autolabel, every label 0) so that at most 7% of them reach "
        "ANY label's `review_at` and at most 1.5% ANY label's `reject_at` (floors 0.3 / 0.8), "
        "leaving room under the 10% / 3% budgets for the rule layer.",
        "",
        "| label | review_at | reject_at | held-out ROC AUC | AP | recall@review | recall@reject |",
        "|---|---|---|---|---|---|---|",
    ]
    for lab in labels:
        m = r["heldout"][lab]
        lines.append(
            f"| {lab} | {th[lab]['review_at']} | {th[lab]['reject_at']} | "
            f"{_f(m.get('roc_auc'))} | {_f(m.get('avg_precision'))} | "
            f"{_f(m.get('recall_at_review'), True)} | {_f(m.get('recall_at_reject'), True)} |"
        )
    c, t = r["clean_news_heldout"], r["toxic_news_heldout"]
    lines += [
        "",
        "Held-out scores are over every test row whose set labels that class (mixed sources: "
        "tweets are easy, news comments hard; see per-source figures below).",
        "",
        "## What the thresholds do on held-out news comments",
        f"- Clean news comments (civil-comments-autolabel test rows, n={c['n']}): "
        f"{_f(c['reviewed_or_rejected'], True)} reach some `review_at`, "
        f"{_f(c['rejected'], True)} some `reject_at`.",
        f"- Toxic news comments (civil-comments-autolabel + ToxicSpans test rows, n={t['n']}): "
        f"{_f(t['recall_review'], True)} reach some `review_at`, {_f(t['recall_reject'], True)} "
        "some `reject_at`.",
    ]
    if "news_toxicity_heldout" in r:
        m = r["news_toxicity_heldout"]
        lines.append(f"- toxicity head on those news comments: ROC AUC {_f(m.get('roc_auc'))}, "
                     f"AP {_f(m.get('avg_precision'))} (n={m['n']}, pos={m['pos']}).")
    lines += ["", "### Held-out ROC AUC / AP per data set", "| label | data set | n (pos) | "
              "ROC AUC | AP |", "|---|---|---|---|---|"]
    for lab in labels:
        for src, m in r["heldout_by_source"][lab].items():
            lines.append(f"| {lab} | {src} | {m['n']} ({m['pos']}) | {_f(m.get('roc_auc'))} | "
                         f"{_f(m.get('avg_precision'))} |")
    lines += _policy_sections(r)
    lines += ["", "## Cross-data-set evaluation (evaluation-only sets, never trained on)", ""]
    for name, res in r["cross"].items():
        parts = [f"n={res['n']}"]
        for lab in ("toxicity", "insult"):
            if lab in res:
                parts.append(f"{lab} ROC AUC {_f(res[lab].get('roc_auc'))} / AP "
                             f"{_f(res[lab].get('avg_precision'))}")
        for kind in ("negatives", "positives", "level3plus"):
            if f"{kind}_rejected" in res:
                parts.append(f"{kind} reviewed-or-rejected "
                             f"{_f(res[f'{kind}_reviewed_or_rejected'], True)}, rejected "
                             f"{_f(res[f'{kind}_rejected'], True)}")
        if "toxicity_level3plus" in res:
            auc = res["toxicity_level3plus"].get("roc_auc")
            parts.append(f"toxicity AUC level 3-4 vs rest {_f(auc)}")
        lines.append(f"- **{name}**: " + "; ".join(parts) + ".")
    lines += [
        "",
        "Negatives: OLID `NOT`, kaggle `Insult=0`, SFU toxicity level 1 (clean news comments). "
        "Positives: OLID `OFF`, kaggle `Insult=1`, SFU level >= 2.",
        "",
        "## Where it falls short",
        "- On clean vs. toxic *news* comments from another site (SFU) ranking is weak: the "
        "licence-clean data hold ~3,500 clean English news comments only (Civil Comments, Fox "
        "News). More clean news comments "
        "(your moderators' approvals via `--extra`) are the most valuable addition.",
        "- threat and severe_toxicity have few positives (ToxicSpans raters rarely agree on "
        "Threat spans; severe_toxicity is a documented proxy), so their scores are unreliable: "
        "threats must be caught by rules.",
        "- identity_attack is learnt mostly from hate-speech sets of tweets (Davidson, "
        "HateXplain): Davidson is reported as racially biased (AAE tweets "
        "labelled abusive more often), and a bag of n-grams cannot tell who a sentence is about "
        "or whether it quotes abuse to condemn it (docs/model-notes.md, finding 7).",
        "- spam is learnt from 2013-2015 YouTube music-video comments and 2000s SMS; news-site "
        "promotion "
        "(phone numbers, WhatsApp, obfuscated e-mails) must be caught by rules.",
        "- Languages: trained on English, Arabic (tweets and news-post comments) and Turkish "
        "(tweets). No licence-clean labelled Kurdish (Kurmanji, Sorani) or Persian data exists: "
        "those comments get scores from character n-grams shared with Arabic-script or "
        "Latin-script training text, which are not measured and should not be trusted; the rules "
        "and review carry them.",
        "- Kurdish identity and political words (Kurd, Kürt, PKK, HDP, YPG, Kurdistan, الأكراد, "
        "...) are removed from the model's view (`text_prep.mask_group_terms`) because the "
        "Turkish training tweets label most mentions of them offensive; abuse aimed at Kurds "
        "must therefore come from the rest of the sentence or from the rules.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
