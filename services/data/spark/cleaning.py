"""The cleaning rules of ``services.data.cleaning`` on Spark DataFrames of contract columns.

Same rules, same order, same names, same counts, with the mapping's cleaning options
(``contract.InteractionsMapping``: item id pattern, excluded title words, upper-casing, the price
outlier factor). Instead of filtering after each rule (one Spark
job per count), every rule marks the rows it removes in a ``removed_by`` column, looking only at
rows no earlier rule removed; one aggregation then counts all rules together and the rows left
unmarked are the clean ones. Rules that need aggregates (the canonical description, the item's
median price, duplicates) compute them over the rows still in play, as pandas does after its
earlier filters. ``row`` is the input order: ties (equally frequent descriptions or countries)
go to the first row, like pandas' ``value_counts``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from .contract import InteractionsMapping
from .pseudonym import pseudonymize

RULES: tuple[str, ...] = (
    "missing_customer",
    "cancellation",
    "non_positive_quantity",
    "non_product_code",
    "non_positive_price",
    "missing_description",
    "price_outlier",
    "duplicate",
)
DUPLICATE_KEY = ("order_id", "item_id", "quantity", "timestamp", "price", "user_id", "event")

REMOVED = "removed_by"
ROW = "row"


@dataclass
class SparkCleaningCounts:
    """What ``CleaningReport`` holds, collected from the marked rows in one job."""

    rows_in: int
    removed: dict[str, int] = field(default_factory=dict)
    filled_descriptions: int = 0


def _alive() -> Column:
    return F.col(REMOVED).isNull()


def _mark(frame: DataFrame, rule: str, condition: Column) -> DataFrame:
    """Rows still in play for which ``condition`` holds are removed by ``rule`` (a null condition keeps the row)."""
    hit = _alive() & F.coalesce(condition, F.lit(False))
    return frame.withColumn(REMOVED, F.when(hit, F.lit(rule)).otherwise(F.col(REMOVED)))


def prepare(frame: DataFrame, mapping: InteractionsMapping) -> DataFrame:
    """Input order, the item id trimmed (and upper-cased when the mapping says so), no rule applied yet."""
    item = F.trim(F.col("item_id"))
    return (
        frame.withColumn(ROW, F.monotonically_increasing_id())
        .withColumn("item_id", F.upper(item) if mapping.upper_case_ids else item)
        .withColumn(REMOVED, F.lit(None).cast("string"))
    )


def missing_customer(frame: DataFrame) -> DataFrame:
    user = F.col("user_id")
    dtype = dict(frame.dtypes)["user_id"]
    is_missing = user.isNull() | (F.isnan(user) if dtype in ("double", "float") else F.lit(False))
    return _mark(frame, "missing_customer", is_missing)


def cancellation(frame: DataFrame) -> DataFrame:
    return _mark(frame, "cancellation", F.col("event") == "cancel")


def non_positive_quantity(frame: DataFrame) -> DataFrame:
    return _mark(frame, "non_positive_quantity", F.col("quantity") <= 0)


def non_product_code(frame: DataFrame, mapping: InteractionsMapping) -> DataFrame:
    condition = F.lit(False)
    if mapping.item_id_regex:
        condition = condition | ~F.coalesce(F.col("item_id").rlike(mapping.item_id_regex), F.lit(False))
    if mapping.excluded_words_regex:
        condition = condition | F.coalesce(F.col("title"), F.lit("")).rlike(mapping.excluded_words_regex)
    return _mark(frame, "non_product_code", condition)


def non_positive_price(frame: DataFrame) -> DataFrame:
    return _mark(frame, "non_positive_price", F.col("price") <= 0)


def normalised_description(text: Column, upper: bool = True) -> Column:
    """Spaces collapsed, trimmed, optionally upper case; empty text is missing (``normalise_title``)."""
    cleaned = F.trim(F.regexp_replace(text, r"(?U)\s+", " "))
    cleaned = F.upper(cleaned) if upper else cleaned
    return F.when(cleaned != "", cleaned)


def missing_description(frame: DataFrame, upper: bool) -> DataFrame:
    """One canonical text per item (its most frequent title); rows of items with none are removed."""
    frame = frame.withColumn("description_norm", normalised_description(F.col("title"), upper)).drop("title")
    counted = (
        frame.where(_alive() & F.col("description_norm").isNotNull())
        .groupBy("item_id", "description_norm")
        .agg(F.count(F.lit(1)).alias("n"), F.min(ROW).alias("first_row"))
    )
    best = Window.partitionBy("item_id").orderBy(F.col("n").desc(), F.col("first_row"))
    canonical = (
        counted.withColumn("rank", F.row_number().over(best))
        .where(F.col("rank") == 1)
        .select("item_id", F.col("description_norm").alias("title"))
    )
    frame = frame.join(F.broadcast(canonical), on="item_id", how="left")
    frame = frame.withColumn("filled", _alive() & F.col("description_norm").isNull() & F.col("title").isNotNull())
    return _mark(frame, "missing_description", F.col("title").isNull())


def price_outlier(frame: DataFrame, factor: float) -> DataFrame:
    """Unit price more than ``factor`` times away from the item's median price (over the rows still in play)."""
    median = frame.where(_alive()).groupBy("item_id").agg(F.median("price").alias("median_price"))
    frame = frame.join(F.broadcast(median), on="item_id", how="left")
    ratio = F.col("price") / F.col("median_price")
    return _mark(frame, "price_outlier", (ratio > factor) | (ratio < 1.0 / factor))


def duplicate(frame: DataFrame) -> DataFrame:
    """Exact duplicate invoice lines: all but the first of each key among the rows still in play."""
    key = [F.col(c) for c in DUPLICATE_KEY]
    order = Window.partitionBy(_alive(), *key).orderBy(ROW)
    return _mark(frame, "duplicate", F.row_number().over(order) > 1)


def mark_rules(frame: DataFrame, mapping: InteractionsMapping) -> DataFrame:
    """Every input row with the rule that removed it (null: kept) and, on kept rows, the canonical title.

    Persists an intermediate copy; the caller releases it with ``spark.catalog.clearCache()`` when done.
    """
    frame = prepare(frame, mapping)
    for rule in (missing_customer, cancellation, non_positive_quantity):
        frame = rule(frame)
    frame = non_positive_price(non_product_code(frame, mapping))
    # The row rules run once, spread over every core; the aggregate rules below read this copy, not the input.
    spread = frame.sparkSession.sparkContext.defaultParallelism * 2
    frame = frame.repartition(spread).persist(StorageLevel.MEMORY_AND_DISK)
    frame = missing_description(frame, mapping.upper_case_titles)
    frame = price_outlier(frame, mapping.price_outlier_factor)
    return duplicate(frame)


def count_rules(marked: DataFrame) -> SparkCleaningCounts:
    """Rows in, rows removed by each rule and descriptions filled, in one aggregation."""
    rows = marked.groupBy(REMOVED).agg(F.count(F.lit(1)).alias("n"), F.sum(F.col("filled").cast("long")).alias("f"))
    by_rule = {r[REMOVED]: (int(r["n"]), int(r["f"] or 0)) for r in rows.collect()}
    counts = SparkCleaningCounts(rows_in=sum(n for n, _ in by_rule.values()))
    counts.removed = {rule: by_rule.get(rule, (0, 0))[0] for rule in RULES}
    # Filled when missing_description ran, whatever a later rule did with the row (as pandas counts it).
    counts.filled_descriptions = sum(f for _, f in by_rule.values())
    return counts


def clean_rows(marked: DataFrame, hmac_key: bytes) -> DataFrame:
    """The kept rows in the pandas path's columns, customer ids pseudonymized, plus ``row`` (input order)."""
    kept = marked.where(_alive())
    customer_type = kept.schema["user_id"].dataType
    return kept.select(
        pseudonymize(F.col("user_id"), customer_type, hmac_key).alias("user_id"),
        F.col("item_id"),
        F.col("title"),
        F.col("quantity").cast("long").alias("quantity"),
        F.col("price").cast("double").alias("price"),
        F.col("timestamp").alias("ts"),
        F.coalesce(F.col("country"), F.lit("Unspecified")).alias("country"),
        F.col("order_id").alias("invoice"),
        F.col(ROW),
    )
