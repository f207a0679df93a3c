"""What the tests share: fakes of the services the pipeline talks to, servers they start,
workspaces, hand-made shops and fingerprints of the marts.

Importable as `support` because pytest puts tests/ on sys.path (`pythonpath` in
pyproject.toml); the repo root never is (its dbt/, airflow/ and snowflake/ folders would
shadow packages of those names).
"""
