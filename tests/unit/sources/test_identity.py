"""Pseudonymisation: keyed hashes that link children across datasets and reveal nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.errors import ConfigError
from jsna.sources.identity import Pseudonymiser, valid_nhs_number


def test_the_same_child_gets_the_same_key_from_any_dataset() -> None:
    """Given an EHC row with an NHS number and a health row with it spaced differently, then keys match."""
    p = Pseudonymiser("a-long-secret-key-for-tests-0123456789")
    ehc = p.child_key(nhs_number=pd.Series(["9990000018"]), upn=pd.Series(["X123456789012"]),
                      local_id=pd.Series(["P1"]))
    health = p.child_key(nhs_number=pd.Series(["999 000 0018"]))
    assert ehc.iloc[0] == health.iloc[0]
    assert len(ehc.iloc[0]) == 32 and "9990000018" not in ehc.iloc[0]


def test_falls_back_to_upn_then_local_id_and_keys_depend_on_the_secret() -> None:
    a = Pseudonymiser("a-long-secret-key-for-tests-0123456789")
    b = Pseudonymiser("another-long-secret-key-for-tests-0123456")
    keys = a.child_key(nhs_number=pd.Series(["", ""]), upn=pd.Series(["X1", ""]), local_id=pd.Series(["P1", "P1"]))
    assert keys.iloc[0] != keys.iloc[1]  # the UPN outranks the local id
    assert keys.iloc[1] == a.child_key(local_id=pd.Series(["p1 "])).iloc[0]
    assert a.hash_values(pd.Series(["x"])).iloc[0] != b.hash_values(pd.Series(["x"])).iloc[0]


def test_refuses_to_run_without_a_key_outside_the_demo() -> None:
    with pytest.raises(ConfigError, match="JSNA_PSEUDONYM_KEY"):
        Pseudonymiser(None)
    assert Pseudonymiser(None, demo=True).hash_values(pd.Series(["x"])).notna().all()


def test_nhs_number_modulus_11() -> None:
    checks = valid_nhs_number(pd.Series(["9434765919", "9434765918", "943 476 5919", "123", None]))
    assert checks.tolist() == [True, False, True, False, False]
