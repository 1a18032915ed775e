import { LabIcon } from '@jupyterlab/ui-components';

const robotSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M11 2h2v3h-2z"/>
    <circle cx="12" cy="2.5" r="1.5"/>
    <path d="M6 6h12a3 3 0 0 1 3 3v8a3 3 0 0 1-3 3H6a3 3 0 0 1-3-3V9a3 3 0 0 1 3-3zm2.5 4.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm7 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zM8 16v1.5h8V16z"/>
    <path d="M1 10h1.5v5H1zM21.5 10H23v5h-1.5z"/>
  </g>
</svg>`;

export const robotIcon = new LabIcon({
  name: 'jupyterlab-agent-team:robot',
  svgstr: robotSvg
});
