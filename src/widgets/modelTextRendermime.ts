/**
 * The rendermime registry for model text: the application's, with the model
 * text sanitizer and JupyterLab's stock Markdown path (parse, `sanitize`,
 * innerHTML), kept even if another extension replaced the application's
 * Markdown renderer, because that path is the one the sanitizer was checked
 * against.
 */
import { RenderedMarkdown } from '@jupyterlab/rendermime';
import type { IRenderMime, IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';

import { hardenModelTextLinks } from './modelTextPolicy';
import { ModelTextSanitizer } from './modelTextSanitizer';

/** Markdown from a model: never trusted, links hardened after JupyterLab's pass. */
export class RenderedModelText extends RenderedMarkdown {
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    await super.renderModel(Private.untrusted(model));
  }

  async render(model: IRenderMime.IMimeModel): Promise<void> {
    await super.render(Private.untrusted(model));
    // `hardenAnchorLinks` in renderHTML has just set rel="noopener" again.
    hardenModelTextLinks(this.node);
  }
}

export const modelTextMarkdownFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: ['text/markdown'],
  defaultRank: 60,
  createRenderer: options => new RenderedModelText(options)
};

/**
 * Clone `rendermime` for model text. The clone keeps the application's
 * Markdown parser, LaTeX typesetter, link handler and resolver; JupyterLab's
 * global registry has no resolver, so a relative link in a reply is a plain
 * link, not a way into the file browser.
 */
export function createModelTextRendermime(
  rendermime: IRenderMimeRegistry,
  trans?: TranslationBundle
): IRenderMimeRegistry {
  const clone = rendermime.clone({
    sanitizer: new ModelTextSanitizer({ trans })
  });
  clone.addFactory(modelTextMarkdownFactory, clone.getRank('text/markdown'));
  return clone;
}

namespace Private {
  export function untrusted(
    model: IRenderMime.IMimeModel
  ): IRenderMime.IMimeModel {
    if (!model.trusted) {
      return model;
    }
    return {
      trusted: false,
      data: model.data,
      metadata: model.metadata,
      setData: options => model.setData(options)
    };
  }
}
