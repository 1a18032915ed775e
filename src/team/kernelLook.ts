/**
 * Silent looks into the kernel: Python source run as one expression in a
 * namespace of its own, whose value's text is JSON, and that JSON read back.
 * The kernel context and the chart facts are both such looks.
 */

/**
 * The source as one expression. It can read get_ipython() but leaves the
 * user's namespace untouched; the value the source puts in `result` comes
 * back as JSON text.
 */
export function pythonExpression(source: string): string {
  // A JSON string literal is a valid Python string literal.
  const program = JSON.stringify(`${source.trim()}\n${RESULT_AS_JSON}`);
  return `(lambda g: (exec(${program}, g), g['result'])[1])({'__builtins__': __builtins__, 'get_ipython': get_ipython})`;
}

/** The look's JSON value, or null when the kernel sent none or something else. */
export function readLook(text: string | null): unknown {
  if (!text) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The kernel shows a value by its repr: make that repr the JSON of `result`. */
const RESULT_AS_JSON = `
import json as _json
class _Json:
    def __init__(self, value): self.text = _json.dumps(value)
    def __repr__(self): return self.text
result = _Json(result)`.trim();
