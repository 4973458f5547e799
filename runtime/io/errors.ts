// The one error type for bad data files: a single user-facing line that names the file and,
// where it helps, the field (`data/w.safetensors: tensor "h1.w": unsupported dtype "C64"`).
// The CLI catches DataFileError and prints its message alone: bad input never shows a stack.

export class DataFileError extends Error {
  override readonly name = "DataFileError";
  /** The file (or corpus) the problem is in, as the user wrote it. */
  readonly file: string;
  /** The offending field, tensor or column, when there is one. */
  readonly field: string | undefined;
  /** The 1-based line, for text formats. */
  readonly line: number | undefined;

  /** The message is `FILE: DETAIL`, or `FILE:LINE: DETAIL` given a line. */
  constructor(file: string, detail: string, where: { field?: string | undefined; line?: number | undefined } = {}) {
    super(`${file}${where.line !== undefined ? `:${where.line}` : ""}: ${detail}`);
    this.file = file;
    this.field = where.field;
    this.line = where.line;
  }
}

/** A Node file-system error code (`ENOENT`, `EISDIR`, ...) in words, for messages. */
export function describeFsError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "is a directory";
    case "ENOTDIR":
      return "a parent of this path is not a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOSPC":
      return "no space left on the device";
    case "EROFS":
      return "the file system is read-only";
    default:
      return typeof code === "string" ? `${code}: ${(err as Error).message.split("\n")[0]}` : String((err as Error)?.message ?? err).split("\n")[0]!;
  }
}
