"""Request bodies for every benchmarked endpoint, drawn from the shared data sets (and, where ids
must be known to the served model, from that model's own catalog)."""
