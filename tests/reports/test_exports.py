"""Spreadsheet cells that could start a formula are made text, in CSV and XLSX alike."""

import io

import pytest
from openpyxl import load_workbook

from mbtrain.exports import csv_bytes, safe_cell, xlsx_bytes

DANGEROUS = ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tX", "\rY"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_starts_get_a_quote(text):
    assert safe_cell(text) == "'" + text


def test_csv_neutralises_and_keeps_norwegian_letters():
    data = csv_bytes(["Navn"], [["=cmd|' /C calc'!A0"], ["Åse Ødegård"]]).decode("utf-8-sig")
    assert "'=cmd" in data and "Åse Ødegård" in data


def test_xlsx_keeps_numbers_and_stores_no_formula():
    body = xlsx_bytes([["Navn", "Antall", "Andel"], ["=1+1", 12, (0.75, "0 %")]])
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 12
    assert sheet["C2"].value == 0.75 and sheet["C2"].number_format == "0 %"
