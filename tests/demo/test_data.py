from __future__ import annotations

from pathlib import Path

import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from cxlens.demo import DemoData, generate


def test_write_files_exports_every_table_as_csv_and_parquet(tmp_path: Path) -> None:
    demo = generate(seed=2, customers=300, years=1)
    written = demo.write_files(tmp_path / "out")
    names = {p.name for p in written}
    for stem in ("responses", "customers", "cases", "referrals", "renewals"):
        assert {f"{stem}.csv", f"{stem}.parquet"} <= names
    assert pq.read_table(tmp_path / "out" / "responses.parquet").equals(demo.responses.table)
    csv = pcsv.read_csv(tmp_path / "out" / "responses.csv")
    assert csv.num_rows == demo.responses.table.num_rows
    assert csv.column_names == demo.responses.table.column_names
    first = csv.column("submitted_at")[0].as_py()
    assert str(first).startswith(str(demo.responses.table.column("submitted_at")[0].as_py())[:10])


def test_write_files_can_write_one_format(tmp_path: Path, demo: DemoData) -> None:
    written = demo.write_files(tmp_path, formats=("csv",))
    assert written and all(p.suffix == ".csv" for p in written)
    header = (tmp_path / "responses.csv").read_text(encoding="utf-8").splitlines()[0]
    assert '"nps"' in header and '"comment"' in header
