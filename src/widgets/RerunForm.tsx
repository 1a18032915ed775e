/**
 * "Rerun with critique" under the latest critique, with an optional note.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

export interface IRerunFormProps {
  onRerun: (note: string) => void;
  trans: TranslationBundle;
}

export function RerunForm(props: IRerunFormProps): JSX.Element {
  const { onRerun, trans } = props;
  const [note, setNote] = React.useState('');
  return (
    <div className="jp-AgentTeam-Rerun">
      <input
        className="jp-AgentTeam-RerunNote"
        type="text"
        value={note}
        aria-label={trans.__('Note for the Coder (optional)')}
        placeholder={trans.__('Optional note for the Coder')}
        onChange={event => setNote(event.target.value)}
        onKeyDown={event => {
          if (event.key === 'Enter' && !event.nativeEvent.isComposing) {
            event.preventDefault();
            onRerun(note);
          }
        }}
      />
      <button
        className="jp-Button jp-mod-styled jp-mod-accept jp-AgentTeam-RerunButton"
        onClick={() => onRerun(note)}
      >
        {trans.__('Rerun with critique')}
      </button>
    </div>
  );
}
