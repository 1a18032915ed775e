import { saysTerminate } from '../src/team/terminate';
import { saysTerminate as fromCritique } from '../src/team/critique';

describe('saysTerminate', () => {
  it('is the one the team imports from critique', () => {
    expect(fromCritique).toBe(saysTerminate);
  });

  describe('said', () => {
    it.each<[string, string]>([
      [
        'on its own last line (GPT-4)',
        'The code ran successfully: the fields were printed and the scatter plot was saved to `weight_vs_horsepower.png`.\n\nTERMINATE'
      ],
      [
        'in bold after a summary (Claude)',
        'The task is complete. The plot shows a clear positive relationship between weight and horsepower, and it has been saved as `weight_hp.png`.\n\n**TERMINATE**'
      ],
      [
        'as the last word of a sentence-filled line (Llama 3)',
        'Great, the plot looks good! Let me know if you have any other questions. TERMINATE'
      ],
      [
        'with a full stop (Mixtral)',
        'All steps have been completed successfully.\n\nTERMINATE.'
      ],
      [
        'after a list (Command R)',
        'The analysis is complete:\n- The fields were printed.\n- The plot was saved to `plot.png`.\n\nTERMINATE'
      ],
      [
        'after one short sentence (Mistral 7B)',
        'I have completed the task. TERMINATE'
      ],
      ['alone', 'TERMINATE'],
      ['in bold with the stop inside', '**TERMINATE.**'],
      ['with underscores', '__TERMINATE__'],
      ['with an exclamation mark', 'Everything works. TERMINATE!'],
      [
        'before a closing remark',
        'TERMINATE\n\nLet me know if you need anything else.'
      ],
      [
        'after an emoji line that does not lead into it',
        'Let me know if you have any other questions 😊\nTERMINATE'
      ],
      ['under a heading', '## Verdict\nTERMINATE'],
      ['after a label', '**Final verdict:** TERMINATE'],
      ['after a label line', 'Final decision:\n\n**TERMINATE**'],
      [
        'with a reason earlier in the sentence',
        'All six scores are 8 or above, so TERMINATE.'
      ],
      [
        'by a Critic before its JSON',
        'Actions:\n- None needed.\n\nTERMINATE\n\n```json\n{"bugs": 9, "transformation": 9, "compliance": 9, "type": 9, "encoding": 9, "aesthetics": 8}\n```'
      ],
      [
        'by a Critic after its JSON',
        'Bugs: 9\nAesthetics: 8\n{"bugs": 9, "aesthetics": 8}\nTERMINATE'
      ],
      [
        'in a fence of its own',
        'The plot is saved and the fields are printed.\n\n```\nTERMINATE\n```'
      ],
      ['with CRLF line endings', 'Done.\r\n\r\nTERMINATE\r\n']
    ])('%s', (_name, reply) => {
      expect(saysTerminate(reply)).toBe(true);
    });
  });

  describe('mentioned, not said', () => {
    it.each<[string, string]>([
      [
        'as an instruction before a condition',
        'Reply TERMINATE if everything is done.'
      ],
      [
        'as something the user may type (Llama 3)',
        'Let me know if you want any changes. You may type TERMINATE to end the conversation.'
      ],
      [
        'as something to be said later (Claude)',
        'Once you confirm the plot was saved, I will say TERMINATE.'
      ],
      [
        'in single quotes (Mixtral)',
        "If the plot looks right, respond with 'TERMINATE'"
      ],
      [
        'in double quotes, echoing the AutoGen system message',
        'Please execute the code and let me know the output. Reply "TERMINATE" in the end when everything is done.'
      ],
      [
        'in inline code (Command R)',
        'Note: the conversation ends when someone replies `TERMINATE`.'
      ],
      ['as inline code alone', '`TERMINATE`'],
      [
        'after "reply with" at the end (Mistral 7B)',
        'Note: Once the code runs successfully, please reply with TERMINATE.'
      ],
      [
        'as the answer to give when done (GPT-4)',
        "```python\nimport pandas as pd\nprint(pd.read_csv('cars.csv').columns)\n```\n\nWhen the fields look right, reply with TERMINATE."
      ],
      [
        'on a line introduced by "reply with:"',
        'If everything looks good, reply with:\n\nTERMINATE'
      ],
      [
        'in a fence introduced by "reply with:"',
        'To end the chat, reply with:\n```\nTERMINATE\n```'
      ],
      [
        'on a line that finishes a wrapped instruction',
        'If you are satisfied with the result, please reply\nTERMINATE'
      ],
      ['as a question', 'The plot has every label now. Should we TERMINATE?'],
      [
        'negated (a Critic holding back)',
        'The plot still lacks a title, so I will not TERMINATE.'
      ],
      ['negated with a contraction', "Don't TERMINATE yet."],
      ['mid-sentence', 'I cannot TERMINATE until the plot is saved to a file.'],
      ['as one of two options', 'Next step: CONTINUE or TERMINATE.'],
      ['as the keyword', 'The keyword to end the conversation is TERMINATE.'],
      ['in parentheses', 'Scores are below. (TERMINATE)'],
      ['followed by more of its sentence', 'TERMINATE: all goals met'],
      ['in a block quote', '> TERMINATE\n\nI will add the title next.'],
      ['inside code', "```python\nif done:\n    print('TERMINATE')\n```"],
      ['as a longer word', 'The code looks fine to me. TERMINATED.'],
      ['inside a longer word', 'NOTERMINATE'],
      ['in lower case', 'Everything is done, you can terminate now.']
    ])('%s', (_name, reply) => {
      expect(saysTerminate(reply)).toBe(false);
    });
  });
});
