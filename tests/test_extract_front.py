"""Page furniture (extract/front.py): the headline and the dateline's or byline's date."""
from __future__ import annotations

from datetime import date

import pytest

from app.extract.front import dateline_date, headline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Minsk Fields New Air Defence Batteries\n\nBy A. Writer\n\nBelarus has deployed ...", "Minsk Fields New Air Defence Batteries"),
        ("Home | World | Europe\nKyiv Receives First Jets From Oslo\nThe first jets arrived.", "Kyiv Receives First Jets From Oslo"),
        ("Home / Asia / Defence\nSeoul Ships More Howitzers\nBody.", "Seoul Ships More Howitzers"),
        ("Poland signed a deal for tanks on Monday. It will receive them next year.", None),  # opens with a sentence
        ("By John Smith\nPoland signed a deal.", None),
        ("PRESS RELEASE\nThe ministry announced a sale.", None),
    ],
)
def test_headline(text, expected):
    assert headline(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title Here\n\nBy Jane Roe 6 March 2015\n\nBody text follows here.", date(2015, 3, 6)),
        ("Title | 14 October 2023\nBody.", date(2023, 10, 14)),
        ("ANKARA (Wire, 3rd May, 2021) - Turkey sold drones.", date(2021, 5, 3)),
        ("Jan 9,2019\nBody.", date(2019, 1, 9)),
        ("Updated: 2024-02-29\nBody.", date(2024, 2, 29)),
        # an event's date inside a long body sentence is not the article's
        ("Qatar ordered the frigates on 6 March 2015 after two years of talks with the shipyard, the navy said "
         "in a long statement that went on to describe the terms of the contract in detail.", None),
        ("Title\nBody without any date at all.", None),
    ],
)
def test_dateline_date(text, expected):
    assert dateline_date(text) == expected
