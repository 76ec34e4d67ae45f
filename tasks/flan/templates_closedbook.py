"""Instruction templates for closed-book question answering (``ft_closedbook_qa_mix``): Natural Questions (open), TriviaQA, ARC easy and challenge.

Pure data, following the conventions of ``tasks/flan/templates.py``.
See docs/templates.md, "Closed-book QA templates"."""

PATTERNS: dict[str, list[tuple[str, str]]] = {
    # Fields: question (lower case, no "?"), answer (the first accepted answer).
    "natural_questions": [
        ("Answer this question from memory: {question}?", "{answer}"),
        ("{question}?\n\nGive a short answer.", "{answer}"),
        ("Q: {question}?\nA:", "{answer}"),
        ("Someone typed this into a search box: \"{question}\". What short answer "
         "should they get?", "{answer}"),
        ("Without looking anything up, what is the answer to the following "
         "question?\n\n{question}?", "{answer}"),
        ("Question: {question}?\n\nReply with just the answer, a few words at most.",
         "{answer}"),
        ("Here is a factual question: {question}?\n\nWhat is the answer?", "{answer}"),
        ("Please answer the question below.\n\n{question}?", "{answer}"),
        ("Answer the following question in a few words: {question}?", "{answer}"),
        ("The answer to a search query is \"{answer}\". What might the query have "
         "been?", "{question}"),
    ],
    # Fields: question (ends with its own "?"), answer (the answer's value).
    "trivia_qa": [
        ("Quiz time! {question}", "{answer}"),
        ("{question}\n\nWhat is the answer to this trivia question?", "{answer}"),
        ("Answer the trivia question below.\n\n{question}", "{answer}"),
        ("Trivia: {question}\nAnswer:", "{answer}"),
        ("Test your general knowledge. {question}", "{answer}"),
        ("Here is a question from a pub quiz: {question}\n\nWhat should the team "
         "write down?", "{answer}"),
        ("Question: {question}\n\nGive the answer only.", "{answer}"),
        ("Try to answer this without any help: {question}", "{answer}"),
        ("Write a quiz question whose answer is \"{answer}\".", "{question}"),
        ("Answer: {answer}\n\nWhat trivia question could this be the answer to?",
         "{question}"),
    ],
    # Fields: question (the stem), options_ (the question's choices), answer (the
    # text of the right choice).
    "arc": [
        ("{question}\n\n{options_}", "{answer}"),
        ("Science question: {question}\n\nPick the correct answer.\n\n{options_}",
         "{answer}"),
        ("Choose the best answer to this grade-school science question.\n\n"
         "{question}\n\n{options_}", "{answer}"),
        ("Question: {question}\n\nWhich of the choices below is right?\n\n{options_}",
         "{answer}"),
        ("{question}\n\nSelect one answer from the list.\n\n{options_}", "{answer}"),
        ("Here is a multiple-choice question from a science test: {question}\n\n"
         "What is the answer?\n\n{options_}", "{answer}"),
        ("Use what you know about science to answer the question.\n\n{question}\n\n"
         "{options_}", "{answer}"),
        ("A student must answer the question below. Which choice should the student "
         "pick?\n\n{question}\n\n{options_}", "{answer}"),
        ("Write a multiple-choice science question for school students whose correct "
         "answer is \"{answer}\".", "{question}"),
    ],
}

# How many templates at the end of each dataset's list are reversed.
REVERSED: dict[str, int] = {"natural_questions": 1, "trivia_qa": 2, "arc": 1}

# Datasets whose answer templates have no options block (written-out answers).
FREE_TEXT: frozenset[str] = frozenset({"natural_questions", "trivia_qa"})
