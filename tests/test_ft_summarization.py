"""Summarization (``ft_summarization_mix``): SAMSum, AESLC, XSum, CNN/DailyMail.

The demo raw files build offline with TFDS's own builders into a temporary data dir;
each raw-file check names a malformed file; the formatters, the zero-shot tasks, the
T5-style ``cnn_dailymail_v002`` and both mixtures read that data.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import string

import pytest

import mixtures

mixtures.register_all()  # every built-in task and mixture
import tasks.summarization as summarization
from caches import build_tfds as bt
from caches import raw_summarization as raw
from caches.raw_formats import RawDataError
from tasks import metrics, paths, prompts, sources, t5_style
from tasks.flan import datasets_summarization as ds
from tasks.flan import templates_summarization as tpl
from tasks.names import dataset_task_name, mixture_name, zero_shot_name

import seqio
import tensorflow as tf
from helpers import build_demo_group
from helpers import FIELDS as ALL_FIELDS

# The fields this group's formatters provide (the table in tests/conftest.py).
FIELDS = {name: ALL_FIELDS[name]
          for name in ("samsum", "aeslc", "xsum", "cnn_dailymail")}
NAMES = ["samsum", "aeslc", "xsum", "cnn_dailymail"]
COUNTS = {"samsum": {"train": 40, "validation": 10, "test": 10},
          "aeslc": {"train": 40, "validation": 10, "test": 10},
          "xsum": {"train": 40, "validation": 10, "test": 10},
          "cnn_dailymail": {"train": 16, "validation": 4, "test": 4}}
LENGTHS = {"inputs": 512, "targets": 128}
RAW = pathlib.Path(paths.DEMO_RAW_DIR)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """The four datasets built from the demo raw files; project sources read them."""
    out = pathlib.Path(build_demo_group(tmp_path_factory, "summarization", NAMES))
    sources.set_tfds_data_dir(str(out))
    yield out
    sources.set_tfds_data_dir(None)


@pytest.fixture(autouse=True)
def registered():
    """Re-registers the T5 task if another test cleared the registry."""
    if summarization.CNN_DAILYMAIL_T5_NAME not in seqio.TaskRegistry.names():
        summarization.register()


# --------------------------------------------------------------------------- building


def test_demo_raw_builds_with_expected_counts(data_dir):
    import tensorflow_datasets as tfds

    for name in NAMES:
        builder = tfds.builder(bt.tfds_name(name), data_dir=str(data_dir))
        assert {s: i.num_examples for s, i in builder.info.splits.items()} == COUNTS[name]


def test_xsum_drops_share_lines_and_keeps_the_introduction(data_dir):
    import tensorflow_datasets as tfds

    ex = next(iter(tfds.load("xsum:1.1.0", split="train", data_dir=str(data_dir),
                             download=False)))
    document = ex["document"].numpy().decode()
    assert "[XSUM]" not in document and "Share this with" not in document
    assert ex["summary"].numpy().decode().endswith(".")


def test_url_table_covers_the_builders():
    import importlib

    for module, attr in (("datasets.aeslc.aeslc_dataset_builder", "_URL"),
                         ("summarization.xsum", "_URL"),
                         ("summarization.cnn_dailymail", "_DL_URLS")):
        urls = getattr(importlib.import_module(f"tensorflow_datasets.{module}"), attr)
        for url in (urls.values() if isinstance(urls, dict) else [urls]):
            assert url in bt.URL_TO_RAW, (module, url)
    assert bt.MANUAL_DIRS["samsum"] == "samsum" and bt.MANUAL_DIRS["xsum"] == "xsum"


def test_raw_globs_match_the_demo_folders():
    """The folder globs the README table shows are where the demo raw files lie."""
    import itertools
    import re

    for name, globs in bt.RAW_GLOBS.items():
        for pattern in globs:
            braced = re.search(r"\{([^}]*)\}", pattern)
            options = braced.group(1).split(",") if braced else [""]
            for option in options:
                expanded = pattern.replace(braced.group(0), option) if braced else pattern
                assert list(itertools.islice(RAW.glob(expanded), 1)), (name, expanded)


# --------------------------------------------------------------------------- checks


def _copy(tmp_path, folder):
    shutil.copytree(RAW / folder, tmp_path / folder)
    return tmp_path


def _paths(root, name):
    return [str(root / rel) for rel in bt.RAW_FILES[name]]


def test_samsum_check_names_the_entry(tmp_path):
    root = _copy(tmp_path, "samsum")
    path = root / "samsum" / "val.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    del rows[3]["summary"]
    path.write_text(json.dumps(rows), encoding="utf-8")
    with pytest.raises(RawDataError, match=r"val\.json: entry 3 .* has no string 'summary'"
                       ) as err:
        raw.check_samsum(_paths(root, "samsum"))
    assert "\n" not in str(err.value)


def test_aeslc_check_names_the_file(tmp_path):
    root = _copy(tmp_path, "aeslc")
    bad = sorted((root / "aeslc/AESLC-master/enron_subject_line/dev").glob("*.subject"))[0]
    bad.write_text(bad.read_text().replace("@subject\n", ""), encoding="utf-8")
    with pytest.raises(RawDataError, match=rf"{bad.name}: the line after .* not @subject"):
        raw.check_aeslc(_paths(root, "aeslc"))


def test_xsum_check_names_the_story(tmp_path):
    root = _copy(tmp_path, "xsum")
    ids = json.loads((root / "xsum" / raw._XSUM_SPLIT_FILE).read_text())
    story = (root / "xsum" / "xsum-extracts-from-downloads.tar.gz"
             / "xsum-extracts-from-downloads" / f"{ids['test'][0]}.data")
    story.write_text(story.read_text().replace("[XSUM]RESTBODY[XSUM]", ""), encoding="utf-8")
    with pytest.raises(RawDataError, match=rf"{story.name}: expected \[XSUM\]URL"):
        raw.check_xsum(_paths(root, "xsum"))


def test_xsum_check_names_a_misplaced_folder(tmp_path):
    root = _copy(tmp_path, "xsum")
    shutil.rmtree(root / "xsum" / "xsum-extracts-from-downloads.tar.gz")
    with pytest.raises(RawDataError, match="holds none of the 40 train stories"):
        raw.check_xsum(_paths(root, "xsum"))


def test_cnn_dailymail_check_names_the_url_line(tmp_path):
    root = _copy(tmp_path, "cnn_dailymail")
    urls = root / "cnn_dailymail" / "all_val.txt"
    lines = urls.read_text().splitlines()
    lines[1] = lines[1].replace("2015", "2016")
    urls.write_text("\n".join(lines) + "\n")
    with pytest.raises(RawDataError, match=r"all_val\.txt line 2: no story [0-9a-f]{40}"):
        bt.CHECKS["cnn_dailymail"](_paths(root, "cnn_dailymail"))


# ------------------------------------------------------------------------- templates


def _placeholders(pattern):
    return {f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None}


@pytest.mark.parametrize("name", NAMES)
def test_templates_follow_the_conventions(name):
    patterns = tpl.PATTERNS[name]
    assert 8 <= len(patterns) <= 10 and 1 <= tpl.REVERSED[name] <= 2
    assert name in tpl.FREE_TEXT
    n_answer = len(patterns) - tpl.REVERSED[name]
    (source,) = FIELDS[name] - {"answer"}
    for i, (inputs, targets) in enumerate(patterns):
        assert _placeholders(inputs) | _placeholders(targets) <= FIELDS[name]
        if i < n_answer:
            assert targets == "{answer}" and _placeholders(inputs) == {source}
        else:
            assert targets == f"{{{source}}}" and "answer" in _placeholders(inputs)
        for line in (inputs + "\n" + targets).split("\n"):
            assert line == line.rstrip()
    assert len({inputs for inputs, _ in patterns}) == len(patterns)


# ------------------------------------------------------------------------ formatters


def test_formatters_on_one_example():
    samsum = ds.format_samsum({"dialogue": tf.constant("Ann: Lunch?\r\nBo: Sure \r\n"),
                               "summary": tf.constant(" Bo joins Ann. "),
                               "id": tf.constant("13")})
    assert {k: v.numpy().decode() for k, v in samsum.items()} == {
        "dialogue": "Ann: Lunch?\nBo: Sure", "answer": "Bo joins Ann."}
    aeslc = ds.format_aeslc({"email_body": tf.constant("Hi Ann,\nLunch on Friday?\n"),
                             "subject_line": tf.constant("Team lunch\n")})
    assert {k: v.numpy().decode() for k, v in aeslc.items()} == {
        "body": "Hi Ann,\nLunch on Friday?", "answer": "Team lunch"}


def test_configs_join_the_mixture_and_score_rouge():
    for cfg in ds.DATASETS:
        assert cfg.families == (ds.SUMMARIZATION_MIX,)
        assert cfg.metric_fns == (metrics.rouge,) and cfg.options is None
        assert set(cfg.fields) | {"answer"} == FIELDS[cfg.name]


def test_rouge_sanity():
    same = metrics.rouge(["River rose.\nFamilies left."], ["River rose.\nFamilies left."])
    assert same == pytest.approx({"rouge1": 100.0, "rouge2": 100.0, "rougeLsum": 100.0})
    assert metrics.rouge(["River rose."], ["Cats sleep."])["rouge1"] == 0.0


# ----------------------------------------------------------------- tasks and mixtures


def _first(name, split="validation"):
    provider = seqio.get_mixture_or_task(name)
    kwargs = dict(sequence_length=LENGTHS, split=split, shuffle=False)
    if isinstance(provider, seqio.Mixture):
        kwargs.update(copy_pretokenized=True, seed=0)
    return next(provider.get_dataset(**kwargs).as_numpy_iterator())


@pytest.mark.parametrize("name", NAMES)
def test_zero_shot_task_shows_the_source_text(data_dir, name):
    import tensorflow_datasets as tfds

    cfg = {c.name: c for c in ds.DATASETS}[name]
    raw_ex = next(iter(tfds.load(cfg.tfds_name, split="validation",
                                 data_dir=str(data_dir), download=False)))
    fields = {k: v.numpy().decode() for k, v in cfg.formatter(raw_ex).items()}
    ex = _first(zero_shot_name(name, 0))
    (source,) = cfg.fields
    assert fields[source] in ex["inputs_pretokenized"].decode()
    assert ex["targets_pretokenized"].decode() == fields["answer"]


def test_t5_cnn_dailymail_text_steps():
    task = seqio.get_mixture_or_task(summarization.CNN_DAILYMAIL_T5_NAME)
    example = {"article": "Floodwater rose overnight.", "highlights": "River rose.\nLeft.",
               "publisher": "cnn", "id": "c2847"}
    out = next(iter(t5_style.apply_text_preprocessors(
        task, tf.data.Dataset.from_tensors(example))))
    assert {k: v.numpy().decode() for k, v in out.items()} == {
        "inputs": "summarize: Floodwater rose overnight.", "targets": "River rose.\nLeft."}
    assert task.metric_fns == [metrics.rouge]


def test_t5_mixture_first_example(data_dir):
    mixture = seqio.get_mixture_or_task(mixture_name(ds.SUMMARIZATION_MIX, "t5"))
    assert [t.name for t in mixture.tasks] == [summarization.CNN_DAILYMAIL_T5_NAME]
    ex = _first(mixture.name)
    assert ex["inputs_pretokenized"].decode().startswith("summarize: ")
    assert ex["targets_pretokenized"].decode()


def test_flan_mixture_holds_every_template():
    mixture = seqio.get_mixture_or_task(mixture_name(ds.SUMMARIZATION_MIX, "flan"))
    assert {t.name for t in mixture.tasks} == {dataset_task_name(n, every_template=True)
                                               for n in NAMES}
    for task in mixture.tasks:
        info = prompts.DATASET_TASKS[task.name]
        assert len(info.template_indices) == len(tpl.PATTERNS[info.dataset])
