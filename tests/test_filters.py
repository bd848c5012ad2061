"""The filter object: parsing the query string, refusing bad values, words and URLs."""
from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl

import pytest
from pydantic import ValidationError

from app.filters import MAX_PAGE, MAX_VALUES, AllegationFilters


def test_repeated_values_are_lists_and_blank_form_fields_are_ignored():
    f = AllegationFilters.model_validate(
        {"country": ["IRN", "PRK", "BLR", "PRK"], "category": "uav", "since": "", "until": " ", "q": "", "sort": ""}
    )
    assert f.country == ["IRN", "PRK", "BLR"]
    assert f.category == ["uav"]
    assert f.since is None and f.until is None and f.q is None and f.sort is None
    assert not AllegationFilters().active and f.active


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"country": "Iran; DROP TABLE actor"}, "country"),
        ({"country": "IRN,PRK"}, "country"),  # a list is a repeated parameter, as the schema says
        ({"country": ""}, "country"),
        ({"claimant": "USA\n"}, "claimant"),
        ({"category": "nukes"}, "category"),
        ({"stance": "maybe"}, "stance"),
        ({"since": "2023-13-40"}, "since"),
        ({"until": "0"}, "until"),  # pydantic alone would read a Unix timestamp
        ({"since": "2023-1-5"}, "since"),
        ({"page": "0"}, "page"),
        ({"page": str(MAX_PAGE + 1)}, "page"),
        ({"page": "9" * 40}, "page"),
        ({"size": "1000"}, "size"),
        ({"q": "x" * 201}, "q"),
        ({"supplier": [f"C{i}" for i in range(MAX_VALUES + 1)]}, "supplier"),
        ({"system": "bad\x00name"}, "system"),
        ({"sort": "random"}, "sort"),
    ],
)
def test_bad_values_are_refused_naming_the_parameter(params, field):
    with pytest.raises(ValidationError) as err:
        AllegationFilters.model_validate(params)
    assert field in {str(e["loc"][0]) for e in err.value.errors()}


def test_a_reversed_date_range_is_refused_with_both_dates_in_the_message():
    with pytest.raises(ValidationError, match="2023-05-01.*2023-01-01"):
        AllegationFilters.model_validate({"since": "2023-05-01", "until": "2023-01-01"})


def test_search_words_become_quoted_prefix_phrases_so_fts_syntax_is_inert():
    f = AllegationFilters(q='drones" OR NEAR(x) -- *')
    assert f.terms == ["drones", "OR", "NEAR", "x"]
    assert f.fts_query() == '"drones"* "OR" "NEAR"* "x"'  # words under 3 letters match whole words only
    assert AllegationFilters(q="--- !!!").fts_query() is None


def test_describe_reads_like_a_sentence():
    f = AllegationFilters(supplier=["IRN"], category=["uav"], stance=["denied"], since=date(2022, 1, 1), q="Shahed")
    labels = {("supplier", "IRN"): "Iran", ("category", "uav"): "Drones (UAVs)"}
    assert f.describe(labels) == [
        "supplied by Iran", "Drones (UAVs)", "denied", "reported since 2022-01-01", "matching “Shahed”",
    ]
    assert AllegationFilters(country=["IRN", "PRK"]).describe({}) == ["involving IRN or PRK"]


def test_query_strings_round_trip_and_toggling_resets_the_page():
    f = AllegationFilters(country=["IRN", "PRK"], category=["uav"], page=3, sort="latest")
    again = AllegationFilters.model_validate(
        {k: [v for kk, v in parse_qsl(f.query_string()) if kk == k] for k, _ in parse_qsl(f.query_string())}
        | {"page": 3, "sort": "latest"}
    )
    assert again == f
    toggled = dict(parse_qsl(f.toggled("country", "IRN")))
    assert toggled["country"] == "PRK" and "page" not in toggled
    assert ("country", "BLR") in parse_qsl(f.toggled("country", "BLR"))
    assert "page" not in dict(parse_qsl(AllegationFilters(page=1).query_string()))
