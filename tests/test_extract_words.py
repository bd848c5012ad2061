"""The word lists (app/taxonomy/words.toml) and the regexes and guards built from them."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.extract import patterns as P
from app.taxonomy import TaxonomyError, load_words, read_words


def test_every_listed_form_is_matched_by_its_regex_and_guard() -> None:
    words = load_words()
    for key, regex, first in (("supply_verbs", P._VERB_RE, P.VERB_FIRST_WORDS), ("acquire_verbs", P._ACQ_RE, P.ACQ_FIRST_WORDS),
                              ("supply_nouns", P._SNOUN_RE, P.SNOUN_FIRST_WORDS),
                              ("acquire_nouns", P._ANOUN_RE, P.ANOUN_FIRST_WORDS)):
        for form in words["triggers"][key]:
            sentence = f"They say it {form} quickly."
            assert regex.search(sentence).group(0) == form, (key, form)
            assert not P.ascii_words(sentence).isdisjoint(first & P.TRIGGER_WORDS), (key, form)
    for verb in words["speech"]["verbs"]:
        assert P.SPEECH_RE.search(f"Officials {verb.upper()} so").group(0) == verb.upper()
        assert verb in P.SPEECH_WORDS


def test_a_word_file_must_hold_lists_of_strings(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[triggers]\nsupply_verbs = ["sell", "sold"]\n')
    assert read_words(good) == {"triggers": {"supply_verbs": frozenset({"sell", "sold"})}}
    for body in ('supply_verbs = ["sell"]\n', '[triggers]\nsupply_verbs = "sell"\n', '[triggers]\nsupply_verbs = ["", "x"]\n',
                 '[triggers\n'):
        bad = tmp_path / "bad.toml"
        bad.write_text(body)
        with pytest.raises(TaxonomyError):
            read_words(bad)
