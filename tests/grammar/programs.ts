// Hand-written Lip programs for the grammar tests and the parse benchmark.

/** The quickstart program of the brief (a mix of every declaration). */
export const QUICKSTART = `use std.nn { dense, relu }
use std.loss { cross_entropy }
use std.optim { adamw }
use std.sched { warmup, cosine }
use std.data { two_moons }
use std.constraint { spectral_norm }

data moons = two_moons(n: 4096, noise: 0.1, seed: 7) split 0.8

model classifier(x: f32[B, 2]) -> f32[B, 2] {
  let h1 = relu(dense(x, 64))
  let h2 = relu(dense(h1, 64))
  dense(h2, 2)
}

experiment quickstart {
  model     classifier
  data      moons.train, batch: 128, shuffle: true
  eval      moons.test every 100
  steps     1000
  let lr    = 3e-3 * warmup(step, 100) * cosine(step, steps)
  loss      cross_entropy(out, y)
  optimizer adamw(lr: lr, weight_decay: 0.01)
  constrain spectral_norm(classifier.*.w, bound: 1.0)
  metric    accuracy = mean(argmax(out, axis: -1) == y)
  state ema = 0.0
  ema <- 0.99 * ema + 0.01 * loss
}

layer dense(x: f32[..., I], O: int) -> f32[..., O] {
  param w: f32[I, O] = lecun_normal()
  param b: f32[O]    = zeros()
  x @ w + b
}
fn gelu(x) = 0.5 * x * (1 + tanh(0.7978845608 * (x + 0.044715 * x^3)))
optimizer lion(lr, beta1 = 0.9, beta2 = 0.99, weight_decay = 0.0) {
  state m = zeros_like(param)
  param <- param - lr * (sign(beta1 * m + (1 - beta1) * grad) + weight_decay * param)
  m <- beta2 * m + (1 - beta2) * grad
}
property "lion moves every coordinate by exactly lr" {
  forall p: f32[N], g: f32[N], c: f32 in [0.01, 100] where all(g != 0)
  let p1 = update(lion(lr: 0.01), p, g)
  assert all(abs(p1 - p) ~= 0.01), rtol: 1e-5
}
fn f(x: f32[4, 8]) -> f32[4] { let y = x[:, 1:3] ; y[..., 0] }
fn r() -> {x: f32[3], y: i32[3]} = {x: zeros([3]), y: iota(3)}
let hidden = 64
use "./other.lip"
`;

/** More hand-written programs, for round trips and mutation fuzzing. */
export const PROGRAMS: readonly string[] = [
  QUICKSTART,
  `// a transformer block
use std.nn { attention, layer_norm, dense as linear }

layer mlp(x: f32[..., D], H: int) -> f32[..., D] {
  let h = gelu(linear(x, H))
  linear(h, D)
}

layer block(x: f32[B, T, D], heads: int = 4) -> f32[B, T, D] {
  let a = x + attention(layer_norm(x), heads: heads)
  a + mlp(layer_norm(a), 4 * D)
}

constraint max_norm(w: f32[..., I, O], bound: float = 1.0) {
  let n = sqrt(sum(w * w, axis: -2, keepdims: true))
  w <- w * min(1.0, bound / (n + 1e-12))
}
`,
  `data spirals = spirals(n: 2000, turns: 1.5) split 0.75
data table = modular(p: 97, op: "+") split 0.5

let lr0: float = 1e-3
let warm = 200

model net(x: f32[B, 2]) -> f32[B, 3] {
  let h = if warm > 100 then relu(dense(x, 32)) else tanh(dense(x, 32))
  dense(h, 3)
}

experiment spin {
  model net
  data spirals.train, batch: 64
  eval spirals.test every 50, batch: 512
  steps 2000
  loss cross_entropy(out, y) + 1e-4 * sum(out^2)
  optimizer adamw(lr: lr0 * warmup(step, warm), weight_decay: 0.1)
  metric acc = mean(argmax(out, axis: -1) == y) every 10
  metric margin = -min(out[..., 0] - out[..., 1])
  state best = 0.0
  best <- max(best, acc)
}
`,
  `property "adam is scale invariant" {
  forall p: f32[N], g: f32[N], s: f32 in [0.1, 10.0]
  let a = update(adam(lr: 0.1), p, g)
  let b = update(adam(lr: 0.1), p, s * g)
  assert all(a ~= b), rtol: 1e-4, atol: 1e-6
}

property "slices" {
  forall x: f32[N, M] where N > 2 and M >= 2 and not (N == M)
  assert x[1:, ::2].shape[0] == N - 1
  assert x[..., -1][0] == x[0, M - 1]
}

fn record_of(x: f32[N]) -> {a: f32[N], b: i32} = {a: -x, b: 3}
fn strings() = ["café ☃ 日本 😀", "tab\\there", "quote \\" and backslash \\\\"]
`,
];
