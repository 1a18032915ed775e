/**
 * The extension's static files a page downloads, to see what loads when:
 * at start-up, on first use, or with the extension disabled.
 */
import type { Page } from '@playwright/test';
import * as zlib from 'zlib';

export const EXTENSION = 'jupyterlab-agent-team';
const STATIC_PATH = `/lab/extensions/${EXTENSION}/static/`;
/** A header name only the openai SDK's code carries. */
const OPENAI_MARK = 'X-Stainless-Arch';

export interface IDownload {
  name: string;
  raw: number;
  /** As a compressing server or proxy would send it (gzip level 6). */
  gzip: number;
  /** Holds the openai SDK. */
  openai: boolean;
}

export interface IDownloads {
  files: IDownload[];
  raw: number;
  gzip: number;
}

/** Every static file of the extension the page receives, from now on. */
export class ExtensionDownloads {
  constructor(page: Page) {
    this._page = page;
    page.on('response', response => {
      const url = new URL(response.url());
      const at = url.pathname.indexOf(STATIC_PATH);
      if (at === -1) {
        return;
      }
      this._pending.push(
        response.body().then(body => {
          this._files.push({
            name: url.pathname.slice(at + STATIC_PATH.length),
            raw: body.length,
            gzip: zlib.gzipSync(body).length,
            openai: body.includes(OPENAI_MARK)
          });
        })
      );
    });
  }

  /** The downloads so far, once the network has been quiet a moment. */
  async settle(): Promise<IDownloads> {
    await this._page.waitForLoadState('networkidle');
    await this._page.waitForTimeout(1000);
    await Promise.all(this._pending);
    const files = [...this._files];
    return {
      files,
      raw: files.reduce((sum, file) => sum + file.raw, 0),
      gzip: files.reduce((sum, file) => sum + file.gzip, 0)
    };
  }

  private _page: Page;
  private _files: IDownload[] = [];
  private _pending: Promise<void>[] = [];
}

/**
 * Serve JupyterLab's page with the extension disabled in its page config, as
 * `jupyter labextension disable jupyterlab-agent-team` does.
 */
export async function disableInPageConfig(page: Page): Promise<void> {
  await page.route(
    url => url.pathname.startsWith('/lab/tree/'),
    async route => {
      const response = await route.fetch();
      const html = (await response.text()).replace(
        /(<script id="jupyter-config-data" type="application\/json">)([\s\S]*?)(<\/script>)/,
        (_, open: string, json: string, close: string) => {
          const config = JSON.parse(json);
          const disabled = config.disabledExtensions ?? [];
          config.disabledExtensions = Array.isArray(disabled)
            ? [...disabled, EXTENSION]
            : { ...disabled, [EXTENSION]: true };
          return open + JSON.stringify(config) + close;
        }
      );
      await route.fulfill({ response, body: html });
    }
  );
}
