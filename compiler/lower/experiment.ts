// An experiment becomes four IR functions that share one context:
//   init:  () -> every parameter and state's first value (seeded initialisers)
//   step:  (params, states, step, batch) -> (`<name>.next` for each, loss, metrics, streams)
//   infer: (params, model inputs) -> out
//   data:  () -> the training data set's fields (the runtime shuffles, splits and batches)
// Inside `step`: the model's forward pass, the loss, its gradient with respect to every
// parameter (reverse mode), the optimizer applied to each parameter, the constraints applied
// to the updated parameters, and every state's next value: one synchronous step.

import type * as A from "../ast/nodes.js";
import { CompilerBug, diagnostic } from "../diag/diagnostic.js";
import { LoweringError } from "./errors.js";
import type { Checker } from "../check/checker.js";
import type { Module } from "../check/module.js";
import { ParamCollector } from "../check/names.js";
import { IrBuilder } from "../ir/builder.js";
import type { IrFunction } from "../ir/function.js";
import { IrContext, type Node } from "../ir/node.js";
import { grad } from "../passes/autodiff.js";
import { Env } from "./env.js";
import { bindByParams } from "./builtins.js";
import { Lowerer, noParams, type Slot } from "./lowerer.js";
import { numV, tensorV, type LVal } from "./values.js";

export interface LowerOptions {
  readonly seed: number;
  /** `--set name=value`: constant lets of the experiment, replaced. */
  readonly overrides?: ReadonlyMap<string, number>;
  /** `--steps N` */
  readonly steps?: number;
  /** Compile for another batch size (e.g. the whole evaluation set in one batch). */
  readonly batch?: number;
  /** The prelude's `training` (default true); evaluation compiles with false. */
  readonly training?: boolean;
}

export interface DataSpec {
  readonly fn: IrFunction; // () -> the data set's fields, all examples
  readonly split: { readonly fraction: number; readonly part: "train" | "test" } | null;
}

export interface CompiledExperiment {
  readonly name: string;
  readonly ctx: IrContext;
  readonly init: IrFunction;
  readonly step: IrFunction;
  readonly infer: IrFunction;
  readonly data: DataSpec;
  readonly eval: { readonly data: DataSpec; readonly every: number } | null;
  readonly slots: readonly Slot[];
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly steps: number;
  readonly metrics: readonly string[];
  /** `metric name = ... every N`: logged every N steps (absent: every step). */
  readonly metricEvery: ReadonlyMap<string, number>;
  readonly streams: readonly string[]; // per-step `let`s that are logged
  readonly stateStreams: readonly string[]; // the experiment's scalar states, logged at their step value
  /** The loss and its gradient with respect to each parameter (named `<param>.grad`). */
  readonly loss: Node;
  readonly gradients: readonly { readonly name: string; readonly node: Node }[];
}

export function lowerExperiment(checker: Checker, module: Module, x: A.Experiment, opts: LowerOptions): CompiledExperiment {
  const ctx = new IrContext();
  const b = new IrBuilder(ctx);
  const lw = new Lowerer(b, checker, opts.seed, opts.training ?? true);
  const env = lw.moduleEnv(module).child();
  const clause = <K extends A.Stmt["kind"]>(k: K) => x.body.find((s) => s.kind === k) as Extract<A.Stmt, { kind: K }> | undefined;

  const stepsClause = clause("StepsClause");
  const steps = opts.steps ?? (stepsClause ? lw.num(lw.expr(stepsClause.value, env, noParams)) : 0);
  env.define("steps", numV(steps, "int"));
  const step = b.input("step", "step", "i32", []);
  env.define("step", tensorV(step));

  // data: the batch fields are inputs of the step
  const dataClause = clause("DataClause");
  if (!dataClause) throw new CompilerBug(`experiment \`${x.name.name}\` has no data`);
  const source = lw.expr(dataClause.source, env, noParams);
  const option = (name: string) => dataClause.options.find((o) => o.name?.name === name);
  const batchSize = opts.batch ?? (option("batch") ? lw.num(lw.expr(option("batch")!.value, env, noParams)) : 32);
  const shuffle = option("shuffle") ? lw.num(lw.expr(option("shuffle")!.value, env, noParams)) !== 0 : false;
  const data = dataSpec(source, `${x.name.name}.data`);
  const batchInputs: Node[] = [];
  for (const { name, node } of data.fn.outputs) {
    const input = b.input(name, "batch", node.dtype, [batchSize, ...node.shape.slice(1)]);
    batchInputs.push(input);
    env.define(name, tensorV(input));
  }

  // experiment lets (lazy: order-free), with --set overrides for constant ones
  const overrides = opts.overrides ?? new Map<string, number>();
  const lets: string[] = [];
  for (const s of x.body) {
    if (s.kind !== "Let") continue;
    const o = overrides.get(s.name.name);
    if (o !== undefined) env.define(s.name.name, numV(o, Number.isInteger(o) ? "int" : "float"));
    else env.defineLazy(s.name.name, () => lw.expr(s.value, env, noParams));
    lets.push(s.name.name);
  }
  // experiment states: inputs, first values lowered now
  const expStates: { decl: A.StateDecl; slot: Slot }[] = [];
  for (const s of x.body) {
    if (s.kind !== "StateDecl") continue;
    const init = lw.node(lw.expr(s.init, env, noParams));
    const input = b.input(s.name.name, "state", init.dtype, [...init.shape]);
    const slot: Slot = { name: s.name.name, kind: "state", input, init, origin: s.span };
    lw.slots.push(slot);
    expStates.push({ decl: s, slot });
    env.define(s.name.name, tensorV(input));
  }

  // the model's forward pass; its parameters become slots
  const modelClause = clause("ModelClause");
  if (!modelClause || modelClause.model.kind !== "Name") throw new CompilerBug("experiment without a model");
  const model = env.get(modelClause.model.name);
  if (model.k !== "decl" || (model.decl.kind !== "Model" && model.decl.kind !== "Layer")) throw new CompilerBug("model is not a model");
  const modelDecl = model.decl as A.Callable;
  const modelArgs = new Map<string, LVal>();
  const modelInputs: Node[] = [];
  for (const p of modelDecl.params) {
    const v = env.lookup(p.name.name);
    if (v && v.k === "tensor" && batchInputs.includes(v.node)) {
      modelArgs.set(p.name.name, v);
      modelInputs.push(v.node);
    }
  }
  const naming = new ParamCollector();
  const firstParam = lw.slots.length;
  const out = lw.node(lw.inline(modelDecl, model.module, modelArgs, { naming, initEnv: null }, true));
  const params = lw.slots.slice(firstParam).filter((s) => s.kind === "param");
  env.define("out", tensorV(out));
  env.define("$params", { k: "params", members: params.map((p) => ({ name: p.name, node: p.input })) });

  // loss and its gradient
  const lossClause = clause("LossClause");
  if (!lossClause) throw new CompilerBug("experiment without a loss");
  const loss = lw.node(lw.expr(lossClause.value, env, noParams));
  env.define("loss", tensorV(loss));
  const grads = grad(ctx, loss, params.map((p) => p.input));

  // the optimizer, for every parameter
  const optClause = clause("OptimizerClause");
  if (!optClause) throw new CompilerBug("experiment without an optimizer");
  const rule = ruleValue(lw, optClause.value, env);
  // the global gradient norm, built only if an optimizer reads `global_grad_norm`
  let gnorm: Node | undefined;
  const globalGradNorm = () =>
    (gnorm ??= b.unary("sqrt", grads.map((g) => b.reduce("sum", b.binary("mul", g, g), "all", false)).reduce((acc, x) => b.binary("add", acc, x))));
  params.forEach((p, i) => {
    p.next = applyRule(lw, rule, p, { grad: grads[i]!, step, globalGradNorm });
  });
  // constraints, on the updated parameters
  for (const s of x.body) {
    if (s.kind !== "ConstrainClause") continue;
    const c = ruleValue(lw, s.value, s.value.kind === "Call" ? env : env);
    const firstName = c.decl.params[0]!.name.name;
    const sel = c.args.get(firstName);
    const members = sel?.k === "params" ? sel.members : sel?.k === "tensor" ? [{ name: "", node: sel.node }] : [];
    const rest = new Map(c.args);
    rest.delete(firstName);
    for (const m of members) {
      const slot = params.find((p) => p.input === m.node);
      if (!slot) throw new CompilerBug("constraint on a value that is not a parameter");
      slot.next = applyRule(lw, { ...c, args: rest }, slot, { step });
    }
  }
  // experiment states' next values
  for (const s of x.body) {
    if (s.kind !== "Assign") continue;
    const st = expStates.find((e) => e.decl.name.name === s.target.name);
    if (!st) throw new CompilerBug(`assignment to \`${s.target.name}\``);
    st.slot.next = lw.node(lw.expr(s.value, env, noParams), st.slot.input.dtype);
  }

  // metrics and logged streams (forcing the lazy lets)
  const metrics: string[] = [];
  const metricEvery = new Map<string, number>();
  const outputs: { name: string; node: Node }[] = [];
  const slotOrder = [...lw.slots.filter((s) => s.kind === "param"), ...lw.slots.filter((s) => s.kind === "state")];
  for (const slot of slotOrder) outputs.push({ name: `${slot.name}.next`, node: slot.next ?? slot.input });
  outputs.push({ name: "loss", node: loss });
  // gradients too: the runtime checks them for NaN/Inf, and they read well in exported graphs
  params.forEach((p, i) => outputs.push({ name: `${p.name}.grad`, node: grads[i]! }));
  for (const s of x.body) {
    if (s.kind !== "MetricClause") continue;
    outputs.push({ name: s.name.name, node: lw.node(lw.expr(s.value, env, noParams)) });
    metrics.push(s.name.name);
    if (s.every) metricEvery.set(s.name.name, lw.num(lw.expr(s.every, env, noParams)));
  }
  const streams: string[] = [];
  for (const name of lets) {
    const v = env.get(name);
    if (v.k === "tensor") {
      outputs.push({ name, node: v.node });
      streams.push(name);
    }
  }

  const stepFn: IrFunction = {
    name: `${x.name.name}.step`,
    inputs: [...slotOrder.map((s) => ({ name: s.name, node: s.input })), { name: "step", node: step }, ...batchInputs.map((n, i) => ({ name: data.fn.outputs[i]!.name, node: n }))],
    outputs,
  };
  const init: IrFunction = { name: `${x.name.name}.init`, inputs: [], outputs: slotOrder.map((s) => ({ name: s.name, node: s.init })) };
  const infer: IrFunction = {
    name: `${x.name.name}.infer`,
    inputs: [...params.map((p) => ({ name: p.name, node: p.input })), ...modelInputs.map((n) => ({ name: stepFn.inputs.find((i) => i.node === n)!.name, node: n }))],
    outputs: [{ name: "out", node: out }],
  };
  const evalClause = clause("EvalClause");
  let evalSpec: CompiledExperiment["eval"] = null;
  if (evalClause) {
    const every = evalClause.every ? lw.num(lw.expr(evalClause.every, env, noParams)) : 100;
    evalSpec = { data: dataSpec(lw.expr(evalClause.source, env, noParams), `${x.name.name}.eval`), every };
  }
  // parameters first, then states, in the order they were created
  const gradients = params.map((p, i) => ({ name: `${p.name}.grad`, node: grads[i]! }));
  return { name: x.name.name, ctx, init, step: stepFn, infer, data, eval: evalSpec, slots: slotOrder, batchSize, shuffle, steps, metrics, metricEvery, streams, stateStreams: expStates.filter((e) => e.slot.input.shape.length === 0).map((e) => e.slot.name), loss, gradients };
}

function dataSpec(v: LVal, name: string): DataSpec {
  if (v.k !== "record") throw new CompilerBug("data is not a record");
  const outputs: { name: string; node: Node }[] = [];
  for (const [k, f] of v.fields) {
    if (f.k !== "tensor") throw new CompilerBug(`data field \`${k}\` is not a tensor`);
    outputs.push({ name: k, node: f.node });
  }
  return { fn: { name, inputs: [], outputs }, split: v.split ?? null };
}

export type RuleVal = Extract<LVal, { k: "rule" }>;

export function ruleValue(lw: Lowerer, e: A.Expr, env: Env): RuleVal {
  const v = lw.expr(e, env, noParams);
  if (v.k === "rule") return v;
  if (v.k === "decl" && (v.decl.kind === "Optimizer" || v.decl.kind === "Constraint")) return { k: "rule", decl: v.decl, module: v.module, args: new Map() };
  throw new CompilerBug("not an optimizer or constraint");
}

/**
 * Applies an optimizer (with `grad`) or a constraint to one parameter; returns its next value.
 * Rule states become slots named `<rule>.<state>.<parameter>` (`adamw.m.h1.w`).
 */
/**
 * How a rule's states are carried: as slots of the step function (the default), or explicitly
 * (`threading`): `current` gives each state's value at this update ("fresh": its first value),
 * and the next values are put in `next` (by state name). Properties thread states explicitly.
 */
export interface StateThreading {
  readonly current: ReadonlyMap<string, Node> | "fresh";
  readonly next: Map<string, Node>;
}

export function applyRule(lw: Lowerer, rule: RuleVal, slot: Slot, with_: { grad?: Node; step: Node; globalGradNorm?: () => Node }, threading?: StateThreading): Node {
  const b = lw.b;
  const decl = rule.decl;
  const isOpt = decl.kind === "Optimizer";
  const current = isOpt ? slot.input : slot.next ?? slot.input;
  const env = lw.moduleEnv(rule.module).child();
  const initEnv = lw.moduleEnv(rule.module).child();
  const targetName = isOpt ? "param" : decl.params[0]!.name.name;
  for (const [e, value] of [[env, current], [initEnv, slot.init]] as const) {
    e.define(targetName, tensorV(value));
    e.define("step", tensorV(with_.step));
    if (isOpt) {
      e.define("grad", tensorV(e === env ? with_.grad! : b.constant(0, value.dtype, [...value.shape])));
      e.define("t", tensorV(b.binary("add", with_.step, b.constant(1, "i32"))));
      const gn = with_.globalGradNorm ?? (() => b.unary("sqrt", b.reduce("sum", b.binary("mul", with_.grad!, with_.grad!), "all", false)));
      e.defineLazy("global_grad_norm", () => tensorV(e === env ? gn() : b.constant(0, "f32")));
    }
  }
  // size variables of a constraint's signature
  if (!isOpt) {
    const t = decl.params[0]!.type;
    if (t?.kind === "TensorType" && t.dims) {
      const explicit = t.dims.filter((d) => d.kind !== "DimRest");
      const off = current.shape.length - explicit.length;
      explicit.forEach((d, i) => {
        if (d.kind === "DimVar") {
          env.define(d.name, numV(current.shape[off + i]!, "int"));
          initEnv.define(d.name, numV(current.shape[off + i]!, "int"));
        }
      });
    }
  }
  for (const p of isOpt ? decl.params : decl.params.slice(1)) {
    const v = rule.args.get(p.name.name) ?? (p.default ? lw.expr(p.default, lw.moduleEnv(rule.module), noParams) : undefined);
    if (v === undefined) throw new CompilerBug(`missing hyperparameter \`${p.name.name}\``);
    env.define(p.name.name, v);
    initEnv.define(p.name.name, v);
  }
  const states = new Map<string, Slot>();
  for (const s of decl.body) {
    if (s.kind === "StateDecl") {
      const init = lw.node(lw.expr(s.init, initEnv, noParams));
      if (threading) {
        const cur = threading.current === "fresh" ? init : threading.current.get(s.name.name) ?? init;
        states.set(s.name.name, { name: s.name.name, kind: "state", input: cur, init, origin: s.span });
        env.define(s.name.name, tensorV(cur));
        initEnv.define(s.name.name, tensorV(init));
        continue;
      }
      const input = b.input(`${decl.name.name}.${s.name.name}.${slot.name}`, "state", init.dtype, [...init.shape]);
      const st: Slot = { name: `${decl.name.name}.${s.name.name}.${slot.name}`, kind: "state", input, init, origin: s.span };
      lw.slots.push(st);
      states.set(s.name.name, st);
      env.define(s.name.name, tensorV(input));
      initEnv.define(s.name.name, tensorV(init));
    } else if (s.kind === "Let") {
      env.defineLazy(s.name.name, () => lw.expr(s.value, env, noParams));
    }
  }
  let next: Node = current;
  for (const s of decl.body) {
    if (s.kind !== "Assign") continue;
    if (s.target.name === targetName) next = shaped(lw, lw.node(lw.expr(s.value, env, noParams), current.dtype), current, s, slot.name);
    else {
      const st = states.get(s.target.name);
      if (!st) throw new CompilerBug(`assignment to \`${s.target.name}\``);
      st.next = shaped(lw, lw.node(lw.expr(s.value, env, noParams), st.input.dtype), st.input, s, slot.name);
      threading?.next.set(s.target.name, st.next);
    }
  }
  return next;
}

/** A next value with the exact shape of the slot (a scalar expression broadcasts). */
function shaped(lw: Lowerer, v: Node, like: Node, at: A.Assign, param: string): Node {
  if (v.shape.length === like.shape.length && v.shape.every((d, i) => d === like.shape[i])) return v;
  const fits = v.shape.length <= like.shape.length && v.shape.every((d, i) => d === 1 || d === like.shape[like.shape.length - v.shape.length + i]);
  if (!fits) {
    throw new LoweringError(diagnostic({
      code: "LIP3016",
      message: `the next value of \`${at.target.name}\` is \`f32[${v.shape.join(", ")}]\`, but for parameter \`${param}\` it must be \`f32[${like.shape.join(", ")}]\``,
      span: at.value.span,
      label: `this has shape [${v.shape.join(", ")}]`,
      help: "a next value has the shape of what it replaces",
    }));
  }
  return lw.b.broadcastTo(v, [...like.shape]);
}

export { bindByParams, Env };
