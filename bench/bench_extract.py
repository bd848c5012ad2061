"""Benchmark: articles/s for `extract()` on ~600-word articles, one core.

    .venv/bin/python bench/bench_extract.py [--articles N] [--seed S] [--repeat R]

Generates synthetic news-like articles (fixed seed, so runs are comparable): about 40% of the
sentences from templates that exercise the rules (transfers, attributions, denials, hedges,
quotes), the rest background sentences as in real reporting. Times extraction after one
warm-up call (spaCy and the taxonomy load once per process); CPU time is the fair figure on a
shared machine, wall time is printed too. With --repeat R the articles are extracted R times and
the fastest pass is reported: on a loaded machine CPU time still varies by 10-20% between runs.
"""
from __future__ import annotations

import argparse
import random
import time

from app.extract import extract

STATES = ["Iran", "Russia", "North Korea", "China", "Belarus", "Turkey", "Ukraine", "Poland", "France", "India",
          "Tehran", "Moscow", "Pyongyang", "Beijing", "Minsk", "Ankara", "Kyiv", "Warsaw", "Paris", "New Delhi"]
WEAPONS = ["attack drones", "Shahed-136 drones", "ballistic missiles", "artillery shells", "Su-35 fighter jets",
           "air defence systems", "helicopters", "T-72 tanks", "rifles and ammunition", "drone engines", "weapons",
           "Fath-360 missiles", "KN-23 missiles", "cruise missiles", "howitzers", "military equipment"]
SPEAKERS = ["White House spokesman John Kirby", "A senior US official", "Britain's UN ambassador",
            "Ukraine's foreign minister Dmytro Kuleba", "The Pentagon", "Officials in Seoul", "The Kremlin",
            "Iranian foreign ministry spokesman Nasser Kanaani", "Analysts"]
TEMPLATES = [
    "{sp} said {a} had supplied {n} {w} to {b} over the summer.",
    "{a} is considering the sale of {w} to {b}, {sp2} said on Friday.",
    "{b} has received shipments of {w} from {a}, according to Reuters.",
    "“We have never sent {w} to {b},” {sp} said.",
    "{a} denied the claim.",
    "{b} turned to {a} for {w} as the war dragged on.",
    "There is no evidence that {a} has delivered {w} to {b}.",
    "{b} launched dozens of {w} overnight, officials said.",
    "If {a} were to sell {w} to {b}, it would cross a red line.",
    "The delivery of {w} to {b} would strengthen its air force.",
    "{sp} accused {b} of attempting to obtain {w} and {w2} from {a}.",
    "{a} rejected the accusations as groundless in a statement carried by state media.",
    "The talks covered trade, energy and transport, and no agreement was signed.",
    "Markets were closed for the holiday, and the weather in the capital remained cold.",
    "{b} thanked {a} for the {w}, which arrived last month.",
    "{a} has handed over {n} {w} to {b}, the defence ministry said.",
]
# Background sentences: most of a news article says nothing about a transfer.
FILLER = [
    "The war has displaced millions of people and damaged power plants across the country.",
    "{a} and {b} signed agreements on energy, trade and transport during the visit.",
    "Analysts say the economy has adapted to sanctions, although inflation remains high.",
    "The meeting in {a} lasted more than three hours, according to people familiar with it.",
    "Officials in {b} said talks would continue next month.",
    "Air raid alerts sounded in several regions overnight, and debris damaged a school.",
    "{sp} told reporters that diplomacy remained the priority.",
    "Markets were closed for the holiday, and the weather in the capital remained cold.",
    "The ministry published satellite images of the site on Tuesday.",
    "Critics say the government has done too little to protect civilians.",
    "“We will continue to work with our partners,” {sp2} said.",
    "The conflict has strained relations between {a} and its neighbours for years.",
]
NUMBERS = ["hundreds of", "dozens of", "40", "more than 1,000", "a small number of", ""]


def make_article(rng: random.Random, words: int = 600) -> str:
    parts = [f" date 2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} {rng.choice(STATES).upper()}:"]
    count = 0
    para: list[str] = []
    while count < words:
        a, b = rng.sample(STATES, 2)
        template = rng.choice(TEMPLATES) if rng.random() < 0.4 else rng.choice(FILLER)
        sent = template.format(
            a=a, b=b, w=rng.choice(WEAPONS), w2=rng.choice(WEAPONS), n=rng.choice(NUMBERS),
            sp=rng.choice(SPEAKERS), sp2=rng.choice(SPEAKERS).lower() if rng.random() < 0.3 else rng.choice(SPEAKERS),
        ).replace("  ", " ")
        para.append(sent)
        count += len(sent.split())
        if len(para) >= rng.randint(2, 4):
            parts.append(" ".join(para))
            para = []
    if para:
        parts.append(" ".join(para))
    return parts[0] + " " + "\n\n".join(parts[1:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--repeat", type=int, default=1, help="passes over the articles; the fastest (CPU) is reported")
    args = ap.parse_args()
    if args.articles < 1 or args.repeat < 1:
        ap.error("--articles and --repeat must be at least 1")
    rng = random.Random(args.seed)
    articles = [make_article(rng) for _ in range(args.articles)]
    words = sum(len(a.split()) for a in articles) / len(articles)
    extract(articles[0])  # warm-up: loads spaCy and the taxonomy once
    passes = []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        statements = sum(len(extract(a).statements) for a in articles)
        passes.append((time.process_time() - c0, time.perf_counter() - t0))
    dc, dt = min(passes)
    print(f"{len(articles)} articles, {words:.0f} words on average, {statements} statements")
    print(f"wall {dt:.2f}s -> {len(articles) / dt:.1f} articles/s; "
          f"CPU {dc:.2f}s -> {len(articles) / dc:.1f} articles/s, {1000 * dc / len(articles):.2f} ms/article "
          f"(one process, one core; best of {args.repeat})")


if __name__ == "__main__":
    main()
