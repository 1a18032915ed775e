/**
 * The code that loads on first need: the model client at the first call, the
 * team at the first use; each loads once, and a failed load is tried again.
 */
import { nullTranslator } from '@jupyterlab/translation';

import { LazyTeam, type ITeam } from '../src/lazyTeam';
import { LazyChatModel } from '../src/llm/lazyChatModel';
import { ChatModelError, type IChatRequest } from '../src/team/types';
import { ScriptedModel } from './teamFakes';

const trans = nullTranslator.load('jupyterlab_agent_team');
const request: IChatRequest = {
  agent: 'coder',
  messages: [{ role: 'user', content: 'hello' }]
};

describe('LazyChatModel', () => {
  it('loads the client on the first call only', async () => {
    const client = new ScriptedModel({ coder: ['one', 'two'] });
    const load = jest.fn(async () => client);
    const model = new LazyChatModel(load, trans);
    expect(load).not.toHaveBeenCalled();

    const answers = await Promise.all([
      model.complete(request),
      model.complete(request)
    ]);
    expect(answers.map(answer => answer.text)).toEqual(['one', 'two']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('turns a failed load into a model error, and tries again on the next call', async () => {
    const client = new ScriptedModel({ coder: ['loaded'] });
    const load = jest
      .fn()
      .mockRejectedValueOnce(new Error('Loading chunk 226 failed.'))
      .mockResolvedValueOnce(client);
    const model = new LazyChatModel(load, trans);

    const failure = model.complete(request);
    await expect(failure).rejects.toBeInstanceOf(ChatModelError);
    await expect(failure).rejects.toThrow(
      'Could not load the model client from the Jupyter server: Loading chunk 226 failed.'
    );
    expect((await model.complete(request)).text).toBe('loaded');
    expect(load).toHaveBeenCalledTimes(2);
  });
});

describe('LazyTeam', () => {
  const team = {} as ITeam;

  it('builds once, on the first get', async () => {
    const build = jest.fn(async () => team);
    const lazy = new LazyTeam(build);
    let built: ITeam | null = null;
    void lazy.built.then(value => (built = value));
    expect(lazy.current).toBeNull();
    expect(build).not.toHaveBeenCalled();

    expect(await Promise.all([lazy.get(), lazy.get()])).toEqual([team, team]);
    expect(build).toHaveBeenCalledTimes(1);
    expect(lazy.current).toBe(team);
    await lazy.built;
    expect(built).toBe(team);
  });

  it('builds again after a failed build', async () => {
    const build = jest
      .fn()
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValueOnce(team);
    const lazy = new LazyTeam(build);

    await expect(lazy.get()).rejects.toThrow('offline');
    expect(lazy.current).toBeNull();
    expect(await lazy.get()).toBe(team);
    expect(build).toHaveBeenCalledTimes(2);
  });
});
