// Leaves: nodes without sources. `input` reads a value bound by the caller; `constant` splats a
// scalar; `literal` holds row-major data; `iota` counts 0, 1, ... along one axis. Float constants
// and literals keep their f64 value; the f32 rounding happens when the interpreter stores them.

import { Op } from "../ops.js";
import type { PrimitiveRule } from "../primitives.js";
import { nonDifferentiable } from "./non-differentiable.js";
import { numel, showShape } from "../shape.js";
import { convertScalar } from "../dtype.js";
import { forEachIndex } from "../../../runtime/tensor.js";
import { arity, aval, bug, checkShapeArg, result } from "./common.js";

type LeafOp = Op.Input | Op.Constant | Op.Literal | Op.Iota;

export const leafRules: { [O in LeafOp]: PrimitiveRule<O> } = {
  [Op.Input]: {
    shape: (arg, src) => {
      arity("input", src, 0);
      if (arg.name.length === 0) bug("input", "an input needs a name");
      checkShapeArg("input", arg.shape);
      return aval(arg.dtype, arg.shape);
    },
    eval: (arg, _src, _out, env) => env.input(arg.name),
    vjp: nonDifferentiable,
  },
  [Op.Constant]: {
    shape: (arg, src) => {
      arity("constant", src, 0);
      checkShapeArg("constant", arg.shape);
      if (!Object.is(convertScalar(arg.value, arg.dtype), arg.value) && !Number.isNaN(arg.value)) bug("constant", `${arg.value} is not a ${arg.dtype} value`);
      return aval(arg.dtype, arg.shape);
    },
    eval: (arg, _src, out, env) => {
      const { t, data } = result(out, env);
      data.fill(arg.value);
      return t;
    },
    vjp: nonDifferentiable,
  },
  [Op.Literal]: {
    shape: (arg, src) => {
      arity("literal", src, 0);
      checkShapeArg("literal", arg.shape);
      if (arg.data.length !== numel(arg.shape)) bug("literal", `${arg.data.length} values for shape ${showShape(arg.shape)}`);
      return aval(arg.dtype, arg.shape);
    },
    eval: (arg, _src, out, env) => {
      const { t, data } = result(out, env);
      data.set(arg.data);
      return t;
    },
    vjp: nonDifferentiable,
  },
  [Op.Iota]: {
    shape: (arg, src) => {
      arity("iota", src, 0);
      checkShapeArg("iota", arg.shape);
      if (!Number.isInteger(arg.axis) || arg.axis < 0 || arg.axis >= arg.shape.length) bug("iota", `axis ${arg.axis} out of range for ${showShape(arg.shape)}`);
      if (arg.dtype === "bool") bug("iota", "needs a numeric dtype");
      return aval(arg.dtype, arg.shape);
    },
    eval: (arg, _src, out, env) => {
      const { t, data } = result(out, env);
      forEachIndex(out.shape, (flat, idx) => (data[flat] = idx[arg.axis]!));
      return t;
    },
    vjp: nonDifferentiable,
  },
};
