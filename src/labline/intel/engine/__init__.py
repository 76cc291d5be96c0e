"""Pure algorithms of the intel domain: no database, web or command-line imports."""

from labline.intel.engine.digest import (
    Digest,
    Group,
    Point,
    TopicGroup,
    TopicPoint,
    detect_language,
    digest,
    split_sentences,
    topic_digest,
)
from labline.intel.engine.keyphrase import warm

__all__ = [
    "Digest",
    "Group",
    "Point",
    "TopicGroup",
    "TopicPoint",
    "detect_language",
    "digest",
    "split_sentences",
    "topic_digest",
    "warm",
]
