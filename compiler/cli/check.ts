// `lip check FILE|DIR...`: parse and check files (names, types, static shapes, binding times)
// without running anything. Diagnostics go to stderr as text, or to stdout as one JSON document.

import { renderAllText, renderSummary } from "../diag/render-text.js";
import { renderJsonText } from "../diag/render-json.js";
import { defineCommand, Exit, useColor } from "./command.js";
import { expandInputs } from "./inputs.js";

export const checkCommand = defineCommand({
  name: "check",
  summary: "check .lip files for errors without running them",
  description:
    "Parses and checks each FILE, and every *.lip file under each DIR, for syntax, name, type\n" +
    "and shape errors. Prints nothing when every file is clean.",
  positionals: {
    name: "FILE|DIR...",
    help: "the files to check; a directory stands for every *.lip file under it",
    min: 1,
  },
  flags: [
    {
      kind: "enum",
      name: "format",
      values: ["text", "json"],
      default: "text",
      help: "text: diagnostics on stderr; json: one JSON array on stdout",
    },
    {
      kind: "enum",
      name: "color",
      values: ["auto", "always", "never"],
      default: "auto",
      help: "colour text output; auto: if stderr is a terminal and NO_COLOR is unset",
    },
  ],
  sections: [
    {
      title: "Exit status",
      lines: ["0   every file is clean", "1   errors were found", "2   usage error", "70  internal error"],
    },
  ],
  async run({ flags, positionals }, io) {
    const paths = expandInputs(positionals);
    // Loaded here, not at the top: `lip --help` must work even if the compiler cannot load.
    const { checkFiles } = await import("../driver.js");
    const { diagnostics, files } = checkFiles(paths);
    if (flags.format === "json") {
      io.stdout(renderJsonText(diagnostics, files));
    } else if (diagnostics.length > 0) {
      const color = useColor(flags.color, io);
      const summary = renderSummary(diagnostics, paths, { color });
      io.stderr(renderAllText(diagnostics, files, { color }) + (summary === "" ? "" : summary + "\n"));
    }
    const internal = diagnostics.find((d) => d.code.startsWith("LIP9"));
    if (internal !== undefined) {
      // printed as `internal error: <message>`, without repeating the driver's own prefix
      throw new InternalDiagnostic(internal.message.replace(/^internal error[^:]*:\s*/i, "") || internal.message);
    }
    return diagnostics.some((d) => d.severity === "error") ? Exit.Failure : Exit.Ok;
  },
});

/** The checker reported a bug in itself (a LIP9xxx diagnostic): exit as an internal error. */
export class InternalDiagnostic extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InternalDiagnostic";
  }
}
