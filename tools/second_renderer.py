"""An experiment: charts drawn by a second renderer (pygal, rasterised by resvg), to test and to train with.

Every training chart of the course is drawn by matplotlib, in the looks of common tools. Charts that a
program the model never saw drew are a test of how far that carries, and adding them to training asks
whether a second renderer helps on real charts. pygal and resvg-py are not dependencies of the course:
install them in any environment to draw (``pip install pygal~=3.1 resvg-py~=0.5``); drawing needs no
TensorFlow, training needs the course's environment and no pygal.

    python tools/second_renderer.py render OUT_DIR --per-type 200 --seed 1    # OUT_DIR/<type>/*.png
    python tools/second_renderer.py test OUT_DIR [--model MODEL.keras] [--source "how they were drawn"]
    python tools/second_renderer.py train OUT_DIR [OUT_DIR ...] --seeds 0 1 [--name v11-pygal] [--epochs 30]
        # experiments/<name>_s<seed>.keras

``train``: the shipped recipe (the full setting's generated charts, and the stored program charts where
the recipe has them) plus every OUT_DIR's charts (any of the renderer tools drew them), for as many steps
as the shipped recipe's 30 epochs unless ``--epochs`` says otherwise; then
``tools/choose_chart_recipe.py NAME --evaluate ...`` scores the models on the choose halves, as every
other recipe. ``test`` appends its scores to ``benchmarks/results/second_renderer.jsonl``, ``train`` its
runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

TYPES = ("area", "bar", "hbar", "histogram", "line", "pie", "scatter")  # sorted, as the classifier's columns
WORDS = (
    "Sales",
    "Revenue",
    "Population",
    "Temperature",
    "Score",
    "Visitors",
    "Budget",
    "Growth",
    "Count",
    "Share",
)
FONT = "DejaVu Sans"
FONT_DIRS = ["/usr/share/fonts/truetype/dejavu"]  # without fonts resvg draws no text at all
STYLES = (  # pygal's built-in styles, light and dark
    "DefaultStyle",
    "DarkStyle",
    "NeonStyle",
    "DarkSolarizedStyle",
    "LightSolarizedStyle",
    "LightStyle",
    "CleanStyle",
    "RedBlueStyle",
    "DarkColorizedStyle",
    "LightColorizedStyle",
    "TurquoiseStyle",
    "LightGreenStyle",
    "DarkGreenStyle",
    "DarkGreenBlueStyle",
    "BlueStyle",
)


def _look(rng: np.random.Generator) -> dict:
    """pygal options every chart type takes: a built-in style, its size, words, guides and legend."""
    from pygal import style

    styles = [getattr(style, name) for name in STYLES]
    chosen = styles[int(rng.integers(len(styles)))]
    look = chosen(
        font_family=FONT,
        label_font_size=int(rng.integers(9, 16)),
        major_label_font_size=int(rng.integers(9, 16)),
        title_font_size=int(rng.integers(12, 22)),
        legend_font_size=int(rng.integers(9, 16)),
    )
    bare = rng.random() < 0.12  # marks only, as in sparklines and dashboards' tiles
    return dict(
        style=look,
        width=int(rng.integers(320, 900)),
        height=int(rng.integers(240, 640)),
        show_legend=bool(rng.random() < 0.55) and not bare,
        legend_at_bottom=bool(rng.random() < 0.4),
        title=(
            f"{WORDS[int(rng.integers(10))]} by {WORDS[int(rng.integers(10))].lower()}"
            if rng.random() < 0.5 and not bare
            else None
        ),
        show_y_guides=bool(rng.random() < 0.75) and not bare,
        show_x_guides=bool(rng.random() < 0.25),
        show_x_labels=not bare,
        show_y_labels=not bare,
        x_label_rotation=int(rng.choice([0, 0, 30, 45, 90])),
        margin=int(rng.integers(5, 30)),
    )


def _series(rng: np.random.Generator, k: int, m: int, positive: bool = True) -> list[list[float]]:
    """``k`` random walks of ``m`` values (absolute values where a chart needs them positive)."""
    start = rng.uniform(5, 60, size=(k, 1))
    walks = np.cumsum(rng.normal(0, rng.uniform(1, 8), size=(k, m)), axis=1) + start
    return [[round(float(v), 1) for v in (np.abs(w) if positive else w)] for w in walks]


def chart(kind: str, rng: np.random.Generator):
    """One pygal chart of ``kind`` with random data and look."""
    import pygal

    look, k = _look(rng), int(rng.integers(1, 4))
    if kind in ("bar", "hbar"):
        m, stacked = int(rng.integers(3, 13)), rng.random() < 0.3
        kinds = {
            ("bar", False): pygal.Bar,
            ("bar", True): pygal.StackedBar,
            ("hbar", False): pygal.HorizontalBar,
            ("hbar", True): pygal.HorizontalStackedBar,
        }
        drawn = kinds[kind, stacked](print_values=bool(rng.random() < 0.25), **look)
        for word, values in zip(WORDS, _series(rng, k, m), strict=False):
            drawn.add(word, values)
        drawn.x_labels = [str(2010 + j) if rng.random() < 0.5 else f"Item {j}" for j in range(m)]
    elif kind in ("line", "area"):
        m = int(rng.integers(6, 40))
        dots = dict(
            show_dots=bool(rng.random() < (0.5 if kind == "line" else 0.25)),
            interpolate="cubic" if rng.random() < 0.2 else None,
            dots_size=float(rng.uniform(1.5, 5)),
        )
        if kind == "area":
            drawn = (pygal.StackedLine if rng.random() < 0.5 else pygal.Line)(fill=True, **dots, **look)
        else:
            drawn = pygal.Line(stroke_style={"width": float(rng.uniform(1, 4))}, **dots, **look)
        for word, values in zip(WORDS, _series(rng, k, m, positive=kind == "area"), strict=False):
            drawn.add(word, values)
        drawn.x_labels = [str(1990 + j) for j in range(m)]
        drawn.x_labels_major_every, drawn.show_minor_x_labels = max(1, m // 8), False
    elif kind == "scatter":
        drawn = pygal.XY(stroke=False, dots_size=float(rng.uniform(1.5, 5)), **look)
        for group in range(k):
            n = int(rng.integers(15, 150))
            x = rng.normal(0, 1, n)
            y = x * rng.normal(1, 0.6) + rng.normal(0, rng.uniform(0.2, 1.2), n)
            drawn.add(
                f"Group {group + 1}",
                [(round(float(a), 2), round(float(b), 2)) for a, b in zip(x, y, strict=True)],
            )
        if rng.random() < 0.2:  # a fitted trend line over the points: still a scatter
            drawn.add("trend", [(-2.0, -2.0), (2.0, 2.0)], stroke=True, show_dots=False)
    elif kind == "pie":
        ring = dict(inner_radius=float(rng.uniform(0.3, 0.75))) if rng.random() < 0.35 else {}
        half = dict(half_pie=True) if rng.random() < 0.12 else {}
        drawn = pygal.Pie(print_values=bool(rng.random() < 0.3), **ring, **half, **look)
        for part, share in enumerate(rng.dirichlet(np.ones(int(rng.integers(2, 9))))):
            drawn.add(f"Part {part + 1}", round(float(share) * 100, 1))
    elif kind == "histogram":
        drawn = pygal.Histogram(**look)
        skewed = rng.random() < 0.5
        data = (
            rng.gamma(rng.uniform(1.5, 8), 1, int(rng.integers(200, 2000)))
            if skewed
            else rng.normal(0, 1, 800)
        )
        counts, edges = np.histogram(data, bins=int(rng.integers(6, 30)))
        drawn.add(
            "count",
            [
                (int(c), round(float(a), 2), round(float(b), 2))
                for c, a, b in zip(counts, edges[:-1], edges[1:], strict=True)
            ],
        )
    else:
        raise ValueError(f"unknown chart type {kind!r}")
    return drawn


def render(out: Path, per_type: int, seed: int) -> None:
    """Draw ``per_type`` charts of each type into ``out/<type>/`` as PNG files."""
    import resvg_py

    for t, kind in enumerate(TYPES):
        folder = out / kind
        folder.mkdir(parents=True, exist_ok=True)
        for j in range(per_type):
            svg = chart(kind, np.random.default_rng([seed, t, j])).render()
            svg = svg.decode() if isinstance(svg, bytes) else svg
            png = resvg_py.svg_to_bytes(
                svg_string=svg,
                font_dirs=FONT_DIRS,
                font_family=FONT,
                sans_serif_family=FONT,
                monospace_family="DejaVu Sans Mono",
            )
            (folder / f"{kind}_{j:04d}.png").write_bytes(bytes(png))
    print(f"drew {per_type * len(TYPES)} charts into {out}")


def test(folder: Path, model: Path | None, source: str | None = None) -> dict:
    """A classifier's balanced accuracy on a folder of labelled charts, per type too; appended to the records.

    ``source`` says how the charts were drawn (the command, which reproduces them); the folder is recorded
    where it is not given.
    """
    from dvdl_helpers import charts, device, paths

    files = sorted(folder.glob("*/*.png"))
    truth = np.array([file.parent.name for file in files])
    missing = [kind for kind in TYPES if kind not in truth]
    if missing:  # a half-drawn folder would be recorded as a score of the types that are there
        sys.exit(f"{folder} has no charts of {', '.join(missing)}: draw them all before testing")
    said = np.array([answer.type for answer in charts.iter_classify(files, model)])
    score = charts.balanced_accuracy(truth, said)
    record = dict(
        model=paths.display_path(model) if model else "shipped",
        **({} if model else {"shipped_recipe": charts.trials.shipped_recipe()}),  # by the shipped card
        charts=source or str(folder),
        n=len(files),
        balanced_accuracy=round(score, 3),
        per_type={kind: round(float(np.mean(said[truth == kind] == kind)), 3) for kind in TYPES},
        mistakes=dict(Counter(f"{t}→{s}" for t, s in zip(truth, said, strict=True) if t != s).most_common()),
        dark_panel_crop=True,  # classify crops a dark chart on a light page to its panel (older records: no)
        # and a chart pasted over sheet cells to the chart: the version (records without it: no; True: 1 or 2)
        sheet_crop=charts.panel.SHEET_CHART_VERSION,
        cpu=device.cpu_name(),
    )
    charts.trials.append("second_renderer", record)
    print(f"{record['model']}: balanced accuracy {score:.3f} on {len(files)} charts")
    print("  " + ", ".join(f"{kind} {share:.2f}" for kind, share in record["per_type"].items()))
    return record


def train(folders: list[Path], seeds: list[int], name: str = "v11-pygal", epochs: int | None = None) -> None:
    """The shipped recipe (its generated charts, and its program charts where it has them) plus ``folders``'
    charts; models in experiments/.

    ``epochs``: as many steps as the shipped recipe's unless given.
    """
    from dvdl_helpers import charts, env, paths

    env.quiet_tensorflow()
    experiments = paths.artifacts_dir() / "experiments"
    split = charts.SETTINGS["full"]["split"]
    charts_dir = charts.chart_data_dir(sum(split), root=experiments / f"charts-v{charts.VARIED_VERSION}")
    charts.generate_dataset(charts_dir, sum(split), seed=0, style="varied", progress=False)  # kept when drawn
    images, labels, names = charts.load_prepared_charts(charts_dir, charts.RECIPE["size"])
    drawn = [charts.load_prepared_charts(folder, charts.RECIPE["size"]) for folder in folders]
    assert all(names == extra_names == list(TYPES) for _, _, extra_names in drawn), (names, folders)
    extra = np.concatenate([pictures for pictures, _, _ in drawn])
    extra_labels = np.concatenate([kinds for _, kinds, _ in drawn])
    masks = charts.split_by_index(labels, split)
    generated = int(masks["train"].sum())
    if programs := charts.program_charts_for(charts.RECIPE):  # the shipped recipe's own charts from programs
        images, labels, masks = charts.with_training_extra(images, labels, masks, *programs)
    shipped_charts = int(masks["train"].sum())  # what the shipped recipe trains on, 30 epochs
    epochs = epochs or steps_matched_epochs(shipped_charts, len(extra))
    images, labels, masks = charts.with_training_extra(images, labels, masks, extra, extra_labels)
    for seed in seeds:
        start = time.perf_counter()
        model = charts.fit_classifier(
            images,
            labels,
            masks,
            epochs,
            recipe=charts.RECIPE,
            seed=seed,
            progress=False,
        )
        train_s = time.perf_counter() - start
        path = experiments / f"{name}_s{seed}.keras"
        charts.save_classifier(
            model,
            path,
            generator_version=charts.VARIED_VERSION,
            train_charts=int(masks["train"].sum()),
            extra_charts=", ".join(str(folder) for folder in folders),
            epochs=epochs,
            seed=seed,
            train_s=round(train_s, 1),
            recipe=charts.RECIPE,
        )
        accuracy = charts.accuracy_interval(model, images[masks["val"]], labels[masks["val"]])
        print(f"start {seed}: {train_s / 60:.1f} min of training; generated validation {accuracy}; {path}")
        charts.trials.append(
            "second_renderer",
            dict(
                trained=paths.display_path(path),
                recipe=name,
                extra_folders=[paths.display_path(folder) for folder in folders],
                generated_charts=generated,
                **({"program_charts": shipped_charts - generated} if shipped_charts > generated else {}),
                extra_charts=len(extra),
                epochs=epochs,
                seed=seed,
                train_s=round(train_s, 1),
                validation=round(accuracy.value, 3),
            ),
        )


def steps_matched_epochs(base: int, extra: int, epochs: int = 30) -> int:
    """Epochs on ``base + extra`` charts that take as many steps as ``epochs`` on ``base`` alone."""
    return round(epochs * base / (base + extra))


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module's docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = ap.add_subparsers(dest="command", required=True)
    drawing = commands.add_parser("render")
    drawing.add_argument("out", type=Path)
    drawing.add_argument("--per-type", type=int, default=200)
    drawing.add_argument("--seed", type=int, default=1)
    testing = commands.add_parser("test")
    testing.add_argument("folder", type=Path)
    testing.add_argument("--model", type=Path, default=None)
    testing.add_argument("--source", help="how the charts were drawn, recorded instead of the folder")
    training = commands.add_parser("train")
    training.add_argument("folders", type=Path, nargs="+")
    training.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    training.add_argument("--name", default="v11-pygal", help="the recipe's name in the records")
    training.add_argument("--epochs", type=int, default=None, help="default: the shipped recipe's steps")
    args = ap.parse_args(argv)
    if args.command == "render":
        render(args.out, args.per_type, args.seed)
    elif args.command == "test":
        test(args.folder, args.model, args.source)
    else:
        train(args.folders, args.seeds, args.name, args.epochs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
