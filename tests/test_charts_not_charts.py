"""Tests of dvdl_helpers.charts.not_charts: pictures of none of the seven types, and training with them."""

from __future__ import annotations

import numpy as np
import pytest

from dvdl_helpers import charts
from dvdl_helpers.charts import not_charts, training


@pytest.mark.parametrize("kind", list(not_charts.DRAWINGS))
def test_every_kind_draws_a_picture(kind):
    picture = not_charts.draw_not_chart(kind, np.random.default_rng(3), size_px=64)
    assert picture.mode == "RGB" and min(picture.size) >= 32
    assert np.asarray(picture.convert("L")).std() > 5, "a picture with something on it"
    with pytest.raises(ValueError, match="unknown kind"):  # a box plot is never one of them: it is the test
        not_charts.draw_not_chart("box", np.random.default_rng(3))


def test_drawn_sets_are_prepared_seeded_and_kept(tmp_path):
    first = not_charts.load_not_charts(9, size=24, seed=1, root=tmp_path)
    assert first.shape == (9, 24, 24) and first.dtype == np.uint8
    assert len(list(tmp_path.glob("not_charts_v*_24_9_s1.npy"))) == 1
    assert np.array_equal(not_charts.draw_not_charts(9, size=24, seed=1), first)
    assert not np.array_equal(not_charts.draw_not_charts(9, size=24, seed=2), first)


def test_training_with_pictures_of_no_type_gives_them_even_targets():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (14, 16, 16), dtype=np.uint8)
    labels = np.arange(14) % 7
    masks = charts.split_by_index(labels, (1, 1, 0))
    recipe = dict(charts.RECIPE, size=16, network=dict(filters=(4,)), not_charts=4)
    others = rng.integers(0, 255, (4, 16, 16), dtype=np.uint8)
    model = charts.fit_classifier(images, labels, masks, 1, recipe=recipe, progress=False, not_charts=others)
    assert model.loss.name == "categorical_crossentropy" and model.output_shape == (None, 7)
    x, y = training._with_not_charts(np.zeros((2, 16, 16, 1)), np.eye(7)[:2], others)
    assert x.shape == (6, 16, 16, 1) and np.allclose(y[2:], 1 / 7) and np.array_equal(y[:2], np.eye(7)[:2])
