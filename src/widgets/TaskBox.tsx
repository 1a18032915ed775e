/**
 * The task box: Enter sends, Shift+Enter starts a new line.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

export interface ITaskBoxProps {
  running: boolean;
  /** Returns whether the task was taken; a refused one stays in the box. */
  onSend: (task: string) => boolean;
  onStop: () => void;
  trans: TranslationBundle;
}

export function TaskBox(props: ITaskBoxProps): JSX.Element {
  const { running, onSend, onStop, trans } = props;
  const [text, setText] = React.useState('');

  const send = () => {
    if (running || !text.trim()) {
      return;
    }
    if (onSend(text)) {
      setText('');
    }
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
