"""Extraction cost grows linearly with article length, however dense the article is in names.

An article made of one sentence that names two states, two weapon systems and a claimant, repeated
to 0.25 MB and to 1 MB: four times the text must cost about four times the CPU. The bound is
generous (8x) so a loaded machine does not fail it; a filter quadratic in the number of mentions
(as the weapon overlap filter once was) costs 16x and more.
"""
from __future__ import annotations

import gc
import time

import pytest

from app.extract import extract

SENTENCE = "Belarus shipped T-72 tanks to Serbia and Turkey sold Bayraktar TB2 drones to Belarus, officials in Kyiv said. "


def _dense(n_bytes: int) -> str:
    return SENTENCE * (n_bytes // len(SENTENCE))


def _cpu(text: str) -> tuple[float, int]:
    gc.collect()
    t0 = time.process_time()
    n = len(extract(text).statements)
    return time.process_time() - t0, n


@pytest.mark.slow
def test_dense_article_cost_is_linear() -> None:
    extract(SENTENCE)  # loads spaCy and the taxonomy
    small, large = _dense(250_000), _dense(1_000_000)
    t_small, n_small = min(_cpu(small) for _ in range(2))
    t_large, n_large = _cpu(large)
    per_sentence = n_small / small.count(SENTENCE)
    assert per_sentence >= 2  # every sentence yields its statements: the test measures real work
    assert n_large == pytest.approx(4 * n_small, rel=0.01)
    print(f"\ndense 0.25 MB: {t_small:.2f} s, 1 MB: {t_large:.2f} s CPU (ratio {t_large / t_small:.1f})")
    assert t_large / t_small < 8
