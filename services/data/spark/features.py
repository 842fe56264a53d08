"""The item and user features of ``services.recommend.features`` on Spark DataFrames.

* items: one row per item with its canonical title, its median unit price and the keyword tokens
  of the title (``description_tokens``: lower case, runs of 3+ letters, stop words dropped);
* users: one row per user with the most frequent country (ties: the first seen, like pandas).
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from .cleaning import ROW
from .keywords import STOP_WORDS, TOKEN_PATTERN


def title_tokens(title: str = "title") -> Column:
    words = F.regexp_extract_all(F.lower(F.col(title)), F.lit(f"({TOKEN_PATTERN})"), 1)
    stop = F.array(*[F.lit(w) for w in STOP_WORDS])
    return F.filter(words, lambda w: ~F.array_contains(stop, w))


def item_table(clean: DataFrame) -> DataFrame:
    """item_id, title (of the first row), price (median), tokens."""
    items = clean.groupBy("item_id").agg(F.min_by("title", ROW).alias("title"), F.median("price").alias("price"))
    return items.withColumn("tokens", title_tokens())


def user_table(clean: DataFrame) -> DataFrame:
    """user_id, country (the most frequent; ties go to the country seen first)."""
    counted = clean.groupBy("user_id", "country").agg(F.count(F.lit(1)).alias("n"), F.min(ROW).alias("first_row"))
    best = Window.partitionBy("user_id").orderBy(F.col("n").desc(), F.col("first_row"))
    return counted.withColumn("rank", F.row_number().over(best)).where(F.col("rank") == 1).select("user_id", "country")
