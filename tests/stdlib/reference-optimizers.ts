// Plain TypeScript reference implementations of the std.optim optimizers, in float64, written
// from PyTorch's documented algorithms (torch.optim.*, "Algorithm" boxes and `_single_tensor_*`
// update order), from the Lion paper (Chen et al. 2023, Algorithm 2 / lion-pytorch) and from the
// AdamP reference code (Heo et al. 2021, clovaai/AdamP adamp.py). They are deliberately NOT
// transliterations of stdlib/optim.lip, so that a mistake there is caught.
//
// Hyperparameters use the names of the Lip declarations (`beta1`/`beta2` for torch's `betas`);
// the defaults below are PyTorch's (the papers' for Lion and AdamP), stated independently of the
// Lip file so that a wrong Lip default is caught as well. States use PyTorch's names
// (`exp_avg`, `momentum_buffer`, ...); the test maps them to the Lip state names.
//
// `t` is the 1-based update count (PyTorch's `state["step"]` after its increment).

export type Hyper = Record<string, number | boolean>;
export type State = Record<string, Float64Array>;

export interface RefOptimizer {
  readonly defaults: Hyper;
  /** The first state (PyTorch's lazily created state, materialised). */
  init(p: Float64Array, h: Hyper): State;
  /** One update in place of `p` and `s`; returns facts about the update (AdamP: the view projected). */
  step(p: Float64Array, g: Float64Array, t: number, s: State, h: Hyper, shape: readonly number[]): StepInfo;
}

export interface StepInfo {
  readonly projected?: "channel" | "layer" | "none";
}

const num = (h: Hyper, k: string): number => {
  const v = h[k];
  if (typeof v !== "number") throw new Error(`hyperparameter ${k} is not a number`);
  return v;
};
const flag = (h: Hyper, k: string): boolean => {
  const v = h[k];
  if (typeof v !== "boolean") throw new Error(`hyperparameter ${k} is not a bool`);
  return v;
};
const zeros = (p: Float64Array): Float64Array => new Float64Array(p.length);

/** `grad + weight_decay * param` (torch's coupled L2: `grad = grad.add(param, alpha=weight_decay)`). */
function l2(p: Float64Array, g: Float64Array, wd: number): Float64Array {
  const out = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) out[i] = wd !== 0 ? g[i]! + wd * p[i]! : g[i]!;
  return out;
}

/** torch.optim.SGD (maximize = false). */
export const sgd: RefOptimizer = {
  defaults: { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weight_decay: 0 },
  init: () => ({}),
  step(p, grad, _t, s, h) {
    const lr = num(h, "lr"), mu = num(h, "momentum"), damp = num(h, "dampening"), nesterov = flag(h, "nesterov");
    const g = l2(p, grad, num(h, "weight_decay"));
    if (mu !== 0) {
      let buf = s.momentum_buffer;
      if (buf === undefined) {
        // first step: buf = clone(d_p)
        buf = Float64Array.from(g);
        s.momentum_buffer = buf;
      } else {
        for (let i = 0; i < g.length; i++) buf[i] = buf[i]! * mu + (1 - damp) * g[i]!;
      }
      for (let i = 0; i < g.length; i++) g[i] = nesterov ? g[i]! + mu * buf[i]! : buf[i]!;
    }
    for (let i = 0; i < p.length; i++) p[i] = p[i]! - lr * g[i]!;
    return {};
  },
};

/** torch.optim.Adam (coupled L2 weight decay; amsgrad keeps the max of the second moments). */
export const adam: RefOptimizer = {
  defaults: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, amsgrad: false },
  init: (p) => ({ exp_avg: zeros(p), exp_avg_sq: zeros(p), max_exp_avg_sq: zeros(p) }),
  step(p, grad, t, s, h) {
    const g = l2(p, grad, num(h, "weight_decay"));
    adamCore(p, g, t, s, h);
    return {};
  },
};

/** torch.optim.AdamW: param.mul_(1 - lr * weight_decay), then Adam on the raw gradient. */
export const adamw: RefOptimizer = {
  defaults: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 1e-2, amsgrad: false },
  init: (p) => ({ exp_avg: zeros(p), exp_avg_sq: zeros(p), max_exp_avg_sq: zeros(p) }),
  step(p, grad, t, s, h) {
    const decay = 1 - num(h, "lr") * num(h, "weight_decay");
    for (let i = 0; i < p.length; i++) p[i] = p[i]! * decay;
    adamCore(p, grad, t, s, h);
    return {};
  },
};

/** The moment updates and the bias-corrected step of torch's `_single_tensor_adam`. */
function adamCore(p: Float64Array, g: Float64Array, t: number, s: State, h: Hyper): void {
  const lr = num(h, "lr"), b1 = num(h, "beta1"), b2 = num(h, "beta2"), eps = num(h, "eps"), amsgrad = flag(h, "amsgrad");
  const m = s.exp_avg!, v = s.exp_avg_sq!, vmax = s.max_exp_avg_sq!;
  const bc1 = 1 - Math.pow(b1, t);
  const bc2 = 1 - Math.pow(b2, t);
  const stepSize = lr / bc1;
  const bc2Sqrt = Math.sqrt(bc2);
  for (let i = 0; i < p.length; i++) {
    m[i] = m[i]! + (g[i]! - m[i]!) * (1 - b1); // exp_avg.lerp_(grad, 1 - beta1)
    v[i] = v[i]! * b2 + (1 - b2) * g[i]! * g[i]!; // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
    let denom: number;
    if (amsgrad) {
      vmax[i] = Math.max(vmax[i]!, v[i]!);
      denom = Math.sqrt(vmax[i]!) / bc2Sqrt + eps;
    } else {
      denom = Math.sqrt(v[i]!) / bc2Sqrt + eps;
    }
    p[i] = p[i]! - stepSize * (m[i]! / denom);
  }
}

/** Lion (Chen et al. 2023, Algorithm 2; lion-pytorch): decoupled decay, sign of the interpolation. */
export const lion: RefOptimizer = {
  defaults: { lr: 1e-4, beta1: 0.9, beta2: 0.99, weight_decay: 0 },
  init: (p) => ({ exp_avg: zeros(p) }),
  step(p, g, _t, s, h) {
    const lr = num(h, "lr"), b1 = num(h, "beta1"), b2 = num(h, "beta2"), wd = num(h, "weight_decay");
    const m = s.exp_avg!;
    for (let i = 0; i < p.length; i++) {
      p[i] = p[i]! * (1 - lr * wd); // p.data.mul_(1 - lr * wd)
      const c = m[i]! * b1 + g[i]! * (1 - b1);
      p[i] = p[i]! - lr * Math.sign(c); // torch.sign(0) = 0
      m[i] = m[i]! * b2 + g[i]! * (1 - b2);
    }
    return {};
  },
};

/** torch.optim.Adagrad. */
export const adagrad: RefOptimizer = {
  defaults: { lr: 1e-2, lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0, eps: 1e-10 },
  init: (p, h) => ({ sum: new Float64Array(p.length).fill(num(h, "initial_accumulator_value")) }),
  step(p, grad, t, s, h) {
    const lr = num(h, "lr"), eps = num(h, "eps");
    const g = l2(p, grad, num(h, "weight_decay"));
    const clr = lr / (1 + (t - 1) * num(h, "lr_decay"));
    const sum = s.sum!;
    for (let i = 0; i < p.length; i++) {
      sum[i] = sum[i]! + g[i]! * g[i]!; // state_sum.addcmul_(grad, grad, value=1)
      p[i] = p[i]! - clr * (g[i]! / (Math.sqrt(sum[i]!) + eps)); // param.addcdiv_(grad, std, value=-clr)
    }
    return {};
  },
};

/** torch.optim.RMSprop. */
export const rmsprop: RefOptimizer = {
  defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false },
  init: (p) => ({ square_avg: zeros(p), grad_avg: zeros(p), momentum_buffer: zeros(p) }),
  step(p, grad, _t, s, h) {
    const lr = num(h, "lr"), alpha = num(h, "alpha"), eps = num(h, "eps"), mu = num(h, "momentum"), centered = flag(h, "centered");
    const g = l2(p, grad, num(h, "weight_decay"));
    const sq = s.square_avg!, ga = s.grad_avg!, buf = s.momentum_buffer!;
    for (let i = 0; i < p.length; i++) {
      sq[i] = sq[i]! * alpha + (1 - alpha) * g[i]! * g[i]!;
      let avg: number;
      if (centered) {
        ga[i] = ga[i]! + (g[i]! - ga[i]!) * (1 - alpha); // grad_avg.lerp_(grad, 1 - alpha)
        avg = Math.sqrt(sq[i]! - ga[i]! * ga[i]!) + eps; // square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_().add_(eps)
      } else {
        avg = Math.sqrt(sq[i]!) + eps;
      }
      if (mu > 0) {
        buf[i] = buf[i]! * mu + g[i]! / avg;
        p[i] = p[i]! - lr * buf[i]!;
      } else {
        p[i] = p[i]! - lr * (g[i]! / avg);
      }
    }
    return {};
  },
};

/**
 * AdamP, clovaai/AdamP adamp.py. Deliberate layout deviation, as documented in stdlib/optim.lip:
 * the reference's channels are the ROWS of a torch [out, in] weight (`x.view(x.size(0), -1)`);
 * Lip dense weights are [in, out], so a channel here is an index of the LAST axis, with the
 * numel / O elements that share it. A tensor is projected when its rank is > 1 (the reference's
 * `len(p.shape) > 1`) AND its leading dimensions hold more than one element (the Lip rule: a
 * [1, O] matrix is treated as a vector). Cosine similarity: torch's F.cosine_similarity,
 * x.y / (max(||x||, eps) max(||y||, eps)), with the optimizer's eps.
 */
export const adamp: RefOptimizer = {
  defaults: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, delta: 0.1, wd_ratio: 0.1, nesterov: false },
  init: (p) => ({ exp_avg: zeros(p), exp_avg_sq: zeros(p) }),
  step(p, g, t, s, h, shape) {
    const lr = num(h, "lr"), b1 = num(h, "beta1"), b2 = num(h, "beta2"), eps = num(h, "eps");
    const wd = num(h, "weight_decay"), delta = num(h, "delta"), wdRatio = num(h, "wd_ratio"), nesterov = flag(h, "nesterov");
    const m = s.exp_avg!, v = s.exp_avg_sq!;
    const n = p.length;
    const bc1 = 1 - Math.pow(b1, t);
    const bc2 = 1 - Math.pow(b2, t);
    const perturb = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      m[i] = m[i]! * b1 + (1 - b1) * g[i]!;
      v[i] = v[i]! * b2 + (1 - b2) * g[i]! * g[i]!;
      const denom = Math.sqrt(v[i]!) / Math.sqrt(bc2) + eps;
      perturb[i] = nesterov ? (b1 * m[i]! + (1 - b1) * g[i]!) / denom : m[i]! / denom;
    }
    const stepSize = lr / bc1;

    let ratio = 1;
    let projected: "channel" | "layer" | "none" = "none";
    const O = shape.length === 0 ? 1 : shape[shape.length - 1]!;
    const K = n / O;
    if (shape.length > 1 && K > 1) {
      // the channel view (channel c = flat index mod O), then the layer view (one group)
      const views: { group: (i: number) => number; groups: number; size: number; name: "channel" | "layer" }[] = [
        { group: (i) => i % O, groups: O, size: K, name: "channel" },
        { group: () => 0, groups: 1, size: n, name: "layer" },
      ];
      for (const view of views) {
        const pp = new Float64Array(view.groups), gg = new Float64Array(view.groups), pg = new Float64Array(view.groups);
        for (let i = 0; i < n; i++) {
          const c = view.group(i);
          pp[c] = pp[c]! + p[i]! * p[i]!;
          gg[c] = gg[c]! + g[i]! * g[i]!;
          pg[c] = pg[c]! + p[i]! * g[i]!;
        }
        let maxCos = 0;
        for (let c = 0; c < view.groups; c++) {
          const cos = Math.abs(pg[c]! / (Math.max(Math.sqrt(gg[c]!), eps) * Math.max(Math.sqrt(pp[c]!), eps)));
          maxCos = Math.max(maxCos, cos);
        }
        if (maxCos < delta / Math.sqrt(view.size)) {
          // p_n = p / (||p||_view + eps);  perturb -= p_n * <p_n, perturb>_view
          const pn = new Float64Array(n);
          for (let i = 0; i < n; i++) pn[i] = p[i]! / (Math.sqrt(pp[view.group(i)]!) + eps);
          const dot = new Float64Array(view.groups);
          for (let i = 0; i < n; i++) {
            const c = view.group(i);
            dot[c] = dot[c]! + pn[i]! * perturb[i]!;
          }
          for (let i = 0; i < n; i++) perturb[i] = perturb[i]! - pn[i]! * dot[view.group(i)]!;
          ratio = wdRatio;
          projected = view.name;
          break;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      if (wd > 0) p[i] = p[i]! * (1 - lr * wd * ratio);
      p[i] = p[i]! - stepSize * perturb[i]!;
    }
    return { projected };
  },
};

export const referenceOptimizers = { sgd, adam, adamw, lion, adagrad, rmsprop, adamp } as const;
export type OptimizerName = keyof typeof referenceOptimizers;
