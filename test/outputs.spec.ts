import { deflateSync } from 'zlib';
import { stripAnsi, toModelOutput, truncateMiddle } from '../src/team/outputs';
import type { IRawOutput } from '../src/team/types';

/** A real 1×1 RGBA PNG. */
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** Build a complete, valid black RGB PNG of the given size. */
function makePng(width: number, height: number): string {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return c >>> 0;
  });
  const crc32 = (bytes: Buffer): number => {
    let c = 0xffffffff;
    for (const byte of bytes) {
      c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    }
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0))
  ]).toString('base64');
}

const PNG_640X480 = makePng(640, 480);

/** As a kernel sends it: base64 wrapped at 76 columns. */
const wrapped = (base64: string): string =>
  base64.replace(/.{76}/g, '$&\n') + '\n';

const figure = (png: string): IRawOutput => ({
  output_type: 'display_data',
  data: {
    'image/png': png,
    'text/plain': '<Figure size 640x480 with 1 Axes>'
  }
});

/** The error output of `df['hp']` on a frame without that column, as ipykernel sends it. */
const PANDAS_KEY_ERROR: IRawOutput = {
  output_type: 'error',
  ename: 'KeyError',
  evalue: "'hp'",
  traceback: [
    '\u001b[0;31m---------------------------------------------------------------------------\u001b[0m',
    '\u001b[0;31mKeyError\u001b[0m                                  Traceback (most recent call last)',
    'File \u001b[0;32m~/.venv/lib/python3.11/site-packages/pandas/core/indexes/base.py:3805\u001b[0m, in \u001b[0;36mIndex.get_loc\u001b[0;34m(self, key)\u001b[0m\n\u001b[1;32m   3804\u001b[0m \u001b[38;5;28;01mtry\u001b[39;00m:\n\u001b[0;32m-> 3805\u001b[0m     \u001b[38;5;28;01mreturn\u001b[39;00m \u001b[38;5;28mself\u001b[39m\u001b[38;5;241m.\u001b[39m_engine\u001b[38;5;241m.\u001b[39mget_loc(casted_key)\n\u001b[1;32m   3806\u001b[0m \u001b[38;5;28;01mexcept\u001b[39;00m \u001b[38;5;167;01mKeyError\u001b[39;00m \u001b[38;5;28;01mas\u001b[39;00m err:\n',
    'File \u001b[0;32mindex.pyx:167\u001b[0m, in \u001b[0;36mpandas._libs.index.IndexEngine.get_loc\u001b[0;34m()\u001b[0m\n',
    'File \u001b[0;32mpandas/_libs/hashtable_class_helper.pxi:7089\u001b[0m, in \u001b[0;36mpandas._libs.hashtable.PyObjectHashTable.get_item\u001b[0;34m()\u001b[0m\n',
    "\u001b[0;31mKeyError\u001b[0m: 'hp'",
    '\nThe above exception was the direct cause of the following exception:\n',
    '\u001b[0;31mKeyError\u001b[0m                                  Traceback (most recent call last)',
    "Cell \u001b[0;32mIn[3], line 4\u001b[0m\n\u001b[1;32m      2\u001b[0m \u001b[38;5;28;01mimport\u001b[39;00m \u001b[38;5;21;01mmatplotlib\u001b[39;00m\u001b[38;5;21;01m.\u001b[39;00m\u001b[38;5;21;01mpyplot\u001b[39;00m \u001b[38;5;28;01mas\u001b[39;00m \u001b[38;5;21;01mplt\u001b[39;00m\n\u001b[1;32m      3\u001b[0m df \u001b[38;5;241m=\u001b[39m pd\u001b[38;5;241m.\u001b[39mread_csv(\u001b[38;5;124m'\u001b[39m\u001b[38;5;124mcars.csv\u001b[39m\u001b[38;5;124m'\u001b[39m)\n\u001b[0;32m----> 4\u001b[0m plt\u001b[38;5;241m.\u001b[39mscatter(df[\u001b[38;5;124m'\u001b[39m\u001b[38;5;124mWeight_in_lbs\u001b[39m\u001b[38;5;124m'\u001b[39m], \u001b[43mdf\u001b[49m\u001b[43m[\u001b[49m\u001b[38;5;124;43m'\u001b[39;49m\u001b[38;5;124;43mhp\u001b[39;49m\u001b[38;5;124;43m'\u001b[39;49m\u001b[43m]\u001b[49m)\n",
    'File \u001b[0;32m~/.venv/lib/python3.11/site-packages/pandas/core/frame.py:4102\u001b[0m, in \u001b[0;36mDataFrame.__getitem__\u001b[0;34m(self, key)\u001b[0m\n\u001b[1;32m   4100\u001b[0m \u001b[38;5;28;01mif\u001b[39;00m \u001b[38;5;28mself\u001b[39m\u001b[38;5;241m.\u001b[39mcolumns\u001b[38;5;241m.\u001b[39mnlevels \u001b[38;5;241m>\u001b[39m \u001b[38;5;241m1\u001b[39m:\n\u001b[0;32m-> 4102\u001b[0m indexer \u001b[38;5;241m=\u001b[39m \u001b[38;5;28;43mself\u001b[39;49m\u001b[38;5;241;43m.\u001b[39;49m\u001b[43mcolumns\u001b[49m\u001b[38;5;241;43m.\u001b[39;49m\u001b[43mget_loc\u001b[49m\u001b[43m(\u001b[49m\u001b[43mkey\u001b[49m\u001b[43m)\u001b[49m\n',
    "\u001b[0;31mKeyError\u001b[0m: 'hp'"
  ]
};

describe('stripAnsi', () => {
  it.each<[string, string, string]>([
    ['SGR colours', '\u001b[0;31mKeyError\u001b[0m: x', 'KeyError: x'],
    ['256-colour SGR', '\u001b[38;5;124mcars\u001b[39m', 'cars'],
    [
      'cursor and erase CSI',
      '\u001b[2K\u001b[1G\u001b[?25lDone\u001b[?25h',
      'Done'
    ],
    ['8-bit CSI', '\u009b1mbold\u009b0m', 'bold'],
    [
      'OSC 8 hyperlink ended by BEL',
      '\u001b]8;;file:///home/u/a.py\u0007a.py\u001b]8;;\u0007:3',
      'a.py:3'
    ],
    ['OSC title ended by ST', '\u001b]0;title\u001b\\text', 'text'],
    ['charset selection', '\u001b(Bplain', 'plain'],
    ['no escapes', "plain 'text' [1]", "plain 'text' [1]"]
  ])('%s', (_name, input, expected) => {
    expect(stripAnsi(input)).toBe(expected);
  });
});

describe('truncateMiddle', () => {
  const text = 'h'.repeat(12_000) + 't'.repeat(10_345);

  it.each<[string, string, number, string]>([
    ['short text unchanged', 'abc', 10, 'abc'],
    ['exactly the limit unchanged', 'abcde', 5, 'abcde'],
    ['no limit when 0', 'x'.repeat(50), 0, 'x'.repeat(50)],
    ['no limit when negative', 'x'.repeat(50), -1, 'x'.repeat(50)],
    [
      '60% head, 40% tail, cut counted',
      'a'.repeat(600) + 'b'.repeat(400),
      100,
      'a'.repeat(60) + '\n… [900 characters cut] …\n' + 'b'.repeat(40)
    ],
    [
      'odd limit rounds the head up',
      '0123456789',
      5,
      '012\n… [5 characters cut] …\n89'
    ],
    [
      'thousands separators in the note',
      text,
      1000,
      'h'.repeat(600) + '\n… [21,345 characters cut] …\n' + 't'.repeat(400)
    ]
  ])('%s', (_name, input, maxChars, expected) => {
    expect(truncateMiddle(input, maxChars)).toBe(expected);
  });

  it('never splits a surrogate pair', () => {
    const result = truncateMiddle('ab😀cdefghij', 5);
    expect(result.startsWith('ab\n')).toBe(true);
    expect(result).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('toModelOutput', () => {
  const noLimit = { maxChars: 0, vision: false };

  it.each<[string, IRawOutput[], string]>([
    ['no output', [], ''],
    [
      'stdout chunks joined, even mid-line',
      [
        { output_type: 'stream', name: 'stdout', text: 'Index(["Name", ' },
        {
          output_type: 'stream',
          name: 'stdout',
          text: '"Miles_per_Gallon"])\n'
        }
      ],
      'Index(["Name", "Miles_per_Gallon"])'
    ],
    [
      'multiline text as a list of lines',
      [
        {
          output_type: 'stream',
          name: 'stdout',
          text: ['rows: 406\n', 'cols: 9\n']
        }
      ],
      'rows: 406\ncols: 9'
    ],
    [
      'stderr lines prefixed, stdout not',
      [
        { output_type: 'stream', name: 'stdout', text: 'loaded\n' },
        {
          output_type: 'stream',
          name: 'stderr',
          text: "/tmp/ipykernel_41/123.py:3: FutureWarning: use 'ME'\n  df.resample('M')\n"
        },
        { output_type: 'stream', name: 'stdout', text: 'done\n' }
      ],
      "loaded\n[stderr] /tmp/ipykernel_41/123.py:3: FutureWarning: use 'ME'\n[stderr]   df.resample('M')\ndone"
    ],
    [
      'progress bars redrawn with \\r keep their last state',
      [
        {
          output_type: 'stream',
          name: 'stderr',
          text: '\u001b[32m 10%\u001b[0m|#         |\r\u001b[32m100%\u001b[0m|##########|\n'
        }
      ],
      '[stderr] 100%|##########|'
    ],
    [
      'execute_result prefers text/plain over html',
      [
        {
          output_type: 'execute_result',
          data: {
            'text/plain': ['   mpg  cyl\n', '0  18.0    8'],
            'text/html': '<table><tr><td>18.0</td></tr></table>'
          }
        }
      ],
      '   mpg  cyl\n0  18.0    8'
    ],
    [
      'html only: tags stripped and said so',
      [
        {
          output_type: 'display_data',
          data: {
            'text/html':
              '<style scoped>.df td {color: red}</style><table class="dataframe"><thead><tr><th>Name</th><th>hp</th></tr></thead><tbody><tr><td>ford &amp; co</td><td>130</td></tr></tbody></table>'
          }
        }
      ],
      '[HTML output, tags stripped]\nName\thp\nford & co\t130'
    ],
    [
      'an error with no frames: the exception once',
      [
        {
          output_type: 'error',
          ename: 'NameError',
          evalue: "name 'df' is not defined",
          traceback: [
            '\u001b[0;31mNameError\u001b[0m                                 Traceback (most recent call last)',
            "\u001b[0;31mNameError\u001b[0m: name 'df' is not defined"
          ]
        }
      ],
      "NameError: name 'df' is not defined"
    ],
    [
      'jpeg and svg images are named only',
      [
        { output_type: 'display_data', data: { 'image/jpeg': '/9j/4AAQ' } },
        {
          output_type: 'display_data',
          data: { 'image/svg+xml': '<svg></svg>', 'text/plain': '<IPython>' }
        }
      ],
      '[image/jpeg output]\n[image/svg+xml output]'
    ],
    [
      'an unknown mime type is named',
      [
        {
          output_type: 'display_data',
          data: {
            'application/vnd.jupyter.widget-view+json': { model_id: 'x' }
          }
        }
      ],
      '[application/vnd.jupyter.widget-view+json output]'
    ],
    [
      'outputs of unknown type are skipped',
      [
        { output_type: 'update_display_data' },
        { output_type: 'stream', name: 'stdout', text: 'ok\n' }
      ],
      'ok'
    ]
  ])('%s', (_name, outputs, expected) => {
    expect(toModelOutput(outputs, noLimit).text).toBe(expected);
  });

  it('reads a real pandas KeyError traceback without ANSI codes, pandas internals collapsed', () => {
    const { text, images } = toModelOutput([PANDAS_KEY_ERROR], noLimit);
    expect(images).toEqual([]);
    expect(text).not.toContain('\u001b');
    expect(text.split('\n')[0]).toBe('Cell In[3], line 4');
    expect(text).toContain(
      "----> 4 plt.scatter(df['Weight_in_lbs'], df['hp'])"
    );
    expect(text).toContain('(1 frame inside pandas)');
    // Of the chain, only the exception raised through the cell.
    expect(text).not.toContain('The above exception');
    // The rule of dashes IPython opens with tells a model nothing.
    expect(text).not.toMatch(/^-{10,}$/m);
    expect(text.endsWith("KeyError: 'hp'")).toBe(true);
  });

  it('cuts the joined text to maxChars with head and tail', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `row ${i}\n`).join('');
    const { text } = toModelOutput(
      [{ output_type: 'stream', name: 'stdout', text: lines }],
      { maxChars: 200, vision: false }
    );
    const full = lines.replace(/\n$/, '');
    expect(text).toBe(
      full.slice(0, 120) +
        `\n… [${(full.length - 200).toLocaleString('en-US')} characters cut] …\n` +
        full.slice(full.length - 80)
    );
    expect(text.startsWith('row 0\n')).toBe(true);
    expect(text.endsWith('row 499')).toBe(true);
  });

  it.each<[string, string, boolean, string, string[]]>([
    [
      '640×480 plot, vision off: size only, nothing attached',
      PNG_640X480,
      false,
      '[PNG image 640×480]',
      []
    ],
    [
      '640×480 plot, vision on: attached',
      PNG_640X480,
      true,
      '[PNG image 640×480, attached]',
      [PNG_640X480]
    ],
    [
      'wrapped base64 is attached without whitespace',
      wrapped(PNG_640X480),
      true,
      '[PNG image 640×480, attached]',
      [PNG_640X480]
    ],
    ['a 1×1 PNG', PNG_1X1, true, '[PNG image 1×1, attached]', [PNG_1X1]],
    [
      'a data: URL prefix is removed',
      `data:image/png;base64,${PNG_1X1}`,
      true,
      '[PNG image 1×1, attached]',
      [PNG_1X1]
    ],
    [
      'not a PNG: never attached',
      '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHR',
      true,
      '[PNG image]',
      []
    ],
    ['not base64', '%%% not base64 %%%', true, '[PNG image]', []],
    ['empty', '', false, '[PNG image]', []]
  ])('%s', (_name, png, vision, text, images) => {
    const result = toModelOutput([figure(png)], { maxChars: 0, vision });
    expect(result.text).toBe(text);
    expect(result.images).toEqual(images);
  });

  it('keeps text and several plots in order', () => {
    const result = toModelOutput(
      [
        { output_type: 'stream', name: 'stdout', text: 'fields: Name, hp\n' },
        figure(PNG_640X480),
        figure(PNG_1X1),
        {
          output_type: 'execute_result',
          data: { 'text/plain': "Text(0.5, 1.0, 'Weight vs hp')" }
        }
      ],
      { maxChars: 4000, vision: true }
    );
    expect(result.text).toBe(
      "fields: Name, hp\n[PNG image 640×480, attached]\n[PNG image 1×1, attached]\nText(0.5, 1.0, 'Weight vs hp')"
    );
    expect(result.images).toEqual([PNG_640X480, PNG_1X1]);
  });
});
