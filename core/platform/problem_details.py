# ruff: noqa: E501  (messages read whole: a sentence is not split to fit a line)
"""The details of the API's problems, by message key: ``{code}.{what}`` for a problem's
detail, ``field.{what}`` for a field error's message (``ValidationFailed.on``).

Merged into :data:`core.platform.messages.CATALOGUE`; kept apart from the import/merge
messages there because they are many. Keys are stable (clients may branch on them through
``code``); add, never rename. Parameters are the values the English detail always
quoted: machine names (codes, field names, states) stay as they are in both languages.
"""

from __future__ import annotations

ZH, EN = "zh-CN", "en"

DETAILS: dict[str, dict[str, str]] = {
    "field.bad-cursor": {
        ZH: "不是本 API 发出的游标：去掉它重新开始",
        EN: "not a cursor this API issued; start again without it",
    },
    "field.not-etag": {
        ZH: '不是 ETag：请发送读取时得到的 ETag（例如 "3"），或用 * 表示任意版本',
        EN: 'not an ETag: send the ETag a read answered (e.g. "3"), or * for any version',
    },
    "field.needs-utc-offset": {
        ZH: "须带 UTC 偏移，例如 {example} 或 2025-01-01T00:00:00Z",
        EN: "needs its UTC offset, e.g. {example} or 2025-01-01T00:00:00Z",
    },
    "field.must-lie-from": {ZH: "须在 {first} 至 {last} 之间", EN: "must lie from {first} to {last}"},
    "field.rfc3339": {
        ZH: "须为 RFC 3339 时间戳，例如 {example}（收到的是「{got}」）",
        EN: "must be an RFC 3339 timestamp such as {example} (got {got!r})",
    },
    "field.nothing-to-search": {
        ZH: "没有可供检索的字母、数字或汉字（只有标点或空格）",
        EN: "has no letter, digit or Chinese character to search for (only punctuation or spaces)",
    },
    "field.published-version-number": {ZH: "已发布的版本号从 1 开始", EN: "a published version number is 1 or more"},
    "field.not-json": {ZH: "不是有效的 JSON（{exc}）", EN: "{exc}"},
    "conflict.adjustment-already-under-way": {
        ZH: "{code} 的调整流程正在进行",
        EN: "an adjustment of {code} is already under way",
    },
    "conflict.admission-already-under-way": {
        ZH: "{code} 的准入流程正在进行",
        EN: "an admission for {code} is already under way",
    },
    "conflict.already-recorded-as-repealed": {
        ZH: "《{title}》已记录为废止，{effective_date} 起生效（变更编号 {id}）",
        EN: "《{title}》 is already recorded as repealed, effective {effective_date} (change {id})",
    },
    "conflict.already-withdrawn": {
        ZH: "{code} 已经撤销",
        EN: "{code} is already withdrawn",
    },
    "conflict.amendment-already-recorded-effective": {
        ZH: "《{title}》的这次修订已经记录，{effective_date} 起生效，变更编号 {id}",
        EN: "this amendment of 《{title}》 is already recorded, effective {effective_date}, change {id}",
    },
    "conflict.bulk-publication-tenant-under": {
        ZH: "本租户的一次批量发布正在进行（任务 {running}）：请等它完成",
        EN: "a bulk publication of this tenant is under way (job {running}); wait for it to finish",
    },
    "conflict.cannot-call-only-call": {
        ZH: "状态为「{state}」的诉求不能执行「{action}」；只有状态为 {value} 的诉求可以",
        EN: "cannot {action} a call that is {state}; only a call that is {value}",
    },
    "conflict.cannot-dispatch-allowed-now": {
        ZH: "状态为「{state}」的派单不能执行「{verb}」；现在可以：{value}",
        EN: "cannot {verb} a dispatch that is {state}; allowed now: {value}",
    },
    "conflict.cannot-while-instance-allowed": {
        ZH: "实例处于「{label2}」（{state}）时不能执行「{label}」（{name}）；现在可以：{value}",
        EN: "cannot {name} ({label}) while the instance is {state} ({label2}); allowed now: {value}",
    },
    "conflict.cannot-yet-waiting-from": {
        ZH: "还不能执行 {name}：正在等待 {value} 的 {requires_all}",
        EN: "cannot {name} yet: waiting for {requires_all} from {value}",
    },
    "conflict.definition-instance-no-longer": {
        ZH: "该实例的流程定义「{definition}」已不可用",
        EN: "the definition {definition!r} of this instance is no longer available",
    },
    "conflict.files-options-differ-from": {
        ZH: "文件或选项与您审阅过的报告不同：请审阅新的报告",
        EN: "the files or options differ from the report you reviewed; review the new report",
    },
    "conflict.has-already-claimed": {
        ZH: "{township} 已经认领了 {item_code}",
        EN: "{township} has already claimed {item_code}",
    },
    "conflict.has-already-taken-instance": {
        ZH: "{ctx} 已在该实例上执行过「{label}」（{name}）",
        EN: "{ctx} has already taken {name} ({label}) on this instance",
    },
    "conflict.instance-closed-outcome-no": {
        ZH: "该实例已结束（「{label}」（{state}），结果 {outcome}）：不能再流转",
        EN: "the instance is closed ({state}, outcome {outcome}); no transition is possible",
    },
    "conflict.left-list": {
        ZH: "{item_code} 已不在清单上：{change_note}",
        EN: "{item_code} left the list: {change_note}",
    },
    "conflict.list-cannot-submitted-only": {
        ZH: "状态为「{status}」的清单不能报送；只有草稿或被退回的清单可以",
        EN: "a {status} list cannot be submitted; only a draft or returned one",
    },
    "conflict.list-has-not-been": {
        ZH: "{name}（{township}）的清单还没有发布；手册由已发布的版本生成，请先备案并发布清单",
        EN: "the list of {name} ({township}) has not been published yet; a handbook is made from a published version, so file and publish the list first",
    },
    "conflict.list-submitted-review-wait": {
        ZH: "{township_code} 的清单已报送审核：请等待退回或备案",
        EN: "the list of {township_code} is submitted for review; wait for it to be returned or filed",
    },
    "conflict.none-these-township-lists": {
        ZH: "这些乡镇（街道）清单都没有报送或备案：没有可发布的内容（{value} 份清单是草稿、被退回或已发布）",
        EN: "none of these township lists is submitted or filed: there is nothing to publish ({value} lists are draft, returned or already published)",
    },
    "conflict.only-filed-list-can": {
        ZH: "只有已备案的清单才能发布；这份清单的状态是「{status}」",
        EN: "only a filed list can be published; this one is {status}",
    },
    "conflict.only-submitted-list-can": {
        ZH: "只有已报送的清单才能执行「{action}」；这份清单的状态是「{status}」",
        EN: "only a submitted list can be {action}ed; this one is {status}",
    },
    "conflict.period-closed-already": {
        ZH: "考核周期 {code} 已经关闭",
        EN: "period {code} is closed already",
    },
    "conflict.period-closed-takes-no": {
        ZH: "考核周期 {code} 已关闭：不再接收评分，也不再重新计算",
        EN: "period {code} is closed: it takes no scores and is not recomputed",
    },
    "conflict.period-exists-already": {
        ZH: "考核周期 {code} 已经存在",
        EN: "period {code} exists already",
    },
    "conflict.reference-code-already-used": {
        ZH: "编码 {code} 已经用过，编码不再重复使用",
        EN: "reference code {code} is already used; codes are never reused",
    },
    "conflict.repealed-effective-repealed-document": {
        ZH: "《{title}》已废止（{repeal} 起生效）；已废止的文件不再修订",
        EN: "《{title}》 is repealed (effective {repeal}); a repealed document is not amended",
    },
    "conflict.still-has-active-child": {
        ZH: "{code} 下面还有 {children} 个有效的下级事项：请先撤销或移走它们",
        EN: "{code} still has {children} active child items; withdraw or move them first",
    },
    "conflict.still-has-child-divisions": {
        ZH: "{code} 下面还有 {children} 个下级区划和 {units} 个单位：请先移走或删除它们",
        EN: "{code} still has {children} child divisions and {units} units; move or delete them first",
    },
    "conflict.still-use-other-rows": {
        ZH: "仍在使用中：还有其他「{table_name}」记录引用它",
        EN: "still in use: other {table_name} rows refer to it",
    },
    "conflict.there-no-draft-publish": {
        ZH: "没有可发布的草稿：请先编辑目录",
        EN: "there is no draft to publish; edit the catalog first",
    },
    "conflict.title-has-title-record": {
        ZH: "title：{whose}《{title}》已用这个名称；请把它作为修订记录为新版本",
        EN: "title: {whose} 《{title}》 has this title; record a new version of it as an amendment instead",
    },
    "conflict.value-already-taken": {
        ZH: "{field}：这个值在「{table_name}」中已被占用",
        EN: "{field}: this value is already taken in {table_name}",
    },
    "conflict.version-date-already-has": {
        ZH: "version_date：《{title}》已有一个日期为 {version_date} 的不同版本；请用 to_version 指定它，或给出新版本的日期",
        EN: "version_date: 《{title}》 already has a different version dated {version_date}; name it with to_version, or give the new version's date",
    },
    "conflict.withdrawn-withdrawn-items-do": {
        ZH: "{code} 已撤销，已撤销的事项不能再修改",
        EN: "{code} is withdrawn; withdrawn items do not change",
    },
    "field.1-300-characters": {
        ZH: "1 到 300 个字符",
        EN: "1 to 300 characters",
    },
    "field.already-has-call": {
        ZH: "{to_unit} 已经有这条诉求",
        EN: "{to_unit} already has this call",
    },
    "field.already-used-different-request": {
        ZH: "已用于另一个请求：请换一个新的键",
        EN: "already used for a different request; send a new key",
    },
    "field.ambiguous-items-are-listed": {
        ZH: "{value} 有歧义：这些项分列在 {value2} 款中，请同时写明款",
        EN: "{value} is ambiguous: items are listed in {value2} paragraphs; name the paragraph too",
    },
    "field.amend-repeal": {
        ZH: "应为 amend（修订）或 repeal（废止）",
        EN: "amend or repeal",
    },
    "field.amended-version-must-older": {
        ZH: "被修订的版本（{version_date}）须早于新版本（{version_date2}）",
        EN: "the amended version ({version_date}) must be older than the new one ({version_date2})",
    },
    "field.another-level-than-create": {
        ZH: "{kind} 与 {kind2} 不是同一层级：请新建一个区划",
        EN: "{kind} is another level than {kind2}; create a new division instead",
    },
    "field.appeal-text-empty": {
        ZH: "诉求内容是空的",
        EN: "the appeal text is empty",
    },
    "field.applies-every-township-already": {
        ZH: "{item_code} 已适用于所有乡镇（街道），无需认领",
        EN: "{item_code} applies to every township already; it is not claimed",
    },
    "field.applies-every-township-only": {
        ZH: "{item_code} 适用于所有乡镇（街道）；只有认领的事项才有认领理由",
        EN: "{item_code} applies to every township; only a claimed entry has a justification",
    },
    "field.at-most-10-words": {
        ZH: "最多 10 个词，每个最多 100 个字符",
        EN: "at most 10 words of at most 100 characters",
    },
    "field.at-most-200-characters": {
        ZH: "最多 200 个字符",
        EN: "at most 200 characters",
    },
    "field.at-most-characters": {
        ZH: "最多 {MAX_TEXT} 个字符",
        EN: "at most {MAX_TEXT} characters",
    },
    "field.at-most-characters-got": {
        ZH: "最多 {MAX_TEXT} 个字符，收到 {value} 个",
        EN: "at most {MAX_TEXT} characters, got {value}",
    },
    "field.at-most-source-lists": {
        ZH: "一次最多 {MAX_SOURCES} 份来源清单",
        EN: "at most {MAX_SOURCES} source lists at once",
    },
    "field.b-post-ab-must": {
        ZH: "B 角岗位须与 A 角岗位不同",
        EN: "the B post (AB角) must be another post than the A post",
    },
    "field.before-latest-version-effective": {
        ZH: "{effective_date} 早于其最新版本（{version_date}，{latest} 起生效）",
        EN: "{effective_date} is before its latest version ({version_date}, effective {latest})",
    },
    "field.before-new-version-s": {
        ZH: "{effective_date} 早于新版本的日期 {version_date}",
        EN: "{effective_date} is before the new version's date {version_date}",
    },
    "field.before-version-date": {
        ZH: "{effective_date} 早于版本日期 {version_date}",
        EN: "{effective_date} is before the version date {version_date}",
    },
    "field.before-was-promulgated": {
        ZH: "{effective_date} 早于《{title}》的公布日期（{version_date}）",
        EN: "{effective_date} is before 《{title}》 was promulgated ({version_date})",
    },
    "field.between-0-exclusive-1": {
        ZH: "须大于 0 且不超过 1",
        EN: "between 0 (exclusive) and 1",
    },
    "field.between-1-200-characters": {
        ZH: "1 到 200 个字符",
        EN: "between 1 and 200 characters",
    },
    "field.between-1-got": {
        ZH: "须在 1 到 {MAX_LIMIT} 之间，收到的是 {limit}",
        EN: "between 1 and {MAX_LIMIT}, got {limit}",
    },
    "field.call-has-no-live": {
        ZH: "这条诉求没有派给 {from_unit} 的有效派单",
        EN: "the call has no live dispatch to {from_unit}",
    },
    "field.call-has-no-live-2": {
        ZH: "这条诉求没有派给 {unit_code} 的有效派单",
        EN: "the call has no live dispatch to {unit_code}",
    },
    "field.call-has-no-step": {
        ZH: "这条诉求没有第 {step} 步",
        EN: "the call has no step {step}",
    },
    "field.cannot-sit-under": {
        ZH: "{kind} 不能隶属于 {parent_kind}（{parent_code}）",
        EN: "a {kind} cannot sit under a {parent_kind} ({parent_code})",
    },
    "field.catalog-has-been-published": {
        ZH: "目录已经发布：请说明调整原因（reason_kind、reason）",
        EN: "the catalog has been published: say why it changes (reason_kind, reason)",
    },
    "field.catalog-has-been-published-2": {
        ZH: "目录已经发布：请说明调整原因",
        EN: "the catalog has been published: say why it changes",
    },
    "field.changed-claimed-items-wait": {
        ZH: "有 {pending} 个已变化的认领事项等待重新确认",
        EN: "{pending} changed claimed items wait for re-confirmation",
    },
    "field.code-has-digits-has": {
        ZH: "{kind}（{label}）的代码为 {expected} 位，「{code}」是 {value} 位",
        EN: "a {kind} ({label}) code has {expected} digits, {code!r} has {value}",
    },
    "field.comment-names-item-not": {
        ZH: "意见中提到的事项不在这份清单上",
        EN: "a comment names an item that is not on this list",
    },
    "field.date-new-version-required": {
        ZH: "须填写新版本的日期",
        EN: "the date of the new version is required",
    },
    "field.date-version-required": {
        ZH: "须填写本版本的公布日期",
        EN: "the date of this version (公布日期) is required",
    },
    "field.department-belongs-city-county": {
        ZH: "部门隶属于市或县",
        EN: "a department belongs to a city or county",
    },
    "field.dispatched-agency-names-department": {
        ZH: "派驻机构须写明派出它的部门",
        EN: "a dispatched agency names the department that sends it",
    },
    "field.dispatched-agency-serves-at": {
        ZH: "派驻机构至少服务一个乡镇（街道）",
        EN: "a dispatched agency serves at least one township",
    },
    "field.division-code-must-digits": {
        ZH: "区划代码「{code}」只能由数字组成",
        EN: "division code {code!r} must be digits only",
    },
    "field.document-does-not-succeed": {
        ZH: "文件不能接替它自己",
        EN: "a document does not succeed itself",
    },
    "field.document-has-no-version": {
        ZH: "文件没有版本 {selector}（请给出编号或日期）",
        EN: "the document has no version {selector} (give an id or a date)",
    },
    "field.document-s-full-title": {
        ZH: "须填写文件全称",
        EN: "the document's full title is required",
    },
    "field.does-not-belong-under": {
        ZH: "{code} 不属于 {parent_code}：其前 {width} 位须为 {value}",
        EN: "{code} does not belong under {parent_code}: its first {width} digits must be {value}",
    },
    "field.empty-catalog-cannot-published": {
        ZH: "空目录不能发布",
        EN: "an empty catalog cannot be published",
    },
    "field.event-type-township-list": {
        ZH: "应为事件类型（township_list.submitted）或带 .* 的前缀（catalog.*）",
        EN: "an event type (township_list.submitted) or a prefix with .* (catalog.*)",
    },
    "field.every-source-list-needs": {
        ZH: "每份来源清单都要有自己的名称",
        EN: "every source list needs its own name",
    },
    "field.extension-request-already-waiting": {
        ZH: "已有一个延期申请在等待决定",
        EN: "an extension request is already waiting for a decision",
    },
    "field.file-empty": {
        ZH: "文件是空的",
        EN: "the file is empty",
    },
    "field.give-at-least-one": {
        ZH: "请至少给出一个检索词",
        EN: "give at least one word to search for",
    },
    "field.give-either-working-days": {
        ZH: "working_days 和 hours 填写其中一个",
        EN: "give either working_days or hours",
    },
    "field.give-exactly-one-working": {
        ZH: "working_days 和 hours 只能填写其中一个",
        EN: "give exactly one of working_days or hours",
    },
    "field.give-file-s-name": {
        ZH: "请给出文件名（例如 现场照片.jpg）",
        EN: "give the file's name (e.g. 现场照片.jpg)",
    },
    "field.give-item-s-code": {
        ZH: "请给出事项编码或诉求内容以供匹配",
        EN: "give the item's code or the call's text to match",
    },
    "field.give-reasonkind-reason-together": {
        ZH: "reasonKind 和 reason 要一起填写",
        EN: "give reasonKind and reason together",
    },
    "field.give-township-unit-not": {
        ZH: "乡镇（街道）和单位只能填写其中一个",
        EN: "give a township or a unit, not both",
    },
    "field.give-words-search": {
        ZH: "请给出要检索的词",
        EN: "give the words to search for",
    },
    "field.has-no-extension-request": {
        ZH: "{unit} 没有待决定的延期申请",
        EN: "{unit} has no extension request waiting",
    },
    "field.has-no-version-before": {
        ZH: "《{title}》在 {version_date} 之前没有版本",
        EN: "《{title}》 has no version before {version_date}",
    },
    "field.laws-administrative-regulations-are": {
        ZH: "法律和行政法规是全国性的，所有租户共用；租户只能添加{value}",
        EN: "laws and administrative regulations are national and shared by every tenant; a tenant adds {value}",
    },
    "field.lie-different-townships": {
        ZH: "{first} 和 {second} 位于不同的乡镇（街道）（{apart}）",
        EN: "{first} and {second} lie in different townships ({apart})",
    },
    "field.list-empty-claim-items": {
        ZH: "清单是空的：请先认领事项再报送",
        EN: "the list is empty; claim items before submitting",
    },
    "field.list-proposes-no-unit": {
        ZH: "清单没有为这条诉求提出承办单位：请指定单位",
        EN: "the list proposes no unit for this call; name the units",
    },
    "field.must-above-0-at": {
        ZH: "须大于 0 且不超过 {MAX_HOURS}（0.5 表示 30 分钟）",
        EN: "must be above 0 and at most {MAX_HOURS} (0.5: 30 minutes)",
    },
    "field.must-between-0": {
        ZH: "须在 0 到 {MAX_WORKING_DAYS} 之间",
        EN: "must be between 0 and {MAX_WORKING_DAYS}",
    },
    "field.must-between-1": {
        ZH: "须在 1 到 {maximum} 之间",
        EN: "must be between 1 and {maximum}",
    },
    "field.must-http-s-url": {
        ZH: "须为不超过 2000 个字符的 http(s) 地址",
        EN: "must be an http(s) URL of at most 2000 characters",
    },
    "field.must-moment-from-got": {
        ZH: "须为 {FIRST_DAY} 至 {LAST_DAY} 之间的时刻（收到的是 {value}）",
        EN: "must be a moment from {FIRST_DAY} to {LAST_DAY} (got {value})",
    },
    "field.must-not-before-from": {
        ZH: "不能早于起始日期（from）",
        EN: "must not be before from",
    },
    "field.must-not-carry-credentials": {
        ZH: "不能带登录凭据：请改为校验签名",
        EN: "must not carry credentials; verify the signature instead",
    },
    "field.must-not-have-fragment": {
        ZH: "不能带 #片段",
        EN: "must not have a #fragment",
    },
    "field.must-whole-number-from": {
        ZH: "须为 {low} 至 {high} 之间的整数（收到的是 {value}）",
        EN: "must be a whole number from {low} to {high} (got {value})",
    },
    "field.must-year-from-got": {
        ZH: "须为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的年份（收到的是 {year}）",
        EN: "must be a year from {FIRST_YEAR} to {LAST_YEAR} (got {year})",
    },
    "field.name-new-version-id": {
        ZH: "请指定新版本（编号或日期），或发送其全文或条文",
        EN: "name the new version (its id or date), or send its text or articles",
    },
    "field.name-stored-version-send": {
        ZH: "指定已存的版本或发送新版本，二者选一",
        EN: "name a stored version or send a new one, not both",
    },
    "field.names-no-host": {
        ZH: "没有主机名",
        EN: "names no host",
    },
    "field.names-no-single-provision": {
        ZH: "「{ref}」没有指向某一具体条款：请写成 77、62.1.3 或 第六十二条第一款第（三）项",
        EN: "{ref!r} names no single provision: use 77, 62.1.3 or 第六十二条第一款第（三）项",
    },
    "field.names-several-divisions-send": {
        ZH: "「{value}」对应多个区划：请发送区划代码",
        EN: "{value!r} names several divisions; send the division code",
    },
    "field.needs-time-zone-offset": {
        ZH: "须带时区偏移，例如 2026-10-09T09:00:00+08:00",
        EN: "needs a time zone offset, e.g. 2026-10-09T09:00:00+08:00",
    },
    "field.never-held-item-any": {
        ZH: "{party} 的清单在任何版本中都没有事项 {item}{why}",
        EN: "{party} never held item {item} in any version of its list{why}",
    },
    "field.no-accountability-case": {
        ZH: "没有问责案件 {case_number}",
        EN: "no accountability case {case_number}",
    },
    "field.no-accountability-method-applies": {
        ZH: "没有适用的问责方式：结果为 {outcome}（{value}）",
        EN: "no accountability method applies: the outcome is {outcome} ({value})",
    },
    "field.no-articles-found-at": {
        ZH: "没有找到条文（行首的“第一条”……）：{hint}",
        EN: "no articles found (第一条 … at the start of a line): {hint}",
    },
    "field.no-chinese-characters-letters": {
        ZH: "没有可供匹配的汉字、字母或数字",
        EN: "no Chinese characters, letters or digits to match",
    },
    "field.no-document": {
        ZH: "没有 {scope} 文件 {successor_id}",
        EN: "no {scope} document {successor_id}",
    },
    "field.no-item-published-catalog": {
        ZH: "已发布的目录中没有事项 {item_code}",
        EN: "no item {item_code} in the published catalog",
    },
    "field.no-jurisdiction": {
        ZH: "没有行政区划 {parent_code}",
        EN: "no jurisdiction {parent_code}",
    },
    "field.no-post-township": {
        ZH: "乡镇（街道）{township} 没有岗位 {party}",
        EN: "no post {party} in township {township}",
    },
    "field.no-post-township-2": {
        ZH: "乡镇（街道）{township} 没有岗位 {post}",
        EN: "no post {post} in township {township}",
    },
    "field.no-source-list-named": {
        ZH: "没有名为{value}的来源清单",
        EN: "no source list named {value}",
    },
    "field.no-such-jurisdiction": {
        ZH: "没有这个行政区划",
        EN: "no such jurisdiction",
    },
    "field.no-such-unit": {
        ZH: "没有这个单位",
        EN: "no such unit",
    },
    "field.no-such-working-day": {
        ZH: "没有这样的工作日：租户日历全是节假日",
        EN: "no such working day: the tenant calendar is all holidays",
    },
    "field.no-tenant": {
        ZH: "本租户中没有「{recipient_kind}」{recipient}",
        EN: "no {recipient_kind} {recipient} in this tenant",
    },
    "field.no-tenant-2": {
        ZH: "本租户没有{label}「{value}」",
        EN: "no {label} {value!r} in this tenant",
    },
    "field.no-township-list": {
        ZH: "{value} 没有乡镇（街道）清单",
        EN: "no township list for {value}",
    },
    "field.no-township-tenant": {
        ZH: "本租户没有乡镇（街道）{township}",
        EN: "no township {township} in this tenant",
    },
    "field.no-unit-tenant": {
        ZH: "本租户没有单位 {unit}",
        EN: "no unit {unit} in this tenant",
    },
    "field.no-unit-tenant-2": {
        ZH: "本租户没有单位 {value}",
        EN: "no unit {value} in this tenant",
    },
    "field.no-working-day-within": {
        ZH: "{day} 之后两年内没有工作日",
        EN: "no working day within two years after {day}",
    },
    "field.not": {
        ZH: "{value} 是{origin_kind}（{label}），不是 {field}",
        EN: "{value} is a {origin_kind} ({label}), not a {field}",
    },
    "field.not-active-item": {
        ZH: "{successor_code} 不是有效事项",
        EN: "{successor_code} is not an active item",
    },
    "field.not-any-published-township": {
        ZH: "{item_code} 不在任何乡镇（街道）已发布的清单上",
        EN: "{item_code} is not on any published township list",
    },
    "field.not-base64-encoded-xlsx": {
        ZH: "不是 base64 编码的 .xlsx 工作簿（{exc}）",
        EN: "not a base64-encoded .xlsx workbook ({exc})",
    },
    "field.not-entry-township-s": {
        ZH: "{item_code} 不是乡镇（街道）{township} 清单中的事项",
        EN: "{item_code} is not an entry of township {township}'s list",
    },
    "field.not-grid-given-village": {
        ZH: "{grid_code} 不是所给村（社区）的网格",
        EN: "{grid_code} is not a grid of the given village",
    },
    "field.not-list-structure": {
        ZH: "不是有效的清单结构：{exc}",
        EN: "not a list structure: {exc}",
    },
    "field.not-office-township": {
        ZH: "{office} 不是乡镇（街道）{township} 的科室",
        EN: "{office} is not an office (科室) of township {township}",
    },
    "field.not-published-list": {
        ZH: "{item_code} 不在 {township_code} 已发布的清单上",
        EN: "{item_code} is not on the published list of {township_code}",
    },
    "field.not-published-list-2": {
        ZH: "{item_code} 不在 {location} 已发布的清单上",
        EN: "{item_code} is not on the published list of {location}",
    },
    "field.not-township": {
        ZH: "{grid_code} 不在乡镇（街道）{township_code} 内",
        EN: "{grid_code} is not in township {township_code}",
    },
    "field.not-township-duty": {
        ZH: "{item_code} 不是乡镇（街道）的职责",
        EN: "{item_code} is not a township duty",
    },
    "field.not-township-street-tenant": {
        ZH: "{township_code} 不是本租户的乡镇或街道",
        EN: "{township_code} is not a township or street of this tenant",
    },
    "field.not-township-tenant": {
        ZH: "不是本租户的乡镇（街道）",
        EN: "not a township of this tenant",
    },
    "field.not-url": {
        ZH: "不是网址：{exc}",
        EN: "not a URL: {exc}",
    },
    "field.not-valid-base64": {
        ZH: "不是有效的 base64",
        EN: "not valid base64",
    },
    "field.not-village-community-township": {
        ZH: "{village_code} 不是该乡镇（街道）的村或社区",
        EN: "{village_code} is not a village or community of the township",
    },
    "field.nothing-change": {
        ZH: "没有要修改的内容",
        EN: "nothing to change",
    },
    "field.one": {
        ZH: "请用{value}之一",
        EN: "one of {value}",
    },
    "field.only-dispatched-agencies-have": {
        ZH: "只有派驻机构才有服务的乡镇（街道）",
        EN: "only dispatched agencies have hosts",
    },
    "field.plain-file-name-without": {
        ZH: "文件名中不能有 '/'、'\\' 或控制字符",
        EN: "a plain file name without '/', '\\' or control characters",
    },
    "field.port-0-not-port": {
        ZH: "0 不是有效端口",
        EN: "port 0 is not a port",
    },
    "field.post-belongs-not-office": {
        ZH: "岗位 {a_post} 属于 {value}，不属于该科室",
        EN: "post {a_post} belongs to {value}, not the office",
    },
    "field.post-belongs-township-name": {
        ZH: "岗位属于某个乡镇（街道）：请写明乡镇（街道）",
        EN: "a post belongs to a township: name it",
    },
    "field.post-code-lower-case": {
        ZH: "「{code}」：岗位编码只用小写字母 a-z、数字 0-9 和 '-'，例如 safety-officer",
        EN: "{code!r}: a post code is lower-case a-z, 0-9 and '-', e.g. safety-officer",
    },
    "field.province-code-not-city": {
        ZH: "{code} 是省级代码，不是市或县的代码",
        EN: "{code} is a province code, not a city or county",
    },
    "field.quarter-named-like-2026": {
        ZH: "季度写成 2026-Q3 这样的形式",
        EN: "a quarter is named like 2026-Q3",
    },
    "field.range-covers-at-most": {
        ZH: "范围最多 {MAX_RANGE_DAYS} 天",
        EN: "a range covers at most {MAX_RANGE_DAYS} days",
    },
    "field.required-only-tenant-s": {
        ZH: "此项必须填写：只有本租户自己的区划 {division_code} 没有上级",
        EN: "required: only the tenant's own division {division_code} has no parent",
    },
    "field.same-relation-evaluator-evaluatee": {
        ZH: "同一组（关系、评价方、被评价方、指标）出现了两次",
        EN: "the same (relation, evaluator, evaluatee, indicator) appears twice",
    },
    "field.say-which-level": {
        ZH: "请写明层级：{value}",
        EN: "say which level: {value}",
    },
    "field.scheme-must-http-https": {
        ZH: "协议须为 http 或 https",
        EN: "the scheme must be http or https",
    },
    "field.send-table-as-csv": {
        ZH: "以 csv 或 xlsx_base64 发送表格，二者选一",
        EN: "send the table as csv or as xlsx_base64, one of the two",
    },
    "field.send-text-as-published": {
        ZH: "发送公布的全文或条文，二者选一",
        EN: "send the text as published, or the articles — one of them",
    },
    "field.sending-unit-must-department": {
        ZH: "派出单位须为部门",
        EN: "the sending unit must be a department",
    },
    "field.text-not": {
        ZH: "文本是《{title}》，不是《{title2}》",
        EN: "the text is 《{title}》, not 《{title2}》",
    },
    "field.township-office-belongs-township": {
        ZH: "乡镇科室隶属于乡镇（街道）",
        EN: "a township office belongs to a township",
    },
    "field.township-s-division-code": {
        ZH: "乡镇（街道）的区划代码（12 位）",
        EN: "a township's division code (12 digits)",
    },
    "field.unit-cannot-own-parent": {
        ZH: "单位不能是自己的上级",
        EN: "a unit cannot be its own parent",
    },
    "field.unknown-class-use-one": {
        ZH: "没有「{call_class}」这一诉求类别：请用{value}之一",
        EN: "unknown class {call_class!r}; use one of {value}",
    },
    "field.unknown-kind-use-one": {
        ZH: "没有「{kind}」这一类型：请用{value}之一",
        EN: "unknown kind {kind!r}; use one of {value}",
    },
    "field.unknown-method-one": {
        ZH: "没有「{method}」这种问责方式：请用{known}之一",
        EN: "unknown method {method!r}; one of {known}",
    },
    "field.unknown-situation-one": {
        ZH: "没有「{situation}」这种情形：请用{known}之一",
        EN: "unknown situation {situation!r}; one of {known}",
    },
    "field.unknown-state-use-one": {
        ZH: "没有「{state}」这一状态：请用{value}之一",
        EN: "unknown state {state!r}; use one of {value}",
    },
    "field.unknown-status-use-one": {
        ZH: "没有「{status}」这一状态：请用{value}之一",
        EN: "unknown status {status!r}; use one of {value}",
    },
    "field.unknown-unit-kind-use": {
        ZH: "没有这种单位类型：请用{value}之一",
        EN: "unknown unit kind; use one of {value}",
    },
    "field.use-one": {
        ZH: "请用{value}之一",
        EN: "use one of {value}",
    },
    "field.use-township-unit": {
        ZH: "请用 township 或 unit",
        EN: "use township or unit",
    },
    "field.version-id-version-date": {
        ZH: "「{selector}」：应为版本编号、版本日期（YYYY-MM-DD）或 current",
        EN: "{selector!r}: a version id, a version date (YYYY-MM-DD) or current",
    },
    "field.version-number-draft-published": {
        ZH: "应为版本号、draft 或 published",
        EN: "a version number, draft or published",
    },
    "field.version-recorded-as-effective": {
        ZH: "{version_date} 的版本记录的生效日期为 {effective_date}",
        EN: "the version of {version_date} is recorded as effective {effective_date}",
    },
    "field.withdrawn": {
        ZH: "{item_code} 已撤销",
        EN: "{item_code} is withdrawn",
    },
    "field.workflow-apply-through": {
        ZH: "{definition} 是「{kind}」流程：请通过 /{value} 申请",
        EN: "{definition} is an {kind} workflow: apply through /{value}",
    },
    "field.year-period-named-year": {
        ZH: "年度周期以年份命名，例如 2026",
        EN: "a year period is named by its year, e.g. 2026",
    },
    "forbidden.department-key-attaches-files": {
        ZH: "部门密钥只能给本单位的部分添加附件：请写明 unit",
        EN: "a department key attaches files to its own unit's part: give unit",
    },
    "forbidden.department-key-reads-only": {
        ZH: "部门密钥只能读取本单位的统计",
        EN: "a department key reads only its own unit's statistics",
    },
    "forbidden.department-key-reads-only-2": {
        ZH: "部门密钥只能读取派给本单位的诉求，不能读取 {unit} 的",
        EN: "a department key reads only the calls dispatched to its unit, not {unit}'s",
    },
    "forbidden.department-key-reads-only-3": {
        ZH: "部门密钥只能读取本单位的记录，不能读取 {unit} 的",
        EN: "a department key reads only its own unit's record, not {unit}'s",
    },
    "forbidden.department-key-reads-own": {
        ZH: "部门密钥只能读取本单位的职责，不能读取 {unit_code} 的",
        EN: "a department key reads its own unit's duties, not {unit_code}'s",
    },
    "forbidden.draft-catalog-county-admin": {
        ZH: "目录草稿只供县级管理员查看：请读取已发布的版本",
        EN: "the draft catalog is for the county admin; read a published version",
    },
    "forbidden.key-may-not": {
        ZH: "{value}密钥不能为 {unit_code} 执行「{action}」",
        EN: "a {value} key may not {action} for {unit_code}",
    },
    "forbidden.key-may-not-2": {
        ZH: "{value}密钥不能执行「{action}」",
        EN: "a {value} key may not {action}",
    },
    "forbidden.key-may-not-read": {
        ZH: "{value}密钥不能读取事件流",
        EN: "a {value} key may not read the event feed",
    },
    "forbidden.key-may-not-start": {
        ZH: "{value}密钥不能发起 {name}（{label}）；可以发起的是：{value2}",
        EN: "a {value} key may not start {name} ({label}); it is started by: {value2}",
    },
    "forbidden.key-may-not-taken": {
        ZH: "{value}密钥不能执行「{label}」（{name}）；可执行者：{value2}；您现在可以：{value3}",
        EN: "a {value} key may not {name} ({label}); it is taken by: {value2}; you may take now: {value3}",
    },
    "forbidden.key-may-not-township": {
        ZH: "{value}密钥不能为乡镇（街道）{township_code} 执行「{action}」",
        EN: "a {value} key may not {action} for township {township_code}",
    },
    "forbidden.key-reads-only-own": {
        ZH: "{value}密钥只能读取本单位的统计：请去掉 group_by",
        EN: "a {value} key reads only its own statistics; leave out group_by",
    },
    "forbidden.national-shared-every-tenant": {
        ZH: "《{title}》是全国性文件，所有租户共用：只有平台密钥才能记录其修订和废止（这是 {value}密钥）",
        EN: "《{title}》 is national and shared by every tenant: only a platform key records its amendments and repeals (this is a {value} key)",
    },
    "forbidden.not-allowed-database": {
        ZH: "数据库不允许此操作：{message}",
        EN: "not allowed by the database: {message}",
    },
    "forbidden.only-county-office-admin": {
        ZH: "只有县级编办（管理员密钥）才能执行「{action}」；{value}密钥不能",
        EN: "only the county office (an admin key) may {action}; a {value} key may not",
    },
    "forbidden.row-belongs-another-tenant": {
        ZH: "该记录属于另一个租户",
        EN: "the row belongs to another tenant",
    },
    "forbidden.township-key-reads-only": {
        ZH: "乡镇密钥只能读取本乡镇（街道）的统计",
        EN: "a township key reads only its own township's statistics",
    },
    "forbidden.township-key-reads-only-2": {
        ZH: "乡镇密钥只能读取本乡镇（街道）的诉求，不能读取 {township} 的",
        EN: "a township key reads only its own township's calls, not {township}'s",
    },
    "forbidden.township-key-reads-only-3": {
        ZH: "乡镇密钥只能读取本乡镇（街道）的记录，不能读取 {township} 的",
        EN: "a township key reads only its own township's record, not {township}'s",
    },
    "forbidden.units-are-chosen-from": {
        ZH: "承办单位从乡镇（街道）的清单中选定；只有县级编办可以自行指定",
        EN: "units are chosen from the township's list; only the county office names them itself",
    },
    "handbook-unavailable.font-face-cannot-embedded": {
        ZH: "字体 {path}（第 {index} 个字形）无法嵌入：{exc}；请使用 TrueType 轮廓的字体，或不设 QINGDAN_HANDBOOK_FONT 以使用自带字体",
        EN: "the font {path} (face {index}) cannot be embedded: {exc}; use a font with TrueType outlines, or unset QINGDAN_HANDBOOK_FONT for the bundled one",
    },
    "handbook-unavailable.handbook-qr-codes-would": {
        ZH: "手册中的二维码将指向 {public_base_url}，手机无法打开（它只指本机）：请把 QINGDAN_PUBLIC_URL 设为手机和浏览器能访问的本服务地址（例如 https://qingdan.example.gov.cn）后重启",
        EN: "handbook QR codes would point at {public_base_url}, which phones cannot open (it names this machine only); set QINGDAN_PUBLIC_URL to the address phones and browsers reach this service at (e.g. https://qingdan.example.gov.cn) and restart",
    },
    "handbook-unavailable.qingdan-handbook-font-names": {
        ZH: "QINGDAN_HANDBOOK_FONT 指向的 {path} 不是文件",
        EN: "QINGDAN_HANDBOOK_FONT names {path}, which is not a file",
    },
    "handbook-unavailable.qingdan-handbook-font-part": {
        ZH: "QINGDAN_HANDBOOK_FONT「{value}」：'#' 后面须为字体序号",
        EN: "QINGDAN_HANDBOOK_FONT {value!r}: the part after '#' must be a face number",
    },
    "invalid-request.body-not-valid-json": {
        ZH: "请求体不是有效的 JSON（{exc}）",
        EN: "the body is not valid JSON ({exc})",
    },
    "invalid-request.id-not-call-id": {
        ZH: "id：「{value}」不是诉求编号",
        EN: "id: {value!r} is not a call id",
    },
    "invalid-request.if-match": {
        ZH: "If-Match「{header}」无效：{message}",
        EN: "If-Match {header!r} is {message}",
    },
    "invalid-request.not-base64": {
        ZH: "{field}：不是 base64",
        EN: "{field}: not base64",
    },
    "invalid-request.q-at-most-characters": {
        ZH: "q：最多 {MAX_QUERY} 个字符",
        EN: "q: at most {MAX_QUERY} characters",
    },
    "invalid-request.scope-lists-catalog": {
        ZH: "scope：应为 lists 或 catalog",
        EN: "scope: lists or catalog",
    },
    "invalid-request.send-at-least-one": {
        ZH: "请至少发送一份来源清单",
        EN: "send at least one source list",
    },
    "invalid-request.send-each-source-list": {
        ZH: "每份来源清单作为一个文件部分发送（带文件名）；不带文件名的部分须为 UTF-8 文本",
        EN: "send each source list as a file part (with a filename); a part without one must be UTF-8 text",
    },
    "invalid-request.send-source-lists-as": {
        ZH: "请以 multipart/form-data 发送来源清单，每份清单一个文件",
        EN: "send the source lists as multipart/form-data, one file per list",
    },
    "not-found.call-was-not-dispatched": {
        ZH: "诉求 {call_id} 没有派给 {unit}",
        EN: "call {call_id} was not dispatched to {unit}",
    },
    "not-found.catalog-empty-nothing-has": {
        ZH: "目录是空的：还没有创建任何内容",
        EN: "the catalog is empty: nothing has been created yet",
    },
    "not-found.event-was-not-sent": {
        ZH: "事件 {event_id} 没有发送给订阅 {subscription_id}",
        EN: "event {event_id} was not sent to subscription {subscription_id}",
    },
    "not-found.has-no-has": {
        ZH: "《{title}》（{version_date}）没有{label}（它有{span}）",
        EN: "《{title}》 ({version_date}) has no {label} (it has {span})",
    },
    "not-found.has-no-version": {
        ZH: "《{title}》没有版本 {selector}",
        EN: "《{title}》 has no version {selector}",
    },
    "not-found.has-not-claimed": {
        ZH: "{township} 没有认领 {item_code}",
        EN: "{township} has not claimed {item_code}",
    },
    "not-found.item-township-not-assigned": {
        ZH: "乡镇（街道）{township} 的事项 {item_code} 没有分配到岗位",
        EN: "item {item_code} of township {township} is not assigned to a post",
    },
    "not-found.no": {
        ZH: "没有 {what} {value}",
        EN: "no {what} {value}",
    },
    "not-found.no-2": {
        ZH: "没有「{kind}」{instance_id}",
        EN: "no {kind} {instance_id}",
    },
    "not-found.no-accountability-case": {
        ZH: "没有问责案件 {number}",
        EN: "no accountability case {number}",
    },
    "not-found.no-bulk-publication": {
        ZH: "没有批量发布任务 {job_id}",
        EN: "no bulk publication {job_id}",
    },
    "not-found.no-calendar-override": {
        ZH: "{day} 没有日历调整",
        EN: "no calendar override on {day}",
    },
    "not-found.no-call": {
        ZH: "没有诉求 {call_id}",
        EN: "no call {call_id}",
    },
    "not-found.no-catalog-item": {
        ZH: "没有目录事项 {item_code}",
        EN: "no catalog item {item_code}",
    },
    "not-found.no-catalog-item-version": {
        ZH: "第{number}版目录中没有事项 {code}",
        EN: "no catalog item {code} in version {number}",
    },
    "not-found.no-catalog-version": {
        ZH: "没有第{number}版目录",
        EN: "no catalog version {number}",
    },
    "not-found.no-catalog-version-published": {
        ZH: "目录还没有发布任何版本：可用 version=draft 读取草稿",
        EN: "no catalog version is published yet; ask for version=draft",
    },
    "not-found.no-draft": {
        ZH: "没有草稿",
        EN: "no draft",
    },
    "not-found.no-evaluation-period": {
        ZH: "没有考核周期 {code}",
        EN: "no evaluation period {code}",
    },
    "not-found.no-event": {
        ZH: "没有事件 {event_id}",
        EN: "no event {event_id}",
    },
    "not-found.no-handbook": {
        ZH: "没有手册 {job_id}",
        EN: "no handbook {job_id}",
    },
    "not-found.no-jurisdiction-division-code": {
        ZH: "没有区划代码为 {code} 的行政区划",
        EN: "no jurisdiction with division code {code}",
    },
    "not-found.no-legal-document": {
        ZH: "没有法律文件 {document_id}",
        EN: "no legal document {document_id}",
    },
    "not-found.no-portal": {
        ZH: "没有门户「{slug}」",
        EN: "no portal {slug!r}",
    },
    "not-found.no-post-township": {
        ZH: "乡镇（街道）{township} 没有岗位 {code}",
        EN: "no post {code} in township {township}",
    },
    "not-found.no-recorded-change": {
        ZH: "没有已记录的变更 {change_id}",
        EN: "no recorded change {change_id}",
    },
    "not-found.no-result-period-compute": {
        ZH: "考核周期 {period} 中没有 {subject} 的结果（请先计算该周期）",
        EN: "no result for {subject} in period {period} (compute the period first)",
    },
    "not-found.no-tenant": {
        ZH: "没有租户「{tenant}」",
        EN: "no tenant {tenant!r}",
    },
    "not-found.no-township": {
        ZH: "没有乡镇（街道）{township}",
        EN: "no township {township}",
    },
    "not-found.no-township-tenant-has": {
        ZH: "本租户没有任何乡镇（街道）有现行的已发布清单",
        EN: "no township of this tenant has a published list in force",
    },
    "not-found.no-unit": {
        ZH: "没有单位 {unit_code}",
        EN: "no unit {unit_code}",
    },
    "not-found.no-unit-code": {
        ZH: "没有编码为 {code} 的单位",
        EN: "no unit with code {code}",
    },
    "not-found.no-webhook-subscription": {
        ZH: "没有 Webhook 订阅 {subscription_id}",
        EN: "no webhook subscription {subscription_id}",
    },
    "not-found.no-workflow-definition-tenant": {
        ZH: "没有流程定义「{name}」；本租户有：{value}",
        EN: "no workflow definition {name!r}; this tenant has: {value}",
    },
    "not-found.no-workflow-instance": {
        ZH: "没有流程实例 {instance_id}",
        EN: "no workflow instance {instance_id}",
    },
    "not-found.no-workflow-instance-2": {
        ZH: "没有流程实例 {id}",
        EN: "no workflow instance {id}",
    },
    "not-found.no-workflow-tenant": {
        ZH: "本租户没有「{kind}」流程",
        EN: "no {kind} workflow for this tenant",
    },
    "not-found.not-list": {
        ZH: "{item_code} 不在 {township} 的清单上",
        EN: "{item_code} is not on the list of {township}",
    },
    "not-found.not-published-list": {
        ZH: "{code} 不在 {name} 已发布的清单上",
        EN: "{code} is not on the published list of {name}",
    },
    "not-found.there-no-draft-next": {
        ZH: "没有草稿：下一次编辑会新建草稿",
        EN: "there is no draft: the next edit starts one",
    },
    "not-found.township-has-no-list": {
        ZH: "乡镇（街道）{township} 还没有清单：请县里先发布目录",
        EN: "township {township} has no list yet: the county publishes its catalog first",
    },
    "not-found.township-has-no-published": {
        ZH: "乡镇（街道）{township} 没有已发布的第 {wanted} 版；现有第 1 至 {published} 版",
        EN: "township {township} has no published version {wanted}; versions 1 to {published} exist",
    },
    "not-found.township-has-no-published-2": {
        ZH: "乡镇（街道）{value}（{value2}）没有现行的已发布清单",
        EN: "township {value} ({value2}) has no published list in force",
    },
    "not-found.township-has-no-published-3": {
        ZH: "乡镇（街道）{township_code} 没有已发布的清单",
        EN: "township {township_code} has no published list",
    },
    "not-found.township-has-no-published-4": {
        ZH: "乡镇（街道）{township} 没有已发布的清单",
        EN: "township {township} has no published list",
    },
    "not-found.township-has-no-published-5": {
        ZH: "乡镇（街道）{township} 没有已发布的清单{which}{when}",
        EN: "township {township} has no published list{which}{when}",
    },
    "precondition-failed.record-changed-since-you": {
        ZH: "记录在您读取之后已被修改（您发送的版本号为 {expected}，现在是 {current}）：请重新读取后再修改",
        EN: "the record changed since you read it (you sent version {expected}, it is now {current}); read it again and reapply your change",
    },
    "precondition-required.send-if-match-body": {
        ZH: '请发送 If-Match: "{current}"（或在请求体中写 "{field}": {current}；If-Match: * 表示任意版本），以免覆盖他人同时所做的修改',
        EN: 'send If-Match: "{current}" (or "{field}": {current} in the body; If-Match: * for any version) so that a concurrent change is not overwritten',
    },
    "unknown-plugin.no-jurisdiction-plugin-installed": {
        ZH: "没有区划插件「{name}」（已安装：{known}）",
        EN: "no jurisdiction plugin {name!r} (installed: {known})",
    },
    "validation-failed.check-values-you-sent": {
        ZH: "{message}；请检查您发送的值",
        EN: "{message}; check the values you sent",
    },
    "validation-failed.does-not-take-takes": {
        ZH: "{name} 不接受 {value}；它接受：{takes}",
        EN: "{name} does not take {value}; it takes: {takes}",
    },
    "validation-failed.end-must-not-before": {
        ZH: "end：不能早于 start",
        EN: "end: must not be before start",
    },
    "validation-failed.has-no-transition-allowed": {
        ZH: "{name} 没有「{transition}」这一步；在「{label}」（{state}）状态下可以：{value}",
        EN: "{name} has no transition {transition!r}; in {state} the allowed ones are: {value}",
    },
    "validation-failed.list-structure-not-sound": {
        ZH: "清单结构不成立",
        EN: "the list structure is not sound",
    },
    "validation-failed.merged-items-are-not": {
        ZH: "合并后有 {value} 个事项不合格，没有应用任何内容",
        EN: "{value} merged items are not valid; nothing was applied",
    },
    "validation-failed.merged-items-break-catalog": {
        ZH: "合并后的事项违反目录规则，没有应用任何内容（{value}）",
        EN: "the merged items break catalog rules; nothing was applied ({value})",
    },
    "validation-failed.problem-s-csv-nothing": {
        ZH: "CSV 中有 {value} 处问题，没有写入任何内容",
        EN: "{value} problem(s) in the CSV; nothing was written",
    },
    "validation-failed.refers-something-does-not": {
        ZH: "{field}：引用的对象不存在",
        EN: "{field}: refers to something that does not exist",
    },
    "validation-failed.township-catalog-has-no": {
        ZH: "township：目录中没有乡镇（街道）的清单；请用 scope=lists 检索",
        EN: "township: the catalog has no townships; search scope=lists",
    },
    "validation-failed.value-not-allowed": {
        ZH: "{field}：不允许的值",
        EN: "{field}: value not allowed",
    },
    "field.add-names-draft-item": {
        ZH: "新增（add）须写明草稿事项",
        EN: "an add names the draft item",
    },
    "field.admission-pending": {
        ZH: "准入待定",
        EN: "admission pending",
    },
    "field.already-taken": {
        ZH: "已被占用",
        EN: "already taken",
    },
    "field.already-used": {
        ZH: "已经用过",
        EN: "already used",
    },
    "field.already-used-codes-are": {
        ZH: "{code} 已经用过，编码不再重复使用",
        EN: "{code} is already used; codes are never reused",
    },
    "field.appears-twice": {
        ZH: "「{code}」出现了两次",
        EN: "{code!r} appears twice",
    },
    "field.appears-twice-2": {
        ZH: "出现了两次",
        EN: "appears twice",
    },
    "field.applies-township-types-not": {
        ZH: "{indicator} 适用于 {value} 类型的乡镇（街道），不适用于 {evaluatee}（{township_type}）",
        EN: "{indicator} applies to township types {value}, not to {evaluatee} ({township_type})",
    },
    "field.at-least-one-hierarchy": {
        ZH: "至少要有一个层级",
        EN: "at least one hierarchy level is needed",
    },
    "field.at-least-one-list": {
        ZH: "至少要有一种清单类型",
        EN: "at least one list kind is needed",
    },
    "field.at-most-characters-2": {
        ZH: "最多 {MAX_QUERY} 个字符",
        EN: "at most {MAX_QUERY} characters",
    },
    "field.before-start": {
        ZH: "早于开始时间",
        EN: "before start",
    },
    "field.choice-field-lists-choices": {
        ZH: "选项字段须列出可选值",
        EN: "a choice field lists its choices",
    },
    "field.comes-from-not-entered": {
        ZH: "{indicator} 来自 {source}，不需录入",
        EN: "{indicator} comes from {source}; not entered",
    },
    "field.depths-must-run-1": {
        ZH: "层级深度须从上到下为 1…{value}，收到的是 {depths}",
        EN: "depths must run 1…{value} top first, got {depths}",
    },
    "field.different-version-has-date": {
        ZH: "另一个版本已用这个日期",
        EN: "a different version has this date",
    },
    "field.does-not-exist": {
        ZH: "不存在",
        EN: "does not exist",
    },
    "field.evaluates-not": {
        ZH: "{evaluator} 评价的是 {allowed}，不是「{evaluatee}」",
        EN: "a {evaluator} evaluates {allowed}, not {evaluatee!r}",
    },
    "field.financial-shares-must-sum": {
        ZH: "财政分担比例合计须为 100，而不是 {total:g}",
        EN: "financial shares must sum to 100, not {total:g}",
    },
    "field.form-field-not-utf": {
        ZH: "表单字段不是 UTF-8 编码（{reason}）",
        EN: "a form field is not UTF-8 ({reason})",
    },
    "field.give-every-party-financial": {
        ZH: "财政分担比例要么每个单位都写，要么都不写",
        EN: "give every party a financial share, or none",
    },
    "field.give-new-item-item": {
        ZH: "新事项写在 item 中（item_code 用于 remove 和 reassign）",
        EN: "give the new item in item (item_code is for remove and reassign)",
    },
    "field.grades-are-listed-best": {
        ZH: "等次须从高到低排列，min_score 严格递减",
        EN: "grades are listed best first with strictly falling min_score",
    },
    "field.has-no-field-known": {
        ZH: "{source} 没有字段「{source_field}」（已有：{known}）",
        EN: "{source} has no field {source_field!r} (known: {known})",
    },
    "field.indicator-appears-twice": {
        ZH: "指标 {code} 出现了两次",
        EN: "indicator {code} appears twice",
    },
    "field.item-cannot-sit-under": {
        ZH: "「{level}」事项不能放在「{value}」事项之下",
        EN: "a {level} item cannot sit under a {value} item",
    },
    "field.item-needs-parent": {
        ZH: "「{level}」事项要有上级事项",
        EN: "a {level} item needs a parent",
    },
    "field.item-one": {
        ZH: "「{label}」事项须为{allowed}之一",
        EN: "a {label} item is one of {allowed}",
    },
    "field.item-recovered-item-name": {
        ZH: "{value} 事项是收回事项：请写明收回承接部门、收回后工作方式和收回理由",
        EN: "a {value} item is a recovered item: name the receiving department, how the work runs now and why",
    },
    "field.key-may-not-score": {
        ZH: "{value}密钥不能以 {evaluator} 的身份评分",
        EN: "a {value} key may not score as {evaluator}",
    },
    "field.last-grade-starts-at": {
        ZH: "最后一个等次须从 0 分开始，使每个分数都有等次",
        EN: "the last grade starts at 0 so that every score has a grade",
    },
    "field.lies-below-would-make": {
        ZH: "{parent_code} 在 {code} 之下：会形成循环",
        EN: "{parent_code} lies below {code}: that would make a cycle",
    },
    "field.max-score-must-greater": {
        ZH: "max_score 须大于 min_score",
        EN: "max_score must be greater than min_score",
    },
    "field.message": {
        ZH: "{code}：{message}",
        EN: "{code}: {message}",
    },
    "field.message-2": {
        ZH: "{code} {label}：{message}",
        EN: "{code} {label}: {message}",
    },
    "field.message-3": {
        ZH: "{value}：{message}",
        EN: "{value}: {message}",
    },
    "field.message-4": {
        ZH: "{value}：{exc}",
        EN: "{value}: {exc}",
    },
    "field.message-5": {
        ZH: "{value}：{detail}",
        EN: "{value}: {detail}",
    },
    "field.message-6": {
        ZH: "{label}须明确随事项下沉的{label2}保障",
        EN: "{label} must state the {label2} support that goes down with the item",
    },
    "field.must-all-claim-none": {
        ZH: "须为 all、claim 或 none",
        EN: "must be all, claim or none",
    },
    "field.must-lists-catalog": {
        ZH: "须为 lists 或 catalog",
        EN: "must be lists or catalog",
    },
    "field.names-existing-item-item": {
        ZH: "「{action}」须用 item_code 指明现有事项",
        EN: "a {action} names an existing item by item_code",
    },
    "field.names-item": {
        ZH: "「{action}」须写明事项",
        EN: "a {action} names the item",
    },
    "field.no-active-catalog-item": {
        ZH: "没有有效的目录事项 {code}",
        EN: "no active catalog item {code}",
    },
    "field.no-indicator-relation": {
        ZH: "关系 {code} 中没有指标「{indicator}」",
        EN: "no indicator {indicator!r} in relation {code}",
    },
    "field.no-item-draft": {
        ZH: "草稿中没有事项 {parent_code}",
        EN: "no item {parent_code} in the draft",
    },
    "field.no-relation-period-s": {
        ZH: "该周期的考核方案中没有关系「{relation}」",
        EN: "no relation {relation!r} in the period's scheme",
    },
    "field.no-relation-scheme": {
        ZH: "考核方案中没有关系「{relation}」",
        EN: "no relation {relation!r} in the scheme",
    },
    "field.no-township": {
        ZH: "没有乡镇（街道）{township}",
        EN: "no township {township}",
    },
    "field.no-unit": {
        ZH: "没有单位 {receiving_unit}",
        EN: "no unit {receiving_unit}",
    },
    "field.no-unit-use-unit": {
        ZH: "没有单位 {party}：请用单位编码或 township",
        EN: "no unit {party}; use a unit code or township",
    },
    "field.none-sent": {
        ZH: "没有发送",
        EN: "none sent",
    },
    "field.not-2": {
        ZH: "{evaluator} 不是 {evaluator2}",
        EN: "{evaluator} is not a {evaluator2}",
    },
    "field.not-agency": {
        ZH: "{evaluatee} 不是 {evaluator} 的派驻机构",
        EN: "{evaluatee} is not an agency of {evaluator}",
    },
    "field.not-base64": {
        ZH: "不是 base64",
        EN: "not base64",
    },
    "field.not-choice": {
        ZH: "「{code}」不是可选值",
        EN: "{code!r} is not a choice",
    },
    "field.not-field-jurisdiction": {
        ZH: "不是该行政区划的字段",
        EN: "not a field of this jurisdiction",
    },
    "field.not-future": {
        ZH: "{until} 不是将来的日期",
        EN: "{until} is not in the future",
    },
    "field.not-item-published-catalog": {
        ZH: "{code} {label}：{value} 不是已发布目录中的事项（清单外事项）",
        EN: "{code} {label}: {value} not an item of the published catalog (清单外事项)",
    },
    "field.not-seed-catalog": {
        ZH: "{code} 不在基础目录中",
        EN: "{code} is not in the seed catalog",
    },
    "field.not-stationed-may-not": {
        ZH: "{evaluatee} 没有派驻在 {evaluator}：不能由它评价",
        EN: "{evaluatee} is not stationed in {evaluator}; it may not rate it",
    },
    "field.not-tenant": {
        ZH: "{evaluatee} 不是本租户的 {evaluatee2}",
        EN: "{evaluatee} is not a {evaluatee2} of this tenant",
    },
    "field.not-uuid": {
        ZH: "不是 UUID",
        EN: "not a UUID",
    },
    "field.only-indicators-evaluating-townships": {
        ZH: "只有评价乡镇（街道）的指标才分类型",
        EN: "only indicators evaluating townships are typed",
    },
    "field.only-reassign-changes-responsibilities": {
        ZH: "只有调整（reassign）才改变职责",
        EN: "only a reassign changes responsibilities",
    },
    "field.only-scope-lists": {
        ZH: "只能与 scope=lists 一起使用",
        EN: "only with scope=lists",
    },
    "field.only-temporary-phased-duty": {
        ZH: "只有临时或阶段性职责才有截止日期",
        EN: "only a temporary or phased duty has an end date",
    },
    "field.out-order-repeated": {
        ZH: "{number} 顺序不对或重复",
        EN: "{number} is out of order or repeated",
    },
    "field.outside-s-range": {
        ZH: "{score:g} 超出了 {indicator} 的范围 {min_score:g}–{max_score:g}",
        EN: "{score:g} is outside {indicator}'s range {min_score:g}–{max_score:g}",
    },
    "field.pending": {
        ZH: "待定",
        EN: "pending",
    },
    "field.reassign-gives-new-responsibilities": {
        ZH: "调整（reassign）须给出新的职责",
        EN: "a reassign gives the new responsibilities",
    },
    "field.relation-appears-twice": {
        ZH: "关系 {code} 出现了两次",
        EN: "relation {code} appears twice",
    },
    "field.relation-has-no-indicators": {
        ZH: "关系 {code} 没有指标",
        EN: "relation {code} has no indicators",
    },
    "field.relation-scored-county": {
        ZH: "关系 {code} 由县级 {root} 评分",
        EN: "relation {code} is scored by the county {root}",
    },
    "field.report-now-has-digest": {
        ZH: "报告现在的摘要是 {digest}",
        EN: "the report now has digest {digest}",
    },
    "field.required": {
        ZH: "此项必须填写（{label}）",
        EN: "required ({label})",
    },
    "field.required-2": {
        ZH: "{name} 必须填写：{label}",
        EN: "required for {name}: {label}",
    },
    "field.required-column-missing": {
        ZH: "缺少必需的列",
        EN: "required column missing",
    },
    "field.required-items": {
        ZH: "{value} 事项必须填写（{label}）",
        EN: "required for {value} items ({label})",
    },
    "field.set-admission-itself-leave": {
        ZH: "由准入流程自己设定：请不要填写",
        EN: "set by the admission itself; leave it out",
    },
    "field.shares-relations-evaluating-sum": {
        ZH: "评价「{kind}」的各关系权重合计为 {value:.3f}，不是 1",
        EN: "the shares of the relations evaluating a {kind} sum to {value:.3f}, not 1",
    },
    "field.source-needs-source-field": {
        ZH: "数据来源 {source} 需要 source_field",
        EN: "source {source} needs a source_field",
    },
    "field.temporary-phased-duty-says": {
        ZH: "临时或阶段性职责须写明截止时间",
        EN: "a temporary or phased duty says until when",
    },
    "field.these-list-kinds-put": {
        ZH: "这些清单类型会把事项放进每个乡镇（街道）的清单，而本县的清单结构中没有由乡镇认领的类型；为一个乡镇新增的事项不能只限于它（由县里为所有乡镇申请）",
        EN: "these list kinds put the item on every township's list, and this county's list structure has no kind townships claim; an addition for one township cannot be limited to it (the county applies for all townships)",
    },
    "field.township-applies-itself": {
        ZH: "乡镇（街道）只能为自己申请",
        EN: "a township applies for itself",
    },
    "field.unknown-allowed-now": {
        ZH: "不认识：现在可以用 {value}",
        EN: "unknown; allowed now: {value}",
    },
    "field.unknown-category": {
        ZH: "没有「{category}」这一事项类别",
        EN: "unknown category {category!r}",
    },
    "field.unknown-column": {
        ZH: "不认识的列",
        EN: "unknown column",
    },
    "field.unknown-data-source-known": {
        ZH: "没有「{source}」这一数据来源（已有：{known}）",
        EN: "unknown data source {source!r} (known: {known})",
    },
    "field.unknown-evaluator-kind": {
        ZH: "没有「{evaluator}」这一评价方类型",
        EN: "unknown evaluator kind {evaluator!r}",
    },
    "field.unknown-input-takes": {
        ZH: "不认识的输入：{name} 接受：{takes}",
        EN: "unknown input; {name} takes: {takes}",
    },
    "field.unknown-item-kind": {
        ZH: "没有「{item_kind}」这一事项分类",
        EN: "unknown item kind {item_kind!r}",
    },
    "field.unknown-item-kind-2": {
        ZH: "没有「{k}」这一事项分类",
        EN: "unknown item kind {k!r}",
    },
    "field.unknown-level-use-one": {
        ZH: "没有「{level}」这一层级：请用{value}之一",
        EN: "unknown level {level!r}; use one of {value}",
    },
    "field.unknown-list-kind": {
        ZH: "没有「{code}」这一清单类型",
        EN: "unknown list kind {code!r}",
    },
    "field.unknown-list-kind-use": {
        ZH: "没有「{kind}」这一清单类型：请用{value}之一",
        EN: "unknown list kind {kind!r}; use one of {value}",
    },
    "field.unknown-township-type": {
        ZH: "没有「{t}」这一乡镇类型",
        EN: "unknown township type {t!r}",
    },
    "field.use-one-2": {
        ZH: "请用{kinds}之一",
        EN: "use one of {kinds}",
    },
    "field.use-one-leave-out": {
        ZH: "请用{value}之一（或不填）",
        EN: "use one of {value} (or leave it out)",
    },
    "field.value-not-allowed": {
        ZH: "不允许的值",
        EN: "value not allowed",
    },
    "field.was-used-before-codes": {
        ZH: "{code} 以前用过，编码不再重复使用",
        EN: "{code} was used before; codes are never reused",
    },
    "field.weights-relation-sum-not": {
        ZH: "关系 {code}{which} 的权重合计为 {got:g}，不是 {total:g}（{codes}）",
        EN: "the weights of relation {code}{which} sum to {got:g}, not {total:g} ({codes})",
    },
    "field.withdrawn-2": {
        ZH: "{parent_code} 已撤销",
        EN: "{parent_code} is withdrawn",
    },
    "not-found.no-adjustment": {
        ZH: "没有调整 {adjustment_id}",
        EN: "no adjustment {adjustment_id}",
    },
    "field.say-why-adjustment-dismissed": {
        ZH: "请说明驳回该调整的理由",
        EN: "say why the adjustment is dismissed",
    },
    "conflict.adjustment-already-resolved": {
        ZH: "该调整已{state}；只有待处理的调整才能采纳或驳回",
        EN: "the adjustment is already {state}; only an open one is applied or dismissed",
    },
    "conflict.publishing-refused-open-adjustments": {
        ZH: "拒绝发布：仍有 {count} 项因法律变化的调整待处理，请先采纳或驳回（GET catalog/adjustments?state=open）",
        EN: "publishing refused: {count} law-change adjustments are still open: apply or dismiss them"
        " (GET catalog/adjustments?state=open)",
    },
    "adjustment-state.applied": {ZH: "采纳", EN: "applied"},
    "adjustment-state.dismissed": {ZH: "驳回", EN: "dismissed"},
    "warning.open-adjustments": {
        ZH: "仍有 {count} 项因法律变化的调整待处理，请采纳或驳回（GET catalog/adjustments?state=open）",
        EN: "{count} law-change adjustments are still open: apply or dismiss them (GET catalog/adjustments?state=open)",
    },
    # Refusals whose object is made at run time (core.security.permissions.deny)
    "action.read-result-own": {
        ZH: "读取 {subject} 的考评结果（{role}密钥只能读取自己的）",
        EN: "read the result of {subject}; a {role} key reads its own",
    },
    "action.read-case-own": {
        ZH: "读取问责案件 {number}（{role}密钥只能读取自己的）",
        EN: "read case {number}; a {role} key reads its own",
    },
    "action.township-handbooks": {
        ZH: "生成或读取乡镇（街道）{township} 的工作手册",
        EN: "make or read handbooks of township {township}",
    },
    "action.read-working-list": {
        ZH: "读取乡镇（街道）{township} 的工作清单（可读取其已发布的清单）",
        EN: "read the working list of {township}; read its published list",
    },
    "action.assign-posts": {ZH: "为乡镇（街道）{township} 分配岗位", EN: "assign posts in {township}"},
    "action.read-posts": {ZH: "读取乡镇（街道）{township} 的岗位", EN: "read the posts of {township}"},
    # Accountability: who never held an item (core.evaluation.accountability)
    "party.township": {ZH: "乡镇（街道）{code}（{name}）", EN: "township {code} ({name})"},
    "party.unit": {ZH: "单位 {code}（{name}）", EN: "unit {code} ({name})"},
    "party.post": {ZH: "{township} 的岗位 {code}（{name}）", EN: "post {code} ({name}) of {township}"},
    "why.no-unit-responsibility": {
        ZH: "（任何目录版本中都没有它的责任）",
        EN: " (no responsibility for it in any catalog version)",
    },
    "why.post-not-assigned": {ZH: "（未作为 A 角或 B 角分配给该岗位）", EN: " (it is not assigned to it as A or B)"},
    # The database away (core.platform.db)
    "database-unavailable.no-answer": {
        ZH: "数据库没有及时响应，未做任何修改；请几秒钟后重试",
        EN: "the database did not answer in time; nothing was changed. Try again in a few seconds",
    },
    "database-unavailable.cannot-reach": {
        ZH: "暂时无法连接数据库，未做任何修改；请几秒钟后重试",
        EN: "the database cannot be reached right now; nothing was changed. Try again in a few seconds",
    },
    "database-unavailable.not-open": {
        ZH: "数据库连接尚未打开（服务正在启动或停止）",
        EN: "the database connection is not open (the server is starting or stopping)",
    },
    "database-unavailable.lost-while-saving": {
        ZH: "保存时与数据库的连接中断，修改可能已保存也可能未保存；请先读取确认后再重试"
        "（或使用同一个 Idempotency-Key 重试）",
        EN: "the connection to the database was lost while saving; the change may or may not have been saved."
        " Read it back before trying again (or retry with the same Idempotency-Key)",
    },
    # States and statuses named inside a message (core.platform.messages.label; a call's and a
    # dispatch's states are catalogued by core.calls.states, beside their Chinese names)
    **{
        f"list-status.{status}": {ZH: zh, EN: status}
        for status, zh in {
            "draft": "草稿",
            "submitted": "已报送",
            "returned": "已退回",
            "filed": "已备案",
            "published": "已发布",
        }.items()
    },
    "list-action.return": {ZH: "退回", EN: "return"},
    "list-action.file": {ZH: "备案", EN: "file"},
    "word.none": {ZH: "无", EN: "none"},
    # The file store (core.platform.storage)
    "storage.too-large": {
        ZH: "文件有 {size:,} 字节；最多接受 {limit:,} 字节（{human}）",
        EN: "the object is {size:,} bytes; at most {limit:,} bytes ({human}) are accepted",
    },
    "storage.type-required": {
        ZH: "须写明内容类型；可用：{allowed}",
        EN: "a content type is required; allowed: {allowed}",
    },
    "storage.type-not-accepted": {
        ZH: "不接受内容类型 {content_type}；可用：{allowed}",
        EN: "content type {content_type} is not accepted; allowed: {allowed}",
    },
    "storage.no-object": {ZH: "没有键为 {name} 的文件", EN: "there is no object with key {name}"},
    "storage.link-invalid": {ZH: "下载链接无效，请重新获取", EN: "the download link is invalid; ask for a new one"},
    "storage.link-expired": {
        ZH: "下载链接已于 {when} 过期，请重新获取",
        EN: "the download link expired at {when}; ask for a new one",
    },
    # A key the store refuses (core.platform.storage.validate_key): what is wrong, then how keys look
    "storage.bad-key": {
        ZH: "存储键 {name} 不可用：{problem}。请使用以“/”分隔的相对名称，如 exports/2024/清单.xlsx",
        EN: "invalid object key {name}: {problem}; use relative, '/'-separated names such as 'exports/2024/清单.xlsx'",
    },
    "storage.key-not-text": {ZH: "存储键须为字符串，收到的是 {type}", EN: "a key must be a string, not {type}"},
    "storage.key-empty": {ZH: "存储键是空的", EN: "the key is empty"},
    "storage.key-too-long": {
        ZH: "存储键有 {length} 个字符，最多 {limit} 个",
        EN: "the key is {length} characters long; at most {limit} are allowed",
    },
    "storage.key-control": {ZH: "存储键含有控制字符 {char}", EN: "the key contains the control character {char}"},
    "storage.key-surrogate": {
        ZH: "存储键含有不成对的代理字符 {char}",
        EN: "the key contains the unpaired surrogate {char}",
    },
    "storage.key-backslash": {
        ZH: "存储键含有反斜杠（\\）：各段之间用“/”分隔",
        EN: "the key contains a backslash; separate segments with '/'",
    },
    "storage.key-absolute": {
        ZH: "存储键以“/”开头：存储键是本单位存储空间内的相对名称",
        EN: "the key starts with '/'; keys are relative to the tenant's space",
    },
    "storage.key-too-many-bytes": {
        ZH: "存储键按 UTF-8 编码有 {size} 字节，最多 {limit} 字节",
        EN: "the key is {size} bytes in UTF-8; at most {limit} are allowed",
    },
    "storage.key-dotdot": {ZH: "存储键含有“..”段", EN: "the key contains a '..' segment"},
    "storage.key-dot": {ZH: "存储键含有“.”段", EN: "the key contains a '.' segment"},
    "storage.key-empty-segment": {
        ZH: "存储键含有空段（“//”或结尾的“/”）",
        EN: "the key contains an empty segment ('//' or a trailing '/')",
    },
    "storage.key-long-segment": {
        ZH: "存储键中有一段按 UTF-8 编码超过 {limit} 字节（约 {chars} 个汉字）",
        EN: "a key segment is longer than {limit} bytes in UTF-8",
    },
    # An evaluation scheme or scores refused (core.evaluation.service), then each field's problem
    "validation-failed.what-fields": {ZH: "{what}：{fields}", EN: "{what}: {fields}"},
    "evaluation.scheme-breaks-rule": {ZH: "考核方案不符合规则", EN: "the scheme breaks a rule"},
    "evaluation.tenant-scheme-breaks-rule": {
        ZH: "本地的考核方案不符合规则：请先修改考核方案",
        EN: "the tenant's scheme breaks a rule; fix it first",
    },
    "evaluation.scores-refused": {ZH: "评分未被接受，没有写入任何评分", EN: "scores refused, none written"},
    # A control, bidi or invisible character in a name (core.platform.inputs.unsafe_character)
    "field.unsafe-character": {ZH: "含有 {char}，{why}：请删去", EN: "contains {char}, {why}; remove it"},
    "field.unsafe-control": {ZH: "这是控制字符", EN: "a control character"},
    "field.unsafe-surrogate": {ZH: "这是半个代理对，不是字符", EN: "half of a surrogate pair, not a character"},
    "field.unsafe-invisible": {
        ZH: "这是不可见的格式字符，可用来伪装文字",
        EN: "an invisible formatting character, which can disguise text",
    },
    # A date outside the supported range (core.platform.inputs.day_problem)
    "field.day-out-of-range": {
        ZH: "须为 {first} 至 {last} 之间的日期（收到的是 {value}）",
        EN: "must be a date from {first} to {last} (got {value})",
    },
    # A workflow step's inputs (core.workflow.engine)
    "field.input-stored-file": {ZH: "须为已存储文件的存储键：{problem}", EN: "the key of a stored file: {problem}"},
    "field.input-text": {ZH: "请填写文字", EN: "give text"},
    "field.input-number": {ZH: "请填写数字", EN: "give a number"},
    "field.input-date": {ZH: "请填写日期（如 2024-06-01）", EN: "give a date (YYYY-MM-DD)"},
    "field.input-past": {ZH: "{day} 已经过去：请填写今天或以后的日期", EN: "{day} is in the past"},
    "field.input-townships": {ZH: "请填写乡镇(街道)区划代码的列表", EN: "give a list of township codes"},
    "field.input-not-townships": {ZH: "不是本地的乡镇(街道)：{codes}", EN: "not townships of this tenant: {codes}"},
    "field.input-units": {ZH: "请填写单位编码的列表", EN: "give a list of unit codes"},
    "field.input-not-units": {
        ZH: "不是本地的县直部门或派驻机构：{codes}",
        EN: "not departments or agencies of this tenant: {codes}",
    },
    "field.input-kind": {ZH: "不支持的输入类型 {kind}", EN: "unsupported input kind {kind}"},
    # An item's extra field whose value does not fit its type (core.catalog.structure)
    "field.extra-text": {ZH: "须为文字", EN: "must be text"},
    "field.extra-number": {ZH: "须为数字", EN: "must be a number"},
    "field.extra-boolean": {ZH: "须为是或否（true 或 false）", EN: "must be true or false"},
    "field.extra-date": {ZH: "须为 2024-06-01 这样的日期", EN: "must be a date like 2024-06-01"},
    "field.extra-choice": {ZH: "须为{choices}之一", EN: "must be one of {choices}"},
    "field.extra-list": {ZH: "须为文字的列表", EN: "must be a list of text"},
    "field.extra-unknown-choices": {
        ZH: "{unknown}不是可选的值：请用{choices}",
        EN: "unknown: {unknown}; use {choices}",
    },
    "field.extra-type": {ZH: "不认识的字段类型", EN: "unknown field type"},
    "field.file-is-too-large": {
        ZH: "文件有 {size:,} 字节，最多接受 {limit:,} 字节",
        EN: "the file is {size:,} bytes; at most {limit:,} bytes are accepted",
    },
    "field.file-too-large": {
        ZH: "文件太大：最多接受 {limit:,} 字节",
        EN: "the file is too large: at most {limit:,} bytes are accepted",
    },
    "field.file-name-too-many-bytes": {
        ZH: "文件名太长：按 UTF-8 编码最多 {limit} 字节（约 {chars} 个汉字），请改短后再上传",
        EN: "at most {limit} bytes in UTF-8 (about {chars} Chinese characters): shorten the file name",
    },
    "storage.key-conflict": {
        ZH: "无法以 {name} 存储：它的一部分已经是一个文件，或它已是其他存储键的前缀（本地存储不能同时存放 a 和 a/b）",
        EN: "cannot store key {name}: a part of it is already an object, or it is already a prefix of other keys"
        " (the local store cannot hold both 'a' and 'a/b')",
    },
    # Bytes that are not what their declared type says (core.platform.content_check)
    "content.not-declared": {
        ZH: "内容是{actual}，不是 {declared}：{advice}",
        EN: "the content is {actual}, not {declared}: {advice}",
    },
    "content.described": {ZH: "{what}（{type}）", EN: "{what} ({type})"},
    "content.declare": {ZH: "请把类型声明为 {actual}", EN: "declare {actual}"},
    "content.not-accepted": {
        ZH: "不接受这类文件（接受：{accepted}）",
        EN: "files of that kind are not accepted (accepted: {accepted})",
    },
    "content.hint-xlsx": {
        ZH: "请把工作簿另存为 .xlsx 格式（Excel 2007 及以后）",
        EN: "save the workbook as .xlsx (Excel 2007 or later)",
    },
    "content.hint-utf8": {ZH: "请把文本另存为 UTF-8 编码", EN: "save the text as UTF-8"},
    "content.hint-json-utf8": {ZH: "请以 UTF-8 编码发送 JSON", EN: "send JSON encoded as UTF-8"},
    "content.markup": {
        ZH: "内容是{actual}，不是 {declared}：标记语言（HTML、XML）不能作为文本上传",
        EN: "the content is {actual}, not {declared}: markup is not accepted as text",
    },
    "content.bad-json": {
        ZH: "内容不是有效的 JSON：请发送格式正确的 JSON 文档",
        EN: "the content is not valid JSON ({detail}): send a well-formed JSON document",
    },
    "content.svg": {
        ZH: "不接受这个 SVG：{problem}；请改为上传 PNG 图片",
        EN: "the SVG is not accepted: {problem}; upload a PNG image instead",
    },
    "content.svg-not-utf8": {ZH: "它不是 UTF-8 文本", EN: "it is not UTF-8 text"},
    "content.svg-dtd": {ZH: "它声明了 DTD 或实体", EN: "it declares a DTD or entities"},
    "content.svg-not-xml": {ZH: "它不是格式正确的 XML", EN: "it is not well-formed XML ({detail})"},
    "content.svg-processing-instruction": {
        ZH: "它含有处理指令（如外部样式表）",
        EN: "it contains a processing instruction (e.g. an external stylesheet)",
    },
    "content.svg-root": {ZH: "它的根元素是 <{tag}>，不是 <svg>", EN: "its root element is <{tag}>, not <svg>"},
    "content.svg-element": {ZH: "它含有 <{tag}> 元素", EN: "it contains a <{tag}> element"},
    "content.svg-stylesheet-outside": {
        ZH: "它的样式表引用了文件以外的内容",
        EN: "its stylesheet refers to something outside the file",
    },
    "content.svg-handler": {ZH: "它有事件处理属性（{attr}）", EN: "it has an event handler attribute ({attr})"},
    "content.svg-javascript": {
        ZH: "它的属性（{attr}）中有 javascript: 地址",
        EN: "an attribute ({attr}) holds a javascript: address",
    },
    "content.svg-href-outside": {
        ZH: "它引用了文件以外的内容（href）",
        EN: "it refers to something outside the file (href)",
    },
    "content.svg-style-outside": {
        ZH: "它的 style 属性引用了文件以外的内容",
        EN: "a style attribute refers to something outside the file",
    },
    "content.svg-animates": {ZH: "它以动画改变链接或事件处理属性", EN: "it animates a link or an event handler"},
    # What bytes are, as content.not-declared names them (core.platform.content_check.sniff)
    "media.application/pdf": {ZH: "PDF 文档", EN: "a PDF document"},
    "media.image/png": {ZH: "PNG 图片", EN: "a PNG image"},
    "media.image/jpeg": {ZH: "JPEG 图片", EN: "a JPEG image"},
    "media.image/gif": {ZH: "GIF 图片", EN: "a GIF image"},
    "media.application/x-msdownload": {ZH: "Windows 可执行程序", EN: "a Windows executable"},
    "media.application/x-executable": {ZH: "ELF 可执行程序", EN: "an ELF executable"},
    "media.application/gzip": {ZH: "gzip 压缩包", EN: "a gzip archive"},
    "media.application/x-7z-compressed": {ZH: "7-Zip 压缩包", EN: "a 7-Zip archive"},
    "media.application/vnd.rar": {ZH: "RAR 压缩包", EN: "a RAR archive"},
    "media.application/x-ole-storage": {ZH: "旧版 Office 文件（OLE）", EN: "an old Office (OLE) file"},
    "media.application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        ZH: "Excel 工作簿（.xlsx）",
        EN: "an Excel workbook (.xlsx)",
    },
    "media.application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
        ZH: "Word 文档（.docx）",
        EN: "a Word document (.docx)",
    },
    "media.application/zip": {ZH: "ZIP 压缩包", EN: "a ZIP archive"},
    "media.image/webp": {ZH: "WebP 图片", EN: "a WebP image"},
    "media.text/html": {ZH: "HTML 网页", EN: "an HTML document"},
    "media.image/svg+xml": {ZH: "SVG 图片", EN: "an SVG image"},
    "media.application/xml": {ZH: "XML 文档", EN: "an XML document"},
    "media.application/json": {ZH: "JSON 数据", EN: "JSON"},
    "media.text/plain": {ZH: "纯文本", EN: "plain text"},
    "media.application/octet-stream": {ZH: "无法识别类型的二进制数据", EN: "binary data of no recognised type"},
    # Refusals sent before the request's headers are read (api.limits.HeaderDeadline)
    "raw.headers-too-large": {
        ZH: "请求行和请求头超过 {limit:,} 字节",
        EN: "the request line and headers exceed {limit:,} bytes",
    },
    "raw.headers-late": {
        ZH: "请求行和请求头未在 {seconds:g} 秒内送达",
        EN: "the request line and headers did not arrive within {seconds:g} s",
    },
}

#: What a key may not do, as a permission refusal names it (``core.security.permissions.said``):
#: the action's English phrase (how the services name it) → Chinese.
ACTIONS: dict[str, str] = {
    # oversight (issue 21)
    "create API keys": "创建 API 密钥",
    "list API keys": "查看 API 密钥",
    "revoke API keys": "吊销 API 密钥",
    "grant oversight": "授予监督权限",
    "revoke oversight": "撤销监督权限",
    "read oversight grants": "查看监督授权",
    "compute burden indicators": "计算减负指标",
    "add legal documents": "添加法律文件",
    "answer": "答复",
    "archive": "归档",
    "apply or dismiss adjustments": "采纳或驳回调整",
    "archive a call": "归档诉求",
    "attach a file": "添加附件",
    "attach a file to the call": "为诉求添加附件",
    "change the evaluation scheme": "修改考核方案",
    "change the list structure": "修改清单结构",
    "claim items": "认领事项",
    "close evaluation periods": "关闭考核周期",
    "compute evaluation results": "计算考核结果",
    "create": "新建",
    "create jurisdiction": "新建行政区划",
    "decide an extension": "决定延期申请",
    "delete": "删除",
    "delete jurisdiction": "删除行政区划",
    "dispatch": "派发",
    "dispatch a call": "派发诉求",
    "edit entries": "编辑清单事项",
    "edit the catalog": "编辑目录",
    "edit the working-day calendar": "编辑工作日日历",
    "enter evaluation scores": "录入考核评分",
    "follow up": "回访",
    "follow up a call": "回访诉求",
    "import citations": "导入法律依据",
    "import the catalog": "导入目录",
    "issue notices": "发出通知",
    "manage webhook subscriptions": "管理 Webhook 订阅",
    "merge source lists": "合并来源清单",
    "open evaluation periods": "开启考核周期",
    "process workflow deadlines": "处理流程期限",
    "publish the catalog": "发布目录",
    "return township lists": "退回乡镇（街道）清单",
    "file township lists": "备案乡镇（街道）清单",
    "publish township lists": "发布乡镇清单",
    "raise a call": "提出诉求",
    "re-route": "改派",
    "re-route a call": "改派诉求",
    "read bulk publications": "查看批量发布",
    "read impact reports": "查看影响报告",
    "read the audit trail": "查看审计记录",
    "read webhook deliveries": "查看 Webhook 投递",
    "read webhook subscriptions": "查看 Webhook 订阅",
    "record accountability cases": "记录问责案件",
    "record changes of the tenant's legal documents": "记录本租户法律文件的变更",
    "redeliver webhooks": "重新投递 Webhook",
    "request an extension": "申请延期",
    "request extension": "申请延期",
    "send back": "退回",
    "send back a call": "退回诉求",
    "set the portal footer": "设置门户页脚",
    "set the portal's public figures": "设置门户公开的减负监测图表",
    "sign for": "签收",
    "start": "开始办理",
    "submit the list": "报送清单",
    "supervise a call (督办)": "督办诉求",
    "update": "修改",
    "update jurisdiction": "修改行政区划",
    "urge a call (催办)": "催办诉求",
    "withdraw claims": "撤回认领",
}
DETAILS.update({f"action.{phrase}": {ZH: chinese, EN: phrase} for phrase, chinese in ACTIONS.items()})
DETAILS["action.target"] = {ZH: "{action}（{target}）", EN: "{action} {target}"}
DETAILS["action.unit"] = {ZH: "{action}单位 {unit_code}", EN: "{action} unit {unit_code}"}
DETAILS["action.for-township"] = {ZH: "为乡镇（街道）{township}{action}", EN: "{action} for township {township}"}

# Oversight across counties (issue 21, core/oversight/).
DETAILS.update(
    {
        "forbidden.county-grants-only": {
            ZH: "只有县（区）授予监督权限；{tenant} 是{kind}",
            EN: "only a county grants oversight; {tenant} is a {kind}",
        },
        "forbidden.not-overseer": {
            ZH: "只有市、省租户的管理员或只读密钥能查看所监督的县（区）（{tenant} 是{kind}，密钥是{role}密钥）",
            EN: "only the admin or reader keys of a city or province tenant read overseen counties ({tenant} is a {kind}, the key a {role} key)",
        },
        "field.no-overseer": {ZH: "没有市或省租户「{slug}」", EN: "no city or province tenant {slug!r}"},
        "not-found.no-active-grant": {
            ZH: "没有授予「{overseer}」的有效监督权限",
            EN: "no active grant to {overseer!r}",
        },
        "not-found.no-overseen-county": {ZH: "没有所监督的县（区）「{county}」", EN: "no overseen county {county!r}"},
        "not-found.no-list-in-force": {
            ZH: "乡镇（街道）「{township}」在 {day} 没有生效的已公布清单",
            EN: "no published list of township {township!r} in force on {day}",
        },
        "not-found.no-published-catalog-version": {
            ZH: "没有已公布的目录版本 {number}",
            EN: "no published catalog version {number}",
        },
        "field.indicators-are-a-countys": {ZH: "减负指标只属于县（区）", EN: "burden indicators are a county's"},
        "field.too-many-counties": {
            ZH: "一次最多比较 {maximum} 个县（区）",
            EN: "at most {maximum} counties in one comparison",
        },
        "field.another-county": {
            ZH: "请指定与 county_level 不同的县（区）",
            EN: "name another county than county_level",
        },
        # Provisioning an overseer (tenants/provisioning.py).
        "field.required-without-plugin": {ZH: "未指定插件时必须填写", EN: "required when no plugin is named"},
        "field.province-division-code": {
            ZH: "省级租户的区划代码是六位数字，形如 NN0000",
            EN: "a province's division code is six digits NN0000",
        },
        "field.city-division-code": {
            ZH: "市级租户的区划代码是六位数字，形如 NNNN00（不能是 NN0000）",
            EN: "a city's division code is six digits NNNN00 (not NN0000)",
        },
        "field.overseer-takes-no-plugin": {
            ZH: "市、省租户监督各县（区），不使用插件",
            EN: "a city or province tenant oversees counties; it takes no plugin",
        },
        "field.bad-oversight-unit": {
            ZH: "「{unit}」不是县（区）的写法：请写县（区）租户的标识（如 taian），或标识、冒号和其区划中一个县（区）的六位代码（如 taian:370902）",
            EN: "{unit!r} does not name a county: write a county tenant's slug (e.g. taian), or the slug, a colon and the six-digit code of a county or district in its division tree (e.g. taian:370902)",
        },
        "field.no-district": {
            ZH: "「{county}」的区划中没有下辖乡镇（街道）的县（区）{district}",
            EN: "{county!r} has no county or district {district} with townships in its division tree",
        },
        "field.overlapping-units": {
            ZH: "「{whole}」已包含「{part}」：请比较整个县（区），或比较它的各县（区），不要同时",
            EN: "{whole!r} already holds {part!r}: compare the whole county or its districts, not both",
        },
        "field.unknown-chart-use-one": {
            ZH: "没有「{chart}」这一公开图表：请用{value}之一",
            EN: "unknown chart {chart!r}; use one of {value}",
        },
    }
)

# Keys, tenants and plugin scaffolds (tenants/): what integrators and platform operators meet.
DETAILS.update(
    {
        "unauthenticated.no-key": {
            ZH: "请在 Authorization 头中发送 Bearer <API 密钥>",
            EN: "send Authorization: Bearer <API key>",
        },
        "unauthenticated.malformed-key": {
            ZH: "API 密钥格式不对：密钥以 qd_ 开头",
            EN: "the API key is malformed; keys start with qd_",
        },
        "unauthenticated.unknown-key": {ZH: "API 密钥不存在或已吊销", EN: "the API key is unknown or revoked"},
        "not-found.no-api-key": {ZH: "没有 API 密钥 {key_id}", EN: "no API key {key_id}"},
        "field.scope-required": {
            ZH: "部门和乡镇（街道）密钥必须填写",
            EN: "required for department and township keys",
        },
        "field.scope-not-taken": {
            ZH: "只有部门和乡镇（街道）密钥才填写",
            EN: "only for department and township keys",
        },
        "field.platform-key-by-cli": {
            ZH: "平台密钥只能用命令 `qingdan apikey create --platform` 创建",
            EN: "platform keys are created with `qingdan apikey create --platform`",
        },
        "field.scope-not-a-township": {
            ZH: "{code} 不是本租户的乡镇（街道）",
            EN: "{code} is not a township of this tenant",
        },
        "field.scope-not-a-department": {
            ZH: "{code} 不是本租户的部门",
            EN: "{code} is not a department of this tenant",
        },
        "forbidden.only-platform-creates-tenants": {
            ZH: "只有平台密钥可以创建租户",
            EN: "only a platform key may create tenants",
        },
        "field.plugin-serves": {
            ZH: "插件 {plugin} 服务的区划代码是 {code}",
            EN: "plugin {plugin} serves {code}",
        },
        "conflict.tenant-exists": {ZH: "租户「{slug}」已存在", EN: "tenant {slug!r} already exists"},
        "field.plugin-name": {
            ZH: "2–31 个小写字母、数字或 _，以字母开头（如 anxi）",
            EN: "2–31 lower-case letters, digits or _, starting with a letter (e.g. anxi)",
        },
        "field.plugin-folder-exists": {
            ZH: "{folder} 已存在：请换一个名称或目录",
            EN: "{folder} already exists; choose another name or folder",
        },
    }
)
