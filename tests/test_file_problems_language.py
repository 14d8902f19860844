"""Problems about files, over HTTP, in the language asked (issue 20): content that is not what
its declared type says, names the file store refuses, and a catalog workbook's rows — the same
stable ``code`` in both languages, the detail and every field message in Chinese when asked (and
for the import, by default) and in English when asked."""

from __future__ import annotations

import io
import re
import uuid
from typing import Any

import httpx
from openpyxl import Workbook

from core.platform import messages
from tests.call_fixtures import Taian, fire_call, owner_fetchval
from tests.conftest import MakeTenant, TenantFixture
from tests.test_admission import NANHANG, WULONG, application, longsha
from tests.test_content_safety import _file as upload
from tests.test_content_safety import taian  # noqa: F401 - the fixture (泰安 with a published list and keys)

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}
CJK = re.compile(r"[\u4e00-\u9fff]")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def said(response: httpx.Response, status: int, code: str, language: str) -> dict[str, Any]:
    """The problem, checked to speak ``language`` in its title, detail and field messages."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code and response.headers["content-language"] == language, (body, response.headers)
    assert body["title"] == messages.PROBLEM_TITLES[code][language], body
    for text in [body["detail"], *(e["message"] for e in body.get("errors", []))]:
        if language == messages.ZH:
            assert CJK.search(text) and not re.search(r"\b(?:the|is|not|no|a|use|at|most)\b", text), text
        else:  # English words around what the person wrote (file names, headers: Chinese)
            assert re.search(r"\b[a-z]{3,}\b", text), text
    return body


async def test_content_not_of_its_declared_type(client: httpx.AsyncClient, taian: Taian) -> None:  # noqa: F811
    raised = await client.post(taian.calls, json=fire_call(), headers=taian.auth(taian.township))
    assert raised.status_code == 201, raised.text
    url = f"{taian.calls}/{raised.json()['id']}/attachments"
    key = taian.auth(taian.township)

    png_as_text = upload("照片.txt", "text/plain", PNG)
    zh = said(await client.post(url, json=png_as_text, headers={**key, **ZH}), 422, "validation-failed", "zh-CN")
    assert zh["detail"] == "content_base64：内容是PNG 图片（image/png），不是 text/plain：请把类型声明为 image/png"
    assert zh["errors"] == [{"field": "content_base64", "message": zh["detail"].split("：", 1)[1]}]
    en = said(await client.post(url, json=png_as_text, headers={**key, **EN}), 422, "validation-failed", "en")
    assert en["detail"] == "content_base64: the content is a PNG image (image/png), not text/plain: declare image/png"

    html = upload("通知.txt", "text/plain", b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    zh = said(await client.post(url, json=html, headers={**key, **ZH}), 422, "validation-failed", "zh-CN")
    assert "内容是HTML 网页（text/html）" in zh["detail"] and "标记语言" in zh["detail"]
    ole = upload("旧表.xlsx", XLSX, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    zh = said(await client.post(url, json=ole, headers={**key, **ZH}), 422, "validation-failed", "zh-CN")
    assert "旧版 Office 文件（OLE）" in zh["detail"] and "另存为 .xlsx" in zh["detail"]

    exe = upload("工具.exe", "application/x-msdownload", b"MZ")
    zh = said(await client.post(url, json=exe, headers={**key, **ZH}), 415, "unsupported-media-type", "zh-CN")
    assert zh["detail"].startswith("不接受内容类型 'application/x-msdownload'；可用：application/pdf")
    said(await client.post(url, json=exe, headers={**key, **EN}), 415, "unsupported-media-type", "en")
    # Without Accept-Language the call API keeps English (its clients were written against it).
    default = await client.post(url, json=png_as_text, headers=key)
    assert default.headers["content-language"] == "en" and "declare image/png" in default.json()["detail"]
    call_id = uuid.UUID(raised.json()["id"])
    assert await owner_fetchval("SELECT count(*) FROM call_attachments WHERE call_id = $1", call_id) == 0


async def test_names_the_file_store_refuses(
    client: httpx.AsyncClient,
    taian: Taian,  # noqa: F811
    make_tenant: MakeTenant,
) -> None:
    raised = await client.post(taian.calls, json=fire_call(), headers=taian.auth(taian.township))
    url = f"{taian.calls}/{raised.json()['id']}/attachments"
    long_name = upload("岱庙街道森林防火巡查情况报告" * 7 + ".pdf", "application/pdf", b"%PDF-1.4\n")
    assert len(long_name["filename"]) < 200 < len(long_name["filename"].encode())  # short in characters, not bytes
    key = taian.auth(taian.township)
    zh = said(await client.post(url, json=long_name, headers={**key, **ZH}), 422, "validation-failed", "zh-CN")
    assert zh["errors"] == [
        {"field": "filename", "message": "文件名太长：按 UTF-8 编码最多 255 字节（约 85 个汉字），请改短后再上传"}
    ]
    en = said(await client.post(url, json=long_name, headers={**key, **EN}), 422, "validation-failed", "en")
    assert en["errors"][0]["message"].startswith("at most 255 bytes in UTF-8")

    # A key a person gives a workflow step (the minutes of an admission's decision)
    ls = await longsha(client, make_tenant)
    created = await client.post(f"{ls.t.base}/admissions", json=application(), headers=ls.auth("association"))
    aid = created.json()["id"]

    async def step(who: str, transition: str, headers: dict[str, str] | None = None, **inputs: Any) -> httpx.Response:
        body = {"transition": transition, "inputs": inputs}
        return await client.post(
            f"{ls.t.base}/admissions/{aid}/transitions", json=body, headers={**ls.auth(who), **(headers or {})}
        )

    for who, transition, inputs in (
        ("admin", "open", {"opinion": "启动准入程序"}),
        ("justice", "review", {"opinion": "合法", "conclusion": "pass"}),
        ("business", "review", {"opinion": "合理", "conclusion": "pass"}),
        ("admin", "consult_townships", {"townships": [WULONG, NANHANG]}),
        ("wulong", "give_opinion", {"opinion": "同意", "position": "agree"}),
        ("nanhang", "give_opinion", {"opinion": "同意", "position": "agree"}),
        ("admin", "finish_consultation", {}),
    ):
        assert (await step(who, transition, **inputs)).status_code == 200, (transition, inputs)
    climbing = {"decision_text": "同意", "minutes": "../纪要.pdf"}
    zh = said(await step("admin", "approve", ZH, **climbing), 422, "validation-failed", "zh-CN")
    assert zh["errors"] == [
        {
            "field": "inputs.minutes",
            "message": "须为已存储文件的存储键：存储键 '../纪要.pdf' 不可用：存储键含有“..”段。"
            "请使用以“/”分隔的相对名称，如 exports/2024/清单.xlsx",
        }
    ]
    assert zh["detail"] == "inputs.minutes：" + zh["errors"][0]["message"]
    en = said(await step("admin", "approve", EN, **climbing), 422, "validation-failed", "en")
    assert en["errors"][0]["message"] == (
        "the key of a stored file: invalid object key '../纪要.pdf': the key contains a '..' segment;"
        " use relative, '/'-separated names such as 'exports/2024/清单.xlsx'"
    )

    # A download link that is no link: a person follows it, so Chinese unless asked otherwise
    forged = await client.get("/files/nonsense")
    assert forged.status_code == 422 and forged.json()["detail"] == "下载链接无效，请重新获取"
    english = await client.get("/files/nonsense", headers=EN)
    assert english.json()["detail"] == "the download link is invalid; ask for a new one"
    assert forged.json()["code"] == english.json()["code"] == "file-unavailable"


# --- a catalog workbook's rows -------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["编码", "上级编码", "层级", "事项名称", "清单类型", "主体责任", "高频事项"]
ROWS = [
    ["", "9999", "职责任务", "安全生产隐患排查", "基本履职事项", "区应急管理局", "否"],  # 2: no such parent
    ["", "", "职责任务", "消防安全检查", "基本履职事项", "区应急管理局", "否"],  # 3: a duty task needs a parent
    ["", "", "职责", "防汛值守", "基本履职事项", "区应急管理局", "否"],  # 4: no such level
    ["", "", "三定规定", "秸秆禁烧巡查", "基本履职事项", "区应急局", "否"],  # 5: no such unit
    ["", "", "三定规定", "森林防火", "基本履职事项", "区应急管理局", "也许"],  # 6: neither yes nor no
    ["柳城-001", "", "三定规定", "燃气安全", "基本履职事项", "区应急管理局", "否"],  # 7: a malformed code
]
EXPECTED = {
    (2, "上级编码", "parent-missing"),
    (3, "上级编码", "needs-parent"),
    (4, "层级", "unknown-level"),
    (5, "主体责任", "unknown-unit"),
    (6, "高频事项", "yes-no"),
    (7, "编码", "bad-code"),
}


def workbook() -> bytes:
    wb = Workbook()
    for row in [HEADER, *ROWS]:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


async def test_workbook_rows_by_row_and_column_header(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    t: TenantFixture = await make_tenant("wenjiang")
    url, data = f"{t.base}/catalog/import", workbook()
    params = {"reason_kind": "other", "reason": "导入柳城街道清单"}

    async def send(dry_run: bool, headers: dict[str, str]) -> httpx.Response:
        query = {**params, "dry_run": str(dry_run).lower()}
        return await client.post(url, params=query, content=data, headers={**t.auth(), "Content-Type": XLSX, **headers})

    zh = (await send(True, {})).json()  # people read it: Chinese without Accept-Language
    found = {(e["row"], e["column"], e["key"]): e for e in zh["errors"]}
    assert set(found) == EXPECTED, zh["errors"]
    for e in zh["errors"]:
        assert e["message"] == f"第{e['row']}行「{e['column']}」：{e['problem']}", e
        assert not re.search(r"[A-Za-z_]{4,}", e["problem"]), e  # no English, no codes, no patterns
    assert found[(2, "上级编码", "parent-missing")]["problem"].startswith("上级编码 9999 在目录中不存在")
    assert (
        found[(3, "上级编码", "needs-parent")]["problem"]
        == "「职责任务」事项要有上级编码：填写上级编码，或改为三定规定"
    )
    level = found[(4, "层级", "unknown-level")]
    assert level["suggestions"][0] == "职责任务" and "您是不是要写「职责任务」" in level["problem"]
    assert found[(5, "主体责任", "unknown-unit")]["suggestions"][0] == "区应急管理局"

    refused = said(await send(False, ZH), 422, "validation-failed", "zh-CN")
    assert {e["field"] for e in refused["errors"]} == {f"第{row}行「{column}」" for row, column, _ in EXPECTED}
    assert refused["detail"] == "6行中有6处问题，未导入任何内容：按 errors 中的行号和列名逐一修改后重新导入"

    en = (await send(True, EN)).json()
    assert {(e["row"], e["column"], e["key"]) for e in en["errors"]} == EXPECTED  # the same stable keys
    by_key = {e["key"]: e for e in en["errors"]}
    assert by_key["needs-parent"]["message"] == (
        "row 3, 上级编码: a 职责任务 item needs a parent code: fill it in, or make it a 三定规定 item"
    )
    assert by_key["unknown-level"]["problem"].startswith("no level '职责': write one of")
    assert "did you mean 职责任务?" in by_key["unknown-level"]["problem"]
    refused = said(await send(False, EN), 422, "validation-failed", "en")
    assert {e["field"] for e in refused["errors"]} == {f"row {row}: {column}" for row, column, _ in EXPECTED}
    assert refused["detail"].startswith("6 problems in 6 rows; nothing was imported")


def test_every_rule_of_an_item_is_said_by_row_and_column_in_both_languages() -> None:
    """The catalog's own rules (``item_problems``, which name fields and codes for API clients)
    as a person reads them in a workbook: by column header and label, each by its catalogue key —
    and a plugin's rule in its own words."""
    from core.catalog.editing import item_problems
    from core.catalog.reading import ItemCreate, RecoveryData, ResponsibilityData
    from core.exchange.rows import Codes, Header, Speaker, explain
    from core.exchange.tables import Table
    from core.platform.errors import FieldError
    from core.plugin_api import registry
    from core.plugin_api.types import Problem

    structure = registry.structure("wenjiang")
    header = Header(
        Table(["编码", "上级编码", "层级", "事项名称", "清单类型", "事项分类", "主体责任", "事项类型"], []), structure
    )
    codes = Codes(structure, {"emergency-management-bureau": "区应急管理局"})
    duty = ResponsibilityData("emergency-management-bureau", "primary", "负责", 60)
    township = ResponsibilityData("township", "cooperating", "配合")
    under = {"level": "duty_task", "parent_code": "1000"}
    cases: list[tuple[dict[str, Any], dict[str, Any], str, str]] = [
        # (item, item_problems' arguments, the row problem's key, its column)
        ({"level": "duty_task"}, {}, "needs-parent", "上级编码"),
        (under, {}, "parent-missing", "上级编码"),
        (under, {"parent": ("mandate", "withdrawn")}, "parent-withdrawn", "上级编码"),
        (under, {"parent": ("duty_task", "active"), "cycle": True}, "parent-cycle", "上级编码"),
        ({**under, "level": "work_item"}, {"parent": ("mandate", "active")}, "level-under", "层级"),
        ({**under, "level": "matter"}, {"parent": ("work_item", "active")}, "item-kind-for-level", "事项分类"),
        ({"responsibilities": [duty, township]}, {}, "shares", "主体责任"),
        ({"kinds": ["recovered"]}, {}, "recovery-needed", "收回承接部门"),
        ({"recovery": RecoveryData("", "区级执法", "无执法力量")}, {}, "required", "收回承接部门"),
        ({"extra": {"power_type": "一般"}}, {}, "bad-value", "事项类型"),
    ]  # fmt: skip
    for fields, arguments, key, column in cases:
        item = ItemCreate(**{"code": "1001", "title": "森林防火", "level": "mandate", "kinds": ["basic"], **fields})
        found = item_problems(
            structure, item, parent=arguments.get("parent"), units=set(codes.units), cycle=arguments.get("cycle", False)
        )
        assert found, (key, item)
        zh, en = (
            explain(7, found[0], item, header, codes, Speaker(language)) for language in (messages.ZH, messages.EN)
        )
        assert (zh.key, zh.column, en.key, en.column) == (key, column, key, column), (zh, found[0])
        assert CJK.search(zh.problem) and not re.search(r"[A-Za-z_]{4,}", zh.problem), zh.problem
        assert zh.message.startswith(f"第7行「{column}」：") and en.message.startswith(f"row 7, {column}: "), en
        assert re.search(r"\b[a-z]{3,}\b", en.problem), en.problem
    plugin = Problem(
        "extra.source_lists", "温江：每个事项须注明来自哪张上级清单", {"en": "Wenjiang: name the source list"}
    )
    item = ItemCreate("1001", "森林防火", "matter", ["basic"], item_kind="service")
    rule = FieldError(plugin.field, plugin.message, plugin.text())
    zh, en = (explain(7, rule, item, header, codes, Speaker(language)) for language in (messages.ZH, messages.EN))
    assert (zh.key, zh.problem, en.problem) == (
        "rule",
        "温江：每个事项须注明来自哪张上级清单",
        "Wenjiang: name the source list",
    )
