"""Where few-shot exemplars come from: the whole train split, drawn anew every round of
a training stream, the same for the same seed, never the example itself, and read as a
stream (a split of a billion examples is never held); an in-order stream keys them on
the example alone, whatever the ranks."""

import collections
import re

import pytest
import tensorflow as tf

import seqio
import tasks
from helpers import get_split, shards, texts
from tasks import shots

pytestmark = pytest.mark.usefixtures("demo_assets", "user_registrations")

TEMPLATES = [("Classify: {sentence}\n\n{options_}", "{answer}"),
             ("Is this even or odd? {sentence}\n\n{options_}", "{answer}")]
NUMBER = re.compile(r"sentence number (\d+)")


def register_numbered(name: str, size: int, reads=None, templates=TEMPLATES):
    """A prompt dataset of ``size`` examples ``sentence number i`` (label ``i % 2``),
    made as it is read; ``reads`` (a ``tf.Variable``) counts the records read."""
    def fn(split, shuffle_files=False, seed=None):
        def make(i):
            if reads is not None:
                with tf.control_dependencies([reads.assign_add(1)]):
                    i = tf.identity(i)
            return {"sentence": tf.strings.join(["sentence number ", tf.strings.as_string(i)]),
                    "label": i % 2}
        return tf.data.Dataset.range(size).map(make)

    tasks.register_prompt_task(
        name, source=seqio.FunctionDataSource(fn, splits=["train", "validation"]),
        templates=templates, fields=["sentence", "label"], options=["even", "odd"])


def split_prompt(prompt: str):
    """(exemplar numbers, the evaluated example's number) of a v2 prompt."""
    *exemplars, evaluated = prompt.split(shots.EXEMPLAR_SEPARATOR)
    numbers = [int(n) for e in exemplars for n in NUMBER.findall(e)]
    return numbers, int(NUMBER.findall(evaluated)[0])


def train_prompts(name: str, n: int, seed: int = 3, **kwargs):
    stream = get_split(name, "train", seed=seed, shuffle=True, num_epochs=None, **kwargs)
    return [ex["inputs_pretokenized"].decode() for ex in stream.take(n).as_numpy_iterator()]


@pytest.mark.parametrize("name", ["draws_epochs_type_0_one_shot", "rte_type_0_one_shot"],
                         ids=["streamed-candidates", "split-in-one-block"])
def test_training_draws_change_every_epoch_and_replay_for_the_same_seed(name, monkeypatch):
    """Each time an example comes round again it gets new exemplars, whether the split's
    candidates are streamed (a source that cannot count its examples) or all in one
    block (a split of at most ``BLOCK_SIZE``); the same seed gives the same stream (exact
    resume replays it); another seed another one."""
    monkeypatch.setattr(shots, "ROUND_EXAMPLES", 8)
    register_numbered("draws_epochs", 40)
    task = seqio.get_mixture_or_task(name)
    block = shots._fixed_block(shots.fewshot_source(task)[0], shots._vocab_file(task), "v2",
                               shots._settings["seed"])
    assert block["whole_split"] == (name == "rte_type_0_one_shot")
    first = train_prompts(name, 200)
    assert train_prompts(name, 200) == first
    assert train_prompts(name, 200, seed=4) != first
    seen = collections.defaultdict(list)
    for prompt in first:
        *exemplars, evaluated = prompt.split(shots.EXEMPLAR_SEPARATOR)
        assert len(exemplars) == 1 and exemplars[0].rsplit("\n\n", 1)[0] != evaluated
        seen[evaluated].append(exemplars[0])
    repeated = [draws for draws in seen.values() if len(draws) >= 2]
    assert len(repeated) >= 30
    changed = sum(len(set(draws)) > 1 for draws in repeated)
    assert changed >= 0.8 * len(repeated), seen


def test_exemplars_come_from_the_whole_split_streamed(monkeypatch):
    """A split of a billion examples: the training stream reads a bounded number of
    records (no pass over the split, nothing held), and over its rounds draws exemplars
    from far more of the split than one block."""
    monkeypatch.setattr(shots, "ROUND_EXAMPLES", 4)
    monkeypatch.setattr(shots, "BLOCK_SIZE", 32)
    reads = tf.Variable(0, dtype=tf.int64)
    register_numbered("draws_huge", 10**9, reads=reads)
    prompts = train_prompts("draws_huge_type_0_one_shot", 400)
    drawn = {n for p in prompts for n in split_prompt(p)[0]}
    assert len(drawn) > 300  # 100 rounds, each a new block of the stream
    # What was read: the evaluated stream's and the candidates' shuffle buffers and the
    # blocks drawn from, not the split.
    assert int(reads.numpy()) < 50_000
    # The in-order (evaluation) path draws from the first block of the same stream.
    name = "draws_huge_type_0_one_shot"
    task = seqio.get_mixture_or_task(name)
    ds = task.get_dataset({"inputs": 512, "targets": 8}, split="validation", shuffle=False)
    for ex in ds.take(3).as_numpy_iterator():
        assert int(ex[shots.NUM_EXEMPLARS]) == 1


def test_per_dataset_variant_never_takes_the_example_under_another_template():
    """A per-dataset task renders each example with any of its templates: the exemplar is
    never the evaluated example, whichever template rendered either."""
    register_numbered("draws_few", 3)
    for prompt in train_prompts("draws_few_10templates_one_shot", 120):
        exemplars, evaluated = split_prompt(prompt)
        assert len(exemplars) == 1 and evaluated not in exemplars, prompt


def test_in_order_exemplars_do_not_depend_on_the_ranks():
    """Evaluation reads in order: an example's exemplars depend on the seed and the
    example alone, so two ranks give the examples one rank gives."""
    whole = texts("rte_type_0_one_shot", "validation")
    parts = shards("rte_type_0_one_shot", "validation", 2)
    assert sorted(parts[0] + parts[1]) == sorted(whole)
    assert all(shots.count_exemplars(t) == 1 for t in whole)
