// Loads modules: parses a file, then follows its `use` declarations (`std.X` from the standard
// library, "./x.lip" relative to the importing file). Modules are keyed by absolute path, so a
// file checked directly and imported elsewhere is one module. Standard-library modules are
// parsed once per process (they do not change while Lip runs) and shared between checks.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type * as A from "../ast/nodes.js";
import { diagnostic, type Diagnostic } from "../diag/diagnostic.js";
import { SourceFile } from "../diag/span.js";
import { parseSource } from "../../grammar/index.js";
import { declName, type Module } from "./module.js";
import { suggestionHelp } from "./suggest-help.js";

/** The folder of the standard library: `stdlib/` at the package root. */
export const stdlibDir: string = findStdlib();

function findStdlib(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "stdlib");
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return resolve("stdlib");
}

const stdCache = new Map<string, { mtimeMs: number; module: Module; diagnostics: Diagnostic[] }>();

export function stdModuleNames(): string[] {
  try {
    return readdirSync(stdlibDir).filter((f) => f.endsWith(".lip") && !f.endsWith(".test.lip")).map((f) => f.slice(0, -4)).sort();
  } catch {
    return [];
  }
}

/** How a path is shown: relative to the working directory when inside it. */
export function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : abs;
}

export class Loader {
  readonly modules = new Map<string, Module>(); // by absolute path (or a pseudo path for text)
  readonly diagnostics: Diagnostic[] = [];
  /** Modules whose diagnostics are reported (the files asked for and their relative imports). */
  readonly reported = new Set<Module>();
  private readonly loading = new Set<string>();

  /** The standard-library module that declares `name` (for "add `use std.nn { dense }`"). */
  findInStdlib(name: string): string | undefined {
    for (const m of stdModuleNames()) {
      const path = join(stdlibDir, `${m}.lip`);
      const mod = this.modules.get(path) ?? this.load(path, displayPath(path), undefined, false);
      if (mod.decls.has(name)) return m;
    }
    return undefined;
  }

  /** Loads a file given on the command line (or text with a pseudo path). */
  loadEntry(path: string, text?: string): Module {
    const abs = text === undefined ? resolve(path) : path;
    return this.load(abs, text === undefined ? displayPath(abs) : path, text, true);
  }

  private load(key: string, shown: string, text: string | undefined, report: boolean): Module {
    const existing = this.modules.get(key);
    if (existing) {
      if (report) this.reported.add(existing);
      return existing;
    }
    const isStd = text === undefined && key.startsWith(stdlibDir + "/");
    let module: Module;
    let diags: Diagnostic[];
    const cached = isStd ? stdCache.get(key) : undefined;
    const mtimeMs = isStd ? statSync(key).mtimeMs : 0;
    if (cached && cached.mtimeMs === mtimeMs) {
      module = cached.module;
      diags = cached.diagnostics;
    } else {
      const file = new SourceFile(shown, text ?? readFileSync(key, "utf8"));
      const parsed = parseSource(file);
      diags = [...parsed.diagnostics];
      module = {
        path: shown,
        file,
        program: parsed.program,
        decls: new Map(),
        imports: new Map(),
        std: isStd,
      };
      collectDecls(module, diags);
      if (isStd) stdCache.set(key, { mtimeMs, module, diagnostics: diags });
    }
    this.modules.set(key, module);
    if (report) this.reported.add(module);
    this.loading.add(key);
    // imports are resolved per load, since the importing module may be new
    module.imports.clear();
    for (const d of module.program.decls) if (d.kind === "Use") this.resolveUse(module, key, d, diags);
    this.loading.delete(key);
    if (report) this.diagnostics.push(...diags.filter((d) => d.primary.span.file === module.path));
    return module;
  }

  private resolveUse(module: Module, key: string, u: A.Use, diags: Diagnostic[]): void {
    let target: string;
    let shownTarget: string;
    if (u.module.kind === "StdPath") {
      const parts = u.module.parts.map((p) => p.name);
      if (parts[0] !== "std" || parts.length !== 2) {
        const name = parts.join(".");
        diags.push(diagnostic({
          code: "LIP2002",
          message: `unknown module \`${name}\``,
          span: u.module.span,
          label: "not a module",
          help: parts[0] === "std" && parts.length === 1
            ? `name a module of the standard library: ${stdModuleNames().map((m) => `\`std.${m}\``).join(", ")}`
            : `modules are \`std.<name>\` for the standard library, or a path in quotes such as \`use "./lib.lip"\``,
        }));
        return;
      }
      target = join(stdlibDir, `${parts[1]}.lip`);
      shownTarget = displayPath(target);
      if (!existsSync(target)) {
        diags.push(diagnostic({
          code: "LIP2002",
          message: `the standard library has no module \`std.${parts[1]}\``,
          span: u.module.span,
          label: "unknown module",
          help: suggestionHelp(parts[1]!, stdModuleNames(), (s) => `did you mean \`std.${s}\`?`) ??
            `the modules are ${stdModuleNames().map((m) => `\`std.${m}\``).join(", ")}`,
        }));
        return;
      }
    } else {
      const base = key.startsWith("<") ? process.cwd() : dirname(key);
      target = resolve(base, u.module.value);
      shownTarget = displayPath(target);
      if (!existsSync(target) || !statSync(target).isFile()) {
        diags.push(diagnostic({ code: "LIP2002", message: `cannot find module \`${u.module.value}\``, span: u.module.span, label: `no file ${shownTarget}` }));
        return;
      }
    }
    if (this.loading.has(target)) {
      diags.push(diagnostic({ code: "LIP2012", message: `import cycle: \`${shownTarget}\` imports this file back`, span: u.module.span, label: "this import closes a cycle", help: "move the shared declarations into a third file" }));
      return;
    }
    const from = this.load(target, shownTarget, undefined, !target.startsWith(stdlibDir + "/") && this.reported.has(module));
    const names = u.names ?? [...from.decls.keys()].map((n) => ({ name: { kind: "Ident" as const, name: n, span: u.span }, alias: null, span: u.span }));
    for (const imp of names) {
      const name = imp.name.name;
      if (!from.decls.has(name)) {
        diags.push(diagnostic({
          code: "LIP2004",
          message: `\`${name}\` is not declared in \`${u.module.kind === "StdPath" ? u.module.parts.map((p) => p.name).join(".") : u.module.value}\``,
          span: imp.name.span,
          label: "not found in this module",
          help: suggestionHelp(name, from.decls.keys(), (s) => `did you mean \`${s}\`?`),
        }));
        continue;
      }
      const local = (imp.alias ?? imp.name).name;
      const prev = module.imports.get(local);
      if (prev && u.names !== null) {
        diags.push(diagnostic({ code: "LIP2003", message: `\`${local}\` is imported twice`, span: (imp.alias ?? imp.name).span, label: "imported again here", secondary: [{ span: prev.span, text: "first imported here" }] }));
        continue;
      }
      if (module.decls.has(local) && u.names !== null) {
        const d = module.decls.get(local)!;
        diags.push(diagnostic({ code: "LIP2003", message: `\`${local}\` is both imported and declared in this file`, span: (imp.alias ?? imp.name).span, label: "imported here", secondary: [{ span: declName(d)!.span, text: "declared here" }], help: `import it under another name: \`${name} as ${name}2\`` }));
        continue;
      }
      module.imports.set(local, { from, name, span: (imp.alias ?? imp.name).span });
    }
  }
}

function collectDecls(module: Module, diags: Diagnostic[]): void {
  const experiments = new Map<string, A.Ident>();
  for (const d of module.program.decls) {
    const id = declName(d);
    if (id === null) continue;
    const table = d.kind === "Experiment" ? experiments : null;
    const prevId = table ? table.get(id.name) : (() => { const p = module.decls.get(id.name); return p ? declName(p) : undefined; })();
    if (prevId) {
      diags.push(diagnostic({
        code: "LIP2003",
        message: `\`${id.name}\` is defined twice`,
        span: id.span,
        label: "defined again here",
        secondary: [{ span: prevId.span, text: "first defined here" }],
        help: "rename one of them",
      }));
      continue;
    }
    if (table) table.set(id.name, id);
    else module.decls.set(id.name, d);
  }
}
