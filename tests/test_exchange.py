"""Excel export and import: round trips, dry runs, row errors, formula injection, limits, isolation."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import MakeTenant, TenantFixture, issue_key

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def longsha(make_tenant: MakeTenant) -> TenantFixture:
    return await make_tenant("longsha")


async def export(client: httpx.AsyncClient, t: TenantFixture, path: str, key: str | None = None) -> bytes:
    response = await client.get(f"{t.base}{path}", params={"download": "true"}, headers=t.auth(key))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(XLSX)
    return response.content


def sheet(data: bytes) -> list[list[Any]]:
    wb = load_workbook(io.BytesIO(data))
    return [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]


def workbook(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


async def import_file(
    client: httpx.AsyncClient,
    t: TenantFixture,
    data: bytes,
    *,
    dry_run: bool = False,
    content_type: str = XLSX,
    key: str | None = None,
    **params: str,
) -> httpx.Response:
    return await client.post(
        f"{t.base}/catalog/import",
        params={"dry_run": str(dry_run).lower(), **params},
        content=data,
        headers={**t.auth(key), "Content-Type": content_type},
    )


async def draft_count(client: httpx.AsyncClient, t: TenantFixture) -> int:
    versions = (await client.get(f"{t.base}/catalog/versions", headers=t.auth())).json()
    return len(versions)


async def test_a_longsha_catalog_round_trips_through_excel_unchanged(
    client: httpx.AsyncClient, longsha: TenantFixture
) -> None:
    first = await export(client, longsha, "/catalog/versions/1/export.xlsx")
    rows = sheet(first)
    header = rows[0]
    assert header[:6] == ["序号", "编码", "上级编码", "层级", "事项名称", "清单类型"]
    assert "主体责任" in header and "配合责任" in header and "法律依据" in header
    items = (await client.get(f"{longsha.base}/catalog/versions/1", headers=longsha.auth())).json()
    assert len(rows) - 1 == items["item_count"] + items["withdrawn_count"]

    # Importing the export again finds every row unchanged and writes nothing.
    report = await import_file(client, longsha, first, dry_run=True)
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["errors"] == [] and body["added"] == [] and body["changed"] == []
    assert body["unchanged"] == len(rows) - 1
    applied = await import_file(client, longsha, first)
    assert applied.status_code == 200 and applied.json()["applied"] is True
    assert await draft_count(client, longsha) == 1  # no draft was opened

    # Cell for cell, the re-export equals the export.
    again = sheet(await export(client, longsha, "/catalog/versions/published/export.xlsx"))
    assert again == rows

    # The frozen header and widths are there; the second sheet says what it is.
    wb = load_workbook(io.BytesIO(first))
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "C2" and ws.column_dimensions["E"].width >= 30
    assert wb.worksheets[1].title == "说明"


async def test_an_edited_workbook_changes_the_draft_after_a_dry_run(
    client: httpx.AsyncClient, longsha: TenantFixture
) -> None:
    rows = sheet(await export(client, longsha, "/catalog/versions/1/export.xlsx"))
    header = rows[0]
    title, code = header.index("事项名称"), header.index("编码")
    parent = header.index("上级编码")
    rows[2][title] = rows[2][title] + "（修订）"
    leaf = next(r for r in rows[1:] if r[parent])
    new = list(leaf)
    new[code] = "LS-NEW-01"
    new[title] = "新增：共享单车停放秩序管理"
    rows.append(new)
    data = workbook(rows)

    dry = await import_file(client, longsha, data, dry_run=True, reason_kind="other", reason="Excel 更新")
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["added"] == ["LS-NEW-01"]
    assert [(c["code"], c["fields"]) for c in report["changed"]] == [(rows[2][code], ["事项名称"])]
    assert report["applied"] is False and await draft_count(client, longsha) == 1

    unexplained = await import_file(client, longsha, data)
    assert unexplained.status_code == 422 and await draft_count(client, longsha) == 1

    done = await import_file(client, longsha, data, reason_kind="other", reason="Excel 更新")
    assert done.status_code == 200, done.text
    assert done.json()["draft_version"] == 2
    item = await client.get(f"{longsha.base}/catalog/items/{rows[2][code]}?version=draft", headers=longsha.auth())
    assert item.json()["title"].endswith("（修订）")
    added = await client.get(f"{longsha.base}/catalog/items/LS-NEW-01?version=draft", headers=longsha.auth())
    assert added.status_code == 200 and added.json()["parent_code"] == leaf[parent]
    adjustments = (await client.get(f"{longsha.base}/catalog/adjustments?version=2", headers=longsha.auth())).json()
    kinds = sorted(a["kind"] for a in (adjustments["items"] if isinstance(adjustments, dict) else adjustments))
    assert kinds == ["add", "modify"]


async def test_row_errors_name_row_and_column_and_nothing_is_written(
    client: httpx.AsyncClient, longsha: TenantFixture
) -> None:
    rows = sheet(await export(client, longsha, "/catalog/versions/1/export.xlsx"))
    header = rows[0]
    col = {h: i for i, h in enumerate(header)}
    good, bad_level, bad_unit = list(rows[1]), list(rows[1]), list(rows[1])
    good[col["编码"]], good[col["事项名称"]] = "LS-OK-1", "一条合格的新事项"
    bad_level[col["编码"]], bad_level[col["层级"]] = "LS-BAD-1", "不存在的层级"
    bad_unit[col["编码"]], bad_unit[col["主体责任"]] = "LS-BAD-2", "不存在的局：负责"
    formula = list(rows[1])
    formula[col["编码"]], formula[col["事项名称"]] = "LS-BAD-3", "=1+1"
    data = workbook([header, good, bad_level, bad_unit, formula])
    params = {"reason_kind": "other", "reason": "导入"}

    dry = await import_file(client, longsha, data, dry_run=True, **params)
    assert dry.status_code == 200
    errors = {(e["row"], e["column"]) for e in dry.json()["errors"]}
    assert errors == {(3, "层级"), (4, "主体责任"), (5, "事项名称")}
    assert dry.json()["added"] == ["LS-OK-1"]

    applied = await import_file(client, longsha, data, **params)
    assert applied.status_code == 422
    body = applied.json()
    assert {e["field"] for e in body["errors"]} == {"第3行「层级」", "第4行「主体责任」", "第5行「事项名称」"}
    assert "3行中有3处问题，未导入任何内容" in body["detail"]  # people read it: Chinese unless asked otherwise
    # All or nothing: the good row did not land either, and no draft was opened.
    assert await draft_count(client, longsha) == 1
    missing = await client.get(f"{longsha.base}/catalog/items/LS-OK-1?version=1", headers=longsha.auth())
    assert missing.status_code == 404


async def test_unknown_columns_and_missing_ones_are_named(client: httpx.AsyncClient, longsha: TenantFixture) -> None:
    data = workbook(
        [["编码", "事项名称", "层级", "清单类型", "颜色", "尺码"], ["X-1", "甲", "事项", "共性清单", "红", "大"]]
    )
    response = await import_file(client, longsha, data, dry_run=True)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"columns.颜色", "columns.尺码"}
    assert "颜色" in response.json()["detail"]
    missing = await import_file(client, longsha, workbook([["编码", "层级"], ["X-1", "事项"]]), dry_run=True)
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"columns.事项名称"}
    # Level and list kind may come from defaults and heading rows: a row with neither kind says so.
    kindless = await import_file(client, longsha, workbook([["编码", "事项名称"], ["X-1", "甲"]]), dry_run=True)
    assert kindless.status_code == 200
    assert [(e["row"], e["column"], e["key"]) for e in kindless.json()["errors"]] == [(2, "清单类型", "no-kind")]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"PK\x03\x04 this is not really a zip", XLSX),
        (b"\x00\x01\x02binary garbage", "application/octet-stream"),
        (b"", XLSX),
        (b"%PDF-1.7 a pdf", "application/pdf"),
    ],
)
async def test_malformed_files_are_refused_with_a_4xx(
    client: httpx.AsyncClient, longsha: TenantFixture, data: bytes, content_type: str
) -> None:
    response = await import_file(client, longsha, data, content_type=content_type)
    assert response.status_code in (400, 415), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await draft_count(client, longsha) == 1


async def test_huge_files_are_refused(client: httpx.AsyncClient, longsha: TenantFixture) -> None:
    too_big = b"a" * (17 * 1024 * 1024)
    response = await import_file(client, longsha, too_big, content_type="text/csv")
    assert response.status_code == 413
    many = "编码,事项名称,层级,清单类型\n" + "".join(f"X-{i},事项{i},事项,共性清单\n" for i in range(20_001))
    response = await import_file(client, longsha, many.encode(), content_type="text/csv", dry_run=True)
    assert response.status_code == 422 and "20,000" in response.json()["detail"]
    assert await draft_count(client, longsha) == 1


async def test_csv_imports_in_utf8_and_gb18030(client: httpx.AsyncClient, longsha: TenantFixture) -> None:
    rows = sheet(await export(client, longsha, "/catalog/versions/1/export.xlsx"))
    header, first = rows[0], rows[1]
    import csv

    def as_csv(values: list[list[Any]]) -> str:
        out = io.StringIO()
        csv.writer(out).writerows([["" if v is None else v for v in row] for row in values])
        return out.getvalue()

    col = header.index("编码")
    new = list(first)
    new[col] = "LS-CSV-1"
    text = as_csv([header, first, new])
    for encoding in ("utf-8-sig", "gb18030"):
        dry = await import_file(client, longsha, text.encode(encoding), content_type="text/csv", dry_run=True)
        assert dry.status_code == 200, dry.text
        assert dry.json()["added"] == ["LS-CSV-1"] and dry.json()["unchanged"] == 1 and not dry.json()["errors"]


async def test_formula_injection_never_reaches_an_exported_sheet(
    client: httpx.AsyncClient, longsha: TenantFixture
) -> None:
    rows = sheet(await export(client, longsha, "/catalog/versions/1/export.xlsx"))
    header = rows[0]
    col = {h: i for i, h in enumerate(header)}
    evil = list(rows[1])
    evil[col["编码"]] = "LS-EVIL-1"
    evil[col["事项名称"]] = "'=cmd|' /C calc'!A0"  # escaped as an exported cell would be
    evil[col["事项描述"]] = "'+SUM(1,2)"
    evil[col["办理流程"]] = '\'@HYPERLINK("http://evil")'
    done = await import_file(client, longsha, workbook([header, evil]), reason_kind="other", reason="测试")
    assert done.status_code == 200, done.text
    item = (await client.get(f"{longsha.base}/catalog/items/LS-EVIL-1?version=draft", headers=longsha.auth())).json()
    assert item["title"] == "=cmd|' /C calc'!A0" and item["description"] == "+SUM(1,2)"

    data = await export(client, longsha, "/catalog/versions/draft/export.xlsx")
    wb = load_workbook(io.BytesIO(data))
    cells = [c for row in wb.worksheets[0].iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(("=", "+", "@", "-"))]
    assert "'=cmd|' /C calc'!A0" in texts and "'+SUM(1,2)" in texts
    # And it imports back to the same text: the escape is reversible.
    dry = await import_file(client, longsha, data, dry_run=True)
    assert dry.json()["changed"] == [] and dry.json()["added"] == []


async def test_exports_are_stored_behind_signed_links_that_expire(
    client: httpx.AsyncClient, longsha: TenantFixture
) -> None:
    link = await client.get(f"{longsha.base}/catalog/versions/1/export.xlsx", headers=longsha.auth(longsha.reader))
    assert link.status_code == 200, link.text
    body = link.json()
    assert body["filename"].endswith("-catalog-v1.xlsx") and body["rows"] > 0 and body["expires_at"]
    path = body["url"].split("qingdan.test", 1)[-1].replace("http://127.0.0.1:8000", "")
    fetched = await client.get(path)
    assert fetched.status_code == 200 and sheet(fetched.content)[0][1] == "编码"
    tampered = await client.get(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"))
    assert 400 <= tampered.status_code < 500


async def test_township_lists_export_their_published_version(client: httpx.AsyncClient, longsha: TenantFixture) -> None:
    townships = (await client.get(f"{longsha.base}/jurisdictions?level=3", headers=longsha.auth())).json()["items"]
    code = townships[0]["code"]
    base = f"{longsha.base}/townships/{code}/list"
    unpublished = await client.get(f"{base}/published/export.xlsx", headers=longsha.auth())
    assert unpublished.status_code == 404
    for step in ("submit", "file"):
        assert (await client.post(f"{base}/{step}", headers=longsha.auth())).status_code == 200
    published = await client.post(f"{base}/publish", json={"effective_date": "2026-01-01"}, headers=longsha.auth())
    assert published.status_code == 200, published.text
    own = await issue_key(longsha, client, "township", code)
    rows = sheet(await export(client, longsha, f"/townships/{code}/list/versions/1/export.xlsx", own))
    assert rows[0][-6:] == ["来源", "认领理由", "责任科室", "岗位", "联系方式", "备注"]
    entries = (await client.get(f"{base}/published", headers=longsha.auth())).json()["entries"]
    assert sorted(r[1] for r in rows[1:]) == sorted(e["item"]["code"] for e in entries)
    latest = await client.get(f"{longsha.base}/townships/{code}/list/published/export.xlsx", headers=longsha.auth())
    assert latest.status_code == 200 and latest.json()["filename"].endswith("-list-v1.xlsx")


async def test_roles_and_tenant_isolation(
    client: httpx.AsyncClient, longsha: TenantFixture, other: TenantFixture
) -> None:
    data = await export(client, longsha, "/catalog/versions/1/export.xlsx")
    # A reader may export published data, never the draft, and may not import or merge.
    assert (await import_file(client, longsha, data, dry_run=True, key=longsha.reader)).status_code == 403
    files = {"权力清单": ("a.csv", "事项名称\n甲\n".encode(), "text/csv")}
    merge = await client.post(f"{longsha.base}/catalog/merge", files=files, headers=longsha.auth(longsha.reader))
    assert merge.status_code == 403
    draft = await client.get(f"{longsha.base}/catalog/versions/draft/export.xlsx", headers=longsha.auth(longsha.reader))
    assert draft.status_code in (403, 404)
    # Another tenant's key gets 404 everywhere and changes nothing.
    for method, path in (
        ("GET", "/catalog/versions/1/export.xlsx"),
        ("POST", "/catalog/import"),
        ("POST", "/catalog/merge"),
        ("POST", "/catalog/merge/apply"),
        ("GET", "/catalog/items/LS-01/provenance"),
        ("GET", "/townships/230202001000/list/published/export.xlsx"),
        ("GET", "/townships/230202001000/list/versions/1/export.xlsx"),
    ):
        response = await client.request(
            method,
            f"{longsha.base}{path}",
            content=data if method == "POST" else None,
            headers={**other.auth(), "Content-Type": XLSX},
        )
        assert response.status_code == 404, (path, response.status_code)
    assert await draft_count(client, longsha) == 1


async def test_graphql_exports_imports_and_merges_through_the_same_services(
    client: httpx.AsyncClient, longsha: TenantFixture, other: TenantFixture
) -> None:
    import base64

    async def gql(query: str, variables: dict[str, Any], key: str | None = None) -> dict[str, Any]:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=longsha.auth(key)
        )
        assert response.status_code == 200, response.text
        assert "errors" not in response.json(), response.json()
        return response.json()["data"]

    export = """mutation($t: String!, $v: String!) { exportCatalog(tenant: $t, version: $v) {
      __typename ... on ExportLink { url filename rows expiresAt } ... on Problem { status detail } } }"""
    link = (await gql(export, {"t": longsha.slug, "v": "1"}, longsha.reader))["exportCatalog"]
    assert link["__typename"] == "ExportLink" and link["filename"].endswith("-catalog-v1.xlsx")
    data = (await client.get(link["url"].replace("http://127.0.0.1:8000", ""))).content
    assert sheet(data)[0][1] == "编码"

    imports = """mutation($t: String!, $c: String!, $d: Boolean!) {
      importCatalog(tenant: $t, contentBase64: $c, dryRun: $d) {
        __typename ... on ImportReport { unchanged added errors { row column problem } }
        ... on Problem { status detail errors { field message } } } }"""
    encoded = base64.b64encode(data).decode()
    report = (await gql(imports, {"t": longsha.slug, "c": encoded, "d": True}))["importCatalog"]
    assert report["__typename"] == "ImportReport" and report["added"] == [] and report["unchanged"] > 0
    denied = (await gql(imports, {"t": longsha.slug, "c": encoded, "d": True}, longsha.reader))["importCatalog"]
    assert denied["__typename"] == "Problem" and denied["status"] == 403
    bad = (await gql(imports, {"t": longsha.slug, "c": "not base64!", "d": True}))["importCatalog"]
    assert bad["__typename"] == "Problem" and bad["status"] == 400

    merge = """mutation($t: String!, $l: [SourceListInput!]!) { mergeSourceLists(tenant: $t, lists: $l) {
      __typename ... on MergeReport { mergedItems overlappingGroups relations digest } ... on Problem { status } } }"""
    lists = [
        {"name": "权力清单", "contentBase64": base64.b64encode("事项名称\n农村村民宅基地审批\n".encode()).decode()},
        {"name": "服务清单", "contentBase64": base64.b64encode("事项名称\n农村村民宅基地审批工作\n".encode()).decode()},
    ]
    merged = (await gql(merge, {"t": longsha.slug, "l": lists}))["mergeSourceLists"]
    assert merged["__typename"] == "MergeReport" and merged["mergedItems"] == 1 and merged["overlappingGroups"] == 1

    # Another tenant's key: the tenant does not exist for it.
    response = await client.post(
        "/graphql",
        json={"query": export, "variables": {"t": longsha.slug, "v": "1"}},
        headers=other.auth(),
    )
    assert response.json()["data"]["exportCatalog"]["status"] == 404


async def test_export_and_dry_run_take_a_fixed_number_of_statements(
    client: httpx.AsyncClient, longsha: TenantFixture, make_tenant: MakeTenant
) -> None:
    """Whatever the catalog's size: the export reads a version in three scans, the dry run
    adds the units, the version numbers and the reserved codes."""
    from core.exchange.catalog_import import import_catalog
    from core.exchange.excel import catalog_export
    from core.platform import db
    from core.security.access import Principal, Role
    from tenants.access import open_access

    principal = Principal(None, Role.PLATFORM, None, name="tests")
    counts = []
    for slug in (longsha.slug, (await make_tenant("taian")).slug):
        access = await open_access(principal, slug)
        await catalog_export(access, 1)  # warm caches (structure, keys)
        db.queries.count = 0
        export = await catalog_export(access, 1)
        exported = db.queries.count
        db.queries.count = 0
        report = await import_catalog(access, export.data, dry_run=True)
        counts.append((exported, db.queries.count, export.rows))
        assert report.unchanged == export.rows and not report.errors
    (a_export, a_dry, a_rows), (b_export, b_dry, b_rows) = counts
    assert a_rows != b_rows
    assert a_export == b_export <= 12 and a_dry == b_dry <= 14, counts
