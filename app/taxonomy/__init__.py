"""The taxonomy: weapon categories, named systems and actors, read from TOML data files.

The data lives in `weapons.toml` and `actors.toml` beside this module, and the word lists of the
extraction rules (trigger and speech verbs, hedges, titles) in `words.toml` (see README.md for the
format). A user extends it without touching code by pointing `ARMSWATCH_TAXONOMY_DIR` at a
directory of further `*.toml` files of the same format; they are merged over the bundled ones.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pycountry

DATA_DIR = Path(__file__).parent
ENV_DIR = "ARMSWATCH_TAXONOMY_DIR"

CATEGORY_SLUGS = (
    "uav", "combat_aircraft", "aircraft", "helicopter", "air_defence", "ballistic_missile",
    "cruise_missile", "missile", "artillery", "ammunition", "small_arms", "armoured_vehicle",
    "naval", "components", "unspecified",
)
ACTOR_KINDS = {"state": "state", "group": "group", "org": "org", "media": "media"}
# Codes outside ISO 3166-1 that the schema uses for states.
EXTRA_STATE_CODES = {"XKX": "Kosovo"}


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used; the message names the file and the reason."""


@dataclass(slots=True)
class Category:
    slug: str
    label: str
    description: str
    terms: list[str] = field(default_factory=list)


@dataclass(slots=True)
class System:
    name: str
    category: str
    aliases: list[str] = field(default_factory=list)
    origin: str | None = None  # ISO alpha-3 of the state that makes and exports it


@dataclass(slots=True)
class ActorEntry:
    code: str
    kind: str  # state | group | org | media
    name: str
    aliases: list[str] = field(default_factory=list)  # names, capitals, metonyms, demonyms
    demonyms: list[str] = field(default_factory=list)
    institutions: list[str] = field(default_factory=list)  # bodies and officials that speak for it


@dataclass(slots=True)
class Taxonomy:
    categories: list[Category]
    systems: list[System]
    actors: list[ActorEntry]
    _cat: dict[str, Category] = field(default_factory=dict, repr=False)
    _sys: dict[str, System] = field(default_factory=dict, repr=False)
    _act: dict[str, ActorEntry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._cat = {c.slug: c for c in self.categories}
        self._sys = {s.name.lower(): s for s in self.systems}
        for s in self.systems:
            for a in s.aliases:
                self._sys.setdefault(a.lower(), s)
        self._act = {a.code: a for a in self.actors}

    def category(self, slug: str) -> Category | None:
        return self._cat.get(slug)

    def system(self, name: str) -> System | None:
        """A system by canonical name or alias (case-insensitive)."""
        return self._sys.get(name.lower())

    def actor(self, code: str) -> ActorEntry | None:
        return self._act.get(code) or self._act.get(code.upper()) or self._act.get(code.lower())


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise TaxonomyError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _strs(path: Path, entry: dict, key: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TaxonomyError(f"{path}: {key!r} of {entry.get('code') or entry.get('name') or entry.get('slug')!r} must be a list of strings")
    return value


def _need(path: Path, entry: dict, key: str, table: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TaxonomyError(f"{path}: a [[{table}]] entry lacks a {key!r} string: {entry!r}")
    return value


def _add_unique(target: list[str], items: list[str]) -> None:
    for item in items:
        if item not in target:
            target.append(item)


def _short_country_name(country) -> str:
    name = getattr(country, "common_name", None) or country.name
    return name.split(",")[0]


def _merge_file(path: Path, cats: dict[str, Category], systems: dict[str, System], actors: dict[str, ActorEntry]) -> None:
    data = _read(path)
    for entry in data.get("category", []):
        slug = _need(path, entry, "slug", "category")
        if slug not in CATEGORY_SLUGS:
            raise TaxonomyError(f"{path}: unknown category slug {slug!r} (one of {', '.join(CATEGORY_SLUGS)})")
        cat = cats.get(slug)
        if cat is None:
            cat = cats[slug] = Category(slug, entry.get("label", slug), entry.get("description", ""))
        else:
            cat.label = entry.get("label", cat.label)
            cat.description = entry.get("description", cat.description)
        _add_unique(cat.terms, _strs(path, entry, "terms"))
    for entry in data.get("system", []):
        name = _need(path, entry, "name", "system")
        category = entry.get("category")
        if category is not None and category not in CATEGORY_SLUGS:
            raise TaxonomyError(f"{path}: system {name!r} has unknown category {category!r}")
        sys_ = systems.get(name)
        if sys_ is None:
            if category is None:
                raise TaxonomyError(f"{path}: system {name!r} lacks a 'category'")
            sys_ = systems[name] = System(name, category)
        elif category is not None:
            sys_.category = category
        _add_unique(sys_.aliases, _strs(path, entry, "aliases"))
        origin = entry.get("origin")
        if origin is not None:
            if not isinstance(origin, str) or (pycountry.countries.get(alpha_3=origin.upper()) is None and origin.upper() not in EXTRA_STATE_CODES):
                raise TaxonomyError(f"{path}: system {name!r} has an origin that is not an ISO 3166-1 alpha-3 code: {origin!r}")
            sys_.origin = origin.upper()
    for table, kind in ACTOR_KINDS.items():
        for entry in data.get(table, []):
            code = _need(path, entry, "code", table)
            if kind == "state":
                code = code.upper()
                if pycountry.countries.get(alpha_3=code) is None and code not in EXTRA_STATE_CODES:
                    raise TaxonomyError(f"{path}: {code!r} is not an ISO 3166-1 alpha-3 code")
            actor = actors.get(code)
            if actor is None:
                actor = actors[code] = ActorEntry(code, kind, entry.get("name") or code)
            elif entry.get("name"):
                actor.name = entry["name"]
            demonyms = _strs(path, entry, "demonyms")
            _add_unique(actor.aliases, _strs(path, entry, "aliases") + demonyms)
            _add_unique(actor.demonyms, demonyms)
            _add_unique(actor.institutions, _strs(path, entry, "institutions"))


def build_taxonomy(extra_dir: Path | None = None) -> Taxonomy:
    """Read the bundled data files, then every `*.toml` in `extra_dir` (merged in name order)."""
    cats: dict[str, Category] = {}
    systems: dict[str, System] = {}
    actors: dict[str, ActorEntry] = {}
    for country in pycountry.countries:
        actors[country.alpha_3] = ActorEntry(country.alpha_3, "state", _short_country_name(country))
    for code, name in EXTRA_STATE_CODES.items():
        actors[code] = ActorEntry(code, "state", name)
    files = [DATA_DIR / "weapons.toml", DATA_DIR / "actors.toml"]
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise TaxonomyError(f"{ENV_DIR}={extra_dir}: not a directory")
        files += sorted(extra_dir.glob("*.toml"))
    for path in files:
        _merge_file(path, cats, systems, actors)
    missing = [s for s in CATEGORY_SLUGS if s not in cats]
    if missing:
        raise TaxonomyError(f"taxonomy lacks the categories {', '.join(missing)}")
    categories = [cats[s] for s in CATEGORY_SLUGS]
    return Taxonomy(categories=categories, systems=list(systems.values()), actors=list(actors.values()))


@lru_cache(maxsize=4)
def _cached(extra: str | None) -> Taxonomy:
    return build_taxonomy(Path(extra) if extra else None)


def load_taxonomy() -> Taxonomy:
    """The taxonomy (bundled data plus $ARMSWATCH_TAXONOMY_DIR), read once per process."""
    return _cached(os.environ.get(ENV_DIR) or None)


WORDS_FILE = DATA_DIR / "words.toml"


def read_words(path: Path = WORDS_FILE) -> dict[str, dict[str, frozenset[str]]]:
    """The word lists of the extraction rules: {table: {list name: words}} from `words.toml`."""
    data = _read(path)
    words: dict[str, dict[str, frozenset[str]]] = {}
    for table, lists in data.items():
        if not isinstance(lists, dict):
            raise TaxonomyError(f"{path}: {table!r} must be a table of word lists")
        for key, value in lists.items():
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise TaxonomyError(f"{path}: [{table}] {key!r} must be a list of non-empty strings")
        words[table] = {key: frozenset(value) for key, value in lists.items()}
    return words


@lru_cache(maxsize=1)
def load_words() -> dict[str, dict[str, frozenset[str]]]:
    """The bundled word lists (`words.toml`), read once per process."""
    return read_words()


__all__ = [
    "ActorEntry", "Category", "System", "Taxonomy", "TaxonomyError", "CATEGORY_SLUGS",
    "build_taxonomy", "load_taxonomy", "load_words", "read_words",
]
