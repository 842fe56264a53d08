"""EMR Serverless entry point: ``spark-submit entry.py --input ... --lake ... --hmac-key-uri ...``.

``scripts/submit_spark.sh`` uploads this file with the job's package (``--py-files``) and starts a run.
"""

import sys

from services.data.spark.job import main

if __name__ == "__main__":
    sys.exit(main())
