"""Open Cap Table Format (OCF) packages: read and check one, and write one.

OCF (Open Cap Table Coalition) is a set of JSON files: a manifest (`OCF_MANIFEST_FILE`) with
the issuer, and files of stakeholders (`OCF_STAKEHOLDERS_FILE`), stock classes
(`OCF_STOCK_CLASSES_FILE`) and transactions (`OCF_TRANSACTIONS_FILE`). labline exchanges
the package as one JSON object keyed by the package's file names (`Manifest.ocf.json`,
`Stakeholders.ocf.json`, ...); on import a file is recognised by its `file_type`, whatever
its key. The subset held: stakeholders, stock classes and stock issuances (`TX_STOCK_ISSUANCE`).

`read` checks everything and returns every problem at once as (field, message, allowed),
the field a path into the package (`Transactions.ocf.json.items[2].stakeholder_id`), so the
caller can refuse the whole package and change nothing. Quantities and prices are decimals.

labline's own links ride in the objects' standard `comments` as `labline:<key>=<id>` (a
stakeholder's `organisation`, an issuance's `deal` and `team`), so an export imports back
with its links; other comments are free text and are not kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

OCF_VERSION = "1.2.0"
FILES = {
    "OCF_MANIFEST_FILE": "Manifest.ocf.json",
    "OCF_STAKEHOLDERS_FILE": "Stakeholders.ocf.json",
    "OCF_STOCK_CLASSES_FILE": "StockClasses.ocf.json",
    "OCF_TRANSACTIONS_FILE": "Transactions.ocf.json",
}
# Files of the standard that labline reads but does not hold (they may be present, empty).
IGNORED_FILES = (
    "OCF_STOCK_PLANS_FILE",
    "OCF_STOCK_LEGEND_TEMPLATES_FILE",
    "OCF_VESTING_TERMS_FILE",
    "OCF_VALUATIONS_FILE",
    "OCF_FINANCINGS_FILE",
    "OCF_DOCUMENTS_FILE",
)
STAKEHOLDER_TYPES = ("INDIVIDUAL", "INSTITUTION")
RELATIONSHIPS = (
    "ADVISOR",
    "BOARD_MEMBER",
    "CONSULTANT",
    "EMPLOYEE",
    "EX_ADVISOR",
    "EX_CONSULTANT",
    "EX_EMPLOYEE",
    "EXECUTIVE",
    "FOUNDER",
    "INVESTOR",
    "NON_US_EMPLOYEE",
    "OFFICER",
    "OTHER",
)
CLASS_TYPES = ("COMMON", "PREFERRED")
AUTHORIZED_WORDS = ("UNLIMITED", "NOT APPLICABLE")
TRANSACTIONS = ("TX_STOCK_ISSUANCE",)
MAX_ITEMS = 20_000

Problem = tuple[str, str, Any]


@dataclass
class Stakeholder:
    id: str
    legal_name: str
    stakeholder_type: str
    relationship: str | None = None
    links: dict[str, int] = field(default_factory=dict)
    at: str = field(default="", compare=False)  # where in the package (for errors)


@dataclass
class StockClass:
    id: str
    name: str
    class_type: str
    default_id_prefix: str
    authorized: str  # a decimal, or UNLIMITED / NOT APPLICABLE
    votes_per_share: Decimal
    seniority: Decimal
    price_per_share: Decimal | None = None
    currency: str | None = None
    liquidation_preference_multiple: Decimal | None = None


@dataclass
class Issuance:
    id: str
    security_id: str
    custom_id: str
    stakeholder_id: str
    stock_class_id: str
    quantity: Decimal
    share_price: Decimal
    currency: str
    date: date
    links: dict[str, int] = field(default_factory=dict)
    at: str = field(default="", compare=False)


# The labline links each object may carry in its comments.
LINKS = {"STAKEHOLDER": ("organisation",), "TX_STOCK_ISSUANCE": ("deal", "team")}
LINK_PREFIX = "labline:"


@dataclass
class Package:
    issuer_name: str
    as_of: date | None
    stakeholders: list[Stakeholder] = field(default_factory=list)
    stock_classes: list[StockClass] = field(default_factory=list)
    issuances: list[Issuance] = field(default_factory=list)


class _Reader:
    def __init__(self, currencies: tuple[str, ...]) -> None:
        self.problems: list[Problem] = []
        self.currencies = currencies

    def fail(self, where: str, message: str, allowed: Any = None) -> None:
        self.problems.append((where, message, allowed))

    def text(self, obj: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = obj.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}.{key}", "required: a non-empty string")
            return ""
        if len(value) > 200:
            self.fail(f"{where}.{key}", "at most 200 characters", {"max_length": 200})
            return ""
        return value.strip()

    def choice(self, obj: dict[str, Any], key: str, where: str, allowed: tuple[str, ...]) -> str:
        value = obj.get(key)
        if value not in allowed:
            self.fail(f"{where}.{key}", f"unknown value {value!r}", list(allowed))
            return ""
        return str(value)

    def number(
        self, value: Any, where: str, *, positive: bool = False, required: bool = True
    ) -> Decimal | None:
        if value is None and not required:
            return None
        # OCF writes numbers as strings; a JSON number is accepted, never read as a float.
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(where, "required: a decimal number written as a string")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(where, f"not a number: {value!r}")
            return None
        if not number.is_finite() or number < 0 or (positive and number == 0):
            self.fail(where, "must be greater than 0" if positive else "must not be negative")
            return None
        if abs(number) >= Decimal(10) ** 15 or number.as_tuple().exponent < -10:  # type: ignore[operator]
            self.fail(where, "out of range: at most 15 digits and 10 decimal places")
            return None
        return number

    def money(self, value: Any, where: str, *, required: bool) -> tuple[Decimal | None, str | None]:
        if value is None and not required:
            return None, None
        if not isinstance(value, dict):
            self.fail(where, "required: an object {amount, currency}")
            return None, None
        amount = self.number(value.get("amount"), f"{where}.amount")
        currency = value.get("currency")
        if currency not in self.currencies:
            self.fail(f"{where}.currency", f"unknown currency {currency!r}", list(self.currencies))
            return amount, None
        return amount, str(currency)

    def day(self, value: Any, where: str) -> date | None:
        try:
            return date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            pass
        self.fail(where, "required: a date YYYY-MM-DD")
        return None

    def links(self, obj: dict[str, Any], where: str, keys: tuple[str, ...]) -> dict[str, int]:
        """`labline:<key>=<id>` comments; any other comment is free text."""
        comments = obj.get("comments")
        if comments is None:
            return {}
        if not isinstance(comments, list) or not all(isinstance(c, str) for c in comments):
            self.fail(f"{where}.comments", "required: a list of strings")
            return {}
        out: dict[str, int] = {}
        for j, comment in enumerate(comments):
            if not comment.startswith(LINK_PREFIX):
                continue
            key, _, value = comment[len(LINK_PREFIX) :].partition("=")
            allowed = [f"{LINK_PREFIX}{k}=<id>" for k in keys]
            if key not in keys or key in out:
                self.fail(f"{where}.comments[{j}]", f"unknown or repeated link {key!r}", allowed)
            elif not value.isdigit() or not 0 < int(value) < 2**31:
                self.fail(f"{where}.comments[{j}]", f"not an id: {value[:20]!r}", allowed)
            else:
                out[key] = int(value)
        return out

    def items(self, doc: dict[str, Any], name: str) -> list[tuple[str, dict[str, Any]]]:
        items = doc.get("items")
        if not isinstance(items, list):
            self.fail(f"{name}.items", "required: a list of objects")
            return []
        if len(items) > MAX_ITEMS:
            self.fail(f"{name}.items", f"at most {MAX_ITEMS} objects", {"max_length": MAX_ITEMS})
            return []
        out = []
        for i, item in enumerate(items):
            where = f"{name}.items[{i}]"
            if isinstance(item, dict):
                out.append((where, item))
            else:
                self.fail(where, "not an object")
        return out


def _files(bundle: Any, r: _Reader) -> dict[str, tuple[str, dict[str, Any]]]:
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    if not isinstance(bundle, dict) or not bundle:
        r.fail(
            "package", "required: an object of OCF files keyed by file name", list(FILES.values())
        )
        return found
    for key, doc in bundle.items():
        name = str(key)[:80]
        kind = doc.get("file_type") if isinstance(doc, dict) else None
        kind = kind if isinstance(kind, str) else repr(kind)[:40]
        if kind in IGNORED_FILES:
            continue
        if kind not in FILES:
            r.fail(f"{name}.file_type", f"unknown OCF file type {kind!r}", sorted(FILES))
        elif kind in found:
            r.fail(f"{name}.file_type", f"a second {kind}; give one of each")
        else:
            found[kind] = (name, doc)
    for kind in ("OCF_MANIFEST_FILE", "OCF_STAKEHOLDERS_FILE", "OCF_STOCK_CLASSES_FILE"):
        if kind not in found:
            r.fail(FILES[kind], f"missing: the package has no {kind}")
    return found


def _unique(r: _Reader, seen: dict[str, str], value: str, where: str, what: str) -> None:
    if not value:
        return
    if value in seen:
        r.fail(where, f"{what} {value!r} is used twice (first at {seen[value]})")
    else:
        seen[value] = where


def read(bundle: Any, *, currencies: tuple[str, ...]) -> tuple[Package | None, list[Problem]]:
    """The package, or None and every problem found."""
    r = _Reader(currencies)
    files = _files(bundle, r)
    if r.problems:
        return None, r.problems
    name, manifest = files["OCF_MANIFEST_FILE"]
    issuer = manifest.get("issuer")
    issuer_name = ""
    if isinstance(issuer, dict):
        issuer_name = r.text(issuer, "legal_name", f"{name}.issuer")
    else:
        r.fail(f"{name}.issuer", "required: the issuer object")
    as_of = r.day(manifest["as_of"], f"{name}.as_of") if "as_of" in manifest else None
    package = Package(issuer_name=issuer_name, as_of=as_of)

    ids: dict[str, str] = {}  # OCF object ids are unique across the package
    name, doc = files["OCF_STAKEHOLDERS_FILE"]
    for where, item in r.items(doc, name):
        if item.get("object_type") != "STAKEHOLDER":
            r.fail(f"{where}.object_type", "expected STAKEHOLDER", ["STAKEHOLDER"])
            continue
        sid = r.text(item, "id", where)
        _unique(r, ids, sid, f"{where}.id", "id")
        names = item.get("name")
        legal = r.text(names, "legal_name", f"{where}.name") if isinstance(names, dict) else ""
        if not isinstance(names, dict):
            r.fail(f"{where}.name", "required: an object {legal_name}")
        kind = r.choice(item, "stakeholder_type", where, STAKEHOLDER_TYPES)
        rel = item.get("current_relationship")
        if rel is None and isinstance(item.get("current_relationships"), list):
            rel = (item["current_relationships"] or [None])[0]
        if rel is not None and rel not in RELATIONSHIPS:
            r.fail(f"{where}.current_relationship", f"unknown value {rel!r}", list(RELATIONSHIPS))
        links = r.links(item, where, LINKS["STAKEHOLDER"])
        package.stakeholders.append(Stakeholder(sid, legal, kind, rel, links, where))

    name, doc = files["OCF_STOCK_CLASSES_FILE"]
    class_at: dict[str, str] = {}
    for where, item in r.items(doc, name):
        if item.get("object_type") != "STOCK_CLASS":
            r.fail(f"{where}.object_type", "expected STOCK_CLASS", ["STOCK_CLASS"])
            continue
        cid = r.text(item, "id", where)
        _unique(r, ids, cid, f"{where}.id", "id")
        class_at[cid] = where
        authorized = item.get("initial_shares_authorized")
        if authorized not in AUTHORIZED_WORDS:
            n = r.number(authorized, f"{where}.initial_shares_authorized")
            authorized = str(n) if n is not None else ""
        price, currency = r.money(
            item.get("price_per_share"), f"{where}.price_per_share", required=False
        )
        package.stock_classes.append(
            StockClass(
                id=cid,
                name=r.text(item, "name", where),
                class_type=r.choice(item, "class_type", where, CLASS_TYPES),
                default_id_prefix=r.text(item, "default_id_prefix", where),
                authorized=str(authorized),
                votes_per_share=r.number(item.get("votes_per_share"), f"{where}.votes_per_share")
                or Decimal(0),
                seniority=r.number(item.get("seniority"), f"{where}.seniority") or Decimal(0),
                price_per_share=price,
                currency=currency,
                liquidation_preference_multiple=r.number(
                    item.get("liquidation_preference_multiple"),
                    f"{where}.liquidation_preference_multiple",
                    required=False,
                ),
            )
        )

    stakeholders = {s.id for s in package.stakeholders}
    classes = {c.id: c for c in package.stock_classes}
    securities: dict[str, str] = {}
    issued: dict[str, Decimal] = {}
    if "OCF_TRANSACTIONS_FILE" in files:
        name, doc = files["OCF_TRANSACTIONS_FILE"]
        for where, item in r.items(doc, name):
            if item.get("object_type") not in TRANSACTIONS:
                r.fail(
                    f"{where}.object_type",
                    f"labline holds stock issuances only, not {item.get('object_type')!r}",
                    list(TRANSACTIONS),
                )
                continue
            tid = r.text(item, "id", where)
            _unique(r, ids, tid, f"{where}.id", "id")
            security = r.text(item, "security_id", where)
            _unique(r, securities, security, f"{where}.security_id", "security_id")
            holder = r.text(item, "stakeholder_id", where)
            if holder and holder not in stakeholders:
                r.fail(f"{where}.stakeholder_id", f"unknown stakeholder {holder!r}")
            cls = r.text(item, "stock_class_id", where)
            if cls and cls not in classes:
                r.fail(f"{where}.stock_class_id", f"unknown stock class {cls!r}")
            quantity = r.number(item.get("quantity"), f"{where}.quantity", positive=True)
            price, currency = r.money(
                item.get("share_price"), f"{where}.share_price", required=True
            )
            day = r.day(item.get("date"), f"{where}.date")
            links = r.links(item, where, LINKS["TX_STOCK_ISSUANCE"])
            if quantity is not None and cls in classes:
                issued[cls] = issued.get(cls, Decimal(0)) + quantity
            if None in (quantity, price, currency, day):
                continue
            package.issuances.append(
                Issuance(
                    id=tid,
                    security_id=security,
                    custom_id=r.text(item, "custom_id", where, required=False) or security,
                    stakeholder_id=holder,
                    stock_class_id=cls,
                    quantity=quantity,  # type: ignore[arg-type]
                    share_price=price,  # type: ignore[arg-type]
                    currency=currency,  # type: ignore[arg-type]
                    date=day,  # type: ignore[arg-type]
                    links=links,
                    at=where,
                )
            )
    for cid, total in issued.items():
        cap = classes[cid].authorized
        if cap and cap not in AUTHORIZED_WORDS and total > Decimal(cap):
            r.fail(
                f"{class_at[cid]}.initial_shares_authorized",
                f"{total} shares issued in class {cid!r}, more than the {cap} authorized",
            )
    return (None, r.problems) if r.problems else (package, [])


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _comments(item: dict[str, Any], links: dict[str, int]) -> dict[str, Any]:
    if links:
        item["comments"] = [f"{LINK_PREFIX}{k}={v}" for k, v in sorted(links.items())]
    return item


def write(package: Package, *, issuer_id: str, generated_at: str) -> dict[str, Any]:
    """The package as OCF files keyed by their names."""
    as_of = (package.as_of or date.min).isoformat()
    empty = [
        "stock_plans_files",
        "stock_legend_templates_files",
        "vesting_terms_files",
        "valuations_files",
    ]
    manifest: dict[str, Any] = {
        "file_type": "OCF_MANIFEST_FILE",
        "ocf_version": OCF_VERSION,
        "issuer": {
            "object_type": "ISSUER",
            "id": issuer_id,
            "legal_name": package.issuer_name,
            "country_of_formation": "CN",
        },
        "as_of": as_of,
        "generated_at": generated_at,
        **{k: [] for k in empty},
        "stakeholders_files": [{"filepath": FILES["OCF_STAKEHOLDERS_FILE"]}],
        "stock_classes_files": [{"filepath": FILES["OCF_STOCK_CLASSES_FILE"]}],
        "transactions_files": [{"filepath": FILES["OCF_TRANSACTIONS_FILE"]}],
    }
    stakeholders = []
    for s in package.stakeholders:
        item: dict[str, Any] = {
            "object_type": "STAKEHOLDER",
            "id": s.id,
            "name": {"legal_name": s.legal_name},
            "stakeholder_type": s.stakeholder_type,
        }
        if s.relationship:
            item["current_relationship"] = s.relationship
        stakeholders.append(_comments(item, s.links))
    classes = []
    for c in package.stock_classes:
        cls: dict[str, Any] = {
            "object_type": "STOCK_CLASS",
            "id": c.id,
            "name": c.name,
            "class_type": c.class_type,
            "default_id_prefix": c.default_id_prefix,
            "initial_shares_authorized": c.authorized,
            "votes_per_share": _number(c.votes_per_share),
            "seniority": _number(c.seniority),
        }
        if c.price_per_share is not None and c.currency:
            cls["price_per_share"] = {"amount": _number(c.price_per_share), "currency": c.currency}
        if c.liquidation_preference_multiple is not None:
            cls["liquidation_preference_multiple"] = _number(c.liquidation_preference_multiple)
        classes.append(cls)
    transactions = [
        _comments(
            {
                "object_type": "TX_STOCK_ISSUANCE",
                "id": i.id,
                "date": i.date.isoformat(),
                "security_id": i.security_id,
                "custom_id": i.custom_id,
                "stakeholder_id": i.stakeholder_id,
                "stock_class_id": i.stock_class_id,
                "quantity": _number(i.quantity),
                "share_price": {"amount": _number(i.share_price), "currency": i.currency},
                "security_law_exemptions": [],
            },
            i.links,
        )
        for i in package.issuances
    ]
    return {
        FILES["OCF_MANIFEST_FILE"]: manifest,
        FILES["OCF_STAKEHOLDERS_FILE"]: {
            "file_type": "OCF_STAKEHOLDERS_FILE",
            "items": stakeholders,
        },
        FILES["OCF_STOCK_CLASSES_FILE"]: {"file_type": "OCF_STOCK_CLASSES_FILE", "items": classes},
        FILES["OCF_TRANSACTIONS_FILE"]: {
            "file_type": "OCF_TRANSACTIONS_FILE",
            "items": transactions,
        },
    }
