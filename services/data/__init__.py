"""The data contract and its ingestion: catalog, users, interactions and reviews shared by every capability.

``contract`` (pandera models), ``mapping`` (YAML mapping of a user's columns), ``readers`` (CSV or
Parquet, local or S3), ``validation`` (error report), ``cleaning`` (rules and counts), ``ingest``
(the data set folder), ``dataset`` (reading it for training), ``adapters`` (the shipped data sets), ``spark`` (the same pipeline on Spark).
See docs/data.md.
"""
