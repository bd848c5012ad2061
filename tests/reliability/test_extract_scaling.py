"""Extraction cost and memory grow linearly with the article, however dense it is in names (issue 15, point 1).

Counted, not timed:
- the calls (Python functions and C functions such as regex scans) `extract` makes on a dense
  article of 1,200 sentences are four times those on one of 300 (within 5%): a walk over every
  earlier claim or mention per sentence would grow with the square;
- the lexicon's largest spaCy Doc is the same for a 0.1 MB and a 1 MB article (it reads one window
  at a time), and the sentences are built about once each, a few kept at a time;
- the result does not depend on the window: cut at every place a window may end, the statements are
  those of a single window.
The articles mix the shapes that once cost a walk back over the article: implied denials naming a
party no claim is about ("denied the claim about Chad"), which wait for a later claim, and claims
dense with names.
"""
from __future__ import annotations

import io
import pickle
import random
import sys
from pathlib import Path

import pytest

from app.extract import extract
from app.extract import sentences as sentences_module
from app.extract.lexicon import Lexicon, get_lexicon
from app.extract.state import ArticleState
from app.extract.types import ExtractedStatement

STATES = ["Iran", "Russia", "North Korea", "China", "Belarus", "Syria", "Turkey", "the United States"]
LONE = ["Chad", "Fiji", "Peru", "Laos"]  # named in denials, never in a claim
WEAPONS = ["Shahed-136 drones", "Su-35 jets", "S-400 systems", "Kalibr missiles", "T-90 tanks", "artillery shells",
           "Bayraktar TB2 drones", "Iskander missiles"]
SHAPES = [
    "{a} sent {w} and {w2} to {b}, {c} said, while {d} and {e} denied it.",
    "{a} sent {w} and {w2} to {b}, {c} said, while {d} and {e} denied it.",
    "{a} denied the claim about {z}.",
    "{a} denied the claim about {z}.",
    "{b} received {w} from {a}, officials in {c} said.",
    "{a} rejected reports that it had shipped {w} to {b}.",
    "“We never sold {w} to {b},” the minister of {a} said.",
]


def dense(n_sentences: int, seed: int = 15) -> str:
    rnd = random.Random(seed)
    out = []
    for i in range(n_sentences):
        a, b, c, d, e = rnd.sample(STATES, 5)
        out.append(rnd.choice(SHAPES).format(a=a, b=b, c=c, d=d, e=e, z=rnd.choice(LONE), w=rnd.choice(WEAPONS),
                                             w2=rnd.choice(WEAPONS)))
        out.append("\n\n" if i % 40 == 39 else " ")
    return "".join(out)


def _calls(text: str) -> tuple[int, int]:
    n = 0

    def count(frame, event, arg) -> None:
        nonlocal n
        if event == "call" or event == "c_call":
            n += 1

    sys.setprofile(count)
    try:
        statements = len(extract(text).statements)
    finally:
        sys.setprofile(None)
    return n, statements


@pytest.mark.slow
def test_calls_grow_linearly_with_a_dense_article() -> None:
    # loads spaCy and the taxonomy, and compiles the regexes cut to what sentences have (lru caches: a cost
    # paid once per process, which would otherwise fall on the smaller article)
    extract(dense(300, seed=1))
    small, n_small = _calls(dense(300))
    large, n_large = _calls(dense(1200))
    print(f"\ncalls: 300 sentences {small:,} ({n_small} statements), 1,200 sentences {large:,} ({n_large}): "
          f"ratio {large / small:.3f}")
    assert n_small >= 300  # the sentences yield statements: the count measures real work
    assert n_large / n_small == pytest.approx(4, rel=0.1)
    assert large / small == pytest.approx(4, rel=0.05)


def test_the_largest_doc_and_the_sentences_alive_do_not_grow_with_the_article(monkeypatch) -> None:
    lex = get_lexicon()
    docs: list[int] = []
    make_doc = Lexicon.make_doc

    def recording(self, text: str):
        doc = make_doc(self, text)
        docs.append(len(doc))
        return doc

    monkeypatch.setattr(Lexicon, "make_doc", recording)
    largest = []
    for n in (800, 8000):  # ~0.1 MB and ~1 MB
        docs.clear()
        sents = sentences_module.split_sentences(lex, dense(n))
        largest.append(max(docs))
        built = 0
        build = sents._build

        def counting(i, build=build):
            nonlocal built
            built += 1
            return build(i)

        sents._build = counting
        most_alive = 0
        for _ in sents:
            most_alive = max(most_alive, len(sents._cache))
        assert built == len(sents) >= 0.8 * n  # each sentence built once
        assert most_alive <= sents.BEHIND + sents.AHEAD + 1
    assert largest[1] <= largest[0] * 1.2  # one window's Doc, however long the article


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(FIXTURES.rglob("*.txt"))]
    texts.append(dense(120))
    # abbreviations, quotes opening at a sentence's end, initials, line breaks inside sentences
    texts.append("U.S. officials said the U.S. Army sent M1 tanks to Poland. Gen. Mark Milley agreed. “We sent "
                 "them,” he said. “Russia sent S-400 systems to Turkey. ”\nIran shipped drones\nto Russia. "
                 "A. B. Smith said Belarus bought Su-35 jets from Russia... !? Then:\n\n  Syria received T-90 tanks.")
    return texts


@pytest.mark.parametrize("window", [1, 7, 300])
def test_statements_do_not_depend_on_the_window(monkeypatch, window: int) -> None:
    texts = _texts()
    whole = [extract(t) for t in texts]
    monkeypatch.setattr(sentences_module, "WINDOW_CHARS", window)
    for text, expected in zip(texts, whole):
        assert extract(text) == expected


def test_a_result_goes_to_the_writer_in_columns() -> None:
    # An ingest worker pickles its result for the writer. Pickled statement by statement, every
    # statement's state stayed in the pickler's memo to the end (~650 bytes a statement); in
    # columns, the memo holds the columns and each distinct string once.
    result = extract(dense(1200))
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dump(result)
    assert len(pickler.memo.copy()) < len(result.statements)
    assert pickle.loads(buffer.getvalue()) == result


def test_the_ledger_of_an_article_keeps_per_sentence_keys_and_drops_the_same_repeats() -> None:
    # emit() de-duplicates by (start, stance, parties, category, claimant) with a set for the current
    # sentence only (not one key per statement of the article); a statement of an earlier sentence
    # (a pending denial resolved at the end) reads that sentence's keys back from the statements.
    rnd = random.Random(3)
    state, seen, expected = ArticleState(), set(), []
    start = 0
    for i in range(3000):
        if i < 2500:
            start += rnd.choice([0, 0, 0, 40])  # sentence by sentence
        s = start if i < 2500 else rnd.randrange(0, start + 1, 40)  # then earlier sentences, late
        stmt = ExtractedStatement(rnd.choice(["alleges", "denies"]), rnd.choice("AB"), rnd.choice("BC"), "uav", None,
                                  "unknown", rnd.choice([None, "A"]), None, "q", s, s + 1)
        key = (stmt.start, stmt.stance, stmt.supplier, stmt.recipient, stmt.category, stmt.claimant)
        if key not in seen and stmt.supplier != stmt.recipient:
            seen.add(key)
            expected.append(stmt)
        state.emit(stmt, s // 40)
    assert state.statements == expected
    assert len(state.claims) == sum(1 for s in expected if s.stance != "denies")
    assert len(expected) > 300 and sum(1 for s in state.statements[-500:] if s.start < start) > 50
