"""``python -m derivations``: section names and titles, one-line errors, where the document goes."""
import pytest

import derivations
from derivations import __main__ as cli
from derivations.__main__ import main


def test_sections_are_called_by_name_or_title_in_any_case():
    assert derivations.section_names(["Pooling", "DELTA_RULE", "delta rule", "pooling"]) == ["pooling", "delta_rule"]
    assert derivations.section_names(["worked Examples"]) == ["alice", "gate"]


def test_help_lists_every_section_by_name_and_title_in_plain_text(capsys):
    with pytest.raises(SystemExit) as leaving:
        main(["--help"])
    assert leaving.value.code == 0
    out = capsys.readouterr().out
    for name, title in derivations.titles().items():
        assert f" {name} " in out and title in out
    assert "``" not in out


@pytest.mark.parametrize("names", [["nosuch"], ["pooling", "NoSuch"]])
def test_an_unknown_section_is_one_line_and_status_2(capsys, names):
    assert main(names) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith(f"python -m derivations: unknown derivation section(s) {names[-1]!r}; known: ")
    assert "delta_rule" in err and "Delta rule" in err


@pytest.mark.parametrize("out, problem", [("/dev/null/x", "/dev/null is not a folder"), (".", "is a folder")])
def test_an_unwritable_out_is_one_line_and_status_2(capsys, out, problem):
    assert main(["--out", out, "flatten"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith(f"python -m derivations: cannot write {out}: ") and problem in captured.err


def test_a_title_runs_and_out_writes_the_document_there(tmp_path, capsys):
    document = tmp_path / "new folder" / "derivations.md"
    assert main(["--out", str(document), "FLATTEN"]) == 0
    assert f"wrote {document}" in capsys.readouterr().out
    assert "## Flatten" in document.read_text(encoding="utf-8")


def test_outside_a_checkout_there_is_no_default_document(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "CHECKOUT", tmp_path)
    monkeypatch.setattr(cli, "DOCUMENT", tmp_path / "docs" / "derivations.md")  # a bug writes here, not the repo's
    assert main(["flatten"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{tmp_path} is not a checkout of nnfunc" in err and "--out" in err
    assert main(["--check", "flatten"]) == 0


def test_a_checkout_is_a_pyproject_naming_nnfunc_beside_docs(tmp_path):
    assert cli.in_checkout(cli.CHECKOUT)
    (tmp_path / "docs").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "someone-else"\n')
    assert not cli.in_checkout(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "nnfunc"\n')
    assert cli.in_checkout(tmp_path)
    (tmp_path / "docs").rmdir()
    assert not cli.in_checkout(tmp_path)
