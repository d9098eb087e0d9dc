"""Near-duplicate detection: the same press release on several portals is one story.

``signature`` turns a text into a MinHash over its set of words (datasketch, fixed seed, so
the bytes are the same in every process); ``find_duplicates`` groups signatures with LSH banding
done in numpy (100,000 items in about a second) and maps every duplicate to the earliest copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import numpy as np
from datasketch import MinHash, MinHashLSH

# 128 rather than 64 permutations: the estimate's spread halves (±0.03 instead of ±0.04 at
# Jaccard 0.87), so a reworded copy near the threshold is less often a coin toss. 512 bytes.
NUM_PERM = 128
SEED = 20240601
SCHEME = "affine32"
# Single words, not n-grams: portals rewrite a press release's first sentence and swap a
# few words. On a 125-word sample with a new lead and four changed words, Jaccard was 0.87
# on words but 0.76/0.70/0.64 on 2-/3-/5-grams, while two different announcements built from
# one template reached 0.60 on words and another story on the same topic 0.25.
# Below this many words a text is a teaser or a caption: too little evidence.
MIN_WORDS = 40
SIGNATURE_BYTES = NUM_PERM * 4
# Buckets larger than this (boilerplate shared by thousands of pages) are linked as a chain
# plus a star instead of all pairs, which keeps the work linear.
ALL_PAIRS_LIMIT = 64
# Candidate pairs verified per step: 4,096 pairs need ~4.5 MB of temporaries.
PAIRS_PER_CHUNK = 4096

WORD = re.compile(r"\w+")


@cache
def _permutations() -> np.ndarray:
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def _shingles(text: str) -> set[bytes] | None:
    words = WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    return {word.encode("utf-8") for word in words}


def signature(text: str) -> bytes:
    """MinHash of the text's set of lowercased words as 512 bytes; ``b""`` for texts under 40 words,
    which :func:`find_duplicates` never treats as duplicates."""
    shingles = _shingles(text)
    if shingles is None:
        return b""
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_permutations())
    minhash.update_batch(sorted(shingles))
    return minhash.hashvalues.astype("<u4").tobytes()


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures (0.0 when either text was too short)."""
    if len(a) != SIGNATURE_BYTES or len(b) != SIGNATURE_BYTES:
        return 0.0
    left = np.frombuffer(a, dtype="<u4")
    right = np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(left == right)) / NUM_PERM


@cache
def _bands(threshold: float) -> tuple[int, int]:
    """(bands, rows per band) that datasketch finds optimal for this threshold, weighting
    missed duplicates 19x over extra candidates: every candidate is verified afterwards, so
    a false candidate costs one comparison while a missed one is a wrong feed."""
    # Banding for a lower threshold only adds candidates; datasketch needs at least two bands.
    banding_threshold = min(threshold, 0.95)
    lsh = MinHashLSH(threshold=banding_threshold, num_perm=NUM_PERM, weights=(0.05, 0.95))
    return lsh.b, lsh.r


def _candidate_pairs(matrix: np.ndarray, threshold: float) -> np.ndarray:
    """Index pairs (i < j) that share at least one LSH band."""
    bands, rows = _bands(threshold)
    rng = np.random.default_rng(SEED)
    # Pairs are kept as codes i * n + j, merged band by band: most pairs recur in several
    # bands, and collecting every band's pairs before deduplicating took 24 MB on 10,000
    # similar pages.
    n = np.int64(len(matrix))
    codes = np.empty(0, dtype=np.int64)
    for band in range(bands):
        pairs: list[np.ndarray] = []
        columns = matrix[:, band * rows : (band + 1) * rows].astype(np.uint64)
        # A random linear mix of the rows: a collision merely adds a candidate that the
        # exact comparison afterwards rejects.
        multipliers = rng.integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
        with np.errstate(over="ignore"):
            keys = (columns * multipliers).sum(axis=1, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        boundaries = np.flatnonzero(np.diff(sorted_keys)) + 1
        starts = np.concatenate(([0], boundaries))
        ends = np.concatenate((boundaries, [len(keys)]))
        for start, end in zip(starts[ends - starts > 1], ends[ends - starts > 1], strict=True):
            members = np.sort(order[start:end])
            if len(members) <= ALL_PAIRS_LIMIT:
                left, right = np.triu_indices(len(members), k=1)
                pairs.append(np.stack((members[left], members[right]), axis=1))
            else:
                chain = np.stack((members[:-1], members[1:]), axis=1)
                star = np.stack((np.full(len(members) - 1, members[0]), members[1:]), axis=1)
                pairs.extend((chain, star))
        if pairs:
            found = np.concatenate(pairs).astype(np.int64)
            codes = np.union1d(codes, found[:, 0] * n + found[:, 1])
    return np.stack((codes // n, codes % n), axis=1)


def _verified_pairs(matrix: np.ndarray, pairs: np.ndarray, threshold: float) -> np.ndarray:
    """The candidate pairs whose signatures agree on at least ``threshold`` of the positions.

    Compared a chunk of pairs at a time: gathering both signatures of every pair at once
    costs 1 KB per pair (77,622 pairs on 10,000 similar pages added ~100 MB).
    """
    minimum = threshold * NUM_PERM - 1e-9
    kept = [
        chunk[np.count_nonzero(matrix[chunk[:, 0]] == matrix[chunk[:, 1]], axis=1) >= minimum]
        for chunk in (pairs[i : i + PAIRS_PER_CHUNK] for i in range(0, len(pairs), PAIRS_PER_CHUNK))
    ]
    return np.concatenate(kept)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def find_duplicates(
    items: Iterable[tuple[str, bytes, str | None]], *, threshold: float = 0.8
) -> dict[str, str]:
    """``{duplicate_id: canonical_id}`` for (document_id, signature, sort_key) items.

    Two documents are duplicates when their estimated Jaccard similarity reaches
    ``threshold``; clusters are transitive and map to one canonical document, the earliest
    by ``sort_key`` (an ISO date; None sorts last), then by id. Items whose signature is
    empty (short texts) or malformed are never duplicates.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold!r}")
    ids: list[str] = []
    keys: list[str | None] = []
    blobs: list[bytes] = []
    for document_id, sig, sort_key in items:
        if sig is not None and len(sig) == SIGNATURE_BYTES:
            ids.append(document_id)
            keys.append(sort_key)
            blobs.append(bytes(sig))
    if len(ids) < 2:
        return {}
    matrix = np.frombuffer(b"".join(blobs), dtype="<u4").reshape(len(ids), NUM_PERM)
    pairs = _candidate_pairs(matrix, threshold)
    if len(pairs) == 0:
        return {}
    linked = _verified_pairs(matrix, pairs, threshold)

    parent = list(range(len(ids)))
    # Python ints for a chunk at a time: a list of all pairs costs ~110 bytes per pair.
    for start in range(0, len(linked), PAIRS_PER_CHUNK):
        for i, j in linked[start : start + PAIRS_PER_CHUNK].tolist():
            root_i, root_j = _find(parent, i), _find(parent, j)
            if root_i != root_j:
                parent[root_j] = root_i

    clusters: dict[int, list[int]] = {}
    for member in np.unique(linked).tolist():
        clusters.setdefault(_find(parent, member), []).append(member)
    result: dict[str, str] = {}
    for members in clusters.values():
        canonical = min(members, key=lambda m: (keys[m] is None, keys[m] or "", ids[m]))
        for member in members:
            if member != canonical:
                result[ids[member]] = ids[canonical]
    return result
