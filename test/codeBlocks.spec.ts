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
/** An untagged fence that is not Python. */
const untagged = (
  looksLike: 'shell' | 'output' | 'terminate',
  code: string
): ICodeBlock => ({ language: '', code, runnable: false, looksLike });

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

describe('extractCodeBlocks: untagged fences in real replies', () => {
  it.each<[string, string, ICodeBlock[]]>([
    [
      'install step before the code (GPT-4)',
      "First, make sure seaborn is installed:\n\n```\npip install seaborn\n```\n\nThen run the following code:\n\n```python\nimport pandas as pd\nimport seaborn as sns\n\ncars = pd.read_csv('cars.csv')\nsns.scatterplot(data=cars, x='weight', y='horsepower')\n```\n",
      [
        untagged('shell', 'pip install seaborn'),
        py(
          "import pandas as pd\nimport seaborn as sns\n\ncars = pd.read_csv('cars.csv')\nsns.scatterplot(data=cars, x='weight', y='horsepower')"
        )
      ]
    ],
    [
      'a script to save, then a command to run it (AutoGen style)',
      "```python\n# filename: plot_cars.py\nimport pandas as pd\nimport matplotlib.pyplot as plt\n\ndf = pd.read_csv('cars.csv')\nprint(df.columns.tolist())\nplt.scatter(df['weight'], df['horsepower'])\nplt.savefig('weight_hp.png')\n```\n\nSave the code above in a file named `plot_cars.py` and execute it:\n\n```\npython plot_cars.py\n```\n\nAfter the script runs, you will find `weight_hp.png` in the same folder.",
      [
        py(
          "# filename: plot_cars.py\nimport pandas as pd\nimport matplotlib.pyplot as plt\n\ndf = pd.read_csv('cars.csv')\nprint(df.columns.tolist())\nplt.scatter(df['weight'], df['horsepower'])\nplt.savefig('weight_hp.png')"
        ),
        untagged('shell', 'python plot_cars.py')
      ]
    ],
    [
      'untagged Python still runs (Llama 3)',
      "Here is the Python code to plot the relationship between weight and horsepower:\n```\nimport pandas as pd\nimport matplotlib.pyplot as plt\n\n# Load the data\ncars = pd.read_csv('cars.csv')\n\n# Print the fields\nprint(cars.columns)\n```\nThis code will print the column names.",
      [
        py(
          "import pandas as pd\nimport matplotlib.pyplot as plt\n\n# Load the data\ncars = pd.read_csv('cars.csv')\n\n# Print the fields\nprint(cars.columns)",
          ''
        )
      ]
    ],
    [
      'a comment line first, then a shell command',
      'Install the dependencies:\n```\n# install dependencies\npip3 install pandas matplotlib seaborn\n```',
      [
        untagged(
          'shell',
          '# install dependencies\npip3 install pandas matplotlib seaborn'
        )
      ]
    ],
    [
      'terminal prompts, chained commands, conda, exports, downloads',
      '```\n$ python3 -m pip install --upgrade pandas\n```\n```\ncd example && python plot.py\n```\n```\nconda install -c conda-forge seaborn -y\n```\n```\nexport MPLBACKEND=Agg\n```\n```\nwget https://example.org/cars.csv\n```\n```\ncurl -O https://example.org/cars.csv\n```\n```\nmkdir -p plots\nls\n```\n```\njupyter nbconvert --to html analysis.ipynb\n```\n```\nsudo apt-get install -y graphviz\n```\n```\n#!/bin/bash\nset -e\n```',
      [
        untagged('shell', '$ python3 -m pip install --upgrade pandas'),
        untagged('shell', 'cd example && python plot.py'),
        untagged('shell', 'conda install -c conda-forge seaborn -y'),
        untagged('shell', 'export MPLBACKEND=Agg'),
        untagged('shell', 'wget https://example.org/cars.csv'),
        untagged('shell', 'curl -O https://example.org/cars.csv'),
        untagged('shell', 'mkdir -p plots\nls'),
        untagged('shell', 'jupyter nbconvert --to html analysis.ipynb'),
        untagged('shell', 'sudo apt-get install -y graphviz'),
        untagged('shell', '#!/bin/bash\nset -e')
      ]
    ],
    [
      'IPython magics and ! lines run: the kernel takes them (Command R)',
      '```\n%pip install seaborn\n```\n```\n!pip install -q plotly\nimport plotly.express as px\n```\n```\n%%bash\nls -la\n```\n```\n%matplotlib inline\n```',
      [
        py('%pip install seaborn', ''),
        py('!pip install -q plotly\nimport plotly.express as px', ''),
        py('%%bash\nls -la', ''),
        py('%matplotlib inline', '')
      ]
    ],
    [
      'Python names that are also commands stay Python',
      "```\nls = os.listdir('.')\nprint(ls)\n```\n```\nhead = df.head()\nhead\n```\n```\nsource = pd.read_csv('cars.csv')\n```\n```\npython_version = sys.version\n```\n```\ncat (x)\n```\n```\n#!/usr/bin/env python\nimport sys\n```\n```\nhead\n```",
      [
        py("ls = os.listdir('.')\nprint(ls)", ''),
        py('head = df.head()\nhead', ''),
        py("source = pd.read_csv('cars.csv')", ''),
        py('python_version = sys.version', ''),
        py('cat (x)', ''),
        py('#!/usr/bin/env python\nimport sys', ''),
        py('head', '')
      ]
    ],
    [
      'a ```python block always runs, even with a shell line in it (Mistral 7B)',
      '```python\npip install seaborn\nimport seaborn as sns\n```',
      [py('pip install seaborn\nimport seaborn as sns')]
    ],
    [
      'invented output after the code (Mistral 7B)',
      "```python\nimport pandas as pd\ndf = pd.read_csv('cars.csv')\nprint(df.head(3))\n```\n\nOutput:\n```\nOutput:\n    mpg  cylinders  displacement  horsepower  weight\n0  18.0          8         307.0       130.0    3504\n1  15.0          8         350.0       165.0    3693\n2  18.0          8         318.0       150.0    3436\n```",
      [
        py(
          "import pandas as pd\ndf = pd.read_csv('cars.csv')\nprint(df.head(3))"
        ),
        untagged(
          'output',
          'Output:\n    mpg  cylinders  displacement  horsepower  weight\n0  18.0          8         307.0       130.0    3504\n1  15.0          8         350.0       165.0    3693\n2  18.0          8         318.0       150.0    3436'
        )
      ]
    ],
    [
      'a printed DataFrame, Series, list, shape, repr and traceback (Mixtral)',
      "The fields are:\n```\n['mpg', 'cylinders', 'displacement', 'horsepower', 'weight', 'acceleration', 'model_year', 'origin', 'name']\n```\nand the shape:\n```\n(398, 9)\n```\nThe first rows look like:\n```\n    mpg  cylinders  ...  origin                       name\n0  18.0          8  ...     usa  chevrolet chevelle malibu\n1  15.0          8  ...     usa          buick skylark 320\n\n[2 rows x 9 columns]\n```\n```\nmpg             float64\ncylinders         int64\nname             object\ndtype: object\n```\n```\ncount    398.000000\nmean      23.514573\nstd        7.815984\nName: mpg, dtype: float64\n```\n```\n<Figure size 1000x600 with 1 Axes>\n```\n```\nTraceback (most recent call last):\n  File \"<stdin>\", line 3, in <module>\nKeyError: 'hp'\n```\n```\nKeyError: 'hp'\n```\n```\nOut[3]: (398, 9)\n```\n```\nExpected output\n[[1 2]\n [3 4]]\n```",
      [
        untagged(
          'output',
          "['mpg', 'cylinders', 'displacement', 'horsepower', 'weight', 'acceleration', 'model_year', 'origin', 'name']"
        ),
        untagged('output', '(398, 9)'),
        untagged(
          'output',
          '    mpg  cylinders  ...  origin                       name\n0  18.0          8  ...     usa  chevrolet chevelle malibu\n1  15.0          8  ...     usa          buick skylark 320\n\n[2 rows x 9 columns]'
        ),
        untagged(
          'output',
          'mpg             float64\ncylinders         int64\nname             object\ndtype: object'
        ),
        untagged(
          'output',
          'count    398.000000\nmean      23.514573\nstd        7.815984\nName: mpg, dtype: float64'
        ),
        untagged('output', '<Figure size 1000x600 with 1 Axes>'),
        untagged(
          'output',
          'Traceback (most recent call last):\n  File "<stdin>", line 3, in <module>\nKeyError: \'hp\''
        ),
        untagged('output', "KeyError: 'hp'"),
        untagged('output', 'Out[3]: (398, 9)'),
        untagged('output', 'Expected output\n[[1 2]\n [3 4]]')
      ]
    ],
    [
      'output only when sure: code that prints, computes or annotates stays Python',
      "```\nprint(df.shape)\n(398, 9)\n```\n```\n(df['mpg'] > 20).sum()\n```\n```\n(3 + 4) * 2\n```\n```\nOutput = df.copy()\n```\n```\nResult: int = 0\n```\n```\nresult: pd.DataFrame = df.head()\n```\n```\ntotal = 0\nfor w in weights:\n    total += w\n```\n```\ndf.shape\ndf.columns\n```\n```\nx - 1\ny - 2\n```",
      [
        py('print(df.shape)\n(398, 9)', ''),
        py("(df['mpg'] > 20).sum()", ''),
        py('(3 + 4) * 2', ''),
        py('Output = df.copy()', ''),
        py('Result: int = 0', ''),
        py('result: pd.DataFrame = df.head()', ''),
        py('total = 0\nfor w in weights:\n    total += w', ''),
        py('df.shape\ndf.columns', ''),
        py('x - 1\ny - 2', '')
      ]
    ],
    [
      'a fenced TERMINATE is a signal, not code',
      'The plot is saved and the fields are printed.\n\n```\nTERMINATE\n```',
      [untagged('terminate', 'TERMINATE')]
    ],
    [
      'tagged shell and text fences keep their tag and are not classified',
      '```bash\npip install seaborn\n```\n```console\n$ python plot.py\nSaved weight_hp.png\n```\n```text\nOutput:\n42\n```',
      [
        other('bash', 'pip install seaborn'),
        other('console', '$ python plot.py\nSaved weight_hp.png'),
        other('text', 'Output:\n42')
      ]
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
      'one ```bash block installing a package',
      [other('bash', 'pip install seaborn'), py('x = 1')],
      'The ```bash block starting `pip install seaborn` was not run: only Python runs in this notebook. To install a package, use `%pip install seaborn` in a ```python block.'
    ],
    [
      'two blocks of one language',
      [other('sql', 'SELECT 1'), other('sql', 'SELECT 2')],
      'The 2 ```sql blocks were not run: only Python runs in this notebook. Write those steps in Python, or drop them if they were only examples.'
    ],
    [
      'several languages, shell among them',
      [other('r', 'x <- 1'), other('sh', 'ls'), other('json', '{}')],
      'The ```sh block starting `ls` was not run: only Python runs in this notebook. Put shell steps in Python (e.g. with os, shutil or subprocess) or drop them. The ```r and ```json blocks were not run either. Write those steps in Python, or drop them if they were only examples.'
    ],
    [
      'a fenced TERMINATE needs no note',
      [py('x = 1'), untagged('terminate', 'TERMINATE')],
      null
    ]
  ])('%s', (_name, blocks, expected) => {
    expect(describeNonRunnable(blocks)).toBe(expected);
  });

  it.each<[string, string, string | null]>([
    [
      'an untagged pip install before the code',
      'First, install seaborn:\n\n```\npip install seaborn\n```\n\nThen:\n\n```python\nimport seaborn as sns\n```',
      'The block starting `pip install seaborn` looks like a shell command and was not run: only Python runs in this notebook. To install a package, use `%pip install seaborn` in a ```python block.'
    ],
    [
      'a command to run the script the Coder just wrote',
      '```python\n# filename: plot_cars.py\nimport pandas as pd\n```\n\nSave it as plot_cars.py and run:\n\n```\npython plot_cars.py\n```',
      'The block starting `python plot_cars.py` looks like a shell command and was not run: only Python runs in this notebook. To run a script, put its code in a ```python block.'
    ],
    [
      'install and run in one ```bash block',
      '```bash\npip install pandas matplotlib\npython plot.py\n```',
      'The ```bash block starting `pip install pandas matplotlib` was not run: only Python runs in this notebook. To install a package, use `%pip install pandas matplotlib` in a ```python block; to run a script, put its code in a ```python block.'
    ],
    [
      'a ```console session: only the $ lines are commands',
      '```console\n$ pip install seaborn\nCollecting seaborn\n  Downloading seaborn-0.13.2-py3-none-any.whl (294 kB)\nSuccessfully installed seaborn-0.13.2\n```',
      'The ```console block starting `$ pip install seaborn` was not run: only Python runs in this notebook. To install a package, use `%pip install seaborn` in a ```python block.'
    ],
    [
      'python -m pip behind a prompt',
      '```\n$ python3 -m pip install --upgrade pandas\n```',
      'The block starting `$ python3 -m pip install --upgrade pandas` looks like a shell command and was not run: only Python runs in this notebook. To install a package, use `%pip install --upgrade pandas` in a ```python block.'
    ],
    [
      'a directory step',
      '```\nmkdir -p plots\n```',
      'The block starting `mkdir -p plots` looks like a shell command and was not run: only Python runs in this notebook. Put shell steps in Python (e.g. with os, shutil or subprocess) or drop them.'
    ],
    [
      'shell, made-up output and SQL in one reply',
      '```\nconda install -c conda-forge seaborn -y\n```\n```\ncd example && python plot.py\n```\n```\nOutput:\n42\n```\n```sql\nSELECT 1\n```',
      'The blocks starting `conda install -c conda-forge seaborn -y` and `cd example && python plot.py` are shell commands and were not run: only Python runs in this notebook. To install a package, use `%conda install -c conda-forge seaborn -y` in a ```python block; to run a script, put its code in a ```python block; put other shell steps in Python (e.g. with os, shutil or subprocess) or drop them. The block starting `Output:` looks like output, not code, and was not run. Do not write out what the code prints: the real output comes back to you after the code runs. The ```sql block was not run either. Write those steps in Python, or drop them if they were only examples.'
    ],
    [
      'made-up output after the code',
      "```python\nprint(df.columns.tolist())\n```\nThe output will be:\n```\n['mpg', 'cylinders', 'displacement']\n```\n```\nOut[2]: (398, 9)\n```",
      "The blocks starting `['mpg', 'cylinders', 'displacement']` and `Out[2]: (398, 9)` look like output, not code, and were not run. Do not write out what the code prints: the real output comes back to you after the code runs."
    ],
    [
      'a long first line is shortened',
      '```\njupyter nbconvert --to notebook --execute analysis.ipynb --output analysis_run.ipynb\n```',
      'The block starting `jupyter nbconvert --to notebook --execute analysis.ipynb…` looks like a shell command and was not run: only Python runs in this notebook. Put shell steps in Python (e.g. with os, shutil or subprocess) or drop them.'
    ]
  ])('%s', (_name, reply, expected) => {
    expect(describeNonRunnable(extractCodeBlocks(reply))).toBe(expected);
  });
});
