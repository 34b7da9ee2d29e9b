"""Optimizer playground: gradient descent, momentum and Nesterov on a 2-D loss surface.

A network's loss depends on thousands of weights, but the way an optimizer moves is easiest
to see with just two, drawn as a contour plot. The surfaces here show the three classic
difficulties:

* an **ill-conditioned quadratic** ``f = 1/2 (x^2 / kappa + y^2)``: one direction is
  ``kappa`` times flatter than the other, so a learning rate small enough for the steep
  direction crawls along the flat one (momentum fixes that);
* a **narrow curved valley** (a gentle Rosenbrock function): the way down bends, so the
  gradient mostly points across the valley instead of along it;
* a **saddle** ``f = 1/2 x^2 + 1/4 y^4 - 1/2 y^2``: flat at the origin, with two minima at
  ``(0, +-1)``; starting almost on the ridge, plain gradient descent lingers near the saddle.

The optimizers are the very classes that train the MNIST networks (``mlp_core.optimizers``):
the "parameters" are one array holding the point ``(x, y)``. The pure functions
(:func:`make_surface`, :func:`run_optimizer`, :func:`exit_step`, :func:`plot_runs`) work
without widgets; :class:`OptimizerPlayground` puts sliders around them.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..checks import check_choice
from ..divergence import DivergenceRule
from ..optimizers import OPTIMIZERS, SGD, NesterovLookAhead
from ..plots import COLORS, plain_log_labels
from ._common import WidgetView, displayable, require_widgets, show_figure


@dataclass(frozen=True)
class Surface:
    """A 2-D function to minimise, with what the playground needs to draw it.

    ``f(P)`` takes points P of shape (..., 2) and returns the values, shape (...);
    ``grad(P)`` returns the gradients, shape (..., 2). ``xlim``/``ylim`` is the plotted
    window; ``start``, ``lr`` and ``steps`` are settings that show the surface well;
    ``f_min`` is the lowest value, ``minima`` lists where it is reached and ``saddles``
    the saddle points (flat, but not minima).
    """

    name: str
    formula: str
    f: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    start: tuple[float, float]
    lr: float
    steps: int
    f_min: float
    minima: tuple[tuple[float, float], ...]
    saddles: tuple[tuple[float, float], ...] = ()


def quadratic(kappa: float = 10.0) -> Surface:
    """Ill-conditioned quadratic ``f = 1/2 (x^2 / kappa + y^2)``, condition number ``kappa``.

    The curvature is 1 along y and ``1/kappa`` along x, so gradient descent is stable for
    ``lr < 2`` and needs about ``kappa / lr`` steps to cross the flat direction.
    """
    if not (isinstance(kappa, (int, float, np.floating)) and 1 <= kappa < math.inf):
        raise ValueError(f"kappa={kappa!r} must be a number >= 1 (1 = round bowl)")
    kappa = float(kappa)
    return Surface(
        name="quadratic",
        formula=f"f = ½(x²/{kappa:.4g} + y²)",  # 1000, not 1e+03
        f=lambda P: 0.5 * (P[..., 0] ** 2 / kappa + P[..., 1] ** 2),
        grad=lambda P: np.stack([P[..., 0] / kappa, P[..., 1]], axis=-1),
        xlim=(-5.0, 5.0),
        ylim=(-3.0, 3.0),
        start=(-4.5, 2.5),
        lr=0.5,
        steps=60,
        f_min=0.0,
        minima=((0.0, 0.0),),
    )


# valley: s * ((1 - x)^2 + a * (y - x^2)^2), a Rosenbrock function made gentler (a = 100, s = 1
# in the original) so that learning rates around 0.1 work, as on the other surfaces.
_A, _S = 10.0, 0.1


def _valley_f(P: np.ndarray) -> np.ndarray:
    x, y = P[..., 0], P[..., 1]
    return _S * ((1 - x) ** 2 + _A * (y - x**2) ** 2)


def _valley_grad(P: np.ndarray) -> np.ndarray:
    x, y = P[..., 0], P[..., 1]
    dx = _S * (-2 * (1 - x) - 4 * _A * x * (y - x**2))
    dy = _S * (2 * _A * (y - x**2))
    return np.stack([dx, dy], axis=-1)


def valley() -> Surface:
    """Narrow curved valley ``f = 0.1 ((1 - x)^2 + 10 (y - x^2)^2)``, minimum at (1, 1)."""
    return Surface(
        name="valley",
        formula="f = 0.1((1 − x)² + 10(y − x²)²)",
        f=_valley_f,
        grad=_valley_grad,
        xlim=(-2.0, 2.0),
        ylim=(-1.0, 3.0),
        start=(-1.5, 2.5),
        lr=0.05,
        steps=150,
        f_min=0.0,
        minima=((1.0, 1.0),),
    )


def saddle() -> Surface:
    """Saddle ``f = 1/2 x^2 + 1/4 y^4 - 1/2 y^2``: saddle point at (0, 0), minima at (0, +-1)."""
    return Surface(
        name="saddle",
        formula="f = ½x² + ¼y⁴ − ½y²",
        f=lambda P: 0.5 * P[..., 0] ** 2 + 0.25 * P[..., 1] ** 4 - 0.5 * P[..., 1] ** 2,
        grad=lambda P: np.stack([P[..., 0], P[..., 1] ** 3 - P[..., 1]], axis=-1),
        xlim=(-2.0, 2.0),
        ylim=(-2.0, 2.0),
        start=(-1.8, 0.01),
        lr=0.1,
        steps=60,
        f_min=-0.25,
        minima=((0.0, 1.0), (0.0, -1.0)),
        saddles=((0.0, 0.0),),
    )


SURFACES = {
    "quadratic": "ill-conditioned quadratic",
    "valley": "narrow curved valley",
    "saddle": "saddle",
}


def make_surface(name: str, kappa: float = 10.0) -> Surface:
    """The surface called ``name`` ("quadratic", "valley" or "saddle").

    ``kappa`` is the condition number of the quadratic (ignored by the others).
    """
    if name == "quadratic":
        return quadratic(kappa)
    if name == "valley":
        return valley()
    if name == "saddle":
        return saddle()
    raise ValueError(f"surface={name!r} is not known; use one of {list(SURFACES)}")


OPTIMIZER_LABELS = {
    "sgd": "gradient descent",
    "momentum": "momentum",
    "nesterov": "Nesterov",
    "nesterov-lookahead": "Nesterov, look-ahead form",
}


# The optimizers of the MNIST networks (the registry), plus the look-ahead form of Nesterov.
OPTIMIZERS_2D = {**OPTIMIZERS, "nesterov-lookahead": NesterovLookAhead}


def make_2d_optimizer(name: str, lr: float, beta: float) -> SGD:
    """A fresh optimizer by name: the keys of ``OPTIMIZER_LABELS``."""
    check_choice(name, OPTIMIZER_LABELS, "optimizer")
    optimizer = OPTIMIZERS_2D[name]
    return optimizer(lr) if name == "sgd" else optimizer(lr, beta)


# Points this far from the origin count as gone for good; stepping on would overflow.
_FAR = 1e6


def run_optimizer(
    surface: Surface, optimizer: SGD, start: tuple[float, float], steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """Let ``optimizer`` (fresh, never used) take ``steps`` steps on ``surface`` from ``start``.

    The parameters are a list holding one float64 array of shape (2,), exactly as
    ``net.params`` holds the weight arrays. Returns ``trajectory`` (steps + 1, 2), the
    points from ``start`` on, and ``losses`` (steps + 1,), ``f`` at those points. If the
    point flies off (beyond 1e6, or NaN), the rest of both arrays is NaN.

    For :class:`NesterovLookAhead` the recorded point is the look-ahead point
    ``p + beta * v``: that is the point :class:`Nesterov` keeps as its parameters, so the
    two forms draw the same path.
    """
    if not (isinstance(steps, (int, np.integer)) and steps >= 0):
        raise ValueError(f"steps={steps!r} must be a whole number >= 0")
    p = np.array(start, dtype=np.float64)
    if p.shape != (2,) or not np.isfinite(p).all():
        raise ValueError(f"start={start!r} must be two finite numbers (x, y)")
    params = [p]
    look_ahead = isinstance(optimizer, NesterovLookAhead)
    trajectory = np.full((steps + 1, 2), np.nan)
    trajectory[0] = p
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            if look_ahead:
                optimizer.step(params, lambda points: [surface.grad(points[0])])
                point = p + optimizer.beta * optimizer.v[0]
            else:
                optimizer.step(params, [surface.grad(p)])
                point = p
            if not (np.isfinite(point).all() and np.abs(point).max() < _FAR):
                break
            trajectory[k] = point
        losses = surface.f(trajectory)
    return trajectory, losses


def diverged_at(surface: Surface, losses: np.ndarray) -> int | None:
    """The step at which the course's divergence rule fires on ``f - f_min``, else None.

    The rule of ``mlp_core.divergence`` with no uniform guess (a 2-D surface has none):
    diverged once ``f - f_min`` is NaN or infinite, or more than 3 times its value at the
    start. Each step is one "sample" of full weight, so there is no averaging.
    losses: (steps + 1,) from :func:`run_optimizer`.
    """
    rule = DivergenceRule(guess_loss=0.0)
    for k, gap in enumerate(losses - surface.f_min):
        if rule.update(float(gap)):
            return k
    return None


def exit_step(surface: Surface, trajectory: np.ndarray) -> int | None:
    """The first step whose point lies outside the plotted window (or is NaN), else None.

    trajectory: (steps + 1, 2) from :func:`run_optimizer`.
    """
    x, y = trajectory[:, 0], trajectory[:, 1]
    with np.errstate(invalid="ignore"):
        inside = (
            (x >= surface.xlim[0])
            & (x <= surface.xlim[1])
            & (y >= surface.ylim[0])
            & (y <= surface.ylim[1])
        )
    outside = np.flatnonzero(~inside)
    return int(outside[0]) if len(outside) else None


FIXED_MARGINS = {"left": 0.075, "right": 0.98, "bottom": 0.15, "top": 0.9}
OPTIMIZER_COLORS = {
    "sgd": COLORS[0],
    "momentum": COLORS[1],
    "nesterov": COLORS[2],
    "nesterov-lookahead": "black",
}


def plot_runs(
    surface: Surface,
    runs: dict[str, tuple[np.ndarray, np.ndarray]],
    start: tuple[float, float] | None = None,
    figsize: tuple[float, float] = (10, 4),
    legend_below: bool = False,
) -> Figure:
    """Contour plot with the trajectories (left) and ``f - f_min`` against the step (right).

    runs: optimizer name (a key of ``OPTIMIZER_LABELS``) -> ``(trajectory, losses)`` from
    :func:`run_optimizer`; start: the start point to mark (default ``surface.start``);
    figsize: (width, height) in inches. The legend goes where it covers least in the right
    panel (never over a minimum of the contour plot), or with ``legend_below`` in one row
    under both panels, covering nothing (the widget's choice).
    A trajectory that leaves the window is drawn up to its first point outside.
    Returns a new matplotlib Figure.
    """
    # Fixed margins instead of new_figure()'s automatic layout: it would double the drawing
    # time, and this figure is redrawn after every slider move.
    fig = Figure(figsize=figsize)
    margins = FIXED_MARGINS | {"wspace": 0.3} | ({"bottom": 0.25} if legend_below else {})
    ax_c, ax_l = fig.subplots(1, 2, width_ratios=[1.25, 1], gridspec_kw=margins)
    xs = np.linspace(*surface.xlim, 200)
    ys = np.linspace(*surface.ylim, 160)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    gap = surface.f(grid) - surface.f_min
    levels = np.geomspace(max(gap.min(), 1e-3), gap.max(), 14)
    # A light grey background (white on the valley floor), so every path's colour stands out
    ax_c.contourf(xs, ys, gap, levels=levels, cmap="Greys", alpha=0.35, extend="both")
    ax_c.contour(xs, ys, gap, levels=levels, colors="gray", linewidths=0.5)
    for x, y in surface.minima:
        ax_c.plot(x, y, marker="*", color="gold", markersize=14, markeredgecolor="black", zorder=5)
    for x, y in surface.saddles:
        ax_c.plot(x, y, marker="X", color="white", markersize=10, markeredgecolor="black")
    ax_c.plot(*(start or surface.start), "ko", markersize=5)
    for name, (trajectory, losses) in runs.items():
        end = exit_step(surface, trajectory)
        last = len(trajectory) if end is None else end + 1  # keep the first point outside
        look_ahead = name == "nesterov-lookahead"  # dashed, so the Nesterov path shows below
        line = {
            "color": OPTIMIZER_COLORS[name],
            "label": OPTIMIZER_LABELS[name],
            "linestyle": "--" if look_ahead else "-",
        }
        marker = "x" if look_ahead else "o"
        # gradient descent on top: it is the slowest, and its short path hides under the others
        zorder = 4 if name == "sgd" else 3
        ax_c.plot(*trajectory[:last].T, marker=marker, markersize=3, linewidth=1.2, zorder=zorder,
                  **line)  # fmt: skip
        ax_c.plot(*trajectory[last - 1], "o", color=line["color"], markersize=8,
                  markeredgecolor="black", zorder=zorder)  # where the path ends  # fmt: skip
        distance = np.maximum(losses[:last] - surface.f_min, 1e-16)  # log scale: keep it > 0
        ax_l.plot(np.arange(last), distance, **line)
    ax_c.set(xlim=surface.xlim, ylim=surface.ylim)
    ax_c.set_xlabel("x", fontsize=12, labelpad=0)
    ax_c.set_ylabel("y", fontsize=12, labelpad=0)
    ax_c.set_title(surface.formula, fontsize=13)
    ax_c.set_aspect("equal")
    ax_l.set(yscale="log")
    ax_l.set_xlabel("step", fontsize=12, labelpad=1)
    ax_l.set_title("f − f_min (log scale)", fontsize=13)
    ax_l.xaxis.set_major_locator(MaxNLocator(5, integer=True))
    plain_log_labels(ax_l, minor=False)
    for ax in (ax_c, ax_l):
        ax.tick_params(labelsize=12)
    ax_l.grid(alpha=0.3)
    if runs and legend_below:
        handles, labels = ax_l.get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncols=len(runs), fontsize=12, frameon=False)
    elif runs:
        ax_l.legend(loc="best", fontsize=12, framealpha=0.9)
    return displayable(fig)


def _set_range(slider, low: float, high: float, value: float) -> None:
    """Give a slider a new range and value without tripping its min <= max check."""
    if low > slider.max:
        slider.max, slider.min = high, low
    else:
        slider.min, slider.max = low, high
    slider.value = value


class OptimizerPlayground(WidgetView):
    """Sliders for the surface, learning rate, momentum, start point and number of steps;
    the optimizers' paths on the contour plot and their distance to the minimum beside it.

    Every change redraws at once (sliders report only when released). ``update()`` runs the
    same code as a control change, ``figure()`` returns the current matplotlib figure (for
    notebooks without a live kernel), ``runs`` holds the last trajectories and losses, and
    ``messages`` the status lines.
    """

    title = "Optimizer playground: gradient descent, momentum and Nesterov on a 2-D surface"

    def __init__(
        self,
        surface: str = "quadratic",
        *,
        kappa: float = 10.0,
        lr: float | None = None,
        beta: float = 0.9,
        steps: int | None = None,
        optimizers: tuple[str, ...] = ("sgd", "momentum", "nesterov"),
    ) -> None:
        w = require_widgets()
        first = make_surface(surface, kappa)
        for name in optimizers:
            make_2d_optimizer(name, 0.1, 0.5)  # a clear ValueError for unknown names
        style = {"description_width": "100px"}
        slider = {"continuous_update": False, "style": style, "layout": w.Layout(width="290px")}
        self.surface_control = w.Dropdown(
            options=[(label, key) for key, label in SURFACES.items()],
            value=surface,
            description="surface",
            style=style,
            layout=w.Layout(width="290px"),
        )
        self.kappa_control = w.FloatLogSlider(
            value=kappa,
            base=10,
            min=0,
            max=3,
            step=0.05,
            description="κ (quadratic)",
            readout_format=".4g",
            **slider,
        )
        self.lr_control = w.FloatLogSlider(
            value=lr or first.lr,
            base=10,
            min=-3,
            max=1,
            step=0.05,
            description="lr",
            readout_format=".3g",
            **slider,
        )
        self.beta_control = w.FloatSlider(
            value=beta, min=0.0, max=0.99, step=0.01, description="β (momentum)", **slider
        )
        self.x_control, self.y_control = (
            w.FloatSlider(
                value=first.start[i],
                min=lim[0],
                max=lim[1],
                step=step,
                description=f"start {axis}",
                **slider,
            )
            for i, (axis, lim, step) in enumerate(
                [("x", first.xlim, 0.05), ("y", first.ylim, 0.01)]
            )
        )
        self.steps_control = w.IntSlider(
            value=steps or first.steps, min=1, max=500, description="steps", **slider
        )
        self.show_controls = {
            name: w.Checkbox(
                value=name in optimizers, description=label, indent=False, layout={"width": "auto"}
            )
            for name, label in OPTIMIZER_LABELS.items()
        }
        self.status = w.HTML()
        self.output = w.Output()
        css = {
            "surface": self.surface_control,
            "kappa": self.kappa_control,
            "lr": self.lr_control,
            "beta": self.beta_control,
            "x": self.x_control,
            "y": self.y_control,
            "steps": self.steps_control,
            "plot": self.output,
            "status": self.status,
        }
        css.update({f"show-{name}": box for name, box in self.show_controls.items()})
        for key, control in css.items():
            control.add_class(f"mlp-opt-{key}")
        wrap = {"flex_flow": "row wrap"}  # two controls a row beside the file browser
        self.widget = w.VBox(
            [
                w.HBox([self.surface_control, self.kappa_control, self.steps_control], layout=wrap),
                w.HBox([self.lr_control, self.beta_control], layout=wrap),
                w.HBox([self.x_control, self.y_control], layout=wrap),
                w.HBox(list(self.show_controls.values()), layout=wrap),
                self.output,
                self.status,
            ]
        )
        self.widget.add_class("mlp-opt")
        self.runs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.messages: list[str] = []
        self._fig: Figure | None = None
        self._holding = False
        self.kappa_control.disabled = surface != "quadratic"
        self.surface_control.observe(self._surface_changed, names="value")
        controls = [self.kappa_control, self.lr_control, self.beta_control, self.x_control]
        controls += [self.y_control, self.steps_control, *self.show_controls.values()]
        for control in controls:
            control.observe(self._control_changed, names="value")
        self.update()

    # ------------------------------------------------------------------ handlers
    def _control_changed(self, change: dict) -> None:
        if not self._holding:
            self.update()

    def _surface_changed(self, change: dict) -> None:
        """A new surface brings its own window, start point, learning rate and steps."""
        surface = make_surface(change["new"], self.kappa_control.value)
        self._holding = True
        try:
            self.kappa_control.disabled = surface.name != "quadratic"
            _set_range(self.x_control, *surface.xlim, surface.start[0])
            _set_range(self.y_control, *surface.ylim, surface.start[1])
            self.lr_control.value = surface.lr
            self.steps_control.value = surface.steps
        finally:
            self._holding = False
        self.update()

    # ------------------------------------------------------------------ the work
    def surface(self) -> Surface:
        """The surface the controls select."""
        return make_surface(self.surface_control.value, self.kappa_control.value)

    def update(self) -> None:
        """Run every ticked optimizer with the current settings and redraw."""
        surface = self.surface()
        start = (self.x_control.value, self.y_control.value)
        lr, beta, steps = self.lr_control.value, self.beta_control.value, self.steps_control.value
        self.runs = {}
        self.messages = []
        for name, box in self.show_controls.items():
            if not box.value:
                continue
            trajectory, losses = run_optimizer(
                surface, make_2d_optimizer(name, lr, beta), start, steps
            )
            self.runs[name] = (trajectory, losses)
            self.messages.append(self._summary(surface, name, trajectory, losses))
        if not self.runs:
            self.messages.append("Tick at least one optimizer to draw its path.")
        self.status.value = "<br>".join(html.escape(m) for m in self.messages)
        self._fig = plot_runs(surface, self.runs, start, figsize=(7.3, 4.0), legend_below=True)
        show_figure(self.output, self._fig)

    @staticmethod
    def _summary(surface: Surface, name: str, trajectory: np.ndarray, losses: np.ndarray) -> str:
        label = OPTIMIZER_LABELS[name]
        end = diverged_at(surface, losses)
        if end is not None:
            return (
                f"{label}: diverged at step {end} (f − f_min rose above 3 times its start "
                "value); try a smaller lr or β"
            )
        left = exit_step(surface, trajectory)
        if left is not None:
            return f"{label}: left the plotted area at step {left}"
        steps = len(trajectory) - 1
        return f"{label}: f − f_min = {losses[-1] - surface.f_min:.3g} after {steps} steps"

    def figure(self) -> Figure:
        """The current plot as a matplotlib Figure (end a cell with it to show it)."""
        return self._fig
