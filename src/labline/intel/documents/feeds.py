"""Fetching a feed over HTTP, with a time limit and a size limit (its entries are read by
`readers.read_feed`)."""

from __future__ import annotations

from labline.intel.documents.readers import MAX_FILE_BYTES, Rejected


def fetch_feed(url: str, *, timeout: float = 20.0) -> bytes:
    import httpx

    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise Rejected(url, "http_error", f"the server answered {response.status_code}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise Rejected(url, "too_large", f"more than {MAX_FILE_BYTES:,} bytes")
                chunks.append(chunk)
    except httpx.TimeoutException:
        raise Rejected(url, "timeout", f"no answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise Rejected(url, "unreachable", f"cannot fetch ({type(exc).__name__})") from None
    return b"".join(chunks)
