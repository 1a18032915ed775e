/**
 * Markdown through JupyterLab's rendermime: sanitized (untrusted), with code
 * highlighted as in notebooks. The registry is the model-text clone (see
 * modelTextRendermime.ts), so nothing in a reply loads from the network or
 * navigates without a click. While a message streams it shows plain text,
 * so each token does not re-render the Markdown.
 */
import { MimeModel, IRenderMimeRegistry } from '@jupyterlab/rendermime';
import * as React from 'react';

export interface IMarkdownProps {
  text: string;
  streaming: boolean;
  rendermime: IRenderMimeRegistry;
}

export function Markdown(props: IMarkdownProps): JSX.Element {
  const { text, streaming, rendermime } = props;
  const host = React.useRef<HTMLDivElement>(null);

  React.useEffect(() => {
    if (streaming || !host.current) {
      return;
    }
    const renderer = rendermime.createRenderer('text/markdown');
    const model = new MimeModel({
      data: { 'text/markdown': text },
      trusted: false
    });
    let disposed = false;
    const node = host.current;
    void renderer.renderModel(model).then(() => {
      if (!disposed) {
        node.replaceChildren(renderer.node);
        // Code blocks scroll sideways: keyboard users must reach them too.
        node.querySelectorAll('pre').forEach(pre => {
          pre.tabIndex = 0;
        });
      }
    });
    return () => {
      disposed = true;
      renderer.dispose();
    };
  }, [text, streaming, rendermime]);

  if (streaming) {
    return <div className="jp-AgentTeam-StreamingText">{text}</div>;
  }
  return <div className="jp-AgentTeam-Markdown" ref={host} />;
}
