"""Plot of a scenario's epochs: incentive, dividends and bond totals per uid (matplotlib extra)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot_epochs(epochs: list[dict], path: Path) -> None:
    """Three panels over the epochs; one line per uid (u16 values scaled to [0, 1])."""
    n = len(epochs[0]["incentive"]) if epochs else 0
    xs = list(range(1, len(epochs) + 1))
    fig, axes = plt.subplots(3, 1, figsize=(8, 9), sharex=True)
    series = {
        "incentive": [[e["incentive"][u] / 65535 for e in epochs] for u in range(n)],
        "dividends": [[e["dividends"][u] / 65535 for e in epochs] for u in range(n)],
        "bonds held (sum of row, u16/65535)": [
            [sum(v for _, v in e["bonds"][u]) / 65535 for e in epochs] for u in range(n)],
    }
    colors = plt.get_cmap("tab20")
    for ax, (title, lines) in zip(axes, series.items()):
        shown = 0
        for uid, ys in enumerate(lines):
            if any(ys):
                ax.plot(xs, ys, marker="o", markersize=3, color=colors(uid % 20),
                        label=f"uid {uid}")
                shown += 1
        ax.set_title(title)
        ax.grid(alpha=0.3)
        if 0 < shown <= 12:
            ax.legend(fontsize="small", loc="best")
    axes[-1].set_xlabel("epoch")
    axes[-1].set_xticks(xs)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
