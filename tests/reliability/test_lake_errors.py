"""A lake that is not there, S3 that says no, a warehouse that is busy (issue 17): one line
naming the problem and the fix, a non-zero exit, no traceback, nothing written.

S3 is a moto server on 127.0.0.1: the session's (no auth) for a missing bucket, and one of
this module's with IAM auth on (`INITIAL_NO_AUTH_ACTION_COUNT`: the first requests, which
create the bucket and a user without any policy, pass; every later one is checked), for
wrong keys and access denied. "No credentials" is an environment with none (no keys, no
profile, no instance metadata); "endpoint down" a port nothing listens on.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from support.paths import SPOON
from support.ports import free_port
from support.servers import moto_server


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SPOON_", "AWS_")) and k not in ("PYTHONWARNINGS",)
    }
    env.update(
        {
            "SPOON_ENV_FILE": str(tmp_path / "none.env"),
            "SPOON_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
            "HOME": str(tmp_path),  # no ~/.aws of the developer's
            "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_MAX_ATTEMPTS": "1",  # an unreachable endpoint fails at once, not in 10 s
            "COLUMNS": "300",  # the doctor's table unwrapped
            **extra,
        }
    )
    return env


def _spoon(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SPOON, *args], env=env, capture_output=True, text=True, timeout=120, cwd=env["HOME"]
    )


def _one_line(out: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert out.returncode != 0, out.stdout + out.stderr
    assert "Traceback" not in out.stdout + out.stderr, out.stderr
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, out.stderr
    (line,) = lines
    assert line.startswith("error: "), line
    for needle in needles:
        assert needle in line, line
    return line


def _doctor_row(doctor: subprocess.CompletedProcess[str], check: str) -> str:
    """The line of `spoon doctor`'s checks table for `check` (lake, duckdb, …)."""
    return next(ln for ln in doctor.stdout.splitlines() if ln.strip("│ ").startswith(check))


@pytest.fixture(scope="module")
def s3_with_auth() -> Iterator[dict[str, str]]:
    """A moto server checking credentials: a bucket `lake` with an order file, and the keys
    of a user who may do nothing."""
    import boto3

    # moto lets the first 4 requests in without credentials (the setup below), then checks
    with moto_server(INITIAL_NO_AUTH_ACTION_COUNT="4") as url:
        kw: dict[str, Any] = {
            "endpoint_url": url,
            "region_name": "us-east-1",
            "aws_access_key_id": "bootstrap",
            "aws_secret_access_key": "bootstrap",
        }
        boto3.client("s3", **kw).create_bucket(Bucket="lake")
        iam = boto3.client("iam", **kw)
        iam.create_user(UserName="nobody")
        key = iam.create_access_key(UserName="nobody")["AccessKey"]
        yield {"url": url, "key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}


def test_a_missing_lake_folder_is_an_error_not_a_quiet_night(tmp_path: Path) -> None:
    env = _env(tmp_path, SPOON_LAKE_URL=str(tmp_path / "no-such-lake"))
    _one_line(_spoon(env, "load"), "does not exist (no such folder)", "SPOON_LAKE_URL")
    assert not (tmp_path / "warehouse.duckdb").exists()  # nothing written


def test_the_doctor_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lake someone else writes (Airbyte) that is not there fails the check; a local one
    that `spoon extract` creates itself is reported as not there yet."""
    from spoon.errors import LakeError
    from spoon.settings import load_settings
    from spoon.setup.doctor import check_lake

    missing = str(tmp_path / "no-such-lake")
    with pytest.raises(LakeError, match="does not exist"):
        check_lake(load_settings(lake_url=missing, source="airbyte"))
    assert "does not exist yet" in check_lake(load_settings(lake_url=missing, source="demo"))


def test_a_missing_bucket_is_an_error(tmp_path: Path, moto_endpoint: str) -> None:
    env = _env(
        tmp_path,
        SPOON_LAKE_URL="s3://no-such-bucket/landing",
        SPOON_AWS_ENDPOINT_URL=moto_endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
    )
    _one_line(_spoon(env, "load"), "does not exist (no such bucket 'no-such-bucket')")
    doctor = _spoon(env, "doctor")
    assert doctor.returncode == 1 and "Traceback" not in doctor.stdout + doctor.stderr
    lake_row = _doctor_row(doctor, "lake")
    assert "failed" in lake_row and "no such bucket" in lake_row, doctor.stdout


@pytest.mark.parametrize("case", ["no-credentials", "wrong-keys", "access-denied", "endpoint-down"])
def test_s3_errors_are_one_line(tmp_path: Path, s3_with_auth: dict[str, str], case: str) -> None:
    env = _env(tmp_path, SPOON_LAKE_URL="s3://lake/landing")
    env["SPOON_AWS_ENDPOINT_URL"] = s3_with_auth["url"]
    if case == "wrong-keys":
        env.update(AWS_ACCESS_KEY_ID="AKIANOTAKEY", AWS_SECRET_ACCESS_KEY="wrong")
    elif case == "access-denied":
        env.update(AWS_ACCESS_KEY_ID=s3_with_auth["key"])
        env.update(AWS_SECRET_ACCESS_KEY=s3_with_auth["secret"])
    elif case == "endpoint-down":
        env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
        env["SPOON_AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{free_port()}"
    want = {
        "no-credentials": ("no AWS credentials for s3://lake/landing", "AWS_ACCESS_KEY_ID"),
        "wrong-keys": ("access denied to s3://lake/landing", "check the AWS credentials"),
        "access-denied": ("access denied to s3://lake/landing (Access Denied)",),
        "endpoint-down": ("cannot reach S3 at http://127.0.0.1:", "SPOON_AWS_ENDPOINT_URL"),
    }[case]
    _one_line(_spoon(env, "load"), *want)
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_summary_on_a_locked_warehouse_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:  # a writer holds the lock (a load, a dbt build)
        con.execute("create schema marts")
        out = _spoon(_env(tmp_path, SPOON_LAKE_URL=str(tmp_path)), "summary")
    _one_line(out, f"the warehouse {path} is locked by another process", "spoon summary")


def test_a_bucket_without_the_lake_prefix_is_an_error(tmp_path: Path, moto_endpoint: str) -> None:
    """An existing bucket, but SPOON_LAKE_URL's prefix holds nothing (a typo, or the files
    are under another prefix): the lake is not there, not an empty night."""
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket="prefixed")
    s3.put_object(Bucket="prefixed", Key="landing/shopify/orders/x.parquet", Body=b"x")
    env = _env(
        tmp_path,
        SPOON_LAKE_URL="s3://prefixed/landnig",
        SPOON_AWS_ENDPOINT_URL=moto_endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
    )
    _one_line(
        _spoon(env, "load"),
        "the lake s3://prefixed/landnig does not exist (nothing under prefix 'landnig' of"
        " bucket 'prefixed', which holds landing/)",
        "check SPOON_LAKE_URL",
    )
    assert not (tmp_path / "warehouse.duckdb").exists()
    doctor = _spoon(env, "doctor")
    lake_row = _doctor_row(doctor, "lake")
    assert doctor.returncode == 1 and "nothing under prefix" in lake_row, doctor.stdout
    # the right prefix is a lake (its namespace has one file, not a Parquet one: listed)
    env["SPOON_LAKE_URL"] = "s3://prefixed/landing"
    doctor = _spoon(env, "doctor")
    lake_row = _doctor_row(doctor, "lake")
    assert "ok" in lake_row, doctor.stdout


def _a_lake_with_one_file(tmp_path: Path) -> Path:
    """A local lake with one orders file (the loader's two Airbyte columns and a record)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "lake" / "shopify" / "orders" / "2025_01_01_0_0.parquet"
    path.parent.mkdir(parents=True)
    table = pa.table(
        {
            "_airbyte_raw_id": ["r1"],
            "_airbyte_extracted_at": pa.array([0], pa.timestamp("ms", tz="UTC")),
            "id": [1],
        }
    )
    pq.write_table(table, path)
    return path


def test_load_and_doctor_on_a_locked_warehouse_are_one_line(tmp_path: Path) -> None:
    """Another process writes the warehouse (a load, a dbt build): `spoon load` stops with
    one line and moves nothing; the doctor's check says the same. Once the lock is gone the
    file loads."""
    lake_file = _a_lake_with_one_file(tmp_path)
    path = tmp_path / "warehouse.duckdb"
    env = _env(tmp_path, SPOON_LAKE_URL=str(tmp_path / "lake"))
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        load = _spoon(env, "load")
        doctor = _spoon(env, "doctor")
    _one_line(load, f"the warehouse {path} is locked by another process", "`spoon load` again")
    assert lake_file.exists() and not (tmp_path / "lake" / "_quarantine").exists()
    duck_row = _doctor_row(doctor, "duckdb")
    assert doctor.returncode == 1 and "Traceback" not in doctor.stdout + doctor.stderr
    assert "failed" in duck_row and "is locked by another process" in duck_row, doctor.stdout
    again = _spoon(env, "load")
    assert again.returncode == 0 and "1 new files" in again.stdout, again.stdout + again.stderr


@pytest.mark.parametrize(
    ("message", "want"),
    [
        (
            'IO Error: Cannot open file "/w.duckdb": Permission denied',
            "give this user read and write access to the file and its folder",
        ),
        (
            'IO Error: Cannot open file "/w.duckdb": Read-only file system',
            "give this user read and write access",
        ),
        (
            "IO Error: The file is not a valid DuckDB database file!",
            "check SPOON_DUCKDB_PATH (a DuckDB file of this DuckDB version)",
        ),
    ],
)
def test_a_warehouse_that_cannot_be_opened_says_why(message: str, want: str) -> None:
    """Permission denied is not a lock (root runs the tests, so DuckDB's own messages)."""
    from spoon.warehouse_file import unopenable

    line = unopenable(Path("/w.duckdb"), duckdb.IOException(message), "spoon load")
    assert "locked" not in line and want in line and line.endswith("then run `spoon load`")


def test_a_reader_without_permission_is_told_to_get_read_access() -> None:
    from spoon.warehouse_file import unopenable

    err = duckdb.IOException('IO Error: Cannot open file "/w.duckdb": Permission denied')
    line = unopenable(Path("/w.duckdb"), err, "spoon summary", read_only=True)
    assert "give this user read access" in line and line.endswith("`spoon summary`")
