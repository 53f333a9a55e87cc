"""Every SQL statement lives in a named, commented .sql file under sql/ and every value is bound.

The Python of the library, the flows and the dashboards (outside jsna/warehouse/, which runs the named
files) holds no SQL: a string literal or f-string there that looks like a statement fails this test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from jsna.warehouse.sqlfiles import sql_text

REPO = Path(__file__).resolve().parents[2]
SCANNED = ["jsna", "flows", "dashboards"]
EXEMPT = [REPO / "jsna" / "warehouse"]  # the one package that runs SQL: it reads the named files
KEYWORDS = "SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|COPY|ANALYZE|TRUNCATE|GRANT|SHOW|VACUUM"
# A statement opens with one of the keywords in upper case (the project's SQL style), or in lower case
# followed by the shape that keyword takes in SQL. Sentence case ("Select a district", " with the scenario")
# is prose, as in labels and messages.
UPPER_START = re.compile(rf"^\s*\(?\s*({KEYWORDS})\b")
LOWER_START = re.compile(
    r"^\s*\(?\s*(select\b[\s\S]*\bfrom\b|insert\s+into\b|update\s+\S+\s+set\b|delete\s+from\b"
    r"|with\s+(recursive\s+)?\w+\s*(\([^)]*\))?\s*as\s*\(|(create|alter|drop)\s+(temp|temporary|unique|table"
    r"|index|view|materialized|schema|database|role|extension|function|type|sequence|policy)\b"
    r"|copy\s+\S+[\s\S]*\b(from|to)\b|analyze\s+[\w.\"]+\s*;?\s*$|truncate\s+|grant\s+[\s\S]*\b(on|to)\b)")
EMBEDDED = re.compile(r"\bSELECT\b[\s\S]*\bFROM\b")  # a statement inside a longer string: ' ... (SELECT x FROM'


def looks_like_sql(text: str) -> bool:
    return bool(UPPER_START.match(text) or LOWER_START.match(text) or EMBEDDED.search(text))


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes (documentation, never executed)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string literal and f-string (its placeholders shown as {}), docstrings aside; the pieces of
    an f-string are read as the whole f-string."""
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            out.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            out.append((node.lineno, text))
    return sorted(out)


def sql_in_python() -> list[str]:
    found = []
    for folder in SCANNED:
        for path in sorted((REPO / folder).rglob("*.py")):
            if any(path.is_relative_to(e) for e in EXEMPT):
                continue
            rel = path.relative_to(REPO).as_posix()
            for line, text in strings(ast.parse(path.read_text(encoding="utf-8"))):
                if looks_like_sql(text):
                    found.append(f"{rel}:{line}: {' '.join(text.split())[:80]}")
    return found


def sql_files() -> list[Path]:
    """Every .sql file under sql/ (Alembic's own files, env.py and the templates, are not .sql)."""
    return sorted((REPO / "sql").rglob("*.sql"))


def test_no_sql_statement_is_written_in_python() -> None:
    """Given the library, the flows and the dashboards, when every string in them is read, then none outside
    jsna/warehouse/ is a SQL statement: each lives in a named .sql file, run with bound parameters."""
    found = sql_in_python()
    assert not found, f"{len(found)} SQL statement(s) in Python; move each to a named file under sql/:\n" + \
        "\n".join(found)


def test_every_sql_file_opens_with_a_comment_saying_what_it_is_for() -> None:
    """Given every .sql file under sql/, then each begins with a `--` comment."""
    files = sql_files()
    assert len(files) > 40
    silent = [p.relative_to(REPO).as_posix() for p in files if not p.read_text(encoding="utf-8").lstrip()
              .startswith("--")]
    assert not silent, f"these SQL files do not open with a comment saying what they are for: {silent}"


@pytest.mark.parametrize("text", [
    "SELECT 1", "  WITH RECURSIVE t(i) AS (SELECT 1) SELECT * FROM t", "ANALYZE {}",
    "UPDATE {} a SET geom_web = w.geom_web", "CREATE TEMP TABLE web (a text)", "select x from t",
    "insert into meta.runs values (1)", "with t as (select 1) select * from t", "COPY t FROM STDIN",
    "delete from t where a = 1", "ids.i, (SELECT v.period FROM published.indicator_values v", "analyze t",
    "GRANT SELECT ON ALL TABLES IN SCHEMA published TO jsna_reader", "drop table if exists t", "SHOW server_version",
])
def test_statements_are_recognised(text: str) -> None:
    assert looks_like_sql(text)


@pytest.mark.parametrize("text", [
    " with the scenario", "Select a district", "Update the data and run again", "with its 95% confidence interval",
    "Copy link", "Drop-in sessions", "created from the EHC extract", "selection on origins before 2020",
    "Delete the file and load it again.", "Analyze", "Grant funding to schools",
])
def test_prose_is_not_taken_for_sql(text: str) -> None:
    assert not looks_like_sql(text)


@pytest.mark.parametrize("schema", ["run_1; DROP TABLE meta.runs", 'run_1"', "public.x", "", "Run_1", "1run"])
def test_a_run_schema_that_is_not_a_plain_name_is_refused(schema: str) -> None:
    """Given a schema name that is not a plain lower-case identifier, when a named file is asked for in it,
    then it is refused instead of being pasted into the statement."""
    with pytest.raises(ValueError, match="schema"):
        sql_text("queries/ehcp_requests", schema)


def test_a_run_schema_is_substituted_as_a_plain_identifier() -> None:
    assert 'FROM run_42."core__ehcp_cases"' in sql_text("queries/ehcp_requests", "run_42")
