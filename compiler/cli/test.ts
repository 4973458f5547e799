// `lip test FILE|DIR...`: checks the files, then tries to break every `property` in them with
// generated inputs (runtime/test/), on one or more backends. A failure is reported with its
// shrunk counterexample and the command that replays it.

import { renderAllText, renderSummary } from "../diag/render-text.js";
import { suggest } from "../diag/suggest.js";
import { defineCommand, Exit, useColor } from "./command.js";
import { UsageError } from "./flags.js";
import { expandInputs } from "./inputs.js";

const DEFAULT_RUNS = 100; // runtime/test/runner.ts DEFAULT_RUNS; repeated here so --help loads nothing

export const testCommand = defineCommand({
  name: "test",
  summary: "property-test the laws stated in .lip files",
  description:
    "Checks each FILE, and every *.lip file under each DIR, then tries to break every `property`\n" +
    "in them: it draws sizes for the size variables (1 to --max-size) and random values for each\n" +
    "`forall` variable, skips cases its `where` rejects, and evaluates the `assert`s on each\n" +
    `backend (${DEFAULT_RUNS} accepted cases per property unless --runs says otherwise). A failure is\n` +
    "shrunk to a small counterexample and printed with the seed and path that replay it.\n" +
    "With several backends, every case is also compared across them (differential testing).",
  positionals: { name: "FILE|DIR...", help: "the files to test; a directory stands for every *.lip file under it", min: 1 },
  flags: [
    { kind: "list", name: "backend", valueName: "NAME", help: "evaluate on NAME: reference (default), onnx, webgpu; repeat (or reference,onnx) to compare" },
    { kind: "int", name: "runs", valueName: "N", default: DEFAULT_RUNS, min: 1, max: 1_000_000, help: "accepted cases per property" },
    { kind: "int", name: "seed", valueName: "N", min: -2147483648, max: 2147483647, help: "the random seed (default: a fresh one, printed with failures)" },
    { kind: "string", name: "path", valueName: "P", help: "replay the case at path P of --seed (as printed with a failure)" },
    { kind: "list", name: "property", valueName: "TITLE", help: "only the property with this exact title (repeatable)" },
    { kind: "int", name: "max-size", valueName: "N", default: 8, min: 1, max: 1024, help: "the largest size drawn for a size variable (the smallest is 1)" },
    { kind: "enum", name: "values", values: ["normal", "extreme", "nonfinite"], default: "normal", help: "floats drawn: typical magnitudes; also 0, -0, subnormals, 1e30, max; also inf and nan" },
    { kind: "enum", name: "format", values: ["text", "json"], default: "text", help: "text: one line per property, counterexamples in full; json: one document on stdout" },
    { kind: "enum", name: "color", values: ["auto", "always", "never"], default: "auto", help: "colour the output; auto: if the output goes to a terminal and NO_COLOR is unset" },
  ],
  sections: [
    {
      title: "Exit status",
      lines: [
        "0   every property held",
        "1   a property failed (or its `where` rejected nearly every case), a file has errors,",
        "    or a backend is not available",
        "2   usage error (including an unknown backend)",
        "70  internal error",
      ],
    },
    {
      title: "Examples",
      lines: [
        "lip test stdlib                          the standard library's laws",
        "lip test examples/properties.lip --runs 1000",
        "lip test FILE --property TITLE --seed S --path P     replay a printed failure",
      ],
    },
  ],
  async run({ flags, positionals }, io) {
    const paths = expandInputs(positionals);
    const backendNames = [...new Set((flags.backend.length > 0 ? flags.backend : ["reference"]).flatMap((b) => b.split(",")).map((b) => b.trim()).filter((b) => b !== ""))];
    const runner = await import("../../runtime/test/index.js");
    const known = runner.propertyBackendNames();
    for (const b of backendNames) {
      if (!known.includes(b)) {
        const near = suggest(b, known);
        throw new UsageError(`unknown backend \`${b}\` for \`--backend\`${near ? `; did you mean \`${near}\`?` : `; known backends: ${known.join(", ")}`}`);
      }
    }
    if (flags.path !== undefined && flags.seed === undefined) throw new UsageError("`--path` replays a case of one seed: give `--seed` too");
    if (flags.path !== undefined && !/^\d+(:\d+)*$/.test(flags.path)) throw new UsageError(`invalid value \`${flags.path}\` for \`--path\`; expected numbers separated by colons, as printed with a failure`);

    const { checkFiles } = await import("../driver.js");
    const r = checkFiles(paths);
    const color = useColor(flags.color, io);
    // results go to stdout: colour them (auto) only when it is a terminal too
    const resultColor = color && (flags.color === "always" || process.stdout.isTTY === true);
    if (r.diagnostics.length > 0) {
      const summary = renderSummary(r.diagnostics, paths, { color });
      io.stderr(renderAllText(r.diagnostics, r.files, { color }) + (summary === "" ? "" : summary + "\n"));
    }
    if (r.diagnostics.some((d) => d.severity === "error") || !r.checker) return Exit.Failure;

    const { propertiesOf } = await import("../lower/property.js");
    const all = propertiesOf(r);
    const wanted = flags.property;
    for (const t of wanted) {
      if (!all.some((p) => p.title === t)) {
        const near = suggest(t, all.map((p) => p.title));
        throw new UsageError(`no property titled "${t}" in ${positionals.join(", ")}${near ? `; did you mean "${near}"?` : ""}`);
      }
    }
    const selected = all.filter((p) => wanted.length === 0 || wanted.includes(p.title));
    if (flags.path !== undefined && selected.length > 1) {
      throw new UsageError(`\`--path\` replays one property, and ${selected.length} are selected: add \`--property TITLE\` (the replay command printed with a failure has it)`);
    }

    const backends = [];
    try {
      for (const b of backendNames) backends.push(await runner.openPropertyBackend(b));
    } catch (err) {
      if (err instanceof runner.BackendUnavailable) {
        io.stderr(`error: ${err.message}\n`);
        return Exit.Failure;
      }
      throw err;
    }

    const seed = flags.seed ?? runner.freshSeed();
    const opts = {
      runs: flags.runs,
      seed,
      backends,
      maxSize: flags["max-size"],
      values: flags.values,
      ...(flags.path !== undefined ? { path: flags.path } : {}),
    };
    const extra = [
      flags["max-size"] !== 8 ? ` --max-size ${flags["max-size"]}` : "",
      flags.values !== "normal" ? ` --values ${flags.values}` : "",
    ].join("");
    const replay = (rep: import("../../runtime/test/index.js").PropertyReport, cx: import("../../runtime/test/index.js").Counterexample) => runner.defaultReplay(rep, cx) + extra;
    const text = flags.format === "text";
    if (selected.length === 0) {
      if (text) io.stderr(`note: no properties in ${positionals.join(", ")}\n`);
    }
    const started = performance.now();
    const reports = [];
    try {
      for (const info of selected) {
        const rep = await runner.runProperty(r, info, opts);
        reports.push(rep);
        if (text) {
          io.stdout(
            runner.renderReportText(rep, {
              color: resultColor,
              replay,
              diagnostic: (cx) => (cx.diagnostic ? renderAllText([cx.diagnostic], r.files, { color: resultColor }) : undefined),
            }),
          );
        }
      }
    } finally {
      for (const b of backends) await b.dispose?.();
    }
    const totalMs = performance.now() - started;
    if (text) {
      if (reports.length > 0) io.stdout(runner.renderSummaryText(reports, totalMs));
    } else {
      const doc = {
        seed,
        runs: flags.runs,
        backends: backendNames,
        properties: reports.map((rep) => runner.reportJson(rep, rep.counterexample ? replay(rep, rep.counterexample) : undefined)),
        summary: {
          total: reports.length,
          passed: reports.filter((x) => x.status === "passed").length,
          failed: reports.filter((x) => x.status === "failed" || x.status === "rejected").length,
          errors: reports.filter((x) => x.status === "error").length,
          time_ms: Math.round(totalMs),
        },
      };
      io.stdout(JSON.stringify(doc, null, 2) + "\n");
    }
    return reports.every((x) => x.status === "passed") ? Exit.Ok : Exit.Failure;
  },
});
