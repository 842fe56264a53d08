"""The cleaning rules of ``services.data.cleaning`` on Spark DataFrames.

Same rules, same order, same names, same counts. Instead of filtering after each rule (one Spark
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
# The patterns of the pandas rules (Java regex; (?U): Unicode classes and word boundaries like Python's re).
PRODUCT_CODE = r"^\d{5}[A-Za-z]{0,2}$"
EXCLUDED_WORDS = r"(?iU)\b(?:POSTAGE|CARRIAGE|MANUAL|DISCOUNT|SAMPLES?|ADJUST|FEE|TEST|VOUCHER)\b"
DUPLICATE_KEY = ("Invoice", "StockCode", "Quantity", "InvoiceDate", "Price", "Customer ID")

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


def prepare(raw: DataFrame) -> DataFrame:
    """Input order, the stock code trimmed and upper-cased, no rule applied yet."""
    stock = F.upper(F.regexp_replace(F.col("StockCode"), r"^\s+|\s+$", ""))
    return (
        raw.withColumn(ROW, F.monotonically_increasing_id())
        .withColumn("StockCode", stock)
        .withColumn(REMOVED, F.lit(None).cast("string"))
    )


def missing_customer(frame: DataFrame) -> DataFrame:
    customer = F.col("`Customer ID`")
    dtype = dict(frame.dtypes)["Customer ID"]
    is_missing = customer.isNull() | (F.isnan(customer) if dtype in ("double", "float") else F.lit(False))
    return _mark(frame, "missing_customer", is_missing)


def cancellation(frame: DataFrame) -> DataFrame:
    return _mark(frame, "cancellation", F.col("Invoice").startswith("C"))


def non_positive_quantity(frame: DataFrame) -> DataFrame:
    return _mark(frame, "non_positive_quantity", F.col("Quantity") <= 0)


def non_product_code(frame: DataFrame) -> DataFrame:
    product = F.coalesce(F.col("StockCode").rlike(PRODUCT_CODE), F.lit(False))
    excluded = F.coalesce(F.col("Description"), F.lit("")).rlike(EXCLUDED_WORDS)
    return _mark(frame, "non_product_code", ~product | excluded)


def non_positive_price(frame: DataFrame) -> DataFrame:
    return _mark(frame, "non_positive_price", F.col("Price") <= 0)


def normalised_description(text: Column) -> Column:
    """Spaces collapsed, trimmed, upper case; empty text is missing (``normalise_description``)."""
    cleaned = F.upper(F.trim(F.regexp_replace(text, r"(?U)\s+", " ")))
    return F.when(cleaned != "", cleaned)


def missing_description(frame: DataFrame) -> DataFrame:
    """One canonical text per stock code (its most frequent description); rows of codes with none are removed."""
    frame = frame.withColumn("description_norm", normalised_description(F.col("Description")))
    counted = (
        frame.where(_alive() & F.col("description_norm").isNotNull())
        .groupBy("StockCode", "description_norm")
        .agg(F.count(F.lit(1)).alias("n"), F.min(ROW).alias("first_row"))
    )
    best = Window.partitionBy("StockCode").orderBy(F.col("n").desc(), F.col("first_row"))
    canonical = (
        counted.withColumn("rank", F.row_number().over(best))
        .where(F.col("rank") == 1)
        .select("StockCode", F.col("description_norm").alias("title"))
    )
    frame = frame.join(F.broadcast(canonical), on="StockCode", how="left")
    frame = frame.withColumn("filled", _alive() & F.col("description_norm").isNull() & F.col("title").isNotNull())
    return _mark(frame, "missing_description", F.col("title").isNull())


def price_outlier(frame: DataFrame, factor: float) -> DataFrame:
    """Unit price more than ``factor`` times away from the item's median price (over the rows still in play)."""
    median = frame.where(_alive()).groupBy("StockCode").agg(F.median("Price").alias("median_price"))
    frame = frame.join(F.broadcast(median), on="StockCode", how="left")
    ratio = F.col("Price") / F.col("median_price")
    return _mark(frame, "price_outlier", (ratio > factor) | (ratio < 1.0 / factor))


def duplicate(frame: DataFrame) -> DataFrame:
    """Exact duplicate invoice lines: all but the first of each key among the rows still in play."""
    key = [F.col(f"`{c}`") for c in DUPLICATE_KEY]
    order = Window.partitionBy(_alive(), *key).orderBy(ROW)
    return _mark(frame, "duplicate", F.row_number().over(order) > 1)


def mark_rules(raw: DataFrame, outlier_factor: float = 10.0) -> DataFrame:
    """Every input row with the rule that removed it (null: kept) and, on kept rows, the canonical title.

    Persists an intermediate copy; the caller releases it with ``spark.catalog.clearCache()`` when done.
    """
    frame = prepare(raw)
    for rule in (missing_customer, cancellation, non_positive_quantity, non_product_code, non_positive_price):
        frame = rule(frame)
    # The row rules run once, spread over every core; the aggregate rules below read this copy, not the input.
    spread = frame.sparkSession.sparkContext.defaultParallelism * 2
    frame = frame.repartition(spread).persist(StorageLevel.MEMORY_AND_DISK)
    frame = missing_description(frame)
    frame = price_outlier(frame, outlier_factor)
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
    customer_type = kept.schema["Customer ID"].dataType
    return kept.select(
        pseudonymize(F.col("`Customer ID`"), customer_type, hmac_key).alias("user_id"),
        F.col("StockCode").alias("item_id"),
        F.col("title"),
        F.col("Quantity").cast("long").alias("quantity"),
        F.col("Price").cast("double").alias("price"),
        F.to_timestamp_ntz(F.col("InvoiceDate")).alias("ts"),
        F.coalesce(F.col("Country"), F.lit("Unspecified")).alias("country"),
        F.col("Invoice").alias("invoice"),
        F.col(ROW),
    )
