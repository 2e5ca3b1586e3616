"""The Spark engine (`MOPS_ENGINE=spark`): the same DuckDB models run as Spark SQL.

`dialect` (DuckDB -> Spark SQL with DuckDB's meaning), `lint` (what cannot be translated, by
file and line), `session` (a local or Spark Connect session), `lake` (Parquet tables), `runner`
(building models). pyspark is imported only inside functions: the `spark` extra is optional.
"""
