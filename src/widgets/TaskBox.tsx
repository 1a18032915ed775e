/**
 * The task box: Enter sends, Shift+Enter starts a new line.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

export interface ITaskBoxProps {
  running: boolean;
  /** A task handed back (refused, or failed at once): it refills an empty box. */
  returned: { id: number; text: string } | null;
  onSend: (task: string) => void;
  onStop: () => void;
  trans: TranslationBundle;
}

export function TaskBox(props: ITaskBoxProps): JSX.Element {
  const { running, returned, onSend, onStop, trans } = props;
  const [text, setText] = React.useState('');
  // Each hand-back is a new object; re-renders pass the same one.
  React.useEffect(() => {
    if (returned) {
      // What the user typed since is theirs: only an empty box is refilled.
      setText(current => (current.trim() ? current : returned.text));
    }
  }, [returned]);

  const send = () => {
    if (running || !text.trim()) {
      return;
    }
    onSend(text);
    setText('');
  };

  return (
    <div className="jp-AgentTeam-TaskBox">
      <textarea
        className="jp-AgentTeam-TaskInput"
        aria-label={trans.__('Task for the agent team')}
        placeholder={trans.__(
          'Describe a task for the team. Enter sends, Shift+Enter adds a line.'
        )}
        value={text}
        rows={3}
        onChange={event => setText(event.target.value)}
        onKeyDown={event => {
          if (
            event.key === 'Enter' &&
            !event.shiftKey &&
            !event.nativeEvent.isComposing
          ) {
            event.preventDefault();
            send();
          }
        }}
      />
      <div className="jp-AgentTeam-TaskActions">
        {running ? (
          <button
            className="jp-Button jp-mod-styled jp-mod-warn jp-AgentTeam-StopButton"
            onClick={onStop}
          >
            {trans.__('Stop')}
          </button>
        ) : (
          <button
            className="jp-Button jp-mod-styled jp-mod-accept jp-AgentTeam-SendButton"
            onClick={send}
            disabled={!text.trim()}
          >
            {trans.__('Send')}
          </button>
        )}
      </div>
    </div>
  );
}
