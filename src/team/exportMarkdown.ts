/**
 * A run as a Markdown report: the task, each round's code, what its cells
 * printed, the Critic's scores and actions, how each cycle ended, and the
 * plots as image files beside the report.
 */
import { extractCodeBlocks } from './codeBlocks';
import type { TeamRun } from './teamRun';

export interface IExportOptions {
  /** The words for how a cycle ended (the sidebar's own summary line). */
  describeEnd: (summary: TeamRun.ISummary) => string;
  /** File names of the plots written beside the report, in order. */
  plotFiles: string[];
}

/** The fence that safely wraps `text`: longer than any backtick run inside it. */
function fence(text: string, language: string): string {
  const longest = Math.max(
    2,
    ...(text.match(/`+/g) ?? []).map(run => run.length)
  );
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}

export function exportRunMarkdown(
  record: TeamRun.IRecord,
  options: IExportOptions
): string {
  const lines: string[] = [
    `# ${record.task.split('\n')[0]}`,
    '',
    `Agent Team run of ${record.startedAt.slice(0, 16).replace('T', ' ')} UTC · ${record.round} rounds · ${record.usage.modelCalls} model calls`,
    ''
  ];
  if (record.task.includes('\n')) {
    lines.push(record.task, '');
  }
  for (const message of record.messages) {
    switch (message.kind) {
      case 'code': {
        const code = extractCodeBlocks(message.text).filter(b => b.runnable);
        lines.push(`## Round ${message.round}`, '');
        if (code.length === 0) {
          lines.push('_The Coder wrote no Python code._', '');
        }
        code.forEach((block, i) => {
          lines.push(`Cell ${i + 1}:`, '', fence(block.code, 'python'), '');
        });
        break;
      }
      case 'execution':
        for (const cell of message.cells ?? []) {
          const count =
            cell.executionCount === null ? '' : ` [${cell.executionCount}]`;
          lines.push(`Output of cell ${cell.number}${count} (${cell.status}):`);
          lines.push(
            '',
            fence(cell.output.trim() || '(no output)', 'text'),
            ''
          );
        }
        break;
      case 'critique': {
        const critique = message.critique;
        if (!critique) {
          break;
        }
        lines.push(
          'Critic scores:',
          '',
          '| dimension | score |',
          '| --- | --- |'
        );
        for (const { name, label } of critique.dimensions) {
          lines.push(`| ${label} | ${critique.scores[name] ?? '–'} |`);
        }
        lines.push('');
        if (critique.actions.length > 0) {
          lines.push('Actions:', '');
          critique.actions.forEach(action => lines.push(`- [ ] ${action}`));
          lines.push('');
        }
        break;
      }
      case 'rerun':
        lines.push(
          message.text
            ? `**Rerun with critique.** Note: ${message.text}`
            : '**Rerun with critique.**',
          ''
        );
        break;
      case 'restore':
        lines.push(`**Restored round ${message.restoredRound}.**`, '');
        break;
      case 'feedback':
        lines.push(`**Your feedback:** ${message.text}`, '');
        break;
      case 'summary':
        if (message.summary) {
          lines.push(`> ${options.describeEnd(message.summary)}`, '');
        }
        break;
      default:
        break;
    }
  }
  if (options.plotFiles.length > 0) {
    lines.push('## Plots', '');
    options.plotFiles.forEach(file => lines.push(`![${file}](${file})`, ''));
  }
  return lines.join('\n');
}
