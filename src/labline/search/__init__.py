"""labline.search: bilingual (Chinese/English) retrieval and matching, as a plain library.

It imports nothing from labline's web app or database, so the market, review and
document modules — and a notebook — use it the same way:

    from labline.search import SearchIndex, Record
    index = SearchIndex()
    index.add([Record(id="a1", fields={"title": "钙钛矿叠层电池", "body": "..."})])
    hits = index.search("perovskite tandem cells", k=10)
"""

from labline.search.errors import CorruptIndex, SearchError, UnknownFilterField
from labline.search.index import Hit, Record, SearchIndex

__all__ = ["CorruptIndex", "Hit", "Record", "SearchError", "SearchIndex", "UnknownFilterField"]
