/**
 * JSON.parse gives no positions, so this one pass over the text finds the line of every object value:
 * for `{"packages": {"node_modules/a": {…}}}` the path ["packages", "node_modules/a"] maps to the line of
 * the key `"node_modules/a"`; an object inside an array is keyed by its index (["components", "3"]) and
 * maps to the line of its `{`. Paths are joined with NUL (see `jsonPath`).
 */
export type JsonLines = Map<string, number>;

export const jsonPath = (...segments: (string | number)[]): string => segments.join("\u0000");

interface Frame {
  path: string;
  array: boolean;
  index: number;
}

export function jsonObjectLines(text: string): JsonLines {
  const lines: JsonLines = new Map();
  const stack: Frame[] = [];
  let line = 1;
  let pendingKey: string | undefined;
  let pendingKeyLine = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
    } else if (c === 34) {
      // a string: find its end, then see whether it is a key
      const j = stringEnd(text, i);
      if (j === -1) return lines; // unterminated; JSON.parse reports it
      const top = stack[stack.length - 1];
      if (top && !top.array) {
        const key = keyAt(text, i, j);
        if (key !== undefined) {
          pendingKey = key;
          pendingKeyLine = line;
        }
      }
      i = j;
    } else if (c === 123 || c === 91) {
      const top = stack[stack.length - 1];
      let path: string;
      let at = line;
      if (!top) path = "";
      else if (top.array)
        path = top.path === "" && stack.length === 1 ? `${top.index}` : `${top.path}\u0000${top.index}`;
      else {
        path = stack.length === 1 ? (pendingKey ?? "") : `${top.path}\u0000${pendingKey ?? ""}`;
        at = pendingKeyLine;
      }
      if (c === 123) lines.set(path, at);
      stack.push({ path, array: c === 91, index: 0 });
      pendingKey = undefined;
    } else if (c === 125 || c === 93) {
      stack.pop();
    } else if (c === 44) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
    }
  }
  return lines;
}

/**
 * The lines of the object values of one member of the root object (`packages` of a package-lock), in document
 * order: `keys[i]` is at `lines[i]`, the line of the key as jsonObjectLines gives it. A reader that needs only
 * those lines saves building a path string and a map entry per object, and looks at no key deeper down.
 */
export function jsonMemberLines(text: string, member: string): { keys: string[]; lines: number[] } {
  const keys: string[] = [];
  const lines: number[] = [];
  const arrays: boolean[] = []; // per open container (the root first): is it an array
  let inMember = false; // the member's object is open: its object values are recorded
  let line = 1;
  let pendingKey: string | undefined;
  let pendingKeyLine = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
    } else if (c === 34) {
      // a string: find its end (as jsonObjectLines does), then, at the two depths that matter, see whether
      // it is a key
      const j = stringEnd(text, i);
      if (j === -1) return { keys, lines }; // unterminated; JSON.parse reports it
      const depth = arrays.length;
      if ((depth === 1 || (depth === 2 && inMember)) && !arrays[depth - 1]) {
        const key = keyAt(text, i, j);
        if (key !== undefined) {
          pendingKey = key;
          pendingKeyLine = line;
        }
      }
      i = j;
    } else if (c === 123 || c === 91) {
      const depth = arrays.length;
      if (depth === 1 && c === 123 && !arrays[0] && pendingKey === member) inMember = true;
      else if (depth === 2 && inMember && c === 123) {
        keys.push(pendingKey ?? "");
        lines.push(pendingKeyLine);
      }
      arrays.push(c === 91);
      pendingKey = undefined;
    } else if (c === 125 || c === 93) {
      arrays.pop();
      if (arrays.length === 1) inMember = false;
    }
  }
  return { keys, lines };
}

/** Offset of the closing quote of the string that opens at `start`; -1 when it is not closed. */
function stringEnd(text: string, start: number): number {
  for (let j = start + 1; ; ) {
    const q = text.indexOf('"', j);
    if (q === -1) return -1;
    let backslashes = 0;
    for (let k = q - 1; k > start && text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return q;
    j = q + 1;
  }
}

/** The decoded string from `start` to `end` (its quotes) when a `:` follows it, i.e. when it is a key. */
function keyAt(text: string, start: number, end: number): string | undefined {
  let k = end + 1;
  for (let d = text.charCodeAt(k); d === 32 || d === 9 || d === 13 || d === 10; d = text.charCodeAt(k)) k++;
  if (text.charCodeAt(k) !== 58) return undefined;
  const raw = text.slice(start + 1, end);
  return raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
}
