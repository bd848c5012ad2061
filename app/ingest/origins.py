"""Independent origins: syndicated and near-duplicate copies of one story, grouped at ingest.

A wire story republished by ten outlets, each with its own headline, boilerplate or cut, is one
source, not ten. Each article gets a sketch of its text (a MinHash signature of its 5-word
shingles, from datasketch) when it is stored; the writer looks its band keys up in an indexed
table (locality-sensitive hashing), estimates how much of the shorter text the longer one holds
for each candidate, and joins the best candidate's group when that share reaches
`CONTAINMENT`. `Article.origin_id` then names the group's first article (NULL: the article is
an origin itself), and an allegation's `n_sources` counts distinct origins.

Why the band keys live in the database rather than in datasketch's in-memory MinHashLSH: the
index must hold every article ever stored (a copy may come years after its original), every
ingest and watch process, on any machine, must see the same one, and in memory it costs about
11.5 KB per article (measured: 1.1 GB at 100k articles). An indexed table costs one SELECT per
article, is shared through the database, and its writes commit (or roll back) with the article.
datasketch still computes the signatures and chooses the bands: `MinHashLSH(threshold,
num_perm)` picks the number of bands and rows that minimise the false positive and false
negative probabilities at that threshold.

The grouping is incremental and never regroups: an article joins a group when it is stored, and
a later article that bridges two groups joins the closer one (the counts stay exact, as ingest
only adds).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from functools import cache

import numpy as np
from sqlalchemy import BigInteger, bindparam, select
from sqlalchemy.engine import Connection

from app.models import Article, ArticleBand, ArticleSketch

SHINGLE_WORDS = 5  # words per shingle: long enough that common phrases rarely match by chance
NUM_PERM = 128  # signature length: the Jaccard estimate's standard error is at most 0.044
SCHEME = "affine32"  # datasketch's permutation scheme; stored signatures depend on it (and on SEED)
SEED = 1
LSH_THRESHOLD = 0.2  # Jaccard around which a pair becomes a candidate (44 bands of 2 rows)
# A missed copy counts twice for ever; a false candidate costs one comparison: weigh misses more.
LSH_WEIGHTS = (0.3, 0.7)  # (false positive, false negative)
CONTAINMENT = 0.5  # share of the shorter text's shingles the longer holds: at or above, a copy
MIN_SHINGLES = 12  # a text this short (a headline, a one-line brief) stays its own origin

_WORD = re.compile(r"\w+")

ARTICLE = Article.__table__
SKETCH = ArticleSketch.__table__
BAND = ArticleBand.__table__


@dataclass(frozen=True, slots=True)
class Sketch:
    """What grouping needs of one text."""

    n_shingles: int
    signature: bytes  # NUM_PERM little-endian uint32
    bands: tuple[int, ...]  # one signed 64-bit key per band (empty when the text is too short)


def shingles(text: str) -> set[bytes]:
    """The text's distinct runs of SHINGLE_WORDS words, case-folded: punctuation, spacing and
    line breaks do not count, so a copy re-flowed or re-punctuated by another outlet matches."""
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


@cache
def bands() -> tuple[tuple[int, int], ...]:
    """(start, end) of each band in the signature, as datasketch lays them out for the threshold.

    datasketch is imported here, not at the top: it costs 0.75 s (numpy, scipy), which the
    extraction workers, restarted after an article overruns its budget, should not pay."""
    from datasketch import MinHashLSH

    return tuple(MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM, weights=LSH_WEIGHTS).hashranges)


def sketch(text: str) -> Sketch:
    from datasketch import MinHash

    found = shingles(text)
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch(list(found))
    values = minhash.hashvalues.astype("<u4")
    bands_ = tuple(_band_key(i, values[start:end]) for i, (start, end) in enumerate(bands())) \
        if len(found) >= MIN_SHINGLES else ()
    return Sketch(len(found), values.tobytes(), bands_)


def _band_key(band: int, values: np.ndarray) -> int:
    digest = hashlib.blake2b(values.tobytes(), digest_size=8, person=b"band%04d" % band).digest()
    return int.from_bytes(digest, "little", signed=True)


def jaccard(a: bytes, b: bytes) -> float:
    """The Jaccard similarity of two texts' shingle sets, estimated from their signatures."""
    return float(np.count_nonzero(np.frombuffer(a, "<u4") == np.frombuffer(b, "<u4"))) / NUM_PERM


def containment(a: Sketch, b_shingles: int, b_signature: bytes) -> float:
    """The share of the shorter text's shingles found in the longer: |A∩B| = J(|A|+|B|)/(1+J).

    Containment rather than Jaccard, because a regional outlet often runs the first half of a
    wire story: the cut copy's Jaccard with the whole is about one half, its containment near 1."""
    j = jaccard(a.signature, b_signature)
    shorter = min(a.n_shingles, b_shingles)
    if shorter == 0:
        return 0.0
    return min(1.0, j * (a.n_shingles + b_shingles) / (1 + j) / shorter)


_CANDIDATES = (
    select(SKETCH.c.article_id, SKETCH.c.n_shingles, SKETCH.c.signature, ARTICLE.c.origin_id)
    .join(ARTICLE, ARTICLE.c.id == SKETCH.c.article_id)
    .where(SKETCH.c.article_id.in_(
        select(BAND.c.article_id).where(BAND.c.band_key.in_(bindparam("keys", expanding=True, type_=BigInteger)))
    ))
    .order_by(SKETCH.c.article_id)
)


def find_origin(conn: Connection, s: Sketch) -> int | None:
    """The origin of the stored article this text best copies, or None when it copies none."""
    if not s.bands:
        return None
    best, best_share = None, CONTAINMENT
    for article_id, n_shingles, signature, origin_id in conn.execute(_CANDIDATES, {"keys": list(s.bands)}):
        share = containment(s, n_shingles, signature)
        if share >= best_share and (best is None or share > best_share):
            best, best_share = origin_id or article_id, share
    return best


def remember(conn: Connection, article_id: int, s: Sketch) -> None:
    """Store an article's sketch and band keys, in its own transaction, so later copies find it."""
    conn.execute(SKETCH.insert(), {"article_id": article_id, "n_shingles": s.n_shingles, "signature": s.signature})
    if s.bands:
        conn.execute(BAND.insert(), [{"band_key": key, "article_id": article_id} for key in set(s.bands)])
