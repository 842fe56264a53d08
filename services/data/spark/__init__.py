"""The cleaning and feature pipeline at scale: the same rules as pandas on Spark, and the Parquet lake.

* ``job``, ``cleaning``, ``pseudonym``, ``keywords``, ``features``, ``schema``, ``manifest``: the Spark
  job (pyspark and the standard library only, so it runs unchanged on EMR Serverless; ``keywords`` is
  read by the recommend service too);
* ``lake``: reading and writing the lake from Python (the pandas engine writes it, training reads it);
* ``runner``: ``build_lake`` with the engine picked by ``ADSERVE_DATA_ENGINE`` (pandas by default);
* ``settings``: ``ADSERVE_DATA_*``.

See docs/spark.md.
"""
