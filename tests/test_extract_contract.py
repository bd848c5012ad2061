"""The seed article's required statements, the `armswatch extract --format json` contract, robustness."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from app.cli import cli
from app.extract import extract

SEED = Path(__file__).resolve().parent.parent / "seeds" / "seed-2022-12-10-russia-iran.txt"
CONTRACT_KEYS = {"stance", "supplier", "recipient", "category", "system", "status", "claimant", "speaker", "quote", "start", "end"}


def _seed_tuples() -> set[tuple]:
    return {(s.stance, s.supplier, s.recipient, s.category) for s in extract(SEED.read_text(encoding="utf-8")).statements}


def test_seed_article_required_allegations():
    found = _seed_tuples()
    for supplier, recipient, category in [
        ("RUS", "IRN", "combat_aircraft"), ("RUS", "IRN", "air_defence"), ("RUS", "IRN", "helicopter"),
        ("IRN", "RUS", "uav"), ("IRN", "RUS", "ballistic_missile"), ("PRK", "RUS", "artillery"),
    ]:
        assert ("alleges", supplier, recipient, category) in found


def test_seed_su35_system_and_north_korea_denial():
    stmts = extract(SEED.read_text(encoding="utf-8")).statements
    assert any(s.category == "combat_aircraft" and s.system == "Su-35" for s in stmts)
    denials = [s for s in stmts if s.stance == "denies" and (s.supplier, s.recipient) == ("PRK", "RUS")]
    assert denials and denials[0].category == "artillery" and denials[0].claimant == "PRK"
    assert denials[0].quote == "North Korea has denied the claim."


def test_seed_claimants():
    stmts = extract(SEED.read_text(encoding="utf-8")).statements
    artillery = [s for s in stmts if s.stance == "alleges" and s.category == "artillery"]
    assert artillery and artillery[0].claimant == "USA"
    obtain = [s for s in stmts if s.quote.startswith("Britain’s UN ambassador")]
    assert obtain and obtain[0].claimant == "GBR" and obtain[0].speaker == "Barbara Woodward"


def test_cli_json_contract_with_offsets(tmp_path: Path):
    other = tmp_path / "two.txt"
    other.write_text("Tehran sold attack drones to Moscow, Ukrainian officials said.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(SEED), str(other), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [a["path"] for a in doc["articles"]] == [str(SEED), str(other)]
    seed, two = doc["articles"]
    assert seed["published"] == "2022-12-10" and two["published"] is None
    texts = {str(SEED): SEED.read_text(encoding="utf-8"), str(other): other.read_text(encoding="utf-8")}
    for art in doc["articles"]:
        assert art["statements"]
        for s in art["statements"]:
            assert set(s) == CONTRACT_KEYS
            assert texts[art["path"]][s["start"]:s["end"]] == s["quote"]
            assert s["stance"] in {"alleges", "denies", "confirms"}
            assert s["status"] in {"delivered", "planned", "unknown"}
    assert {(s["supplier"], s["recipient"], s["category"], s["claimant"]) for s in two["statements"]} == {("IRN", "RUS", "uav", "UKR")}


def test_cli_offsets_count_python_characters_not_bytes(tmp_path: Path):
    path = tmp_path / "unicode.txt"
    path.write_text("Ελληνικά — “Zürich” ✓ notes.\n\nIran sold drones to Russia, officials in Kyiv said.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(path), "--format", "json"])
    text = path.read_text(encoding="utf-8")
    stmts = json.loads(result.stdout)["articles"][0]["statements"]
    assert stmts and all(text[s["start"]:s["end"]] == s["quote"] for s in stmts)


def test_cli_bad_file_is_reported_not_a_traceback(tmp_path: Path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00binary")
    result = CliRunner().invoke(cli, ["extract", str(bad), "--format", "json"])
    assert result.exit_code != 0
    assert "bad.txt" in result.output and "Traceback" not in result.output


def test_a_broken_extra_taxonomy_file_is_named_not_a_traceback(tmp_path: Path):
    extra = tmp_path / "tax"
    extra.mkdir()
    (extra / "ours.toml").write_text('[[state]]\ncode = "XYZ\n', encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Iran sent drones to Russia.", encoding="utf-8")
    env = {**os.environ, "ARMSWATCH_TAXONOMY_DIR": str(extra), "ARMSWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    for command in (["extract", str(article)], ["ingest", str(article)]):
        done = subprocess.run([sys.executable, "-m", "app.cli", *command], env=env, capture_output=True, text=True)
        assert done.returncode == 2, command
        assert "ours.toml: not valid TOML" in done.stderr and "Traceback" not in done.stderr, command


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_extract_never_raises_and_offsets_are_valid(text: str):
    result = extract(text)
    for s in result.statements:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.quote


_words = st.sampled_from([
    "Iran", "Russia", "North Korea", "Tehran", "Moscow", "Kyiv", "sold", "supplied", "denied", "the claim", "drones",
    "Shahed-136", "ballistic missiles", "to", "from", "said", "“", "”", ",", ".", "\n\n", "Iranian-made", "no evidence",
    "if", "turned to", "for", "artillery", " date 2023-01-01 ", "’s", "according to Reuters", "he", "rejected",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_words, max_size=60).map(" ".join))
def test_extract_on_transfer_like_word_salad(text: str):
    for s in extract(text).statements:
        assert text[s.start:s.end] == s.quote
        assert s.supplier != s.recipient
