/**
 * Chart facts ("chart X-ray"): what the matplotlib figures a round drew really
 * show, read from the figure objects, so a text-only Critic scores what is on
 * the chart and a vision Critic gets the numbers besides the image.
 *
 * The inline backend closes a figure as soon as it is shown, so the facts are
 * taken when the figure is displayed: a silent request before the round wraps
 * the kernel's PNG formatter for figures, and one after it collects what was
 * seen. pandas and seaborn draw through matplotlib, so their charts count too.
 */
import { pythonExpression, readLook } from './kernelLook';

/**
 * Before the round's cells run: start watching the figures they display.
 * matplotlib is imported first only when the cells will plot anyway, so the
 * formatter exists to be watched.
 */
export function chartWatchExpression(willPlot: boolean): string {
  return pythonExpression(`
import sys, types
state = sys.modules.get('_agent_team_charts')
if state is None:
    state = types.ModuleType('_agent_team_charts')
    state.seen = []
    state.watched = None
    sys.modules['_agent_team_charts'] = state
state.seen = []
if ${willPlot ? 'True' : 'False'} and 'matplotlib.pyplot' not in sys.modules:
    import matplotlib.pyplot
# pyplot loads its backend at the first figure; the inline one registers the
# PNG formatter for figures when it loads, so load it now to watch it.
if 'matplotlib.pyplot' in sys.modules and 'inline' in sys.modules['matplotlib'].get_backend():
    import matplotlib_inline.backend_inline
if 'matplotlib.figure' in sys.modules:
    Figure = sys.modules['matplotlib.figure'].Figure
    formatter = get_ipython().display_formatter.formatters['image/png']
    try:
        shown = formatter.lookup_by_type(Figure)
    except KeyError:
        shown = None
    # Wrapped once; again only if the backend was set up anew since.
    if shown is not None and shown is not state.watched:
        def facts_of(fig):
            size = fig.get_size_inches() * fig.dpi
            out = {'size': [int(round(size[0])), int(round(size[1]))], 'axes': [], 'colorbars': []}
            try:
                renderer = fig.canvas.get_renderer()
            except Exception:
                renderer = None
            for ax in fig.axes:
                if ax.get_label() == '<colorbar>':
                    out['colorbars'].append(ax.get_ylabel() or ax.get_xlabel())
                    continue
                points = 0
                for collection in ax.collections:
                    try:
                        points += len(collection.get_offsets())
                    except Exception:
                        pass
                lines = [line for line in ax.get_lines() if line.get_visible()]
                bars = sum(len(c) for c in ax.containers if type(c).__name__ == 'BarContainer')
                legend = ax.get_legend()
                axes = {
                    'title': ax.get_title(), 'xlabel': ax.get_xlabel(), 'ylabel': ax.get_ylabel(),
                    'xscale': ax.get_xscale(), 'yscale': ax.get_yscale(),
                    'xlim': [float(v) for v in ax.get_xlim()], 'ylim': [float(v) for v in ax.get_ylim()],
                    'points': points, 'lines': len(lines),
                    'line_points': sum(len(line.get_xdata()) for line in lines),
                    'bars': bars, 'patches': len(ax.patches),
                    'legend': [t.get_text() for t in legend.get_texts()] if legend else [],
                    'overlaps': {},
                }
                if renderer is not None:
                    for name, labels in (('x', ax.get_xticklabels()), ('y', ax.get_yticklabels())):
                        try:
                            boxes = [t.get_window_extent(renderer) for t in labels if t.get_text()]
                            count = sum(1 for a, b in zip(boxes, boxes[1:]) if a.overlaps(b))
                        except Exception:
                            count = 0
                        if count:
                            axes['overlaps'][name] = count
                out['axes'].append(axes)
            return out
        def watched(fig, *args, **kwargs):
            data = shown(fig, *args, **kwargs)
            try:
                state.seen.append(facts_of(fig))
            except Exception:
                pass
            return data
        formatter.for_type(Figure, watched)
        state.watched = watched
result = True
`);
}

/** After the round's cells ran: the figures they displayed, and the DataFrames' row counts. */
export const CHART_FACTS_EXPRESSION = pythonExpression(`
import sys
state = sys.modules.get('_agent_team_charts')
figures = list(state.seen) if state is not None else []
frames = []
pd = sys.modules.get('pandas')
if pd is not None:
    for key, value in list(get_ipython().user_ns.items()):
        if not key.startswith('_') and isinstance(value, pd.DataFrame):
            frames.append([key, int(value.shape[0])])
result = {'figures': figures[:4], 'more_figures': max(0, len(figures) - 4), 'frames': frames[:6]}
`);

export interface IChartFacts {
  figures: {
    size: [number, number];
    axes: {
      title: string;
      xlabel: string;
      ylabel: string;
      xscale: string;
      yscale: string;
      xlim: [number, number];
      ylim: [number, number];
      points: number;
      lines: number;
      line_points: number;
      bars: number;
      patches: number;
      legend: string[];
      overlaps: { x?: number; y?: number };
    }[];
    colorbars: string[];
  }[];
  more_figures?: number;
  frames: [string, number][];
}

/** The facts the kernel sent, or null when its text is not what was asked for. */
export function parseChartFacts(text: string | null): IChartFacts | null {
  const value = readLook(text) as IChartFacts | null;
  return Array.isArray(value?.figures) && Array.isArray(value?.frames)
    ? value
    : null;
}

/** The facts as lines a Critic reads, within `budget` characters; '' when no figure was shown. */
export function formatChartFacts(facts: IChartFacts, budget: number): string {
  if (facts.figures.length === 0) {
    return '';
  }
  const lines: string[] = [];
  facts.figures.forEach((figure, f) => {
    lines.push(`Figure ${f + 1}: ${figure.size[0]}×${figure.size[1]} px`);
    figure.axes.forEach((axes, a) => {
      const label = figure.axes.length > 1 ? `axes ${a + 1}` : 'axes';
      const drawn = [
        axes.points ? `${axes.points} points` : '',
        axes.bars ? `${axes.bars} bars` : '',
        axes.lines
          ? `${axes.lines} line${axes.lines > 1 ? 's' : ''} (${axes.line_points} points)`
          : '',
        !axes.bars && axes.patches ? `${axes.patches} patches` : ''
      ].filter(Boolean);
      lines.push(
        `- ${label}: title ${quoted(axes.title)}; x ${quoted(axes.xlabel)} (${axes.xscale}, ${range(axes.xlim)}); y ${quoted(axes.ylabel)} (${axes.yscale}, ${range(axes.ylim)}); ${drawn.join(', ') || 'nothing drawn'}; legend ${axes.legend.length ? axes.legend.map(quoted).join(', ') : 'none'}`
      );
      for (const axis of ['x', 'y'] as const) {
        const count = axes.overlaps[axis];
        if (count) {
          lines.push(
            `  ${axis} tick labels overlap (${count} pair${count > 1 ? 's' : ''})`
          );
        }
      }
    });
    if (figure.colorbars.length > 0) {
      lines.push(`- colorbar: ${figure.colorbars.map(quoted).join(', ')}`);
    }
  });
  if (facts.more_figures) {
    lines.push(`(${facts.more_figures} more figures not described)`);
  }
  if (facts.frames.length > 0) {
    lines.push(
      `Rows in the kernel's DataFrames: ${facts.frames.map(([name, rows]) => `${name} ${rows}`).join(', ')}`
    );
  }
  const text = lines.join('\n');
  return text.length <= budget ? text : `${text.slice(0, budget - 1)}…`;
}

function quoted(text: string): string {
  return text ? `"${text}"` : 'none';
}

function range([low, high]: [number, number]): string {
  const round = (value: number) =>
    Math.abs(value) >= 100
      ? Math.round(value).toString()
      : value.toPrecision(3);
  return `${round(low)} to ${round(high)}`;
}
