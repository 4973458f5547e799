// The registry of `lip` commands, in the order `lip --help` lists them. A new command is one
// file in compiler/cli/ (see check.ts) and one line here.

import type { Command } from "./command.js";
import { checkCommand } from "./check.js";
import { compileCommand } from "./compile.js";
import { runCommand } from "./run.js";
import { testCommand } from "./test.js";

export const commands: readonly Command[] = [runCommand, checkCommand, compileCommand, testCommand];
