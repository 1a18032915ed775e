import { stripRawTextElements } from '../src/widgets/rawTextTags';

describe('stripRawTextElements', () => {
  it('removes a closed script with its content', () => {
    expect(
      stripRawTextElements('<p>a</p><script>alert(1)</script><p>b</p>')
    ).toBe('<p>a</p> <p>b</p>');
  });

  it('removes only the opening tag of an unclosed script', () => {
    expect(
      stripRawTextElements('<script>alert(1)\n<p>The plot is ready.</p>')
    ).toBe(' alert(1)\n<p>The plot is ready.</p>');
  });

  it('handles style, textarea and title, with attributes and any case', () => {
    expect(
      stripRawTextElements(
        '<STYLE type="text/css">body{display:none}</Style >x<textarea rows=2>y'
      )
    ).toBe(' x y');
    expect(stripRawTextElements('<title>t</title>z')).toBe(' z');
  });

  it('keeps the text after an unclosed comment', () => {
    expect(stripRawTextElements('a<!-- b --> c <!-- d')).toBe('a  c   d');
  });

  it('does not let the two sides of a cut join into a new tag', () => {
    const out = stripRawTextElements('<scr<script></script>ipt>alert(1)');
    expect(out).not.toMatch(/<script/i);
  });

  it('leaves escaped tags and look-alike names alone', () => {
    const html =
      '<pre><code>&lt;script&gt;x&lt;/script&gt;</code></pre><scripted>';
    expect(stripRawTextElements(html)).toBe(html);
  });
});
