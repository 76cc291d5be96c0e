"""The sentence encoder of the app's live indexes (setting `search_encoder`)."""

from __future__ import annotations

import os

from labline.search.dense import Encoder, UniversalSentenceEncoder, default_encoder


def live_encoder() -> Encoder:
    """USE alone by default: on real technology records (benchmarks/market_real.py) the
    pair with e5 gains 2 points of nDCG@10 within the market but loses 4 on Chinese needs
    against English achievements, and encodes about 3x slower
    (benchmarks/results/README.md)."""
    # Read from the environment as the setting is (validated with the other settings at
    # start-up); not through get_settings(), whose cache would pin the settings of the
    # first caller for the whole process.
    if os.environ.get("LABLINE_SEARCH_ENCODER", "use") == "use+e5":
        return default_encoder()
    return UniversalSentenceEncoder()
