from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from citynews.normalize.dates import BERLIN, find_dates, find_times, infer_year, parse_date


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN)


REF = date(2025, 5, 19)


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("19.05.2025", None, date(2025, 5, 19)),
        ("19.5.25", None, date(2025, 5, 19)),
        ("3. Juni 2025", None, date(2025, 6, 3)),
        ("03. Juni 2025", None, date(2025, 6, 3)),
        ("12. Februar 2026", None, date(2026, 2, 12)),
        ("2025-05-19", None, date(2025, 5, 19)),
        ("2025-05-19T23:30:00+00:00", None, date(2025, 5, 20)),
        ("Di, 17.03.2026", None, date(2026, 3, 17)),
        ("Stand: 04.11.2024", None, date(2024, 11, 4)),
        ("3. Juni", REF, date(2025, 6, 3)),
        ("1. April", REF, date(2025, 4, 1)),
        ("3. Jan.", REF, date(2026, 1, 3)),
        ("29. Februar 2024", None, date(2024, 2, 29)),
        ("3. Maerz 2026", None, date(2026, 3, 3)),
        ("3. Sept. 2026", None, date(2026, 9, 3)),
        ("Juni 2025", None, None),
        ("3. Juni", None, None),
        ("31.02.2025", None, None),
        ("29. Februar 2025", None, None),
        ("13.13.2025", None, None),
        ("gestern", REF, None),
        ("", REF, None),
    ],
)
def test_parse_date(text: str, reference: date | None, expected: date | None) -> None:
    assert parse_date(text, reference=reference) == expected


@pytest.mark.parametrize(
    ("text", "start", "end", "all_day", "matched"),
    [
        ("am 19.05.2025 in Halle", date(2025, 5, 19), None, True, "19.05.2025"),
        ("Di, 17.03.2026", date(2026, 3, 17), None, True, "Di, 17.03.2026"),
        (
            "Mittwoch, 3. Juni 2026, 9:00 Uhr",
            at(2026, 6, 3, 9),
            None,
            False,
            "Mittwoch, 3. Juni 2026, 9:00 Uhr",
        ),
        ("vom 14.–16. Mai 2026", date(2026, 5, 14), date(2026, 5, 16), True, "14.–16. Mai 2026"),
        ("14. bis 16. Mai 2026", date(2026, 5, 14), date(2026, 5, 16), True, None),
        ("18.–19.11.2026", date(2026, 11, 18), date(2026, 11, 19), True, None),
        ("18.-19.11.2026", date(2026, 11, 18), date(2026, 11, 19), True, None),
        (
            "vom 29. September bis 1. Oktober 2026",
            date(2026, 9, 29),
            date(2026, 10, 1),
            True,
            "29. September bis 1. Oktober 2026",
        ),
        ("30. Dezember bis 2. Januar 2027", date(2026, 12, 30), date(2027, 1, 2), True, None),
        ("02.03. bis 03.03.2026", date(2026, 3, 2), date(2026, 3, 3), True, None),
        ("19.05.2025 – 21.05.2025", date(2025, 5, 19), date(2025, 5, 21), True, None),
        (
            "am 01. Juni 2026, 15:00 – 19:00 Uhr",
            at(2026, 6, 1, 15),
            at(2026, 6, 1, 19),
            False,
            "01. Juni 2026, 15:00 – 19:00 Uhr",
        ),
        ("am 1.6.2026 von 15 bis 19 Uhr", at(2026, 6, 1, 15), at(2026, 6, 1, 19), False, None),
        ("am 1.6.2026 15 bis 19 Uhr", at(2026, 6, 1, 15), at(2026, 6, 1, 19), False, None),
        ("am 1.6.2026 von 10 bis 14 Uhr", at(2026, 6, 1, 10), at(2026, 6, 1, 14), False, None),
        ("am 1.6.2026 ab 19 Uhr", at(2026, 6, 1, 19), None, False, "1.6.2026 ab 19 Uhr"),
        ("am 1.6.2026 um 9.30 Uhr", at(2026, 6, 1, 9, 30), None, False, None),
        ("am 1.6.2026, 9 Uhr", at(2026, 6, 1, 9), None, False, None),
        ("1.6.2026 18:00", at(2026, 6, 1, 18), None, False, None),
        ("1.6.2026 22 bis 2 Uhr", at(2026, 6, 1, 22), at(2026, 6, 2, 2), False, None),
        (
            "Datum: 25.10.2026\nUhrzeit: 15 bis 19 Uhr",
            at(2026, 10, 25, 15),
            at(2026, 10, 25, 19),
            False,
            None,
        ),
        (
            "01. Juni 2026\n\n 15:00 – 19:00 Uhr",
            at(2026, 6, 1, 15),
            at(2026, 6, 1, 19),
            False,
            None,
        ),
        (
            "14.–16. Mai 2026, jeweils 9 bis 17 Uhr",
            at(2026, 5, 14, 9),
            at(2026, 5, 16, 17),
            False,
            None,
        ),
        ("3. Jan. 2027", date(2027, 1, 3), None, True, None),
        ("3. Sept. 2026", date(2026, 9, 3), None, True, None),
        ("3. März 2026", date(2026, 3, 3), None, True, None),
        ("3. Maerz 2026", date(2026, 3, 3), None, True, None),
        ("2026-06-01T15:00:00+02:00", at(2026, 6, 1, 15), None, False, None),
        # A date followed by a plain number: the number is not a time.
        ("am 1.6.2026 20 Teilnehmende", date(2026, 6, 1), None, True, "1.6.2026"),
        # Ends before it starts: the "range" is two unrelated days, the first one is kept.
        ("16.05.2026 bis 14.05.2026", date(2026, 5, 16), None, True, "16.05.2026"),
        # "Uhr" closes the time: "- 1." is an ordinal of the next words, not an end at 01:00.
        (
            "02.02.2022 10:16 Uhr - 1. Bundesliga",
            at(2022, 2, 2, 10, 16),
            None,
            False,
            "02.02.2022 10:16 Uhr",
        ),
        # Table cells rendered as "label: | value", on one line or on two.
        (
            "Datum: | Dienstag, 14. März 2028\nUhrzeit: | 9.30 Uhr bis 16 Uhr",
            at(2028, 3, 14, 9, 30),
            at(2028, 3, 14, 16),
            False,
            None,
        ),
        (
            "Datum: | Dienstag, 14. März 2028 | Uhrzeit: | 9.30 Uhr bis 16 Uhr",
            at(2028, 3, 14, 9, 30),
            at(2028, 3, 14, 16),
            False,
            None,
        ),
    ],
)
def test_find_dates_forms(
    text: str,
    start: date | datetime,
    end: date | datetime | None,
    all_day: bool,
    matched: str | None,
) -> None:
    found = find_dates(text, reference=REF)
    assert found, text
    first = found[0]
    assert (first.start, first.end, first.all_day) == (start, end, all_day)
    if isinstance(start, datetime):
        assert first.start.tzinfo is not None
    if matched is not None:
        assert first.text == matched
    assert text[first.span[0] : first.span[1]] == first.text


@pytest.mark.parametrize(
    ("text", "offset_hours"),
    [
        ("17.03.2026, 10 Uhr", 1),
        ("28.03.2026, 12 Uhr", 1),
        ("29.03.2026, 12 Uhr", 2),
        ("1. Juni 2026, 10 Uhr", 2),
        ("24.10.2026, 12 Uhr", 2),
        ("25.10.2026, 12 Uhr", 1),
        ("2026-01-15T09:00:00Z", 1),
        ("2026-07-15T09:00:00+00:00", 2),
    ],
)
def test_daylight_saving_offsets(text: str, offset_hours: int) -> None:
    (found,) = find_dates(text)
    assert isinstance(found.start, datetime)
    assert found.start.utcoffset() == timedelta(hours=offset_hours)


def test_explicit_offset_is_converted_not_relabelled() -> None:
    (found,) = find_dates("2026-07-15T09:00:00+00:00")
    assert found.start == datetime(2026, 7, 15, 11, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("Die Konferenz findet am 3. Juni statt.", date(2025, 5, 19), date(2025, 6, 3)),
        ("Die Konferenz fand am 3. Juni statt.", date(2025, 5, 19), date(2024, 6, 3)),
        ("Der Workshop hat am 10. Mai stattgefunden.", date(2025, 5, 19), date(2025, 5, 10)),
        ("Weitere Termine: am 6. September in Iserlohn", date(2023, 8, 23), date(2023, 9, 6)),
        ("und am 5. Dezember in Regensburg", date(2023, 8, 23), date(2023, 12, 5)),
        # Recent days stay in the reference year, older ones move to the next year.
        ("am 20. April in Jena", date(2025, 5, 19), date(2025, 4, 20)),
        ("am 10. Februar in Jena", date(2025, 5, 19), date(2026, 2, 10)),
        ("am 20. Dezember in Gotha", date(2025, 1, 10), date(2024, 12, 20)),
        ("am 15. Januar in Gotha", date(2024, 12, 1), date(2025, 1, 15)),
        ("Die Tagung fand am 20. Dezember statt.", date(2025, 1, 10), date(2024, 12, 20)),
        ("14.–16. Mai in Erfurt", date(2025, 5, 19), date(2025, 5, 14)),
        ("02.03. – Daten und Werkzeuge", date(2026, 3, 10), date(2026, 3, 2)),
    ],
)
def test_year_inference(text: str, reference: date, expected: date) -> None:
    (found,) = find_dates(text, reference=reference)
    assert found.start == expected


def test_reference_may_be_an_aware_datetime() -> None:
    (found,) = find_dates("am 3. Juni", reference=at(2025, 5, 19, 10))
    assert found.start == date(2025, 6, 3)


@pytest.mark.parametrize(
    ("month", "day", "reference", "past", "expected"),
    [
        (6, 3, date(2025, 5, 19), False, date(2025, 6, 3)),
        (6, 3, date(2025, 5, 19), True, date(2024, 6, 3)),
        (5, 19, date(2025, 5, 19), True, date(2025, 5, 19)),
        (1, 5, date(2025, 12, 20), False, date(2026, 1, 5)),
        (2, 29, date(2025, 3, 1), True, date(2024, 2, 29)),
    ],
)
def test_infer_year(month: int, day: int, reference: date, past: bool, expected: date) -> None:
    assert infer_year(month, day, reference, past=past) == expected


@pytest.mark.parametrize(
    "text",
    [
        "die 22",
        "56",
        "1,2",
        "Version 3.12",
        "Python 3.12.",
        "Version 3.12.1 ist erschienen",
        "Tel. 0345 221-0",
        "Telefon: 0345 / 221 4711",
        "10.000 Einwohner",
        "1.250.000 Euro",
        "am 31.02.2026",
        "am 30. Februar 2026",
        "Mit 56 Kommunen",
        "Die Mittel sind bis 2027 gefördert.",
        "Juni 2026",
        "IP 192.168.1.10",
        "Mainzer Straße 3",
        "3 Markthallen",
        "Kampstraße 13-15",
        "um 19 Uhr",
    ],
)
def test_garbage_yields_nothing(text: str) -> None:
    assert find_dates(text, reference=REF) == []


def test_several_dates_in_order() -> None:
    text = (
        "Die erste Sitzung ist am 3. Juni 2026 um 18 Uhr, die zweite am 1.7.2026. "
        "Anmeldung bis 20.05.2026."
    )
    found = find_dates(text)
    assert [f.start for f in found] == [at(2026, 6, 3, 18), date(2026, 7, 1), date(2026, 5, 20)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Beginn 19 Uhr", [(time(19), None)]),
        ("um 9.30 Uhr", [(time(9, 30), None)]),
        ("15:00 – 19:00 Uhr", [(time(15), time(19))]),
        ("von 10 bis 14 Uhr", [(time(10), time(14))]),
        ("10 Uhr bis 12", [(time(10), time(12))]),
        ("10 Uhr - 12 Uhr", [(time(10), time(12))]),
        ("10:16 Uhr - 1. Bundesliga", [(time(10, 16), None)]),
        ("18 Uhr – 2. Halbzeit", [(time(18), None)]),
        ("ab 19 Uhr, Ende gegen 22:30", [(time(19), None), (time(22, 30), None)]),
        ("Mansfelder Str. 56, 06108 Halle", []),
        ("Version 3.12", []),
        ("24 Uhr", [(time(0), None)]),
        ("25 Uhr", []),
    ],
)
def test_find_times(text: str, expected: list[tuple[time, time | None]]) -> None:
    assert [(t.start, t.end) for t in find_times(text)] == expected


# --- date forms of issue #10 (point 4) -----------------------------------------------------------

SPRING = date(2025, 3, 14)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        # Days listed apart are dates of their own (three performances); two days in a row
        # joined by "und" stay a run (a weekend), as do "/" and "bis".
        (
            "25., 26. und 27. April",
            [(date(2025, 4, 25), None), (date(2025, 4, 26), None), (date(2025, 4, 27), None)],
        ),
        ("am 4. und 6. Mai 2026", [(date(2026, 5, 4), None), (date(2026, 5, 6), None)]),
        ("2., 9. & 16.05.2026", [(date(2026, 5, d), None) for d in (2, 9, 16)]),
        (
            "25., 26. und 27.04.2026, 19 Uhr",
            [(at(2026, 4, d, 19), None) for d in (25, 26, 27)],
        ),
        ("am 3. und 4. Juni 2026", [(date(2026, 6, 3), date(2026, 6, 4))]),
    ],
)
def test_listed_days(text: str, days: list) -> None:
    found = find_dates(text, reference=SPRING)
    assert [(m.start, m.end) for m in found] == days


@pytest.mark.parametrize(
    ("text", "reference", "start", "end"),
    [
        ("29./30. November", SPRING, date(2025, 11, 29), date(2025, 11, 30)),
        ("28.11. bis 30.11.2025", None, date(2025, 11, 28), date(2025, 11, 30)),
        ("am 3. und 4. Juni 2026", None, date(2026, 6, 3), date(2026, 6, 4)),
        ("13.09.26", None, date(2026, 9, 13), None),
        ("Vom 8. bis 23. Februar", SPRING, date(2025, 2, 8), date(2025, 2, 23)),
        ("12.04.2026 00:00 Uhr", None, date(2026, 4, 12), None),
        ("19.03.2027, 17:00-18:40 Uhr", None, at(2027, 3, 19, 17), at(2027, 3, 19, 18, 40)),
    ],
)
def test_issue_date_forms(
    text: str, reference: date | None, start: date | datetime, end: date | datetime | None
) -> None:
    found = find_dates(text, reference=reference)
    assert [(m.start, m.end) for m in found] == [(start, end)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 8 February is a Saturday in 2025, a Thursday in 2024 and a Sunday in 2026.
        ("Samstag, 8. Februar", date(2025, 2, 8)),
        ("Sonntag, 8. Februar", date(2026, 2, 8)),
        ("Donnerstag, den 8. Februar", date(2024, 2, 8)),
        # "Sonnabend" is Saturday: 9 May 2026 is one, 9 May 2025 a Friday.
        ("Sonnabend, 9. Mai", date(2026, 5, 9)),
        ("Sa., 08.02.", date(2025, 2, 8)),
    ],
)
def test_weekday_names_the_year(text: str, expected: date) -> None:
    assert parse_date(text, reference=SPRING) == expected


def test_midnight_means_no_time() -> None:
    (found,) = find_dates("Termin: 10.04.2012 00:00 Uhr")
    assert (found.start, found.all_day) == (date(2012, 4, 10), True)


def test_context_years_come_from_the_nearest_earlier_date() -> None:
    text = (
        "09.09.2022\nAm 19. September findet der Zukunftstag statt.\n"
        "14. November 2021: Auftakt. Am 21. November folgt die zweite Runde."
    )
    plain = find_dates(text, reference=SPRING)
    local = find_dates(text, reference=SPRING, context_years=True)
    assert [m.start for m in local] == [
        date(2022, 9, 9),
        date(2022, 9, 19),
        date(2021, 11, 14),
        date(2021, 11, 21),
    ]
    assert plain[1].start == date(2025, 9, 19)  # without context: the year of the reference
