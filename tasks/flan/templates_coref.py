"""Instruction templates for pronoun resolution (``sglue_dpr_prompted_mix`` / ``sglue_dpr_wsc_prompted_mix``): DPR, WSC273.

Pure data, following the conventions of ``tasks/flan/templates.py``. Both datasets
have per-example options. DPR asks which of two candidates a pronoun of the sentence
refers to (the options are the candidates, the answer the right one). WSC273 is posed
as sentence completion: ``{context}`` is the sentence up to the ambiguous pronoun, and
each option continues it with one candidate in the pronoun's place, so the answer is
the ending that reads correctly.
"""

PATTERNS: dict[str, list[tuple[str, str]]] = {
    # Fields: sentence, pronoun, options_ (the two candidates), answer (the referent).
    "dpr": [
        ("{sentence}\n\nIn the sentence above, who or what does \"{pronoun}\" refer "
         "to?\n\n{options_}", "{answer}"),
        ("Work out what the pronoun \"{pronoun}\" stands for in this sentence.\n\n"
         "{sentence}\n\n{options_}", "{answer}"),
        ("Sentence: {sentence}\nPronoun: {pronoun}\n\nWhich candidate is the pronoun "
         "about?\n\n{options_}", "{answer}"),
        ("{sentence}\n\nWho or what is \"{pronoun}\" here?\n\n{options_}", "{answer}"),
        ("Read this sentence carefully: \"{sentence}\" If you replaced \"{pronoun}\" "
         "with a name or a noun, which one would keep the meaning?\n\n{options_}",
         "{answer}"),
        ("Resolve the pronoun.\n\n{sentence}\n\nThe word \"{pronoun}\" refers to:\n\n"
         "{options_}", "{answer}"),
        ("Here is a sentence with a pronoun that could point to two different things:"
         "\n\n{sentence}\n\nUsing common sense, pick the one that \"{pronoun}\" "
         "means.\n\n{options_}", "{answer}"),
        ("Who or what does \"{pronoun}\" mean in the next sentence?\n\n{sentence}\n\n"
         "{options_}", "{answer}"),
        ("{sentence}\n\nThe pronoun \"{pronoun}\" in this sentence stands for one "
         "thing or person. Which?\n\n{options_}", "{answer}"),
        ("Write a sentence in which the pronoun \"{pronoun}\" clearly refers to "
         "{answer}.", "{sentence}"),
    ],
    # Fields: context (the sentence up to the ambiguous pronoun), options_ (the two
    # possible endings), answer (the ending that makes sense).
    "wsc273": [
        ("{context} ...\n\nHow does this sentence most sensibly continue?\n\n{options_}",
         "{answer}"),
        ("Finish the sentence so that it makes sense.\n\n{context}\n\n{options_}",
         "{answer}"),
        ("Pick the ending that fits best.\n\nBeginning: {context}\n\n{options_}",
         "{answer}"),
        ("{context}\n\nWhich of the following is the right way to finish the sentence "
         "above?\n\n{options_}", "{answer}"),
        ("Here is the start of a sentence: \"{context}\" Both endings below are "
         "grammatical, but only one is plausible. Which one?\n\n{options_}",
         "{answer}"),
        ("Complete the following with common sense.\n\n{context}\n\n{options_}",
         "{answer}"),
        ("Sentence start: {context}\n\nWhat comes next?\n\n{options_}", "{answer}"),
        ("Choose the continuation that a careful reader would expect.\n\n{context}\n\n"
         "{options_}", "{answer}"),
        ("The following is the end of a sentence: \"{answer}\" Write a beginning for "
         "it that makes this ending the natural one.", "{context}"),
    ],
}

# How many templates at the end of each dataset's list are reversed.
REVERSED: dict[str, int] = {"dpr": 1, "wsc273": 1}

# Datasets whose answer templates have no options block (written-out answers).
FREE_TEXT: frozenset[str] = frozenset()
