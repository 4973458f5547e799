// Where each value is computed: on the host or on the device. A value that depends on the step
// counter only (a learning-rate schedule, Adam's bias corrections 1 - beta^t, a warmup factor)
// and is small is computed on the host, once per step, by the reference interpreter, and reaches
// the kernels as a uniform. Three reasons: it is one scalar evaluation instead of one per
// invocation of every kernel that uses it; it is bit-identical to the interpreter (GPU `pow`,
// `cos` and `exp2` are allowed errors that 1 - 0.999^t turns into a 1e-4 relative error of the
// step size); and the device program gets shorter. `splitHost` cuts the step function at the
// frontier: host values with a device user become inputs `host.<k>` of the device function;
// function outputs computed on the host (a metric `lr`) leave the device function and are
// returned by the runtime beside the device's outputs.

import type { IrFunction } from "../../ir/function.js";
import { functionNodes, toposort } from "../../ir/graph.js";
import type { Node } from "../../ir/node.js";
import { Op } from "../../ir/ops.js";
import { serializeFunction, type SerializedFunction } from "../../ir/serialize.js";
import { numel } from "../../ir/shape.js";

/** The most elements of a value computed on the host (uploaded every step). */
export const HOST_MAX_ELEMENTS = 16;

export interface HostSplit {
  /** The function the kernels compute: the input function with the host values as inputs. */
  readonly device: IrFunction;
  /** Inputs: the step counter; outputs: `host.<k>` for the device and host-computed outputs. */
  readonly host: SerializedFunction | null;
}

/**
 * `deviceOutput`: outputs the kernels must write even when the host could compute them: a
 * slot's next value (`<slot>.next`) lives in the device's slot buffers, where the next step reads
 * it. Such an output's last op runs on the device, on host values.
 */
export function splitHost(fn: IrFunction, deviceOutput: (name: string) => boolean = (name) => name.endsWith(".next")): HostSplit {
  const nodes = functionNodes(fn);
  const pinned = new Set(fn.outputs.filter((o) => deviceOutput(o.name) && o.node.src.length > 0).map((o) => o.node));
  const onHost = new Set<Node>();
  for (const n of nodes) {
    if (pinned.has(n)) continue;
    if (n.is(Op.Input)) {
      if (n.arg.kind === "step") onHost.add(n);
    } else if (n.op !== Op.Literal && numel(n.shape) <= HOST_MAX_ELEMENTS && n.src.every((s) => onHost.has(s))) onHost.add(n);
  }
  // leaves (the step input, constants, iota) are free on the device: only computed values move
  const computed = (n: Node) => onHost.has(n) && n.src.length > 0;
  const frontier = new Set<Node>();
  for (const n of nodes) if (!onHost.has(n)) for (const s of n.src) if (computed(s)) frontier.add(s);
  const hostOutputs = fn.outputs.filter((o) => computed(o.node) && !deviceOutput(o.name));
  if (frontier.size === 0 && hostOutputs.length === 0) return { device: fn, host: null };

  const ordered = nodes.filter((n) => frontier.has(n));
  const ctx = nodes[0]!.ctx;
  const hostInputs = ordered.map((n, k) => ({ name: `host.${k}`, node: ctx.intern(Op.Input, { name: `host.${k}`, kind: "hyper", dtype: n.dtype, shape: [...n.shape] }, []) }));
  const map = new Map<Node, Node>();
  ordered.forEach((n, k) => map.set(n, hostInputs[k]!.node));
  for (const n of nodes) {
    if (map.has(n)) continue;
    const src = n.src.map((s) => map.get(s) ?? s);
    map.set(n, src.every((s, i) => s === n.src[i]) ? n : ctx.intern(n.op, n.arg, src));
  }
  const device: IrFunction = {
    name: fn.name,
    inputs: [...fn.inputs, ...hostInputs],
    outputs: fn.outputs.filter((o) => !computed(o.node)).map((o) => ({ name: o.name, node: map.get(o.node)! })),
  };
  const used = new Set(toposort([...ordered, ...hostOutputs.map((o) => o.node)]));
  const host: IrFunction = {
    name: `${fn.name}.host`,
    inputs: fn.inputs.filter((i) => used.has(i.node)),
    outputs: [...ordered.map((node, k) => ({ name: `host.${k}`, node })), ...hostOutputs],
  };
  return { device, host: serializeFunction(host) };
}
