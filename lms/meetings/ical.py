"""iCalendar (RFC 5545) text of a person's events: escaped TEXT values, lines folded at 75
octets, a stable UID and a DTSTAMP per event, timed events with the TZID of the person's zone
(and that zone's VTIMEZONE), whole days as DATE values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from lms.meetings.operations.calendar import Event

PRODUCT = "-//Council of Europe HELP//Course platform//EN"
UID_DOMAIN = "help-lms"


def escape_text(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Lines of at most 75 octets; continuation lines start with a space (never inside a character)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # the leading space counts
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")


def _offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def _transitions(zone: ZoneInfo, first_year: int, last_year: int) -> list[tuple[datetime, timedelta, timedelta, bool]]:
    """(UTC moment, offset before, offset after, is summer time) of each change of offset in the years."""
    found = []
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(days=1)
    before = moment.astimezone(zone).utcoffset()
    while moment < end:
        after_moment = moment + step
        after = after_moment.astimezone(zone).utcoffset()
        if after != before:
            low, high = moment, after_moment  # narrow to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            found.append((high.replace(second=0, microsecond=0), before, after,
                          bool(high.astimezone(zone).dst())))
            before = after
        moment = after_moment
    return found


def vtimezone(name: str, first_year: int, last_year: int) -> list[str]:
    zone = ZoneInfo(name)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}"]
    changes = _transitions(zone, first_year, last_year)
    if not changes:
        offset = _offset(datetime(first_year, 1, 1, tzinfo=UTC).astimezone(zone).utcoffset())
        lines += ["BEGIN:STANDARD", "DTSTART:19700101T000000", f"TZOFFSETFROM:{offset}",
                  f"TZOFFSETTO:{offset}", "END:STANDARD"]
    for moment, before, after, summer in changes:
        part = "DAYLIGHT" if summer else "STANDARD"
        local_start = (moment + before).strftime("%Y%m%dT%H%M%S")  # in the time before the change
        lines += [f"BEGIN:{part}", f"DTSTART:{local_start}", f"TZOFFSETFROM:{_offset(before)}",
                  f"TZOFFSETTO:{_offset(after)}", f"END:{part}"]
    lines.append("END:VTIMEZONE")
    return lines


def calendar_text(events: list[Event], zone_name: str, *, name: str, stamp: datetime | None = None) -> str:
    """The whole VCALENDAR, CRLF line ends."""
    stamp = stamp or datetime.now(UTC)
    zone = ZoneInfo(zone_name)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}", f"X-WR-TIMEZONE:{zone_name}"]
    timed = [e for e in events if e.starts_at]
    if timed:
        years = [e.starts_at.year for e in timed] + [e.ends_at.year for e in timed if e.ends_at]
        lines += vtimezone(zone_name, min(years) - 1, max(years) + 1)
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}@{UID_DOMAIN}", f"DTSTAMP:{_utc(stamp)}"]
        if event.starts_at:
            lines.append(f"DTSTART;TZID={zone_name}:{_local(event.starts_at, zone)}")
            ends_at = event.ends_at if event.ends_at and event.ends_at > event.starts_at else None
            if ends_at:
                lines.append(f"DTEND;TZID={zone_name}:{_local(ends_at, zone)}")
        else:
            lines.append(f"DTSTART;VALUE=DATE:{event.on:%Y%m%d}")
            lines.append(f"DTEND;VALUE=DATE:{event.on + timedelta(days=1):%Y%m%d}")
        lines.append(f"SUMMARY:{escape_text(event.title)}")
        location = ", ".join(part for part in (event.location, event.online_url) if part)
        if location:
            lines.append(f"LOCATION:{escape_text(location)}")
        description = "\n".join(part for part in (event.group, event.details, event.online_url, event.url) if part)
        if description:
            lines.append(f"DESCRIPTION:{escape_text(description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        if event.changed_at:
            lines.append(f"LAST-MODIFIED:{_utc(event.changed_at)}")
        lines.append(f"CATEGORIES:{escape_text(event.kind.upper())}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
