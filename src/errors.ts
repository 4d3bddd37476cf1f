/** Errors a user can cause: they become one line on stderr and exit code 2, never a stack trace. */

export interface Position {
  line: number;
  column?: number;
}

export class InputError extends Error {
  readonly file: string;
  readonly position?: Position;
  readonly detail: string;

  constructor(file: string, detail: string, position?: Position) {
    super(formatLocation(file, position) + detail);
    this.name = "InputError";
    this.file = file;
    this.detail = detail;
    this.position = position;
  }
}

/** A bad flag or argument, not tied to a file. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function formatLocation(file: string, position?: Position): string {
  if (!position) return `${file}: `;
  return position.column ? `${file}:${position.line}:${position.column}: ` : `${file}:${position.line}: `;
}

/** 1-based line and column of a character offset. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}
