/**
 * A line diff of two versions of a cell: shown when a revision waits for the
 * user's approval, and sent to the Coder when the user edited its code.
 */

export interface IDiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** The lines of `before` and `after`, each kept, added or removed (longest common subsequence). */
export function lineDiff(before: string, after: string): IDiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0)
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i][j] =
        a[i] === b[j]
          ? lengths[i + 1][j + 1] + 1
          : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
    }
  }
  const lines: IDiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ kind: 'same', text: a[i] });
      i++;
      j++;
    } else if (
      j < b.length &&
      (i === a.length || lengths[i][j + 1] >= lengths[i + 1][j])
    ) {
      lines.push({ kind: 'added', text: b[j++] });
    } else {
      lines.push({ kind: 'removed', text: a[i++] });
    }
  }
  return lines;
}

/** The changed lines only, as `- old` / `+ new`, for a model to read. */
export function formatChanges(before: string, after: string): string {
  return lineDiff(before, after)
    .filter(line => line.kind !== 'same')
    .map(line => `${line.kind === 'added' ? '+' : '-'} ${line.text}`)
    .join('\n');
}
