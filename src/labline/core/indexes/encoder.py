"""The sentence encoder of the app's live indexes (setting `search_encoder`)."""

from __future__ import annotations

import os

from labline.search.dense import Encoder, UniversalSentenceEncoder, default_encoder

# USE's numpy forward pass on one BLAS thread. Its matrices are small (micro-batches of 384
# tokens), so a second thread gains little even on an idle machine, and on a busy one the
# two threads wait on each other: encoding the demo's records took 7x the CPU and 9x the
# time with 2 threads at load average 16 (vectors identical to the bit either way).
USE_THREADS = 1


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
    return UniversalSentenceEncoder(threads=USE_THREADS)
