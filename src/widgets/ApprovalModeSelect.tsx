/**
 * The approval mode toggle in the sidebar header (AutoGen's human_input_mode).
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { ApprovalMode } from '../team/types';

export interface IApprovalModeSelectProps {
  mode: ApprovalMode;
  onChange: (mode: ApprovalMode) => void;
  trans: TranslationBundle;
}

export function ApprovalModeSelect(
  props: IApprovalModeSelectProps
): JSX.Element {
  const { mode, onChange, trans } = props;
  return (
    <label className="jp-AgentTeam-ApprovalMode">
      <span>{trans.__('Run code:')}</span>
      <select
        className="jp-AgentTeam-ApprovalModeSelect"
        value={mode}
        onChange={event => onChange(event.target.value as ApprovalMode)}
      >
        <option value="auto">{trans.__('at once')}</option>
        <option value="ask">{trans.__('after I approve')}</option>
        <option value="end">{trans.__('at once; I review at the end')}</option>
      </select>
    </label>
  );
}
