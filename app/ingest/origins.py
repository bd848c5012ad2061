"""Independent origins: syndicated and near-duplicate copies of one story, grouped at ingest.

A wire story republished by ten outlets, each with its own headline, boilerplate or cut, is one
source, not ten. Each article gets a sketch of its text when it is read (in the extraction
worker): the hashes of its 5-word shingles and their MinHash signature (datasketch). The writer
looks the signature's band keys up in an indexed table (locality-sensitive hashing), estimates
from the signatures how much of the shorter text the longer one holds for each candidate, checks
the best estimates exactly against the candidates' texts, and joins the best candidate's group
when that share reaches `CONTAINMENT`. `Article.origin_id` then names the group's first article
(NULL: the article is an origin itself), and an allegation's `n_sources` counts distinct origins.

Why the band keys live in the database rather than in datasketch's in-memory MinHashLSH: the
index must hold every article ever stored (a copy may come years after its original), every
ingest and watch process, on any machine, must see the same one, and in memory it costs about
11.5 KB per article (measured: 1.1 GB at 100k articles). An indexed table costs one SELECT per
article, is shared through the database, and its writes commit (or roll back) with the article.
datasketch still computes the signatures and chooses the bands: `MinHashLSH(threshold,
num_perm)` picks the number of bands and rows that minimise the false positive and false
negative probabilities at that threshold.

Two things keep the lookup cheap and exact on a large ledger:
- Boilerplate and stock phrases ("declined to comment on the report", a site's footer) are the
  minimum of some bands in thousands of articles, so a few band keys are shared by a large part
  of the ledger (at 10k generated articles, one key by 6,658 of them). Each key brings at most
  `PER_KEY` candidates, its earliest articles: a key shared because of a real story still leads
  to that story's group (its first copies hold it too), and a copy shares many other keys with
  its original (a copy with containment 0.5 has Jaccard >= 0.33, so about 5 of 44 bands).
- An estimate from 128 permutations has a standard error near 0.05, and the best of hundreds of
  unrelated candidates overlapping by a third (a common template) reached 0.5 by chance: 82% of
  a generated corpus of distinct stories was grouped into 37 "origins". So estimates only rank
  the candidates; the best `VERIFY` of those at `SCREEN` or above are compared exactly (their
  shingle hashes, recomputed from the stored text), and only an exact share counts.

The grouping is incremental and never regroups: an article joins a group when it is stored, and
a later article that bridges two groups joins the closer one (the counts stay exact, as ingest
only adds).
"""
from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from functools import cache

import numpy as np
from sqlalchemy import BigInteger, bindparam, select, union
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
PER_KEY = 8  # candidates one band key brings at most (its earliest articles)
SCREEN = 0.4  # an estimated share this high is checked exactly (2 standard errors below CONTAINMENT)
VERIFY = 2  # candidates checked exactly per article at most, best estimates first

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
    hashes: bytes  # the shingles' distinct 32-bit hashes, sorted (little-endian uint32)


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 32-bit hashes of the text's runs of SHINGLE_WORDS words, sorted, case-folded:
    punctuation, spacing and line breaks do not count, so a copy re-flowed or re-punctuated by
    another outlet matches.

    Each word is hashed (CRC-32, in C) and a run's hash combines its words' with one multiplier
    per position, in numpy: hashing every run as a string (sha1) cost 3 ms per article, more than
    storing it, and the writer also hashes the stored texts it compares a new article with.
    Both steps go a block at a time (`_word_hashes`, `_RUNS`), so memory stays near 4 bytes a word:
    the list of a 9.5 MB text's 1.6 M words cost ~170 MB, more than its extraction added."""
    wh = _word_hashes(text)
    if not len(wh):
        return np.empty(0, np.uint32)
    runs = max(1, len(wh) - SHINGLE_WORDS + 1)
    parts = []
    for start in range(0, runs, _RUNS):
        stop = min(start + _RUNS, runs)
        h = np.zeros(stop - start, np.uint64)
        for k in range(min(SHINGLE_WORDS, len(wh))):  # uint64 arithmetic wraps around, as intended
            h += wh[start + k:stop + k].astype(np.uint64) * _POSITION[k]
        parts.append(np.unique((_mix64(h) >> np.uint64(32)).astype(np.uint32)))
    return parts[0] if len(parts) == 1 else np.unique(np.concatenate(parts))


_RUNS = 1 << 16  # shingles hashed per numpy pass
_TEXT_BLOCK = 1 << 18  # characters case-folded and split into words at a time
# Where a block may end: an ASCII character that is no word character. `str.casefold` maps each
# character on its own and leaves these as they are, so no word spans two blocks (a non-ASCII
# one such as U+0345 may fold into a letter).
_CUT = re.compile(r"[\x00-/:-@\[-^`{-\x7f]")


def _word_hashes(text: str) -> np.ndarray:
    """CRC-32 of each of the case-folded text's words (`\\w+`), in order, as uint32."""
    parts = []
    start = 0
    while start < len(text):
        cut = _CUT.search(text, start + _TEXT_BLOCK) if start + _TEXT_BLOCK < len(text) else None
        end = cut.start() if cut else len(text)
        words = _WORD.findall(text[start:end].casefold())
        parts.append(np.fromiter(map(zlib.crc32, map(str.encode, words)), np.uint32, len(words)))
        start = end
    return np.concatenate(parts) if parts else np.empty(0, np.uint32)


_POSITION = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63,
                      0x27D4EB2F165667C5], np.uint64)[:SHINGLE_WORDS]


def _mix64(h: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: every bit of a run's hash depends on every word's."""
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


@cache
def bands() -> tuple[tuple[int, int], ...]:
    """(start, end) of each band in the signature, as datasketch lays them out for the threshold.

    datasketch is imported on first use, not at the top: it costs 0.75 s (numpy, scipy). Ingest
    calls `warm` before it forks its workers, so they share the import instead of each paying it."""
    from datasketch import MinHashLSH

    return tuple(MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM, weights=LSH_WEIGHTS).hashranges)


@cache
def _permutations() -> np.ndarray:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def warm() -> None:
    """Import datasketch and lay out the bands now (see `bands`)."""
    bands()
    _permutations()


def sketch(text: str) -> Sketch:
    from datasketch import MinHash

    hashes = shingle_hashes(text)
    # The values are hashes already: `int` hands them to datasketch as they are (it mixes them
    # again before its permutations), as its docs suggest for a custom hash function.
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_permutations(), hashfunc=int)
    # A batch costs NUM_PERM permuted values per hash: 1.6 M distinct shingles at once took 800 MB.
    for start in range(0, len(hashes), _MINHASH_BATCH):  # the minimum over batches is the same
        minhash.update_batch(hashes[start:start + _MINHASH_BATCH].tolist())
    values = minhash.hashvalues.astype("<u4")
    bands_ = tuple(_band_key(i, values[start:end]) for i, (start, end) in enumerate(bands())) \
        if len(hashes) >= MIN_SHINGLES else ()
    return Sketch(len(hashes), values.tobytes(), bands_, hashes.astype("<u4").tobytes())


_MINHASH_BATCH = 1 << 13


def _band_key(band: int, values: np.ndarray) -> int:
    digest = hashlib.blake2b(values.tobytes(), digest_size=8, person=b"band%04d" % band).digest()
    return int.from_bytes(digest, "little", signed=True)


def estimated_shares(s: Sketch, n_shingles: np.ndarray, signatures: np.ndarray) -> np.ndarray:
    """The share of the shorter text's shingles found in the longer, for each candidate (a row of
    `signatures`), from the Jaccard estimate J of the signatures: |A∩B| = J(|A|+|B|)/(1+J).

    Containment rather than Jaccard, because a regional outlet often runs the first half of a
    wire story: the cut copy's Jaccard with the whole is about one half, its containment near 1."""
    j = np.count_nonzero(signatures == np.frombuffer(s.signature, "<u4"), axis=1) / NUM_PERM
    shorter = np.maximum(np.minimum(n_shingles, s.n_shingles), 1)
    return np.minimum(1.0, j * (n_shingles + s.n_shingles) / (1 + j) / shorter)


def exact_share(a: np.ndarray, b: np.ndarray) -> float:
    """The share of the shorter text's shingles found in the longer, from their distinct hashes."""
    shorter = min(len(a), len(b))
    return len(np.intersect1d(a, b, assume_unique=True)) / shorter if shorter else 0.0


@cache
def _candidates(n_bands: int):
    """The stored sketches sharing a band key with the text: at most PER_KEY per key, the earliest."""
    per_key = [
        select(BAND.c.article_id).where(BAND.c.band_key == bindparam(f"k{i}", type_=BigInteger))
        .order_by(BAND.c.article_id).limit(PER_KEY).subquery(f"k{i}")
        for i in range(n_bands)
    ]
    # Not joined with article for its origin: that column comes after the text, so reading it
    # for every candidate read every candidate's text (SQLite's overflow pages); `_TEXT` reads
    # it for the few checked exactly.
    return (
        select(SKETCH.c.article_id, SKETCH.c.n_shingles, SKETCH.c.signature)
        .where(SKETCH.c.article_id.in_(union(*(select(k.c.article_id) for k in per_key))))
        .order_by(SKETCH.c.article_id)
    )


_TEXT = select(ARTICLE.c.text, ARTICLE.c.origin_id).where(ARTICLE.c.id == bindparam("id"))


def find_origin(conn: Connection, s: Sketch) -> int | None:
    """The origin of the stored article this text best copies, or None when it copies none."""
    if not s.bands:
        return None
    rows = conn.execute(_candidates(len(s.bands)), {f"k{i}": key for i, key in enumerate(s.bands)}).all()
    if not rows:
        return None
    signatures = np.frombuffer(b"".join(r.signature for r in rows), "<u4").reshape(len(rows), NUM_PERM)
    estimates = estimated_shares(s, np.fromiter((r.n_shingles for r in rows), np.int64, len(rows)), signatures)
    hashes = np.frombuffer(s.hashes, "<u4")
    best, best_share = None, CONTAINMENT
    for rank, i in enumerate(np.argsort(-estimates, kind="stable")[:VERIFY]):  # ties: the earliest first
        # The best estimate is checked from SCREEN on; the next ones only when they look like copies
        # themselves (in a corpus written from stock sentences, most articles have a candidate near
        # SCREEN, and the check costs about as much as the lookup).
        if estimates[i] < (SCREEN if rank == 0 else CONTAINMENT):
            break
        stored, origin = conn.execute(_TEXT, {"id": rows[i].article_id}).one()
        share = exact_share(hashes, shingle_hashes(stored))
        if share >= best_share and (best is None or share > best_share):
            best, best_share = origin or rows[i].article_id, share
    return best


def remember(conn: Connection, article_id: int, s: Sketch) -> None:
    """Store an article's sketch and band keys, in its own transaction, so later copies find it."""
    conn.execute(SKETCH.insert(), {"article_id": article_id, "n_shingles": s.n_shingles, "signature": s.signature})
    if s.bands:
        conn.execute(BAND.insert(), [{"band_key": key, "article_id": article_id} for key in set(s.bands)])


def group_stored(conn: Connection, batch: int = 500) -> int:
    """Sketch and group every stored article again, in the order they were stored, exactly as
    ingest would have grouped them (for migrations); returns how many articles joined a group.
    The caller recounts the allegations' sources afterwards."""
    conn.execute(BAND.delete())
    conn.execute(SKETCH.delete())
    conn.execute(ARTICLE.update().where(ARTICLE.c.origin_id.is_not(None)).values(origin_id=None))
    last, grouped = 0, 0
    set_origin = ARTICLE.update().where(ARTICLE.c.id == bindparam("b_id")).values(origin_id=bindparam("b_origin"))
    while rows := conn.execute(select(ARTICLE.c.id, ARTICLE.c.text).where(ARTICLE.c.id > last)
                               .order_by(ARTICLE.c.id).limit(batch)).all():
        for article_id, text in rows:
            s = sketch(text)
            origin = find_origin(conn, s)
            if origin is not None:
                conn.execute(set_origin, {"b_id": article_id, "b_origin": origin})
                grouped += 1
            remember(conn, article_id, s)
        last = rows[-1][0]
    return grouped
