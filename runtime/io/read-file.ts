// Reading a whole data file, with file-system failures (missing file, a directory, no
// permission) turned into a DataFileError that names the file.

import { readFileSync } from "node:fs";
import { DataFileError, describeFsError } from "./errors.js";

export function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new DataFileError(path, describeFsError(err));
  }
}

/** The file as UTF-8 text, without a leading byte-order mark. */
export function readText(path: string): string {
  const bytes = readBytes(path);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DataFileError(path, "not a UTF-8 text file");
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
