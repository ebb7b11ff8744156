"""Keyed hashes of what a debtor proves they know (DESIGN §5).

Date of birth and the phone's last four digits are stored only as HMAC-SHA256 with the
secret key kept outside the database; verification compares, it never reads them back.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date


def keyed_hash(key: bytes, purpose: str, value: str) -> str:
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def dob_hash(key: bytes, born: date) -> str:
    return keyed_hash(key, "dob", born.isoformat())


def phone_last4_hash(key: bytes, last4: str) -> str:
    return keyed_hash(key, "phone4", last4)


def matches(stored: str, candidate: str) -> bool:
    return hmac.compare_digest(stored, candidate)


def token_hash(token: str) -> str:
    """Agent and admin tokens are long random strings, so a plain SHA-256 is enough."""
    return hashlib.sha256(token.encode()).hexdigest()
