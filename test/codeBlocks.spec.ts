import {
  describeNonRunnable,
  extractCodeBlocks,
  ICodeBlock
} from '../src/team/codeBlocks';

const py = (code: string, language = 'python'): ICodeBlock => ({
  language,
  code,
  runnable: true
});
const other = (language: string, code: string): ICodeBlock => ({
  language,
  code,
  runnable: false
});

describe('extractCodeBlocks', () => {
  it.each<[string, string, ICodeBlock[]]>([
    [
      'one python block after a sentence',
      "Here is the code:\n\n```python\nimport pandas as pd\ndf = pd.read_csv('cars.csv')\nprint(df.columns)\n```\n",
      [
        py(
          "import pandas as pd\ndf = pd.read_csv('cars.csv')\nprint(df.columns)"
        )
      ]
    ],
    [
      'tags py, python3, ipython, py3, ipython3 in any case',
      '```py\na = 1\n```\n```Python3\nb = 2\n```\n```IPython\nc = 3\n```\n```PY3\nd = 4\n```\n```ipython3\ne = 5\n```',
      [
        py('a = 1', 'py'),
        py('b = 2', 'python3'),
        py('c = 3', 'ipython'),
        py('d = 4', 'py3'),
        py('e = 5', 'ipython3')
      ]
    ],
    [
      'an untagged fence is Python',
      'Run this:\n```\nprint("hi")\n```',
      [py('print("hi")', '')]
    ],
    [
      'attributes after the tag',
      '```python title="plot.py" linenums="1"\nplt.show()\n```\n```{python}\nx = 1\n```\n```python:main.py\ny = 2\n```',
      [py('plt.show()'), py('x = 1'), py('y = 2')]
    ],
    [
      'other languages are kept but not runnable',
      'Install first:\n```bash\npip install seaborn\n```\nThen:\n```python\nimport seaborn as sns\n```\nThe output looks like:\n```text\n   mpg  cylinders\n0  18.0  8\n```\n```json\n{"a": 1}\n```',
      [
        other('bash', 'pip install seaborn'),
        py('import seaborn as sns'),
        other('text', '   mpg  cylinders\n0  18.0  8'),
        other('json', '{"a": 1}')
      ]
    ],
    [
      'tilde fences',
      '~~~python\nx = 1\n~~~\n~~~~sql\nSELECT 1\n~~~~',
      [py('x = 1'), other('sql', 'SELECT 1')]
    ],
    [
      'a four-backtick fence holding a triple-backtick line',
      '````python\ndoc = """\n```\nnot a fence end\n```\n"""\nprint(doc)\n````',
      [py('doc = """\n```\nnot a fence end\n```\n"""\nprint(doc)')]
    ],
    [
      'a tilde fence is not closed by backticks',
      '~~~python\ns = "```"\n```\nprint(s)\n~~~',
      [py('s = "```"\n```\nprint(s)')]
    ],
    [
      'indented fence inside a list: indentation stripped, nesting kept',
      '1. Load the data:\n   ```python\n   import pandas as pd\n   for c in cols:\n       print(c)\n   ```\n2. Done.',
      [py('import pandas as pd\nfor c in cols:\n    print(c)')]
    ],
    [
      'a fence indented 4 spaces is an indented code line, not a fence',
      'Text\n\n    ```python\n    x = 1\n    ```\n',
      []
    ],
    [
      'CRLF line endings',
      'Code:\r\n```python\r\nx = 1\r\ny = 2\r\n```\r\nDone.\r\n',
      [py('x = 1\ny = 2')]
    ],
    [
      'an unclosed last fence keeps its code (the model ran out of tokens)',
      "```python\nimport matplotlib.pyplot as plt\nplt.scatter(df['weight'], df['horsepower'])\nplt.savefig('plot.png'",
      [
        py(
          "import matplotlib.pyplot as plt\nplt.scatter(df['weight'], df['horsepower'])\nplt.savefig('plot.png'"
        )
      ]
    ],
    [
      'prose without fences is never code',
      'You should import pandas as pd and then call df.plot(). print(df) shows the data.',
      []
    ],
    [
      'inline triple backticks on one line are not a fence',
      'Use ```python print(1)``` to print, or `x = 1`.',
      []
    ],
    [
      '%pip and !pip lines are kept as they are',
      '```python\n%pip install -q seaborn\n!pip install plotly\nimport seaborn\n```',
      [py('%pip install -q seaborn\n!pip install plotly\nimport seaborn')]
    ],
    [
      'empty and blank-only blocks are dropped',
      '```python\n```\n```\n   \n\n```\n```python\nx = 1\n```',
      [py('x = 1')]
    ],
    [
      'blank lines around the code and trailing whitespace trimmed, indentation kept',
      '```python\n\n\n    x = 1   \n\n  \n```',
      [py('    x = 1')]
    ],
    [
      'a closing fence may be longer and indented',
      '```python\nx = 1\n  `````\nafter',
      [py('x = 1')]
    ],
    [
      'a fence line with text after it does not close the block',
      '```python\nx = 1\n``` not a close\ny = 2\n```',
      [py('x = 1\n``` not a close\ny = 2')]
    ]
  ])('%s', (_name, text, expected) => {
    expect(extractCodeBlocks(text)).toEqual(expected);
  });
});

describe('describeNonRunnable', () => {
  it.each<[string, ICodeBlock[], string | null]>([
    ['all runnable', [py('x = 1'), py('y = 2', '')], null],
    ['no blocks', [], null],
    [
      'one shell block',
      [other('bash', 'pip install seaborn'), py('x = 1')],
      'The ```bash block was not run: only Python runs in this notebook. Put shell steps in Python (e.g. subprocess) or drop them.'
    ],
    [
      'two blocks of one language',
      [other('sql', 'SELECT 1'), other('sql', 'SELECT 2')],
      'The 2 ```sql blocks were not run: only Python runs in this notebook. Write those steps in Python, or drop them if they were only examples.'
    ],
    [
      'several languages, shell among them',
      [other('r', 'x <- 1'), other('sh', 'ls'), other('json', '{}')],
      'The ```r, ```sh and ```json blocks were not run: only Python runs in this notebook. Put shell steps in Python (e.g. subprocess) or drop them.'
    ]
  ])('%s', (_name, blocks, expected) => {
    expect(describeNonRunnable(blocks)).toBe(expected);
  });
});
