// Generates docs/errors.md, the error index, from the code registry (codes.ts). The generator
// owns the structure: the header, the index table, one section per range and one heading per
// code, with a stable `#lip3003` anchor. The explanation under each heading is prose written in
// docs/errors.md itself, and is kept as it is when the file is regenerated; a new code gets a
// placeholder to fill in. tests/diag/errors-doc.test.ts fails when the file is not current.
//
//   npm run errors-doc          # rewrite docs/errors.md after adding a code to codes.ts
//   node dist/compiler/diag/errors-doc.js --check    # exit 1 if it is not current

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { codes } from "./codes.js";

/** The ranges of codes, as codes.ts documents them. */
export const codeRanges: readonly { readonly digit: string; readonly title: string }[] = [
  { digit: "1", title: "Syntax (LIP1xxx)" },
  { digit: "2", title: "Names and declarations (LIP2xxx)" },
  { digit: "3", title: "Types and shapes (LIP3xxx)" },
  { digit: "4", title: "State, parameters and dataflow (LIP4xxx)" },
  { digit: "5", title: "Experiments and data (LIP5xxx)" },
  { digit: "9", title: "Internal errors (LIP9xxx)" },
];

export const PLACEHOLDER = "_Not documented yet: explain when this error happens and how to fix it._";

const HEADER = `# Lip error index

<!-- Generated from compiler/diag/codes.ts by compiler/diag/errors-doc.ts (\`npm run errors-doc\`).
     The headings, their order and the index are regenerated; the text under each heading is
     written here by hand and kept. -->

Every diagnostic that \`lip\` prints has a stable code, shown as \`error[LIP3003]\` and in the
\`code\` field of \`lip check --format json\`. A code never changes meaning once released. This page
explains each one: when it happens and how to fix it. The link for a code is
\`docs/errors.md#lip3003\` (the code in lower case).
`;

function anchor(code: string): string {
  return `<a id="${code.toLowerCase()}"></a>`;
}

/** The hand-written explanation under each code's heading in an existing errors.md. */
export function explanations(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = markdown.split(/\r?\n/);
  let code: string | undefined;
  let body: string[] = [];
  const flush = (): void => {
    if (code !== undefined) out.set(code, body.join("\n").trim());
    code = undefined;
    body = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = /^<a id="(lip\d{4})"><\/a>\s*$/.exec(line);
    if (m) {
      flush();
      code = m[1]!.toUpperCase();
      if (/^### LIP\d{4}/.test(lines[i + 1] ?? "")) i++; // the heading is regenerated
      continue;
    }
    if (/^## /.test(line)) {
      flush();
      continue;
    }
    if (code !== undefined) body.push(line);
  }
  flush();
  return out;
}

/** The full text of docs/errors.md for `registry`, keeping the explanations in `existing`. */
export function generateErrorsDoc(registry: Readonly<Record<string, string>> = codes, existing = ""): string {
  const kept = explanations(existing);
  const all = Object.keys(registry).sort();
  const rangeOf = (c: string): string => {
    const r = codeRanges.find((x) => c.startsWith("LIP" + x.digit));
    return r ? r.title : "Other";
  };
  const titles = [...codeRanges.map((r) => r.title), "Other"].filter((t) => all.some((c) => rangeOf(c) === t));
  const out: string[] = [HEADER, "## Index", "", "| code | meaning |", "|---|---|"];
  for (const c of all) out.push(`| [${c}](#${c.toLowerCase()}) | ${registry[c]} |`);
  for (const title of titles) {
    out.push("", `## ${title}`);
    for (const c of all.filter((x) => rangeOf(x) === title)) {
      out.push("", anchor(c), `### ${c}: ${registry[c]}`, "", kept.get(c) || PLACEHOLDER);
    }
  }
  return out.join("\n") + "\n";
}

/** The repository root: the nearest directory above this file with Lip's package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "lip") return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the Lip repository root");
    dir = parent;
  }
}

export function errorsDocPath(): string {
  return join(repoRoot(), "docs", "errors.md");
}

function cli(args: readonly string[]): number {
  const path = errorsDocPath();
  const current = existsSync(path) ? readFileSync(path, "utf8") : "";
  const wanted = generateErrorsDoc(codes, current);
  if (args.includes("--write")) {
    if (wanted !== current) writeFileSync(path, wanted);
    const missing = [...explanations(wanted)].filter(([, text]) => text === PLACEHOLDER).map(([c]) => c);
    process.stdout.write(`wrote ${path}${missing.length ? `; to document: ${missing.join(", ")}` : ""}\n`);
    return 0;
  }
  if (wanted !== current) {
    process.stderr.write(`${path} is not current; run \`npm run errors-doc\`\n`);
    return 1;
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = cli(process.argv.slice(2));
}
