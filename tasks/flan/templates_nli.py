"""Instruction templates for natural language inference and question classification: ANLI r1-r3, SNLI, TREC.

Pure data, following the conventions of ``tasks/flan/templates.py``. ``anli`` serves
``anli_r1``, ``anli_r2`` and ``anli_r3``; its contexts are paragraphs, SNLI's premises
are single image captions, and TREC asks for the kind of answer a question wants.
"""

PATTERNS: dict[str, list[tuple[str, str]]] = {
    # Fields: context, hypothesis, options_ (yes / it is not possible to tell / no),
    # answer.
    "anli": [
        ("{context}\n\nGoing only by the text above, is the following true? "
         "{hypothesis}\n\n{options_}", "{answer}"),
        ("Read the passage and decide whether the statement after it follows from it."
         "\n\nPassage: {context}\n\nStatement: {hypothesis}\n\n{options_}", "{answer}"),
        ("Context: {context}\nHypothesis: {hypothesis}\n\nDoes the context entail the "
         "hypothesis?\n\n{options_}", "{answer}"),
        ("Here is a statement: {hypothesis}\n\nAnd here is some background text:\n"
         "{context}\n\nDoes the background text back up the statement?\n\n{options_}",
         "{answer}"),
        ("{context}\n\nSomeone who read this claims: \"{hypothesis}\" Are they right?"
         "\n\n{options_}", "{answer}"),
        ("Decide if the second text must be true when the first one is.\n\nFirst text: "
         "{context}\nSecond text: {hypothesis}\n\n{options_}", "{answer}"),
        ("{context}\n\nCan the sentence \"{hypothesis}\" be inferred from the text "
         "above?\n\n{options_}", "{answer}"),
        ("Fact check.\n\nSource: {context}\n\nClaim: {hypothesis}\n\nIs the claim "
         "supported by the source?\n\n{options_}", "{answer}"),
        ("{context}\n\nWrite a sentence about the text above. Asked whether the text "
         "makes the sentence true, a careful reader should answer \"{answer}\".",
         "{hypothesis}"),
        ("Write a short paragraph such that, asked whether the paragraph supports the "
         "claim \"{hypothesis}\", a careful reader would answer \"{answer}\".",
         "{context}"),
    ],
    # Fields: premise (an image caption), hypothesis, options_ (yes / it is not
    # possible to tell / no), answer.
    "snli": [
        ("Premise: \"{premise}\"\nHypothesis: \"{hypothesis}\"\n\nIf the premise "
         "describes a scene, is the hypothesis true of that scene?\n\n{options_}",
         "{answer}"),
        ("{premise}\n\nDoes that sentence tell us the following? {hypothesis}\n\n"
         "{options_}", "{answer}"),
        ("A photo is described as: {premise}\n\nCan we say that the following holds for "
         "the photo? {hypothesis}\n\n{options_}", "{answer}"),
        ("Is the second sentence true if the first one is?\n\nFirst: {premise}\n"
         "Second: {hypothesis}\n\n{options_}", "{answer}"),
        ("Sentence A: {premise}\n\nSentence B: {hypothesis}\n\nDoes sentence A imply "
         "sentence B?\n\n{options_}", "{answer}"),
        ("Here is a caption: {premise}\n\nBased on it, would you agree with this "
         "statement: {hypothesis}\n\n{options_}", "{answer}"),
        ("{hypothesis}\n\nIs the sentence above a valid conclusion from this one?\n"
         "{premise}\n\n{options_}", "{answer}"),
        ("Look at the two sentences below and say whether the first one makes the "
         "second one true.\n\n1. {premise}\n2. {hypothesis}\n\n{options_}", "{answer}"),
        ("Caption: {premise}\n\nWrite a sentence about the same scene. Asked whether "
         "the caption makes your sentence true, one should answer \"{answer}\".",
         "{hypothesis}"),
        ("Statement: {hypothesis}\n\nWrite a one-sentence description of a picture. "
         "Asked whether the statement is true of that picture, one should answer "
         "\"{answer}\".", "{premise}"),
    ],
    # Fields: question, options_ (description / entity / abbreviation / human /
    # number / location), answer.
    "trec": [
        ("{question}\n\nWhat kind of answer does the question above ask for?\n\n"
         "{options_}", "{answer}"),
        ("Classify this question by the type of its answer.\n\nQuestion: {question}"
         "\n\n{options_}", "{answer}"),
        ("Question: {question}\n\nWould the answer be a description, an entity, an "
         "abbreviation, a human, a number or a location?\n\n{options_}", "{answer}"),
        ("Which category does the answer to \"{question}\" fall into?\n\n{options_}",
         "{answer}"),
        ("Someone asks: {question}\n\nWhat sort of information are they looking for?"
         "\n\n{options_}", "{answer}"),
        ("Decide what type of thing answers the question below.\n\n{question}\n\n"
         "{options_}", "{answer}"),
        ("Question classification.\nInput: {question}\nAnswer type:\n\n{options_}",
         "{answer}"),
        ("{question}\n\nIf you had to answer this, which of the following would best "
         "describe your reply?\n\n{options_}", "{answer}"),
        ("Write a question whose answer falls into the category \"{answer}\".",
         "{question}"),
    ],
}

# How many templates at the end of each dataset's list are reversed.
REVERSED: dict[str, int] = {"anli": 2, "snli": 2, "trec": 1}

# Datasets whose answer templates have no options block (written-out answers).
FREE_TEXT: frozenset[str] = frozenset()
