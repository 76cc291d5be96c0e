"""A topic digest across documents: the themes they share, each point citing
[document, paragraph].

Each document is cut into its themes (as its own digest is); the themes of all documents
are clustered by tf-idf cosine (average linkage), the dendrogram is cut where the
partition's modularity is highest (as in `segment`, without the contiguity a single
document has), and the clusters that span the most documents become the groups. Each group
takes one statement per document, the one most like the rest of the group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from labline.intel.engine.keyphrase import headings
from labline.intel.engine.text import (
    Sentence,
    detect_language,
    sentences_of,
    substantial,
    tfidf,
)
from labline.intel.engine.themes import theme_ranges
from labline.intel.engine.viewpoint import centrality, statement, trim

POINTS_PER_TOPIC = 4
THEMES_PER_DOCUMENT = 5


@dataclass(frozen=True)
class TopicPoint:
    text: str
    citations: tuple[tuple[str, int], ...]  # (document id, paragraph number)


@dataclass(frozen=True)
class TopicGroup:
    heading: str
    points: tuple[TopicPoint, ...]


def modularity(sim: np.ndarray, labels: np.ndarray) -> float:
    a = np.clip(sim, 0.0, None)
    np.fill_diagonal(a, 0.0)
    two_m = float(a.sum())
    if two_m == 0.0:
        return 0.0
    degree = a.sum(axis=1)
    q = 0.0
    for g in np.unique(labels):
        idx = labels == g
        q += a[np.ix_(idx, idx)].sum() / two_m - (degree[idx].sum() / two_m) ** 2
    return q


def clusters(sim: np.ndarray) -> np.ndarray:
    """Cluster labels of the dendrogram cut with the highest modularity."""
    # Imported when a topic digest is made: scipy's cluster and spatial packages cost
    # every app process about 0.2 s of CPU at start.
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = sim.shape[0]
    if n < 3:
        return np.zeros(n, dtype=np.int64)
    distance = np.clip(1.0 - sim, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform((distance + distance.T) / 2, checks=False), method="average")
    best, best_q = np.zeros(n, dtype=np.int64), modularity(sim, np.zeros(n))
    for k in range(2, min(n, 40) + 1):
        labels = fcluster(tree, k, criterion="maxclust")
        q = modularity(sim, labels)
        if q > best_q + 1e-12:
            best, best_q = labels, q
    return best


def topic_digest(
    documents: Sequence[tuple[str, Sequence[str]]],
    *,
    language: str | None = None,
    max_groups: int = 5,
) -> tuple[TopicGroup, ...]:
    docs = list(documents)
    lang = language or detect_language("\n".join(p for _, ps in docs for p in ps[:20]))
    units: list[tuple[int, list[Sentence]]] = []  # (document index, a theme's sentences)
    for d, (_, paragraphs) in enumerate(docs):
        sentences = sentences_of(paragraphs, lang)
        if not sentences:
            continue
        for a, b in theme_ranges(paragraphs, sentences, lang, None, THEMES_PER_DOCUMENT):
            theme = [s for s in sentences if a < s.paragraph <= b]
            if theme:
                units.append((d, theme))
    if not units:
        return ()
    m = tfidf([[t for s in theme for t in s.tokens] for _, theme in units])
    labels = clusters((m @ m.T).toarray())
    found = []
    for g in np.unique(labels):
        members = [units[i] for i in np.nonzero(labels == g)[0]]
        found.append((len({d for d, _ in members}), sum(len(t) for _, t in members), members))
    found.sort(key=lambda f: (-f[0], -f[1]))
    if any(f[0] > 1 for f in found):
        found = [f for f in found if f[0] > 1]
    found = found[:max_groups]
    glue = "" if lang == "zh" else " "
    texts = [glue.join(s.text for _, theme in f[2] for s in theme) for f in found]
    return tuple(
        TopicGroup(heading, _points(members, docs, lang))
        for heading, (_, _, members) in zip(headings(texts, lang), found, strict=True)
    )


def _points(
    members: list[tuple[int, list[Sentence]]], docs: list[tuple[str, Sequence[str]]], lang: str
) -> tuple[TopicPoint, ...]:
    flat = [(d, s) for d, theme in members for s in theme]
    pool = [(d, s) for d, s in flat if substantial(s, lang) and statement(s.text)]
    pool = pool or [(d, s) for d, s in flat if substantial(s, lang)] or flat
    central = centrality([s for _, s in pool])
    picked: dict[int, int] = {}
    for i in sorted(range(len(pool)), key=lambda i: -central[i]):
        picked.setdefault(pool[i][0], i)
    best = sorted(picked.values(), key=lambda i: -central[i])[:POINTS_PER_TOPIC]
    return tuple(
        TopicPoint(trim(pool[i][1].text, lang), ((docs[pool[i][0]][0], pool[i][1].paragraph),))
        for i in best
    )
