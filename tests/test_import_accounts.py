"""``parley import-accounts``: all rows or none, one clear sentence per problem."""

from __future__ import annotations

import hmac
from hashlib import sha256
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.demo import demo_csv
from tests.conftest import Cli

HEADER = (
    "reference,full_name,date_of_birth,phone,currency,principal,interest,fees,apr,"
    "days_past_due,segment,jurisdiction,timezone,locale,validation_end,time_barred"
)
GOOD = (
    "A-1,Wang Fang,1988-04-02,+8613800138000,CNY,12000.00,860.50,200.00,18.25,45,"
    "cn-card-early,CN,Asia/Shanghai,zh_CN,,false"
)
GOOD2 = (
    "A-2,Maria Lopez,1985-02-14,+12125550142,USD,4200.00,380.25,75.00,24.99,60,"
    "us-card-early,US,America/Chicago,en,2027-01-31,true"
)


def _write(tmp_path: Path, content: bytes | str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def _rows(cli: Cli, sql: str) -> list[tuple[object, ...]]:
    if not cli.database.exists():
        return []
    engine = create_engine(f"sqlite:///{cli.database}")
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return rows


def test_imports_every_row_and_keeps_only_keyed_hashes(cli: Cli, tmp_path: Path) -> None:
    result = cli("import-accounts", str(_write(tmp_path, f"{HEADER}\n{GOOD}\n{GOOD2}\n")))
    assert (result.code, result.out.strip(), result.err) == (0, "Imported 2 accounts.", "")
    rows = _rows(
        cli,
        "SELECT reference, currency, principal, dob_hash, phone_last4_hash, "
        "time_barred, validation_end, locale FROM account ORDER BY reference",
    )
    assert [r[0] for r in rows] == ["A-1", "A-2"]
    _ref, currency, principal, dob, last4, barred, validation_end, locale = rows[0]
    assert (currency, principal, barred, validation_end, locale) == (
        "CNY",
        "12000.00",
        0,
        None,
        "zh_CN",
    )
    key = (cli.database.parent / "parley.db.secret").read_bytes().strip()
    assert dob == hmac.new(key, b"dob:1988-04-02", sha256).hexdigest()
    assert last4 == hmac.new(key, b"phone4:8000", sha256).hexdigest()
    assert rows[1][5] == 1
    assert rows[1][6] == "2027-01-31"
    # Neither the birthday nor the phone number is anywhere in the database file.
    raw = cli.database.read_bytes() + b"".join(
        p.read_bytes() for p in cli.database.parent.glob("parley.db-*")
    )
    for secret in (b"1988-04-02", b"13800138000", b"+12125550142"):
        assert secret not in raw


RTL_NAME = "Wang\u202eFang"
BAD_CASES = [
    # (name, file content, expected fragment of the single error line)
    ("empty file", b"", "the file is empty"),
    ("blank header", b"\n\n", "the file is empty"),
    (
        "missing column",
        HEADER.replace(",fees", "").encode() + b"\n",
        "line 1: the required column 'fees' is missing",
    ),
    ("unknown column", (HEADER + ",notes\n").encode(), "line 1, column 'notes': unknown column"),
    ("duplicate column", (HEADER + ",segment\n").encode(), "column 'segment': the column appears"),
    ("wrong header (data first)", (GOOD + "\n").encode(), "unknown column"),
    (
        "negative amount",
        f"{HEADER}\n{GOOD.replace('12000.00', '-5')}\n".encode(),
        "line 2, column principal: must be a plain decimal number",
    ),
    (
        "non-numeric amount",
        f"{HEADER}\n{GOOD}\n{GOOD2.replace('380.25', 'lots')}\n".encode(),
        "line 3, column interest: must be a plain decimal",
    ),
    ("NaN amount", f"{HEADER}\n{GOOD.replace('200.00', 'NaN')}\n".encode(), "column fees"),
    ("exponent amount", f"{HEADER}\n{GOOD.replace('200.00', '1e309')}\n".encode(), "column fees"),
    (
        "too many decimals",
        f"{HEADER}\n{GOOD.replace('200.00', '200.001')}\n".encode(),
        "more decimal places than CNY allows (2)",
    ),
    (
        "impossible date",
        f"{HEADER}\n{GOOD.replace('1988-04-02', '1988-02-30')}\n".encode(),
        "line 2, column date_of_birth: is not a real calendar date",
    ),
    (
        "future birth",
        f"{HEADER}\n{GOOD.replace('1988-04-02', '2999-01-01')}\n".encode(),
        "column date_of_birth: must be a past date",
    ),
    (
        "unknown currency",
        f"{HEADER}\n{GOOD.replace(',CNY,', ',XYZ,')}\n".encode(),
        "column currency: must be an ISO 4217",
    ),
    (
        "unknown time zone",
        f"{HEADER}\n{GOOD.replace('Asia/Shanghai', 'Mars/Olympus')}\n".encode(),
        "column timezone: must be an IANA time zone",
    ),
    (
        "bad phone",
        f"{HEADER}\n{GOOD.replace('+8613800138000', '13800138000')}\n".encode(),
        "column phone: must be an E.164",
    ),
    (
        "bad jurisdiction",
        f"{HEADER}\n{GOOD.replace(',CN,', ',FR,')}\n".encode(),
        "column jurisdiction",
    ),
    ("bad locale", f"{HEADER}\n{GOOD.replace('zh_CN', 'klingon')}\n".encode(), "column locale"),
    ("bad days", f"{HEADER}\n{GOOD.replace(',45,', ',4.5,')}\n".encode(), "column days_past_due"),
    ("bad flag", f"{HEADER}\n{GOOD.replace(',false', ',maybe')}\n".encode(), "column time_barred"),
    (
        "missing name",
        f"{HEADER}\n{GOOD.replace('Wang Fang', '  ')}\n".encode(),
        "column full_name: a value is required",
    ),
    (
        "duplicate reference",
        f"{HEADER}\n{GOOD}\n{GOOD2}\n{GOOD}\n".encode(),
        "line 4, column reference: 'A-1' already appears on line 2",
    ),
    (
        "short row",
        f"{HEADER}\n{GOOD}\nA-3,x\n".encode(),
        "line 3 has 2 fields but the header has 16",
    ),
    (
        "not utf-8",
        f"{HEADER}\n{GOOD}\n".encode() + "A-3,Müller".encode("latin-1") + b"\n",
        "line 3 is not valid UTF-8",
    ),
    (
        "10 MB line",
        f"{HEADER}\n{GOOD}\n".encode() + b"A-3," + b"x" * 10_000_000 + b"\n",
        "line 3 is longer than",
    ),
    (
        "control characters",
        f"{HEADER}\n{GOOD.replace('Wang Fang', RTL_NAME)}\n".encode(),
        "column full_name",
    ),
    ("unterminated quote", f'{HEADER}\n{GOOD}\n"A-3,x\n'.encode(), "line"),
]


@pytest.mark.parametrize(("case", "content", "expected"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_a_bad_file_imports_nothing_and_says_where(
    cli: Cli, tmp_path: Path, case: str, content: bytes, expected: str
) -> None:
    result = cli("import-accounts", str(_write(tmp_path, content)))
    assert result.code == 1, case
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, lines
    assert expected in lines[0]
    assert lines[0].endswith("nothing was imported.")
    assert len(lines[0]) < 400  # a hostile value is not echoed back whole
    assert result.out == ""
    assert _rows(cli, "SELECT count(*) FROM account") in ([], [(0,)])


def test_an_existing_reference_needs_update(cli: Cli, tmp_path: Path) -> None:
    first = _write(tmp_path, f"{HEADER}\n{GOOD}\n", "first.csv")
    assert cli("import-accounts", str(first)).code == 0
    second = _write(tmp_path, f"{HEADER}\n{GOOD2}\n{GOOD.replace('12000.00', '11000.00')}\n")
    refused = cli("import-accounts", str(second))
    assert refused.code == 1
    assert "line 3, column reference: 'A-1' already exists; use --update" in refused.err
    assert _rows(cli, "SELECT reference, principal FROM account") == [("A-1", "12000.00")]
    updated = cli("import-accounts", str(second), "--update")
    assert (updated.code, updated.out.strip()) == (0, "Imported 1 accounts, updated 1.")
    assert _rows(cli, "SELECT reference, principal FROM account ORDER BY reference") == [
        ("A-1", "11000.00"),
        ("A-2", "4200.00"),
    ]


def test_a_formula_looking_name_is_stored_as_plain_text(cli: Cli, tmp_path: Path) -> None:
    hostile = '"=HYPERLINK(""http://x"",""click"")"'
    content = f"{HEADER}\n{GOOD.replace('Wang Fang', hostile)}\n"
    assert cli("import-accounts", str(_write(tmp_path, content))).code == 0
    assert _rows(cli, "SELECT full_name FROM account") == [('=HYPERLINK("http://x","click")',)]


def test_a_byte_order_mark_and_crlf_are_accepted(cli: Cli, tmp_path: Path) -> None:
    content = ("\ufeff" + HEADER + "\r\n" + GOOD + "\r\n").encode()
    assert cli("import-accounts", str(_write(tmp_path, content))).code == 0
    assert _rows(cli, "SELECT reference FROM account") == [("A-1",)]


def test_a_missing_file_is_one_sentence(cli: Cli, tmp_path: Path) -> None:
    result = cli("import-accounts", str(tmp_path / "nope.csv"))
    assert result.code == 1
    assert result.err.startswith("parley: cannot read ")


def test_optional_columns_may_be_left_out(cli: Cli, tmp_path: Path) -> None:
    header = HEADER.removesuffix(",validation_end,time_barred")
    row = GOOD.removesuffix(",,false")
    assert cli("import-accounts", str(_write(tmp_path, f"{header}\n{row}\n"))).code == 0


def test_the_demo_portfolio_is_valid(cli: Cli, tmp_path: Path) -> None:
    result = cli("import-accounts", str(_write(tmp_path, demo_csv())))
    assert result.code == 0, result.err
    rows = _rows(
        cli, "SELECT jurisdiction, locale, segment, time_barred, validation_end FROM account"
    )
    assert len(rows) >= 8
    assert {"CN", "US", "US-MA", "GB"} <= {r[0] for r in rows}
    assert {"zh_CN", "en"} <= {r[1] for r in rows}
    assert len({r[2] for r in rows}) >= 3
    assert any(r[3] for r in rows)
    assert any(r[4] is not None for r in rows)
