"""The README's training section runs as written and prints what it claims."""
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README-training.md"


def test_the_complete_training_script_runs(capsys):
    script = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)[0]
    exec(compile(script, str(README), "exec"), {"__name__": "readme"})
    out = capsys.readouterr().out
    assert "epoch 1000 loss" in out and "Emily" in out and "Evaluation(loss=" in out
