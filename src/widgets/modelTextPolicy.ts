/**
 * What model text may keep once JupyterLab's sanitizer has run: a reply can be
 * prompt-injected, so nothing in it may reach the network or leave JupyterLab
 * without a click. Works on an inert tree (a DOMParser document), where
 * nothing loads; the live page only ever sees the result.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

/** The class of the placeholder that stands for an image, video or audio. */
export const BLOCKED_MEDIA_CLASS = 'jp-AgentTeam-BlockedMedia';

/** The class of the placeholder's link to the media's URL. */
export const BLOCKED_MEDIA_LINK_CLASS = 'jp-AgentTeam-BlockedMedia-link';

/** The `rel` every model link gets; JupyterLab's own pass keeps only `noopener`. */
export const MODEL_LINK_REL = 'noopener noreferrer';

/**
 * Rewrite `root` in place: drop forms and embedding elements, replace media
 * that would load from a URL by a placeholder, make links inert or open them
 * in a new tab.
 */
export function applyModelTextPolicy(
  root: Element,
  trans: TranslationBundle
): void {
  // Media first, while their URLs are still there to offer as links.
  for (const img of Array.from(root.querySelectorAll('img'))) {
    const src = (img.getAttribute('src') ?? '').trim();
    if (!Private.INLINE_IMAGE.test(src)) {
      img.replaceWith(
        Private.placeholder(img, 'image', src, img.getAttribute('alt'), trans)
      );
    }
  }
  for (const media of Array.from(root.querySelectorAll('video, audio'))) {
    const kind = media.localName === 'video' ? 'video' : 'audio';
    const src =
      media.getAttribute('src') ??
      media.querySelector('source[src]')?.getAttribute('src') ??
      media.getAttribute('poster') ??
      '';
    media.replaceWith(
      Private.placeholder(media, kind, src.trim(), null, trans)
    );
  }
  for (const element of Array.from(root.querySelectorAll(Private.DROP))) {
    element.remove();
  }
  for (const element of Array.from(root.querySelectorAll(Private.UNWRAP))) {
    element.replaceWith(...Array.from(element.childNodes));
  }
  for (const element of Array.from(root.querySelectorAll('*'))) {
    Private.removeUnsafeAttributes(element);
  }
  hardenModelTextLinks(root);
}

/**
 * Make `javascript:`, `vbscript:` and `data:` links inert and open the others
 * in a new tab that cannot reach back or learn where it came from. Also run
 * after rendering, since JupyterLab's `hardenAnchorLinks` resets `rel`.
 */
export function hardenModelTextLinks(root: Element): void {
  for (const link of Array.from(
    root.querySelectorAll<HTMLElement>('a[href], area[href]')
  )) {
    // JupyterLab's own "¶" heading anchors scroll within the message.
    if (link.classList.contains('jp-InternalAnchorLink')) {
      continue;
    }
    if (Private.isInertUrl(link.getAttribute('href') ?? '')) {
      link.removeAttribute('href');
      link.removeAttribute('target');
      continue;
    }
    link.setAttribute('target', '_blank');
    link.setAttribute('rel', MODEL_LINK_REL);
    // Holds even where something resets `rel` again.
    link.setAttribute('referrerpolicy', 'no-referrer');
  }
}

namespace Private {
  /** Elements removed with their content: controls, embeds, page-level tags. */
  export const DROP = [
    'input',
    'textarea',
    'iframe',
    'frame',
    'frameset',
    'object',
    'embed',
    'applet',
    'param',
    'script',
    'style',
    'link',
    'meta',
    'base',
    'source',
    'track',
    'svg',
    'math',
    'template',
    // Raw text in the live page but not always in the inert parse: their
    // content could be read as markup by one and as text by the other.
    'noscript',
    'noembed',
    'noframes',
    'xmp',
    'plaintext',
    'command'
  ].join(', ');

  /**
   * Elements removed but whose text is kept: a form or a button may wrap the
   * rest of a message when a model leaves it open.
   */
  export const UNWRAP = [
    'form',
    'button',
    'select',
    'optgroup',
    'option',
    'datalist',
    'picture'
  ].join(', ');

  /**
   * Inline images, which need no request. SVG as an `<img>` runs no script
   * and loads nothing, and Mermaid diagrams arrive that way.
   */
  export const INLINE_IMAGE = /^data:image\/(png|jpe?g|gif|webp|svg\+xml)[;,]/i;

  /** Attributes that fetch or navigate by themselves. */
  const URL_ATTRIBUTES = new Set([
    'action',
    'background',
    'dynsrc',
    'formaction',
    'longdesc',
    'lowsrc',
    'ping',
    'poster',
    'sizes',
    'srcset',
    'xlink:href'
  ]);

  /** CSS that could load a resource, or an escape that could spell one. */
  const STYLE_WITH_URL = /url\s*\(|image(-set)?\s*\(|src\s*\(|\\/i;

  export function removeUnsafeAttributes(element: Element): void {
    const tag = element.localName;
    for (const { name } of Array.from(element.attributes)) {
      const lower = name.toLowerCase();
      const unsafe =
        lower.startsWith('on') ||
        lower.startsWith('data-commandlinker') ||
        URL_ATTRIBUTES.has(lower) ||
        (lower === 'href' && tag !== 'a' && tag !== 'area') ||
        (lower === 'src' && tag !== 'img') ||
        (lower === 'style' &&
          STYLE_WITH_URL.test(element.getAttribute(name) ?? ''));
      if (unsafe) {
        element.removeAttribute(name);
      }
    }
  }

  /** Whether following `url` would run code or open inline content. */
  export function isInertUrl(url: string): boolean {
    // Browsers ignore control characters and whitespace in a scheme.
    // eslint-disable-next-line no-control-regex -- control characters are what it removes
    const compact = url.replace(/[\u0000-\u0020]/g, '').toLowerCase();
    return /^(javascript|vbscript|data):/.test(compact);
  }

  /**
   * "[image: chart] http://host/chart.png": the user sees what was not loaded
   * and where it lives, and opens it in a new tab if they want to.
   */
  export function placeholder(
    media: Element,
    kind: 'image' | 'video' | 'audio',
    url: string,
    alt: string | null,
    trans: TranslationBundle
  ): HTMLElement {
    const doc = media.ownerDocument;
    const span = doc.createElement('span');
    span.className = BLOCKED_MEDIA_CLASS;
    span.dataset.kind = kind;
    span.textContent = label(kind, alt?.trim() ?? '', trans);
    // A link inside a link would be torn apart by the parser; the outer one
    // still leads somewhere.
    const inLink = media.parentElement?.closest('a[href]') ?? null;
    if (url && !isInertUrl(url) && !inLink) {
      const link = doc.createElement('a');
      link.className = BLOCKED_MEDIA_LINK_CLASS;
      link.setAttribute('href', url);
      link.textContent = url;
      link.title = trans.__('Not loaded automatically. Open in a new tab');
      span.append(' ', link);
    }
    return span;
  }

  function label(
    kind: 'image' | 'video' | 'audio',
    alt: string,
    trans: TranslationBundle
  ): string {
    switch (kind) {
      case 'image':
        return alt ? trans.__('[image: %1]', alt) : trans.__('[image]');
      case 'video':
        return trans.__('[video]');
      case 'audio':
        return trans.__('[audio]');
    }
  }
}
