"""Projects (AddProject, DescribeProjects, UpdateProject): named numbers that instances and disks carry in
``Placement.ProjectId`` and that the ``project-id`` filters and bills read. Project 0 is the default project."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from mockcvm import clock
from mockcvm.errors import ApiError, InvalidParameterValue

if TYPE_CHECKING:
    from mockcvm.world import World

FIRST_PROJECT_ID = 1000001
MAX_NAME = 200
DEFAULT_NAME = "Default project"


@dataclass
class Project:
    project_id: int
    name: str
    info: str
    created: float
    disabled: bool = False


class Projects:
    def __init__(self, world: World) -> None:
        self.world = world
        self._by_account: dict[str, dict[int, Project]] = {}
        self._next = FIRST_PROJECT_ID

    def _mine(self, uin: str) -> dict[int, Project]:
        """The account's projects (read-only: a refused call must leave no trace)."""
        return self._by_account.get(uin, {})

    def name_of(self, uin: str, project_id: int) -> str:
        if project_id == 0:
            return DEFAULT_NAME
        project = self._mine(uin).get(project_id)
        return project.name if project is not None else f"project {project_id}"

    def _named(self, uin: str, name: str) -> Optional[Project]:
        return next((p for p in self._mine(uin).values() if p.name == name), None)

    @staticmethod
    def _check_name(name: Any) -> None:
        if not isinstance(name, str) or not name or len(name) > MAX_NAME:
            raise InvalidParameterValue(f"ProjectName must be 1-{MAX_NAME} characters, got {name!r}.")

    def add(self, uin: str, name: str, info: str) -> tuple[int, int]:
        """``(ProjectId, IsNew)``: a disabled project of the same name is enabled again (IsNew 0)."""
        self._check_name(name)
        existing = self._named(uin, name)
        if existing is not None:
            if not existing.disabled:
                raise ApiError(f"A project named {name!r} exists ({existing.project_id}).",
                               code="InvalidParameter.ProjectNameExisted")
            existing.disabled, existing.info = False, info or existing.info
            return existing.project_id, 0
        project = Project(self._next, name, info, self.world.now)
        self._next += 1
        self._by_account.setdefault(uin, {})[project.project_id] = project
        return project.project_id, 1

    def update(self, uin: str, params: dict[str, Any]) -> None:
        project = self._mine(uin).get(params["ProjectId"])
        if project is None:
            raise ApiError(f"The project {params['ProjectId']} does not exist.", code="ResourceNotFound.RecordNotFound")
        name = params.get("ProjectName")
        if name is not None:
            self._check_name(name)
            clash = self._named(uin, name)
            if clash is not None and clash is not project:
                raise ApiError(f"A project named {name!r} exists ({clash.project_id}).",
                               code="InvalidParameter.ProjectNameExisted")
        disable = params.get("Disable")
        if disable not in (None, 0, 1):
            raise InvalidParameterValue(f"Disable must be 0 or 1, got {disable!r}.")
        if name is not None:
            project.name = name
        if "Info" in params:
            project.info = params["Info"]
        if disable is not None:
            project.disabled = bool(disable)

    def describe(self, uin: str, params: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
        offset, limit = params["Offset"], params["Limit"]
        if offset < 0 or not 1 <= limit <= 1000:
            raise InvalidParameterValue(f"Offset must be >= 0 and Limit 1-1000; got {offset}, {limit}.")
        if params["AllList"] not in (0, 1):
            raise InvalidParameterValue(f"AllList must be 0 or 1, got {params['AllList']!r}.")
        rows = [p for p in self._mine(uin).values() if not p.disabled
                and params.get("ProjectId") in (None, p.project_id) and params.get("ProjectName") in (None, p.name)]
        return len(rows), [{"ProjectId": p.project_id, "ProjectName": p.name, "CreatorUin": int(uin),
                            "ProjectInfo": p.info, "CreateTime": clock.spaced(p.created)}
                           for p in rows[offset : offset + limit]]
