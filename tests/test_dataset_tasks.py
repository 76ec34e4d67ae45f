"""FLAN's per-dataset tasks ``<dataset>_10templates`` (answer templates) and
``<dataset>_all_templates`` (every template): a template per example.

Read as the trainer reads them (the split repeated before the template step): every
template is drawn in an epoch, each rendering is exactly the per-template task's text
for that example, each epoch draws anew, a seed fixes the draw, options stay with the
templates that ask for the answer, and the shot variants prepend exemplars.
"""

from __future__ import annotations

import collections

import pytest

import mixtures

mixtures.register_all()  # every built-in task and mixture

import seqio

from helpers import get_split
from tasks import prompts, shots
from tasks.flan import datasets as flan_datasets
from tasks.names import Shot, dataset_task_name, shot_name, zero_shot_name

DATASET = "rte"


@pytest.fixture(autouse=True, scope="module")
def _assets(demo_assets):
    yield


def read(name, **kwargs):
    ds = get_split(name, "train", shuffle=False, **kwargs)
    return [(ex["inputs_pretokenized"].decode(), ex["targets_pretokenized"].decode(),
             [o.decode() for o in ex.get("options", [])]) for ex in ds.as_numpy_iterator()]


def template_indices(dataset, every_template):
    """The templates a per-dataset task draws from: all, or those asking for the answer."""
    k = prompts.DATASET_TEMPLATES[dataset]
    return [i for i in range(k) if every_template or
            prompts.PROMPT_TASKS[zero_shot_name(dataset, i)].template[1] == "{answer}"]


def test_every_flan_dataset_has_its_per_dataset_tasks_and_shot_variants():
    for cfg in flan_datasets.DATASETS:
        for every_template in (False, True):
            for shot in (Shot.ZERO, Shot.ONE, Shot.MULTI):
                name = dataset_task_name(cfg.name, shot, every_template=every_template)
                task = seqio.get_mixture_or_task(name)
                info = prompts.DATASET_TASKS[name]
                indices = template_indices(cfg.name, every_template)
                assert (info.dataset, info.shot, info.every_template) == (
                    cfg.name, shot, every_template)
                assert list(info.template_indices) == indices
                steps = [s for s in task.preprocessors if getattr(s, "func", None) is
                         prompts.render_any_template]
                assert len(steps) == 1, name
                assert list(steps[0].keywords["templates"]) == [
                    prompts.PROMPT_TASKS[zero_shot_name(cfg.name, i)].template
                    for i in indices]
                assert not task.metric_fns  # for training: evaluation scores each template
                assert prompts.template_tasks(name) == [shot_name(cfg.name, i, shot)
                                                        for i in indices]
                assert prompts.template_tasks(name, scored_only=True) == [
                    shot_name(cfg.name, i, shot) for i in template_indices(cfg.name, False)]


# Fixed options, every template; options per example, the answer templates.
@pytest.mark.parametrize("dataset,every_template", [("rte", True), ("copa", False)])
def test_every_template_each_epoch_the_template_tasks_text_and_a_new_draw(dataset,
                                                                          every_template):
    indices = template_indices(dataset, every_template)
    k = len(indices)
    per_template = [read(zero_shot_name(dataset, i), num_epochs=1) for i in indices]
    n = len(per_template[0])
    assert n >= 2 * k - 1  # long enough for every template to be drawn in an epoch
    name = dataset_task_name(dataset, every_template=every_template)
    stream = read(name, seed=3, num_epochs=2)
    assert len(stream) == 2 * n
    drawn = []
    for position, (inputs, targets, options) in enumerate(stream):
        j = position % n  # the source example (unshuffled: same order every epoch)
        matches = [i for i in range(k) if per_template[i][j][:2] == (inputs, targets)]
        assert matches, (position, inputs)
        i = matches[0]
        drawn.append(i)
        # The options the template task carries for this example (none when it does not
        # ask for the answer among them).
        assert options == per_template[i][j][2]
    first, second = drawn[:n], drawn[n:]
    assert set(first) == set(second) == set(range(k))
    assert max(collections.Counter(first).values()) <= n // k + 1  # dealt evenly
    assert first != second  # each epoch draws anew
    assert read(name, seed=3, num_epochs=2) == stream  # a seed fixes the draw
    assert read(name, seed=4, num_epochs=2) != stream


def test_shot_variants_prepend_exemplars():
    for shot, most in ((Shot.ONE, 1), (Shot.MULTI, shots.MAX_MULTI_SHOT)):
        examples = read(dataset_task_name(DATASET, shot), seed=1, num_epochs=1)[:4]
        assert examples
        for inputs, targets, _ in examples:
            assert 1 <= shots.count_exemplars(inputs) <= most and targets
