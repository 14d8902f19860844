"""``/api/v1/tenants/{tenant}/townships/{township}/posts`` and ``…/assignments`` — list
entries decomposed to leader → office (科室) → post with A/B roles (AB角)."""

from __future__ import annotations

from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api.rest.params import TENANT_PATH
from core.lists import posts as service
from core.lists.posts import AssignmentData, AssignmentView, PostData, PostView, UnassignedReport
from core.security.access import Access


class PostController(Controller):
    path = f"{TENANT_PATH}/townships/{{township:str}}"
    tags = ["posts"]

    @get("/posts", operation_id="listPosts", summary="The township's posts with their responsibility descriptions")
    async def posts(self, access: NamedDependency[Access], township: FromPath[str]) -> list[PostView]:
        return await service.list_posts(access, township)

    @put("/posts/{code:str}", operation_id="savePost", summary="Create or change a post of a township office")
    async def save(
        self, access: NamedDependency[Access], township: FromPath[str], code: FromPath[str], data: JSONBody[PostData]
    ) -> PostView:
        return await service.save_post(access, township, code, data)

    @get("/posts/{code:str}", operation_id="getPost", summary="What post P does: its entries as A or B")
    async def post(self, access: NamedDependency[Access], township: FromPath[str], code: FromPath[str]) -> PostView:
        return await service.get_post(access, township, code)

    @get("/assignments", operation_id="listAssignments", summary="Every entry's leader, office, A and B posts")
    async def assignments(self, access: NamedDependency[Access], township: FromPath[str]) -> list[AssignmentView]:
        return await service.list_assignments(access, township)

    @get("/assignments/unassigned", operation_id="listUnassignedEntries", summary="Entries nobody is assigned to")
    async def unassigned(self, access: NamedDependency[Access], township: FromPath[str]) -> UnassignedReport:
        return await service.unassigned(access, township)

    @put(
        "/assignments/{item_code:str}",
        operation_id="assignEntry",
        summary="Decompose an entry to leader → office → A (and B) post",
    )
    async def assign(
        self,
        access: NamedDependency[Access],
        township: FromPath[str],
        item_code: FromPath[str],
        data: JSONBody[AssignmentData],
    ) -> AssignmentView:
        return await service.assign(access, township, item_code, data)

    @get("/assignments/{item_code:str}", operation_id="whoDoes", summary="Who does item I in township T")
    async def who(
        self, access: NamedDependency[Access], township: FromPath[str], item_code: FromPath[str]
    ) -> AssignmentView:
        return await service.who_does(access, township, item_code)
