/**
 * "At the end" mode: when the run would end, the user can send the team
 * another round with feedback, or close the run.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

export interface IFeedbackFormProps {
  onFeedback: (text: string) => void;
  onClose: () => void;
  trans: TranslationBundle;
}

export function FeedbackForm(props: IFeedbackFormProps): JSX.Element {
  const { onFeedback, onClose, trans } = props;
  const [text, setText] = React.useState('');
  return (
    <div className="jp-AgentTeam-Feedback">
      <textarea
        className="jp-AgentTeam-FeedbackInput"
        rows={2}
        value={text}
        aria-label={trans.__('Feedback for the team')}
        placeholder={trans.__('What should the team change? (another round)')}
        onChange={event => setText(event.target.value)}
      />
      <div className="jp-AgentTeam-FeedbackActions">
        <button
          className="jp-Button jp-mod-styled jp-mod-accept jp-AgentTeam-FeedbackButton"
          disabled={!text.trim()}
          onClick={() => onFeedback(text)}
        >
          {trans.__('Send feedback')}
        </button>
        <button
          className="jp-Button jp-mod-styled jp-mod-reject jp-AgentTeam-CloseRunButton"
          onClick={onClose}
        >
          {trans.__('Close run')}
        </button>
      </div>
    </div>
  );
}
