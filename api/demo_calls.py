"""The demo's calls (乡呼县应 / 吹哨报到) with full histories.

For each demo township a few calls on its published list's cooperating items: raised and
dispatched to the item's departments by the list, signed for, worked on, answered, rated and
closed (归档). One more call is left unsigned past its deadline and escalated by the deadline
run (``process_expired_calls`` at a time after the deadline, as the scheduled run would see
it), then handled to the end too, so that the history shows the escalation.
"""

from __future__ import annotations

import datetime

from core.calls.closing import archive, follow_up
from core.calls.escalation import process_expired_calls
from core.calls.model import Answer, CallCreate, CallView, FollowUp
from core.calls.raising import raise_call
from core.calls.reading import now
from core.calls.responses import answer, sign_for, start
from core.catalog.reading import ItemView
from core.jurisdictions.tree import JurisdictionView
from core.lists.service import get_published_list
from core.security.access import Access
from core.workflow.registry import definition_of_kind

#: Calls per demo township with a whole history; one more is escalated.
HANDLED = 2


def _departments(item: ItemView) -> bool:
    return any(r.party != "township" for r in item.responsibilities)


async def _handle(access: Access, call: CallView, n: int) -> None:
    """Every dispatched unit signs, works and answers; the township rates and closes."""
    for dispatch in call.dispatches:
        await sign_for(access, call.id, dispatch.unit_code)
        await start(access, call.id, dispatch.unit_code)
        part = "主办" if dispatch.role == "primary" else "协办"
        feedback = f"{dispatch.unit_name}已到场处置：按清单职责完成{part}工作并反馈"
        await answer(access, call.id, dispatch.unit_code, Answer(feedback=feedback))
    rating = ("satisfied", "basically_satisfied")[n % 2]
    await follow_up(access, call.id, FollowUp(resolved=True, satisfaction=rating, comment="问题已解决"))
    await archive(access, call.id)


async def raise_demo_calls(access: Access, township: JurisdictionView) -> int:
    """Calls with full histories for one township; returns how many were raised."""
    classes = [c.code for c in definition_of_kind(access, "call").definition.call_classes]
    published = await get_published_list(access, township.code)
    items = [e.item for e in published.entries if _departments(e.item)][: HANDLED + 1]
    if not classes or not items:
        return 0
    raised = []
    for n, item in enumerate(items):
        data = CallCreate(
            township_code=township.code,
            subject=f"{township.name}：{item.title}需部门到场",
            description=f"{township.name}在履行“{item.title}”时遇到超出本级能力的情况，按清单呼叫县级部门协同处置。",
            call_class=classes[n % len(classes)],
            item_code=item.code,
        )
        raised.append(await raise_call(access, data))
    for n, call in enumerate(raised[:HANDLED]):
        await _handle(access, call, n)
    if len(raised) > HANDLED:  # the last one waits past its deadlines and is escalated
        await process_expired_calls(access, now() + datetime.timedelta(days=30))
        await _handle(access, raised[HANDLED], HANDLED)
    return len(raised)
