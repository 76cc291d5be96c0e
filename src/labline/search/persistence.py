"""Saving and loading an index: atomically, with checksums, vectors memory-mapped.

A saved index is a folder holding `manifest.json` and its parts. Saving writes a new
folder beside the old one and swaps it in with one rename, so a crash mid-write
leaves the previous index whole. Loading checks every part's SHA-256 first.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from labline.search.errors import CorruptIndex
from labline.search.filters import FacetColumns
from labline.search.index import SearchIndex
from labline.search.ivf import IVF

if TYPE_CHECKING:
    from scipy import sparse


FORMAT = "labline-search/1"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def save(index: SearchIndex, target: str | Path) -> None:
    """Write atomically: a crash mid-write leaves the previous saved index usable."""
    from scipy import sparse

    target = Path(target)
    staging = target.with_name(target.name + ".writing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    index.lexical.merge()  # weights with every row's statistics, not a base and a delta
    counts = index.lexical._matrix()
    sparse.save_npz(staging / "counts.npz", counts, compressed=False)
    np.save(staging / "alive.npy", index.lexical.alive)
    np.save(staging / "vectors.npy", index.vectors.vectors)
    # The approximate index (above the exact limit): trained and assigned here, once, so
    # that a process opening the snapshot does not (about 10 s at 100,000 rows).
    index.vectors.build_ann()
    ann = index.vectors.ann
    if ann is not None and len(ann) == len(index.vectors):
        np.savez(staging / "ivf.npz", **ann.state())
    # BM25 weights as of the save, as three arrays a process maps (reading 100 MB of
    # them at open was a second of a first answer) instead of recomputing them (5 s at
    # 200,000 records); rows added later get weights of their own (lexical.py).
    weights = index.lexical.weights()
    weights.sort_indices()
    for name in ("data", "indices", "indptr"):
        np.save(staging / f"weights.{name}.npy", getattr(weights, name))
    dl_total, dl_rows = index.lexical.base_lengths()
    _save_texts(index.texts, staging)
    meta = {
        "ids": index.ids,
        "terms": index.lexical.terms,
        "fields": index.field_weights,
        "facet_schema": index.facets.schema,
        "facet_codes": index.facets.codes,
        "facet_columns": index.facets.columns,
        "chinese_rows": index.chinese_rows,
        "bm25": {
            "k1": index.lexical.k1,
            "b": index.lexical.b,
            "variant": index.lexical.variant,
            "weights_shape": list(weights.shape),
            "dl_total": dl_total,
            "dl_rows": dl_rows,
        },
        "encoder": index.encoder.name if index.encoder else None,
        "exact_limit": index.vectors.exact_limit,
    }
    (staging / "records.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    files = sorted(staging.iterdir())
    parts = {p.name: _sha256(p) for p in files}
    sizes = {p.name: p.stat().st_size for p in files}
    manifest = {"format": FORMAT, "records": len(index), "parts": parts, "sizes": sizes}
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    for path in staging.iterdir():
        with path.open("rb") as fh:
            os.fsync(fh.fileno())
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)  # the swap: readers see the old index or the new one, never half
    shutil.rmtree(old, ignore_errors=True)


# Memory-mapped (read a row or a column at a time): hashing them would read them whole at
# every open. The counts are read (and hashed) only when a merge or a save needs them.
MAPPED = frozenset(
    {
        "vectors.npy",
        "texts.jsonl",
        "weights.data.npy",
        "weights.indices.npy",
        "weights.indptr.npy",
        "counts.npz",
    }
)


class LazyTexts:
    """Each row's field texts, read from the saved `texts.jsonl` only when asked for (a
    search reads its hits'); rows added since the load are kept in memory."""

    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        self._offsets = offsets
        self._size = int(offsets.shape[0]) - 1
        self._map: mmap.mmap | None = None
        if self._size and path.stat().st_size:
            with path.open("rb") as fh:
                self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        self._added: list[dict[str, str]] = []

    def __len__(self) -> int:
        return self._size + len(self._added)

    def __getitem__(self, row: int) -> dict[str, str]:
        if row < 0:
            row += len(self)
        if row >= self._size:
            return self._added[row - self._size]
        if row < 0 or self._map is None:
            raise IndexError(row)
        start, end = int(self._offsets[row]), int(self._offsets[row + 1])
        texts: dict[str, str] = json.loads(self._map[start:end])
        return texts

    def __iter__(self) -> Iterator[dict[str, str]]:
        return (self[i] for i in range(len(self)))

    def extend(self, rows: Iterable[dict[str, str]]) -> None:
        self._added.extend(rows)


def _save_texts(texts: Sequence[dict[str, str]], staging: Path) -> None:
    offsets = [0]
    with (staging / "texts.jsonl").open("wb") as fh:
        for row in texts:
            line = json.dumps(row, ensure_ascii=False).encode() + b"\n"
            fh.write(line)
            offsets.append(offsets[-1] + len(line))
    np.save(staging / "texts.idx.npy", np.asarray(offsets, dtype=np.int64))


WEIGHT_PARTS = ("data", "indices", "indptr")


def _counts_reader(
    source: Path, digest: str | None, verify: str
) -> Callable[[], sparse.csr_matrix]:
    """Reads the saved raw counts when asked, checking their hash first (a quick open
    checked only their size)."""
    from scipy import sparse

    path = source / "counts.npz"

    def read() -> sparse.csr_matrix:
        if verify == "quick" and digest is not None and _sha256(path) != digest:
            raise CorruptIndex(f"{source}: part counts.npz is missing or damaged (checksum)")
        return sparse.load_npz(path).tocsr()

    return read


def load(source: str | Path, **options: Any) -> SearchIndex:
    """Load (vectors memory-mapped) after checking every part; CorruptIndex if damaged.

    `verify="full"` hashes every part. `verify="quick"` (a process opening its snapshot)
    checks every part's size and hashes the parts it reads whole, but not the mapped
    vectors, whose hash read 400 MB at 200,000 records before a first answer; a cut or
    missing file is still refused, and a full check (`labline index check`, the worker's
    rebuild decision) finds damage inside them."""
    from scipy import sparse

    verify = options.pop("verify", "full")
    source = Path(source)
    manifest_path = source / "manifest.json"
    if not manifest_path.is_file():
        raise CorruptIndex(f"{source} is not a labline search index (no manifest.json)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CorruptIndex(f"{source}: manifest.json is not readable JSON") from exc
    if manifest.get("format") != FORMAT:
        raise CorruptIndex(f"{source}: format {manifest.get('format')!r}, expected {FORMAT}")
    sizes = manifest.get("sizes") or {}
    for name, digest in manifest["parts"].items():
        part = source / name
        if not part.is_file():
            raise CorruptIndex(f"{source}: part {name} is missing or damaged (no such file)")
        if name in sizes and part.stat().st_size != sizes[name]:
            raise CorruptIndex(
                f"{source}: part {name} is missing or damaged"
                f" ({part.stat().st_size} bytes, written with {sizes[name]})"
            )
        if verify == "quick" and name in MAPPED:
            continue  # its size is checked above, or by the map below
        if _sha256(part) != digest:
            raise CorruptIndex(f"{source}: part {name} is missing or damaged (checksum mismatch)")
    meta = json.loads((source / "records.json").read_text(encoding="utf-8"))
    index = SearchIndex(
        fields=meta["fields"],
        facets=meta["facet_schema"],
        use_dense=meta["encoder"] is not None,
        **options,
    )
    lex = index.lexical
    lex.k1, lex.b, lex.variant = meta["bm25"]["k1"], meta["bm25"]["b"], meta["bm25"]["variant"]
    lex.terms = meta["terms"]
    lex.vocab = {t: i for i, t in enumerate(lex.terms)}
    lex.counts_source = _counts_reader(source, manifest["parts"].get("counts.npz"), verify)
    lex.alive = np.load(source / "alive.npy")
    if index.encoder is not None and index.encoder.name != meta["encoder"]:
        # Vectors from another encoder mean nothing to this one's queries.
        raise CorruptIndex(
            f"{source}: built with the encoder {meta['encoder']}, not {index.encoder.name};"
            " build it again"
        )
    try:
        index.vectors.vectors = np.load(source / "vectors.npy", mmap_mode="r")
    except ValueError as exc:  # shorter than its header says
        raise CorruptIndex(f"{source}: part vectors.npy is missing or damaged ({exc})") from exc
    index.vectors.exact_limit = meta.get("exact_limit")
    if (source / "ivf.npz").is_file():
        with np.load(source / "ivf.npz") as parts:
            try:
                index.vectors.restore_ann(IVF.restore(dict(parts)))
            except (KeyError, ValueError) as exc:
                raise CorruptIndex(f"{source}: part ivf.npz is missing or damaged ({exc})") from exc
    if (source / "weights.indptr.npy").is_file():
        parts = [np.load(source / f"weights.{n}.npy", mmap_mode="r") for n in WEIGHT_PARTS]
        shape = tuple(meta["bm25"]["weights_shape"])
        if parts[2].shape != (shape[1] + 1,) or int(parts[2][-1]) != parts[0].shape[0]:
            raise CorruptIndex(f"{source}: the weights' parts do not fit together")
        lex._weights = sparse.csc_matrix(tuple(parts), shape=shape, copy=False)
        # Sorted when saved: said here, or scipy reads every index to find out.
        lex._weights.has_sorted_indices = True
        lex._base_n = lex.n_docs
    elif (source / "weights.npz").is_file():  # saved before the weights were mapped
        lex._weights = sparse.load_npz(source / "weights.npz").tocsc()
        lex._base_n = lex.n_docs
    if "dl_total" in meta["bm25"]:
        lex._base_dl = (float(meta["bm25"]["dl_total"]), int(meta["bm25"]["dl_rows"]))
    index.ids = meta["ids"]
    if "texts" in meta:  # saved before texts.jsonl
        index.texts = meta["texts"]
    else:
        offsets = np.load(source / "texts.idx.npy")
        if int(offsets[-1]) != (source / "texts.jsonl").stat().st_size:
            raise CorruptIndex(f"{source}: part texts.jsonl is missing or damaged (size)")
        index.texts = LazyTexts(source / "texts.jsonl", offsets)  # type: ignore[assignment]
    if len(index.ids) != lex.n_docs:
        raise CorruptIndex(f"{source}: {len(index.ids)} ids for {lex.n_docs} rows")
    index.row_of = dict(zip(index.ids, range(len(index.ids)), strict=True))
    for row in np.flatnonzero(~lex.alive).tolist():  # a replaced record's old row
        if index.row_of.get(index.ids[row]) == row:
            del index.row_of[index.ids[row]]
    facets = FacetColumns(meta["facet_schema"])
    facets.codes, facets.columns = meta["facet_codes"], meta["facet_columns"]
    index.facets = facets
    index.chinese_rows = meta["chinese_rows"]
    return index
