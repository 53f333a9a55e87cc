"""Child identifiers never reach the warehouse in clear: they become a keyed hash (HMAC-SHA256).

The same child links across education, health and social care because every adapter hashes the
same normalised identifier with the same key: the NHS number where the record has one, otherwise
the UPN, otherwise the local authority's own person id (prefixed so that the spaces never collide).
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd

from jsna.errors import ConfigError

DEMO_KEY = "jsna-demo-county-synthetic-data-only"
KEY_CHARS = 32  # 128 bits of the digest, as hex
MIN_KEY_BYTES = 32  # a key as long as the HMAC-SHA256 block of output: 256 bits
MAKE_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


class Pseudonymiser:
    """Keyed hashing of identifiers; refuses to run without a strong key unless the data are the demo's
    (`demo = true`, allowed only for the demo's synthetic areas: jsna.config.require_demo_areas)."""

    def __init__(self, key: str | None, demo: bool = False) -> None:
        if not key:
            if not demo:
                raise ConfigError(
                    "Set JSNA_PSEUDONYM_KEY (a long random secret, e.g. from "
                    f"`{MAKE_KEY}`) before loading child-level data; "
                    "identifiers are replaced by a keyed hash and cannot be loaded without one."
                )
            key = DEMO_KEY
        if len(key.encode("utf-8")) < MIN_KEY_BYTES and not demo:
            raise ConfigError(
                f"JSNA_PSEUDONYM_KEY is {len(key.encode('utf-8'))} bytes long but must be at least {MIN_KEY_BYTES}; "
                f"make one with `{MAKE_KEY}` and keep it secret."
            )
        self._key = key.encode("utf-8")

    @property
    def demo(self) -> bool:
        """Whether this is the demo's public key (refused for any area but the synthetic demo's)."""
        return self._key == DEMO_KEY.encode("utf-8")

    def hash_values(self, values: pd.Series) -> pd.Series:
        """HMAC of each non-empty value (hashed once per distinct value); empty stays missing."""
        codes, uniques = pd.factorize(values.fillna("").astype(str).to_numpy())
        keyed = hmac.new(self._key, digestmod=hashlib.sha256)  # the key's HMAC state, copied for each value

        def digest(u: str) -> str | None:
            if not u:
                return None
            h = keyed.copy()
            h.update(u.encode("utf-8"))
            return h.hexdigest()[:KEY_CHARS]

        digests = np.array([digest(u) for u in uniques] + [None], dtype=object)
        return pd.Series(digests[codes], index=values.index, dtype=str)

    def child_key(self, nhs_number: pd.Series | None = None, upn: pd.Series | None = None,
                  local_id: pd.Series | None = None, local_scope: str = "la") -> pd.Series:
        """The linking key: NHS number first, then UPN, then the local id."""
        index = next(s.index for s in (nhs_number, upn, local_id) if s is not None)
        ident = pd.Series("", index=index, dtype=object)
        for prefix, series, normalise in (
            (f"{local_scope}:", local_id, _strip),
            ("upn:", upn, _upn),
            ("nhs:", nhs_number, _nhs),
        ):
            if series is None:
                continue
            v = normalise(series)
            ident = np.where(v != "", prefix + v, ident)  # later (stronger) identifiers win
        return self.hash_values(pd.Series(ident, index=index))


def _strip(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str).str.strip().str.upper()


def _upn(s: pd.Series) -> pd.Series:
    return _strip(s).str.replace(r"\s+", "", regex=True)


def _nhs(s: pd.Series) -> pd.Series:
    """The NHS number's 10 digits where it is usable; blank otherwise, so the child is keyed by its UPN or
    local id instead (40 children sharing a placeholder number stay 40 children)."""
    digits = s.fillna("").astype(str).str.replace(r"\D", "", regex=True)
    return digits.where(usable_nhs_number(s), "")


def valid_nhs_number(s: pd.Series) -> pd.Series:
    """Modulus 11 check of 10-digit NHS numbers (True/False; False for anything not 10 digits)."""
    digits = s.fillna("").astype(str).str.replace(r"\D", "", regex=True)
    ok_len = digits.str.len() == 10
    padded = digits.where(ok_len, "0000000000")
    arr = np.frombuffer("".join(padded).encode(), dtype=np.uint8).reshape(-1, 10).astype(int) - 48
    total = (arr[:, :9] * np.arange(10, 1, -1)).sum(axis=1)
    check = 11 - total % 11
    check = np.where(check == 11, 0, check)
    return pd.Series(ok_len.to_numpy() & (check != 10) & (check == arr[:, 9]), index=s.index)


def usable_nhs_number(s: pd.Series) -> pd.Series:
    """True where a value is a 10-digit NHS number passing the modulus 11 check and not one digit
    repeated (1111111111 passes the check but is a placeholder)."""
    digits = s.fillna("").astype(str).str.replace(r"\D", "", regex=True)
    return valid_nhs_number(s) & ~digits.str.fullmatch(r"(\d)\1{9}").to_numpy(dtype=bool)
