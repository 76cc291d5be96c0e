"""`labline market ...`: post, list, screen, suggest, quality, import, export and expire; the
group adds the sub-features' commands (deals, figures, profiles, watches)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from labline.clitools import console, settings_of, unit_of_work
from labline.core.indexes import service as indexes
from labline.market.captable import cli as captable_cli
from labline.market.cliargs import parse_day
from labline.market.deals import cli as deals_cli
from labline.market.diligence import cli as diligence_cli
from labline.market.figures import cli as figures_cli
from labline.market.investors import cli as investors_cli
from labline.market.ledger import cli as ledger_cli
from labline.market.licensing import cli as licensing_cli
from labline.market.listing import cli as listing_cli
from labline.market.profiles import cli as profiles_cli
from labline.market.schemas import AchievementCreate, NeedCreate, Transition
from labline.market.service import market_index, matching, records, texts, transfer
from labline.market.valuation import cli as valuation_cli
from labline.market.watches import cli as watches_cli
from labline.schemas import PageParams
from labline.tabular import write_rows

KIND = click.Choice(["need", "achievement"])


@click.group("market")
def market() -> None:
    """Technology market: needs, achievements, matching, deals, contracts and figures."""


@market.command("post")
@click.argument("kind", type=KIND)
@click.option("--as", "as_email", required=True, help="The person who posts (e-mail).")
@click.option("--org", "organisation_id", type=int, required=True, help="Organisation id.")
@click.option(
    "--set",
    "pairs",
    multiple=True,
    metavar="FIELD=VALUE",
    help="A field, e.g. --set title=... --set industry_code=3825 --set modes=transfer,equity",
)
@click.option("--submit", is_flag=True, help="Submit it for screening straight away.")
@click.pass_context
def post(
    ctx: click.Context,
    kind: str,
    as_email: str,
    organisation_id: int,
    pairs: tuple[str, ...],
    submit: bool,
) -> None:
    """Post a need or an achievement (a draft, or submitted with --submit)."""
    values: dict[str, str | int] = {"organisation_id": organisation_id}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not FIELD=VALUE", param_hint="--set")
        values[key.strip()] = value
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        if kind == "need":
            record: records.Record = records.create_need(
                session, actor=actor, data=NeedCreate.model_validate(values)
            )
        else:
            record = records.create_achievement(
                session, actor=actor, data=AchievementCreate.model_validate(values)
            )
        if submit:
            records.transition(
                session,
                actor=actor,
                kind=kind,  # type: ignore[arg-type]
                record_id=record.id,
                data=Transition(action="submit"),
            )
        console.print(f"{kind} {record.id}: {record.state.value}")


@market.command("list")
@click.argument("kind", type=KIND)
@click.option("--query", "-q", default=None, help="Words in the title, summary or field.")
@click.option("--screening", is_flag=True, help="The records waiting for screening.")
@click.pass_context
def list_records(ctx: click.Context, kind: str, query: str | None, screening: bool) -> None:
    """Published records (or the screening queue)."""
    with unit_of_work(ctx) as (session, actor):
        rows, total = records.list_records(
            session,
            actor=actor,
            kind=kind,  # type: ignore[arg-type]
            page=PageParams(page=1, per_page=100),
            q=query,
            state=records.State.screening if screening else None,
        )
        for r in rows:
            click.echo(f"{r.id:>6}  {r.state.value:<12} {r.industry_code:<5} {r.title}")
    console.print(f"{total} {kind}s")


@market.command("screen")
@click.argument("kind", type=KIND)
@click.argument("record_id", type=int)
@click.option("--publish", "decision", flag_value="publish", help="Publish it.")
@click.option("--return", "decision", flag_value="return", help="Send it back (give --reason).")
@click.option("--reason", default="")
@click.pass_context
def screen(
    ctx: click.Context, kind: str, record_id: int, decision: str | None, reason: str
) -> None:
    """Publish a record under screening, or send it back with reasons."""
    if decision is None:
        raise click.UsageError("say --publish or --return")
    with unit_of_work(ctx) as (session, actor):
        record = records.transition(
            session,
            actor=actor,
            kind=kind,  # type: ignore[arg-type]
            record_id=record_id,
            data=Transition(action=decision, reason=reason),
        )
        console.print(f"{kind} {record.id}: {record.state.value}")


@market.command("suggest")
@click.argument("kind", type=KIND)
@click.argument("record_id", type=int)
@click.option("-k", default=10, show_default=True, type=click.IntRange(1, 50))
@click.option("--min-readiness", type=click.IntRange(1, 9), default=None)
@click.option("--region", default=None, help="GB/T 2260 code; a province includes its cities.")
@click.option("--industry", default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def suggest(
    ctx: click.Context,
    kind: str,
    record_id: int,
    k: int,
    min_readiness: int | None,
    region: str | None,
    industry: str | None,
    as_json: bool,
) -> None:
    """Achievements for a need, or the needs an achievement could meet, with the reasons."""
    holder = ctx.find_root().obj
    with unit_of_work(ctx) as (session, actor):
        if kind == "need":
            found = matching.suggest_for_need(
                session,
                actor=actor,
                holder=holder,
                need_id=record_id,
                k=k,
                min_readiness=min_readiness,
                region_code=region,
                industry_code=industry,
            )
        else:
            found = matching.suggest_for_achievement(
                session,
                actor=actor,
                holder=holder,
                achievement_id=record_id,
                k=k,
                region_code=region,
                industry_code=industry,
            )
        if as_json:
            click.echo(json.dumps([s.__dict__ for s in found], ensure_ascii=False, indent=1))
            return
        for s in found:
            click.echo(f"{s.rank:>3}. [{s.kind} {s.id}] {s.title}")
            click.echo(f"      {s.explanation}")
    console.print(f"{len(found)} suggestions")


@market.command("quality")
@click.option("--labelled", type=click.Path(path_type=Path), default=None, help="Write the set.")
@click.pass_context
def quality(ctx: click.Context, labelled: Path | None) -> None:
    """Matching quality from the feedback log; optionally write the labelled set."""
    with unit_of_work(ctx) as (session, actor):
        q = matching.quality(session, actor=actor)
        if labelled is not None:
            n = write_rows(
                labelled, matching.LABEL_COLUMNS, matching.labelled_set(session, actor=actor)
            )
            console.print(f"{n} labelled pairs written to {labelled}")
    click.echo(json.dumps(q, ensure_ascii=False, indent=1))


@market.command("import")
@click.argument("kind", type=KIND)
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "as_email", default=None, help="Import as this person (default: operator).")
@click.option("--publish", is_flag=True, help="Publish the records at once (operators).")
@click.option(
    "--organisation",
    "organisation_id",
    type=int,
    default=None,
    help="Owner of the achievements of a .jsonl file of real records (NASA, US patents, CSL).",
)
@click.option(
    "--skip-rejected",
    is_flag=True,
    help="(.jsonl) Import the good records and list the rejected ones, instead of none.",
)
@click.option("--limit", type=int, default=None, help="(.jsonl) Only the first N records.")
@click.pass_context
def import_cmd(
    ctx: click.Context,
    kind: str,
    source: Path,
    as_email: str | None,
    publish: bool,
    organisation_id: int | None,
    skip_rejected: bool,
    limit: int | None,
) -> None:
    """Import needs or achievements (.csv, .xlsx, .json): all rows or none; or real records
    (.jsonl, achievements of --organisation, categories mapped to industry codes)."""
    if source.suffix.lower() == ".jsonl":
        if kind != "achievement" or organisation_id is None:
            raise click.UsageError("a .jsonl file imports achievements: give --organisation ID")
        with unit_of_work(ctx, as_email=as_email) as (session, actor):
            result = texts.import_texts(
                session,
                actor=actor,
                source=source,
                organisation_id=organisation_id,
                publish=publish,
                skip_rejected=skip_rejected,
                limit=limit,
            )
        for row in result.rejected:
            problems = "; ".join(f"{e.field}: {e.message}" for e in row.errors)
            click.echo(f"line {row.row} rejected: {problems}", err=True)
        console.print(
            f"{len(result.ids)} of {result.total} achievements imported,"
            f" {len(result.rejected)} rejected"
        )
        return
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        ids = transfer.import_records(
            session,
            actor=actor,
            kind=kind,  # type: ignore[arg-type]
            source=source,
            publish=publish,
        )
    console.print(f"{len(ids)} {kind}s imported")


@market.command("export")
@click.argument("kind", type=KIND)
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def export_cmd(ctx: click.Context, kind: str, target: Path) -> None:
    """Export the published records' public fields (.csv, .xlsx, .json)."""
    with unit_of_work(ctx) as (session, actor):
        n = transfer.export_records(
            session,
            actor=actor,
            kind=kind,  # type: ignore[arg-type]
            target=target,
        )
    console.print(f"{n} {kind}s written to {target}")


@market.command("expire")
@click.option("--today", default=None, help="YYYY-MM-DD (default: today)")
@click.pass_context
def expire(ctx: click.Context, today: str | None) -> None:
    """Close the needs whose deadline has passed, as expired."""
    day = parse_day(today, "--today") if today else None
    with unit_of_work(ctx) as (session, actor):
        ids = records.expire_needs(session, actor=actor, today=day)
    console.print(f"{len(ids)} needs expired")


for _command in (
    *deals_cli.COMMANDS,
    *captable_cli.COMMANDS,
    *diligence_cli.COMMANDS,
    *investors_cli.COMMANDS,
    *figures_cli.COMMANDS,
    *profiles_cli.COMMANDS,
    *watches_cli.COMMANDS,
    valuation_cli.rnpv,
    licensing_cli.offer,
    ledger_cli.ledger,
    ledger_cli.ledger_books,
    ledger_cli.ledger_overdue,
    listing_cli.listing,
    listing_cli.listing_figures,
):
    market.add_command(_command)


@market.command("index")
@click.option("--check", is_flag=True, help="Only verify the snapshot; change nothing.")
@click.pass_context
def index_cmd(ctx: click.Context, check: bool) -> None:
    """Verify the market's index snapshot beside the database; rebuild it when it is
    missing, damaged or of another database (the worker does this by itself)."""
    directory = settings_of(ctx).data_dir / "indexes" / market_index.SPEC.name
    with unit_of_work(ctx) as (session, actor):
        why, done = indexes.check_or_rebuild(
            session, actor=actor, spec=market_index.SPEC, directory=directory, check=check
        )
    click.echo(f"snapshot {directory}: " + ("usable" if why is None else f"cannot be used: {why}"))
    click.echo(done)
    if check and why is not None:
        ctx.exit(1)
