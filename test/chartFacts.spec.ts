import { DEFAULT_TEAM_CONFIG } from '../src/team/config';
import {
  CHART_FACTS_EXPRESSION,
  formatChartFacts,
  IChartFacts,
  parseChartFacts
} from '../src/team/chartFacts';
import { TeamRun } from '../src/team/teamRun';
import {
  FakeWorkspace,
  ScriptedModel,
  critique,
  ok,
  python
} from './teamFakes';

/** What a kernel reported for a titled scatter plot and an unlabelled bar chart of 40 names. */
const FACTS: IChartFacts = {
  figures: [
    {
      size: [800, 600],
      axes: [
        {
          title: 'Heavier cars have more horsepower',
          xlabel: 'Weight (lbs)',
          ylabel: 'Horsepower',
          xscale: 'linear',
          yscale: 'linear',
          xlim: [1436.65, 5316.35],
          ylim: [36.8, 239.2],
          points: 400,
          lines: 0,
          line_points: 0,
          bars: 0,
          patches: 0,
          legend: ['cars'],
          overlaps: {}
        }
      ],
      colorbars: []
    },
    {
      size: [640, 480],
      axes: [
        {
          title: '',
          xlabel: 'Name',
          ylabel: '',
          xscale: 'linear',
          yscale: 'log',
          xlim: [-0.5, 39.5],
          ylim: [0.9465508226401592, 5.25],
          points: 0,
          lines: 0,
          line_points: 0,
          bars: 40,
          patches: 40,
          legend: [],
          overlaps: { x: 39 }
        }
      ],
      colorbars: []
    }
  ],
  more_figures: 0,
  frames: [['df', 400]]
};

describe('chart facts', () => {
  it('tell a Critic what each figure shows, with the rows of the data beside', () => {
    expect(formatChartFacts(FACTS, 2000)).toBe(
      [
        'Figure 1: 800×600 px',
        '- axes: title "Heavier cars have more horsepower"; x "Weight (lbs)" (linear, 1437 to 5316); y "Horsepower" (linear, 36.8 to 239); 400 points; legend "cars"',
        'Figure 2: 640×480 px',
        '- axes: title none; x "Name" (linear, -0.500 to 39.5); y none (log, 0.947 to 5.25); 40 bars; legend none',
        '  x tick labels overlap (39 pairs)',
        "Rows in the kernel's DataFrames: df 400"
      ].join('\n')
    );
  });

  it('say nothing when no figure was shown, and keep to the budget', () => {
    expect(formatChartFacts({ figures: [], frames: [['df', 3]] }, 500)).toBe(
      ''
    );
    const text = formatChartFacts(FACTS, 120);
    expect(text.length).toBe(120);
    expect(text.endsWith('…')).toBe(true);
    expect(parseChartFacts('not json')).toBeNull();
    expect(parseChartFacts(JSON.stringify(FACTS))).toEqual(FACTS);
  });

  it('reach the Critic, framed as data, even when it gets no image', async () => {
    const model = new ScriptedModel({
      coder: [python("df.plot.scatter('Weight_in_lbs', 'Horsepower')")],
      critic: [critique([9, 9, 9, 9, 9, 9])]
    });
    const workspace = new FakeWorkspace(() => ok(''));
    workspace.inspector = expression =>
      expression === CHART_FACTS_EXPRESSION ? JSON.stringify(FACTS) : null;
    await new TeamRun({
      task: 'plot weight against horsepower',
      model,
      workspace,
      config: { ...DEFAULT_TEAM_CONFIG, vision: false },
      dataNonce: 'n0nce'
    }).start();
    const prompt = JSON.stringify(model.calls('critic')[0].messages);
    expect(prompt).toContain(
      'What the figures show, read from matplotlib:\\n<data-n0nce>\\nFigure 1: 800×600 px'
    );
    expect(prompt).toContain('400 points');
    // Watched before the cells ran, read after.
    expect(workspace.inspections.at(-1)).toBe(CHART_FACTS_EXPRESSION);
  });
});
