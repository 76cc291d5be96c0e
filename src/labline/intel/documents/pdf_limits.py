"""Limits on what a PDF's compressed streams may inflate to (a small file can hold a
FlateDecode stream of gigabytes): pypdf's own per-stream limits, set for one read, and a
total over the pages' contents."""

from __future__ import annotations

from typing import Any


class Inflated(Exception):
    """The pages' contents inflate past the total allowed."""


def per_stream(limit: int) -> dict[str, Any]:
    """pypdf configuration values stopping any one stream's decoding at `limit` bytes."""
    return {
        "zlib_maximum_output_length": limit,
        "lzw_maximum_output_length": limit,
        "run_length_maximum_output_length": limit,
        "jbig2_maximum_output_length": limit,
        "brotli_maximum_output_length": limit,
        "array_based_stream_maximum_output_length": limit,
        "image_maximum_buffer_size": limit,
    }


def page_texts(reader: Any, total: int) -> list[str]:
    """Each page's text; its content streams are inflated first and counted, and past
    `total` bytes in all the reading stops."""
    pages, inflated = [], 0
    for n, page in enumerate(reader.pages, 1):
        contents = page.get_contents()
        inflated += len(contents.get_data()) if contents is not None else 0
        if inflated > total:
            raise Inflated(f"its page contents inflate to over {inflated:,} bytes by page {n}")
        pages.append(page.extract_text() or "")
    return pages
