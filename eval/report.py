"""The shot table: which tasks to evaluate per shot setting, and how their metrics add up.

``shot_tasks`` picks each answer-asking template's zero-, one- and multi-shot tasks; a
task's score is the mean of its metrics, reported per dataset and shot as the mean and
best over templates plus an average row (``results.json``, ``markdown_table``,
``plot_results``). See docs/evaluation.md, "The shot table".
"""

from __future__ import annotations

import json
import math
import os
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from tasks import prompts, shot_variants
from tasks.names import Shot, shot_name

import seqio

from eval import predict
from trainer.parallel import ranks

AVERAGE_ROW = "average"


def task_identity(name: str) -> Tuple[str, int, Shot]:
    """``(dataset, template, shot)``: ``rte_type_3_one_shot`` -> ``("rte", 3, Shot.ONE)``."""
    info = prompts.PROMPT_TASKS.get(name)
    if info is not None:
        return info.dataset, info.template_idx, info.shot
    return name, 0, Shot.ZERO


def shot_tasks(provider_names: Sequence[str], shots: Sequence[Shot], split: str = "validation",
               templates: Optional[Sequence[int]] = None) -> List[str]:
    """The tasks to evaluate: every scored template of the providers, in each shot setting.

    ``templates`` keeps only these template indices of FLAN-style datasets.
    """
    names: List[str] = []
    for provider_name in provider_names:
        for task in predict.eval_tasks(provider_name, split):
            if not task.metric_fns:
                continue
            dataset, template, _ = task_identity(task.name)
            if task.name not in prompts.PROMPT_TASKS:
                if Shot.ZERO in shots:
                    names.append(task.name)
                continue
            if templates is not None and template not in templates:
                continue
            for shot in shots:
                name = shot_name(dataset, template, shot)
                if shot_variants.ensure(name) and seqio.get_mixture_or_task(name).metric_fns:
                    names.append(name)
    return list(dict.fromkeys(names))


def parse_shots(text: str) -> List[Shot]:
    """``"0,1,multi"`` -> ``[Shot.ZERO, Shot.ONE, Shot.MULTI]`` (ValueError for a bad label)."""
    shots = [Shot.from_label(s) for s in text.split(",") if s.strip()]
    if not shots:
        raise ValueError("--shots is empty; use e.g. 0,1,multi")
    return list(dict.fromkeys(shots))


def task_score(metrics: Mapping[str, Optional[float]]) -> Optional[float]:
    """The mean of a task's metric values (None when it has none)."""
    values = [v for v in metrics.values() if v is not None and math.isfinite(v)]
    return sum(values) / len(values) if values else None


def _mean(values: Sequence[float]) -> Optional[float]:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def build_results(metrics_by_task: Mapping[str, Mapping[str, float]],
                  shots: Sequence[Shot],
                  exemplars: Optional[Mapping[str, float]] = None,
                  select: Optional[Mapping[str, Mapping[str, float]]] = None) -> dict:
    """Per dataset and shot: mean/best over templates; an average row (module docstring).

    ``exemplars`` (``{task: mean exemplars per input}``, ``eval.score.mean_exemplars``)
    adds each few-shot cell's mean over its templates, and the per-task means.
    ``select`` (metrics of the same tasks on another split) chooses each cell's best
    template, whose score here is reported; None chooses on these metrics.
    """
    chooser = {name: task_score(m) for name, m in (select or {}).items()}
    exemplars = dict(exemplars or {})
    per_cell: Dict[Tuple[str, str], List[float]] = {}
    for name, mean in exemplars.items():
        dataset, _, shot = task_identity(name)
        per_cell.setdefault((dataset, shot.label), []).append(mean)
    scores: Dict[str, Dict[str, Dict[int, float]]] = {}
    for name, metrics in metrics_by_task.items():
        score = task_score(metrics)
        if score is None:
            continue
        dataset, template, shot = task_identity(name)
        scores.setdefault(dataset, {}).setdefault(shot.label, {})[template] = score
    datasets: Dict[str, Dict[str, dict]] = {}
    for dataset in sorted(scores):
        row = {}
        for shot in shots:
            by_template = scores[dataset].get(shot.label)
            if not by_template:
                continue
            if select is not None:
                chosen = {t: chooser.get(shot_name(dataset, t, shot)) for t in by_template}
                chosen = {t: v for t, v in chosen.items() if v is not None} or by_template
            else:
                chosen = by_template
            best = max(chosen, key=lambda t: (chosen[t], -t))
            row[shot.label] = {
                "mean": sum(by_template.values()) / len(by_template),
                "best": by_template[best], "best_template": best,
                "templates": {str(t): by_template[t] for t in sorted(by_template)}}
            if (dataset, shot.label) in per_cell:
                row[shot.label]["exemplars"] = _mean(per_cell[(dataset, shot.label)])
        datasets[dataset] = row
    average = {}
    for shot in shots:
        cells = [row[shot.label] for row in datasets.values() if shot.label in row]
        if cells:
            average[shot.label] = {"mean": _mean([c["mean"] for c in cells]),
                                   "best": _mean([c["best"] for c in cells]),
                                   "datasets": len(cells)}
    return {"shots": [s.label for s in shots], "datasets": datasets, AVERAGE_ROW: average,
            "tasks": {name: dict(m) for name, m in sorted(metrics_by_task.items())},
            "exemplars": {name: exemplars[name] for name in sorted(exemplars)}}


def _cell(cell: Optional[dict], key: str) -> str:
    if not cell or cell.get(key) is None:
        return "–"
    return f"{cell[key]:.1f}"


def shot_header(label: str) -> str:
    """``0`` -> ``0-shot``, ``multi`` -> ``multi-shot``."""
    return f"{label}-shot"


def markdown_table(results: Mapping) -> str:
    """Datasets x (mean, best) per shot, then the average row, as a markdown table; a
    few-shot mean is followed by the mean exemplars its inputs got (``(0.8 ex.)``)."""
    shots = results["shots"]
    header = ["dataset"] + [f"{shot_header(s)} {k}" for s in shots for k in ("mean", "best")]
    lines = ["| " + " | ".join(header) + " |",
             "|---|" + "---:|" * (len(header) - 1)]
    for dataset, row in results["datasets"].items():
        cells = []
        for s in shots:
            cell = row.get(s)
            best = _cell(cell, "best")
            if cell:
                best += f" (t{cell['best_template']})"
            mean = _cell(cell, "mean")
            if cell and cell.get("exemplars") is not None:
                mean += f" ({cell['exemplars']:.1f} ex.)"  # exemplars per input, mean
            cells += [mean, best]
        lines.append("| " + " | ".join([dataset] + cells) + " |")
    avg = results[AVERAGE_ROW]
    cells = [c for s in shots for c in (_cell(avg.get(s), "mean"), _cell(avg.get(s), "best"))]
    lines.append("| **" + AVERAGE_ROW + "** | " + " | ".join(f"**{c}**" for c in cells) + " |")
    if results.get("split") and results.get("chosen_on"):
        split, chosen = results["split"], results["chosen_on"]
        lines.append("")
        lines.append(f"best: the template scoring highest on {chosen}, reported on {split}"
                     + (" (chosen on the split it reports: optimistic; --select_on SPLIT "
                        "chooses on another)" if chosen == split else ""))
    return "\n".join(lines)


def plot_results(results: Mapping, path: str, title: str = "") -> str:
    """A grouped bar chart (datasets x shots) saved as PNG at ``path``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    shots = results["shots"]
    rows = list(results["datasets"].items()) + [(AVERAGE_ROW, results[AVERAGE_ROW])]
    x = np.arange(len(rows))
    width = 0.8 / max(1, len(shots))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(rows) + 2), 4.5))
    for k, shot in enumerate(shots):
        means = [row.get(shot, {}).get("mean") for _, row in rows]
        bests = [row.get(shot, {}).get("best") for _, row in rows]
        offset = x - 0.4 + width * (k + 0.5)
        ax.bar(offset, [m if m is not None else 0.0 for m in means], width,
               label=shot_header(shot))
        marks = [(o, b) for o, b in zip(offset, bests) if b is not None]
        if marks:
            ax.scatter([o for o, _ in marks], [b for _, b in marks], marker="_", s=120,
                       color="black", zorder=3, label="best template" if k == 0 else None)
    ax.set_xticks(x)
    ax.set_xticklabels([name for name, _ in rows], rotation=30, ha="right")
    ax.set_ylabel("score (mean over templates)")
    ax.set_title(title or "zero / one / multi-shot")
    ax.legend(fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


# -- predict, score, report: what ``python -m eval`` and ``run.py --do_eval --shots`` run --

RESULTS_JSON = "results.json"
RESULTS_MD = "results.md"
CHART = "shots.png"


def write_report(results: Mapping, out_dir: str, title: str = "") -> str:
    """Writes ``results.json``, ``results.md`` and ``shots.png`` into ``out_dir``; returns the table."""
    with open(os.path.join(out_dir, RESULTS_JSON), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    table = markdown_table(results)
    with open(os.path.join(out_dir, RESULTS_MD), "w", encoding="utf-8") as f:
        f.write(table + "\n")
    plot_results(results, os.path.join(out_dir, CHART), title=title)
    return table


def evaluate_shots(model, cfg, shots: Sequence[Shot], out_dir: str, *,
                   templates: Optional[Sequence[int]] = None, title: str = "",
                   meta: Optional[Mapping] = None, select_on: Optional[str] = None,
                   **predict_kwargs) -> Optional[dict]:
    """Predicts every scored template of ``cfg.provider`` in each shot setting, scores, reports.

    ``cfg`` is a ``trainer.config.StreamConfig`` whose provider is a list of task or
    mixture names (its split, lengths, shard and ``max_samples`` apply to every task).
    Every rank predicts its shard (``predict.predict_to_files``; ``predict_kwargs`` go
    there: ``batch_size``, ``method``, ``num_beams`` ...). Rank 0
    scores the files (``OUT/metrics.json``), writes ``results.json`` / ``results.md`` /
    ``shots.png`` (``meta`` is added to ``results.json``), prints the table and returns
    the results; the other ranks return None. ``select_on``: a split whose predictions
    (``OUT/select-<split>/``) choose each best template, reported on ``cfg.split``.
    """
    from eval import score
    provider_names, split = list(cfg.provider), cfg.split
    task_names = shot_tasks(provider_names, shots, split, templates)
    if not task_names:
        raise ValueError(f"{', '.join(provider_names)}: no task with metrics for shots "
                         f"{', '.join(s.label for s in shots)} on split {split!r}")
    predict.predict_to_files(model, None, cfg.replace(provider=task_names), out_dir,
                             **predict_kwargs)
    select_dir = select_names = None
    if select_on and select_on != split:  # the split that chooses each best template
        select_dir = os.path.join(out_dir, f"select-{select_on}")
        select_names = shot_tasks(provider_names, shots, select_on, templates)
        predict.predict_to_files(model, None, cfg.replace(provider=select_names,
                                                          split=select_on),
                                 select_dir, **predict_kwargs)
    if ranks.rank() != 0:
        return None
    metrics = score.score_dir(out_dir, only=task_names)
    select = score.score_dir(select_dir, only=select_names) if select_dir else None
    results = build_results(metrics, shots, score.mean_exemplars(out_dir, only=task_names),
                            select=select)
    results.update(dict(meta or {}), split=split, max_eval_samples=cfg.max_samples,
                   chosen_on=select_on if select_dir else split)
    table = write_report(results, out_dir, title=title)
    print(table, flush=True)
    print(f"results: {', '.join(os.path.join(out_dir, n) for n in (RESULTS_JSON, RESULTS_MD, CHART))}",
          flush=True)
    return results
