"""SQL is built only with bound parameters: no SQL string in app/ is assembled from values.

A static guard beside the hostile-filter tests: any `text(...)`, `execute(...)`,
`exec_driver_sql(...)`, `op(...)`/`literal_column(...)` whose SQL argument is an f-string, a
`%`-formatted or `.format()`-ed or concatenated string fails here, naming the line.
"""
from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
SQL_CALLS = {"text", "execute", "exec_driver_sql", "executescript", "executemany", "literal_column", "op"}


def _is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _built(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return any(_is_str(side) for side in (node.left, node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)
    return False


def test_no_sql_string_is_assembled_from_values() -> None:
    offenders = []
    files = sorted(APP.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in SQL_CALLS and _built(node.args[0]):
                offenders.append(f"{path.relative_to(APP.parent)}:{node.lineno}: {name}(<built string>)")
    assert offenders == [], "SQL must use bound parameters:\n" + "\n".join(offenders)


def test_the_guard_catches_a_built_query() -> None:
    for source in ('conn.execute(f"SELECT * FROM article WHERE id = {x}")',
                   'text("SELECT * FROM actor WHERE code = \'%s\'" % code)',
                   'conn.exec_driver_sql("DELETE FROM t WHERE a = {}".format(a))',
                   'session.execute(text("SELECT 1 WHERE x = \'" + value + "\'"))'):
        call = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call) and n.args
                    and _built(n.args[0]))
        assert call is not None
