"""Every SQL statement in core/ that reads, updates or deletes a tenant table names the tenant.

docs/decisions.md: "every query is tenant-keyed" — `tenant_id` leads every tenant table's keys
and row-level security is the second guard, not the only one. A statement that filters a
tenant table by `call_id = $1` alone works under RLS but reaches the row through the policy,
not the key, and on a sharded deployment (Citus, issue 14) it cannot be routed to one shard
and its `FOR UPDATE` is refused.

How it checks (a heuristic over the text, no SQL parser):
- Statements are the string expressions of core/**/*.py (literals, f-strings, `+`
  concatenations, names of module constants substituted) that start with
  SELECT/WITH/UPDATE/DELETE/INSERT.
- Tenant tables are the tables of the baseline migration with a `tenant_id` column.
- Each reference to a tenant table after FROM/JOIN/UPDATE/DELETE FROM (its alias or its name)
  must be *anchored*: `alias.tenant_id = $n` (or `= current_setting(...)`, the policy's
  `NULLIF(current_setting('qingdan.tenant_id', …))` form, `IN ($n, '…')`, `= ANY($n::uuid[])`:
  a given set of tenants, as an overseer reads the counties that granted it), or equal to the
  `tenant_id` of an anchored reference (`j.tenant_id = c.tenant_id`), or of a CTE / derived
  table whose own tenant references are all anchored. An unqualified `tenant_id` belongs to
  the unaliased references of its own subquery (or its only reference). Correlated
  subqueries see the aliases of the queries around them.
- Inserts are keyed by the row they write (the policy's WITH CHECK); their SELECT part is
  checked like any query.
Statements that legitimately span tenants are listed in CROSS_TENANT with a reason.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "core"
MIGRATIONS = CORE / "platform" / "migrations"

# Keys: "path:function" (or "path:CONSTANT") a statement is written in; the failure message prints them.

# Statements that work across tenants on purpose: platform work run as the schema owner, or
# rows keyed one by one by a tenant id that travels with them.
CROSS_TENANT: dict[str, str] = {
    "core/events/queries.py:DUE_TENANTS": "webhook worker (owner): which tenants have due deliveries",
    "core/legal/queries.py:checked_citations": "cited provisions, keyed per row by their document's tenant",
    "core/legal/queries.py:change_adjustments": "impact of a shared law's change (owner): adjustments in every tenant",
    "core/legal/queries.py:opened_adjustments": "impact preview of a shared law's change (owner): every tenant",
    "core/legal/queries.py:_affected": "the tenants whose items cite a changed shared law (owner)",
    "core/oversight/access_queries.py:live_grants": "an overseer's grants, one per county that granted it"
    " (oversight role: its policy admits only grants naming the overseer)",
}

# Statement templates completed by their callers: keyed by the caller's `sel` selection
# (itself a statement checked here where it is written) and the citations' document_tenant.
KEYED_BY_CALLER: dict[str, str] = {
    "core/catalog/queries.py:items_for": "items of the caller's keyed selection",
}

# Statements still relying on row-level security alone: to be keyed (issue 16, item 3).
# Kept visible here so the test passes while the remaining work is listed.
NOT_YET_KEYED: dict[str, str] = {}

_SQL_START = re.compile(r"^\s*\(?\s*(WITH|SELECT|UPDATE|DELETE|INSERT)\b")
_KEYWORDS = {
    "WHERE", "JOIN", "ON", "SET", "LEFT", "RIGHT", "FULL", "INNER", "CROSS", "NATURAL", "LATERAL",
    "USING", "GROUP", "ORDER", "LIMIT", "OFFSET", "HAVING", "UNION", "EXCEPT", "INTERSECT", "WINDOW",
    "RETURNING", "FOR", "VALUES", "AND", "OR", "AS", "FETCH", "TABLESAMPLE", "OUTER", "SELECT",
}  # fmt: skip
_ANCHOR = (
    r"(?:\$\d+(?:::uuid)?"
    r"|ANY\(\s*\$\d+(?:::uuid\[\])?\s*\)"
    r"|NULLIF\(\s*current_setting\(\s*'qingdan\.tenant_id'[^)]*\)\s*,\s*''\s*\)(?:::uuid)?"
    r"|current_setting\(\s*'qingdan\.tenant_id'[^)]*\)(?:::uuid)?)"
)
_COL = r"\b(?:(\w+)\.)?tenant_id\b"


# --------------------------------------------------------------------------- collecting


@dataclass(frozen=True)
class Statement:
    where: str  # path:function
    sql: str


def tenant_tables() -> frozenset[str]:
    """Tables with a tenant_id column, and views, as every migration creates them (a view over
    tenant tables — township_version_entries, migration 0010 — is read like one)."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(MIGRATIONS.glob("*.sql")))
    found = set(re.findall(r"CREATE VIEW (\w+)", text))
    for m in re.finditer(r"CREATE TABLE (\w+) \((.*?)\n\);", text, re.S):
        if re.search(r"^\s*tenant_id\s", m.group(2), re.M):
            found.add(m.group(1))
    return frozenset(found)


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    consts: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            consts[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            consts[node.target.id] = node.value
        elif isinstance(node, ast.FunctionDef):
            body = [b for b in node.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
            if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
                if _stringish(body[0].value):
                    consts[node.name] = _StringFunction([a.arg for a in node.args.args], body[0].value)
    return consts


def _fold(node: ast.expr, consts: dict[str, ast.expr], depth: int = 0) -> str | None:
    """The text of a string expression; unknown interpolations become `{?}`."""
    if depth > 6:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                assert isinstance(value, ast.FormattedValue)
                parts.append(_fold(value.value, consts, depth + 1) or "{?}")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _fold(node.left, consts, depth + 1), _fold(node.right, consts, depth + 1)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Name) and node.id in consts:
        return _fold(consts[node.id], consts, depth + 1)
    if isinstance(node, ast.IfExp):  # `" FOR UPDATE" if lock else ""`: the fuller branch
        return _fold(node.body, consts, depth + 1)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        template = _fold(node.func.value, consts, depth + 1)
        if template is None:
            return None
        for kw in node.keywords:
            if kw.arg is not None:
                template = template.replace("{" + kw.arg + "}", _fold(kw.value, consts, depth + 1) or "{?}")
        return template
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        function = consts.get(node.func.id)
        if isinstance(function, _StringFunction) and not node.keywords:
            bound = dict(consts)
            for name, arg in zip(function.params, node.args, strict=False):
                bound[name] = arg
            return _fold(function.body, bound, depth + 1)
    return None


class _StringFunction(ast.expr):
    """A module function that only returns a string expression of its parameters (`_diff_sql`)."""

    def __init__(self, params: list[str], body: ast.expr) -> None:
        super().__init__()
        self.params, self.body = params, body


def _stringish(node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return True
    return isinstance(node, ast.Constant | ast.JoinedStr) or (
        isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)
    )


def _fragments(tree: ast.Module, consts: dict[str, ast.expr], parents: dict[ast.AST, ast.AST]) -> set[ast.stmt]:
    """Assignments of module constants used only inside other string expressions (`_INSTANCE + " WHERE …"`)."""
    inside, bare = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in consts:
            parent = parents.get(node)
            if isinstance(parent, ast.Attribute | ast.Call):  # `_ITEM_TEXT.format(…)`, `_diff_sql(…)`
                parent = parents.get(parent)
            if isinstance(parent, ast.FormattedValue) or (parent is not None and _stringish(parent)):
                inside.add(node.id)
            else:
                bare.add(node.id)
    fragments: set[ast.stmt] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in inside - bare for t in targets):
                fragments.add(node)
        elif isinstance(node, ast.FunctionDef) and isinstance(consts.get(node.name), _StringFunction):
            if node.name in inside - bare:
                fragments.update(b for b in node.body if isinstance(b, ast.Return))
    return fragments


def collect_statements() -> list[Statement]:
    statements = []
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        consts = _module_constants(tree)
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        fragments = _fragments(tree, consts, parents)
        for node in ast.walk(tree):
            if not isinstance(node, ast.expr) or not _stringish(node):
                continue
            parent = parents.get(node)
            if isinstance(parent, ast.FormattedValue | ast.JoinedStr) or (parent is not None and _stringish(parent)):
                continue  # part of a larger string expression, folded there
            if isinstance(parent, ast.Assign | ast.AnnAssign | ast.Return) and parent in fragments:
                continue  # a module constant only ever completed by other statements (they are checked)
            sql = _fold(node, consts)
            if sql is not None and _SQL_START.match(sql):
                statements.append(Statement(f"{path.relative_to(ROOT)}:{_home(node, parents)}", sql))
    return statements


def _home(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    """The function (or module constant) a statement is written in: allowlist keys that survive
    edits elsewhere in the file."""
    constant = "<module>"
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return node.name
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            constant = node.targets[0].id
    return constant


# --------------------------------------------------------------------------- checking


@dataclass
class Scope:
    start: int
    end: int
    parent: Scope | None
    refs: dict[str, str] = field(default_factory=dict)  # alias -> table (tenant tables only)
    unaliased: set[str] = field(default_factory=set)
    derived: dict[str, Scope] = field(default_factory=dict)  # CTE or derived-table alias -> its body


def _strip(sql: str) -> str:
    sql = re.sub(r"--[^\n]*", " ", sql)
    return " ".join(sql.split())


def _scopes(sql: str) -> list[Scope]:
    """The top level and every parenthesised SELECT/WITH (a subquery, CTE body or derived table)."""
    top = Scope(0, len(sql), None)
    scopes = [top]
    stack: list[tuple[int, Scope | None]] = []
    current = top
    for i, ch in enumerate(sql):
        if ch == "(":
            if re.match(r"\(\s*(SELECT|WITH)\b", sql[i:]):
                scope = Scope(i + 1, len(sql), current)
                scopes.append(scope)
                stack.append((i, current))
                current = scope
            else:
                stack.append((i, None))
        elif ch == ")" and stack:
            opened, outer = stack.pop()
            if outer is not None:
                current.end = i
                before = sql[:opened].rstrip()
                cte = re.search(r"(\w+)\s+AS(?:\s+(?:NOT\s+)?MATERIALIZED)?$", before)
                after = re.match(r"\s*(?:AS\s+)?(\w+)", sql[i + 1 :])
                if cte:
                    outer.derived[cte.group(1)] = current
                elif after and after.group(1).upper() not in _KEYWORDS:
                    outer.derived[after.group(1)] = current
                current = outer
    return scopes


def _under_or(sql: str, pos: int) -> bool:
    """Whether `pos` sits in a parenthesised condition that has an OR of its own (up to the
    enclosing subquery): `($2 IS NULL OR $2 = (d.tenant_id = $3))` does not filter by tenant."""
    depth, i = 0, pos
    while i > 0:
        i -= 1
        if sql[i] == ")":
            depth += 1
        elif sql[i] == "(":
            if depth:
                depth -= 1
                continue
            if re.match(r"\(\s*(SELECT|WITH)\b", sql[i:]):
                return False
            group, level, j = [], 0, i + 1
            while j < len(sql) and not (sql[j] == ")" and level == 0):
                level += {"(": 1, ")": -1}.get(sql[j], 0)
                group.append(sql[j] if level == 0 else " ")
                j += 1
            if re.search(r"\bOR\b", "".join(group)):
                return True
    return False


def _scope_at(scopes: list[Scope], pos: int) -> Scope:
    inner = [s for s in scopes if s.start <= pos < s.end]
    return min(inner, key=lambda s: s.end - s.start)


def unkeyed_references(sql: str, tables: frozenset[str]) -> list[str]:
    """The tenant tables of `sql` read, updated or deleted without the tenant in the filter."""
    sql = _strip(sql)
    scopes = _scopes(sql)
    ref_pattern = r"\b(?:FROM|JOIN|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?(\w+)(?:\s+(?:AS\s+)?(\w+))?"
    for m in re.finditer(ref_pattern, sql):
        table, alias = m.group(1), m.group(2)
        if table not in tables:
            continue
        scope = _scope_at(scopes, m.start())
        if alias is None or alias.upper() in _KEYWORDS:
            scope.refs[table] = table
            scope.unaliased.add(table)
        else:
            scope.refs[alias] = table
    # (scope, alias) pairs; anchored ones grow to a fixpoint through equalities
    anchored: set[tuple[int, str]] = set()
    links: list[tuple[list[tuple[int, str]], list[tuple[int, str]]]] = []

    def resolve(scope: Scope, alias: str | None) -> list[tuple[int, str]]:
        if alias is None:
            names = scope.unaliased or (set(scope.refs) if len(scope.refs) == 1 else set())
            return [(id(scope), name) for name in names]
        s: Scope | None = scope
        while s is not None:
            if alias in s.refs or alias in s.derived:
                return [(id(s), alias)]
            s = s.parent
        return []

    col_eq_anchor = re.compile(rf"{_COL}\s*=\s*{_ANCHOR}")
    anchor_eq_col = re.compile(rf"{_ANCHOR}\s*=\s*{_COL}")
    col_in_values = re.compile(
        rf"{_COL}\s+IN\s*\((?:\s*(?:\$\d+(?:::uuid)?|'(?:[0-9a-f-]{{36}}|\{{\?\}})'(?:::uuid)?)\s*,?)+\)"
    )
    # `d.tenant_id = c.document_tenant`: a citation names its document's tenant (own or the shared library)
    col_eq_col = re.compile(rf"{_COL}\s*=\s*\b(?:(\w+)\.)?(?:tenant_id|document_tenant)\b")
    for pattern in (col_eq_anchor, anchor_eq_col):
        for m in pattern.finditer(sql):
            if not _under_or(sql, m.start()):
                anchored.update(resolve(_scope_at(scopes, m.start()), m.group(1)))
    for m in col_in_values.finditer(sql):
        anchored.update(resolve(_scope_at(scopes, m.start()), m.group(1)))
    for m in col_eq_col.finditer(sql):
        scope = _scope_at(scopes, m.start())
        links.append((resolve(scope, m.group(1)), resolve(scope, m.group(2))))

    by_id = {id(s): s for s in scopes}

    def body_anchored(body: Scope) -> bool:
        inside = [s for s in scopes if body.start <= s.start and s.end <= body.end]
        keys = [(id(s), a) for s in inside for a in s.refs]
        return bool(keys) and all(k in anchored for k in keys)

    changed = True
    while changed:
        changed = False
        for scope in scopes:
            for name, body in scope.derived.items():
                key = (id(scope), name)
                if key not in anchored and body_anchored(body):
                    anchored.add(key)
                    changed = True
        for left, right in links:
            if any(k in anchored for k in left + right):
                new = {k for k in left + right if k not in anchored}
                if new:
                    anchored.update(new)
                    changed = True
    missing = []
    for scope in scopes:
        for alias, table in scope.refs.items():
            if (id(scope), alias) not in anchored:
                missing.append(table if alias == table else f"{table} {alias}")
    assert by_id  # every scope was indexed
    return missing


# --------------------------------------------------------------------------- the tests


def test_statements_are_collected() -> None:
    statements = collect_statements()
    assert len(statements) > 250, len(statements)
    calls = [s for s in statements if s.where.startswith("core/calls/")]
    assert any("FOR UPDATE" in s.sql for s in calls)


def test_checker_tells_keyed_from_unkeyed() -> None:
    tables = frozenset({"calls", "call_dispatches", "jurisdictions"})
    assert unkeyed_references("SELECT state FROM calls WHERE id = $1 FOR UPDATE", tables) == ["calls"]
    assert unkeyed_references("SELECT state FROM calls WHERE tenant_id = $1 AND id = $2", tables) == []
    joined = "SELECT c.id FROM calls c JOIN jurisdictions j ON j.tenant_id = c.tenant_id AND j.code = c.township_code"
    assert unkeyed_references(joined + " WHERE c.id = $1", tables) == ["calls c", "jurisdictions j"]
    assert unkeyed_references(joined + " WHERE c.tenant_id = $1 AND c.id = $2", tables) == []
    policy = (
        "UPDATE calls SET state = 'x' WHERE tenant_id = NULLIF(current_setting('qingdan.tenant_id', true), '')::uuid"
    )
    assert unkeyed_references(policy, tables) == []
    correlated = (
        "SELECT id FROM calls c WHERE c.tenant_id = $1"
        " AND EXISTS (SELECT 1 FROM call_dispatches d WHERE d.call_id = c.id)"
    )
    assert unkeyed_references(correlated, tables) == ["call_dispatches d"]
    # an unqualified tenant_id in a subquery does not key the outer query's table
    nested = "SELECT id FROM calls WHERE id = $2 AND EXISTS (SELECT 1 FROM call_dispatches WHERE tenant_id = $1)"
    assert unkeyed_references(nested, tables) == ["calls"]
    cte = "WITH x AS (SELECT tenant_id, id FROM calls WHERE tenant_id = $1) SELECT d.* FROM x JOIN call_dispatches d"
    assert unkeyed_references(cte + " ON d.tenant_id = x.tenant_id AND d.call_id = x.id", tables) == []
    assert unkeyed_references("INSERT INTO calls (tenant_id, id) VALUES ($1, $2)", tables) == []
    # a tenant comparison under OR filters nothing
    either = "SELECT id FROM calls c WHERE c.id = $1 AND ($2::bool IS NULL OR $2 = (c.tenant_id = $3))"
    assert unkeyed_references(either, tables) == ["calls c"]
    assert unkeyed_references(either.replace("c.id = $1", "c.tenant_id = $4 AND c.id = $1"), tables) == []
    assert unkeyed_references("SELECT id FROM calls c WHERE c.tenant_id = ANY($1::uuid[])", tables) == []


def test_every_statement_is_tenant_keyed() -> None:
    tables = tenant_tables()
    assert {"calls", "call_dispatches", "catalog_items"} <= tables and "tenants" not in tables
    problems = []
    seen = set()
    for statement in collect_statements():
        seen.add(statement.where)
        if statement.where in CROSS_TENANT or statement.where in KEYED_BY_CALLER or statement.where in NOT_YET_KEYED:
            continue
        missing = unkeyed_references(statement.sql, tables)
        if missing:
            problems.append(
                f"{statement.where}: no tenant_id filter for {', '.join(missing)}\n    {_strip(statement.sql)}"
            )
    stale = sorted((set(CROSS_TENANT) | set(KEYED_BY_CALLER) | set(NOT_YET_KEYED)) - seen)
    assert not stale, f"allowlist entries that match no statement (moved? update the key): {stale}"
    assert not problems, f"{len(problems)} statements not keyed by tenant:\n" + "\n".join(problems)
