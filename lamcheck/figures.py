"""Rendering `FigureSpec` data as PNG files (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path

from theory.checks import FigureSpec


def render(fig: FigureSpec, directory: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    n_rows = (len(fig.series) + 1) // 2  # legend rows below the axes (it never hides data there)
    f, ax = plt.subplots(figsize=(6.4, 4.2 + 0.22 * n_rows), dpi=110)
    for s in fig.series:
        y = np.asarray(s.y, dtype=float)
        if s.yerr is not None and "o" in s.style:
            ax.errorbar(s.x, y, yerr=s.yerr, fmt=s.style, label=s.label, capsize=2, markersize=4)
        else:
            line, = ax.plot(s.x, y, s.style, label=s.label)
            if s.lo is not None and s.hi is not None:
                ax.fill_between(s.x, np.asarray(s.lo, float), np.asarray(s.hi, float), alpha=0.2, color=line.get_color())
            elif s.yerr is not None:
                err = np.asarray(s.yerr, dtype=float)
                ax.fill_between(s.x, y - err, y + err, alpha=0.2, color=line.get_color())
    if fig.logy:
        ax.set_yscale("log")
    ax.set_title(fig.title, fontsize=10)
    ax.set_xlabel(fig.xlabel, fontsize=10 if len(fig.xlabel) < 70 else 7)  # long category legends fit the width
    ax.set_ylabel(fig.ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False)
    f.tight_layout()
    path = directory / f"{fig.name}.png"
    f.savefig(path)
    plt.close(f)
    return path
