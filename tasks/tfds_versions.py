"""The TFDS builder versions the project reads: one table, one name builder.

Every task module gets its ``name/config:version`` strings from ``tfds_name`` so that
moving a builder to another version is a one-line change here. Pure data, no imports
beyond the error base class.
"""

from __future__ import annotations

from typing import Optional

from common.errors import UserError

# TFDS builder -> the version its tasks read (prepared offline by caches/build_tfds.py).
VERSIONS = {
    "super_glue": "1.0.2",
    "glue": "2.0.0",
    "imdb_reviews": "1.0.0",
    "yelp_polarity_reviews": "0.2.0",
    "sentiment140": "1.0.0",
    "paws_wiki": "1.1.0",
    "squad": "3.0.0",
    "natural_questions_open": "1.0.0",
    "trivia_qa": "1.1.0",
    "ai2_arc": "1.0.0",
    "wmt16_translate": "1.0.0",
    "wmt14_translate": "1.0.0",
    "samsum": "1.0.0",
    "aeslc": "1.0.0",
    "xsum": "1.1.0",
    "cnn_dailymail": "3.4.0",
    "anli": "0.1.0",
    "snli": "1.1.0",
    "trec": "1.0.0",
    "piqa": "1.0.0",
    "openbookqa": "0.1.0",
    "hellaswag": "1.1.0",
    "definite_pronoun_resolution": "1.1.0",
    "wsc273": "1.0.0",
    "coqa": "1.0.0",
    "dart": "0.1.0",
    "math_dataset": "1.0.0",
}


class UnknownBuilderError(UserError, KeyError):
    """A TFDS builder with no pinned version."""

    def __str__(self):  # KeyError would quote the message
        return self.args[0]


def tfds_name(builder: str, config: Optional[str] = None) -> str:
    """``tfds_name("glue", "mrpc") == "glue/mrpc:2.0.0"``; ``tfds_name("snli") ==
    "snli:1.1.0"``."""
    if builder not in VERSIONS:
        raise UnknownBuilderError(
            f"TFDS builder {builder!r} has no pinned version; add it to VERSIONS in "
            f"tasks/tfds_versions.py (known: {', '.join(sorted(VERSIONS))})")
    path = f"{builder}/{config}" if config else builder
    return f"{path}:{VERSIONS[builder]}"
