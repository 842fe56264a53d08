"""The raw columns the pipeline needs and the Spark types they are read as.

Only pyspark and the standard library are imported here and in the other job modules, so the
same files run on EMR Serverless, where the project's other dependencies are not installed.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import types as T

REQUIRED_COLUMNS: tuple[str, ...] = (
    "Invoice",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "Price",
    "Customer ID",
    "Country",
)

RAW_SCHEMA = T.StructType(
    [
        T.StructField("Invoice", T.StringType()),
        T.StructField("StockCode", T.StringType()),
        T.StructField("Description", T.StringType()),
        T.StructField("Quantity", T.LongType()),
        T.StructField("InvoiceDate", T.StringType()),
        T.StructField("Price", T.DoubleType()),
        T.StructField("Customer ID", T.DoubleType()),
        T.StructField("Country", T.StringType()),
    ]
)


class MissingColumnsError(ValueError):
    """The input lacks columns the pipeline needs."""


def require_columns(frame: DataFrame, source: str) -> DataFrame:
    """The required columns of ``frame`` cast to the contract's types; a clear error names what is missing."""
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise MissingColumnsError(f"{source} lacks the required columns {missing} (has {frame.columns})")
    # The customer id keeps its own type (numbers or text): pseudonymization normalises both like pandas.
    return frame.select(
        [
            frame[f"`{f.name}`"] if f.name == "Customer ID" else frame[f"`{f.name}`"].cast(f.dataType).alias(f.name)
            for f in RAW_SCHEMA.fields
        ]
    )
