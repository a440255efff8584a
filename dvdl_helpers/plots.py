"""Figures the notebooks share: digit grids, label counts, and more added by later notebooks.

Every function draws with pyplot and returns the :class:`~matplotlib.figure.Figure`, titled and with
labelled axes. In a notebook, assign the result (``fig = plots.digit_grid(...)``) so it shows once.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def digit_grid(
    images: np.ndarray,
    labels: Sequence[int] | None = None,
    predictions: Sequence[int] | None = None,
    *,
    ncols: int = 10,
    title: str = "MNIST digits",
    cell_size: float = 1.0,
) -> Figure:
    """Show images (N×28×28 or N×784) in a grid, with their label (and prediction) above each.

    A wrong prediction is written in red as ``true→predicted``.
    """
    images = np.asarray(images)
    side = round(np.sqrt(images[0].size))
    images = images.reshape(len(images), side, side)
    nrows = max(1, int(np.ceil(len(images) / ncols)))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(ncols * cell_size, nrows * cell_size * 1.15), squeeze=False
    )
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= len(images):
            continue
        ax.imshow(images[index], cmap="gray_r")
        if labels is not None and predictions is not None:
            true, pred = int(labels[index]), int(predictions[index])
            ax.set_title(
                f"{true}→{pred}" if true != pred else str(true),
                color="crimson" if true != pred else "black",
                fontsize=9,
            )
        elif labels is not None:
            ax.set_title(str(int(labels[index])), fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def label_counts(
    splits: dict[str, np.ndarray], *, num_classes: int = 10, title: str = "Digits per split"
) -> Figure:
    """Bar chart of how many examples of each class every split holds (``{"train": labels, ...}``)."""
    fig, ax = plt.subplots(figsize=(8, 3))
    width = 0.8 / max(1, len(splits))
    classes = np.arange(num_classes)
    for offset, (name, labels) in enumerate(splits.items()):
        counts = np.bincount(np.asarray(labels), minlength=num_classes)
        ax.bar(classes + offset * width - 0.4 + width / 2, counts, width, label=name)
    ax.set_xticks(classes)
    ax.set_xlabel("digit")
    ax.set_ylabel("number of images")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig
