/**
 * What the Coder is shown of the notebook's folder and kernel before its first
 * draft: the files (and the first lines of small data files) and the
 * DataFrames already loaded, read by one silent kernel request, so the first
 * draft uses the real column names.
 */
import { pythonExpression, readLook } from './kernelLook';

/**
 * A Python expression whose value's text is the context as JSON. It runs in a
 * namespace of its own (the user's is only read) and imports nothing the
 * kernel has not imported already, except os and json.
 */
export const KERNEL_CONTEXT_EXPRESSION = pythonExpression(`
import os, sys
out = {'files': [], 'frames': [], 'more_files': 0}
try:
    # Notebooks change as they are saved and tell the Coder nothing.
    names = sorted(n for n in os.listdir('.') if not n.startswith('.') and not n.endswith('.ipynb'))
except OSError:
    names = []
out['more_files'] = max(0, len(names) - 40)
for name in names[:40]:
    entry = {'name': name}
    if os.path.isdir(name):
        entry['dir'] = True
        out['files'].append(entry)
        continue
    try:
        entry['size'] = os.path.getsize(name)
    except OSError:
        continue
    low = name.lower()
    try:
        if entry['size'] <= 50_000_000 and low.endswith(('.csv', '.tsv', '.txt')):
            with open(name, encoding='utf-8', errors='replace') as f:
                entry['head'] = [f.readline().rstrip('\\r\\n')[:200] for _ in range(3)]
        elif entry['size'] <= 5_000_000 and low.endswith('.json'):
            with open(name, encoding='utf-8', errors='replace') as f:
                entry['head'] = [f.read(200)]
        elif low.endswith('.parquet') and 'pyarrow.parquet' in sys.modules:
            schema = sys.modules['pyarrow.parquet'].read_schema(name)
            entry['columns'] = [[f.name, str(f.type)] for f in schema][:30]
    except Exception:
        pass
    out['files'].append(entry)
pd = sys.modules.get('pandas')
if pd is not None:
    for key, value in list(get_ipython().user_ns.items()):
        if key.startswith('_') or not isinstance(value, pd.DataFrame):
            continue
        out['frames'].append({
            'name': key, 'rows': int(value.shape[0]), 'cols': int(value.shape[1]),
            'columns': [[str(c), str(t)] for c, t in list(value.dtypes.items())[:30]],
        })
        if len(out['frames']) >= 6:
            break
result = out
`);

export interface IKernelContext {
  files: {
    name: string;
    dir?: boolean;
    size?: number;
    head?: string[];
    columns?: [string, string][];
  }[];
  frames: {
    name: string;
    rows: number;
    cols: number;
    columns: [string, string][];
  }[];
  more_files?: number;
}

/** The context the kernel sent, or null when its text is not what was asked for. */
export function parseKernelContext(text: string | null): IKernelContext | null {
  const value = readLook(text) as IKernelContext | null;
  return Array.isArray(value?.files) && Array.isArray(value?.frames)
    ? value
    : null;
}

/**
 * The context as text within `budget` characters: the DataFrames first, then
 * data files with their first lines, then the other names; what does not fit
 * is counted, not cut mid-line.
 */
export function formatKernelContext(
  context: IKernelContext,
  budget: number
): string {
  const blocks: string[] = [];
  for (const frame of context.frames) {
    const columns = frame.columns
      .map(([name, dtype]) => `${name} (${dtype})`)
      .join(', ');
    blocks.push(
      `- DataFrame ${frame.name}: ${frame.rows} rows × ${frame.cols} columns: ${columns}`
    );
  }
  const withData = context.files.filter(file => file.head || file.columns);
  const others = context.files.filter(file => !file.head && !file.columns);
  for (const file of withData) {
    const lines = file.columns
      ? [`  columns: ${file.columns.map(([n, t]) => `${n} (${t})`).join(', ')}`]
      : (file.head ?? [])
          .filter(Boolean)
          .map(line => `  ${line.replace(/\s*\n\s*/g, ' ')}`);
    blocks.push(
      [
        `- ${file.name} (${formatSize(file.size ?? 0)}), first lines:`,
        ...lines
      ].join('\n')
    );
  }
  if (others.length > 0) {
    blocks.push(
      `- also: ${others
        .map(file =>
          file.dir
            ? `${file.name}/`
            : `${file.name} (${formatSize(file.size ?? 0)})`
        )
        .join(', ')}`
    );
  }
  const kept: string[] = [];
  let used = 0;
  let left = context.more_files ?? 0;
  for (const block of blocks) {
    if (used + block.length + 1 > budget) {
      left += 1;
      continue;
    }
    kept.push(block);
    used += block.length + 1;
  }
  if (left > 0) {
    kept.push(`- (${left} more not shown)`);
  }
  return kept.join('\n');
}

function formatSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${Math.round(bytes / 1024)} KB`;
  }
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
