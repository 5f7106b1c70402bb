"""Reading documents (geo.documents): one reader for ingest, geoparse and extract."""

from __future__ import annotations

import json

import pytest

from geo.documents import iter_documents, read_file, read_inputs
from geo.errors import DocumentError, InputError
from geo.model import Document

PAGE = """<html><head><title>Frappes sur Alep</title>
<meta property="article:published_time" content="2016-12-08T10:00:00+01:00"></head>
<body><nav>Accueil | Monde</nav><article><h1>Frappes sur Alep</h1>
<p>Des frappes russes ont tué jeudi 30 civils à Alep, selon l'Observatoire syrien des droits
de l'homme, qui dispose d'un large réseau de sources dans le pays.</p>
<p>Le régime syrien a repris plusieurs quartiers de l'est de la ville au cours des derniers
jours, selon la même source.</p></article></body></html>"""


def _folder(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("Des combats ont eu lieu à Idleb mardi.", encoding="utf-8")
    (folder / "feed.jsonl").write_text(
        json.dumps({"id": "b", "text": "Un attentat à Ankara.", "lang": "fr"}) + "\n",
        encoding="utf-8",
    )
    (folder / "metadata.json").write_text(
        json.dumps({"a.txt": {"published": "2016-12-06", "source": "AFP", "lang": "fr"}}),
        encoding="utf-8",
    )
    return folder


def test_ingest_and_geoparse_read_a_folder_alike(tmp_path):
    folder = _folder(tmp_path)
    by_ingest = list(iter_documents([folder]))
    by_geoparse = list(read_inputs([str(folder)]))
    assert by_ingest == by_geoparse
    a = next(d for d in by_ingest if d.id == "a")
    assert (a.published, a.source, a.lang) == ("2016-12-06", "AFP", "fr")


def test_a_page_is_read_as_its_article_by_every_command(tmp_path):
    page = tmp_path / "alep.html"
    page.write_text(PAGE, encoding="utf-8")
    for docs in (list(read_inputs([str(page)])), list(iter_documents([page]))):
        (doc,) = docs
        assert isinstance(doc, Document) and doc.id == "alep"
        assert "frappes russes" in doc.text and "<p>" not in doc.text and "Accueil" not in doc.text
        assert doc.published == "2016-12-08" and doc.title == "Frappes sur Alep"


@pytest.mark.parametrize("name", ["a.txt", "a.html"])
def test_a_sidecar_that_is_not_an_object_fails_its_document_alone(tmp_path, name):
    (tmp_path / name).write_text(PAGE if name.endswith("html") else "Alep.", encoding="utf-8")
    (tmp_path / "a.json").write_text("[1, 2]", encoding="utf-8")
    (err,) = list(read_file(tmp_path / name))
    assert isinstance(err, DocumentError) and err.doc_id == "a"
    assert "must be a JSON object" in err.reason


def test_a_named_json_file_is_json_lines_for_geoparse(tmp_path):
    f = tmp_path / "docs.json"
    f.write_text(json.dumps({"id": "x", "text": "Alep."}) + "\n", encoding="utf-8")
    assert [d.id for d in read_inputs([str(f)])] == ["x"]


def test_geoparse_refuses_a_missing_path_and_ingest_reports_it(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_inputs([str(tmp_path / "missing.txt")]))
    (err,) = list(iter_documents([tmp_path / "missing.txt"]))
    assert isinstance(err, DocumentError) and "no such file" in err.reason
