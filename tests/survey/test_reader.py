"""CSV exports in the encodings and separators Danish facilitators meet, detected without options."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from reportgen.config import Settings
from reportgen.survey.load import read_survey

from ..conftest import IDENTITY, ITEM_CODES, invoke, item_headers, leader_row, write_xlsx
from ..factory import export_workbook, ods

ROWS = [leader_row("Søren Østergaard", "s@example.dk", 4), leader_row("Åse Bræmer", "a@example.dk", {"P1": "Enig"})]


def scores(path: Path, *options: str) -> list[dict[str, object]]:
    result = invoke(["score", str(path), *options])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def write_csv(path: Path, delimiter: str, encoding: str) -> Path:
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if delimiter in text or '"' in text else text

    lines = [delimiter.join(cell(v) for v in row) for row in [IDENTITY + item_headers(), *ROWS]]
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(",", "utf-8"), (";", "utf-8-sig"), (";", "cp1252"), ("\t", "utf-8")],
)
def test_csv_gives_the_same_scores_as_the_workbook(tmp_path: Path, delimiter: str, encoding: str) -> None:
    expected = scores(write_xlsx(tmp_path / "s.xlsx", [IDENTITY + item_headers(), *ROWS]))
    found = scores(write_csv(tmp_path / "s.csv", delimiter, encoding))
    assert found == expected
    assert found[0]["name"] == "Søren Østergaard"


def test_encoding_and_delimiter_can_be_given(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", ";", "cp1252")
    assert scores(path, "--encoding", "cp1252", "--delimiter", ";")[1]["name"] == "Åse Bræmer"


def test_a_wrong_encoding_is_a_clear_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", ";", "cp1252")
    result = invoke(["score", str(path), "--encoding", "utf-8"])
    assert result.exit_code == 2 and "--encoding" in result.stderr and "Traceback" not in result.stderr


# --- no silent loss (issue 23) ---------------------------------------------------------------------


def test_a_stray_quote_is_named_by_row_and_column_not_a_swallowed_file(tmp_path: Path) -> None:
    lines = [",".join(IDENTITY + item_headers())]
    for n in range(5):
        name = f'"Leder {n}' if n == 1 else f"Leder {n}"
        lines.append(",".join(["", f"l{n}@example.dk", name, "Org", *["3"] * len(ITEM_CODES)]))
    path = tmp_path / "s.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = invoke(["check", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "Row 3, column C: the cell starts with a quote" in result.stderr
    assert "3 line(s) below it" in result.stderr and "remove the stray quote" in result.stderr


@pytest.mark.parametrize("where", ["closed_on_the_next_line", "last_row"])
def test_a_stray_quote_that_closes_partway_or_runs_to_the_end_is_found(tmp_path: Path, where: str) -> None:
    """A quote closed by a later cell's own quote (the next line's "Org, Inc"), or left open on the last row."""
    header = io.StringIO()
    csv.writer(header, lineterminator="").writerow(IDENTITY + item_headers())
    lines = [header.getvalue()]
    for n in range(4):
        organisation = '"Org, Inc"' if n == 2 else "Org"
        answers = ["3"] * len(ITEM_CODES)
        if where == "closed_on_the_next_line" and n == 1:
            answers[-1] = '"3'  # closed by the next line's quoted organisation
        if where == "last_row" and n == 3:
            answers[0] = '"3'  # open to the end of the file: the rest of the row is one cell
        lines.append(",".join(["", f"l{n}@example.dk", f"Leder {n}", organisation, *answers]))
    path = tmp_path / "s.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = invoke(["check", str(path)])
    assert result.exit_code == 2, result.output
    row = 3 if where == "closed_on_the_next_line" else 5
    assert f"Row {row}, column " in result.stderr and "starts with a quote" in result.stderr


def test_a_quoted_answer_with_line_breaks_and_commas_is_still_one_cell(tmp_path: Path) -> None:
    rows = [leader_row("Ann Ask", "ann@example.dk", 3), leader_row("Bo Bak", "bo@example.dk", 4)]
    header = IDENTITY + item_headers() + ["Kommentar"]
    rows[0].append("Vi skal, tror jeg,\nhave mere tid.\nOg: mindre, ikke mere.")
    path = tmp_path / "s.csv"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    assert [r["email"] for r in scores(path)] == ["ann@example.dk", "bo@example.dk"]


def test_one_windows_1252_byte_in_a_utf8_file_is_named_and_the_rest_stays_utf8(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", ",", "utf-8")
    data = path.read_bytes().replace("Åse".encode(), "Åse".encode("cp1252"))
    path.write_bytes(data)
    survey = read_survey(Settings(survey=path))
    assert "UTF-8 with 1 byte(s) that are not UTF-8" in survey.reading
    assert [o.response.name for o in survey.outcomes] == ["Søren Østergaard", "Åse Bræmer"]
    flagged = [str(w) for w in survey.outcomes[1].warnings]
    assert len([w for w in flagged if "row 3, column C: byte 0xC5 is not UTF-8" in w and '"Åse Bræmer"' in w]) == 1
    assert survey.outcomes[0].warnings == ()


def test_a_second_sheet_of_responses_is_named_in_check(tmp_path: Path) -> None:
    book = export_workbook([IDENTITY + item_headers(), *ROWS], sheet="Svar")
    late = book.create_sheet("Svar (sene)")
    for row in [IDENTITY + item_headers(), leader_row("Carl Sen", "carl@example.dk", 2)]:
        late.append(row)
    path = tmp_path / "two.xlsx"
    book.save(path)
    result = invoke(["check", str(path)])
    assert 'sheet "Svar (sene)" also has a header row of answers and 1 response row(s), which are NOT read' in (
        result.stdout
    )
    assert [r["email"] for r in scores(path, "--sheet", "Svar (sene)")] == ["carl@example.dk"]


def test_an_xlsx_cell_pointing_past_the_shared_strings_is_refused_in_one_paragraph(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [IDENTITY + item_headers(), *ROWS])
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith("sheet1.xml"):
                data = re.sub(rb'<c r="C2" t="inlineStr"><is><t>[^<]*</t></is>', b'<c r="C2" t="s"><v>999</v>', data)
                assert b"<v>999</v>" in data
            target.writestr(info, data)
    result = invoke(["check", str(broken)])
    assert result.exit_code == 2 and "Traceback" not in result.stderr and "Internal error" not in result.stderr
    assert "cannot be read as an Excel workbook" in result.stderr and "IndexError" in result.stderr


@pytest.mark.parametrize(
    ("body", "said"),
    [
        # 824 bytes that stand for 99 M cells: refused before python-calamine expands them.
        (
            '<table:table-row table:number-rows-repeated="9900"><table:table-cell office:value-type="string" '
            'table:number-columns-repeated="10000"><text:p>x</text:p></table:table-cell></table:table-row>',
            "would expand to 99,000,000 cells",
        ),
        (
            '<table:table-row table:number-rows-repeated="200000"><table:table-cell office:value-type="float" '
            'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>',
            "has values down to row 200,000",
        ),
    ],
)
def test_ods_repeat_counts_are_limited_before_anything_expands(tmp_path: Path, body: str, said: str) -> None:
    path = ods(tmp_path / "bomb.ods", [], body=body)
    assert path.stat().st_size < 2000
    result = invoke(["check", str(path)])
    assert result.exit_code == 2 and said in result.stderr and "Traceback" not in result.stderr


def test_libreoffice_trailing_empty_repeats_are_not_counted(tmp_path: Path) -> None:
    rows = [IDENTITY + item_headers(), *ROWS]
    path = ods(tmp_path / "lo.ods", rows)
    content = zipfile.ZipFile(path).read("content.xml").decode()
    trailing = (
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row></table:table>'
    )
    rewritten = tmp_path / "lo2.ods"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for info in source.infolist():
            data = content.replace("</table:table>", trailing) if info.filename == "content.xml" else source.read(info)
            target.writestr(info, data)
    assert [r["email"] for r in scores(rewritten)] == ["s@example.dk", "a@example.dk"]


def test_reportgens_own_manifest_given_as_the_export_is_named(tmp_path: Path) -> None:
    from reportgen.output.manifest import MANIFEST_COLUMNS

    path = tmp_path / "manifest.csv"
    path.write_text(",".join(MANIFEST_COLUMNS) + "\n2,rendered,,Ann Ask,ann@example.dk,a.pdf,x,da,id1\n", "utf-8")
    result = invoke(["check", str(path)])
    assert result.exit_code == 2 and "This is a file reportgen wrote (manifest.csv" in result.stderr
    book = export_workbook([list(MANIFEST_COLUMNS)], sheet="Manifest", before=["Ledere"])
    book.save(tmp_path / "scores.xlsx")
    result = invoke(["check", str(tmp_path / "scores.xlsx")])
    assert result.exit_code == 2 and "This is a file reportgen wrote" in result.stderr


def test_an_xls_with_two_far_cells_is_refused_before_it_expands(tmp_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Svar æ")
    sheet.write(0, 0, "Navn")
    sheet.write(65535, 255, "x")  # 16.7 million cells between them: 1 GB in python-calamine
    path = tmp_path / "far.xls"
    book.save(str(path))
    assert path.stat().st_size < 10_000
    result = invoke(["check", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert 'sheet "Svar æ"' in result.stderr and "would expand to 16,777,216 cells" in result.stderr


def test_an_xls_export_with_formatted_blank_cells_far_out_is_read(tmp_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Form1")
    for r, row in enumerate([IDENTITY + item_headers(), *ROWS]):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    sheet.write(60000, 200, None, xlwt.easyxf("font: bold on"))  # a BLANK record: no value
    path = tmp_path / "export.xls"
    book.save(str(path))
    assert [r["email"] for r in scores(path)] == ["s@example.dk", "a@example.dk"]


@pytest.mark.parametrize("above", ["sep=;", "Ledelsesundersøgelse 2026"])
def test_a_line_above_the_header_neither_hides_a_stray_quote_nor_becomes_a_row(tmp_path: Path, above: str) -> None:
    """Excel's "sep=;" line names the separator; a title line is not the header's width."""
    header = io.StringIO()
    csv.writer(header, delimiter=";", lineterminator="").writerow(IDENTITY + item_headers())
    rows = [";".join(["", f"l{n}@example.dk", f"Leder {n}", "Org", *["3"] * len(ITEM_CODES)]) for n in range(4)]
    path = tmp_path / "s.csv"
    path.write_text("\r\n".join([above, header.getvalue(), *rows]) + "\r\n", encoding="utf-8")
    survey = read_survey(Settings(survey=path))
    assert [o.response.email for o in survey.outcomes] == [f"l{n}@example.dk" for n in range(4)]
    if above.startswith("sep="):
        assert survey.columns.header_rows == (1,) and "Tidspunkt" in survey.columns.headers[0]
    rows[1] = rows[1].replace("Leder 1", '"Leder 1')
    path.write_text("\r\n".join([above, header.getvalue(), *rows]) + "\r\n", encoding="utf-8")
    result = invoke(["check", str(path)])
    assert result.exit_code == 2 and "starts with a quote" in result.stderr


def test_a_windows_line_break_inside_a_cell_is_a_line_break_not_a_control_character(tmp_path: Path) -> None:
    rows = [leader_row("Ann Ask", "ann@example.dk", 3), leader_row("Bo Bak", "bo@example.dk", 4)]
    header = IDENTITY + item_headers() + ["Beskriv dit formål med sociale medier med dine egne ord."]
    rows[0].append("Første linje.\r\nAnden linje.")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    path = tmp_path / "s.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    ann = read_survey(Settings(survey=path)).outcomes[0]
    assert ann.response.free_text["T1"] == "Første linje.\nAnden linje."
    assert not any("control characters" in str(w) for w in ann.warnings)
