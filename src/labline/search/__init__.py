"""labline.search: bilingual (Chinese/English) retrieval and matching, as a plain library.

It imports nothing from labline's web app or database, so the market, review and
document modules — and a notebook — use it the same way:

    from labline.search import SearchIndex, Record
    index = SearchIndex()
    index.add([Record(id="a1", fields={"title": "钙钛矿叠层电池", "body": "..."})])
    hits = index.search("perovskite tandem cells", k=10)
    save(index, folder); index = load(folder)

Saving, loading and near duplicates are functions over the index (persistence.py,
dedup.py), which import the index and not the other way round.
"""

from labline.search.dedup import near_duplicates
from labline.search.errors import CorruptIndex, SearchError, UnknownFilterField
from labline.search.index import Hit, Record, SearchIndex
from labline.search.persistence import load, save

__all__ = [
    "CorruptIndex",
    "Hit",
    "Record",
    "SearchError",
    "SearchIndex",
    "UnknownFilterField",
    "load",
    "near_duplicates",
    "save",
]
