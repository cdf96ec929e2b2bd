"""PNG charts for `tnet metagraph --plot` and `tnet subnet emissions --plot` (matplotlib, headless).

Floats are fine here: charts are pictures of chain values, never written back.
"""
from __future__ import annotations

U16_MAX = 65535
RAO = 10**9


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_metagraph(rows: list[dict], netuid: int, path: str) -> None:
    """Three panels over uids: stake (α), incentive and dividends (fractions)."""
    plt = _pyplot()
    uids = [r["uid"] for r in rows]
    fig, axes = plt.subplots(3, 1, figsize=(max(6, len(uids) * 0.4), 8), sharex=True)
    panels = [("stake (α)", [r["stake"] / RAO for r in rows], "tab:blue"),
              ("incentive", [r["incentive_u16"] / U16_MAX for r in rows], "tab:green"),
              ("dividends", [r["dividends_u16"] / U16_MAX for r in rows], "tab:orange")]
    for ax, (label, values, color) in zip(axes, panels):
        ax.bar(uids, values, color=color)
        ax.set_ylabel(label)
        ax.grid(axis="y", alpha=0.3)
    axes[-1].set_xlabel("uid")
    axes[-1].set_xticks(uids)
    fig.suptitle(f"Subnet {netuid} metagraph")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_emissions(points: list[dict], netuid: int, path: str) -> None:
    """Emission (α) per epoch against the epoch's block."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot([p["block"] for p in points], [p["emission_rao"] / RAO for p in points], marker="o")
    ax.set_xlabel("block")
    ax.set_ylabel("emission per epoch (α)")
    ax.set_title(f"Subnet {netuid} emission per epoch")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
