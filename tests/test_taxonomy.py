"""The taxonomy data files and the API other modules code against."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.taxonomy import CATEGORY_SLUGS, TaxonomyError, build_taxonomy, load_taxonomy


def test_fifteen_categories_in_schema_order_with_labels():
    tax = load_taxonomy()
    assert [c.slug for c in tax.categories] == list(CATEGORY_SLUGS)
    assert len(tax.categories) == 15
    assert tax.category("uav").label == "Drones (UAVs)"
    assert all(c.label and c.description for c in tax.categories)
    assert tax.category("no_such_slug") is None


@pytest.mark.parametrize(
    ("alias", "name", "category"),
    [
        ("Geran-2", "Shahed-136", "uav"),
        ("Shahed 136", "Shahed-136", "uav"),
        ("Su-35", "Su-35", "combat_aircraft"),
        ("KN-23", "KN-23", "ballistic_missile"),
        ("Fath-360", "Fath-360", "ballistic_missile"),
        ("Patriot", "Patriot", "air_defence"),
        ("HIMARS", "HIMARS", "artillery"),
        ("Yak-130", "Yak-130", "aircraft"),
        ("Storm Shadow", "Storm Shadow", "cruise_missile"),
        ("iskander", "Iskander", "ballistic_missile"),
    ],
)
def test_systems_by_name_or_alias_with_their_category(alias, name, category):
    sys_ = load_taxonomy().system(alias)
    assert sys_ is not None and sys_.name == name and sys_.category == category


@pytest.mark.parametrize(
    ("code", "kind", "name", "alias"),
    [
        ("IRN", "state", "Iran", "Tehran"),
        ("PRK", "state", "North Korea", "Pyongyang"),
        ("RUS", "state", "Russia", "the Kremlin"),
        ("GBR", "state", "United Kingdom", "Britain"),
        ("USA", "state", "United States", "Washington"),
        ("XKX", "state", "Kosovo", "Pristina"),
        ("houthis", "group", "Houthis", "Ansarallah"),
        ("wagner", "group", "Wagner Group", "Wagner"),
        ("un", "org", "United Nations", "UN"),
        ("media", "media", "Media", "Reuters"),
    ],
)
def test_actors_have_codes_short_names_and_aliases(code, kind, name, alias):
    actor = load_taxonomy().actor(code)
    assert actor is not None
    assert (actor.kind, actor.name) == (kind, name)
    assert alias in actor.aliases


def test_demonyms_are_aliases_and_listed_separately():
    iran = load_taxonomy().actor("IRN")
    assert "Iranian" in iran.demonyms and "Iranian" in iran.aliases


def test_every_iso_state_exists_with_a_short_name():
    tax = load_taxonomy()
    bolivia = tax.actor("BOL")  # not listed in actors.toml: name from pycountry, without ", Plurinational State of"
    assert bolivia is not None and bolivia.kind == "state" and bolivia.name == "Bolivia"
    assert tax.actor("ZZZ") is None


def test_extra_directory_is_merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "extra.toml").write_text(
        '[[system]]\nname = "Shahed-107"\ncategory = "uav"\naliases = ["Shahed 107"]\n\n'
        '[[system]]\nname = "Su-35"\naliases = ["Flanker-E"]\n\n'
        '[[state]]\ncode = "IRN"\naliases = ["Persia"]\n\n'
        '[[group]]\ncode = "pflp"\nname = "PFLP"\naliases = ["Popular Front"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("ARMSWATCH_TAXONOMY_DIR", str(tmp_path))
    tax = load_taxonomy()
    assert tax.system("Shahed 107").category == "uav"
    assert tax.system("Flanker-E").name == "Su-35"
    assert tax.system("Su-35").category == "combat_aircraft"  # kept: the extra entry names no category
    assert "Persia" in tax.actor("IRN").aliases and "Tehran" in tax.actor("IRN").aliases
    assert tax.actor("pflp").kind == "group"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[[system]\nname = 'x'", "not valid TOML"),
        ('[[system]]\nname = "X-1"\ncategory = "lasers"\n', "unknown category"),
        ('[[state]]\ncode = "QQQ"\nname = "Nowhere"\n', "not an ISO 3166-1 alpha-3 code"),
        ('[[system]]\ncategory = "uav"\n', "lacks a 'name'"),
        ('[[state]]\ncode = "IRN"\naliases = "Tehran"\n', "must be a list of strings"),
    ],
)
def test_bad_extra_file_names_the_file_and_reason(tmp_path: Path, content: str, reason: str):
    bad = tmp_path / "bad.toml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(TaxonomyError) as err:
        build_taxonomy(tmp_path)
    assert "bad.toml" in str(err.value) and reason in str(err.value)


def test_missing_extra_directory_is_a_clear_error(tmp_path: Path):
    with pytest.raises(TaxonomyError, match="not a directory"):
        build_taxonomy(tmp_path / "nope")


def test_system_origin_and_bad_origin(tmp_path: Path):
    assert load_taxonomy().system("TB2").origin == "TUR"
    assert load_taxonomy().system("Geran-2").origin == "IRN"
    (tmp_path / "x.toml").write_text('[[system]]\nname = "X-1"\ncategory = "uav"\norigin = "Atlantis"\n', encoding="utf-8")
    with pytest.raises(TaxonomyError, match="origin"):
        build_taxonomy(tmp_path)
