import { expect, test } from '@jupyterlab/galata';

/**
 * Smoke tests: the installed extension loads in a real JupyterLab, and the
 * kernel stack the agents rely on (ipykernel + pandas + matplotlib) works.
 */

const SIDEBAR_ID = 'agent-team-sidebar';
const PLUGIN_PREFIX = 'jupyterlab-agent-team:';

test.describe('smoke', () => {
  test('the extension is loaded and adds the Agent Team tab to the left sidebar', async ({
    page
  }) => {
    const plugins = await page.evaluate((prefix: string) => {
      const app = window.jupyterapp;
      return app
        .listPlugins()
        .filter(id => id.startsWith(prefix))
        .map(id => ({ id, activated: app.isPluginActivated(id) }));
    }, PLUGIN_PREFIX);
    expect(plugins.length).toBeGreaterThan(0);
    for (const plugin of plugins) {
      expect(plugin, `${plugin.id} should be activated`).toEqual({
        id: plugin.id,
        activated: true
      });
    }

    const tab = page.sidebar.getTabLocator(SIDEBAR_ID);
    await expect(tab).toBeVisible();
    expect(await page.sidebar.getTabPosition(SIDEBAR_ID)).toBe('left');
    // An icon-only tab carries its title as the tooltip (caption).
    const tabText = `${(await tab.getAttribute('title')) ?? ''} ${await tab.innerText()}`;
    expect(tabText).toContain('Agent Team');

    await page.sidebar.openTab(SIDEBAR_ID);
    await expect(page.locator(`#${SIDEBAR_ID}`)).toBeVisible();
  });

  test('a notebook kernel runs pandas and matplotlib', async ({ page }) => {
    await page.notebook.createNew('smoke.ipynb');
    await page.notebook.setCell(
      0,
      'code',
      'import pandas, matplotlib; print(pandas.__version__)'
    );
    await page.notebook.runCell(0);
    const output = await page.notebook.getCellTextOutput(0);
    expect(output).not.toBeNull();
    expect((output ?? []).join('')).toMatch(/^\s*\d+\.\d+\.\d+/);
  });
});
