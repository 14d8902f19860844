"""Text for people, in the language they ask for: one catalogue keyed by message code.

A message a person reads (a problem's ``title`` and ``detail``, an import report's row
problems) is a :class:`Text` — a stable ``key`` and its parameters — rendered late, once the
language is known. ``key`` never changes; clients and tests branch on it (and on a problem's
``code``), never on the words.

Languages: ``zh-CN`` and ``en``. The caller picks one with ``Accept-Language``
(:func:`negotiate`); without one, people-facing outputs (Excel import reports and their
problems, the template) answer in ``zh-CN`` and the other API problems keep ``en``, which
their machine clients were written against. A problem whose detail is not catalogued yet
keeps its English detail whatever was asked; ``Content-Language`` on the response says which
language the detail is in (docs/decisions.md, "Messages for people").

Parameters are formatted into both templates. A ``suggestions`` parameter (what the person
probably meant, by its Chinese label) is appended as "did you mean …" in the language asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.platform.problem_details import DETAILS

ZH = "zh-CN"
EN = "en"
LANGUAGES = (ZH, EN)


def negotiate(accept_language: str | None, default: str = EN) -> str:
    """The language of ``Accept-Language`` (RFC 9110 weights) we speak best; ``default``
    when it names neither (or is absent, or is ``*``)."""
    if not accept_language:
        return default
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                weight = float(params[2:])
            except ValueError:
                weight = 0.0
        tag = tag.strip().lower()
        if weight <= 0:
            continue
        if tag.startswith("zh"):
            ranked.append((weight, position, ZH))
        elif tag.startswith("en"):
            ranked.append((weight, position, EN))
        elif tag == "*":
            ranked.append((weight, position, default))
    if not ranked:
        return default
    return min(ranked, key=lambda r: (-r[0], r[1]))[2]


@dataclass(frozen=True, init=False)
class Text:
    """A catalogued message: ``key`` into :data:`CATALOGUE`, and what to fill in (a mapping,
    or by name: ``Text("not-found.no-call", call_id=7)``)."""

    key: str
    params: Mapping[str, Any]

    def __init__(self, key: str, params: Mapping[str, Any] | None = None, /, **named: Any) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", {**(params or {}), **named})

    def render(self, language: str) -> str:
        return render(self.key, language, **self.params)


def label(group: str, value: str) -> Text | str:
    """A state or status named inside a message, as people name it (``label("call-state",
    "signed_for")`` → 已签收 in Chinese); a value the catalogue does not hold stays as it is."""
    key = f"{group}.{value}"
    return Text(key) if key in CATALOGUE else value


def _quoted(values: Any, language: str) -> str:
    if language == ZH:
        return "、".join(f"「{v}」" for v in values)
    return ", ".join(str(v) for v in values)


class Choices(tuple):
    """Words listed inside a message (states, actions), each said in the language asked and
    quoted as a list (「已派单」、「已签收」), not joined as sentences."""


def _value(value: Any, language: str) -> Any:
    if isinstance(value, Choices):
        return _quoted([_value(v, language) for v in value], language)
    if isinstance(value, Text):
        return value.render(language)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Text) for v in value):
        return ("；" if language == ZH else "; ").join(v.render(language) for v in value)  # sentences
    if isinstance(value, list | tuple):
        return _quoted(value, language)
    return value


def render(key: str, language: str, **params: Any) -> str:
    """The message ``key`` in ``language`` (English when the key has no such translation)."""
    templates = CATALOGUE[key]
    template = templates.get(language) or templates[EN]
    values = {k: _value(v, language) for k, v in params.items()}
    text = template.format(**values)
    suggestions = params.get("suggestions")
    if suggestions:
        text += CATALOGUE["did-you-mean"][language if language in LANGUAGES else EN].format(
            suggestions=_quoted(suggestions, language)
        )
    return text


def title(code: str, language: str, fallback: str) -> str:
    """A problem's title by its stable ``code``."""
    return PROBLEM_TITLES.get(code, {}).get(language, fallback)


#: A problem's title by its ``code`` (the end of its ``type`` URI).
PROBLEM_TITLES: dict[str, dict[str, str]] = {
    "bad-request": {ZH: "请求有误", EN: "Bad request"},
    "invalid-request": {ZH: "请求有误", EN: "Invalid request"},
    "invalid-json": {ZH: "JSON 格式有误", EN: "Invalid JSON"},
    "unauthenticated": {ZH: "需要登录凭据", EN: "Authentication required"},
    "forbidden": {ZH: "没有权限", EN: "Not allowed"},
    "not-found": {ZH: "未找到", EN: "Not found"},
    "method-not-allowed": {ZH: "不支持该请求方法", EN: "Method not allowed"},
    "conflict": {ZH: "冲突", EN: "Conflict"},
    "precondition-failed": {ZH: "版本已过期", EN: "Stale version"},
    "precondition-required": {ZH: "需要版本号", EN: "Version required"},
    "payload-too-large": {ZH: "请求体过大", EN: "Request body too large"},
    "content-too-large": {ZH: "内容过大", EN: "Content too large"},
    "unsupported-media-type": {ZH: "不支持的内容类型", EN: "Unsupported media type"},
    "validation-failed": {ZH: "输入有误", EN: "Invalid input"},
    "too-many-requests": {ZH: "请求过于频繁", EN: "Too many requests"},
    "database-unavailable": {ZH: "数据库暂不可用", EN: "Database unavailable"},
    "schema-outdated": {ZH: "数据库结构落后于程序", EN: "Database schema is behind the code"},
    "schema-refused": {ZH: "数据库结构与程序不符", EN: "Database schema does not match the code"},
    "internal-error": {ZH: "服务器内部错误", EN: "Internal error"},
    "http-error": {ZH: "请求未能完成", EN: "HTTP error"},
    "request-timeout": {ZH: "请求超时", EN: "Request timeout"},
    "request-header-fields-too-large": {ZH: "请求头过大", EN: "Request header fields too large"},
    "json-too-deep": {ZH: "JSON 嵌套过深", EN: "JSON nested too deeply"},
    "nul-character": {ZH: "含有 NUL 字符", EN: "NUL character"},
    "file-unavailable": {ZH: "文件不可用", EN: "File unavailable"},
    "handbook-unavailable": {ZH: "手册暂不可用", EN: "Handbooks unavailable"},
    "plugin-invalid": {ZH: "插件有误", EN: "Plugin error"},
    "unknown-plugin": {ZH: "没有这个插件", EN: "Unknown plugin"},
    "invalid-query": {ZH: "GraphQL 查询有误", EN: "Invalid query"},
}

#: Every catalogued message: key → template per language. Keys are stable; add, never rename.
CATALOGUE: dict[str, dict[str, str]] = {
    "did-you-mean": {ZH: "；您是不是要写{suggestions}？", EN: "; did you mean {suggestions}?"},
    # --- a field error standing alone as a problem's detail (``ValidationFailed.on``)
    "field": {ZH: "{field}：{message}", EN: "{field}: {message}"},
    "fields": {ZH: "{fields}", EN: "{fields}"},
    # --- what msgspec and litestar say of a value that does not decode (core/platform/decoding.py);
    # English is msgspec's own sentence (``raw``), unchanged for the clients that read it
    "decode.expected": {ZH: "应为{expected}，收到的是{got}", EN: "{raw}"},
    "decode.missing-field": {ZH: "缺少必填字段 {name}", EN: "{raw}"},
    "decode.unknown-field": {ZH: "不认识的字段 {name}：删去它，或检查拼写", EN: "{raw}"},
    "decode.length": {ZH: "{expected}的长度须{op} {limit}", EN: "{raw}"},
    "decode.bound": {ZH: "须{op} {limit}", EN: "{raw}"},
    "decode.pattern": {ZH: "格式不符合要求（须匹配 {pattern}）", EN: "{raw}"},
    "decode.enum": {ZH: "{value} 不是可选的值", EN: "{raw}"},
    "decode.missing-parameter": {ZH: "缺少必需的参数 {name}", EN: "{raw}"},
    "decode.other": {ZH: "值不符合要求", EN: "{raw}"},
    "decode.type.str": {ZH: "字符串", EN: "str"},
    "decode.type.int": {ZH: "整数", EN: "int"},
    "decode.type.float": {ZH: "数字", EN: "float"},
    "decode.type.bool": {ZH: "布尔值", EN: "bool"},
    "decode.type.object": {ZH: "对象", EN: "object"},
    "decode.type.array": {ZH: "数组", EN: "array"},
    "decode.type.null": {ZH: "空值（null）", EN: "null"},
    "decode.op.>=": {ZH: "不小于", EN: ">="},
    "decode.op.<=": {ZH: "不大于", EN: "<="},
    "decode.op.>": {ZH: "大于", EN: ">"},
    "decode.op.<": {ZH: "小于", EN: "<"},
    # --- tables, as a conflict or a reference names them (core/platform/db.py)
    "table.accountability_cases": {ZH: "问责案件", EN: "accountability_cases"},
    "table.accountability_notices": {ZH: "问责通知", EN: "accountability_notices"},
    "table.api_keys": {ZH: "API 密钥", EN: "api_keys"},
    "table.calendar_overrides": {ZH: "日历调整", EN: "calendar_overrides"},
    "table.call_attachments": {ZH: "诉求附件", EN: "call_attachments"},
    "table.call_dispatches": {ZH: "诉求派单", EN: "call_dispatches"},
    "table.call_steps": {ZH: "诉求处理步骤", EN: "call_steps"},
    "table.calls": {ZH: "诉求", EN: "calls"},
    "table.catalog_adjustments": {ZH: "目录调整", EN: "catalog_adjustments"},
    "table.catalog_items": {ZH: "目录事项", EN: "catalog_items"},
    "table.catalog_responsibilities": {ZH: "事项职责", EN: "catalog_responsibilities"},
    "table.catalog_versions": {ZH: "目录版本", EN: "catalog_versions"},
    "table.entry_assignments": {ZH: "岗位分工", EN: "entry_assignments"},
    "table.evaluation_periods": {ZH: "考核周期", EN: "evaluation_periods"},
    "table.evaluation_results": {ZH: "考核结果", EN: "evaluation_results"},
    "table.evaluation_schemes": {ZH: "考核方案", EN: "evaluation_schemes"},
    "table.evaluation_scores": {ZH: "考核评分", EN: "evaluation_scores"},
    "table.handbooks": {ZH: "手册", EN: "handbooks"},
    "table.item_citations": {ZH: "事项法律依据", EN: "item_citations"},
    "table.jurisdictions": {ZH: "行政区划", EN: "jurisdictions"},
    "table.legal_changes": {ZH: "法律变更", EN: "legal_changes"},
    "table.legal_documents": {ZH: "法律文件", EN: "legal_documents"},
    "table.legal_versions": {ZH: "法律文件版本", EN: "legal_versions"},
    "table.list_structures": {ZH: "清单结构", EN: "list_structures"},
    "table.portal_figures": {ZH: "门户公开图表", EN: "portal_figures"},
    "table.portal_footers": {ZH: "门户页脚", EN: "portal_footers"},
    "table.posts": {ZH: "岗位", EN: "posts"},
    "table.provisions": {ZH: "法律条款", EN: "provisions"},
    "table.publication_jobs": {ZH: "发布任务", EN: "publication_jobs"},
    "table.reference_codes": {ZH: "事项编码", EN: "reference_codes"},
    "table.township_entries": {ZH: "乡镇清单事项", EN: "township_entries"},
    "table.township_list_versions": {ZH: "乡镇清单版本", EN: "township_list_versions"},
    "table.township_lists": {ZH: "乡镇清单", EN: "township_lists"},
    "table.unit_hosts": {ZH: "派驻服务关系", EN: "unit_hosts"},
    "table.units": {ZH: "单位", EN: "units"},
    "table.webhook_deliveries": {ZH: "Webhook 投递", EN: "webhook_deliveries"},
    "table.webhook_subscriptions": {ZH: "Webhook 订阅", EN: "webhook_subscriptions"},
    "table.workflow_instances": {ZH: "流程实例", EN: "workflow_instances"},
    "table.workflow_steps": {ZH: "流程步骤", EN: "workflow_steps"},
    # --- a key's role, as problems name it (core.security.access.role_text)
    "role.platform": {ZH: "平台运维", EN: "platform"},
    "role.admin": {ZH: "编办管理员", EN: "admin"},
    "role.department": {ZH: "县直部门", EN: "department"},
    "role.township": {ZH: "乡镇(街道)", EN: "township"},
    "role.reader": {ZH: "只读", EN: "reader"},
    # --- refusals before the application (api/input_guard.py, api/limits.py)
    "guard.json-too-deep": {
        ZH: "数组和对象的嵌套超过 {max_depth} 层：请发送层次更少的文档",
        EN: "arrays and objects nest more than {max_depth} levels deep; send a flatter document",
    },
    "guard.nul-escape": {
        ZH: "含有 NUL 字符（\\u0000），文本中不能有它：请删去",
        EN: "contains a NUL character (\\u0000), which text cannot hold; remove it",
    },
    "guard.lone-surrogate": {
        ZH: "含有不成对的代理转义（\\ud800–\\udfff），它不是字符：请按 UTF-16 成对发送",
        EN: "contains an unpaired surrogate escape (\\ud800–\\udfff), which is not a character; send UTF-16 pairs",
    },
    "guard.nul": {ZH: "含有 NUL 字符（%00）：请删去", EN: "contains a NUL character (%00); remove it"},
    "guard.too-large": {
        ZH: "请求体超过了这个地址接受的大小（{limit} 字节）",
        EN: "the body is larger than this route accepts ({limit} bytes)",
    },
    "guard.media-type": {
        ZH: "请以 application/json 发送请求体（收到的是 {got}）",
        EN: "send the body as application/json (got {got})",
    },
    "limits.try-again": {
        ZH: "{why}：请 {seconds} 秒后再试（见 Retry-After）",
        EN: "{why}; try again in {seconds} s (Retry-After)",
    },
    "limits.key-rate": {
        ZH: "这个 API 密钥每分钟发送的请求超过了 {limit:,} 次",
        EN: "this API key sent more than {limit:,} requests a minute",
    },
    "limits.guess-rate": {
        ZH: "这个地址每分钟有超过 {limit} 次请求未通过身份验证（API 密钥不存在、已吊销或写错）：请检查密钥",
        EN: "more than {limit} requests a minute from this address failed authentication"
        " (an unknown, revoked or mistyped API key); check the key",
    },
    "limits.body-slow": {
        ZH: "请求体的发送超过了 {seconds:g} 秒",
        EN: "the request body took longer than {seconds:g} s",
    },
    "limits.body-paused": {
        ZH: "请求体的发送中断超过了 {seconds:g} 秒",
        EN: "the request body paused for more than {seconds:g} s",
    },
    "limits.body-timeout": {
        ZH: "{why}：请不间断地发送整个请求体（网络较慢时请发送较小的文件）",
        EN: "{why}; send the whole body without pausing (a slow link: send a smaller file)",
    },
    # --- litestar's own refusals (routing, methods, auth): one detail per status; English is
    # litestar's detail as it was
    "http.bad-request": {ZH: "请求有误", EN: "{detail}"},
    "http.unauthenticated": {ZH: "需要有效的 API 密钥（Authorization: Bearer …）", EN: "{detail}"},
    "http.forbidden": {ZH: "没有权限执行此操作", EN: "{detail}"},
    "http.not-found": {ZH: "没有这个地址：请检查网址", EN: "{detail}"},
    "http.method-not-allowed": {ZH: "这个地址不支持该请求方法", EN: "{detail}"},
    "http.payload-too-large": {ZH: "请求体超过了这个地址接受的大小", EN: "{detail}"},
    "http.unsupported-media-type": {ZH: "不支持这种内容类型", EN: "{detail}"},
    "http.too-many-requests": {ZH: "请求过于频繁：请稍后再试", EN: "{detail}"},
    "http.http-error": {ZH: "请求未能完成", EN: "{detail}"},
    "http.internal-error": {
        ZH: "服务器内部出错，没有做任何修改。报告问题时请附上 request_id",
        EN: "something went wrong on our side; nothing was changed. Quote the request_id if you report it",
    },
    # --- an imported file as a whole
    "import.unknown-columns": {
        ZH: "不认识的列：{columns}。请使用模板或导出文件的表头（如{examples}），或删去这些列",
        EN: "unknown columns: {columns}; use the headers of the template or an exported workbook"
        " (e.g. {examples}), or delete these columns",
    },
    "import.column-twice": {
        ZH: "「{column}」与「{other}」是同一列（{meaning}）：只保留一列",
        EN: "{column!r} and {other!r} are the same column ({meaning}): keep one",
    },
    "import.column-missing": {
        ZH: "缺少「{column}」列：表头中加上这一列",
        EN: "the {column!r} column is missing: add it to the header row",
    },
    "import.problems": {
        ZH: "{rows}行中有{count}处问题，未导入任何内容：按 errors 中的行号和列名逐一修改后重新导入",
        EN: "{count} problems in {rows} rows; nothing was imported. Fix each row and column named in errors"
        " and import again",
    },
    "import.reason-needed": {
        ZH: "目录已经发布，这次导入会修改目录：请同时说明调整原因（reason_kind 选{kinds}之一，reason 写明原因）",
        EN: "the catalog has been published and this import changes it: say why (reason_kind, one of {kinds},"
        " and reason)",
    },
    "import.reason-kind": {
        ZH: "调整原因类型「{value}」不存在：请用{kinds}之一",
        EN: "unknown reason_kind {value!r}: use one of {kinds}",
    },
    "import.reason-pair": {
        ZH: "调整原因类型（reason_kind）和原因（reason）要一起填写",
        EN: "give reason_kind and reason together",
    },
    "import.multipart-no-file": {
        ZH: "表单中没有文件：把工作簿作为名为 file 的文件字段上传",
        EN: "the form holds no file: upload the workbook as a file part named file",
    },
    "import.multipart-many": {
        ZH: "表单中有{count}个文件：一次只导入一个工作簿",
        EN: "the form holds {count} files: import one workbook at a time",
    },
    "merge.in-list": {ZH: "来源清单「{name}」：{text}", EN: "{name}: {text}"},
    # --- reading an uploaded file (core/exchange/tables.py, unpack.py)
    "file.empty": {ZH: "文件是空的", EN: "the file is empty"},
    "file.wrong-type": {
        ZH: "{media} 类型的内容不是可读的 .xlsx 工作簿：请上传 .xlsx 或 CSV 文件",
        EN: "a {media} body is not a readable .xlsx workbook; send an .xlsx or a CSV file",
    },
    "file.binary": {
        ZH: "文件既不是 .xlsx 工作簿也不是 CSV 文本：请上传 .xlsx 或 CSV 文件",
        EN: "the file is neither an .xlsx workbook nor CSV text",
    },
    "file.no-sheet": {ZH: "工作簿中没有工作表", EN: "the workbook has no sheet"},
    "file.unreadable": {
        ZH: "不是可读的 .xlsx 工作簿（{why}）：用 Excel 或 WPS 重新保存后再上传",
        EN: "not a readable .xlsx workbook ({why})",
    },
    "file.empty-sheet": {
        ZH: "工作表是空的：第一行（或标题行下面）应是表头",
        EN: "the sheet is empty: the first row names the columns",
    },
    "file.empty-csv": {ZH: "CSV 是空的：第一行应是表头", EN: "the CSV is empty: the first row names the columns"},
    "file.encoding": {
        ZH: "CSV 既不是 UTF-8 也不是 GB18030 编码：另存为 UTF-8 编码的 CSV",
        EN: "the CSV is neither UTF-8 nor GB18030 text",
    },
    "file.bad-csv": {ZH: "无法按 CSV 读取：{why}", EN: "not readable as CSV: {why}"},
    "file.too-many-rows": {
        ZH: "超过 {limit:,} 行：请把文件拆开（每次最多导入 {limit:,} 行）",
        EN: "file: more than {limit:,} rows; split the file (at most {limit:,} per import)",
    },
    "file.too-wide": {
        ZH: "有一行在第 {limit} 列右边还有内容：删去这些列（最多读取 {limit} 列）",
        EN: "file: a row has values right of column {limit}; delete those columns (at most {limit} are read)",
    },
    "file.damaged-zip": {
        ZH: "不是可读的 .xlsx 工作簿（{why}）：用 Excel 或 WPS 重新保存后再上传",
        EN: "not a readable .xlsx workbook: {why}",
    },
    "file.unpacks-too-large": {
        ZH: "工作簿解压后有 {size:,} 字节，最多读取 {limit:,} 字节（QINGDAN_WORKBOOK_MAX_UNCOMPRESSED_BYTES）："
        "请拆成几个小文件，或以 CSV 上传",
        EN: "the workbook unpacks to {size:,} bytes; at most {limit:,} are read"
        " (QINGDAN_WORKBOOK_MAX_UNCOMPRESSED_BYTES). Split it into smaller files, or send the rows as CSV",
    },
    "file.too-many-parts": {
        ZH: "工作簿有 {count:,} 个部件，电子表格最多 {limit:,} 个：用 Excel 或 WPS 重新保存，或以 CSV 上传",
        EN: "the workbook has {count:,} parts; a spreadsheet has at most {limit:,}. Save it again from"
        " Excel or WPS, or send the rows as CSV",
    },
    "file.encrypted": {
        ZH: "工作簿设置了密码：取消密码后再上传",
        EN: "the workbook is encrypted; remove the password and send it again",
    },
    "file.compression": {
        ZH: "{part} 用了电子表格不用的压缩方式：用 Excel 或 WPS 重新保存",
        EN: "{part} uses a compression method spreadsheets do not use; save the file again from Excel or WPS",
    },
    "file.ratio": {
        ZH: "{part} 的压缩比为 {ratio:,.0f}:1（解压后 {size:,} 字节），电子表格的部件最多 {limit}:1"
        "（QINGDAN_WORKBOOK_MAX_RATIO）：用 Excel 或 WPS 重新保存，或以 CSV 上传",
        EN: "{part} is compressed {ratio:,.0f} to 1 (it unpacks to {size:,} bytes); a spreadsheet's parts are"
        " compressed at most {limit} to 1 (QINGDAN_WORKBOOK_MAX_RATIO). Save the file again from Excel or WPS,"
        " or send the rows as CSV",
    },
    "file.lying-size": {
        ZH: "{part} 解压后超过它声明的 {size:,} 字节：文件已损坏或是为耗尽内存而构造的。用 Excel 或 WPS 重新保存",
        EN: "{part} unpacks to more than the {size:,} bytes it declares; the file is damaged or made to exhaust"
        " memory. Save it again from Excel or WPS",
    },
    "file.damaged-part": {
        ZH: "不是可读的 .xlsx 工作簿：{part} 已损坏（{why}）。用 Excel 或 WPS 重新保存",
        EN: "not a readable .xlsx workbook: {part} is damaged ({why}); save the file again from Excel or WPS",
    },
    "file.column-beyond": {
        ZH: "{part} 第 {column:,} 列有内容，最多读取 {limit} 列（QINGDAN_WORKBOOK_MAX_COLUMNS）：删去表格右边的列",
        EN: "{part} has a value in column {column:,}; at most {limit} columns are read"
        " (QINGDAN_WORKBOOK_MAX_COLUMNS). Delete the columns right of the table",
    },
    "file.row-beyond": {
        ZH: "{part} 第 {row:,} 行有内容，最多读取 {limit:,} 行（QINGDAN_WORKBOOK_MAX_ROWS，另加最多 {slack} 行"
        "标题和空行）：删去表格下面的行，或拆分文件",
        EN: "{part} has a value in row {row:,}; at most {limit:,} rows are read (QINGDAN_WORKBOOK_MAX_ROWS, and"
        " up to {slack} rows of headings and blank lines). Delete the rows below the table, or split the file",
    },
    "file.no-local-header": {ZH: "缺少本地文件头", EN: "no local header"},
    "file.checksum": {ZH: "大小或校验和与 ZIP 目录不符", EN: "its size or checksum does not match the zip directory"},
    "file.long-tag": {
        ZH: "不是可读的 .xlsx 工作簿：其中有超过 1 MB 的 XML 标签",
        EN: "not a readable .xlsx workbook: it holds an XML tag longer than a megabyte",
    },
    # --- one row of an imported file
    "row.at": {ZH: "第{row}行「{column}」：{problem}", EN: "row {row}, {column}: {problem}"},
    # where a problem is, as the ``field`` of a refused import's ``errors``
    "row.field": {ZH: "第{row}行「{column}」", EN: "row {row}: {column}"},
    "row.formula-no-value": {
        ZH: "「{column}」是公式 {formula}，文件中没有保存它的计算结果（用程序生成的文件通常不带结果）："
        "用 Excel 或 WPS 打开并保存一次，或把公式换成它的值",
        EN: "{column} is the formula {formula} without a stored result (files written by programs usually have"
        " none): open and save the file in Excel or WPS, or replace the formula by its value",
    },
    "row.formula-text": {
        ZH: "「{column}」是公式 {formula}：请填写值本身",
        EN: "{column} is the formula {formula}: enter the value itself",
    },
    "row.yes-no": {ZH: "「{value}」：请填写“是”或“否”", EN: "{value!r}: write 是 (yes) or 否 (no)"},
    "row.not-a-number": {ZH: "「{value}」不是数字", EN: "{value!r} is not a number"},
    "row.no-party": {
        ZH: "「{value}」没有写单位：每行写成「单位：职责」",
        EN: "{value!r} names no unit: write each line as 单位：职责 (unit: duty)",
    },
    "row.unknown-unit": {
        ZH: "没有名为「{value}」的单位：请写本地单位的全称（或“乡镇(街道)”）",
        EN: "no unit named {value!r}: write a unit's full name (or 乡镇(街道) for the township)",
    },
    "row.unknown-level": {
        ZH: "没有「{value}」这一层级：请填写{choices}之一",
        EN: "no level {value!r}: write one of {choices}",
    },
    "row.unknown-kind": {
        ZH: "没有「{value}」这一清单类型：请填写{choices}之一",
        EN: "no list kind {value!r}: write one of {choices}",
    },
    "row.unknown-category": {
        ZH: "没有「{value}」这一事项类别：请填写{choices}之一",
        EN: "no category {value!r}: write one of {choices}",
    },
    "row.unknown-item-kind": {
        ZH: "没有「{value}」这一事项分类：请填写{choices}之一",
        EN: "no item kind {value!r}: write one of {choices}",
    },
    "row.unknown-choice": {
        ZH: "「{value}」不是可选的值：请填写{choices}之一",
        EN: "{value!r} is not one of the choices: write one of {choices}",
    },
    "row.unknown-section": {
        ZH: "分类行「{value}」既不是清单类型也不是事项类别：改为{choices}之一（可带“一、”等序号）",
        EN: "the heading row {value!r} names neither a list kind nor a category: write one of {choices}"
        " (a numbering such as 一、 may precede it)",
    },
    "row.no-kind": {
        ZH: "不知道属于哪类清单：在上方加一行分类行（如「一、{example}」），或填写「清单类型」列",
        EN: "no list kind: add a heading row above it (such as 一、{example}) or fill in a 清单类型 column",
    },
    "row.no-title": {ZH: "没有事项名称", EN: "no item title"},
    "row.duplicate-title": {
        ZH: "与第{other}行是同一事项「{title}」：删去其中一行，或把名称改得能区分",
        EN: "the same item as row {other} ({title}): delete one of them, or name them apart",
    },
    "row.duplicate-code": {
        ZH: "编码 {code} 在第{other}行也出现：每个编码只能用一次",
        EN: "code {code} is also on row {other}: a code is used once",
    },
    "row.code-reused": {
        ZH: "编码 {code} 以前用过，编码不再重复使用：换一个编码，或留空由系统编号",
        EN: "code {code} was used before and codes are never reused: choose another, or leave it empty",
    },
    "row.bad-code": {
        ZH: "编码「{value}」不合格式：只用字母、数字和 . _ -，以字母或数字开头，最多 48 个字符",
        EN: "code {value!r} is not well formed: letters, digits and . _ -, starting with a letter or digit,"
        " at most 48 characters",
    },
    "row.too-long": {
        ZH: "「{column}」太长：最多 {limit} 个字符",
        EN: "{column} is too long: at most {limit} characters",
    },
    "row.bad-text": {
        ZH: "「{column}」含有不可见字符或控制字符：删去后重新填写",
        EN: "{column} holds an invisible or control character: delete it and type the text again",
    },
    "row.bad-date": {
        ZH: "「{column}」不是有效日期：写成 2024-06-01 这样的日期",
        EN: "{column} is not a valid date: write it like 2024-06-01",
    },
    "row.bad-value": {
        ZH: "「{column}」的值不合要求：请按模板填写",
        EN: "{column} does not hold an acceptable value: fill it in as the template shows",
    },
    "row.parent-missing": {
        ZH: "上级编码 {value} 在目录中不存在：先导入上级事项，或删去上级编码",
        EN: "parent code {value} is not in the catalog: import the parent first, or clear the parent code",
    },
    "row.parent-withdrawn": {
        ZH: "上级事项 {value} 已撤销：换一个上级事项",
        EN: "the parent {value} is withdrawn: choose another parent",
    },
    "row.parent-cycle": {
        ZH: "上级编码 {value} 在本事项之下，会形成循环：改正上级编码",
        EN: "parent {value} lies below this item, which would make a cycle: correct the parent code",
    },
    "row.level-under": {
        ZH: "「{level}」事项不能放在「{parent}」事项之下：改正层级或上级编码",
        EN: "a {level} item cannot sit under a {parent} item: correct the level or the parent code",
    },
    "row.needs-parent": {
        ZH: "「{level}」事项要有上级编码：填写上级编码，或改为{top}",
        EN: "a {level} item needs a parent code: fill it in, or make it a {top} item",
    },
    "row.item-kind-for-level": {
        ZH: "「{level}」层级的事项分类须为{choices}之一",
        EN: "the item kind of a {level} item is one of {choices}",
    },
    "row.shares": {
        ZH: "财政分担比例要么每个单位都写、要么都不写，合计须为 100%",
        EN: "give every party a financial share or none, summing to 100%",
    },
    "row.recovery-needed": {
        ZH: "「{kind}」事项要写收回承接部门、收回后工作方式和收回理由",
        EN: "a {kind} item names its receiving department, how the work runs now and why",
    },
    "row.required": {ZH: "此项必须填写", EN: "required"},
    "row.withdrawn": {
        ZH: "{code} 已撤销，不能再修改：删去这一行，或改用新编码",
        EN: "{code} is withdrawn and does not change: delete the row, or use a new code",
    },
    "row.rule": {ZH: "{message}", EN: "{message}"},
    # --- a plugin's rule message (core.plugin_api.types.Problem): the plugin's own words per language
    "plugin.rule": {ZH: "{zh}", EN: "{en}"},
}

# The API's problem details (core/platform/problem_details.py): one catalogue, two files.
CATALOGUE.update(DETAILS)
