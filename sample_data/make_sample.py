"""Generate sample_data/survey.xlsx, a fictional Microsoft-Forms-like export.

The workbook imitates what Microsoft Forms exports for the Leader's GPS
questionnaire: fixed columns (ID, start/completion time, mail, name,
organisation), one column per item headed by the item's Danish text, answers
as Danish scale labels, and the free-text item last.  Item texts and scale
labels are read from reportgen/data/instrument.toml so the two always agree.

All people, organisations and e-mail addresses are fictional (example.dk /
example.com).  The data is seeded and the file is written byte-for-byte
reproducibly (fixed document properties and zip entry timestamps).

Deliberate edge cases (sheet rows, header is row 1):
  * row 3 and row 23: Mette Kjær submits twice; the later submission uses the
    e-mail " Mette.Kjaer@Example.dk" (other case, stray space) and changed
    answers.
  * row 12: the "Mail" cell is empty (invalid row).
  * row 8: two of the four Customers items (K2, K4) left empty.
  * row 16: answer "ved ikke" in M3 (counts as missing).
  * the last column, "Målgruppe", says "borgere" for the leaders in a kommune, region,
    school, boligselskab or sundhedshus (step 4 of their report speaks of citizens).

Run:  python sample_data/make_sample.py
"""

from __future__ import annotations

import random
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.factory import deterministic_bytes, export_workbook

HERE = Path(__file__).resolve().parent
INSTRUMENT = HERE.parent / "reportgen" / "data" / "instrument.toml"
OUTPUT = HERE / "survey.xlsx"

SEED = 2026
FIXED_TIME = datetime(2026, 11, 30, 12, 0, 0)
DATE_FORMAT = "dd-mm-yyyy hh:mm:ss"

STEP_IDS = ("purpose", "skills", "employees", "customers")

# 1-based positions (= ID) of the special submissions.
DUPLICATE_OF = 2  # Mette Kjær
DUPLICATE_POSITION = 22  # the later, second submission
INVALID_MAIL = 11
PARTIAL_CUSTOMERS = 7
DONT_KNOW = 15
DONT_KNOW_ITEM = "M3"
PARTIAL_ITEMS = ("K2", "K4")
DUPLICATE_EMAIL = " Mette.Kjaer@Example.dk"

# name, organisation, e-mail domain, optional fixed step levels (1-5).
LEADERS: list[tuple[str, str, str, tuple[float, float, float, float] | None]] = [
    ("Søren Østergaard", "Fjordby Kommune", "example.dk", (4.6, 4.2, 3.0, 1.7)),
    ("Mette Kjær", "Nordlys Forsikring A/S", "example.dk", (2.4, 3.0, 4.3, 3.6)),
    ("Åse Bræmer", "Søholm Byggeri A/S", "example.com", (1.8, 1.6, 2.2, 2.0)),
    ("Jens Møller", "Region Midtfjord", "example.dk", (3.4, 2.2, 3.8, 4.4)),
    ("Louise Bækgaard", "Bølgeby Energi A/S", "example.com", (4.8, 4.7, 4.4, 4.5)),
    ("Rasmus Sørensen", "Vesterå Kommune", "example.dk", None),
    ("Birgitte Dalsgård", "Havnegaarden Logistik ApS", "example.com", None),
    ("Anders Højgaard", "Lyngmark Mejeri a.m.b.a.", "example.dk", (2.0, 4.5, 2.6, 3.2)),
    ("Camilla Frølund", "Skovlund Gymnasium", "example.dk", None),
    ("Thomas Krøyer", "Kronborg Software A/S", "example.com", (4.0, 4.8, 1.8, 2.4)),
    ("Pernille Nørgaard", "Nørreå Kommune", "example.dk", None),
    ("Mikkel Skovbæk", "Fjordby Kommune", "example.dk", None),
    ("Helle Grønbæk", "Grønbæk & Co. Revision", "example.com", (3.0, 2.6, 4.6, 3.9)),
    ("Kasper Løvendahl", "Møllebakken Boligselskab", "example.dk", None),
    ("Signe Ræbild", "Sundhedshuset Åbyvej", "example.dk", None),
    ("Bjørn Kjærsgaard", "Bølgeby Energi A/S", "example.com", (1.5, 3.2, 3.4, 4.7)),
    ("Tove Ålund", "Region Midtfjord", "example.dk", None),
    ("Morten Brøndum", "Kystbanen Rejser A/S", "example.com", None),
    ("Line Sæther", "Vesterå Kommune", "example.dk", (4.3, 1.9, 2.8, 3.3)),
    ("Frederik Lønborg", "Lønborg Tømrer & Snedker ApS", "example.com", None),
    ("Karen Ørsted", "Søholm Byggeri A/S", "example.com", None),
    ("Jørgen Vestergård", "Hedebo Efterskole", "example.dk", None),
    ("Ida Mørch", "Nordlys Forsikring A/S", "example.dk", None),
    ("Nikolaj Bøgh", "Kronborg Software A/S", "example.com", None),
]

LONG_TEXT = (
    "Jeg vil bruge sociale medier til at gøre kommunen mere åben og nærværende "
    "for borgerne. Når vi træffer svære beslutninger om skoler, ældrepleje og "
    "klimatilpasning, skal borgerne kunne følge med i, hvorfor vi gør, som vi "
    "gør, og de skal kunne stille spørgsmål direkte til mig. Samtidig vil jeg "
    "vise medarbejderne, at jeg selv tør stå frem og dele både det, der lykkes, "
    "og det, vi stadig kæmper med. Målet er ikke flere likes, men mere tillid "
    "og en bedre dialog, så vi kan rekruttere dygtige folk og få borgerne med "
    "på råd, før beslutningerne er truffet, i stedet for bagefter."
)

SHORT_TEXTS = [
    "Jeg vil positionere vores virksomhed som førende inden for grøn energi.",
    "Synlighed over for kunderne og en mere direkte dialog med dem.",
    "At styrke vores employer branding, så vi kan tiltrække de rigtige medarbejdere.",
    "Jeg vil dele viden fra branchen og vise, hvad vi står for som organisation.",
    "Ærligt talt er jeg ikke sikker endnu. Derfor svarer jeg på det her.",
    "Jeg ønsker at skabe en tættere relation til borgerne i lokalområdet.",
    "Karrieremæssigt vil jeg gerne være mere synlig på LinkedIn. Men tiden er knap.",
    "Fortælle de gode historier fra hverdagen og gøre medarbejderne stolte.",
    "Jeg bruger primært sociale medier til at holde mig opdateret på markedet.",
    "At lytte til kunderne og reagere hurtigt, når noget går galt.",
    "Vi skal være der, hvor eleverne og forældrene er. Det er på sociale medier.",
    "Jeg vil gerne bidrage til samfundsdebatten om fremtidens sundhedsvæsen.",
    "Min rolle er at gå forrest og vise, at ledelsen også er digital.",
    "Skabe mere salg gennem troværdig og personlig kommunikation.",
    "Få vores faglighed i spil og bygge netværk på tværs af branchen.",
    "Vise borgerne, hvad kommunen laver, og rette misforståelser hurtigt.",
    "Jeg vil være en tydelig stemme for håndværksfagene og de unge lærlinge.",
    "At gøre det lettere for vores kunder at få hjælp, når de har brug for det.",
]

# Organisations whose step 4 is about citizens and service users, not customers: their
# leaders' "Målgruppe" column says "borgere" (the report's step 4 then speaks of borgere).
PUBLIC = ("Kommune", "Region", "Gymnasium", "Efterskole", "Boligselskab", "Sundhedshuset")

# Positions (1-based) whose free text is left empty.
EMPTY_TEXT = {3, 9, 14, 20, 24}
LONG_TEXT_POSITION = 1


@dataclass
class Submission:
    """One row of the export."""

    name: str
    email: str
    organisation: str
    answers: dict[str, str] = field(default_factory=dict)
    free_text: str = ""


def load_instrument() -> dict[str, Any]:
    """Read the instrument definition shared with the report generator."""
    with INSTRUMENT.open("rb") as fh:
        return tomllib.load(fh)


def email_for(name: str, domain: str) -> str:
    """Build "firstname.lastname@domain" with Danish letters transliterated."""
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", " ": "."})
    return f"{name.lower().translate(table)}@{domain}"


def clamp(value: float) -> int:
    """Round to the nearest scale point 1-5."""
    return max(1, min(5, round(value)))


def draw_answers(
    rng: random.Random,
    instrument: dict[str, Any],
    levels: tuple[float, ...],
) -> dict[str, str]:
    """Answer every item around the leader's level for its step."""
    agree = instrument["scales"]["agreement"]["labels"]["da"]
    importance = instrument["scales"]["importance"]["labels"]["da"]
    answers: dict[str, str] = {}
    for step, level in zip(instrument["steps"], levels, strict=True):
        for item in step["items"]:
            target = 6 - level if item["reverse"] else level
            answers[item["code"]] = agree[clamp(rng.gauss(target, 0.7)) - 1]
        # Weak steps tend to feel a bit more urgent, with plenty of noise.
        weight = rng.gauss(3.4 + (3.0 - level) * 0.3, 0.9)
        answers[step["importance"]["code"]] = importance[clamp(weight) - 1]
    return answers


def build_submissions(rng: random.Random, instrument: dict[str, Any]) -> list[Submission]:
    """Create all rows in submission order, including the edge cases."""
    rows: list[Submission] = []
    texts = list(SHORT_TEXTS)
    rng.shuffle(texts)
    duplicate: Submission | None = None
    for position, (name, org, domain, fixed) in enumerate(LEADERS, start=1):
        levels = fixed or tuple(round(rng.uniform(1.3, 4.8), 1) for _ in STEP_IDS)
        sub = Submission(name, email_for(name, domain), org)
        sub.answers = draw_answers(rng, instrument, levels)
        if position == LONG_TEXT_POSITION:
            sub.free_text = LONG_TEXT
        elif position not in EMPTY_TEXT:
            sub.free_text = texts.pop()
        if position == INVALID_MAIL:
            sub.email = ""
        if position == PARTIAL_CUSTOMERS:
            for code in PARTIAL_ITEMS:
                sub.answers[code] = ""
        if position == DONT_KNOW:
            sub.answers[DONT_KNOW_ITEM] = "ved ikke"
        if position == DUPLICATE_OF:
            # Second thoughts a few days later: a little more confident.
            later = tuple(min(5.0, level + 0.6) for level in levels)
            duplicate = Submission(name, DUPLICATE_EMAIL, org)
            duplicate.answers = draw_answers(rng, instrument, later)
            duplicate.free_text = (
                "Efter at have tænkt over det: Jeg vil bruge LinkedIn til at "
                "vise, hvordan vi arbejder med kundeoplevelsen."
            )
            assert duplicate.answers != sub.answers
        rows.append(sub)
    assert duplicate is not None
    rows.insert(DUPLICATE_POSITION - 1, duplicate)
    return rows


def timestamps(rng: random.Random, count: int) -> list[tuple[datetime, datetime]]:
    """(start, completion) pairs spread over a few days, completion increasing."""
    moment = datetime(2026, 11, 9, 7, 48, 12)
    result: list[tuple[datetime, datetime]] = []
    for _ in range(count):
        moment += timedelta(minutes=rng.randint(35, 290), seconds=rng.randint(0, 59))
        if moment.hour >= 20:  # nobody answers at night: continue next morning
            moment += timedelta(days=1)
        if moment.hour >= 20 or moment.hour < 7:
            moment = moment.replace(hour=7, minute=rng.randint(30, 59))
        duration = timedelta(seconds=rng.randint(150, 780))
        result.append((moment - duration, moment))
    return result


def item_columns(instrument: dict[str, Any]) -> list[tuple[str, str]]:
    """(code, Danish header) in export order: P, F, M, K items, V1-V4, T1."""
    columns = [(item["code"], item["text"]["da"]) for step in instrument["steps"] for item in step["items"]]
    columns += [(step["importance"]["code"], step["importance"]["text"]["da"]) for step in instrument["steps"]]
    return columns


def build_workbook(
    instrument: dict[str, Any],
    rows: list[Submission],
    times: list[tuple[datetime, datetime]],
) -> Workbook:
    """Lay the submissions out like a Microsoft Forms export."""
    items = item_columns(instrument)
    free = instrument["free_text"][0]["text"]["da"]
    fixed = ["ID", "Starttidspunkt", "Færdiggørelsestidspunkt", "Mail", "Navn"]
    header = [*fixed, "Organisation", *(text for _, text in items), free, "Målgruppe"]
    data = [
        [row_id, start, done, sub.email or None, sub.name, sub.organisation,
         *(sub.answers[code] or None for code, _ in items), sub.free_text or None,
         "borgere" if any(word in sub.organisation for word in PUBLIC) else "kunder"]
        for row_id, (sub, (start, done)) in enumerate(zip(rows, times, strict=True), start=1)
    ]  # fmt: skip
    wb = export_workbook([header, *data], sheet="Form1")
    ws = wb.active
    assert ws is not None
    for row_id in range(1, len(data) + 1):
        for col in (2, 3):
            ws.cell(row=row_id + 1, column=col).number_format = DATE_FORMAT

    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 90
    ws.freeze_panes = "A2"
    widths = [6, 20, 22, 32, 22, 30] + [24] * len(items) + [60, 12]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width

    wb.properties.creator = "reportgen sample_data/make_sample.py"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def main() -> None:
    """Write sample_data/survey.xlsx."""
    instrument = load_instrument()
    rng = random.Random(SEED)
    rows = build_submissions(rng, instrument)
    wb = build_workbook(instrument, rows, timestamps(rng, len(rows)))
    OUTPUT.write_bytes(deterministic_bytes(wb))
    print(f"wrote sample_data/survey.xlsx ({len(rows)} rows)")


if __name__ == "__main__":
    main()
