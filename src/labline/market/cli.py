"""`labline market ...`: post, list, screen, match, deal, sign, report, import and export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from labline.clitools import console, settings_of, unit_of_work
from labline.market.deals.schemas import (
    ContractCreate,
    DealCreate,
    DealDue,
    DealTransition,
    MessageCreate,
)
from labline.market.deals.service import deals
from labline.market.figures import service as figures
from labline.market.models import DealState
from labline.market.schemas import AchievementCreate, NeedCreate, Transition
from labline.market.service import matching, records, transfer
from labline.schemas import PageParams
from labline.tabular import write_rows

KIND = click.Choice(["need", "achievement"])


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


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


@market.command("teams")
@click.option("--org", "organisation_id", type=int, default=None, help="One organisation's teams.")
@click.option("--query", "-q", default=None, help="Words in the teams' fields or titles.")
@click.option("--need", "need_id", type=int, default=None, help="Ranked teams for this need.")
@click.option("--as", "as_email", default=None, help="Whose view (e-mail); names need rights.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def teams(
    ctx: click.Context,
    organisation_id: int | None,
    query: str | None,
    need_id: int | None,
    as_email: str | None,
    as_json: bool,
) -> None:
    """Research teams (co-inventors of an organisation), or the teams ranked for a need."""
    from labline.market.profiles.service import matching as team_matching
    from labline.market.profiles.service import teams as profiles

    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        if need_id is not None:
            ranked = team_matching.suggest_teams_for_need(
                session, actor=actor, holder=ctx.find_root().obj, need_id=need_id
            )
            if as_json:
                out = [ts.__dict__ for ts in ranked]
                click.echo(json.dumps(out, ensure_ascii=False, indent=1))
                return
            for ts in ranked:
                click.echo(f"{ts.rank:>3}. [team {ts.team_id}] {ts.name_en}  {ts.score}")
                click.echo(f"      {ts.explanation}")
            console.print(f"{len(ranked)} teams")
            return
        rows, total = profiles.list_teams(
            session, actor=actor, organisation_id=organisation_id, q=query, limit=200
        )
        if as_json:
            click.echo(
                json.dumps(
                    [
                        {
                            "id": t.id,
                            "name_zh": t.name_zh,
                            "name_en": t.name_en,
                            "organisation_id": t.organisation.id,
                            "achievements": len(t.achievements),
                            "inventors": t.inventor_count,
                            "fields": t.fields,
                            "contracts": t.contracts,
                        }
                        for t in rows
                    ],
                    ensure_ascii=False,
                    indent=1,
                )
            )
            return
        for tv in rows:
            fields = ", ".join(f for f, _n in tv.fields[:2])
            click.echo(f"{tv.id:>6}  {len(tv.achievements):>3} ach  {tv.name_en}  [{fields}]")
    console.print(f"{total} teams")


@market.command("team")
@click.argument("team_id", type=int)
@click.option("--as", "as_email", default=None, help="Whose view (e-mail); names need rights.")
@click.pass_context
def team(ctx: click.Context, team_id: int, as_email: str | None) -> None:
    """One team: members you may see, achievements, fields, readiness, contracts."""
    from labline.market.profiles.service import teams as profiles

    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        t = profiles.get_team(session, actor=actor, team_id=team_id)
        click.echo(f"team {t.id}: {t.name_zh} / {t.name_en}")
        members = ", ".join(m.name for m in t.members) or "-"
        click.echo(f"members: {members} ({t.hidden_members} not shown)")
        click.echo("fields: " + ", ".join(f"{f} ({n})" for f, n in t.fields))
        click.echo("readiness: " + " ".join(f"{k}:{v}" for k, v in t.readiness.items()))
        click.echo(f"contracts: {t.contracts}  deals: {sum(t.deals.values())}")
        for a in t.achievements:
            click.echo(f"  {a.id:>6}  {a.readiness}  {a.title}")


@market.command("deal")
@click.option("--as", "as_email", required=True)
@click.option("--achievement", "achievement_id", type=int, required=True)
@click.option("--need", "need_id", type=int, default=None)
@click.option("--buyer", "buyer_id", type=int, default=None)
@click.option("--note", default="")
@click.pass_context
def open_deal(
    ctx: click.Context,
    as_email: str,
    achievement_id: int,
    need_id: int | None,
    buyer_id: int | None,
    note: str,
) -> None:
    """Express interest: open a deal on an achievement (for a need)."""
    data = DealCreate(achievement_id=achievement_id, need_id=need_id, buyer_id=buyer_id, note=note)
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        deal = deals.open_deal(session, actor=actor, data=data)
        console.print(f"deal {deal.id}: {deal.state.value}")


@market.command("move")
@click.argument("deal_id", type=int)
@click.argument(
    "action",
    type=click.Choice(["introduce", "accept_nda", "negotiate", "abandon", "deliver", "message"]),
)
@click.option("--as", "as_email", required=True)
@click.option("--reason", default="", help="Why it is abandoned, or the message text.")
@click.option(
    "--side",
    type=click.Choice(["buyer", "seller"]),
    default=None,
    help="accept_nda: the side whose acceptance an operator records.",
)
@click.pass_context
def move(
    ctx: click.Context, deal_id: int, action: str, as_email: str, reason: str, side: str | None
) -> None:
    """Move a deal on (introduce, accept_nda, negotiate, abandon, deliver) or write a message."""
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        if action == "message":
            deals.add_message(
                session, actor=actor, deal_id=deal_id, data=MessageCreate(body=reason)
            )
            console.print(f"deal {deal_id}: message sent")
            return
        deal = deals.move(
            session,
            actor=actor,
            deal_id=deal_id,
            data=DealTransition.model_validate({"action": action, "reason": reason, "side": side}),
        )
        console.print(f"deal {deal.id}: {deal.state.value}, next step due {deal.due_on or '—'}")


@market.command("deals")
@click.option("--as", "as_email", default=None, help="Whose deals (default: all, as operator).")
@click.option("--state", type=click.Choice([s.value for s in DealState]), default=None)
@click.option("--overdue", is_flag=True, help="Only the deals whose next step is past due.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_deals(
    ctx: click.Context, as_email: str | None, state: str | None, overdue: bool, as_json: bool
) -> None:
    """Deals with their stage and the day their next step is due."""
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        rows = [
            {
                "id": d.id,
                "state": d.state.value,
                "due_on": d.due_on.isoformat() if d.due_on else None,
                "overdue": d.overdue,
                "buyer_id": d.buyer_id,
                "seller_id": d.seller_id,
                "achievement": d.achievement.title,
            }
            for d in deals.list_deals(
                session,
                actor=actor,
                state=DealState(state) if state else None,
                overdue=overdue,
            )
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        flag = "OVERDUE" if r["overdue"] else ""
        click.echo(
            f"{r['id']:>6}  {r['state']:<12} {r['due_on'] or '—':<10} {flag:<7}  {r['achievement']}"
        )
    console.print(f"{len(rows)} deals")


@market.command("due")
@click.argument("deal_id", type=int)
@click.option("--as", "as_email", required=True)
@click.option("--on", "due_on", required=True, help="YYYY-MM-DD: when the next step is due")
@click.pass_context
def due(ctx: click.Context, deal_id: int, as_email: str, due_on: str) -> None:
    """Set the day a deal's next step is due (within the stage's limits)."""
    data = DealDue(due_on=_day(due_on, "--on"))
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        deal = deals.set_due(session, actor=actor, deal_id=deal_id, data=data)
        console.print(f"deal {deal.id}: {deal.state.value}, next step due {deal.due_on}")


@market.command("sign")
@click.argument("deal_id", type=int)
@click.option("--as", "as_email", required=True)
@click.option(
    "--kind",
    type=click.Choice(["development", "transfer", "licence", "consulting", "service"]),
    required=True,
)
@click.option("--amount", required=True)
@click.option("--currency", default="CNY", show_default=True)
@click.option("--signed-on", required=True, help="YYYY-MM-DD")
@click.option("--registration-no", required=True)
@click.pass_context
def sign(
    ctx: click.Context,
    deal_id: int,
    as_email: str,
    kind: str,
    amount: str,
    currency: str,
    signed_on: str,
    registration_no: str,
) -> None:
    """Register the signed technology contract of a deal."""
    data = ContractCreate.model_validate(
        {
            "kind": kind,
            "amount": amount,
            "currency": currency,
            "signed_on": signed_on,
            "registration_no": registration_no,
        }
    )
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        contract = deals.sign_contract(session, actor=actor, deal_id=deal_id, data=data)
        console.print(f"contract {contract.id}: ¥{contract.amount_cny} ({contract.kind.value})")


@market.command("report")
@click.option("--start", required=True, help="YYYY-MM-DD, first day of the period")
@click.option("--end", required=True, help="YYYY-MM-DD, the day after the period")
@click.option("--region", default=None, help="GB/T 2260 code")
@click.option("--industry", default=None, help="GB/T 4754 code")
@click.option(
    "--by",
    type=click.Choice(list(figures.BREAKDOWNS)),
    default=None,
    help="One row per selling organisation, province or industry division.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --by: write the table (.csv, .xlsx or .json).",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def report(
    ctx: click.Context,
    start: str,
    end: str,
    region: str | None,
    industry: str | None,
    by: str | None,
    output: Path | None,
    as_json: bool,
) -> None:
    """Contracts, turnover, transformation rate and acceptance rate for a period (in total,
    or --by organisation, region or industry)."""
    first, last = _day(start, "--start"), _day(end, "--end")
    if output is not None and by is None:
        raise click.UsageError("--output writes a breakdown table: give --by too")
    if by is not None:
        with unit_of_work(ctx) as (session, actor):
            table = figures.breakdown(
                session,
                actor=actor,
                start=first,
                end=last,
                by=by,
                region=region,
                industry=industry,
            )
        _report_table(table, output, as_json)
        return
    with unit_of_work(ctx) as (session, actor):
        f = figures.figures(
            session, actor=actor, start=first, end=last, region=region, industry=industry
        )
    if as_json:
        click.echo(json.dumps(f, ensure_ascii=False, indent=1))
        return
    rate = f["transformation_rate"]
    click.echo(
        f"period                 {f['start']} – {f['end']}  region {region or 'all'}"
        f"  industry {industry or 'all'}"
    )
    click.echo(f"contracts              {f['contracts']}")
    click.echo(f"turnover (yuan)        {f['turnover_cny']:,.2f}")
    click.echo(
        f"transformation rate    {'—' if rate is None else f'{rate:.1%}'}"
        f"  ({f['achievements_with_contract']} of {f['published_achievements']} achievements)"
    )
    click.echo(f"median days to contract {f['median_days_to_contract']}")
    accepted = f["suggestion_acceptance_rate"]
    click.echo(f"suggestion acceptance  {'—' if accepted is None else f'{accepted:.1%}'}")
    for kind, v in f["by_kind"].items():
        click.echo(f"  {kind:<12} {v['contracts']:>5}  {v['turnover_cny']:>16,.2f}")


def _report_table(table: dict[str, object], output: Path | None, as_json: bool) -> None:
    rows: list[dict[str, object]] = table["rows"]  # type: ignore[assignment]
    if output is not None:
        n = write_rows(output, figures.BREAKDOWN_COLUMNS, rows)
        console.print(f"{n} rows written to {output}")
        return
    if as_json:
        click.echo(json.dumps(table, ensure_ascii=False, indent=1))
        return
    click.echo(
        f"{'by ' + str(table['by']):<34} {'contracts':>9} {'turnover (yuan)':>18}"
        f" {'transf.':>8} {'median days':>11}"
    )
    for r in rows:
        rate, days = r["transformation_rate"], r["median_days_to_contract"]
        name = str(r["name_zh"] or r["key"])[:32]
        click.echo(
            f"{name:<34} {r['contracts']:>9} {r['turnover_cny']:>18,.2f}"
            f" {'—' if rate is None else f'{rate:.1%}':>8} {'—' if days is None else days:>11}"
        )
    console.print(f"{len(rows)} rows")


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
@click.pass_context
def import_cmd(
    ctx: click.Context, kind: str, source: Path, as_email: str | None, publish: bool
) -> None:
    """Import needs or achievements (.csv, .xlsx, .json): all rows or none."""
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
    day = _day(today, "--today") if today else None
    with unit_of_work(ctx) as (session, actor):
        ids = records.expire_needs(session, actor=actor, today=day)
    console.print(f"{len(ids)} needs expired")


@market.command("watch")
@click.option("--as", "as_email", required=True, help="Whose watch (e-mail).")
@click.option("--kind", type=click.Choice(["search", "need", "field"]), required=True)
@click.option(
    "--for", "record_kind", type=click.Choice(["achievement", "need"]), default="achievement"
)
@click.option("--query", default="", help="Words to search for (search).")
@click.option("--need", "need_id", type=int, default=None, help="The need to follow (need).")
@click.option("--industry", default=None, help="GB/T 4754 class (field, or a filter).")
@click.option("--field", "field_", default="", help="Technical field (field).")
@click.pass_context
def watch(
    ctx: click.Context,
    as_email: str,
    kind: str,
    record_kind: str,
    query: str,
    need_id: int | None,
    industry: str | None,
    field_: str,
) -> None:
    """Save a search, or follow a need or a field; new records go to the inbox."""
    from labline.market.watches import service as watches
    from labline.market.watches.schemas import WatchCreate

    data = WatchCreate.model_validate(
        {
            "kind": kind,
            "record_kind": record_kind,
            "query": query,
            "need_id": need_id,
            "industry_code": industry,
            "field": field_,
        }
    )
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        w = watches.create_watch(session, actor=actor, data=data)
        console.print(f"watch {w.id}: new {w.record_kind}s from now on")


@market.command("inbox")
@click.option("--as", "as_email", required=True, help="Whose inbox (e-mail).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def inbox(ctx: click.Context, as_email: str, as_json: bool) -> None:
    """New records a person's watches found (after running them)."""
    from labline.market.watches import service as watches

    holder = ctx.find_root().obj
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        items = [
            {
                "id": i.id,
                "record_kind": i.record_kind,
                "record_id": i.record_id,
                "title": i.title,
                "reason": i.reason,
                "read": i.read_at is not None,
            }
            for i in watches.inbox(session, actor=actor, holder=holder)
        ]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=1))
        return
    for i in items:
        click.echo(
            f"{'  ' if i['read'] else '* '}{i['record_kind']:<12}{i['record_id']:>6}"
            f"  {i['title']}  ({i['reason']})"
        )
    console.print(f"{len(items)} items")


@market.command("watch-sweep")
@click.pass_context
def watch_sweep(ctx: click.Context) -> None:
    """Run every watch and file what is new in the inboxes (run it hourly). With a mail
    server set (LABLINE_SMTP_HOST), each person also gets one e-mail listing theirs."""
    from labline.core.service import mail
    from labline.market.watches import service as watches

    holder = ctx.find_root().obj
    settings = settings_of(ctx)
    with unit_of_work(ctx) as (session, _actor):
        items = watches.sweep(session, holder=holder)
        mailed = 0
        if settings.smtp_host:
            mailed = watches.mail_digests(session, items=items, base_url=settings.base_url)
    console.print(f"{len(items)} new inbox items")
    if settings.smtp_host:
        with unit_of_work(ctx) as (session, _actor):
            report = mail.send_pending(session, settings=settings)
        console.print(f"{mailed} e-mails queued; sent {report.sent}, failed {report.failed}")
        if report.error:
            console.print(f"[red]mail[/red]: {report.error}")
