"""Statistics filters, tables and exports name institutions in the reader's language."""

from __future__ import annotations

import csv
import io

from tests.conftest import login

NIS = "Correctional Institution Niš"


def test_statistics_filters_and_exports_name_institutions_in_the_readers_language(
        client, session, programme, managers):
    manager = managers["RS"]
    manager.language = "sr_Latn"
    session.commit()
    login(client, manager)
    page = client.get("/reports").get_data(as_text=True)
    assert "Kazneno-popravni zavod Niš (RS)" in page and f"{NIS} (RS)" not in page
    response = client.get("/reports/export/trainees.csv", buffered=True)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)[1:])))
    assert any("Uprava za izvršenje krivičnih sankcija" in row for row in rows)
    assert not any("Administration for the Enforcement of Criminal Sanctions" in row for row in rows)
