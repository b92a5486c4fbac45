"""``moderation train``: rebuild the default scorer's model and model card from data set folders."""

from __future__ import annotations

import shlex
from pathlib import Path

import click


def register(group: click.Group) -> None:
    group.add_command(train)


@click.command()
@click.option("--datasets", "datasets", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Folder holding the data set folders (docs/datasets.md).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Where model.npz and MODEL_CARD.md are written (moderation/data/model).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for the held-out split and cross-validation folds.")
@click.option("--extra", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Extra CSV of moderator decisions (approve/reject or 0/1).")
@click.option("--sets", default=None,
              help="Comma-separated training set folders (default: every licence-clean set "
                   "the ablation kept; see MODEL_CARD.md).")
@click.option("--text-column", default="text", show_default=True)
@click.option("--label-column", default="label", show_default=True)
def train(datasets: Path, out: Path, seed: int, extra: Path | None, sets: str | None,
          text_column: str, label_column: str) -> None:
    """Train the default ML scorer on the licence-clean data sets (deterministic per seed)."""
    import os
    import sys

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from moderation.training.train import TrainOptions, run

    command = "moderation train " + shlex.join(sys.argv[2:] if len(sys.argv) > 2 else [
        "--datasets", str(datasets), "--out", str(out), "--seed", str(seed)])
    from moderation.training.datasets import TRAIN_LOADERS

    chosen = [s.strip() for s in sets.split(",") if s.strip()] if sets else None
    unknown = sorted(set(chosen or ()) - set(TRAIN_LOADERS))
    if unknown:
        raise click.ClickException(f"unknown or not licence-clean training sets: {unknown}; "
                                   f"choose from {sorted(TRAIN_LOADERS)}")
    opts = TrainOptions(datasets=datasets, out=out, seed=seed, extra=extra, sets=chosen,
                        text_column=text_column, label_column=label_column, command=command)
    try:
        report = run(opts)
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {out / 'model.npz'} ({report['name']}) and {out / 'MODEL_CARD.md'}")
    for lab, th in report["meta"]["thresholds"].items():
        m = report["heldout"][lab]
        click.echo(f"  {lab:16s} review_at={th['review_at']:<7} reject_at={th['reject_at']:<7} "
                   f"held-out AUC={m.get('roc_auc', float('nan')):.3f}")
