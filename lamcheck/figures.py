"""Rendering `FigureSpec` data as PNG files (matplotlib, Agg backend: no display needed).

What a spec asks for is drawn as asked: ``logx``/``logy`` log axes (a parameter spanning decades),
``markers`` as labelled reference lines (thresholds, predicted switch points; vertical for
``axis="x"``, horizontal for ``"y"``), ``categories`` as named x ticks at 0, 1, ... (never bare
numbers). The legend sits below the axes, so it never hides data.
"""

from __future__ import annotations

from pathlib import Path

from theory.checks import FigureSpec

MARKER_COLOURS = ("0.25", "tab:red", "tab:purple", "tab:brown", "tab:olive")


def render(fig: FigureSpec, directory: Path, stem: str | None = None) -> Path:
    """Draw ``fig`` into ``directory/<stem or fig.name>.png``; returns the path."""
    import matplotlib.pyplot as plt

    f, _ = draw(fig)
    path = Path(directory) / f"{stem or fig.name}.png"
    f.savefig(path, metadata={"Software": None})
    plt.close(f)
    return path


def draw(fig: FigureSpec):
    """The matplotlib (figure, axes) for ``fig``; the caller closes the figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    entries = len(fig.series) + len(fig.markers)
    n_rows = (entries + 1) // 2  # legend rows below the axes
    f, ax = plt.subplots(figsize=(6.4, 4.2 + 0.22 * n_rows), dpi=110, layout="constrained")
    for s in fig.series:
        x = np.asarray(s.x, dtype=float)
        y = np.asarray(s.y, dtype=float)
        if s.yerr is not None and "o" in s.style:
            ax.errorbar(x, y, yerr=np.asarray(s.yerr, dtype=float), fmt=s.style, label=s.label, capsize=2, markersize=4)
        else:
            line, = ax.plot(x, y, s.style, label=s.label, markersize=4)
            if s.lo is not None and s.hi is not None:
                ax.fill_between(x, np.asarray(s.lo, float), np.asarray(s.hi, float), alpha=0.2, color=line.get_color())
            elif s.yerr is not None:
                err = np.asarray(s.yerr, dtype=float)
                ax.fill_between(x, y - err, y + err, alpha=0.2, color=line.get_color())
    for i, m in enumerate(fig.markers):
        colour = MARKER_COLOURS[i % len(MARKER_COLOURS)]
        line_style = m.style if m.style in ("-", "--", "-.", ":") else "--"
        if m.axis == "y":
            ax.axhline(m.value, linestyle=line_style, color=colour, linewidth=1.1, label=f"{m.label} ({m.value:.3g})")
        else:
            ax.axvline(m.value, linestyle=line_style, color=colour, linewidth=1.1, label=f"{m.label} ({m.value:.3g})")
    if fig.logx:
        ax.set_xscale("log")
    if fig.logy:
        ax.set_yscale("log")
    if fig.categories:
        ax.set_xticks(range(len(fig.categories)))
        long = max(len(c) for c in fig.categories) > 8 or len(fig.categories) > 6
        ax.set_xticklabels(fig.categories, rotation=30 if long else 0, ha="right" if long else "center", fontsize=8)
    ax.set_title(fig.title, fontsize=10)
    ax.set_xlabel(fig.xlabel, fontsize=10 if len(fig.xlabel) < 70 else 7)  # long labels fit the width
    ax.set_ylabel(fig.ylabel)
    ax.grid(alpha=0.3, which="both" if (fig.logx or fig.logy) else "major")
    if entries:  # outside the axes (constrained layout makes room below them): it never hides data
        f.legend(*ax.get_legend_handles_labels(), fontsize=7, ncol=2, loc="outside lower center", frameon=False)
    return f, ax
