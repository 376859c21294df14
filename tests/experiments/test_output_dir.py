"""Every command line refuses an unusable --out (and the study bad --only or missing data) in one line, up front."""
import pytest

from experiments.__main__ import main as experiments_main
from experiments.bench.__main__ import main as bench_main
from experiments.output_dir import output_dir_problem
from experiments.studies import cnn_selection


def test_output_dir_is_created_or_refused(tmp_path):
    assert output_dir_problem(tmp_path / "a" / "b") is None and (tmp_path / "a" / "b").is_dir()
    (tmp_path / "file").write_text("")
    assert output_dir_problem(tmp_path / "file" / "x") == \
        f"--out {tmp_path / 'file' / 'x'}: cannot create that directory (Not a directory)"


@pytest.mark.parametrize("main, argv, prog", [
    (experiments_main, ["neuron"], "python -m experiments"),
    (bench_main, ["training", "--quick"], "python -m experiments.bench"),
    (cnn_selection.main, ["--quick"], "python -m experiments.studies.cnn_selection"),
])
def test_each_command_refuses_an_out_that_cannot_be_a_directory(main, argv, prog, tmp_path, capsys):
    (tmp_path / "file").write_text("")
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--out", str(tmp_path / "file" / "x")])
    assert stop.value.code == 2
    assert capsys.readouterr().err.strip() == \
        f"{prog}: error: --out {tmp_path / 'file' / 'x'}: cannot create that directory (Not a directory)"


def test_the_study_refuses_unknown_candidates_and_missing_data_before_training(tmp_path, monkeypatch):
    last = len(cnn_selection.CANDIDATES) - 1
    assert cnn_selection.refusal([0, last + 1, -1], tmp_path) == \
        f"--only {last + 1} -1: the candidates are numbered 0 to {last}"
    monkeypatch.setenv("NNFUNC_DATA", str(tmp_path / "nowhere"))
    assert cnn_selection.refusal(None, tmp_path).startswith(f"NNFUNC_DATA={tmp_path / 'nowhere'}: no such directory")
    monkeypatch.delenv("NNFUNC_DATA")
    monkeypatch.setattr("nnfunc.idx.DEFAULT_DIR", tmp_path)
    assert cnn_selection.refusal(None, tmp_path / "out").startswith(f"no MNIST-format files in {tmp_path} (missing ")
