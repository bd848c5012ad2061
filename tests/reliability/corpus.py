"""Small, seeded news-like articles for the reliability tests (quick to extract, all distinct).

Each article is two to five short sentences about transfers between a handful of states,
with claims, denials (some naming no weapon) and confirmations, so a crash can land
between any two of the writes that build an allegation's counters.
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

STATES = (
    ("Iran", "Tehran", "Iranian"), ("Russia", "Moscow", "Russian"), ("North Korea", "Pyongyang", "North Korean"),
    ("China", "Beijing", "Chinese"), ("Belarus", "Minsk", "Belarusian"), ("Syria", "Damascus", "Syrian"),
)
WEAPONS = (
    "Shahed-136 drones", "attack drones", "artillery shells", "ballistic missiles", "Su-35 fighter jets",
    "air defence systems", "rifles and ammunition", "attack helicopters", "tanks",
)
CLAIMANTS = ("the White House", "US officials", "British intelligence", "a Ukrainian spokesman", "Reuters")
OUTLETS = ("Wire", "Daily", "Herald", "Post", "Monitor")


def article_text(i: int, seed: int) -> str:
    rnd = random.Random(f"{seed}:{i}")
    published = date(2020, 1, 1) + timedelta(days=rnd.randrange(2000))
    sentences: list[str] = []
    for _ in range(rnd.randint(1, 3)):
        (sup, sup_cap, sup_adj), (rec, _, _) = rnd.sample(STATES, 2)
        weapon = rnd.choice(WEAPONS)
        n = rnd.randint(2, 400)
        sentences.append(f"{sup} has delivered {n} {weapon} to {rec}, {rnd.choice(CLAIMANTS)} said on {published:%A}.")
        roll = rnd.random()
        if roll < 0.4:
            sentences.append(f"{sup_cap} denied sending any {weapon} to {rec}.")
        elif roll < 0.55:
            sentences.append(f"The {sup_adj} foreign ministry denied that it had ever supplied weapons to {rec}.")
        elif roll < 0.7:
            sentences.append(f"{rec} confirmed it had received {weapon} from {sup}.")
    sentences.append(f"Dispatch number {i} from the {rnd.choice(OUTLETS)} desk.")  # every text distinct
    return f" date {published.isoformat()} " + " ".join(sentences)


def iter_texts(n: int, seed: int) -> Iterator[tuple[int, str]]:
    for i in range(n):
        yield i, article_text(i, seed)


def write_corpus(root: Path, n: int, seed: int, per_dir: int = 500) -> list[Path]:
    """n .txt files under root in folders of per_dir; returns their paths in ingest order."""
    paths = []
    for i, text in iter_texts(n, seed):
        folder = root / f"{i // per_dir:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"a{i:06d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
