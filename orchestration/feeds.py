"""Reading and validating supplier status feeds (schema: docs/supplier-feeds.md).

Two kinds: an HTTPS JSON document (fetched with orchestration.outbound) and a directory of CSV ship-notice
files. Both yield the same rows. A document that is not a feed at all (not JSON, wrong schema version,
unknown top-level field, unknown CSV column, too big) fails the whole check: nothing is applied. A
row that is invalid, carries an unknown value or names an unknown contract line is held for review
(`FeedReview`), never applied.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from dataclasses import dataclass

from django.conf import settings
from rest_framework import serializers

from orchestration import outbound
from orchestration.models import Delivery, Supplier

SCHEMA_VERSION = 1
MAX_ROWS = 10_000
TOP_LEVEL_FIELDS = {"schema_version", "supplier", "generated_at", "shipments"}
ROW_FIELDS = (
    "shipment_ref",
    "contract_ref",
    "line_no",
    "quantity",
    "status",
    "promised_date",
    "confirmed_date",
    "expected_date",
    "shipped_on",
    "note",
)
REQUIRED_CSV_COLUMNS = {"shipment_ref", "contract_ref", "line_no", "quantity", "status"}


class FeedInvalid(Exception):
    """The document as a whole is not a valid feed; the check fails and applies nothing."""

    code = "feed_invalid"


@dataclass(frozen=True)
class FeedRow:
    where: str  # "shipments[3]" or "notices.csv:4", for review messages
    data: object  # as received (a dict, or anything for a malformed JSON row)


class ShipNoticeSerializer(serializers.Serializer):
    """One ship notice: a feed row, or the body of POST contract-lines/{id}/ship-notices/ (without the refs)."""

    shipment_ref = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$", max_length=100)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)
    status = serializers.ChoiceField(choices=Delivery.NoticeStatus.values)
    promised_date = serializers.DateField(required=False, allow_null=True)
    confirmed_date = serializers.DateField(required=False, allow_null=True)
    expected_date = serializers.DateField(required=False, allow_null=True)
    shipped_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def validate(self, attrs):
        if attrs.get("status") == "shipped" and not attrs.get("shipped_on"):
            raise serializers.ValidationError({"shipped_on": "Required when status is shipped."})
        return attrs


class FeedRowSerializer(ShipNoticeSerializer):
    contract_ref = serializers.CharField(max_length=100)
    line_no = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


def parse_json(body: bytes) -> list[FeedRow]:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedInvalid(f"not a JSON document: {exc}") from None
    except RecursionError:  # nested about 1,000 deep: Python's decoder recurses per level
        raise FeedInvalid("not a feed: nested too deep") from None
    if not isinstance(document, dict):
        raise FeedInvalid("the feed must be a JSON object")
    unknown = sorted(set(document) - TOP_LEVEL_FIELDS)
    if unknown:
        raise FeedInvalid(f"unknown top-level field(s): {', '.join(unknown)}")
    if document.get("schema_version") != SCHEMA_VERSION:
        raise FeedInvalid(f"schema_version must be {SCHEMA_VERSION}, got {document.get('schema_version')!r}")
    shipments = document.get("shipments")
    if not isinstance(shipments, list):
        raise FeedInvalid("shipments must be a list")
    if len(shipments) > MAX_ROWS:
        raise FeedInvalid(f"too many shipments ({len(shipments)} > {MAX_ROWS})")
    return [FeedRow(f"shipments[{i}]", row) for i, row in enumerate(shipments)]


def parse_csv(text: str, *, name: str) -> list[FeedRow]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = set(reader.fieldnames or ())
    unknown = sorted(columns - set(ROW_FIELDS))
    if unknown:
        raise FeedInvalid(f"{name}: unknown column(s): {', '.join(unknown)}")
    missing = sorted(REQUIRED_CSV_COLUMNS - columns)
    if missing:
        raise FeedInvalid(f"{name}: missing column(s): {', '.join(missing)}")
    rows = []
    for number, record in enumerate(reader, start=2):
        if None in record:  # more cells than columns
            rows.append(FeedRow(f"{name}:{number}", {"_extra_cells": record.pop(None), **record}))
            continue
        rows.append(FeedRow(f"{name}:{number}", {k: (v.strip() or None) for k, v in record.items() if v is not None}))
        if len(rows) > MAX_ROWS:
            raise FeedInvalid(f"{name}: too many rows (> {MAX_ROWS})")
    return rows


_NO_FOLLOW = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC


def _open_drop_dir(supplier: Supplier) -> int:
    """A descriptor of the supplier's drop directory, opened one path component at a time from
    SUPPLIER_CSV_DROP_ROOT without following any link, so nothing outside the root is reachable however the
    directories are swapped while we read (a check of the path, then a read by the path, would race)."""
    parts = [part for part in supplier.feed_csv_dir.split("/") if part not in ("", ".")]
    if not parts or ".." in parts or supplier.feed_csv_dir.startswith("/"):
        raise FeedInvalid(f"drop directory {supplier.feed_csv_dir!r} is outside SUPPLIER_CSV_DROP_ROOT")
    try:
        fd = os.open(settings.SUPPLIER_CSV_DROP_ROOT, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        raise FeedInvalid("SUPPLIER_CSV_DROP_ROOT does not exist") from None
    for part in parts:
        try:
            child = os.open(part, _NO_FOLLOW | os.O_DIRECTORY, dir_fd=fd)
        except OSError:
            raise FeedInvalid(f"drop directory {supplier.feed_csv_dir!r} does not exist or is a link") from None
        finally:
            os.close(fd)
        fd = child
    return fd


def _read_regular_file(dir_fd: int, name: str) -> bytes:
    """The bytes of `name` in the directory, refusing links (O_NOFOLLOW) and anything but a regular file, judged
    on the opened descriptor (fstat), not on the path."""
    try:
        fd = os.open(name, _NO_FOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    except OSError:
        raise FeedInvalid(f"{name} is not a regular file") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise FeedInvalid(f"{name} is not a regular file")
        limit = settings.SUPPLIER_FEED_MAX_BYTES
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FeedInvalid(f"{name} is larger than {limit} bytes")
    return data


def read_csv_drop(supplier: Supplier) -> list[FeedRow]:
    """Rows of every *.csv file directly in the drop directory, in file-name order (links are refused)."""
    dir_fd = _open_drop_dir(supplier)
    try:
        names = sorted(entry.name for entry in os.scandir(dir_fd) if entry.name.endswith(".csv"))
        rows = []
        for name in names:
            try:
                text = _read_regular_file(dir_fd, name).decode("utf-8-sig")
            except UnicodeDecodeError:
                raise FeedInvalid(f"{name} is not UTF-8") from None
            rows += parse_csv(text, name=name)
        return rows
    finally:
        os.close(dir_fd)


def read_feed(supplier: Supplier) -> list[FeedRow]:
    """All rows of the supplier's feed; raises FeedInvalid or an orchestration.outbound.OutboundError."""
    if supplier.feed_kind == Supplier.FeedKind.HTTPS_JSON:
        fetched = outbound.get(supplier.feed_url, allowed_host=supplier.feed_allowed_host)
        return parse_json(fetched.body)
    if supplier.feed_kind == Supplier.FeedKind.CSV_DROP:
        return read_csv_drop(supplier)
    raise FeedInvalid("the supplier has no status feed")
