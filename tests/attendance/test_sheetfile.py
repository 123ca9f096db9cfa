"""Reading an attendance CSV file: every problem with its line number. Pure."""

import pytest

from mbtrain.attendance.sheetfile import LineError, SheetLine, read_sheet
from mbtrain.curriculum.definition import AttendanceStatus as A


@pytest.mark.parametrize(
    "data",
    [
        b"e-post;status;timer\nkari@example.net;til stede;\nola@example.net;Syk;\n",
        b"\xef\xbb\xbfe-post;status;timer\r\n"
        b"kari@example.net;til stede;\r\nola@example.net;syk;\r\n",
        b"E-post,Status,Timer\nKari@Example.net,TIL STEDE,\nola@example.net,SYK,\n",
        b"navn;e-post;status\nKari;kari@example.net;Til stede\nOla;ola@example.net;syk\n\n",
    ],
    ids=["semicolon", "bom-crlf", "comma-capitals", "name-column"],
)
def test_the_usual_files_are_read(data):
    lines, errors = read_sheet(data)
    assert errors == []
    assert lines == [
        SheetLine(2, "kari@example.net", A.TIL_STEDE, None),
        SheetLine(3, "ola@example.net", A.SYK, None),
    ]


def test_hours_with_comma_or_point():
    lines, errors = read_sheet(
        b'e-post,status,timer\na@example.net,til stede,"2,5"\nb@example.net,til stede,3.5\n'
    )
    assert not errors
    assert [line.hours for line in lines] == [2.5, 3.5]


def test_every_bad_line_is_reported_with_its_number():
    data = (
        "e-post;status;timer\n"
        "a@example.net;til stede;\n"
        ";syk;\n"
        "b@example.net;borte;\n"
        "c@example.net;til stede;mye\n"
        "a@example.net;syk;\n"
        "d@example.net;syk;;ekstra\n"
        "e@example.net;avtalt fravær;\n"
    ).encode()
    lines, errors = read_sheet(data)
    assert [line.line for line in lines] == [2, 8]
    assert errors == [
        LineError(3, "E-postadressen mangler."),
        LineError(4, "Ukjent status «borte». Bruk til stede, syk, avtalt fravær eller ikke møtt."),
        LineError(5, "Timer «mye» er ikke et tall."),
        LineError(6, "a@example.net står også på linje 2."),
        LineError(7, "Linjen har flere kolonner enn overskriften."),
    ]


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "Filen er tom."),
        (b"e-post;timer\na@example.net;5\n", "Overskriften mangler kolonnen «status»."),
        (b"epost;status;fravaer\n", "Ukjent kolonne «fravaer»."),
        (b"e-post;status\n", "Filen har ingen deltakere under overskriften."),
        ("e-post;status\nå@example.net;syk\n".encode("latin-1"), "Filen må være lagret som UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data, message):
    lines, errors = read_sheet(data)
    assert lines == []
    assert message in errors[0].message
