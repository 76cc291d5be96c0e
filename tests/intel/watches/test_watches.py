"""Document watches: new matching documents go to the owner's inbox (once), and one digest
mail a day in the owner's language."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from labline.core.access import command_line_actor
from labline.core.models import OutboxMail
from labline.core.service.auth import actor_for
from labline.intel.documents.schemas import TextDocumentCreate
from labline.intel.documents.service import ingest
from labline.intel.watches import service
from labline.intel.watches.schemas import WatchCreate
from tests.clock import at
from tests.factories import make_person

CLI = command_line_actor("test")


def post(db, tmp_path, title, text):
    data = TextDocumentCreate(collection="w", title=title, text=text)
    return ingest.ingest_text(db, actor=CLI, data=data, data_dir=tmp_path).document


def test_new_matches_reach_the_inbox_once_and_one_mail_a_day(db, tmp_path):
    person = make_person(db, password=False)
    person.locale = "zh"
    me = actor_for(db, person.id)
    post(db, tmp_path, "旧文件", "钙钛矿电池研究早已开展。")  # before the watch: not news
    watch = service.create_watch(db, actor=me, data=WatchCreate(query="钙钛矿"))
    watch.checked_at = at(0, 8, 0)
    holder = SimpleNamespace()
    new = post(db, tmp_path, "新文件", "支持钙钛矿叠层电池中试。")
    new.created_at = at(0, 9, 0)
    post(db, tmp_path, "无关", "整治内卷式竞争。").created_at = at(0, 9, 0)
    db.flush()
    items = service.inbox(db, actor=me, holder=holder)
    assert [i.document_id for i in items] == [new.id]
    assert service.sweep(db, holder=holder) == []  # nothing twice
    assert service.mail_daily(db, base_url="http://x", moment=at(0, 18, 0)) == 1
    assert service.mail_daily(db, base_url="http://x", moment=at(0, 19, 0)) == 0
    mail = db.scalar(select(OutboxMail).where(OutboxMail.kind == "intel.watch"))
    assert mail.to_address == person.email and "新文件" in mail.body
    assert mail.subject == "labline：您关注的检索有 1 篇新文献"  # the owner's language
    assert mail.body.startswith("您关注的检索发现了新文献：")
    read = service.mark_read(db, actor=me, item_id=items[0].id)
    assert read.read_at is not None


def utc(moment):
    """As the clock gives it (`clock.now()` is in UTC)."""
    from datetime import UTC

    return moment.astimezone(UTC)


def test_one_digest_a_local_day(db, tmp_path):
    """Issue 17: the digest's day is the reader's, not UTC's. 00:30 and 09:00 in Beijing are
    one day (the first is the day before in UTC): one mail; the next day brings the rest."""
    person = make_person(db, password=False)
    me = actor_for(db, person.id)
    watch = service.create_watch(db, actor=me, data=WatchCreate(query="钙钛矿"))
    watch.checked_at = at(-1, 8, 0)
    holder = SimpleNamespace()
    post(db, tmp_path, "新文件一", "支持钙钛矿叠层电池中试。").created_at = at(-1, 9, 0)
    db.flush()
    service.inbox(db, actor=me, holder=holder)
    assert service.mail_daily(db, base_url="http://x", moment=utc(at(0, 0, 30))) == 1
    post(db, tmp_path, "新文件二", "钙钛矿组件封装寿命提升。").created_at = at(0, 1, 0)
    db.flush()
    service.inbox(db, actor=me, holder=holder)
    assert service.mail_daily(db, base_url="http://x", moment=utc(at(0, 9, 0))) == 0
    assert service.mail_daily(db, base_url="http://x", moment=utc(at(1, 0, 30))) == 1
    mails = db.scalars(select(OutboxMail).where(OutboxMail.kind == "intel.watch")).all()
    assert len(mails) == 2 and "新文件二" in mails[1].body


def test_an_english_owner_gets_the_mail_in_english_one_document_said_as_one(db, tmp_path):
    person = make_person(db, password=False)
    person.locale = "en"
    me = actor_for(db, person.id)
    watch = service.create_watch(db, actor=me, data=WatchCreate(query="钙钛矿"))
    watch.checked_at = at(0, 8, 0)
    post(db, tmp_path, "新文件", "支持钙钛矿叠层电池中试。").created_at = at(0, 9, 0)
    db.flush()
    service.sweep(db, holder=SimpleNamespace())
    assert service.mail_daily(db, base_url="http://x", moment=at(0, 18, 0)) == 1
    mail = db.scalar(select(OutboxMail).where(OutboxMail.kind == "intel.watch"))
    assert mail.subject == "labline: 1 new document for your watches"
    assert mail.body.startswith("Your document watches found new documents:")


def test_a_watch_on_a_collection_that_does_not_exist_is_refused_by_field(db):
    from labline.core.service.auth import actor_for
    from labline.errors import InvalidInput
    from labline.intel.watches import service
    from labline.intel.watches.schemas import WatchCreate
    from tests.factories import make_person

    actor = actor_for(db, make_person(db).id)
    try:
        service.create_watch(db, actor=actor, data=WatchCreate(query="0", collection_id=0))
    except InvalidInput as exc:
        assert exc.fields[0].field == "collection_id"
    else:
        raise AssertionError("a watch on collection 0 was accepted")
