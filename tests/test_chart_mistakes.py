"""tools/chart_mistakes.py: a classifier's mistakes on freshly drawn charts, by pair, variant and context."""

import numpy as np
import pytest
from helpers import TOOLS, load_script

mistakes = load_script(TOOLS / "chart_mistakes.py")


class AlwaysLine:
    """A stand-in network that answers "line" for every picture."""

    input_shape = (None, 64, 64, 1)

    def predict(self, x, **options):
        logits = np.zeros((len(x), len(mistakes.charts.CHART_TYPES)), np.float32)
        logits[:, sorted(mistakes.charts.CHART_TYPES).index("line")] = 5.0
        return logits


def test_the_report_names_each_wrong_pair_variant_and_context(artifacts, close_figures):
    folder = mistakes.drawn_folder(per_type=2, seed=5, style="varied")
    assert folder.parent == artifacts / "experiments" / "mistakes" and (folder / "charts.csv").exists()
    answers = mistakes.answer(folder, mistakes.charts.open_classifier(AlwaysLine()))
    assert len(answers.truth) == 14 and set(answers.answered) == {"line"}
    assert len(answers.wrong) == 12, "every chart but the two lines is wrong"
    lines = mistakes.report(answers)
    assert lines[0] == "accuracy 0.143 on 14 charts"
    assert "bar → line (2)" in lines[1] and "line → line" not in lines[1]
    assert lines[2].startswith("wrong most often, by variant: ") and "pie " in lines[2]
    assert lines[3].startswith("wrong most often, by context: ")
    sheet = mistakes.mistake_sheet(answers, folder.with_suffix(".png"), "test")
    assert sheet.exists() and sheet.stat().st_size > 0


def test_seed_0_is_refused_it_draws_the_training_charts(capsys):
    with pytest.raises(SystemExit):
        mistakes.main(["--seed", "0"])
    assert "training" in capsys.readouterr().err
