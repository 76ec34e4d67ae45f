"""Translation (``ft_translation_mix``): WMT16 ro-en and de-en, WMT14 fr-en.

The demo raw files build offline with TFDS's own WMT builders into a temporary data
dir; the raw-file layout matches the subsets and URLs the installed builders use; each
raw-file check names a malformed file; the formatter, the zero-shot tasks, T5's
``wmt16_enro_v003`` / ``wmt14_enfr_v003`` and both mixtures read that data.
"""

from __future__ import annotations

import gzip
import pathlib
import shutil

import pytest

import mixtures

mixtures.register_all()  # every built-in task and mixture
import tasks.translation as translation
from caches import build_tfds as bt
from caches import raw_translation as raw
from caches.raw_formats import RawDataError
from tasks import metrics, paths, sources, t5_style
from tasks.flan import datasets_translation as ds
from tasks.flan import templates_translation as tpl
from tasks.names import dataset_task_name, mixture_name, zero_shot_name

import seqio
import tensorflow as tf
from helpers import build_demo_group
from helpers import FIELDS as ALL_FIELDS

# The fields this group's formatters provide (the table in tests/conftest.py).
FIELDS = {name: ALL_FIELDS[name]
          for name in ("wmt16_translate_roen", "wmt16_translate_deen", "wmt14_translate_fren")}
NAMES = ["wmt16_translate/ro-en", "wmt16_translate/de-en", "wmt14_translate/fr-en"]
COUNTS = {"train": 40, "validation": 10, "test": 10}
LENGTHS = {"inputs": 256, "targets": 128}
RAW = pathlib.Path(paths.DEMO_RAW_DIR)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """The three pairs built from the demo raw files; project sources read them."""
    out = pathlib.Path(build_demo_group(tmp_path_factory, "translation", NAMES))
    sources.set_tfds_data_dir(str(out))
    yield out
    sources.set_tfds_data_dir(None)


@pytest.fixture(autouse=True)
def registered():
    """Re-registers the T5 tasks if another test cleared the registry."""
    if not set(translation.TRANSLATION_TASKS) <= set(seqio.TaskRegistry.names()):
        translation.register()


# --------------------------------------------------------------------------- building


def test_demo_raw_builds_with_expected_counts(data_dir):
    import tensorflow_datasets as tfds

    for name in NAMES:
        builder = tfds.builder(bt.tfds_name(name), data_dir=str(data_dir))
        assert {s: i.num_examples for s, i in builder.info.splits.items()} == COUNTS
        # Europarl de-en's blank pair is skipped, not kept as an empty example.
        for ex in tfds.load(bt.tfds_name(name), split="train", data_dir=str(data_dir),
                            download=False):
            assert all(v.numpy() for v in ex.values())


def test_layout_matches_the_installed_builders(tmp_path):
    """Each config's subsets, and each subset's URL and paths, as wmt.py declares them."""
    import tensorflow_datasets as tfds
    from tensorflow_datasets.translate import wmt

    for name in NAMES:
        family, config = name.split("/")
        builder = tfds.builder_cls(family)(config=config, data_dir=str(tmp_path))
        used = {str(split): tuple(subsets) for split, subsets in builder.subsets.items()}
        assert used == raw.SPLIT_SUBSETS[name]
        src = raw.source_language(name)
        for subsets in used.values():
            for subset in subsets:
                (url,) = wmt.DATASET_MAP[subset].get_url(src)
                assert raw.subset_url(subset, src) == (url, bt.URL_TO_RAW[url])
                folder = bt.URL_TO_RAW[url]
                expected = [f"{folder}/{p}" if p else folder
                            for p in wmt.DATASET_MAP[subset].get_path(src)]
                assert raw.subset_files(subset, src) == expected
                assert set(expected) <= set(bt.RAW_FILES[name])


# ----------------------------------------------------------------------------- checks


def _copy_raw(tmp_path) -> pathlib.Path:
    root = tmp_path / "raw"
    shutil.copytree(RAW / raw.ROOT, root / raw.ROOT)
    return root


def _drop_last_line(path: pathlib.Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")


def _split_a_seg(path: pathlib.Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('<seg id="2">', '<seg id="2">\n', 1), encoding="utf-8")


def _drop_a_seg_element(path: pathlib.Path) -> None:
    text = path.read_text(encoding="utf-8")
    head, tail = text.split('<tuv xml:lang="ro"><seg>', 1)
    path.write_text(head + '<tuv xml:lang="ro">' + tail.replace("</seg>", "", 1),
                    encoding="utf-8")


def _truncate_gzip(path: pathlib.Path) -> None:
    path.write_bytes(path.read_bytes()[:-12])


# (dataset, raw file index in RAW_FILES, how it is broken, expected message part)
BROKEN = [
    ("wmt16_translate/de-en", 1, _drop_last_line, "the two files must be aligned"),
    ("wmt16_translate/ro-en", 4, _split_a_seg, "line 5: expected <seg id=\"N\">text</seg>"),
    ("wmt16_translate/ro-en", 2, _drop_a_seg_element, "has 0 <seg>, expected 1"),
    ("wmt14_translate/fr-en", 8, _truncate_gzip, "not a readable gzip file"),
]


@pytest.mark.parametrize("name,index,breaker,message", BROKEN,
                         ids=[b[2].__name__.strip("_") for b in BROKEN])
def test_check_names_the_malformed_file(tmp_path, name, index, breaker, message):
    root = _copy_raw(tmp_path)
    rel = bt.RAW_FILES[name][index]
    breaker(root / rel)
    with pytest.raises(RawDataError) as err:
        bt.validate_raw(name, str(root))
    text = str(err.value)
    assert "\n" not in text and message in text, text
    assert text.startswith(f"{name}: ") and rel.rsplit("/", 1)[-1] in text, text


def test_demo_raw_passes_the_checks():
    for name in NAMES:
        bt.validate_raw(name, str(RAW))


def test_giga_fren_stays_gzipped_as_upstream():
    fr, en = (RAW / p for p in raw.subset_files("gigafren", "fr"))
    assert gzip.decompress(fr.read_bytes()).count(b"\n") == 8
    assert gzip.decompress(en.read_bytes()).count(b"\n") == 8


# ------------------------------------------------------------------ templates, configs


def test_templates_cover_each_direction():
    for name, patterns in tpl.PATTERNS.items():
        code = next(iter(FIELDS[name] - {"answer"}))
        answering, reversed_ = patterns[:-tpl.REVERSED[name]], patterns[-tpl.REVERSED[name]:]
        assert 8 <= len(patterns) <= 10 and name in tpl.FREE_TEXT
        for inputs, target in answering:  # into English: the foreign sentence shown
            assert target == "{answer}" and "{" + code + "}" in inputs
            assert "{answer}" not in inputs and "{options_}" not in inputs
        for inputs, target in reversed_:  # out of English
            assert target == "{" + code + "}" and "{answer}" in inputs


def test_formatter_on_one_example():
    fmt = ds.to_english("ro")
    out = fmt({"ro": tf.constant("Ana a vizitat Ashby luni."),
               "en": tf.constant("Ana visited Ashby on Monday.")})
    assert {k: v.numpy().decode() for k, v in out.items()} == {
        "ro": "Ana a vizitat Ashby luni.", "answer": "Ana visited Ashby on Monday."}


def test_configs_join_the_mixture_and_score_bleu():
    assert [cfg.name for cfg in ds.DATASETS] == list(FIELDS)
    for cfg in ds.DATASETS:
        assert cfg.families == (ds.TRANSLATION_MIX,)
        assert cfg.metric_fns == (metrics.bleu,) and cfg.options is None
        assert set(cfg.fields) | {"answer"} == FIELDS[cfg.name]


def test_bleu_sanity():
    target = ["The train to Ashby leaves at 5 o'clock."]
    assert metrics.bleu(target, target) == {"bleu": pytest.approx(100.0)}
    assert metrics.bleu(target, ["Ashby is a town."])["bleu"] < 20


@pytest.mark.parametrize("name", list(FIELDS))
def test_zero_shot_task_shows_the_source_sentence(data_dir, name):
    import tensorflow_datasets as tfds

    cfg = next(c for c in ds.DATASETS if c.name == name)
    (code,) = cfg.fields
    source = next(iter(tfds.load(cfg.tfds_name, split="validation", data_dir=str(data_dir),
                                 download=False)))
    task = seqio.get_mixture_or_task(zero_shot_name(name, 0))
    ex = next(task.get_dataset(LENGTHS, split="validation", shuffle=False)
              .as_numpy_iterator())
    assert source[code].numpy().decode() in ex["inputs_pretokenized"].decode()
    assert ex["targets_pretokenized"].decode() == source["en"].numpy().decode()


# ------------------------------------------------------------------------- T5 style


@pytest.mark.parametrize("name,language,code", [("wmt16_enro_v003", "Romanian", "ro"),
                                                ("wmt14_enfr_v003", "French", "fr")])
def test_t5_task_first_example(data_dir, name, language, code):
    task = seqio.get_mixture_or_task(name)
    assert task.metric_fns and task.metric_fns[0].__name__ == "bleu"
    raw_ds = task.source.get_dataset(split="validation", shuffle=False)
    first = next(iter(raw_ds))
    ex = next(t5_style.apply_text_preprocessors(task, raw_ds).as_numpy_iterator())
    assert ex["inputs"].decode() == (f"translate English to {language}: "
                                     + first["en"].numpy().decode())
    assert ex["targets"].decode() == first[code].numpy().decode()


def test_mixtures_hold_the_tasks(data_dir):
    t5_mix = seqio.get_mixture_or_task(mixture_name(ds.TRANSLATION_MIX, "t5"))
    assert sorted(t.name for t in t5_mix.tasks) == sorted(translation.TRANSLATION_TASKS)
    flan_mix = seqio.get_mixture_or_task(mixture_name(ds.TRANSLATION_MIX, "flan"))
    # One task per dataset, over every template.
    assert sorted(t.name for t in flan_mix.tasks) == sorted(
        dataset_task_name(d, every_template=True) for d in tpl.PATTERNS)
    ex = next(t5_mix.get_dataset(LENGTHS, split="train", shuffle=False, seed=0,
                                 copy_pretokenized=True).as_numpy_iterator())
    assert ex["inputs_pretokenized"].decode().startswith("translate English to ")
