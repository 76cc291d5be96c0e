"""JSON API for the market's records: needs, achievements, access, suggestions, feedback,
quality, import and export (deals/, figures/, profiles/ and watches/ have their own)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool

from labline.core.access import Permission, require
from labline.core.deps import CurrentActor, Db, Paging
from labline.market.models import Mode, State
from labline.market.schemas import (
    AccessDecision,
    AccessRead,
    AccessRequest,
    AchievementCreate,
    AchievementPatch,
    AchievementPublic,
    AchievementRead,
    FeedbackCreate,
    FeedbackRead,
    ImportReport,
    NeedCreate,
    NeedPatch,
    NeedPublic,
    NeedRead,
    QualityRead,
    Transition,
)
from labline.market.service import matching, records, transfer
from labline.market.service.records import RecordKind
from labline.schemas import Page
from labline.web.download import MEDIA, table_download

# OpenAPI: these routes answer a file in the format asked for.
DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {"content": {m.split(";")[0]: {} for m in MEDIA.values()}}
}

router = APIRouter(prefix="/api/v1/market", tags=["market"])


def shown(db: Db, actor: Any, record: Any) -> Any:
    """The full record for those who may read its details, the public face for others."""
    full = records.can_read_details(db, actor, record)
    if isinstance(record, records.TechnologyNeed):
        out: Any = (NeedRead if full else NeedPublic).model_validate(record)
    else:
        out = (AchievementRead if full else AchievementPublic).model_validate(record)
    out.details_visible = full
    return out


# --- needs and achievements: the same routes for both -----------------------------------------

Format = Literal["csv", "xlsx", "json"]


def _routes(kind: RecordKind, plural: str, create_model: Any, patch_model: Any) -> None:
    full_model = NeedRead if kind == "need" else AchievementRead
    public_model = NeedPublic if kind == "need" else AchievementPublic
    either = full_model | public_model
    label = "needs" if kind == "need" else "achievements"

    @router.get(f"/{plural}", response_model=Page[public_model], summary=f"Published {label}")  # type: ignore[valid-type]
    def list_(
        db: Db,
        actor: CurrentActor,
        paging: Paging,
        q: Annotated[str | None, Query(max_length=200)] = None,
        industry: Annotated[str | None, Query(max_length=4)] = None,
        region: Annotated[str | None, Query(max_length=6)] = None,
        mine: bool = False,
        state: State | None = None,
    ) -> Any:
        rows, total = records.list_records(
            db,
            actor=actor,
            kind=kind,
            page=paging,
            q=q,
            industry_code=industry,
            region_code=region,
            mine=mine,
            state=state,
        )
        items = [public_model.model_validate(r) for r in rows]
        return Page(items=items, total=total, page=paging.page, per_page=paging.per_page)

    @router.post(f"/{plural}", response_model=full_model, status_code=201, summary=f"Post a {kind}")
    def create(db: Db, actor: CurrentActor, data: create_model) -> Any:
        if kind == "need":
            record: Any = records.create_need(db, actor=actor, data=data)
        else:
            record = records.create_achievement(db, actor=actor, data=data)
        return shown(db, actor, record)

    @router.get(
        f"/{plural}/export",
        summary=f"Export published {label} (public fields)",
        response_class=Response,
        responses=DOWNLOAD,
    )
    def export(db: Db, actor: CurrentActor, format: Format = "csv") -> Response:
        require(actor, Permission.view_directory)
        rows = transfer.export_rows(db, kind=kind)
        return table_download(label, transfer.EXPORT_COLUMNS[kind], rows, format)

    @router.post(
        f"/{plural}/import", response_model=ImportReport, status_code=201, summary=f"Import {label}"
    )
    async def import_(
        db: Db,
        actor: CurrentActor,
        file: Annotated[UploadFile, File(description=".csv, .xlsx or .json")],
        publish: bool = False,
    ) -> Any:
        """All or nothing: a file with any bad row imports nothing and lists every bad row."""
        ids = await run_in_threadpool(
            transfer.import_upload, db, actor=actor, kind=kind, upload=file, publish=publish
        )
        return ImportReport(kind=kind, imported=len(ids), ids=ids)

    @router.get(f"/{plural}/{{record_id}}", response_model=either, summary=f"One {kind}")
    def get(db: Db, actor: CurrentActor, record_id: int) -> Any:
        record = records.get_record(db, actor=actor, kind=kind, record_id=record_id)
        return shown(db, actor, record)

    @router.patch(f"/{plural}/{{record_id}}", response_model=either, summary=f"Edit a {kind}")
    def update(db: Db, actor: CurrentActor, record_id: int, data: patch_model) -> Any:
        record = records.update_record(db, actor=actor, kind=kind, record_id=record_id, data=data)
        return shown(db, actor, record)

    @router.post(
        f"/{plural}/{{record_id}}/transition",
        response_model=either,
        summary="Submit, publish, return, close...",
    )
    def move(db: Db, actor: CurrentActor, record_id: int, data: Transition) -> Any:
        record = records.transition(db, actor=actor, kind=kind, record_id=record_id, data=data)
        return shown(db, actor, record)

    @router.post(
        f"/{plural}/{{record_id}}/access",
        response_model=AccessRead,
        status_code=201,
        summary="Accept the NDA and ask for the details",
    )
    def ask(db: Db, actor: CurrentActor, record_id: int, data: AccessRequest) -> Any:
        return records.request_access(db, actor=actor, kind=kind, record_id=record_id, data=data)

    @router.post(
        f"/{plural}/{{record_id}}/access/{{person_id}}",
        response_model=AccessRead,
        summary="Admit (or refuse) a person who asked for the details",
    )
    def decide(
        db: Db, actor: CurrentActor, record_id: int, person_id: int, data: AccessDecision
    ) -> Any:
        return records.decide_access(
            db, actor=actor, kind=kind, record_id=record_id, person_id=person_id, data=data
        )

    other = "achievements" if kind == "need" else "needs"

    @router.get(
        f"/{plural}/{{record_id}}/suggestions",
        response_model=list[matching.Suggestion],
        summary=f"Ranked {other} for this {kind}, with explanations",
    )
    def suggestions(
        request: Request,
        db: Db,
        actor: CurrentActor,
        record_id: int,
        k: Annotated[int, Query(ge=1, le=50)] = 10,
        industry: Annotated[str | None, Query(max_length=4)] = None,
        region: Annotated[str | None, Query(max_length=6)] = None,
        min_readiness: Annotated[int | None, Query(ge=1, le=9)] = None,
        mode: Annotated[list[Mode] | None, Query()] = None,
        type: Annotated[str | None, Query(max_length=40)] = None,
    ) -> Any:
        modes = [m.value for m in mode] if mode else None
        holder = request.app.state
        if kind == "need":
            return matching.suggest_for_need(
                db,
                actor=actor,
                holder=holder,
                need_id=record_id,
                k=k,
                industry_code=industry,
                region_code=region,
                min_readiness=min_readiness,
                modes=modes,
                type=type,
            )
        return matching.suggest_for_achievement(
            db,
            actor=actor,
            holder=holder,
            achievement_id=record_id,
            k=k,
            industry_code=industry,
            region_code=region,
            modes=modes,
        )


_routes("need", "needs", NeedCreate, NeedPatch)
_routes("achievement", "achievements", AchievementCreate, AchievementPatch)


# --- feedback and quality ----------------------------------------------------------------------


@router.post(
    "/feedback", response_model=FeedbackRead, status_code=201, summary="Judge a suggestion"
)
def feedback(db: Db, actor: CurrentActor, data: FeedbackCreate) -> Any:
    return matching.record_feedback(db, actor=actor, data=data)


@router.get("/quality", response_model=QualityRead, summary="Matching quality from feedback")
def quality(db: Db, actor: CurrentActor) -> Any:
    return matching.quality(db, actor=actor)


@router.get(
    "/quality/labelled",
    summary="The labelled (need, achievement) set",
    response_class=Response,
    responses=DOWNLOAD,
)
def labelled(db: Db, actor: CurrentActor, format: Format = "json") -> Response:
    rows = matching.labelled_set(db, actor=actor)
    return table_download("labelled", matching.LABEL_COLUMNS, rows, format)
