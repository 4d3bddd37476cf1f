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

/**
 * `maxDepth` bounds the depth of the objects recorded (the root is depth 0, `packages` 1, its entries 2): a
 * reader that needs only the entries' lines passes 2 and saves the paths of everything below them.
 */
export function jsonObjectLines(text: string, maxDepth = Number.POSITIVE_INFINITY): JsonLines {
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
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) return lines; // unterminated; JSON.parse reports it
        let bs = 0;
        for (let k = q - 1; k > i && text.charCodeAt(k) === 92; k--) bs++;
        if (bs % 2 === 0) {
          j = q;
          break;
        }
        j = q + 1;
      }
      const top = stack[stack.length - 1];
      if (top && !top.array && stack.length <= maxDepth) {
        let k = j + 1;
        while (k < n) {
          const d = text.charCodeAt(k);
          if (d === 32 || d === 9 || d === 13) k++;
          else if (d === 10) {
            k++;
          } else break;
        }
        if (text.charCodeAt(k) === 58) {
          const raw = text.slice(i + 1, j);
          pendingKey = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
          pendingKeyLine = line;
        }
      }
      i = j;
    } else if (c === 123 || c === 91) {
      if (stack.length > maxDepth) {
        stack.push({ path: "", array: c === 91, index: 0 });
        continue;
      }
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
