"""Import N generated accounts with ``parley import-accounts`` and time it.

    python -m bench.import_bench [--rows 100000] [--postgres URL]

Prints validation time (parsing, checking, hashing), the whole command's time, and rows/s,
for SQLite and, when a URL is given, PostgreSQL (the database must exist and be empty of
accounts; the script drops its rows afterwards).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import tempfile
import time
from datetime import date
from pathlib import Path

from bot.cli import main
from bot.portfolio import read_portfolio

HEADER = (
    "reference,full_name,date_of_birth,phone,currency,principal,interest,fees,apr,"
    "days_past_due,segment,jurisdiction,timezone,locale,validation_end,time_barred\n"
)
PROFILES = [
    ("CNY", "CN", "Asia/Shanghai", "zh_CN", "+86138"),
    ("USD", "US", "America/Chicago", "en", "+1212"),
    ("USD", "US-MA", "America/New_York", "en", "+1617"),
    ("GBP", "GB", "Europe/London", "en", "+44770"),
]


def generate(rows: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    out.write(HEADER)
    for i in range(rows):
        currency, jurisdiction, tz, locale, prefix = PROFILES[i % len(PROFILES)]
        born = date(1950 + rng.randrange(55), 1 + rng.randrange(12), 1 + rng.randrange(28))
        phone = prefix + "".join(str(rng.randrange(10)) for _ in range(8))
        out.write(
            f"B-{i:07d},Person {i},{born.isoformat()},{phone},{currency},"
            f"{rng.randrange(100, 50000)}.{rng.randrange(100):02d},{rng.randrange(0, 5000)}.00,"
            f"{rng.randrange(0, 300)}.00,{rng.randrange(0, 30)}.{rng.randrange(100):02d},"
            f"{rng.randrange(0, 400)},seg-{i % 7},{jurisdiction},{tz},{locale},,false\n"
        )
    return out.getvalue().encode()


def run(url: str, path: Path) -> float:
    os.environ["PARLEY_DATABASE_URL"] = url
    os.environ.setdefault("PARLEY_SECRET_KEY", "bench-secret-key-0123456789abcdef")
    started = time.perf_counter()
    code = main(["import-accounts", str(path)], out=io.StringIO())
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"import failed with exit code {code}")
    return elapsed


def main_bench() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="postgresql+asyncpg://… URL of an empty database")
    args = parser.parse_args()
    data = generate(args.rows)
    print(f"{args.rows} rows, {len(data) / 2**20:.1f} MB of CSV")
    started = time.perf_counter()
    read_portfolio(data, b"k" * 32, today=date(2026, 11, 28))
    validate = time.perf_counter() - started
    print(f"validate+hash only : {validate:6.2f} s  ({args.rows / validate:,.0f} rows/s)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "accounts.csv"
        path.write_bytes(data)
        sqlite = run(f"sqlite+aiosqlite:///{tmp}/bench.db", path)
        print(f"import into SQLite : {sqlite:6.2f} s  ({args.rows / sqlite:,.0f} rows/s)")
        if args.postgres:
            pg = run(args.postgres, path)
            print(f"import into Postgres: {pg:6.2f} s  ({args.rows / pg:,.0f} rows/s)")


if __name__ == "__main__":
    main_bench()
