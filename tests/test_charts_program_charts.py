"""The charts four programs drew, stored for training (datasets/program-charts), and how training adds them"""

import numpy as np
import pytest

from dvdl_helpers import charts


def test_the_stored_program_charts_are_400_prepared_pictures_per_type():
    images, labels = charts.load_program_charts(64)
    assert images.shape == (2800, 64, 64) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [400] * len(charts.CHART_TYPES)
    assert 0 < images.mean() < 255, "pictures, not blanks"
    with pytest.raises(ValueError, match="stored at 64 px"):
        charts.load_program_charts(96)


def test_extra_charts_train_and_are_never_validated_or_tested():
    labels = np.repeat(np.arange(7), 10)
    masks = charts.split_by_index(labels, (8, 1, 1))
    images = np.zeros((70, 4, 4), np.uint8)
    extra, extra_labels = np.full((14, 4, 4), 9, np.uint8), np.repeat(np.arange(7), 2)
    both, both_labels, both_masks = charts.with_training_extra(images, labels, masks, extra, extra_labels)
    assert both.shape == (84, 4, 4) and both_labels[70:].tolist() == extra_labels.tolist()
    assert both_masks["train"].sum() == 56 + 14 and both_masks["train"][70:].all()
    assert not both_masks["val"][70:].any() and not both_masks["test"][70:].any()
    assert both_masks["val"].sum() == 7 and both_masks["test"].sum() == 7


def test_a_number_keeps_the_first_charts_of_each_program_and_type():
    images, labels = charts.load_program_charts(64)
    fewer, fewer_labels = charts.load_program_charts(64, per_program_and_type=25)
    assert np.bincount(fewer_labels).tolist() == [100] * len(charts.CHART_TYPES)  # 4 programs × 25
    stored = np.load(charts.training.PROGRAM_CHARTS)
    first = [i for i in range(len(labels)) if (stored["programs"][i], labels[i]) == ("R", 0)][:25]
    kept_r_areas = fewer[: len(first)]  # R is stored first, its areas first of all
    assert (kept_r_areas == images[first]).all(), "the first ones, in stored order"


def test_a_recipe_names_all_some_or_none_of_the_program_charts():
    recipe = dict(charts.RECIPE, size=64)
    assert len(charts.program_charts_for(recipe | {"program_charts": True})[1]) == 2800
    assert len(charts.program_charts_for(recipe | {"program_charts": 50})[1]) == 1400
    assert charts.program_charts_for(recipe | {"program_charts": False}) is None
