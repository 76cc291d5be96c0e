"""The sentence encoder of the app's live indexes (setting `search_encoder`)."""

from __future__ import annotations

import os

from labline.search.dense import Encoder, UniversalSentenceEncoder, default_encoder


def live_encoder() -> Encoder:
    """USE alone by default: the pair with e5 encodes about 4x slower, and on the demo
    market (topic templates) USE alone matched better (benchmarks/results/README.md)."""
    # Read from the environment as the setting is (validated with the other settings at
    # start-up); not through get_settings(), whose cache would pin the settings of the
    # first caller for the whole process.
    if os.environ.get("LABLINE_SEARCH_ENCODER", "use") == "use+e5":
        return default_encoder()
    return UniversalSentenceEncoder()
