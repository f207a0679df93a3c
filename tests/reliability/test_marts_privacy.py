"""Security: the marts hold no raw e-mail address or phone number (contract 3: dim_customers
has no raw e-mail; the normalised e-mail is only kept hashed, as `email_hash`).

Checked on the marts the clean run built, column names and every text value, with the
shop's own raw records as the positive control (the patterns do catch its e-mails and
phones there). Lives here, not in tests/security, because it reuses the fault suite's
session baseline instead of paying for another dbt build.
"""

from __future__ import annotations

from support.reliability import Baseline

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
# formatted phone numbers (+1 331-555-0191, (331) 555-0191, 331.555.0191, +44 20 …); bare
# digit runs are ids, not phones
PHONE = r"(\+\d{1,3}[\s.-]?\(?\d)|(\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4})"


def _text_columns(baseline: Baseline, schema: str) -> list[tuple[str, str]]:
    return baseline.ws.query(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = ? and data_type = 'VARCHAR' order by 1, 2",
        [schema],
    )


def test_the_patterns_catch_the_shops_raw_emails_and_phones(baseline: Baseline) -> None:
    (row,) = baseline.ws.query(
        "select count(*) filter (where regexp_matches(record->>'email', ?)), "
        "       count(*) filter (where regexp_matches(record->>'phone', ?)) "
        "from raw.customers",
        [EMAIL, PHONE],
    )
    assert row[0] > 100 and row[1] > 50, row


def test_marts_hold_no_raw_email_or_phone(baseline: Baseline) -> None:
    columns = baseline.ws.query(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' order by 1, 2"
    )
    assert columns
    named = [
        (t, c)
        for t, c in columns
        if any(word in c.lower() for word in ("email", "e_mail", "phone", "mobile"))
    ]
    assert named == [("dim_customers", "email_hash")], named
    hashes = baseline.ws.query(
        "select count(*), count(*) filter (where regexp_full_match(email_hash, '[0-9a-f]{32,64}')) "
        "from marts.dim_customers where email_hash is not null"
    )[0]
    assert hashes[0] > 100 and hashes[0] == hashes[1], hashes

    leaks = []
    for table, column in _text_columns(baseline, "marts"):
        found = baseline.ws.query(
            f'select "{column}" from marts."{table}" '
            f'where regexp_matches("{column}", ?) or regexp_matches("{column}", ?) limit 3',
            [EMAIL, PHONE],
        )
        if found:
            leaks.append((table, column, [r[0] for r in found]))
    assert not leaks, leaks
