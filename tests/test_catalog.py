"""README's dataset table is the generated one, and it covers every dataset and family."""

import pytest

from caches import build_tfds, catalog, real_sizes
from tasks import paths

FAMILIES = ("glue_mix", "sglue_mix", "sglue_prompted_mix", "sglue_noisy_prompted_mix",
            "sglue_dpr_prompted_mix", "sglue_dpr_wsc_prompted_mix", "ft_squad_mix",
            "ft_paraphrase_similarity_mix", "ft_sentiment_mix", "ft_closedbook_qa_mix",
            "ft_translation_mix", "ft_summarization_mix")


@pytest.fixture(scope="module")
def table():
    return catalog.format_table()


def test_format_files_groups_a_folder():
    assert catalog.format_files(["glue/RTE/train.tsv", "glue/RTE/dev.tsv", "x/a.json"]) == (
        "`glue/RTE/{train,dev}.tsv`, `x/a.json`")
    # Shared parts are cut at separators: never "t{rain,est}.tsv".
    assert catalog.format_files(["t/train.tsv", "t/test.tsv"]) == "`t/{train,test}.tsv`"
    assert catalog.format_files(["w/ep.de-en.de", "w/ep.de-en.en"]) == "`w/ep.de-en.{de,en}`"
    assert catalog.format_files(["w/a.de", "w/b.en", "v/c.txt"]) == "`w/{a.de,b.en}`, `v/c.txt`"


def test_readme_holds_the_generated_table(table):
    with open(paths.REPO_ROOT / "README.md", encoding="utf-8") as f:
        assert catalog.readme_table(f.read()) == table, (
            "README.md's datasets table is stale: run `python -m caches.catalog --write`")


def test_check_passes_on_the_current_readme(capsys):
    assert catalog.main(["--check"]) == 0


def test_every_dataset_row_is_complete(table):
    from tasks.flan import datasets
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == len(datasets.DATASETS)
    for cfg, row in zip(datasets.DATASETS, rows):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[0] == f"`{cfg.name}`" and cells[1] == f"`{cfg.tfds_name}`"
        # Every source is one caches.build_tfds can build offline.
        assert cfg.tfds_name.partition(":")[0] in build_tfds.RAW_FILES, cfg.tfds_name
        assert cells[3].endswith("reversed)") and cells[5], row
        # The real dataset's train examples and the FLAN rate they give (min(n, 3000)).
        n = real_sizes.train_examples(cfg.tfds_name)
        assert cells[4] == ("no train split" if n is None else f"{n:,} → {min(n, 3000):,}")
        assert cfg.tfds_name.partition(":")[0] in real_sizes.SPLITS, cfg.tfds_name


def test_real_sizes_are_the_catalog_counts():
    assert real_sizes.train_examples("glue/mnli:2.0.0") == 392_702
    assert real_sizes.train_examples("super_glue/boolq") == 9_427
    assert real_sizes.train_examples("wsc273:1.0.0") is None  # test split only
    assert real_sizes.train_examples("no_such_dataset") is None


def test_every_mixture_family_is_registered(table):
    import mixtures
    mixtures.register_all()
    for family in FAMILIES:
        assert f"`{family}.flan`" in table or f"`{family}.t5`" in table, family

