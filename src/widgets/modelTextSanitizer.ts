/**
 * The sanitizer for model text. JupyterLab's renderers sanitize untrusted
 * HTML and then set it as innerHTML of a node of the live page, where an
 * `<img>` starts loading at once, attached or not. So everything that could
 * load or navigate is removed here, on a string, before that happens.
 */
import { Sanitizer } from '@jupyterlab/apputils';
import type { IRenderMime } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';

import { applyModelTextPolicy } from './modelTextPolicy';
import { stripRawTextElements } from './rawTextTags';

export class ModelTextSanitizer implements IRenderMime.ISanitizer {
  constructor(options: ModelTextSanitizer.IOptions = {}) {
    this._inner = options.inner ?? Private.defaultInner();
    this._trans = options.trans ?? nullTranslator.load('jupyterlab_agent_team');
  }

  /** Ids would let model text clobber names in the page; they stay data attributes. */
  readonly allowNamedProperties = false;

  /** A click on model text must never run a JupyterLab command. */
  readonly allowCommandLinker = false;

  getAutolink(): boolean {
    return this._inner.getAutolink?.() ?? true;
  }

  sanitize(dirty: string, options?: IRenderMime.ISanitizerOptions): string {
    const clean = this._inner.sanitize(stripRawTextElements(dirty), options);
    // A DOMParser document has no browsing context: nothing in it loads.
    const doc = new DOMParser().parseFromString(clean, 'text/html');
    applyModelTextPolicy(doc.body, this._trans);
    return doc.body.innerHTML;
  }

  private _inner: IRenderMime.ISanitizer;
  private _trans: TranslationBundle;
}

export namespace ModelTextSanitizer {
  export interface IOptions {
    /** The sanitizer run first; JupyterLab's default, without command links, if omitted. */
    inner?: IRenderMime.ISanitizer;
    /** For the placeholder labels. */
    trans?: TranslationBundle;
  }
}

namespace Private {
  export function defaultInner(): Sanitizer {
    const sanitizer = new Sanitizer();
    sanitizer.setAllowCommandLinker(false);
    sanitizer.setAllowNamedProperties(false);
    return sanitizer;
  }
}
