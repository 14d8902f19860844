"""API problems in the language asked: the catalogue is complete (every code raised in the
code base, every message key used) and renders in both languages; real routes answer
Chinese with ``Accept-Language: zh-CN`` over REST and GraphQL and English without it."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.errors import _HTTP_CODES
from core.platform import messages
from core.platform.errors import QingdanError
from tests.conftest import TenantFixture, issue_key
from tests.test_graphql import CREATE_UNIT, DELETE_UNIT, UPDATE_UNIT

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for d in ("core", "api", "tenants", "plugins") for p in (ROOT / d).rglob("*.py"))
ZH_HEADERS = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _fields(template: str) -> dict[str, str]:
    """Each parameter of a template and its format spec."""
    return {
        name.split(".")[0].split("[")[0]: spec or ""
        for _, name, spec, _ in string.Formatter().parse(template)
        if name is not None
    }


def _sample(name: str, spec: str) -> Any:
    return 12345 if spec else f"<{name}>"  # a number where the template formats one


@pytest.mark.parametrize("key", sorted(messages.CATALOGUE))
def test_every_catalogued_message_renders_in_both_languages_with_its_parameters(key: str) -> None:
    templates = messages.CATALOGUE[key]
    assert set(templates) == set(messages.LANGUAGES), key
    params = {**_fields(templates[messages.EN]), **_fields(templates[messages.ZH])}
    values = {name: _sample(name, spec) for name, spec in params.items()}
    zh, en = (messages.render(key, language, **values) for language in (messages.ZH, messages.EN))
    # Every parameter the English detail quotes is in the Chinese one too (decode.* and http.*
    # keep msgspec's and litestar's own English sentence, ``raw``/``detail``, and say it in parts;
    # plugin.rule carries a plugin's words per language, ``zh`` and ``en``)
    for name, value in values.items():
        if name in _fields(templates[messages.EN]) and name not in ("raw", "detail", "en"):
            assert str(value) in zh or isinstance(value, int), (key, name, zh)
    zh_words, en_words = (
        "".join(t for t, *_ in string.Formatter().parse(templates[lang])) for lang in (messages.ZH, messages.EN)
    )
    if re.search(r"[A-Za-z]{4,}", en_words):
        assert CJK.search(zh_words), (key, zh)  # the Chinese says it in Chinese
    assert zh and en


def test_every_problem_code_raised_has_a_title_in_both_languages() -> None:
    """Scans the source: a problem code that is raised (an error class's ``code``, a problem
    answered at the edge) without a catalogued title fails here."""
    patterns = [
        re.compile(r'\bcode(?:, title)? = (?:\d+, )?"([a-z][a-z-]+)"'),  # status, code, title = 404, "not-found", …
        re.compile(r'\bproblem\(\s*request,\s*[^,]+,\s*"([a-z][a-z-]+)"'),
        re.compile(r'\bsend_problem\(\s*[^,]+,\s*[^,]+,\s*\d+,\s*"([a-z][a-z-]+)"'),
        re.compile(r'\bRefusal\(\s*\d+,\s*"([a-z][a-z-]+)"'),
        re.compile(r'_refuse\(\s*\d+,\s*"[^"]*",\s*"([a-z][a-z-]+)"'),
        re.compile(r'\{"code": "([a-z][a-z-]+)", "status"'),
    ]
    raised = {c for path in SOURCES for p in patterns for c in p.findall(path.read_text(encoding="utf-8"))}
    raised |= {code for code, _ in _HTTP_CODES.values()} | {"http-error"}

    def subclasses(cls: type[QingdanError]) -> set[type[QingdanError]]:
        return {cls} | {s for c in cls.__subclasses__() for s in subclasses(c)}

    import api.app  # noqa: F401 - every module with an error class

    raised |= {cls.code for cls in subclasses(QingdanError)}
    assert len(raised) > 25, raised  # the scan found the codes (a pattern gone stale finds none)
    missing = sorted(c for c in raised if set(messages.PROBLEM_TITLES.get(c, {})) != set(messages.LANGUAGES))
    assert not missing, f"problem codes without a zh-CN/en title in core/platform/messages.py: {missing}"
    # litestar's own refusals have a catalogued detail per code
    assert all(f"http.{code}" in messages.CATALOGUE for code, _ in _HTTP_CODES.values())


def test_every_message_key_used_in_the_source_is_catalogued() -> None:
    used: dict[str, Path] = {}
    for path in SOURCES:
        for key in re.findall(r'\b(?:Text|MessageText)\(\s*"([a-z][\w.-]*)"', path.read_text(encoding="utf-8")):
            used.setdefault(key, path)
    assert len(used) > 300, len(used)
    missing = {key: str(path.relative_to(ROOT)) for key, path in used.items() if key not in messages.CATALOGUE}
    assert not missing, missing


ERROR_CLASSES = {
    "QingdanError", "InvalidInput", "Unauthenticated", "PermissionDenied", "NotFound", "Conflict",
    "PreconditionFailed", "PreconditionRequired", "ValidationFailed", "ContentTooLarge", "PayloadTooLarge",
    "UnsupportedMediaType", "HandbookUnavailable", "PluginError", "UnknownPlugin", "DatabaseUnavailable",
}  # fmt: skip


def test_no_problem_is_raised_with_english_words_only() -> None:
    """A problem whose detail is written in place (``NotFound(f"no call {id}")``) cannot answer
    in Chinese: details are catalogued (``NotFound(Text("not-found.no-call", call_id=id))``)."""
    written: list[str] = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or any(k.arg == "text" for k in node.keywords):
                continue
            f = node.func
            if isinstance(f, ast.Name) and f.id in ERROR_CLASSES and node.args:
                arg = node.args[0]
            elif isinstance(f, ast.Attribute) and f.attr == "on" and getattr(f.value, "id", "") == "ValidationFailed":
                arg = node.args[1]
            else:
                continue
            if _english(arg):
                written.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not written, written


def _english(arg: ast.expr) -> bool:
    """A message written in place: a literal, an f-string, ``"; ".join(…)``, ``"a" + b``,
    ``.format(…)`` or ``text.render("en")`` — English whatever the caller asked for."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return True
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr in ("join", "render"):
        return True
    return _made_in_place(arg)


def test_no_field_error_is_written_in_english_only() -> None:
    """A field error's message is catalogued too (``FieldError.said(field, Text(…))``, or a
    ``FieldError(field, english, text)``): a message written in place stays English in a
    Chinese problem."""
    written = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, node in _calls("FieldError")
        if len(node.args) == 2 and not node.keywords and _english(node.args[1])
    ]
    assert len(_calls("FieldError")) > 10
    assert not written, written


def test_row_problems_never_carry_a_rules_english_words() -> None:
    """An import or merge problem (``speak.row``, a ``Text``) that passes on another error's words
    passes its ``Text`` (``message=problem.text or problem.message``), never its English
    ``message``/``detail`` alone, nor words written in place."""
    calls = [(p, n) for name in ("row", "Text", "MessageText") for p, n in _calls(name) if p.parent.name == "exchange"]
    english = [
        f"{path.relative_to(ROOT)}:{node.lineno} {k.arg}="
        for path, node in calls
        for k in node.keywords
        if (isinstance(k.value, ast.Attribute) and k.value.attr in ("message", "detail")) or _english(k.value)
    ]
    assert len(calls) > 40, len(calls)
    assert not english, english


def test_language_negotiation_and_validation_messages() -> None:
    from core.platform import decoding

    assert messages.negotiate("zh-CN,zh;q=0.9,en;q=0.8") == messages.ZH
    assert messages.negotiate("en;q=0.9,zh-TW;q=0.95") == messages.ZH
    assert messages.negotiate("fr") == messages.EN
    said = decoding.text("Expected `str` of length <= 300 - at `$.name`")
    assert said.render(messages.EN) == "Expected `str` of length <= 300 - at `$.name`"
    assert said.render(messages.ZH) == "字符串的长度须不大于 300"
    assert decoding.text("Object missing required field `code`").render(messages.ZH) == "缺少必填字段 code"


# --- real routes --------------------------------------------------------------------------

STREET = {"code": "510115001000", "name": "柳城街道", "kind": "street", "parent_code": "510115"}
BUREAU = {"code": "justice-bureau", "name": "区司法局", "kind": "department", "jurisdiction_code": "510115"}
AGENCY = {
    "code": "liucheng-justice-office",
    "name": "柳城司法所",
    "kind": "dispatched_agency",
    "jurisdiction_code": "510115001000",
    "parent_unit_code": "justice-bureau",
    "host_township_codes": ["510115001000"],
}


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    for path, body in (("jurisdictions", STREET), ("units", BUREAU), ("units", AGENCY)):
        created = await client.post(f"{tenant.base}/{path}", json=body, headers=tenant.auth())
        assert created.status_code == 201, created.text
    return tenant


def chinese(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The problem, checked to be in Chinese (title, detail and field messages)."""
    assert response.status_code == status, response.text
    assert response.headers["content-language"] == "zh-CN", response.headers
    body = response.json()
    assert body["code"] == code and body["type"].endswith("/" + code), body
    assert body["title"] == messages.PROBLEM_TITLES[code][messages.ZH], body
    for text in [body["detail"], *(e["message"] for e in body.get("errors", []))]:
        assert CJK.search(text) and not re.search(r"\b(?:the|is|not|no|must|use)\b", text), text

    return body


async def test_rest_problems_answer_chinese_when_asked(client: httpx.AsyncClient, county: TenantFixture) -> None:
    zh = {**county.auth(), **ZH_HEADERS}
    units = f"{county.base}/units"

    missing = chinese(await client.get(f"{units}/nope", headers=zh), 404, "not-found")
    assert missing["detail"] == "没有编码为 nope 的单位"
    english = await client.get(f"{units}/nope", headers=county.auth())  # the machine API's default
    assert english.headers["content-language"] == "en" and english.json()["detail"] == "no unit with code nope"
    assert english.json()["title"] == "Not found"

    in_use = chinese(await client.delete(f"{units}/justice-bureau", headers=zh), 409, "conflict")
    assert in_use["detail"] == "仍在使用中：还有其他「单位」记录引用它", in_use

    stale = {"contacts": [{"name": "张三", "phone": "028-82700000"}], "version": 99}
    chinese(await client.patch(f"{units}/justice-bureau", json=stale, headers=zh), 412, "precondition-failed")

    wrong = chinese(await client.post(units, json={**AGENCY, "kind": "ministry"}, headers=zh), 422, "validation-failed")
    assert wrong["errors"][0] == {
        "field": "kind",
        "message": "没有这种单位类型：请用「department」、「township_office」、「dispatched_agency」"
        "、「committee」之一",
    }, wrong

    malformed = chinese(await client.post(units, json={**AGENCY, "code": "柳城"}, headers=zh), 400, "invalid-request")
    assert malformed["errors"][0]["field"] == "code", malformed

    township = await issue_key(county, client, "township", "510115001000")
    other = {**BUREAU, "code": "new-bureau", "name": "新局"}
    refused = chinese(
        await client.post(units, json=other, headers={**county.auth(township), **ZH_HEADERS}), 403, "forbidden"
    )
    assert refused["detail"] == "乡镇(街道)密钥不能执行「新建单位 new-bureau」", refused  # role and action by name

    unknown_route = chinese(await client.get(f"{county.base}/nowhere", headers=zh), 404, "not-found")
    assert unknown_route["detail"] == messages.render("http.not-found", messages.ZH, detail="")


FIRST_TOO_LARGE = "query($s: String!) { tenant(slug: $s) { jurisdictions(first: 100000) { items { code } } } }"


async def graphql(client: httpx.AsyncClient, key: str, query: str, language: str | None, **variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {key}", **({"Accept-Language": language} if language else {})}
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_graphql_errors_and_problems_answer_chinese_when_asked(
    client: httpx.AsyncClient, county: TenantFixture
) -> None:
    [error] = (await graphql(client, county.admin, FIRST_TOO_LARGE, "zh-CN", s=county.slug))["errors"]
    assert error["message"] == "first：须在 1 到 500 之间", error
    assert error["extensions"]["code"] == "validation-failed"
    assert error["extensions"]["errors"] == [{"field": "first", "message": "须在 1 到 500 之间"}]
    [english] = (await graphql(client, county.admin, FIRST_TOO_LARGE, None, s=county.slug))["errors"]
    assert english["message"] == "first: must be between 1 and 500"

    async def problem(key: str, query: str, **variables: Any) -> dict[str, Any]:
        data = (await graphql(client, key, query, "zh-CN", tenant=county.slug, **variables))["data"]
        [answer] = data.values()
        assert answer["__typename"] == "Problem", answer
        for text in [answer["detail"], answer.get("title", "中"), *(e["message"] for e in answer["errors"])]:
            assert CJK.search(text), answer
        return answer

    patch = {"name": "新名称"}
    missing = await problem(county.admin, UPDATE_UNIT, code="nope", version=1, input=patch)
    assert (missing["status"], missing["type"], missing["detail"]) == (404, "not-found", "没有编码为 nope 的单位")
    stale = await problem(county.admin, UPDATE_UNIT, code="justice-bureau", version=99, input=patch)
    assert (stale["status"], stale["title"]) == (412, "版本已过期")
    assert (await problem(county.admin, DELETE_UNIT, code="justice-bureau"))["status"] == 409
    wrong = await problem(county.admin, CREATE_UNIT, input={**AGENCY_INPUT, "kind": "ministry"})
    assert (wrong["status"], wrong["errors"][0]["field"]) == (422, "kind")
    township = await issue_key(county, client, "township", "510115001000")
    bureau = {"code": "new-bureau", "name": "新局", "kind": "department", "jurisdictionCode": "510115"}
    assert (await problem(township, CREATE_UNIT, input=bureau))["status"] == 403


AGENCY_INPUT = {
    "code": "gongping-office",
    "name": "公平司法所",
    "kind": "dispatched_agency",
    "jurisdictionCode": "510115001000",
    "parentUnitCode": "justice-bureau",
    "hostTownshipCodes": ["510115001000"],
}


def test_a_plugin_rule_message_carries_its_languages() -> None:
    """A plugin writes its rule's message once (the shipped ones in Chinese) and may give it
    in other languages; the caller's language picks, ``message`` stands in for a missing one."""
    from core.platform.errors import FieldError, ValidationFailed
    from core.plugin_api.types import Problem

    both = Problem(
        "item_code", "东山：清单外事项不得作为乡镇考核指标", {"en": "Dongshan: an off-list item is no indicator"}
    )
    only = Problem("title", "事项名称须写明主体")
    errors = [FieldError(p.field, p.message, p.text()) for p in (both, only)]
    refused = ValidationFailed.listing(errors)
    assert refused.localized(messages.EN) == (
        "item_code: Dongshan: an off-list item is no indicator; title: 事项名称须写明主体",
        messages.EN,
    )
    assert (
        refused.localized(messages.ZH)[0]
        == "item_code：东山：清单外事项不得作为乡镇考核指标；title：事项名称须写明主体"
    )
    assert [e.message for e in refused.localized_errors(messages.EN)] == [
        "Dongshan: an off-list item is no indicator",
        "事项名称须写明主体",
    ]
    assert refused.detail == refused.localized(messages.EN)[0]  # logs and old clients read English


def test_every_action_a_refusal_names_is_catalogued() -> None:
    """A permission refusal names what the key may not do by a phrase of the service's
    (``require_admin(access, "edit the catalog")``); each literal phrase has its Chinese."""
    from core.platform.problem_details import ACTIONS

    calls = re.compile(
        r'\b(?:require_admin|require_county_office|deny)\(\s*access,\s*"([^"]+)"\)'
        r"|\b(?:require_township_actor|require_unit_actor|require_division_write|_require_township_editor)"
        r'\(\s*access,\s*[^,()]+,\s*"([^"]+)"\)'
        r'|\brequire_unit_write\([^)]*action="([^"]+)"'
    )
    named = {p for path in SOURCES for found in calls.findall(path.read_text(encoding="utf-8")) for p in found if p}
    assert len(named) > 30, named
    assert not sorted(named - set(ACTIONS)), sorted(named - set(ACTIONS))


# --- messages assembled at run time -------------------------------------------------------


def _calls(name: str) -> list[tuple[Path, ast.Call]]:
    """Every call of a function (or method) called ``name`` in the sources."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                called = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if called == name:
                    found.append((path, node))
    return found


def _made_in_place(arg: ast.expr) -> bool:
    """A string written at run time: an f-string, a concatenation or ``.format``."""
    if isinstance(arg, ast.JoinedStr):
        return True
    if isinstance(arg, ast.BinOp) and any(isinstance(x, ast.Constant | ast.JoinedStr) for x in (arg.left, arg.right)):
        return True
    return isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format"


REFUSERS = (
    "deny", "require_admin", "require_county_office", "require_township_actor", "require_unit_actor",
    "require_division_write", "_require_township_editor",
)  # fmt: skip


def test_no_refusal_names_its_action_in_a_phrase_made_at_run_time() -> None:
    """``deny(access, f"read the posts of {township}")`` cannot be said in Chinese: a refusal
    whose object is made at run time names it by a catalogued ``Text`` (``action.read-posts``)."""
    made = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for name in REFUSERS
        for path, node in _calls(name)
        if any(_made_in_place(a) for a in node.args)
    ]
    assert not made, made


def test_states_inside_messages_are_said_by_their_labels() -> None:
    """A state or status quoted in a message is a ``label(...)`` (已签收, not ``signed_for``);
    an unknown value the caller sent (``field.unknown-…``) is echoed as sent, and a workflow
    state goes with its definition's ``label``."""
    raw = []
    for path, node in _calls("Text"):
        if not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        key, named = node.args[0].value, {k.arg: k.value for k in node.keywords}
        if str(key).startswith("field.unknown-") or "label" in named:
            continue
        for word in ("state", "status"):
            value = named.get(word)
            if value is not None and not (
                isinstance(value, ast.Call) and getattr(value.func, "id", "") in ("label", "_state")
            ):
                raw.append(f"{path.relative_to(ROOT)}:{node.lineno} {key} {word}=")
    assert len(_calls("label")) > 5
    assert not raw, raw


STORAGE_ERRORS = (
    "ObjectNotFound", "LinkExpired", "ObjectTooLarge", "UnsupportedContentType", "InvalidObject", "ContentMismatch",
    "ContentProblem",
)  # fmt: skip


def test_storage_refusals_a_person_reads_are_catalogued() -> None:
    """The file store's refusals a person meets (too large, type not accepted, no such file, a
    link invalid or expired, a key refused, content that is not its declared type) carry their
    ``Text``: made of one (``InvalidObject(Text(…))``) or beside the English message."""

    def catalogued(node: ast.Call) -> bool:
        first = node.args[0] if node.args else None
        return len(node.args) >= 2 or (first is not None and not _english(first))

    calls = [(path, node) for name in STORAGE_ERRORS for path, node in _calls(name)]
    bare = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, node in calls
        if path.name in ("storage.py", "content_check.py") and not catalogued(node)
    ]
    assert {n.func.id for _, n in calls if isinstance(n.func, ast.Name)} >= {"InvalidObject", "ContentProblem"}
    assert not bare, bare


def test_refusals_before_the_headers_are_read_are_catalogued() -> None:
    """408/431 are answered by the server protocol before the request is parsed: their detail
    is a ``Text``, said in the language of the ``Accept-Language`` bytes received so far."""
    from api import limits

    refusals = [node for path, node in _calls("_refuse") if path.name == "limits.py"]
    assert len(refusals) == 2
    for node in refusals:
        detail = node.args[3]
        assert isinstance(detail, ast.Call) and getattr(detail.func, "id", "") == "Text", ast.dump(detail)
    zh = limits._raw_problem(
        431, "Request Header Fields Too Large", "request-header-fields-too-large",
        messages.Text("raw.headers-too-large", limit=limits.MAX_HEADER_BYTES), "zh-CN,zh;q=0.9",
    )  # fmt: skip
    head, _, body = zh.partition(b"\r\n\r\n")
    assert b"content-language: zh-CN" in head
    assert "请求行和请求头超过 65,536 字节" in body.decode() and "请求头过大" in body.decode()
    found = limits._ACCEPT_LANGUAGE.search(b"GET / HTTP/1.1\r\nHost: x\r\nAccept-Language: zh-CN\r\nX-Pad: aaa")
    assert found and found.group(1) == b"zh-CN"


async def test_database_and_storage_details_answer_chinese_when_asked() -> None:
    """The details of a database away and of a refused file are catalogued."""
    from core.platform import db, storage

    away = db.unavailable(TimeoutError())
    assert away.localized(messages.ZH)[0] == "数据库没有及时响应，未做任何修改；请几秒钟后重试"
    assert away.localized(messages.EN)[0].startswith("the database did not answer in time")
    try:
        storage.verify_download("secret", "nonsense")
    except storage.StorageError as exc:
        assert exc.text is not None and exc.text.render(messages.ZH) == "下载链接无效，请重新获取"
    else:
        raise AssertionError("a forged link passed")


async def test_keys_and_tenants_answer_chinese_when_asked(client: httpx.AsyncClient, county: TenantFixture) -> None:
    """What an integrator meets first — no key, a bad key, a taken slug, a department key with
    no department — is said in Chinese when asked, in English otherwise, with the same code."""
    zh = dict(ZH_HEADERS)
    assert "Bearer" in chinese(await client.get(f"{county.base}/units", headers=zh), 401, "unauthenticated")["detail"]
    bad = {**zh, "Authorization": "Bearer nope"}
    assert "qd_" in chinese(await client.get(f"{county.base}/units", headers=bad), 401, "unauthenticated")["detail"]
    taken = {"slug": county.slug, "name": "重名", "division_code": "350626"}
    platform = {**zh, "Authorization": f"Bearer {county.platform}"}
    conflict = chinese(await client.post("/api/v1/tenants", json=taken, headers=platform), 409, "conflict")
    assert conflict["detail"] == f"租户「{county.slug}」已存在" and conflict["errors"][0]["field"] == "slug"
    english = await client.post("/api/v1/tenants", json=taken, headers={"Authorization": f"Bearer {county.platform}"})
    assert english.json()["detail"] == f"tenant {county.slug!r} already exists", english.text
    key = {"name": "部门", "role": "department"}
    admin = {**zh, "Authorization": f"Bearer {county.admin}"}
    refused = chinese(await client.post(f"{county.base}/api-keys", json=key, headers=admin), 422, "validation-failed")
    assert refused["errors"][0]["field"] == "scope_code", refused
