/**
 * Benchmark, not a test: the team's own time per round, with a model and a
 * kernel that answer at once (the fakes of the unit tests), so what is
 * measured is orchestration: prompts, parsing, transcript, cell bookkeeping.
 * Prints median and p95 per round for the pipeline and for AutoGen-style
 * auto selection on the same script.
 */
import { PRESETS } from '../src/team/agents';
import { DEFAULT_TEAM_CONFIG } from '../src/team/config';
import { TeamRun } from '../src/team/teamRun';
import {
  FakeWorkspace,
  ScriptedModel,
  critique,
  error,
  ok,
  python
} from '../test/teamFakes';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const TASK =
  'use data from cars.csv and plot the relationship between weight and horsepower; save the plot to a file; print the fields first';
const BUGGY =
  "df = pd.read_csv('cars.csv')\nprint(df.columns.tolist())\nplt.scatter(df['Weight'], df['Horsepower'])";
const FIXED = BUGGY.replace("'Weight'", "'Weight_in_lbs'");

function kernel(source: string) {
  return source.includes("'Weight'")
    ? error('KeyError', "'Weight'")
    : ok("['Name', 'Miles_per_Gallon', 'Weight_in_lbs', 'Horsepower']\n");
}

/** One run of the seed script: buggy draft, fix, critique at the threshold. */
async function oneRun(strategy: 'pipeline' | 'auto'): Promise<number> {
  const model = new ScriptedModel({
    coder: [python(BUGGY), python(FIXED)],
    critic: [critique([9, 9, 9, 9, 9, 9])],
    manager: ['Coder', 'User_proxy', 'Coder', 'User_proxy', 'Critic']
  });
  const team =
    strategy === 'pipeline' ? PRESETS['coder-critic'] : PRESETS['seed-group'];
  const run = new TeamRun({
    task: TASK,
    model,
    workspace: new FakeWorkspace(kernel),
    config: { ...DEFAULT_TEAM_CONFIG, team, reproduceCheck: false }
  });
  const started = performance.now();
  const summary = await run.start();
  const elapsed = performance.now() - started;
  if (summary.reason !== 'threshold') {
    throw new Error(`the ${strategy} run ended with ${summary.reason}`);
  }
  run.dispose();
  return elapsed / summary.rounds;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

it('prints the orchestration time per round', async () => {
  const lines = ['strategy   runs  median ms/round  p95 ms/round'];
  for (const strategy of ['pipeline', 'auto'] as const) {
    // Warm up the JIT before measuring.
    for (let i = 0; i < 20; i++) {
      await oneRun(strategy);
    }
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      times.push(await oneRun(strategy));
    }
    times.sort((a, b) => a - b);
    lines.push(
      `${strategy.padEnd(9)}  ${String(RUNS).padStart(4)}  ${percentile(times, 0.5).toFixed(2).padStart(15)}  ${percentile(times, 0.95).toFixed(2).padStart(12)}`
    );
  }
  console.log(lines.join('\n'));
}, 600000);
