"""Stage 1 (sentences.py, lexicon.py): sentence spans, their state, and the mentions inside them."""
from __future__ import annotations

import random
from datetime import date

from app.extract.lexicon import get_lexicon
from app.extract.sentences import parse_date_header, split_sentences


def _sents(text: str):
    return split_sentences(get_lexicon(), text)


def test_spans_index_the_text_and_skip_the_date_header() -> None:
    text = " date 2021-03-04 Kenya sold armoured vehicles to Uganda. Uganda paid in cash.\n\nTalks went on."
    sents = _sents(text)
    assert [s.text for s in sents] == ["Kenya sold armoured vehicles to Uganda.", "Uganda paid in cash.", "Talks went on."]
    assert all(text[s.start:s.end] == s.text for s in sents)
    assert [s.para for s in sents] == [0, 0, 1]
    assert parse_date_header(text) == date(2021, 3, 4)
    assert parse_date_header("date 2021-02-30 no such day") is None
    assert parse_date_header("Kenya sold vehicles.") is None


def test_abbreviations_do_not_end_a_sentence_and_headlines_are_marked() -> None:
    sents = _sents("Kenya sells vehicles to Uganda\nGen. Ochieng told Mr. Okello that the trucks left on Jan. 4.")
    assert [s.text for s in sents] == ["Kenya sells vehicles to Uganda",
                                       "Gen. Ochieng told Mr. Okello that the trucks left on Jan. 4."]
    assert [s.headline for s in sents] == [True, False]


def test_quote_state_carries_over_a_quoted_paragraph() -> None:
    sents = _sents("“We sent no rifles. We sent food.” The minister spoke.\nNext paragraph here.")
    assert [s.in_quote for s in sents] == [True, True, False, False]


def test_mentions_belong_to_their_sentence() -> None:
    sents = _sents("Peru bought T-72 tanks from Belarus. Chile ordered Su-35 fighter jets.")
    assert [[a.code for a in s.actors] for s in sents] == [["PER", "BLR"], ["CHL"]]
    assert [[(w.text, w.system) for w in s.weapons] for s in sents] == [
        [("T-72", "T-72"), ("tanks", None)], [("Su-35", "Su-35"), ("fighter jets", None)]]


def test_weapon_overlap_filter_equals_the_pairwise_definition() -> None:
    lex = get_lexicon()
    rng = random.Random(7)
    words = ["Su-35", "fighter", "jets", "Shahed-136", "drones", "attack", "T-72", "tanks", "missiles", "ballistic",
             "KN-23", "air", "defence", "systems", "S-400", "and", "the", "weapons", "arms", "Geran-2"]
    for _ in range(40):
        text = " ".join(rng.choice(words) for _ in range(60))
        doc = lex.parse(text)
        kept = lex.weapons(doc)
        # the definition: systems first, then longest, then leftmost; drop what overlaps a kept mention
        found = []
        for matcher in (lex.system_matcher, lex.weapon_matcher):
            for key, start, end in matcher(doc):
                a, b = doc.user_data["starts"][start], doc.user_data["ends"][end - 1]
                found.append((lex._weapon_by_id[key][1] is None, -(b - a), a, b, key))
        reference = []
        for is_cat, _, a, b, key in sorted(found, key=lambda f: f[:3]):
            if not any(a < kb and ka < b for ka, kb, _ in reference):
                reference.append((a, b, key))
        assert [(m.start, m.end) for m in kept] == sorted((a, b) for a, b, _ in reference)
