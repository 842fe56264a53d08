"""Title keywords of the item features, shared by the Spark job and ``services.recommend.features``.

Standard library only (a job module: it ships to EMR with the job, and the recommend service reads
it too): the stop words dropped from titles and the pattern of a keyword token.
"""

from __future__ import annotations

STOP_WORDS: tuple[str, ...] = (
    "a",
    "an",
    "and",
    "the",
    "of",
    "in",
    "on",
    "with",
    "for",
    "to",
    "set",
    "box",
    "pack",
    "size",
    "small",
    "large",
    "mini",
    "big",
    "assorted",
    "design",
    "designs",
    "colour",
    "colours",
    "col",
    "piece",
    "pcs",
    "s",
    "x",
)
TOKEN_PATTERN = "[a-z]{3,}"  # lower-cased runs of three or more letters
