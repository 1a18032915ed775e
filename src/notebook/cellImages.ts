/**
 * The PNG plots a notebook's cells show, for a run's export.
 */
import type * as nbformat from '@jupyterlab/nbformat';
import type { NotebookPanel } from '@jupyterlab/notebook';

/** Base64 PNGs in the outputs of these cells, in notebook order. */
export function cellPngs(panel: NotebookPanel, cellIds: string[]): string[] {
  const cells = panel.content.model?.sharedModel.cells ?? [];
  return cells
    .filter(cell => cellIds.includes(cell.id))
    .flatMap(cell => {
      const json = cell.toJSON() as nbformat.ICell;
      const outputs = (json.outputs ?? []) as nbformat.IOutput[];
      return outputs.flatMap(output => {
        const png = (output.data as nbformat.IMimeBundle | undefined)?.[
          'image/png'
        ];
        if (!png) {
          return [];
        }
        return [Array.isArray(png) ? png.join('') : String(png)];
      });
    });
}
