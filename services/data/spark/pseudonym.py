"""Keyed pseudonymization of customer ids with Spark's built-in functions (no Python UDF).

The same ids as ``services.core.privacy.pseudonymize``: ``u_`` + the first 16 hex characters of
HMAC-SHA256(key, normalised id). HMAC is two SHA-256 passes over the key padded to the hash's
64-byte block and XORed with the inner and outer pads (RFC 2104); the pads are constants of the
key, so each pass is ``sha2(concat(pad, message))`` on the executors.
"""

from __future__ import annotations

import hashlib

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql import types as T

PSEUDONYM_PREFIX = "u_"  # services.core.privacy.PSEUDONYM_PREFIX
_BLOCK = 64  # SHA-256 block size in bytes


def _pads(key: bytes) -> tuple[bytes, bytes]:
    block = hashlib.sha256(key).digest() if len(key) > _BLOCK else key
    block = block.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def hmac_sha256_hex(message: Column, key: bytes) -> Column:
    """Hex HMAC-SHA256 of the UTF-8 bytes of ``message`` (a string column)."""
    inner_pad, outer_pad = _pads(key)
    inner = F.unhex(F.sha2(F.concat(F.lit(bytearray(inner_pad)), F.encode(message, "UTF-8")), 256))
    return F.sha2(F.concat(F.lit(bytearray(outer_pad)), inner), 256)


def normalised_id(raw: Column, data_type: T.DataType) -> Column:
    """The id as text, like the pandas path: trimmed, and ``13085.0`` (an id read as a float) as ``13085``."""
    if isinstance(data_type, (T.FloatType, T.DoubleType)):
        whole = (raw >= 0) & (raw == F.floor(raw)) & (raw < F.lit(1e15))
        return F.when(whole, raw.cast("bigint").cast("string")).otherwise(raw.cast("string"))
    text = F.regexp_replace(raw.cast("string"), r"^\s+|\s+$", "")
    return F.when(text.rlike(r"^[0-9]+\.0$"), F.regexp_replace(text, r"\.0$", "")).otherwise(text)


def pseudonymize(raw: Column, data_type: T.DataType, key: bytes) -> Column:
    return F.concat(F.lit(PSEUDONYM_PREFIX), F.substring(hmac_sha256_hex(normalised_id(raw, data_type), key), 1, 16))
