"""`make bench`: how fast reportgen builds reports, against two naive baselines, in one run.

Generates an export of N leaders (default 300), then measures
  (a) reportgen build --jobs 1
  (b) reportgen build (default jobs: one per usable core)
  (c) one process looping over the reports' HTML (build --format html) with
      weasyprint.HTML(filename=…).write_pdf(…, pdf_tags=True), nothing reused
  (d) the weasyprint command line (--pdf-tags) once per report (on the first --cli-sample reports)
and prints reports per second, the ratios, the parallel efficiency and peak memory.
The baselines write the same tagged PDFs as reportgen (tags are an accessibility
requirement of the report); (c0) is (c) without tags, printed for reference.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.factory import write_xlsx  # noqa: E402  (the one workbook factory)

BIN = Path(sys.executable).parent
# Runs a command and prints the peak RSS (KB) of the largest process it started.
PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(done.returncode)\n"
)
NAIVE = (
    "import sys, pathlib, weasyprint\n"
    "tags = sys.argv[3] == 'tags'\n"
    "for html in sorted(pathlib.Path(sys.argv[1]).glob('*.html')):\n"
    "    if html.name == 'cohort.html': continue  # the leaders' reports only\n"
    "    out = pathlib.Path(sys.argv[2]) / (html.stem + '.pdf')\n"
    "    weasyprint.HTML(filename=str(html)).write_pdf(str(out), pdf_tags=tags)\n"
)

PER_REPORT = (
    "import subprocess, sys\n"
    "for html in sys.argv[2:]:\n"
    "    subprocess.run([sys.argv[1], '--pdf-tags', html, html + '.pdf'], check=True)\n"
)


def make_export(path: Path, leaders: int) -> None:
    """A Microsoft-Forms-like export with Danish headers and labels, seeded."""
    instrument = tomllib.loads((ROOT / "reportgen" / "data" / "instrument.toml").read_text("utf-8"))
    scales = instrument["scales"]
    items = [(item, "agreement") for step in instrument["steps"] for item in step["items"]]
    items += [(step["importance"], "importance") for step in instrument["steps"]]
    rng = random.Random(300)
    header = ["ID", "Mail", "Navn", "Organisation", *(item["text"]["da"] for item, _ in items)]
    rows = [
        [n + 1, f"leader{n}@example.dk", f"Leder {n:04d} Ærøskøbing", "Bench Kommune",
         *(scales[scale]["labels"]["da"][rng.randrange(5)] for _, scale in items)]
        for n in range(leaders)
    ]  # fmt: skip
    write_xlsx(path, [header, *rows])


def measure(command: list[str]) -> tuple[float, int]:
    """Seconds and peak RSS (MB) of the largest process of a command."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, *command], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr}")
    return seconds, int(done.stdout.split()[-1]) // 1024


def leaders_files(folder: Path, suffix: str) -> list[Path]:
    """The leaders' reports in a build's folder (named from each leader since issue 24), not cohort's."""
    return sorted(path for path in folder.glob(f"*{suffix}") if path.stem != "cohort")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaders", type=int, default=300)
    parser.add_argument("--cli-sample", type=int, default=40, help="reports for (d), which is slow")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    work = Path(tempfile.mkdtemp(prefix="reportgen-bench-"))
    try:
        survey = work / "bench.xlsx"
        make_export(survey, args.leaders)
        build = [str(BIN / "reportgen"), "build", str(survey), "--date", "2026-11-27", "--force", "-q"]
        rows: list[tuple[str, int, float, int]] = []
        seconds, peak = measure([*build, "-o", str(work / "a"), "--jobs", "1"])
        rows.append(("(a) reportgen build --jobs 1", args.leaders, seconds, peak))
        seconds, peak = measure([*build, "-o", str(work / "b")])
        rows.append((f"(b) reportgen build (--jobs {cores})", args.leaders, seconds, peak))
        subprocess.run([*build, "-o", str(work / "html"), "--format", "html"], check=False, capture_output=True)
        (work / "c").mkdir()
        seconds, peak = measure([sys.executable, "-c", NAIVE, str(work / "html"), str(work / "c"), "tags"])
        rows.append(("(c) naive loop, HTML(filename).write_pdf(pdf_tags=True)", args.leaders, seconds, peak))
        (work / "c0").mkdir()
        seconds, peak = measure([sys.executable, "-c", NAIVE, str(work / "html"), str(work / "c0"), "none"])
        rows.append(("(c0) the same without PDF tags, for reference", args.leaders, seconds, peak))
        htmls = leaders_files(work / "html", ".html")[: args.cli_sample]
        (work / "d").mkdir()
        seconds, peak = measure([sys.executable, "-c", PER_REPORT, str(BIN / "weasyprint"), *map(str, htmls)])
        rows.append(("(d) weasyprint command once per report", len(htmls), seconds, peak))
        rate = {label.split()[0]: count / seconds for label, count, seconds, _ in rows}
        reports = leaders_files(work / "a", ".pdf")
        from pypdf import PdfReader  # a dev dependency; only to say how long the reports are

        pages = len(PdfReader(reports[0]).pages) if reports else 0
        print(f"machine: {platform.machine()}, {cores} usable cores, Python {platform.python_version()}, "
              f"{platform.system()} {platform.release()}; {len(reports)} reports of {pages} pages")  # fmt: skip
        print()
        print("| run | reports | seconds | reports/s | peak RSS of largest process |")
        print("|---|---:|---:|---:|---:|")
        for label, count, seconds, peak in rows:
            print(f"| {label} | {count} | {seconds:.1f} | {count / seconds:.2f} | {peak} MB |")
        print()
        print(f"(b)/(c) = {rate['(b)'] / rate['(c)']:.2f}×   (b)/(c0) = {rate['(b)'] / rate['(c0)']:.2f}×   "
              f"(b)/(d) = {rate['(b)'] / rate['(d)']:.2f}×   "
              f"parallel efficiency (b)/((a)×{cores}) = {rate['(b)'] / (rate['(a)'] * cores):.2f}")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
