/**
 * Raw-text elements (`<script>`, `<style>`, `<textarea>`…) and comments make
 * an HTML parser read everything up to their closing tag as content, and the
 * sanitizer then drops that content. One left open by a model (`<style>` in
 * prose, a half-written `<script>`) would swallow the rest of the message.
 * Run this on the dirty HTML before the sanitizer: a closed one goes with its
 * content, an unclosed one loses only its opening tag, so what follows stays
 * visible (and is still sanitized as ordinary HTML).
 */

/** Tags whose content a parser does not read as markup, or the sanitizer drops. */
const RAW_TEXT_TAGS = [
  'script',
  'style',
  'title',
  'textarea',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
  'plaintext'
];

const OPENING = new RegExp(
  `<(${RAW_TEXT_TAGS.join('|')})(?=[\\s/>])[^>]*>|<!--`,
  'i'
);

/**
 * Remove raw-text elements and comments from `html`, keeping the text after
 * any left unclosed.
 */
export function stripRawTextElements(html: string): string {
  let done = '';
  let rest = html;
  for (;;) {
    const opening = OPENING.exec(rest);
    if (!opening) {
      return done + rest;
    }
    const after = rest.slice(opening.index + opening[0].length);
    const closing = Private.closingPattern(opening[1]).exec(after);
    // A space where something was cut, so the two sides cannot join into a
    // new tag (`<scr<script></script>ipt>`).
    done += rest.slice(0, opening.index) + ' ';
    rest = closing ? after.slice(closing.index + closing[0].length) : after;
  }
}

namespace Private {
  /** The end of a raw-text element, or of a comment when `tag` is undefined. */
  export function closingPattern(tag: string | undefined): RegExp {
    return tag === undefined
      ? /--!?>/
      : new RegExp(`</${tag}(?=[\\s/>])[^>]*>`, 'i');
  }
}
