"""Instruction templates for text generation: CoQA, DART, math_dataset, true_case, fix_punct.

Pure data, following the conventions of ``tasks/flan/templates.py``. Every dataset
here writes its answer out (``FREE_TEXT``): no ``{options_}`` block.
See docs/templates.md, "Text generation templates" (the fields of each dataset)."""

PATTERNS: dict[str, list[tuple[str, str]]] = {
    # Fields: story, questions, answer (both numbered, one turn a line).
    "coqa": [
        ("{story}\n\nAnswer these questions about the story, numbering your answers "
         "the same way:\n\n{questions}", "{answer}"),
        ("Read the text below and then answer the questions that follow it.\n\n"
         "{story}\n\n{questions}", "{answer}"),
        ("Story: {story}\n\nQuestions:\n{questions}\n\nGive a short answer to each "
         "question, in order.", "{answer}"),
        ("Here are some questions, asked one after the other in a conversation:\n\n"
         "{questions}\n\nAnswer them using this passage:\n\n{story}", "{answer}"),
        ("{story}\n\nA reader asked the following, in this order. Later questions may "
         "refer back to earlier ones.\n\n{questions}\n\nWhat are the answers?",
         "{answer}"),
        ("Passage:\n{story}\n\nReply briefly to each numbered question. If the passage "
         "does not say, reply \"unknown\".\n\n{questions}", "{answer}"),
        ("Answer the numbered questions. Use only what the text tells you.\n\nText: "
         "{story}\n\n{questions}", "{answer}"),
        ("{questions}\n\nThe questions above are about this story:\n\n{story}\n\n"
         "Write one numbered answer per question.", "{answer}"),
        ("{story}\n\nHere are the answers someone gave to a series of questions about "
         "this story:\n\n{answer}\n\nWhat were the questions?", "{questions}"),
        ("Write a short story about which a reader could ask these questions:\n\n"
         "{questions}\n\nand get these answers:\n\n{answer}", "{story}"),
    ],
    # Fields: triples (one "subject | predicate | object" a line), answer.
    "dart": [
        ("Triples:\n{triples}\n\nWrite a sentence that expresses all of the facts "
         "above.", "{answer}"),
        ("Turn this data into one fluent English sentence.\n\n{triples}", "{answer}"),
        ("{triples}\n\nDescribe the data above in a sentence.", "{answer}"),
        ("Here are some facts written as subject | predicate | object:\n\n{triples}\n\n"
         "State them in plain English.", "{answer}"),
        ("Generate a sentence from the following table rows:\n{triples}", "{answer}"),
        ("Facts:\n{triples}\n\nA sentence containing every one of these facts:",
         "{answer}"),
        ("Write a short description that mentions each of these triples.\n\n"
         "{triples}", "{answer}"),
        ("Data: {triples}\n\nWhat sentence would a writer produce from this data?",
         "{answer}"),
        ("{triples}\n\nVerbalize these facts as a single, natural sentence.",
         "{answer}"),
        ("Sentence: {answer}\n\nExtract the facts this sentence states, one "
         "subject | predicate | object triple a line.", "{triples}"),
    ],
    # Fields: question ("Solve ... for x."), answer (the number).
    "math_dataset": [
        ("{question}", "{answer}"),
        ("Solve this problem.\n\n{question}", "{answer}"),
        ("Math problem: {question}\nWhat is the solution?", "{answer}"),
        ("{question}\n\nGive only the value of the variable.", "{answer}"),
        ("Work out the answer to this algebra question: {question}", "{answer}"),
        ("Here is an equation to solve:\n\n{question}\n\nAnswer:", "{answer}"),
        ("What is the solution of the following?\n{question}", "{answer}"),
        ("Find the unknown. {question}", "{answer}"),
        ("Write a linear equation in one variable, posed as a problem to solve, "
         "whose solution is {answer}.", "{question}"),
    ],
    # Fields: sentence (lower-cased), answer (as originally cased).
    "true_case": [
        ("{sentence}\n\nWrite the sentence above with correct capitalization.",
         "{answer}"),
        ("Fix the capital letters in this text: {sentence}", "{answer}"),
        ("This sentence was typed without capital letters:\n\n{sentence}\n\nRestore "
         "them.", "{answer}"),
        ("Make this proper case: {sentence}", "{answer}"),
        ("Rewrite the text below so that names and sentence beginnings are "
         "capitalized.\n\n{sentence}", "{answer}"),
        ("{sentence}\n\nHow should this be capitalized?", "{answer}"),
        ("Capitalize correctly:\n{sentence}", "{answer}"),
        ("Text in lower case: {sentence}\n\nThe same text, correctly capitalized:",
         "{answer}"),
        ("Write this sentence in lower case only: {answer}", "{sentence}"),
    ],
    # Fields: sentence (punctuation removed), answer (with its punctuation).
    "fix_punct": [
        ("{sentence}\n\nAdd the missing punctuation to the text above.", "{answer}"),
        ("Punctuate this sentence: {sentence}", "{answer}"),
        ("The commas, periods and other marks were taken out of this sentence:\n\n"
         "{sentence}\n\nPut them back.", "{answer}"),
        ("Rewrite with correct punctuation.\n\n{sentence}", "{answer}"),
        ("{sentence}\n\nWhat is this sentence with punctuation?", "{answer}"),
        ("Insert punctuation where it belongs: {sentence}", "{answer}"),
        ("Text without punctuation: {sentence}\n\nThe same text, punctuated:",
         "{answer}"),
        ("Please fix the punctuation:\n{sentence}", "{answer}"),
        ("Remove the punctuation marks from this sentence: {answer}", "{sentence}"),
    ],
}

# How many templates at the end of each dataset's list are reversed.
REVERSED: dict[str, int] = {
    "coqa": 2,
    "dart": 1,
    "math_dataset": 1,
    "true_case": 1,
    "fix_punct": 1,
}

# Datasets whose answer templates have no options block (written-out answers).
FREE_TEXT: frozenset[str] = frozenset(
    {"coqa", "dart", "math_dataset", "true_case", "fix_punct"})
