"""Tests of dvdl_helpers.plots.latent, notebook 06's figures: reconstructions, thumbnail maps, probes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display in tests

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.offsetbox import AnnotationBbox
from matplotlib.patches import Rectangle

from dvdl_helpers import plots

RNG = np.random.default_rng(0)
IMAGES = RNG.random((30, 16, 16)).astype("float32")
POINTS = RNG.normal(size=(30, 2))
LABELS = np.repeat([0, 1, 2], 10)
NAMES = ["bar", "line", "pie"]


pytestmark = pytest.mark.usefixtures("close_figures")


def _boxes(ax) -> list[AnnotationBbox]:
    return [artist for artist in ax.artists if isinstance(artist, AnnotationBbox)]


def test_reconstruction_rows_uses_one_fixed_scale_and_names_rows():
    rows = {"input": IMAGES[:5], "faint": IMAGES[:5, :, :, None] * 0.1, "flat": IMAGES[:3].reshape(3, -1)}
    fig = plots.reconstruction_rows(rows, column_titles=list("abcde"), title="recon")
    assert isinstance(fig, Figure) and fig._suptitle.get_text() == "recon"
    axes = np.array(fig.axes).reshape(3, 5)
    assert [ax.get_ylabel() for ax in axes[:, 0]] == ["input", "faint", "flat"]
    assert [ax.get_title() for ax in axes[0]] == list("abcde")
    faint = axes[1, 0].images[0]
    assert faint.get_clim() == (0.0, 1.0), "a faint row is not stretched to full contrast"
    assert not axes[2, 4].axison and not axes[2, 4].images, "missing images leave empty cells"


def test_thumbnail_map_draws_spread_out_thumbnails_and_a_legend():
    fig = plots.thumbnail_map(POINTS, IMAGES, LABELS, NAMES, n_thumbnails=8, title="map")
    ax = fig.axes[0]
    boxes = _boxes(ax)
    assert 1 <= len(boxes) <= 8
    assert ax.get_title() == "map" and ax.get_xlabel() and ax.get_ylabel()
    assert [text.get_text() for text in ax.get_legend().get_texts()] == NAMES
    # chosen points do not sit on top of each other
    chosen = np.array([box.xy for box in boxes])
    gaps = np.abs(chosen[:, None] - chosen[None]).max(axis=-1) + np.eye(len(chosen)) * 1e9
    assert gaps.min() > 0


def test_thumbnail_map_without_labels():
    fig = plots.thumbnail_map(POINTS, IMAGES, n_thumbnails=3)
    assert fig.axes[0].get_legend() is None and len(_boxes(fig.axes[0])) == 3


def test_spread_out_returns_distinct_indices():
    chosen = plots.latent._spread_out(POINTS, 10)
    assert len(set(chosen.tolist())) == len(chosen) <= 10


def test_latent_paths_one_panel_per_map_and_a_zoomed_row():
    path = np.cumsum(np.full((6, 2), 0.1), axis=0)
    fig = plots.latent_paths(
        {"autoencoder": POINTS, "PCA": POINTS * 2},
        {"autoencoder": {"height": path, "count": path[:4]}, "PCA": {"height": path * 2, "count": path[:4]}},
        LABELS,
        NAMES,
        path_images={"height": IMAGES[:6], "count": IMAGES[:4]},
        axis_labels={"PCA": ("component 1", "component 2")},
        focus=True,
        title="paths",
    )
    assert fig._suptitle.get_text() == "paths"
    axes = np.array(fig.axes).reshape(2, 2)
    assert [ax.get_title() for ax in axes[0]] == ["autoencoder", "PCA"]
    assert axes[1, 1].get_xlabel() == "component 1" and axes[0, 0].get_xlabel() == "dimension 1"
    assert len(_boxes(axes[1, 0])) == 4 and not _boxes(axes[0, 0]), "thumbnails in the zoomed row"
    assert any(isinstance(patch, Rectangle) for patch in axes[0, 0].patches), "zoom area marked"
    low, high = axes[1, 0].get_xlim()
    assert low <= path[:, 0].min() and high >= path[:, 0].max()
    assert np.ptp(axes[1, 0].get_xlim()) < np.ptp(axes[0, 0].get_xlim())
    legend = [text.get_text() for text in fig.legends[0].get_texts()]
    assert legend == [*NAMES, "height", "count"]


def test_latent_paths_single_row():
    fig = plots.latent_paths({"map": POINTS}, {"map": {"p": POINTS[:5]}}, path_images={"p": IMAGES[:5]})
    assert len(fig.axes) == 1 and len(_boxes(fig.axes[0])) == 2


def test_probe_curves_grid_and_correlations_in_the_legend():
    x = np.linspace(0, 1, 5)
    codes = {
        "height": {"AE": np.c_[x, -x], "PCA": np.c_[x, x]},
        "count": {"AE": np.c_[x, x], "PCA": np.c_[x, x]},
    }
    rho = {"height": {"AE": [1.0, -1.0]}}
    fig = plots.probe_curves({"height": x, "count": x}, codes, correlations=rho, title="probe")
    axes = np.array(fig.axes).reshape(2, 2)
    assert [ax.get_title() for ax in axes[0]] == ["AE", "PCA"]
    assert [ax.get_xlabel() for ax in axes[:, 0]] == ["height", "count"]
    assert all(ax.get_ylabel() for ax in axes.flat)
    texts = [t.get_text() for t in axes[0, 0].get_legend().get_texts()]
    assert texts == ["unit 1 (ρ = +1.00)", "unit 2 (ρ = -1.00)"]
    assert [t.get_text() for t in axes[1, 1].get_legend().get_texts()] == ["unit 1", "unit 2"]


def test_latent_size_sweep_one_line_per_method_on_a_log2_axis():
    sizes = [2, 4, 8, 16, 32]
    errors = {"PCA": [5, 4, 3, 2, 1], "autoencoder": [5.5, 4.5, 3.5, 3, 2.5]}
    fig = plots.latent_size_sweep(sizes, errors, baseline=6.0, title="sweep")
    ax = fig.axes[0]
    assert ax.get_title() == "sweep" and ax.get_xlabel() and ax.get_ylabel()
    assert ax.get_xscale() == "log"
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["2", "4", "8", "16", "32"]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"PCA", "autoencoder", "average chart"}
    np.testing.assert_array_equal(lines["PCA"].get_xdata(), sizes)
    np.testing.assert_array_equal(lines["autoencoder"].get_ydata(), errors["autoencoder"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["PCA", "autoencoder", "average chart"]


def test_latent_size_sweep_without_baseline_and_mismatched_lengths():
    fig = plots.latent_size_sweep([1, 2], {"PCA": [2.0, 1.0]})
    assert len(fig.axes[0].get_lines()) == 1
    with pytest.raises(ValueError, match="PCA: 1 errors for 2 sizes"):
        plots.latent_size_sweep([1, 2], {"PCA": [1.0]})


def test_latent_size_sweep_leaves_out_sizes_without_a_measurement():
    fig = plots.latent_size_sweep(
        [2, 4, 8], {"PCA": [3.0, 2.0, 1.0], "autoencoder": [3.5, float("nan"), 1.5]}
    )
    line = next(line for line in fig.axes[0].get_lines() if line.get_label() == "autoencoder")
    np.testing.assert_array_equal(line.get_xdata(), [2, 8])
    np.testing.assert_array_equal(line.get_ydata(), [3.5, 1.5])
