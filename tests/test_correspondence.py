"""Amendments that follow articles (issue 19, item 4): correspondence between versions by text,
and an impact that opens adjustments only where the cited content changed."""

from __future__ import annotations

import uuid

import httpx
import pytest

from core.legal.correspondence import correspond
from core.legal.lawtext import LIBRARY_DIR, load_law_file
from tests.catalog_fixtures import DOMAIN, PATROL, add_items, add_own_document, build_county, publish
from tests.conftest import TenantFixture

# 突发事件应对法 2007 → 2024, checked by hand against the two texts: old article → (new
# articles, what happened). The 2024 law adds a chapter on the management system early on, so
# most articles keep their words under a new number.
VERIFIED: dict[int, tuple[tuple[int, ...], str]] = {
    1: ((1,), "changed"),  # 立法目的, 依据 updated
    4: ((16,), "changed"),  # 应急管理体制: 统一领导… → 统一指挥、专常兼备…
    7: ((17,), "changed"),  # 县级人民政府对本行政区域内突发事件的应对(管理)工作负责
    8: ((19,), "merged"),  # 行政领导机关 and 应急指挥机构, with 第九条
    9: ((19,), "merged"),
    12: ((12,), "changed"),  # 征用
    13: ((13,), "changed"),  # 时效中止 (监察调查 added)
    14: ((24,), "moved"),  # 中国人民解放军… 参加突发事件的应急救援: same words
    15: ((14,), "changed"),  # 国际合作与交流
    17: ((26,), "changed"),  # 应急预案体系
    21: ((34,), "moved"),  # 及时调解处理可能引发社会安全事件的矛盾纠纷
    22: ((35,), "changed"),  # 所有单位应当建立健全安全管理制度
    23: ((36,), "changed"),  # 矿山、(金属冶炼、)建筑施工单位…
    24: ((37,), "moved"),  # 人员密集场所的经营单位或者管理单位
    25: ((38,), "changed"),  # 应急管理培训制度
    28: ((41,), "moved"),  # 军队、武警、民兵的专门训练
    30: ((43,), "changed"),  # 学校的应急教育
    37: ((59,), "changed"),  # 全国统一的突发事件信息系统
    41: ((58,), "moved"),  # 突发事件监测制度
    42: ((63,), "moved"),  # 突发事件预警制度
    44: ((66,), "changed"),  # 三级、四级警报
    45: ((67,), "changed"),  # 一级、二级警报
    47: ((70,), "moved"),  # 警报的调整和解除
    49: ((73,), "changed"),  # 自然灾害等发生后的应急处置措施
    50: ((74,), "changed"),  # 社会安全事件的处置措施
    51: ((75,), "moved"),  # 严重影响国民经济正常运行时的措施
    56: ((78,), "moved"),  # 受到危害的单位的应急救援
    57: ((79,), "changed"),  # 公民(个人)服从指挥
    60: ((88,), "changed"),  # 恢复重建需要上一级人民政府支持
    62: ((92,), "changed"),  # 查明发生经过和原因, 总结经验教训
    68: ((102,), "changed"),  # 构成犯罪的追究刑事责任 (治安管理处罚 added)
    69: ((103,), "changed"),  # 特别重大突发事件: 紧急状态
    70: ((106,), "changed"),  # 施行日期
}


def test_the_2007_emergency_response_law_follows_into_2024() -> None:
    old, new = (
        load_law_file(next((LIBRARY_DIR / "行政法").glob(f"突发事件应对法({year}*.md"))) for year in ("2007", "2024")
    )
    found = correspond({a.number: a.text for a in old.articles}, {a.number: a.text for a in new.articles})
    by_old = {n: (c.new, c.kind) for c in found for n in c.old}
    right = [n for n, expected in VERIFIED.items() if by_old.get(n) == expected]
    assert len(VERIFIED) >= 20 and len(right) / len(VERIFIED) >= 0.9, {
        n: by_old.get(n) for n in VERIFIED if n not in right
    }
    # Every article is in exactly one correspondence, on either side.
    assert sorted(n for c in found for n in c.old) == [a.number for a in old.articles]
    assert sorted(n for c in found for n in c.new) == [a.number for a in new.articles]
    # By number it was 70 changed and 36 added; followed by text, nine articles only moved.
    assert sum(c.kind == "moved" for c in found) == 9


def test_splits_merges_and_identity() -> None:
    same = {1: "第一款的内容相当长，足以比较。", 2: "另一条完全不同的规定内容。"}
    assert [c.kind for c in correspond(same, same)] == ["unchanged", "unchanged"]
    old = {1: "县级人民政府负责组织本行政区域内的安全生产检查，并对发现的问题督促整改落实到位。"}
    new = {
        1: "县级人民政府负责组织本行政区域内的安全生产检查。",
        2: "对发现的问题，县级人民政府督促整改落实到位。",
    }
    [split] = correspond(old, new)
    assert (split.old, split.new, split.kind) == ((1,), (1, 2), "split")
    [merged] = correspond(new, old)
    assert (merged.old, merged.new, merged.kind) == ((1, 2), (1,), "merged")
    gone = correspond({1: "完全删去的条文内容在这里。"}, {1: "毫不相干的另一个新条文。"})
    assert [c.kind for c in gone] == ["removed", "added"]


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    return tenant


async def test_an_article_that_only_moved_opens_no_adjustment(client: httpx.AsyncClient, county: TenantFixture) -> None:
    h = county.auth()
    title = f"测试区巡查办法{uuid.uuid4().hex[:6]}"
    articles = ["街道办事处每月组织一次安全巡查。", "区应急管理局对巡查工作予以指导。", "巡查发现的隐患应当及时整改。"]
    document = await add_own_document(client, county, title, articles)
    items = [
        {**PATROL, "code": f"MV-0{n}", "title": f"巡查{n}", "citations": [f"《{title}》第{'一二三'[n - 1]}条"]}
        for n in (1, 2, 3)
    ]
    await add_items(client, county, DOMAIN, *items)
    await publish(client, county)
    # 2025: a new first article; the old 1 and 2 move down unchanged, the old 3 (now 4) changes.
    text = (
        f"# {title}\n2025年3月1日 测试区人民政府修订\n<!-- INFO END -->\n"
        "第一条 为了规范安全巡查，制定本办法。\n"
        f"第二条 {articles[0]}\n第三条 {articles[1]}\n"
        "第四条 巡查发现的隐患应当在十日内整改完毕并报告。\n"
    )
    url = f"{county.base}/legal/documents/{document}/amendments"
    recorded = await client.post(url, json={"effective_date": "2025-04-01", "text": text}, headers=h)
    assert recorded.status_code == 201, recorded.text
    report = recorded.json()["report"]
    assert [(p["label"], p["change"]) for p in report["provisions"]] == [
        ("第一条 → 第二条", "moved"),
        ("第二条 → 第三条", "moved"),
        ("第三条 → 第四条", "changed"),
        ("第一条", "added"),
    ]
    [affected] = report["tenants"][0]["items"]
    assert affected["code"] == "MV-03" and affected["provisions"] == [{"label": "第三条", "change": "changed"}]
    found = await client.get(f"{county.base}/catalog/adjustments", params={"state": "open"}, headers=h)
    assert [a["item_code"] for a in found.json()] == ["MV-03"]
