"""Transform: the dbt runner, its results, the dbt docs site."""
