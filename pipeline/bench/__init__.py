"""`mops bench`: the whole pipeline measured at marketing-ops scale, against DuckDB's floor."""
