"""A county's own workbook, as a 编办 official has it (issue 20): title row, county headers,
heading rows, a blank row, formulas, an unknown department, a duplicate — the dry run says in
Chinese what to fix where; fixed, it imports. Also multipart uploads, the template round trip,
and problems in the language asked."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from typing import Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import MakeTenant, TenantFixture

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE = "成都市温江区柳城街道履职事项清单"
HEADER = ["序号", "事项类别", "事项名称", "具体内容", "责任部门", "配合部门", "法律依据", "备注"]
CITED = "《中华人民共和国安全生产法》第九条"


@pytest.fixture
async def wenjiang(make_tenant: MakeTenant) -> TenantFixture:
    return await make_tenant("wenjiang")


def county_workbook(rows: list[list[Any]], cached: dict[str, str] | None = None) -> bytes:
    """The county's sheet: a merged title row, the header, then ``rows`` (a heading row is a
    one-element list, merged over the columns; ``[]`` is a blank row). ``cached``: formula
    cells (by reference) given a stored result, as Excel or WPS would save them — openpyxl
    itself stores none."""
    wb = Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
        if len(row) == 1:
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(HEADER))
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    return with_cached_results(data, cached) if cached else data


def with_cached_results(data: bytes, cached: dict[str, str]) -> bytes:
    """The workbook with a stored result in each named formula cell (a string result)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = body.decode()
                for ref, value in cached.items():
                    xml, n = re.subn(
                        rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*>\s*</v>',
                        lambda m, v=value, r=ref: f'<c r="{r}"{m[1]} t="str"><f>{m[2]}</f><v>{v}</v>',
                        xml,
                    )
                    assert n == 1, (ref, xml)
                body = xml.encode()
            target.writestr(info, body)
    return out.getvalue()


def items(*, fixed: bool) -> list[list[Any]]:
    """The county's rows; ``fixed``: as corrected after reading the dry run."""
    return [
        ["一、基本履职事项"],
        [1, "平安法治", "辖区安全生产隐患排查", "组织开展辖区安全生产隐患排查。", "区应急管理局", "", CITED, ""],
        [
            2,
            "平安法治",
            "安全生产宣传教育",
            "开展安全生产宣传。" if fixed else "=1+1",
            "区应急管理局" if fixed else "区应急局",
            "区住房和城乡建设局",
            f'=HYPERLINK("https://flk.npc.gov.cn","{CITED}")',
            "",
        ],
        [],
        ["二、配合履职事项"],
        [
            1,
            "生态环保",
            "大气污染防治巡查",
            "配合开展扬尘、秸秆焚烧巡查。",
            "成都市温江生态环境局",
            "乡镇(街道)",
            "",
            "",
        ],
        *(
            []
            if fixed
            else [[2, "生态环保", "大气污染防治巡查", "重复录入的一行。", "成都市温江生态环境局", "", "", ""]]
        ),
        [
            3,
            "党的建设" if fixed else "党建",
            "基层党组织建设指导",
            "配合指导党组织建设。",
            "区委社会工作部",
            "",
            "",
            "",
        ],
    ]


async def upload(
    client: httpx.AsyncClient, t: TenantFixture, data: bytes, *, dry_run: bool, key: str | None = None, **params: str
) -> httpx.Response:
    return await client.post(
        f"{t.base}/catalog/import",
        params={"dry_run": str(dry_run).lower(), **params},
        files={"file": ("柳城街道履职事项清单.xlsx", data, XLSX)},
        headers=t.auth(key),
    )


REASON = {"reason_kind": "other", "reason": "导入柳城街道清单"}


async def test_the_county_workbook_imports_after_a_dry_run_that_says_what_to_fix(
    client: httpx.AsyncClient, wenjiang: TenantFixture
) -> None:
    data = county_workbook(items(fixed=False), cached={"G5": CITED})

    dry = await upload(client, wenjiang, data, dry_run=True)  # multipart, no Accept-Language
    assert dry.status_code == 200, dry.text
    report = dry.json()
    found = {(e["row"], e["column"], e["key"]): e for e in report["errors"]}
    assert set(found) == {
        (5, "具体内容", "formula-no-value"),
        (5, "责任部门", "unknown-unit"),
        (9, "事项名称", "duplicate-title"),
        (10, "事项类别", "unknown-category"),
    }, report["errors"]
    formula = found[(5, "具体内容", "formula-no-value")]
    assert "=1+1" in formula["problem"] and "Excel" in formula["problem"] and "保存" in formula["problem"]
    assert formula["message"].startswith("第5行「具体内容」：")
    unit = found[(5, "责任部门", "unknown-unit")]
    assert (
        unit["suggestions"][0] == "区应急管理局" and "区应急局" in unit["problem"] and "您是不是要写" in unit["problem"]
    )
    duplicate = found[(9, "事项名称", "duplicate-title")]
    assert duplicate["problem"].startswith("与第8行是同一事项「大气污染防治巡查」")
    category = found[(10, "事项类别", "unknown-category")]
    assert category["suggestions"] == ["党的建设"] and "「生态环保」" in category["problem"]
    # What a person reads has no English codes or patterns in it.
    for e in report["errors"]:
        assert not re.search(r"[A-Za-z_]{4,}", e["problem"].replace("Excel", "").replace("WPS", "")), e
    # The published catalog changes: the dry run asks for the reason, as the import would.
    assert [(f["field"], f["key"]) for f in report["file_errors"]] == [("reason_kind", "reason-needed")]
    assert report["applied"] is False

    # The import itself refuses the same file, with the same problems, and writes nothing.
    refused = await upload(client, wenjiang, data, dry_run=False, **REASON)
    assert refused.status_code == 422 and refused.json()["code"] == "validation-failed"
    assert refused.headers["content-language"] == "zh-CN" and "未导入任何内容" in refused.json()["detail"]
    assert "第5行「责任部门」" in {e["field"] for e in refused.json()["errors"]}

    # Fixed as the messages say: the dry run passes, and so does the import.
    fixed = county_workbook(items(fixed=True), cached={"G5": CITED})
    dry = await upload(client, wenjiang, fixed, dry_run=True, **REASON)
    assert dry.status_code == 200 and dry.json()["errors"] == [] and dry.json()["file_errors"] == [], dry.text
    codes = dry.json()["added"]
    assert codes == ["IMP-0001", "IMP-0002", "IMP-0003", "IMP-0004"]
    assert dry.json()["draft_version"] is None  # the dry run's draft was rolled back
    done = await upload(client, wenjiang, fixed, dry_run=False, **REASON)
    assert done.status_code == 200 and done.json()["applied"] is True, done.text
    assert done.json()["added"] == codes

    by_title = {}
    for code in codes:
        item = (await client.get(f"{wenjiang.base}/catalog/items/{code}?version=draft", headers=wenjiang.auth())).json()
        by_title[item["title"]] = item
    safety = by_title["安全生产宣传教育"]
    assert safety["kinds"] == ["basic"] and safety["category"] == "governance"
    assert [b["raw"] for b in safety["legal_bases"]] == [CITED]  # the formula's stored result
    assert {(r["party"], r["role"]) for r in safety["responsibilities"]} == {
        ("emergency-management-bureau", "primary"),
        ("housing-construction-bureau", "cooperating"),
    }
    air = by_title["大气污染防治巡查"]
    assert air["kinds"] == ["cooperating"] and air["category"] == "ecology"
    assert by_title["基层党组织建设指导"]["category"] == "party_building"

    # Importing the same workbook again matches the items by title: nothing changes.
    again = await upload(client, wenjiang, fixed, dry_run=True, **REASON)
    assert again.json()["added"] == [] and again.json()["changed"] == [] and again.json()["unchanged"] == 4


async def test_problems_speak_the_language_asked(client: httpx.AsyncClient, wenjiang: TenantFixture) -> None:
    data = county_workbook(items(fixed=False))
    english = await client.post(
        f"{wenjiang.base}/catalog/import",
        params={"dry_run": "true"},
        content=data,
        headers={**wenjiang.auth(), "Content-Type": XLSX, "Accept-Language": "en-US,en;q=0.9,zh;q=0.5"},
    )
    assert english.status_code == 200
    unit = next(e for e in english.json()["errors"] if e["key"] == "unknown-unit")
    assert unit["problem"].startswith("no unit named '区应急局'") and "did you mean 区应急管理局" in unit["problem"]
    assert unit["message"].startswith("row 5, 责任部门: ")
    # The HYPERLINK without a stored result is reported too, not stored as nothing.
    assert any(e["key"] == "formula-no-value" and e["column"] == "法律依据" for e in english.json()["errors"])

    # A problem: the same stable code in both languages, the detail in the one asked.
    bad = {"reason_kind": "whim", "reason": "随便"}
    zh = await client.post(f"{wenjiang.base}/catalog/import", params=bad, content=data, headers=wenjiang.auth())
    en = await client.post(
        f"{wenjiang.base}/catalog/import",
        params=bad,
        content=data,
        headers={**wenjiang.auth(), "Accept-Language": "en"},
    )
    assert zh.status_code == en.status_code == 422
    assert zh.json()["code"] == en.json()["code"] == "validation-failed"
    assert zh.json()["title"] == "输入有误" and "调整原因类型「whim」不存在" in zh.json()["detail"]
    assert en.json()["title"] == "Invalid input" and en.json()["detail"].startswith("unknown reason_kind 'whim'")
    assert (zh.headers["content-language"], en.headers["content-language"]) == ("zh-CN", "en")
    # A file that cannot be read says so in Chinese too.
    empty = await client.post(f"{wenjiang.base}/catalog/import", content=b"", headers=wenjiang.auth())
    assert empty.status_code == 400 and empty.json()["detail"] == "文件是空的" and empty.json()["title"] == "请求有误"
    # Elsewhere the API keeps English unless Chinese is asked for.
    missing = await client.get(f"{wenjiang.base}/catalog/items/NOPE", headers=wenjiang.auth())
    assert missing.status_code == 404 and missing.json()["title"] == "Not found"


async def test_a_header_without_a_title_column_and_an_unknown_heading_row(
    client: httpx.AsyncClient, wenjiang: TenantFixture
) -> None:
    wb = Workbook()
    wb.active.append(["序号", "具体内容", "颜色"])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = await upload(client, wenjiang, buffer.getvalue(), dry_run=True)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"columns.颜色", "columns.事项名称"}
    assert response.json()["detail"].startswith("不认识的列：「颜色」")

    data = county_workbook([["三、其他事项"], [1, "", "某事项", "", "区应急管理局", "", "", ""]])
    report = (await upload(client, wenjiang, data, dry_run=True, **REASON)).json()
    assert [(e["row"], e["key"]) for e in report["errors"]] == [(3, "unknown-section"), (4, "no-kind")]
    assert "基本履职事项" in report["errors"][0]["problem"]


async def test_multipart_needs_exactly_one_file(client: httpx.AsyncClient, wenjiang: TenantFixture) -> None:
    data = county_workbook(items(fixed=True))
    two = await client.post(
        f"{wenjiang.base}/catalog/import",
        params={"dry_run": "true"},
        files=[("file", ("a.xlsx", data, XLSX)), ("other", ("b.xlsx", data, XLSX))],
        headers=wenjiang.auth(),
    )
    assert two.status_code == 400 and "一次只导入一个工作簿" in two.json()["detail"]


async def test_the_template_round_trip(
    client: httpx.AsyncClient, wenjiang: TenantFixture, make_tenant: MakeTenant
) -> None:
    link = await client.get(f"{wenjiang.base}/catalog/template.xlsx", headers=wenjiang.auth(wenjiang.reader))
    assert link.status_code == 200, link.text
    assert link.json()["filename"].endswith("-catalog-template.xlsx")
    response = await client.get(link.json()["url"].replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[2]]
    assert ws["A1"].value.endswith("履职事项清单（导入模板）") and header[:5] == [
        "序号",
        "编码",
        "上级编码",
        "层级",
        "事项名称",
    ]
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    lists = {col[0].value: [c.value for c in col[1:] if c.value] for col in options.iter_cols()}
    # 差异化履职事项: the claimed kind of rural duties every shipped structure carries (DIFFERENTIATED_KIND)
    assert lists["清单类型"] == ["基本履职事项", "配合履职事项", "上级部门收回事项", "差异化履职事项"]
    assert "党的建设" in lists["类别"] and "区应急管理局" in lists["主体责任"]
    assert "法定行政权力" in lists["来源清单"]  # a plugin field's choices by their labels
    validated = {str(rule.sqref).split(":")[0][:-1] for rule in ws.data_validations.dataValidation}
    col = {h: chr(65 + i) for i, h in enumerate(header)}
    assert {col["层级"], col["清单类型"], col["类别"], col["主体责任"], col["高频事项"]} <= validated

    # Filled in as a clerk would (labels from the dropdowns), it imports.
    row = {h: None for h in header}
    row.update({"事项名称": "社区应急演练组织", "层级": "三定规定", "清单类型": "基本履职事项", "类别": "平安法治"})
    row.update({"主体责任": "区应急管理局：指导演练", "高频事项": "是"})
    ws.append([row[h] for h in header])
    filled = io.BytesIO()
    wb.save(filled)
    done = await upload(client, wenjiang, filled.getvalue(), dry_run=False, **REASON)
    assert done.status_code == 200 and done.json()["applied"] is True, done.text
    [code] = done.json()["added"]
    item = (await client.get(f"{wenjiang.base}/catalog/items/{code}?version=draft", headers=wenjiang.auth())).json()
    assert item["title"] == "社区应急演练组织" and item["high_frequency"] is True and item["category"] == "governance"

    # Another tenant's key does not reach this tenant's template.
    other = await make_tenant()
    foreign = await client.get(f"{wenjiang.base}/catalog/template.xlsx", headers=other.auth())
    assert foreign.status_code == 404


async def test_the_template_and_import_through_graphql(
    client: httpx.AsyncClient, wenjiang: TenantFixture, make_tenant: MakeTenant
) -> None:
    query = """mutation($t: String!) { catalogTemplate(tenant: $t) {
      __typename ... on ExportLink { url filename } ... on Problem { status } } }"""
    answer = await client.post(
        "/graphql", json={"query": query, "variables": {"t": wenjiang.slug}}, headers=wenjiang.auth()
    )
    link = answer.json()["data"]["catalogTemplate"]
    assert link["__typename"] == "ExportLink" and link["filename"].endswith("-catalog-template.xlsx")
    other = await make_tenant()
    foreign = await client.post(
        "/graphql", json={"query": query, "variables": {"t": wenjiang.slug}}, headers=other.auth()
    )
    assert foreign.json()["data"]["catalogTemplate"] == {"__typename": "Problem", "status": 404}

    imports = """mutation($t: String!, $c: String!) { importCatalog(tenant: $t, contentBase64: $c, dryRun: true) {
      __typename ... on ImportReport { errors { row column key suggestions message } fileErrors { field key } } } }"""
    encoded = base64.b64encode(county_workbook(items(fixed=False))).decode()
    report = (
        await client.post(
            "/graphql",
            json={"query": imports, "variables": {"t": wenjiang.slug, "c": encoded}},
            headers=wenjiang.auth(),
        )
    ).json()["data"]["importCatalog"]
    unit = next(e for e in report["errors"] if e["key"] == "unknown-unit")
    assert unit["suggestions"] == ["区应急管理局"] and unit["message"].startswith("第5行「责任部门」")
    assert report["fileErrors"] == [{"field": "reason_kind", "key": "reason-needed"}]


async def test_merged_department_cells_and_notes(client: httpx.AsyncClient, wenjiang: TenantFixture) -> None:
    """A 责任部门 merged down over two items belongs to both; a category heading under a kind
    heading; a total and a note under the table are no items."""
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["一、基本履职事项"])
    ws.append(["（一）平安法治"])
    ws.append([1, "", "消防安全检查", "", "区应急管理局", "", "", ""])
    ws.append([2, "", "防汛值守", "", None, "", "", ""])
    ws.merge_cells("E4:E5")
    ws.append(["合计：2项"])
    ws.append(["注：本清单自印发之日起施行。"])
    buffer = io.BytesIO()
    wb.save(buffer)
    report = (await upload(client, wenjiang, buffer.getvalue(), dry_run=False, **REASON)).json()
    assert report["errors"] == [] and len(report["added"]) == 2, report
    for code in report["added"]:
        item = (await client.get(f"{wenjiang.base}/catalog/items/{code}?version=draft", headers=wenjiang.auth())).json()
        assert [(r["party"], r["role"]) for r in item["responsibilities"]] == [
            ("emergency-management-bureau", "primary")
        ]
        assert (item["kinds"], item["category"]) == (["basic"], "governance")  # from the two heading rows


async def test_a_merge_names_its_unknown_columns_in_chinese(client: httpx.AsyncClient, wenjiang: TenantFixture) -> None:
    files = {"权力清单": ("a.csv", "事项名称,颜色\n宅基地审批,红\n".encode(), "text/csv")}
    response = await client.post(f"{wenjiang.base}/catalog/merge", files=files, headers=wenjiang.auth())
    assert response.status_code == 422 and response.json()["code"] == "validation-failed"
    assert response.json()["detail"].startswith("来源清单「权力清单」：不认识的列：「颜色」")
    english = await client.post(
        f"{wenjiang.base}/catalog/merge", files=files, headers={**wenjiang.auth(), "Accept-Language": "en"}
    )
    assert english.json()["detail"].startswith("权力清单: unknown columns: 颜色; use the headers")


async def test_a_recovered_item_without_its_department_says_which_column(
    client: httpx.AsyncClient, wenjiang: TenantFixture
) -> None:
    wb = Workbook()
    wb.active.append(["事项名称", "收回理由"])
    wb.active.append(["三、上级部门收回事项"])
    wb.active.append(["农村宅基地执法", "街道无执法力量"])
    buffer = io.BytesIO()
    wb.save(buffer)
    report = (await upload(client, wenjiang, buffer.getvalue(), dry_run=True, **REASON)).json()
    assert [(e["row"], e["column"], e["key"]) for e in report["errors"]] == [(3, "收回承接部门", "required")]
    assert report["errors"][0]["message"] == "第3行「收回承接部门」：此项必须填写"
