"""A text article dense with country and weapon names (issue 15, point 1's worst case).

    python bench/dense_article.py --mb 1 --out /tmp/dense/dense-1mb.txt

Fixed seed: 16 countries, 10 weapon names, sentences of the shape "A sent W and W to B, C said,
while D and E denied it." until the size is reached, after a ` date 2024-05-01` header.
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

COUNTRIES = ["Iran", "Russia", "North Korea", "China", "Belarus", "Syria", "Turkey", "Ukraine", "the United States",
             "Israel", "Pakistan", "India", "Venezuela", "Cuba", "Eritrea", "Sudan"]
WEAPONS = ["Shahed-136 drones", "Su-35 jets", "S-400 systems", "Kalibr missiles", "T-90 tanks", "Bayraktar TB2 drones",
           "artillery shells", "Fateh-110 missiles", "Mohajer-6 drones", "Iskander missiles"]


def dense_text(size: int, seed: int = 15) -> str:
    rnd = random.Random(seed)
    out, n = [], 0
    while n < size:
        a, b = rnd.sample(COUNTRIES, 2)
        s = (f"{a} sent {rnd.choice(WEAPONS)} and {rnd.choice(WEAPONS)} to {b}, {rnd.choice(COUNTRIES)} said, "
             f"while {rnd.choice(COUNTRIES)} and {rnd.choice(COUNTRIES)} denied it. ")
        out.append(s)
        n += len(s)
    return " date 2024-05-01\n" + "".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dense_text(int(args.mb * 1_000_000)))


if __name__ == "__main__":
    main()
