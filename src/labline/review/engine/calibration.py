"""Reviewer calibration, disagreement statistics and the funding-line lottery.

Calibration: score(r, p) = proposal effect μ_p + reviewer effect b_r + noise, fitted by
sparse least squares (scipy's lsqr). The model only pins μ + b, so each connected group of
reviewers and proposals is shifted to make its reviewer effects sum to zero. A reviewer's
effect is then subtracted from their scores only if they wrote at least `min_reviews`
reviews — a harsh or lenient habit is not something two reviews can show — and the rest
keep effect 0. Calibrated proposal means are the means of the corrected scores.

Disagreement: per proposal the spread of its scores (std, min, max, range) and a split flag
when at least one score sits in the top band of the scale and one in the bottom band — the
proposals a non-consensus track should look at rather than average away.

Lottery: a draw among proposals tied at the funding line, from a published seed with
numpy's PCG64, so anyone can reproduce it from the seed and the candidate list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


class InvalidReviewInput(ValueError):
    """Review arrays are malformed (lengths, indices, NaN, parameters)."""


@dataclass(frozen=True)
class Calibration:
    raw_mean: np.ndarray  # per proposal, NaN where a proposal has no review
    calibrated_mean: np.ndarray
    raw_rank: np.ndarray  # 1 = best; ties share the best rank; unreviewed last
    calibrated_rank: np.ndarray
    proposal_effect: np.ndarray  # fitted μ_p
    reviewer_effect: np.ndarray  # fitted b_r (sum to zero per connected group)
    applied_effect: np.ndarray  # b_r where the reviewer has ≥ min_reviews reviews, else 0
    review_counts: np.ndarray  # reviews per reviewer
    residual_std: float


def _arrays(
    reviewers: Sequence[int] | np.ndarray,
    proposals: Sequence[int] | np.ndarray,
    scores: Sequence[float] | np.ndarray,
    n_reviewers: int | None,
    n_proposals: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    r = np.asarray(reviewers)
    p = np.asarray(proposals)
    x = np.asarray(scores, dtype=np.float64)
    if not (r.ndim == p.ndim == x.ndim == 1) or not (len(r) == len(p) == len(x)):
        raise InvalidReviewInput(
            f"reviewers, proposals and scores must be 1-D of one length, got "
            f"{r.shape}, {p.shape}, {x.shape}"
        )
    if np.isnan(x).any():
        raise InvalidReviewInput(
            f"scores contain NaN at review {int(np.flatnonzero(np.isnan(x))[0])}"
        )
    if len(r) and ((r < 0).any() or (p < 0).any()):
        raise InvalidReviewInput("reviewer and proposal indices must be non-negative")
    n_r = int(r.max(initial=-1)) + 1 if n_reviewers is None else n_reviewers
    n_p = int(p.max(initial=-1)) + 1 if n_proposals is None else n_proposals
    if len(r) and (r.max() >= n_r or p.max() >= n_p):
        raise InvalidReviewInput("a reviewer or proposal index is beyond n_reviewers/n_proposals")
    return r.astype(np.int64), p.astype(np.int64), x, n_r, n_p


def _rank(values: np.ndarray) -> np.ndarray:
    """1 = highest; NaN (no reviews) ranks after everything."""
    from scipy.stats import rankdata  # scipy.stats costs a process 1-3 s to import

    v = np.where(np.isnan(values), -np.inf, values)
    return rankdata(-v, method="min").astype(np.int64)


def calibrate(
    *,
    reviewers: Sequence[int] | np.ndarray,
    proposals: Sequence[int] | np.ndarray,
    scores: Sequence[float] | np.ndarray,
    min_reviews: int = 3,
    n_reviewers: int | None = None,
    n_proposals: int | None = None,
) -> Calibration:
    """Fit the additive model and return raw and calibrated proposal means and ranks."""
    # scipy is imported here, not with the module: the app imports this for its routes.
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components
    from scipy.sparse.linalg import lsqr

    if min_reviews < 0:
        raise InvalidReviewInput(f"min_reviews must be ≥ 0, got {min_reviews}")
    r, p, x, n_r, n_p = _arrays(reviewers, proposals, scores, n_reviewers, n_proposals)
    n = len(x)
    rows = np.concatenate((np.arange(n), np.arange(n)))
    cols = np.concatenate((p, n_p + r))
    design = sparse.csr_matrix((np.ones(2 * n), (rows, cols)), shape=(n, n_p + n_r))
    # Centre first so lsqr starts near the answer; the overall mean goes back into μ.
    centre = float(x.mean()) if n else 0.0
    theta = lsqr(design, x - centre, atol=1e-12, btol=1e-12, iter_lim=10 * (n_p + n_r) + 100)[0]
    mu, b = theta[:n_p] + centre, theta[n_p:]
    # Only μ_p + b_r is identified: shift each connected group so its b sum to zero.
    graph = sparse.csr_matrix((np.ones(n), (p, n_p + r)), shape=(n_p + n_r, n_p + n_r))
    _, label = connected_components(graph, directed=False)
    counts = np.bincount(r, minlength=n_r)
    seen = counts > 0
    groups = label[n_p:][seen]
    shift = np.zeros(label.max(initial=0) + 1)
    np.add.at(shift, groups, b[seen])
    shift /= np.maximum(np.bincount(groups, minlength=len(shift)), 1)
    b = np.where(seen, b - shift[label[n_p:]], 0.0)
    mu = mu + shift[label[:n_p]]
    applied = np.where(counts >= min_reviews, b, 0.0)
    resid = x - mu[p] - b[r]
    per = np.bincount(p, minlength=n_p)
    with np.errstate(invalid="ignore"):
        raw = np.bincount(p, weights=x, minlength=n_p) / per
        cal = np.bincount(p, weights=x - applied[r], minlength=n_p) / per
    return Calibration(
        raw_mean=raw,
        calibrated_mean=cal,
        raw_rank=_rank(raw),
        calibrated_rank=_rank(cal),
        proposal_effect=np.where(per > 0, mu, np.nan),
        reviewer_effect=b,
        applied_effect=applied,
        review_counts=counts,
        residual_std=float(resid.std()) if n else 0.0,
    )


@dataclass(frozen=True)
class Disagreement:
    count: np.ndarray  # reviews per proposal
    mean: np.ndarray
    std: np.ndarray  # sample standard deviation (ddof=1; 0 for a single review)
    min: np.ndarray
    max: np.ndarray
    range: np.ndarray  # max − min
    split: np.ndarray  # bool: a score in the top band and one in the bottom band


def disagreement(
    *,
    proposals: Sequence[int] | np.ndarray,
    scores: Sequence[float] | np.ndarray,
    scale: tuple[float, float],
    band: float = 1 / 3,
    n_proposals: int | None = None,
) -> Disagreement:
    """Spread per proposal; `split` when reviewers sit in both outer bands of the scale.

    With scale (1, 9) and band 1/3 the bottom band is ≤ 3.67 and the top band ≥ 6.33.
    """
    low, high = scale
    if not high > low:
        raise InvalidReviewInput(f"scale must be (low, high) with high > low, got {scale}")
    if not 0 < band < 0.5:
        raise InvalidReviewInput(f"band must be in (0, 0.5), got {band}")
    p = np.asarray(proposals, dtype=np.int64)
    x = np.asarray(scores, dtype=np.float64)
    if p.shape != x.shape or p.ndim != 1:
        raise InvalidReviewInput(f"proposals {p.shape} and scores {x.shape} must match (1-D)")
    if np.isnan(x).any():
        raise InvalidReviewInput("scores contain NaN")
    n_p = int(p.max(initial=-1)) + 1 if n_proposals is None else n_proposals
    count = np.bincount(p, minlength=n_p)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(p, weights=x, minlength=n_p) / count
        sq = np.bincount(p, weights=(x - mean[p]) ** 2, minlength=n_p)
        std = np.where(count > 1, np.sqrt(sq / np.maximum(count - 1, 1)), 0.0)
    lo = np.full(n_p, np.inf)
    hi = np.full(n_p, -np.inf)
    np.minimum.at(lo, p, x)
    np.maximum.at(hi, p, x)
    width = band * (high - low)
    top = np.bincount(p, weights=x >= high - width, minlength=n_p) > 0
    bottom = np.bincount(p, weights=x <= low + width, minlength=n_p) > 0
    empty = count == 0
    return Disagreement(
        count=count,
        mean=mean,
        std=np.where(empty, np.nan, std),
        min=np.where(empty, np.nan, lo),
        max=np.where(empty, np.nan, hi),
        range=np.where(empty, np.nan, hi - lo),
        split=top & bottom,
    )


@dataclass(frozen=True)
class LotteryDraw:
    seed: int
    order: list[str]  # every candidate, in the order drawn
    winners: list[str]  # the first k of `order`


def lottery(*, candidates: Sequence[str | int], k: int, seed: int) -> LotteryDraw:
    """Draw k of the tied candidates; reproducible from (sorted candidates, seed).

    Candidates are sorted as strings first, so the draw does not depend on the order they
    were listed in; numpy's PCG64 then permutes them.
    """
    names = [str(c) for c in candidates]
    if len(set(names)) != len(names):
        raise InvalidReviewInput("lottery candidates must be distinct")
    if not 0 <= k <= len(names):
        raise InvalidReviewInput(f"k must be between 0 and {len(names)} candidates, got {k}")
    if seed < 0:
        raise InvalidReviewInput(f"seed must be a non-negative integer, got {seed}")
    pool = sorted(names)
    rng = np.random.Generator(np.random.PCG64(seed))
    order = [pool[i] for i in rng.permutation(len(pool))]
    return LotteryDraw(seed=seed, order=order, winners=order[:k])
