/**
 * A model client whose code loads on its first call, so that the openai SDK
 * is not part of what JupyterLab loads at start-up.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import {
  ChatModelError,
  type IChatModel,
  type IChatRequest,
  type IChatResult
} from '../team/types';

export class LazyChatModel implements IChatModel {
  constructor(load: () => Promise<IChatModel>, trans: TranslationBundle) {
    this._load = load;
    this._trans = trans;
  }

  async complete(request: IChatRequest): Promise<IChatResult> {
    return (await this._model()).complete(request);
  }

  private _model(): Promise<IChatModel> {
    if (!this._loading) {
      this._loading = this._load().catch(error => {
        // A later call tries again, e.g. once the server is back.
        this._loading = null;
        throw new ChatModelError(
          this._trans.__(
            'Could not load the model client from the Jupyter server: %1',
            error instanceof Error ? error.message : String(error)
          ),
          'unreachable'
        );
      });
    }
    return this._loading;
  }

  private _load: () => Promise<IChatModel>;
  private _loading: Promise<IChatModel> | null = null;
  private _trans: TranslationBundle;
}
