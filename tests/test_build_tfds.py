"""caches.build_tfds: real TFDS datasets prepared offline from raw files.

Builds run on the project's demo raw files (caches/demo_raw) when they are there, else
on tiny files written here in the same upstream formats. Expected example counts are
computed from the raw files directly, independently of TFDS.
"""

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest

from caches import build_tfds as bt
from caches.tfds_datasets import GLUE_URL
from tasks import paths

import tensorflow_datasets as tfds

# A few datasets covering both families and the unusual builders: MultiRC (one example
# per answer), MRPC (three files, dev split by id list, BOM) and MNLI (five splits).
FEW = ["super_glue/boolq", "super_glue/multirc", "glue/mrpc", "glue/mnli"]


# ----------------------------------------------------------- tiny upstream fixtures


def _write(root, rel, text, bom=False):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        f.write(text)


def _jsonl(rows):
    return "".join(json.dumps(row) + "\n" for row in rows)


def _tsv(rows):
    return "".join("\t".join(str(c) for c in row) + "\n" for row in rows)


def write_tiny_raw(root):
    """Tiny raw files for FEW, in the official archives' formats and layout."""
    for split, n in (("train", 4), ("val", 2), ("test", 2)):
        def label(row, value):
            return row if split == "test" else {**row, "label": value}
        _write(root, f"super_glue/BoolQ/{split}.jsonl", _jsonl(
            label({"question": f"is it true {i}", "passage": "A short passage.",
                   "idx": i}, i % 2 == 0) for i in range(n)))
        _write(root, f"super_glue/MultiRC/{split}.jsonl", _jsonl(
            {"idx": p, "version": 1.1, "passage": {"text": "A paragraph.", "questions": [
                {"question": "Why?", "idx": q, "answers": [
                    label({"text": "Because.", "idx": 3 * q}, 1),
                    label({"text": "No idea.", "idx": 3 * q + 1}, 0),
                    label({"text": "Maybe.", "idx": 3 * q + 2}, 0)]}
                for q in range(2)]}} for p in range(n)))
    head = ["index", "promptID", "pairID", "genre", "sentence1_binary_parse",
            "sentence2_binary_parse", "sentence1_parse", "sentence2_parse",
            "sentence1", "sentence2"]
    body = [0, 7, "7e", "fiction", "( A )", "( B )", "(ROOT A)", "(ROOT B)", "A.", "B."]
    _write(root, "glue/MNLI/train.tsv", _tsv(
        [head + ["label1", "gold_label"]]
        + [[i] + body[1:] + [lab, lab] for i, lab in enumerate(
            ["neutral", "entailment", "contradiction"])]))
    for name in ("dev_matched", "dev_mismatched"):
        _write(root, f"glue/MNLI/{name}.tsv", _tsv(
            [head + [f"label{i}" for i in range(1, 6)] + ["gold_label"]]
            + [body + ["neutral"] * 6, [1] + body[1:] + ["entailment"] * 6]))
    for name in ("test_matched", "test_mismatched"):
        _write(root, f"glue/MNLI/{name}.tsv", _tsv([head, body]))
    mrpc_head = ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"]
    _write(root, "glue/MRPC/msr_paraphrase_train.txt", _tsv(
        [mrpc_head] + [[i % 2, 100 + i, 200 + i, f"Sentence {i}.", f"Phrase {i}."]
                       for i in range(5)]), bom=True)
    _write(root, "glue/MRPC/msr_paraphrase_test.txt", _tsv(
        [mrpc_head, [1, 300, 400, "One.", "Uno."], [0, 301, 401, "Two.", "Dos."]]),
        bom=True)
    _write(root, "glue/MRPC/mrpc_dev_ids.tsv", _tsv([[101, 201], [103, 203]]))


def _has_demo_raw(names):
    return all(os.path.isfile(paths.DEMO_RAW_DIR / rel)
               for name in names for rel in bt.RAW_FILES[name])


@pytest.fixture
def raw(tmp_path):
    """A private raw dir for FEW (tests may damage it): demo files, else tiny ones."""
    root = str(tmp_path / "raw")
    if _has_demo_raw(FEW):
        for name in FEW:
            for rel in bt.RAW_FILES[name]:
                os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
                shutil.copyfile(paths.DEMO_RAW_DIR / rel, os.path.join(root, rel))
    else:
        write_tiny_raw(root)
    return root


# ------------------------------------------------ expected counts, straight from raw


def _lines(path):
    with open(path, encoding="utf-8") as f:
        return [line for line in f if line.strip()]


def _tsv_rows(path, skip_bom=False):
    with open(path, encoding="utf-8-sig" if skip_bom else "utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def expected_counts(name, root):
    """split -> number of examples the builder should write, from the raw files."""
    files = [os.path.join(root, rel) for rel in bt.RAW_FILES[name]]
    if name == "super_glue/boolq":
        return dict(zip(["train", "validation", "test"], map(len, map(_lines, files))))
    if name == "super_glue/multirc":
        return {split: sum(len(q["answers"]) for line in _lines(path)
                           for q in json.loads(line)["passage"]["questions"])
                for split, path in zip(["train", "validation", "test"], files)}
    if name == "glue/mrpc":
        train, test, dev_ids = files
        dev = {tuple(row[:2]) for row in _tsv_rows(dev_ids)}
        rows = _tsv_rows(train, skip_bom=True)[1:]
        in_dev = sum((row[1], row[2]) in dev for row in rows)
        return {"train": len(rows) - in_dev, "validation": in_dev,
                "test": len(_tsv_rows(test)) - 1}
    if name == "glue/mnli":
        splits = ["train", "validation_matched", "validation_mismatched",
                  "test_matched", "test_mismatched"]
        return {split: len(_tsv_rows(path)) - 1 for split, path in zip(splits, files)}
    raise KeyError(name)


# ---------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """FEW built once into a shared data dir: (raw_dir, data_dir, returned names)."""
    root = str(tmp_path_factory.mktemp("raw_few"))
    if _has_demo_raw(FEW):
        root = str(paths.DEMO_RAW_DIR)  # read only: safe to share
    else:
        write_tiny_raw(root)
    data_dir = str(tmp_path_factory.mktemp("tfds_few"))
    names = bt.build_tfds(root, data_dir, FEW, verbose=False)
    return root, data_dir, names


def test_build_returns_versioned_names(built):
    _, _, names = built
    assert names == ["super_glue/boolq:1.0.2", "super_glue/multirc:1.0.2",
                     "glue/mrpc:2.0.0", "glue/mnli:2.0.0"]


@pytest.mark.parametrize("name", FEW)
def test_built_dataset_loads_with_expected_counts(built, name):
    root, data_dir, _ = built
    builder = tfds.builder(bt.tfds_name(name), data_dir=data_dir)
    counts = {s: info.num_examples for s, info in builder.info.splits.items()}
    assert counts == expected_counts(name, root)
    # And it reads back the way users read it: tfds.load with no download.
    splits = tfds.load(bt.tfds_name(name), data_dir=data_dir, download=False)
    assert {s: sum(1 for _ in ds) for s, ds in splits.items()} == counts


def test_built_fields(built):
    _, data_dir, _ = built
    boolq = next(iter(tfds.as_numpy(tfds.load(
        "super_glue/boolq:1.0.2", split="train", data_dir=data_dir, download=False))))
    assert set(boolq) == {"question", "passage", "idx", "label"}
    assert boolq["label"] in (0, 1) and boolq["question"]
    multirc = next(iter(tfds.as_numpy(tfds.load(
        "super_glue/multirc:1.0.2", split="validation", data_dir=data_dir,
        download=False))))
    assert set(multirc["idx"]) == {"paragraph", "question", "answer"}
    test = tfds.load("glue/mnli:2.0.0", split="test_matched", data_dir=data_dir,
                     download=False)
    # Test rows carry no label: the builder writes -1.
    assert {int(ex["label"]) for ex in tfds.as_numpy(test)} == {-1}


def test_skips_prepared_unless_overwrite(built, capsys):
    root, data_dir, _ = built
    info = os.path.join(bt.prepared_dir("super_glue/boolq", data_dir),
                        "dataset_info.json")
    before = os.stat(info).st_mtime_ns
    assert bt.build_tfds(root, data_dir, "super_glue/boolq:1.0.2,glue/mrpc") == []
    out = capsys.readouterr().out
    assert "[1/2] super_glue/boolq:1.0.2 ... already prepared, skipped" in out
    assert "skipped 2" in out
    assert os.stat(info).st_mtime_ns == before

    assert bt.build_tfds(root, data_dir, ["super_glue/boolq"], overwrite=True) == [
        "super_glue/boolq:1.0.2"]
    assert "[1/1] super_glue/boolq:1.0.2 ... " in capsys.readouterr().out
    assert os.stat(info).st_mtime_ns != before
    assert bt.is_prepared("super_glue/boolq", data_dir)


def test_prepared_datasets_need_no_raw_files(built, tmp_path):
    _, data_dir, _ = built
    assert bt.build_tfds(str(tmp_path / "nowhere"), data_dir, FEW, verbose=False) == []


def test_network_is_never_touched(raw, tmp_path, no_network):
    data_dir = str(tmp_path / "tfds")
    assert bt.build_tfds(raw, data_dir, ["glue/mrpc", "super_glue/boolq"],
                         verbose=False) == ["glue/mrpc:2.0.0", "super_glue/boolq:1.0.2"]
    assert bt.is_prepared("glue/mrpc", data_dir)


def test_missing_file_is_named(raw, tmp_path):
    os.remove(os.path.join(raw, "glue/MNLI/dev_mismatched.tsv"))
    with pytest.raises(bt.RawDataError) as err:
        bt.build_tfds(raw, str(tmp_path / "tfds"), "super_glue/boolq,glue/mnli")
    message = str(err.value)
    assert "\n" not in message
    assert "glue/mnli" in message
    assert os.path.join(raw, "glue/MNLI/dev_mismatched.tsv") in message
    # Checked before anything was built.
    assert not os.path.exists(tmp_path / "tfds" / "super_glue")


def test_malformed_json_line_is_named(raw, tmp_path):
    path = os.path.join(raw, "super_glue/MultiRC/val.jsonl")
    lines = _lines(path)
    lines.insert(1, '{"idx": 1, "passage": {"text": "cut off here\n')
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)
    with pytest.raises(bt.RawDataError,
                       match=r"super_glue/multirc: .*MultiRC/val\.jsonl line 2: not"):
        bt.build_tfds(raw, str(tmp_path / "tfds"), ["super_glue/multirc"])


def test_json_line_missing_a_key_is_named(raw, tmp_path):
    path = os.path.join(raw, "super_glue/BoolQ/train.jsonl")
    lines = _lines(path)
    row = json.loads(lines[2])
    del row["passage"]
    lines[2] = json.dumps(row) + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)
    with pytest.raises(bt.RawDataError,
                       match=r"BoolQ/train\.jsonl line 3: has no 'passage'"):
        bt.validate_raw("super_glue/boolq", raw)


def test_tsv_missing_column_is_named(raw, tmp_path):
    path = os.path.join(raw, "glue/MNLI/dev_matched.tsv")
    rows = _tsv_rows(path)
    rows[0] = ["not_sentence2" if c == "sentence2" else c for c in rows[0]]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(_tsv(rows))
    with pytest.raises(bt.RawDataError,
                       match=r"glue/mnli: .*MNLI/dev_matched\.tsv line 1: .*'sentence2'"):
        bt.build_tfds(raw, str(tmp_path / "tfds"), ["glue/mnli"])


def test_bad_tsv_label_is_named(raw):
    path = os.path.join(raw, "glue/MNLI/train.tsv")
    rows = _tsv_rows(path)
    rows[2][-1] = "perhaps"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(_tsv(rows))
    with pytest.raises(bt.RawDataError, match=r"MNLI/train\.tsv line 3: label 'perhaps'"):
        bt.validate_raw("glue/mnli", raw)


def test_mrpc_train_without_bom_is_named(raw):
    path = os.path.join(raw, "glue/MRPC/msr_paraphrase_train.txt")
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[3:])
    with pytest.raises(bt.RawDataError,
                       match=r"msr_paraphrase_train\.txt line 1: .*byte-order"):
        bt.validate_raw("glue/mrpc", raw)


def test_unknown_dataset_lists_known_ones(raw, tmp_path):
    with pytest.raises(bt.UnknownDatasetError) as err:
        bt.build_tfds(raw, str(tmp_path), "super_glue/boolq,glue/nope")
    assert "'glue/nope'" in str(err.value)
    assert all(name in str(err.value) for name in bt.ALL_DATASETS)
    with pytest.raises(bt.UnknownDatasetError, match="super_glue/boolq:1.0.2 only"):
        bt.resolve_datasets("super_glue/boolq:1.0.0")


def test_every_registered_task_reads_a_buildable_dataset():
    """Each built-in task's TFDS name:version is one ``build_tfds`` builds, and back."""
    import mixtures
    mixtures.register_all()  # every built-in task and mixture
    import seqio

    read = {seqio.get_mixture_or_task(n).source.tfds_dataset.name
            for n in seqio.TaskRegistry.names()}
    built = {bt.tfds_name(name) for name in bt.ALL_DATASETS}
    # super_glue/wsc comes from the same archive as wsc.fixed, which every task reads.
    assert read == built - {"super_glue/wsc:1.0.2"}


def test_resolve_datasets():
    assert bt.resolve_datasets(None) == list(bt.ALL_DATASETS)
    # 29: the 21 GLUE/SuperGLUE archives' configs + MNLI's eval views + IMDB, Yelp,
    # Sentiment140, PAWS-Wiki and SQuAD 1.1/2.0; 24 from the caches/raw_<group>.py files
    assert len(bt.ALL_DATASETS) == 29 + 24
    assert bt.resolve_datasets("squad/v2.0:3.0.0") == ["squad/v2.0"]
    assert bt.resolve_datasets("sentiment140:1.0.0,paws_wiki/labeled_final_tokenized") == [
        "sentiment140", "paws_wiki/labeled_final_tokenized"]
    assert bt.tfds_name("yelp_polarity_reviews") == "yelp_polarity_reviews:0.2.0"
    assert bt.resolve_datasets(" glue/mrpc , glue/mrpc:2.0.0,super_glue/wsc.fixed") == [
        "glue/mrpc", "super_glue/wsc.fixed"]


def test_failed_generation_leaves_nothing_prepared(raw, tmp_path, monkeypatch):
    """A build that dies half-way is an error with the name, and is never 'prepared'."""
    from tensorflow_datasets.text import super_glue

    real = super_glue.SuperGlue._generate_examples
    data_dir = str(tmp_path / "tfds")
    final = bt.prepared_dir("super_glue/boolq", data_dir)
    seen = []

    def dies_half_way(self, data_file, split):
        # Mid-generation, TFDS writes into an incomplete.* sibling, not the final dir.
        seen.append((os.path.exists(final), sorted(os.listdir(os.path.dirname(final)))))
        for i, example in enumerate(real(self, data_file, split)):
            if i == 1:
                raise OSError("disk went away")
            yield example

    monkeypatch.setattr(super_glue.SuperGlue, "_generate_examples", dies_half_way)
    with pytest.raises(bt.BuildError) as err:
        bt.build_tfds(raw, data_dir, ["super_glue/boolq"], verbose=False)
    assert str(err.value).startswith("super_glue/boolq:1.0.2: ")
    assert "disk went away" in str(err.value) and "\n" not in str(err.value)
    assert not bt.is_prepared("super_glue/boolq", data_dir)
    assert not os.path.exists(final)
    exists, siblings = seen[0]
    assert not exists and [d for d in siblings if d.startswith("incomplete.")]
    assert not os.listdir(os.path.dirname(final))  # and the temp folder is gone

    monkeypatch.setattr(super_glue.SuperGlue, "_generate_examples", real)
    assert bt.build_tfds(raw, data_dir, ["super_glue/boolq"], verbose=False)
    assert bt.is_prepared("super_glue/boolq", data_dir)


def test_leftovers_of_a_killed_build_are_not_taken_as_complete(raw, tmp_path):
    data_dir = str(tmp_path / "tfds")
    final = bt.prepared_dir("super_glue/boolq", data_dir)
    # What a SIGKILL leaves: TFDS's temp folder, and (worse) a version folder some
    # tool half-copied without dataset_info.json.
    leftover = os.path.join(os.path.dirname(final), "incomplete.ABC123_1.0.2")
    os.makedirs(leftover)
    with open(os.path.join(leftover, "dataset_info.json"), "w") as f:
        f.write("{}")
    os.makedirs(final)
    open(os.path.join(final, "boolq-train.tfrecord-00000-of-00001"), "w").close()
    assert not bt.is_prepared("super_glue/boolq", data_dir)
    assert bt.build_tfds(raw, data_dir, ["super_glue/boolq"], verbose=False)
    counts = expected_counts("super_glue/boolq", raw)
    builder = tfds.builder("super_glue/boolq:1.0.2", data_dir=data_dir)
    assert {s: i.num_examples for s, i in builder.info.splits.items()} == counts


def test_url_table_covers_the_installed_builders():
    import importlib

    from tensorflow_datasets.text import glue

    for name in bt.ALL_DATASETS:
        family, _, config = name.partition("/")
        if family not in ("glue", "super_glue"):
            continue
        url = tfds.builder_cls(family).builder_configs[config].data_url
        if url:  # glue/mrpc has none: it fetches the three files below
            assert url in bt.URL_TO_RAW, name
    for url in (glue._MRPC_TRAIN, glue._MRPC_TEST, glue._MRPC_DEV_IDS):
        assert url in bt.URL_TO_RAW
    # The other builders keep their URLs in module constants.
    for module, attr in (
            ("datasets.imdb_reviews.imdb_reviews_dataset_builder", "_DOWNLOAD_URL"),
            ("text.yelp_polarity", "_DOWNLOAD_URL"),
            ("datasets.sentiment140.sentiment140_dataset_builder", "_DOWNLOAD_URL"),
            ("datasets.paws_wiki.paws_wiki_dataset_builder", "_DOWNLOAD_URLS")):
        urls = getattr(importlib.import_module(f"tensorflow_datasets.{module}"), attr)
        for url in (urls.values() if isinstance(urls, dict) else [urls]):
            assert url in bt.URL_TO_RAW, (module, url)
    # SQuAD joins its base URL with each config's file names.
    from tensorflow_datasets.datasets.squad import squad_dataset_builder as squad
    for config in squad.Builder.BUILDER_CONFIGS:
        for name in (config.train_file, config.dev_file):
            url = os.path.join(squad._URL, name)
            assert url in bt.URL_TO_RAW and bt.URL_TO_RAW[url] in bt.RAW_FILES[
                f"squad/{config.name}"], url


FT = ["imdb_reviews/plain_text", "yelp_polarity_reviews", "sentiment140",
      "paws_wiki/labeled_final_tokenized"]


@pytest.mark.skipif(not _has_demo_raw(FT), reason="caches/demo_raw lacks the ft raw files")
def test_builds_the_sentiment_and_paws_sets_offline(tmp_path, no_network):
    data_dir = str(tmp_path / "tfds")
    names = bt.build_tfds(str(paths.DEMO_RAW_DIR), data_dir, FT, verbose=False)
    assert names == [bt.tfds_name(n) for n in FT]
    counts = {n: {s: i.num_examples for s, i in
                  tfds.builder(bt.tfds_name(n), data_dir=data_dir).info.splits.items()}
              for n in FT}
    assert counts == {
        "imdb_reviews/plain_text": {"train": 40, "test": 10, "unsupervised": 6},
        "yelp_polarity_reviews": {"train": 40, "test": 10},
        "sentiment140": {"train": 40, "test": 12},
        "paws_wiki/labeled_final_tokenized": {"train": 40, "validation": 10, "test": 10}}
    (ex,) = tfds.load(bt.tfds_name(FT[1]), split="test[:1]", data_dir=data_dir)
    assert not ex["text"].numpy().startswith(b'"')  # the builder's slicing fits the file


SQUAD = ["squad/v1.1", "squad/v2.0"]


@pytest.mark.skipif(not _has_demo_raw(SQUAD), reason="caches/demo_raw lacks SQuAD")
def test_builds_squad_offline(tmp_path, no_network):
    data_dir = str(tmp_path / "tfds")
    names = bt.build_tfds(str(paths.DEMO_RAW_DIR), data_dir, SQUAD, verbose=False)
    assert names == ["squad/v1.1:3.0.0", "squad/v2.0:3.0.0"]
    for name in SQUAD:
        builder = tfds.builder(bt.tfds_name(name), data_dir=data_dir)
        assert {s: i.num_examples for s, i in builder.info.splits.items()} == {
            "train": 40, "validation": 10}
    v2 = list(tfds.load("squad/v2.0:3.0.0", split="validation", data_dir=data_dir)
              .as_numpy_iterator())
    impossible = [ex for ex in v2 if ex["is_impossible"]]
    assert impossible and all(len(ex["answers"]["text"]) == 0 for ex in impossible)
    for ex in v2:  # answers are spans of the context at answer_start
        context = ex["context"].decode()
        for text, start in zip(ex["answers"]["text"], ex["answers"]["answer_start"]):
            assert context[start:start + len(text.decode())] == text.decode()


def _copy_ft(tmp_path, name):
    root = tmp_path / "raw"
    for rel in bt.RAW_FILES[name]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(paths.DEMO_RAW_DIR / rel, root / rel)
    return root


@pytest.mark.skipif(not _has_demo_raw(FT), reason="caches/demo_raw lacks the ft raw files")
@pytest.mark.parametrize("name,rel,text,message", [
    ("yelp_polarity_reviews", "yelp_review_polarity_csv/test.csv", '"3","Fine."\n',
     r"test.csv line 1: expected \"1\" or \"2\""),
    ("sentiment140", "testdata.manual.2009.06.14.csv", '"1","2","d","q","u","t"\n',
     r"line 1: polarity '1' is not 0, 2 or 4"),
    ("paws_wiki/labeled_final_tokenized", "final/dev.tsv",
     "id\tsentence1\tsentence2\tlabel\n1\ta\tb\tyes\n", r"dev.tsv line 2: label 'yes'"),
    ("imdb_reviews/plain_text", "aclImdb_v1.tar.gz", "not an archive",
     r"not a readable \.tar\.gz"),
    ("squad/v1.1", "dev-v1.1.json", '{"data": [{"paragraphs": [{"context": "abc"}]}]}',
     r"dev-v1.1.json: article 0 paragraph 0 needs a 'context' string and a 'qas' list"),
    ("squad/v1.1", "train-v1.1.json", '{"data": [', r"train-v1.1.json: not SQuAD JSON"),
    ("squad/v1.1", "dev-v1.1.json", '{"data": [{"paragraphs": [{"context": "the Esker", '
     '"qas": [{"id": "q1", "question": "Which?", "answers": [{"text": "Esker", '
     '"answer_start": 0}]}]}]}]}',
     r"paragraph 0: question 'q1': answers 'Esker' is not at answer_start 0"),
    ("squad/v2.0", "train-v2.0.json", '{"data": [{"paragraphs": [{"context": "x", '
     '"qas": [{"id": "q2", "question": "Why?", "answers": []}]}]}]}',
     r"train-v2.0.json: article 0 paragraph 0: question 'q2' has no 'is_impossible'"),
])
def test_bad_ft_raw_file_is_named(tmp_path, name, rel, text, message):
    root = _copy_ft(tmp_path, name)
    path = root / bt.RAW_FILES[name][0].split("/")[0] / rel
    path.write_text(text)
    with pytest.raises(bt.RawDataError, match=f"^{name}: .*{message}"):
        bt.validate_raw(name, str(root))


def test_unlisted_urls_are_refused(tmp_path):
    with bt.local_downloads(str(tmp_path)):
        manager = tfds.download.DownloadManager(download_dir=str(tmp_path / "dl"))
        with pytest.raises(bt.OfflineUrlError, match="example.com"):
            manager.download_and_extract("https://example.com/data.zip")
        with pytest.raises(bt.OfflineUrlError):
            manager.download_kaggle_data("some/competition")
        assert str(manager.download(GLUE_URL + "MNLI.zip")) == str(tmp_path / "glue")


def test_build_asking_for_an_unlisted_url_fails_offline(raw, tmp_path, monkeypatch):
    monkeypatch.delitem(bt.URL_TO_RAW, GLUE_URL + "MNLI.zip")
    with pytest.raises(bt.BuildError, match=r"^glue/mnli:2.0.0: .*MNLI\.zip.*no local"):
        bt.build_tfds(raw, str(tmp_path / "tfds"), ["glue/mnli"], verbose=False)
    assert not bt.is_prepared("glue/mnli", str(tmp_path / "tfds"))


def test_cli_error_is_one_line_without_traceback(raw, tmp_path):
    os.remove(os.path.join(raw, "super_glue/BoolQ/test.jsonl"))
    proc = subprocess.run(
        [sys.executable, "-m", "caches.build_tfds", "--raw_dir", raw,
         "--data_dir", str(tmp_path / "tfds"), "--datasets", "super_glue/boolq"],
        capture_output=True, text=True, cwd=str(paths.REPO_ROOT), timeout=120)
    assert proc.returncode == 2  # a user error (common.errors.cli_main)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert lines[0].startswith("error: super_glue/boolq: missing raw file ")
    assert lines[0].endswith(os.path.join(raw, "super_glue/BoolQ/test.jsonl"))


def test_cli_builds_and_lists(raw, tmp_path, capsys):
    data_dir = str(tmp_path / "tfds")
    assert bt.main(["--raw_dir", raw, "--data_dir", data_dir,
                    "--datasets", "glue/mrpc"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("[1/1] glue/mrpc:2.0.0 ... ") and "examples" in out[0]
    assert out[-1].startswith("built 1, skipped 0")
    assert bt.main(["--raw_dir", raw, "--data_dir", data_dir,
                    "--datasets", "glue/nope"]) == 2
    assert capsys.readouterr().err.startswith("error: unknown dataset 'glue/nope'")
    assert bt.main(["--list"]) == 0
    assert capsys.readouterr().out.strip() == bt.format_table()


def test_docs_hold_the_raw_files_table():
    with open(paths.REPO_ROOT / "docs" / "offline-data.md", encoding="utf-8") as f:
        assert bt.format_table() in f.read()


def test_every_dataset_is_built_from_demo_raw(demo_assets):
    """The demo data dir the tests and the demo use: every dataset prepared, every split
    non-empty, and FEW's split counts those of their raw files.

    On a clean checkout (CI) the session fixture has just built it all from
    caches/demo_raw; each group's own test file also builds its datasets into a fresh
    folder, so nothing is built twice here.
    """
    data_dir = str(demo_assets.DEMO_TFDS_DIR)
    for name in bt.ALL_DATASETS:
        assert bt.is_prepared(name, data_dir), name
        builder = tfds.builder(bt.tfds_name(name), data_dir=data_dir)
        counts = {s: i.num_examples for s, i in builder.info.splits.items()}
        assert counts and all(counts.values()), (name, counts)
    for name in FEW:
        builder = tfds.builder(bt.tfds_name(name), data_dir=data_dir)
        assert {s: i.num_examples for s, i in builder.info.splits.items()} == (
            expected_counts(name, str(paths.DEMO_RAW_DIR)))


def test_num_shards_above_a_split_size_uses_the_smallest_split(tmp_path_factory):
    """--num_shards 4 where HellaSwag's demo has splits of 2 examples: TFDS refuses empty
    files, so every split of that dataset gets 2 files, not an error."""
    from helpers import build_demo_group
    data_dir = build_demo_group(tmp_path_factory, "shards", ["hellaswag"], num_shards=4)
    files = os.listdir(os.path.join(data_dir, "hellaswag", bt.VERSIONS["hellaswag"]))
    assert "hellaswag-train.tfrecord-00001-of-00002" in files
    assert not [f for f in files if f.endswith("-of-00004")]
