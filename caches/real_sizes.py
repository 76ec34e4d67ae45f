"""The real datasets' split sizes (examples per split, from each TFDS catalog page),
keyed by TFDS name without version: what FLAN's mixture rates are computed from on the
real data (``min(train, 3000)``, README "Datasets") and what a real-size generator
reproduces. Pure data.
"""

from __future__ import annotations

SPLITS: dict[str, dict[str, int]] = {
    "super_glue/boolq": {"train": 9_427, "validation": 3_270, "test": 3_245},
    "super_glue/cb": {"train": 250, "validation": 56, "test": 250},
    "super_glue/copa": {"train": 400, "validation": 100, "test": 500},
    "super_glue/multirc": {"train": 27_243, "validation": 4_848, "test": 9_693},
    "super_glue/record": {"train": 100_730, "validation": 10_000, "test": 10_000},
    "super_glue/rte": {"train": 2_490, "validation": 277, "test": 3_000},
    "super_glue/wic": {"train": 5_428, "validation": 638, "test": 1_400},
    "super_glue/wsc.fixed": {"train": 554, "validation": 104, "test": 146},
    "glue/cola": {"train": 8_551, "validation": 1_043, "test": 1_063},
    "glue/sst2": {"train": 67_349, "validation": 872, "test": 1_821},
    "glue/mrpc": {"train": 3_668, "validation": 408, "test": 1_725},
    "glue/qqp": {"train": 363_846, "validation": 40_430, "test": 390_965},
    "glue/stsb": {"train": 5_749, "validation": 1_500, "test": 1_379},
    "glue/mnli": {"train": 392_702, "validation_matched": 9_815,
                  "validation_mismatched": 9_832, "test_matched": 9_796,
                  "test_mismatched": 9_847},
    "glue/qnli": {"train": 104_743, "validation": 5_463, "test": 5_463},
    "glue/rte": {"train": 2_490, "validation": 277, "test": 3_000},
    "glue/wnli": {"train": 635, "validation": 71, "test": 146},
    "imdb_reviews/plain_text": {"train": 25_000, "test": 25_000, "unsupervised": 50_000},
    "yelp_polarity_reviews": {"train": 560_000, "test": 38_000},
    "sentiment140": {"train": 1_600_000, "test": 498},
    "paws_wiki/labeled_final_tokenized": {"train": 49_401, "validation": 8_000,
                                          "test": 8_000},
    "squad/v1.1": {"train": 87_599, "validation": 10_570},
    "squad/v2.0": {"train": 130_319, "validation": 11_873},
    "natural_questions_open": {"train": 87_925, "validation": 3_610},
    "trivia_qa/rc.nocontext": {"train": 138_384, "validation": 18_669, "test": 17_210},
    "ai2_arc/ARC-Easy": {"train": 2_251, "validation": 570, "test": 2_376},
    "ai2_arc/ARC-Challenge": {"train": 1_119, "validation": 299, "test": 1_172},
    "wmt16_translate/ro-en": {"train": 610_320, "validation": 1_999, "test": 1_999},
    "wmt16_translate/de-en": {"train": 4_548_885, "validation": 2_169, "test": 2_999},
    "wmt14_translate/fr-en": {"train": 40_836_715, "validation": 3_000, "test": 3_003},
    "samsum": {"train": 14_732, "validation": 818, "test": 819},
    "aeslc": {"train": 14_436, "validation": 1_960, "test": 1_906},
    "xsum": {"train": 203_577, "validation": 11_305, "test": 11_301},
    "cnn_dailymail": {"train": 287_113, "validation": 13_368, "test": 11_490},
    "anli/r1": {"train": 16_946, "validation": 1_000, "test": 1_000},
    "anli/r2": {"train": 45_460, "validation": 1_000, "test": 1_000},
    "anli/r3": {"train": 100_459, "validation": 1_200, "test": 1_200},
    "snli": {"train": 550_152, "validation": 10_000, "test": 10_000},
    "trec": {"train": 5_452, "test": 500},
    "piqa": {"train": 16_113, "validation": 1_838},
    "openbookqa": {"train": 4_957, "validation": 500, "test": 500},
    "hellaswag": {"train": 39_905, "validation": 10_042, "test": 10_003},
    "definite_pronoun_resolution": {"train": 1_322, "test": 564},
    "wsc273": {"test": 273},
    "coqa": {"train": 7_199, "test": 500},
    "dart": {"train": 62_659, "validation": 2_768, "test": 6_959},
    "math_dataset/algebra__linear_1d": {"train": 1_999_998, "test": 10_000},
}


def train_examples(tfds_name: str) -> int | None:
    """Real train examples of ``tfds_name`` (version ignored); None when it has no train
    split or is not listed.

    ``train_examples("glue/mnli:2.0.0") == 392_702``.
    """
    return SPLITS.get(tfds_name.partition(":")[0], {}).get("train")
