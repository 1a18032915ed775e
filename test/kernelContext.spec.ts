import { DEFAULT_TEAM_CONFIG } from '../src/team/config';
import {
  formatKernelContext,
  IKernelContext,
  KERNEL_CONTEXT_EXPRESSION,
  parseKernelContext
} from '../src/team/kernelContext';
import { TeamRun } from '../src/team/teamRun';
import {
  FakeWorkspace,
  ScriptedModel,
  critique,
  ok,
  python
} from './teamFakes';

/** What the kernel sent for a folder with cars.csv and a DataFrame df, as ipykernel answers. */
const CONTEXT: IKernelContext = {
  files: [
    { name: 'analysis.ipynb', size: 2210 },
    {
      name: 'cars.csv',
      size: 22983,
      head: [
        'Name,Miles_per_Gallon,Cylinders,Displacement,Horsepower,Weight_in_lbs,Acceleration,Year,Origin',
        'chevrolet chevelle malibu,18,8,307,130,3504,12,1970-01-01,USA',
        'buick skylark 320,15,8,350,165,3693,11.5,1970-01-01,USA'
      ]
    },
    { name: 'out', dir: true }
  ],
  frames: [
    {
      name: 'df',
      rows: 406,
      cols: 9,
      columns: [
        ['Name', 'object'],
        ['Miles_per_Gallon', 'float64'],
        ['Horsepower', 'float64'],
        ['Weight_in_lbs', 'int64']
      ]
    }
  ],
  more_files: 0
};

describe('kernel context', () => {
  it('shows DataFrames, then data files with their first lines, then the other names', () => {
    expect(formatKernelContext(CONTEXT, 900)).toBe(
      [
        '- DataFrame df: 406 rows × 9 columns: Name (object), Miles_per_Gallon (float64), Horsepower (float64), Weight_in_lbs (int64)',
        '- cars.csv (22 KB), first lines:',
        '  Name,Miles_per_Gallon,Cylinders,Displacement,Horsepower,Weight_in_lbs,Acceleration,Year,Origin',
        '  chevrolet chevelle malibu,18,8,307,130,3504,12,1970-01-01,USA',
        '  buick skylark 320,15,8,350,165,3693,11.5,1970-01-01,USA',
        '- also: analysis.ipynb (2 KB), out/'
      ].join('\n')
    );
  });

  it('keeps within its budget by leaving whole entries out, and says how many', () => {
    const many: IKernelContext = {
      files: Array.from({ length: 30 }, (_, i) => ({
        name: `sales_${i}.csv`,
        size: 4096,
        head: [
          'region,month,units,revenue',
          `north,2024-0${(i % 9) + 1},12,340.5`
        ]
      })),
      frames: [],
      more_files: 12
    };
    const text = formatKernelContext(many, 400);
    expect(text.length).toBeLessThanOrEqual(400 + 30);
    expect(text).toMatch(/- \(\d+ more not shown\)$/);
    expect(text).not.toMatch(/region,month,units,rev$/m);
  });

  it('reads only the JSON it asked for', () => {
    expect(parseKernelContext(JSON.stringify(CONTEXT))).toEqual(CONTEXT);
    expect(parseKernelContext("'a str repr'")).toBeNull();
    expect(parseKernelContext('{"files": 3}')).toBeNull();
    expect(parseKernelContext(null)).toBeNull();
  });

  it('is a single expression that leaves the user’s namespace alone', () => {
    expect(KERNEL_CONTEXT_EXPRESSION).not.toContain('\n');
    expect(KERNEL_CONTEXT_EXPRESSION).toMatch(/^\(lambda g: \(exec\(/);
    expect(KERNEL_CONTEXT_EXPRESSION).toContain("'__builtins__': __builtins__");
  });

  it('reaches the Coder’s first prompt only, framed as data', async () => {
    const model = new ScriptedModel({
      coder: [
        python("df.plot.scatter('Weight_in_lbs', 'Horsepower')"),
        python(
          "df.plot.scatter('Weight_in_lbs', 'Horsepower', title='Weight vs horsepower')"
        )
      ],
      critic: [critique([9, 8, 8, 8, 8, 6]), critique([9, 9, 9, 9, 9, 9])]
    });
    const workspace = new FakeWorkspace(() => ok(''));
    workspace.inspector = () => JSON.stringify(CONTEXT);
    const run = new TeamRun({
      task: 'plot weight against horsepower',
      model,
      workspace,
      config: DEFAULT_TEAM_CONFIG,
      dataNonce: 'n0nce'
    });
    await run.start();
    const first = JSON.stringify(model.calls('coder')[0].messages);
    expect(first).toContain(
      "The notebook's folder and kernel now hold:\\n<data-n0nce>\\n- DataFrame df: 406 rows"
    );
    expect(first).toContain('Weight_in_lbs,Acceleration');
    expect(JSON.stringify(model.calls('coder')[1].messages)).not.toContain(
      'DataFrame df: 406 rows'
    );
    expect(
      workspace.inspections.filter(e => e === KERNEL_CONTEXT_EXPRESSION)
    ).toHaveLength(1);
    expect(workspace.inspections[0]).toBe(KERNEL_CONTEXT_EXPRESSION);
  });

  it('goes on without context when the kernel cannot tell', async () => {
    const model = new ScriptedModel({
      coder: [python('print(1)')],
      critic: [critique([9, 9, 9, 9, 9, 9])]
    });
    const run = new TeamRun({
      task: 'print 1',
      model,
      workspace: new FakeWorkspace(() => ok('1\n')),
      config: DEFAULT_TEAM_CONFIG
    });
    expect((await run.start()).reason).toBe('threshold');
    expect(JSON.stringify(model.calls('coder')[0].messages)).not.toContain(
      'kernel now hold'
    );
  });
});
